"""A German question about the shop's rules, read in the documents' language.

German is a shop language, but the shop's documents and the MiniLM model that searches them are English: "Was kostet
das Rücksendeetikett aus Deutschland?" finds nothing close enough to answer. The policies speak of few things (returns,
exchanges, shipping, carriers, warranty, refunds, costs and times, countries, product groups), so a glossary of those
words lets the question be searched, and its country, product group and kind of answer be read, as the English one
would. Only a message read as German is glossed; the answer quotes the documents as they are.
"""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge.product_answers import GERMAN_KINDS

# Longest first within each entry; phrases before the words they contain. Plural and inflected forms by the optional
# endings. Order matters: "Rücksendeetikett" is a return label before "Rücksendung" is a return.
_GLOSSARY: tuple[tuple[str, str], ...] = (
    # what is asked
    (r"was kostet|was kosten|wie viel kostet|wie viel kosten|wie viel|wieviel", "how much does it cost"),
    (r"wie viele tage", "how many days"),
    (r"wie lange|wie lang", "how long"),
    (r"wie schnell", "how fast"),
    (r"welche[nmrs]?|welcher", "which"),
    (r"bis wann", "until when"),
    (r"wann", "when"),
    # "Wer liefert nach Irland?" asks who carries it, not whether we go there.
    (r"wer", "who"),
    (r"was zahle ich|was bezahle ich|was zahlt man|was muss ich (?:be)?zahlen", "how much do I pay"),
    (r"kann ich|darf ich", "can I"),
    (r"muss ich", "do I have to"),
    (r"bekomme ich|kriege ich", "do I get"),
    (r"gibt es", "is there"),
    # the procedures
    (r"rücksendeetikett(?:s|en)?|retourenetikett(?:s|en)?|rücksendeschein", "return label"),
    (r"rücksendekosten|retourenkosten", "return shipping costs"),
    (r"rücksendung(?:en)?|retoure[n]?", "return"),
    (r"zurück(?:zu)?(?:geben|schicken|senden)|zurückgeschickt|zurückgegeben|zurückgesendet", "return"),
    (r"umtausch(?:en)?|umzutauschen|umgetauscht", "exchange"),
    (r"erstatt(?:ung|et|en)|rückerstattung|geld zurück", "refund"),
    (r"versandkosten|lieferkosten|porto", "shipping costs"),
    (r"expressversand|expresslieferung|expresspaket(?:e)?", "express shipping"),
    (r"standardversand|standardlieferung|standardpaket(?:e)?", "standard shipping"),
    (r"versanddienst(?:leister)?|versandunternehmen|paketdienst|zusteller|spediteur", "carrier"),
    (r"versand", "shipping"),
    (r"verschick(?:t|en|st)|versend(?:et|en|est)|liefer(?:t|n|st)", "ship"),
    (r"lieferzeit(?:en)?|lieferdauer|versanddauer", "delivery time"),
    (r"werktag(?:e|en)?|arbeitstag(?:e|en)?", "business days"),
    (r"dauert|dauern|braucht|brauchen", "take"),
    (r"wohne|wohnen|lebe|leben", "live"),
    (r"lieferung|zustellung", "delivery"),
    (r"sendung|paket(?:e)?", "parcel"),
    (r"garantie|gewährleistung", "warranty"),
    (r"rückgabefrist|rückgaberecht|frist", "return window"),
    (r"rückgabe(?:n)?", "return"),
    (r"zustand", "condition"),
    (r"artikel", "item"),
    (r"zoll|zölle|einfuhrzoll|zollgebühren|einfuhrumsatzsteuer|mehrwertsteuer|mwst", "customs duties"),
    (r"kostenlos|gratis|umsonst", "free"),
    (r"kosten|kostet", "cost"),
    (r"gutschein(?:e|code)?|rabattcode", "voucher"),
    (r"bezahlen|zahlen", "pay"),
    (r"getragen|benutzt|gebraucht", "used"),
    # the state of what comes back: "wenn die Verpackung schon offen ist", "geöffnet", "ausgepackt"
    (r"originalverpackung(?:en)?|verpackung(?:en)?", "packaging"),
    (r"geöffnet|ausgepackt|offen", "opened"),
    (r"draußen", "outdoors"),
    (r"stornieren|storniert|stornierung", "cancel"),
    (r"innerhalb der usa|in den usa|in die usa", "in the US"),
    # A question to the shop, verb first: "Akzeptiert ihr Klarna?", "Bieten Sie Ratenkauf an?", "Liefert ihr auch
    # nach Österreich?", "Welcher Paketdienst bringt Bestellungen nach Italien?" (the plural: orders in general; one
    # "Bestellung" is usually theirs and stays as it is).
    (r"akzeptiert|akzeptieren|nehmt|nehmen", "accept"),
    (r"bietet|bieten", "offer"),
    (r"bringt|bringen|zugestellt|zustellen", "deliver"),
    (r"bestellungen", "orders"),
    (r"kundenservice|kundendienst|kundenbetreuung|support", "customer service"),
    # the team's hours ("Bis wann antwortet ihr samstags?")
    (r"erreichbar|geöffnet|besetzt", "available"),
    (r"antwortet ihr|antworten sie", "do you reply"),
    # ... and who works them: "Wann kann ich mit einem echten Menschen sprechen?"
    (
        r"(?:mit\s+)?(?:einem|einer)\s+(?:echten|richtigen)\s+(?:menschen|person|mitarbeiter(?:in)?)"
        r"|(?:mit\s+)?(?:einem|einer)\s+(?:menschen|mitarbeiter(?:in)?)",
        "a real person",
    ),
    (r"sprechen|reden|erreichen", "talk to"),
    # prices after an order and elsewhere: "Gibt es eine Preisgarantie, wenn der Preis sinkt?"
    (r"preisgarantie|preisanpassung|preisabgleich", "price matching price drop"),
    (r"preis(?:e|es)?", "price"),
    (r"sinkt|sinken|gesunken|gesenkt|fällt|reduziert", "drops"),
    (r"woanders|anderswo|bei der konkurrenz|in einem anderen shop", "other shops"),
    (r"montags?", "Monday"),
    (r"dienstags?", "Tuesday"),
    (r"mittwochs?", "Wednesday"),
    (r"donnerstags?", "Thursday"),
    (r"freitags?", "Friday"),
    (r"samstags?|sonnabends?", "Saturday"),
    (r"sonntags?", "Sunday"),
    (r"feiertag(?:e|en)?", "public holidays"),
    # ... its subject, once the phrases that contain it are read ("antwortet ihr")
    (r"ihr|euch", "you"),
    (r"euer|eure[mnrs]?", "your"),
    (r"auch", "also"),
    # the countries the documents name
    (r"deutschland", "Germany"),
    (r"österreich", "Austria"),
    (r"frankreich", "France"),
    (r"niederlande(?:n)?|holland", "the Netherlands"),
    (r"belgien", "Belgium"),
    (r"luxemburg", "Luxembourg"),
    (r"irland", "Ireland"),
    (r"dänemark", "Denmark"),
    (r"spanien", "Spain"),
    (r"italien", "Italy"),
    (r"schweden", "Sweden"),
    (r"schweiz", "Switzerland"),
    (r"norwegen", "Norway"),
    (r"kanada", "Canada"),
    (r"großbritannien|england|vereinigte[sn]? königreich", "the UK"),
    (r"zurück", "back"),
    (r"wenn|falls", "if"),
    (r"nach|in die|in den", "to"),
    (r"aus", "from"),
)


def _kinds() -> tuple[tuple[str, str], ...]:
    """The product groups in German, as the catalog's words for them (longest first)."""
    pairs = [(word, kind) for kind, words in GERMAN_KINDS.items() for word in words]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"(?<![\w-])(?:{source})(?![\w-])", re.IGNORECASE), target)
    for source, target in (*_GLOSSARY, *((re.escape(w), kind) for w, kind in _kinds()))
)


@lru_cache(maxsize=2048)
def in_document_language(text: str) -> str:
    """A German question with the words of the shop's rules in English ("Was kostet das Rücksendeetikett aus
    Deutschland?" reads "how much does it cost das return label from Germany?"); any other text as it is."""
    from graph.nlu.language import detect_language

    if detect_language(text) != "de":
        return text
    for pattern, target in _PATTERNS:
        text = pattern.sub(target, text)
    return re.sub(r"\s{2,}", " ", text).strip()
