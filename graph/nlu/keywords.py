"""Phrases that matter regardless of intent: critical keywords and explicit requests for a person.

These are patterns rather than embeddings because a missed "chargeback" or "I want a human" costs far more than a
false alarm, and patterns are predictable and auditable. Canonical names match the escalation policy's defaults.
"""

from __future__ import annotations

import re
from functools import lru_cache

from graph.nlu import lexicon
from graph.nlu.patterns import compile_words
from graph.nlu.segment import sentences
from graph.nlu.spelling import as_typed, with_cue_spellings

# What a customer can disown as not theirs: a purchase, the money taken for it, or the order itself.
_DEAL = r"orders?|purchases?|payments?|charges?|transactions?|debits?|bookings?"
# The customer's own people: a purchase of theirs is a family matter, not a stranger's.
_KIN = (
    r"husband|wife|partner|spouse|son|daughter|kids?|children|child|mother|mum|mom|father|dad|parents?|brother|sister"
    r"|family|household|boyfriend|girlfriend|flatmate|roommate|grand\w+|nephew|niece|aunt|uncle|cousin|friend"
)

# What pays or holds the customer's money, and a purchase made on it without their say ("without asking").
_MEANS = r"card|account|paypal|bank\s+\w+|login|details|money"
_UNASKED = (
    r"without\s+(?:(?:first\s+|even\s+)?asking(?!\s+(?:for|about|whether|if|how|what|when)\b)|my\s+(?:permission|consent"
    r"|knowledge|approval|agreement|say[\s-]so|ok(?:ay)?)|(?:any\s+)?permission|consent|(?:me\s+)?knowing|telling\s+me)\b"
)
_MITTEL = r"karte|kreditkarte|ec-?karte|konto|kundenkonto|paypal|account|zugang|daten|kartendaten"
_UNGEFRAGT = (
    r"ohne\s+(?:mich\s+)?(?:vorher\s+)?(?:zu\s+fragen|(?:meine\s+|mein\s+)?(?:erlaubnis|zustimmung|einwilligung"
    r"|genehmigung|einverst[äa]ndnis|okay|ok|wissen)|(?:mir\s+)?bescheid\s+zu\s+(?:sagen|geben)|mein\s+wissen)\b"
)
# A setting of the account or an order changed, and the verbs of changing it.
_CHANGED = r"(?:changed|altered|updated|edited|modified|reset|swapped|replaced)"
_SETTING = r"address|e-?mail|password|phone|number|details|payment\s+\w+|card|bank\s+\w+|account|order|name|login"
_ACCOUNT_SETTING = r"address|e-?mail|password|phone|number|details|payment\s+\w+|card|bank\s+\w+|account|name|login"
_EINSTELLUNG = r"adresse|lieferadresse|e-?mail|passwort|telefonnummer|daten|zahlungs|bankverbindung|konto|bestellung"

# The front of a German compound: a word's letters that may stand before a stem ("Rechts" in "Rechtsanwalt").
_COMPOUND = r"[a-zäöüß]*"

_CRITICAL: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (canonical, re.compile(pattern, re.IGNORECASE))
    for canonical, pattern in (
        (
            "formal complaint",
            r"\b(?:formal|official)\s+complaint\b|\blodge\s+a\s+complaint\b"
            r"|\b(?:offizielle|formelle)\s+beschwerde\b|\b(?:plainte|r[ée]clamation)\s+formelle\b"
            r"|\b(?:reclamaci[oó]n|queja)\s+formal\b|\bformele\s+klacht\b|\breclamo\s+formale\b",
        ),
        (
            "cancel subscription",
            r"\bcancel\s+(?:my\s+|the\s+|your\s+)?(?:\w+\s+)?(?:subscription|membership|contract|service)\b"
            # Ending a contract, not a newsletter ("Wie kündige ich den Newsletter?" is a newsletter question).
            r"|\bend\s+my\s+(?:subscription|membership)\b"
            r"|\bk[üu]ndig\w*\b(?!\s+(?:\w+\s+){0,2}(?:newsletter|e-?mails?|mails?|benachrichtigung\w*|werbung)\b)"
            r"(?<!newsletter\skündigen)(?<!newsletter\skuendigen)",
        ),
        (
            "legal action",
            r"\b(?:legal\s+action|lawyers?|attorneys?|solicitors?|su(?:e|ing|ed)\s+(?:you|your|them)"
            r"|i(?:'ll|\s+will)\s+sue|lawsuit|court|small\s+claims|avocat|abogado|advocaat"
            # German legal words live inside compounds ("Rechtsanwalt", "Anwältin", "Anwaltskanzlei", "Sammelklage",
            # "Amtsgericht", "abmahnen"): read as stems with whatever the compound puts before or after them. Not
            # "Gericht" bare (a dish) nor "Hauptgericht": only the courts' own compounds.
            rf"|{_COMPOUND}(?:anw[äa]lt|abmahn|amtsgericht|landgericht|schiedsgericht|gerichtsverfahren|gerichtsstand"
            r"|klageschrift|sammelklage|zivilklage|verbraucherschutzbeh[öo]rde|verbraucherschutzverein)\w*"
            r"|avvocato|porter\s+plainte|rechtliche\s+schritte|(?:false|misleading)\s+advertising|irref[üu]hrende\s+werbung"
            r"|(?:straf)?anzeige\s+(?:erstatten|erstatte|stellen)|erstatte\s+(?:ich\s+)?(?:straf)?anzeige"
            # German legal steps told by the step, not by a lawyer: a court ("vor Gericht gehen", "gerichtlich"; not
            # "Gericht" alone, which is also a dish), a lawsuit, a dunning order, an arbitration board.
            r"|vor\s+(?:das\s+|ein\s+|dem\s+|einem\s+)?gericht|gerichtlich\w*|verklag\w*|klage\s+(?:\w+\s+){0,4}(?:einreichen"
            r"|erheben|einleiten)|(?:reiche|erhebe)\s+(?:ich\s+)?(?:\w+\s+)?klage|mahnbescheid\w*|mahnverfahren"
            r"|schlichtung\w*|streitbeilegung\w*|rechtsweg\w*|juristisch\w*\s+(?:vorgehen|schritte|pr[üu]fen)|rechtsschutz\w*"
            # The letters that open a legal step: "a letter before action", "cease and desist".
            r"|letter\s+before\s+(?:action|claim)|cease\s+and\s+desist|demand\s+letter)\b",
        ),
        (
            "chargeback",
            # A payment disputed, whatever the determiner ("dispute this charge", "disputing the payment") or whoever
            # is asked to ("with my credit card company").
            r"\b(?:charge\s?-?backs?|disput\w*\s+(?:the|this|that|these|those|my|your|a|their)\s+(?:\w+\s+)?(?:charges?"
            r"|payments?|transactions?|debits?|purchases?)|disput\w*\s+(?:\w+\s+){0,4}(?:with|through|via)\s+my\s+(?:bank"
            r"|credit\s+card|card\s+(?:company|issuer|provider))|(?:going|go|contacting|contact|call(?:ing)?)\s+(?:to\s+)?my\s+bank"
            r"|r[üu]ckbuchung|zur[üu]ck\s?buch\w*|r[üu]cklastschrift|(?:open|opened|opening|file|filed|filing|raise|raised"
            r"|start|started)\s+a\s+(?:payment\s+)?(?:dispute|claim)\s+(?:with|on|at|through)|dispute\s+(?:with|via|through)"
            r"\s+(?:paypal|my\s+bank|visa|amex|mastercard|klarna)|reverse\s+(?:the|this|my)\s+(?:payment|charge|transaction)"
            r"|(?:zahlung|geld|betrag)\s+(?:bei|über|ueber)\s+(?:paypal|klarna|meine[rm]?\s+bank|der\s+bank)\s+zur[üu]ck\w*"
            # The customer's bank or card provider asked to take the money back: "asked my credit card provider to
            # claw back the payment", "meine Bank soll das Geld zurückholen".
            r"|claw(?:ing|ed)?\s+back|(?:asked|told|instructed|contacted|called|rang|phoned)\s+my\s+(?:bank|card\s+(?:provider"
            r"|issuer|company)|credit\s+card\s+(?:provider|company|issuer))\s+to\s+(?:reverse|recover|get\s+(?:\w+\s+)?back"
            r"|take\s+(?:\w+\s+){0,2}back|refund|block|stop|dispute|cancel)"
            r"|(?:bank|kreditkarten\w*|kartenanbieter\w*|kartenherausgeber\w*)\s+(?:\w+\s+){0,5}(?:zur[üu]ckholen|zur[üu]ckfordern"
            r"|zur[üu]ckziehen|zur[üu]ckgeholt|zur[üu]ckgefordert)"
            # A direct debit sent back or objected to: "die Lastschrift zurückgehen lassen", "der Abbuchung
            # widersprochen".
            r"|lastschrift\w*\s+(?:\w+\s+){0,3}(?:zur[üu]ck(?:gehen|gegangen|geben|gegeben|holen|geholt|buchen|gebucht|ziehen"
            r"|gezogen|rufen|gerufen|fordern|gefordert)|widerruf\w*|widersproch\w*|storniert|platzen)"
            r"|(?:widerspruch|widerspreche|widersprochen)\s+(?:\w+\s+){0,4}(?:lastschrift|abbuchung|belastung|einzug)"
            r"|(?:lastschrift|abbuchung|belastung|einzug)\w*\s+(?:\w+\s+){0,3}widersproch\w*"
            r"|k[äa]uferschutz\w*"
            # A UK card issuer made to pay under the Consumer Credit Act: "a section 75 claim".
            r"|section\s+75|s\.?\s?75\s+claim)\b",
        ),
        (
            "fraud",
            # A parcel stolen from a doorstep is a lost delivery, not fraud against the customer's account.
            r"\b(?:fraud\w*|scam\w*|(?<!parcel\s)(?<!package\s)(?<!delivery\s)(?:theft|thie(?:f|ves))"
            r"|(?:stole|stolen)(?!\s+(?:from\s+(?:my|the|our)\s+(?:porch|doorstep|door|step|mailbox|hallway|lobby"
            r"|garden|front)))|unauthori[sz]ed|betrug|arnaque|estafa|oplichting|truffa"
            r"|(?:someone|somebody)\s+(?:else\s+)?(?:logged|got|broke|has\s+been|is)\s+(?:in(?:to)?|using)\s+my\s+account"
            r"|account\s+(?:was\s+|has\s+been\s+|got\s+)?(?:hacked|compromised|taken\s+over)|(?:hacked|compromised)\s+account"
            r"|(?:wasn'?t|was\s+not|not)\s+me\s+who\s+(?:ordered|placed|paid)|nicht\s+autorisiert\w*"
            r"|(?:never|didn'?t|did\s+not)\s+authori[sz]e\w*|nie\s+(?:autorisiert|genehmigt|freigegeben)"
            r"|(?:someone|somebody)\s+(?:else\s+)?used\s+my\s+(?:account|card)"
            # A charge the customer does not know: "a payment on my card I don't recognise", "eine Buchung, die ich
            # nicht kenne".
            # What is not made or placed is read below with the deal word as its object; "I don't know" asks no more
            # than a question ("the payment failed, I don't know why").
            r"|(?:charge|payment|transaction|debit)s?\b[^.!?]{0,40}\b(?:i|we)\s+(?:don'?t|do\s+not|didn'?t|did\s+not|can'?t)"
            r"\s+(?:recogni[sz]e|know(?!\s+(?:why|how|what|when|where|if|whether|which))|authori[sz]e)|(?:unknown|unrecogni[sz]ed|unfamiliar|mystery)\s+(?:charge"
            r"|payment|transaction|debit)"
            r"|(?:buchung|abbuchung|belastung|zahlung|lastschrift|betrag)\w*\b[^.!?]{0,40}\b(?:die|den|das)\s+ich\s+nicht"
            r"\s+(?:kenne|zuordnen\s+kann|erkenne|veranlasst\s+habe|get[äa]tigt\s+habe)"
            r"|(?:unbekannte|fremde|unerkl[äa]rliche)\w*\s+(?:abbuchung|buchung|belastung|zahlung|lastschrift)"
            # Several payments disowned at once: "four payments on my statement and none of them were me".
            rf"|(?:{_DEAL})\b[^.!?]{{0,60}}\b(?:none|neither)\s+of\s+(?:them|which|these|those)\s+(?:were|was|are|is)\s+"
            r"(?:me|mine|by\s+me|made\s+by\s+me)"
            # Someone else inside the account: "jemand hat sich in mein Kundenkonto eingeloggt".
            r"|jemand\w*\s+(?:\w+\s+){0,3}(?:in|auf)\s+mein\w*\s+(?:kunden)?(?:konto|account|profil)\w*\s+(?:\w+\s+){0,2}?"
            r"(?:eingeloggt|angemeldet|eingedrungen|zugegriffen|eingeh?ackt)"
            r"|jemand\w*\s+(?:hat\s+)?(?:\w+\s+){0,3}(?:mit|[üu]ber|von)\s+meine[mr]\s+(?:kunden)?(?:konto|account|karte|paypal"
            r"|kreditkarte|daten|kartendaten|zugang))\b"
            # A purchase the customer disowns, said by what they did not do rather than by "fraud": an order, a payment
            # or a charge that they never placed, made or authorised, or that is not theirs ("charged for an order I
            # never placed", "I didn't make this purchase", "two orders that aren't mine", "ich habe diesen Kauf nicht
            # getätigt"), and money taken for what they never ordered. Said by the customer of the customer: an order
            # not placed yet ("I didn't place the order yet") or an item sent that they never ordered (a wrong item) is
            # no disowned purchase.
            # The deal word is what was not placed, made or authorised ("an order I never placed", "I didn't make this
            # payment"), not a neighbour of some other thing not done ("my order is pending, I didn't make the payment
            # yet", "I didn't make two orders"); approving a change is no purchase.
            rf"|\b(?:{_DEAL})\s+(?:(?:on|in|from|of)\s+(?:my|our|the)\s+(?:\w+\s+)?\w+\s+)?(?:that\s+|which\s+)?(?:i|we)\s+(?:have\s+)?(?:never|didn'?t|didnt|did\s+not|haven'?t"
            r"|havent|have\s+not)\s+(?:ever\s+)?(?:place|placed|make|made|authori[sz]e|authori[sz]ed)\b(?!\s+(?:\w+\s+)?yet)"
            rf"|\b(?:i|we)\s+(?:have\s+)?(?:never|didn'?t|didnt|did\s+not)\s+(?:ever\s+)?(?:place|placed|make|made"
            rf"|authori[sz]e|authori[sz]ed)\s+(?:this|that|these|those|any\s+of\s+(?:these|those|the))\s+(?:\w+\s+)?(?:{_DEAL})\b"
            # Not the customer's, unless they name whose it is ("that order isn't mine, it's my husband's").
            rf"|\b(?:{_DEAL})\b[^.!?]{{0,40}}\b(?:aren'?t|arent|are\s+not|isn'?t|isnt|is\s+not|wasn'?t|wasnt|was\s+not"
            rf"|weren'?t|were\s+not)\s+(?:mine|(?:from|by)\s+me)\b(?![^.!?]{{0,40}}\b(?:my|our)\s+(?:{_KIN})\b)"
            # Money taken for a purchase never made; an extra of an order not asked for ("charged for express shipping I
            # didn't order") is a billing dispute, not a disowned purchase.
            r"|\b(?:charg|bill|debit|invoic)\w*\b[^.!?]{0,30}\bfor\s+(?:an?\s+|the\s+|some\s+)?(?![^.!?]{0,25}\b(?:shipping"
            r"|delivery|postage|wrapping|insurance|fees?|warranty|upgrade|service|subscription|membership)\b)(?:[\w-]+\s+){1,3}?"
            r"(?:that\s+)?(?:i|we)\s+(?:have\s+)?(?:never|didn'?t"
            r"|didnt|did\s+not)\s+(?:order|ordered|buy|bought|purchase|purchased|place|placed|make|made)\b"
            r"|\b(?:took|taken|take|taking|withdrew|withdrawn|deducted|debited)\s+(?:\w+\s+){0,2}?money\b[^.!?]{0,20}\bfor\s+"
            r"(?:an?\s+|the\s+|some\s+)?(?:orders?|purchases?|things|items|stuff|something|anything|products?|goods)\s+"
            r"(?:that\s+)?(?:i|we)\s+(?:have\s+)?(?:never|didn'?t|didnt|did\s+not)\s+(?:order|ordered|buy|bought|purchase"
            r"|purchased)\b"
            # Someone else paying or shopping with what is the customer's: "somebody has been buying things with my
            # PayPal", "a stranger is using my card". A gift bought for the customer names no card of theirs.
            rf"|\b(?:someone|somebody|some\s+one|a\s+stranger|strangers|a\s+third\s+party)\s+(?:else\s+)?"
            rf"(?!(?:\w+\s+){{0,2}}?(?:my|our)\s+(?:own\s+)?(?:{_KIN})\b)(?:\w+\s+){{0,3}}?"
            r"(?:using|used|uses|buying|bought|ordering|ordered|shopping|paid|paying|purchas\w+|spending|spent)\s+"
            r"(?:\w+\s+){0,3}?(?:with|on|from|through|via|using)\s+my\s+(?:credit\s+|debit\s+)?(?:card|account|paypal"
            r"|details|bank\s+\w+|login|identity|money)\b"
            # German: a purchase disowned by the verb of making it ("eine Bestellung, die ich nie getätigt habe"), not
            # any relative clause with "nicht" ("die Bestellung, die ich nicht bekommen habe" is a missing parcel).
            r"|\b(?:bestellung|kauf|eink[äa]uf|zahlung|abbuchung|buchung|belastung|lastschrift)\w*\b[^.!?]{0,50}"
            r"\b(?:(?:die|den|das)\s+ich\s+(?:\w+\s+)?(?:nicht|nie|niemals)\s+(?:selbst\s+|selber\s+)?(?:get(?:ä|ae|a)tigt"
            r"|veranlasst|autorisiert|bestellt|aufgegeben)|(?:nicht|nie)\s+von\s+mir)\b"
            r"|\b(?:ich\s+(?:habe|hab)\s+(?:diese[nmrs]?|die|den|das)\s+(?:\w+\s+)?(?:bestellung|kauf|eink[äa]uf|zahlung"
            r"|abbuchung|buchung)\w*|(?:diese[nmrs]?|die|den|das)\s+(?:\w+\s+)?(?:bestellung|kauf|eink[äa]uf|zahlung"
            r"|abbuchung|buchung)\w*\s+(?:habe|hab)\s+ich)\s+(?:nicht|nie|niemals)\s+(?:get(?:ä|ae|a)tigt|aufgegeben|bestellt"
            r"|veranlasst|autorisiert|gemacht|genehmigt)\b"
            r"|\bjemand\w*\s+(?:\w+\s+){0,3}(?:meine[mnr]?|mein)\s+(?:kredit)?(?:karte|konto|kundenkonto|account|paypal"
            r"|daten|kartendaten|zugang)\w*\s+(?:\w+\s+){0,3}(?:benutzt|verwendet|missbraucht|genutzt|gehackt)\b"
            # A purchase on the customer's card or account made without their consent ("a purchase was made on my
            # card without my permission", "jemand hat ohne meine Zustimmung über mein Konto bestellt"): money taken
            # that the card holder never agreed to is disowned. Made by one of the customer's own people ("my son
            # bought it on my card without asking") it is a family matter, not fraud against the shop: the bot's own
            # remedies (cancel the pending order, start a return) settle it, and a person comes in only if the
            # customer disputes the money (chargeback words) or is upset (`_counts` leaves that reading out).
            rf"|\b(?:on|with|from|using|through|via)\s+my\s+(?:\w+\s+)?(?:{_MEANS})\b[^.!?]{{0,50}}\b{_UNASKED}"
            rf"|\b{_UNASKED}[^.!?]{{0,50}}\b(?:on|with|from|using|through|via)\s+my\s+(?:\w+\s+)?(?:{_MEANS})\b"
            rf"|\b(?:mit|[üu]ber|von|auf)\s+mein(?:e[mnrs]?)?\s+(?:\w+\s+)?(?:{_MITTEL})\w*\b[^.!?]{{0,50}}\b{_UNGEFRAGT}"
            rf"|\b{_UNGEFRAGT}[^.!?]{{0,50}}\b(?:mit|[üu]ber|von|auf)\s+mein(?:e[mnrs]?)?\s+(?:\w+\s+)?(?:{_MITTEL})\w*\b"
            # A change to the account or an order that the customer disowns: the account is in someone else's hands
            # ("someone changed my delivery address", "the email was updated and it wasn't me", "I never requested
            # this change", "die Adresse wurde geändert, das war nicht ich", "jemand hat mein Passwort geändert").
            rf"|\b(?:someone|somebody|some\s+one|a\s+stranger|a\s+third\s+party)\s+(?:else\s+)?(?:has\s+|had\s+|have\s+)?"
            rf"(?:just\s+)?{_CHANGED}\s+(?:my\s+(?:\w+\s+)?(?:{_SETTING})|the\s+(?:\w+\s+)?(?:{_SETTING})\s+(?:on|of|in)\s+my\s+\w+)\b"
            rf"|\b{_CHANGED}\b[^.!?]{{0,60}}\b(?:(?:and|but)\s+)?(?:(?:it|that|this)\s+(?:wasn'?t|was\s+not)\s+(?:me|us)|(?:and|but)\s+"
            r"(?:i|we)\s+(?:didn'?t|did\s+not|never)\s+(?:do|did)\s+(?:it|that|this|so)|(?:i|we)\s+(?:didn'?t|did\s+not|never)"
            r"\s+(?:do|did)\s+(?:it|that|this)\s+(?:myself|ourselves))\b"
            # Only a change of the account's settings: "I never approved that change" of a parcel in another colour is
            # a wrong item.
            r"|\b(?:i|we)\s+(?:have\s+)?(?:never|didn'?t|did\s+not|haven'?t|have\s+not)\s+(?:make|made|request|requested"
            r"|ask\s+for|asked\s+for|approve|approved|authori[sz]e|authori[sz]ed)\s+(?:this|that|these|those|the|any)\s+"
            rf"(?:change|changes|update|updates|edit|edits)\s+(?:to|of|on)\s+my\s+(?:\w+\s+)?(?:{_ACCOUNT_SETTING})\b"
            rf"|\b(?:{_ACCOUNT_SETTING})\s+(?:change|update|edit)s?\b[^.!?]{{0,20}}\b(?:i|we)\s+(?:have\s+)?(?:never|didn'?t"
            r"|did\s+not)\s+(?:make|made|request|requested|approve|approved|authori[sz]e|authori[sz]ed)\b"
            rf"|\bjemand\w*\s+(?:\w+\s+){{0,2}}?(?:hat|haben)\s+(?:\w+\s+){{0,2}}?meine\w*\s+(?:\w+\s+)?(?:{_EINSTELLUNG})\w*"
            r"\s+(?:\w+\s+){0,2}?(?:ge[äa]ndert|ver[äa]ndert|umgestellt|ausgetauscht|zur[üu]ckgesetzt)\b"
            r"|\b(?:ge[äa]ndert|ver[äa]ndert|umgestellt|ausgetauscht|zur[üu]ckgesetzt)\b[^.!?]{0,60}\b(?:das|es|dies)\s+"
            r"war(?:en)?\s+(?:nicht\s+ich|ich\s+nicht|nicht\s+wir|wir\s+nicht)\b"
            rf"|\b(?:(?:adress|lieferadress|e-?mail|passwort|telefonnummer|daten|zahlungs|bankverbindungs|konto)[\w-]*[äa]nderung\w*|[äa]nderung\w*\s+(?:meine[rs]?|der|des|am)\s+(?:\w+\s+)?(?:{_EINSTELLUNG}))"
            r"\w*\b[^.!?]{0,40}\b(?:habe|hab)\s+ich\s+(?:nicht|nie|niemals)\s+(?:veranlasst"
            r"|vorgenommen|gemacht|beantragt|angefordert|gewollt)\b"
            # Someone no longer entitled who still gets in or reads it: an ex, a former partner ("my ex still logs
            # into my account", "my ex-husband is using my account", "mein Ex-Partner hat noch Zugriff auf mein Konto").
            # Someone sharing it by consent ("my partner has access too") is not.
            r"|\b(?:my\s+ex\b(?:[\s-]\w+)?|my\s+former\s+\w+|mein\w*\s+ex\b(?:-\w+)?|mein\w*\s+ex-?\w+"
            r"|mein\w*\s+ehemalige\w*\s+\w+)[^.!?]{0,40}\b(?:access|log(?:s|ged|ging)?\s+(?:in|on)(?:to)?|get(?:s|ting)?\s+into"
            r"|zugriff|zugang|einloggt|eingeloggt|anmeldet|angemeldet|(?:my|mein\w*)\s+(?:\w+\s+)?(?:account|login|password"
            r"|konto|kundenkonto|zugangsdaten|passwort))\b",
        ),
        (
            "data protection",
            # Or a data subject's request told without the law's name: a copy or the erasure of what the shop
            # holds on the customer ("delete all the data you hold on me", "Welche Daten haben Sie über mich?").
            r"\b(?:gdpr|dsgvo|rgpd|data\s+protection|privacy\s+(?:violation|breach|law)"
            r"|data\s+(?:breach|leak)|datenschutz|subject\s+access|right\s+to\s+(?:be\s+forgotten|erasure|access)"
            r"|(?:data|information|details|records?|files?)\s+(?:that\s+)?(?:you|your\s+\w+)(?:\s+have|'ve)?\s+(?:hold\w*|have|has|keep\w*|stor\w+|held"
            r"|kept|collect\w*|process\w*)\s+(?:\w+\s+)?(?:on|about|of)\s+me"
            r"|personal\s+(?:data|information)\s+(?:that\s+)?(?:you|your\s+\w+)\s+(?:hold\w*|have|has|keep\w*|stor\w+"
            r"|held|kept|collect\w*|process\w*)|personenbezogene\w*\s+daten"
            r"|alle\s+(?:meine\w*\s+)?(?:pers[öo]nlichen\s+|gespeicherten\s+)?daten"
            r"|welche\s+(?:pers[öo]nlichen|gespeicherten)\s+daten|what\s+personal\s+(?:data|information|details)|daten\s*,?\s+(?:\w+\s+){0,4}[üu]ber\s+mich"
            r"|recht\s+auf\s+(?:vergessen\w*|l[öo]schung|auskunft)|right\s+of\s+(?:access|erasure)|data\s+subject|dsar"
            # The data subject's rights named as German compounds: "Auskunftsanspruch", "Löschungsrecht".
            r"|[a-zäöüß]*(?:auskunftsersuchen|auskunftsrecht|auskunftsanspruch|l[öo]schungsrecht|l[öo]schungsanspruch"
            r"|datenauskunft)\w*"
            # Erasure asked of one's data as such, not of an account or a saved card: "I want my personal data
            # deleted", "erase all my information", "löschen Sie meine Daten", and the articles by number.
            r"|(?:delete|erase|remove|wipe|purge)\s+(?:\w+\s+){0,3}?my\s+(?:personal\s+)?(?:data|information|info)\b"
            r"|my\s+(?:personal\s+)?(?:data|information)\s+(?:\w+\s+){0,2}(?:deleted|erased|removed|wiped|purged)"
            r"|(?:under|nach|gem[äa](?:ß|ss))\s+art(?:icle|ikel|\.)?\s*(?:15|17)\b|art(?:icle|ikel|\.)?\s*(?:15|17)\s+"
            r"(?:of\s+the\s+)?(?:gdpr|dsgvo)"
            r"|(?:l[öo]sch\w*)\s+(?:sie\s+)?(?:bitte\s+)?(?:alle\s+)?meine\s+(?:pers[öo]nlichen\s+)?daten"
            r"|meine\s+(?:pers[öo]nlichen\s+)?daten\s+(?:\w+\s+){0,3}(?:l[öo]schen|gel[öo]scht))\b",
        ),
        (
            "consumer protection",
            r"\b(?:consumer\s+(?:protection|rights|ombudsman)|trading\s+standards"
            r"|better\s+business\s+bureau|bbb|ombudsman|verbraucherzentrale|verbraucherschutz\w*|report(?:ing)?\s+you"
            # The consumer authorities and tribunals of the other English-speaking markets (Australia, Ireland, the US,
            # Canada): "I'm lodging it with the ACCC", "NSW Fair Trading", "the CCPC", "a claim at NCAT".
            r"|accc|ccpc|ftc|ncat|vcat|(?:office\s+of\s+|department\s+of\s+|nsw\s+|qld\s+)?fair\s+trading"
            r"|competition\s+bureau|consumer\s+(?:affairs|council|commission|tribunal|court|forum)"
            r"|datenschutz(?:beh[öo]rde|beauftragte\w*|aufsicht\w*))\b",
        ),
        ("police", r"\b(?:police|polizei)\b"),
    )
)

_HUMAN = compile_words(
    r"\b(?:human|humans|real\s+person|actual\s+person|real\s+human|live\s+(?:agent|person|chat)|agent|representative"
    r"|operator|supervisor|manager|member\s+of\s+staff|staff\s+member|someone\s+from\s+your\s+team"
    r"|(?:speak|talk|chat)\s+(?:to|with)\s+(?:someone|somebody|a\s+person|staff|a\s+real|an?\s+actual|a\s+human)"
    r"|(?:call|ring)\s+me(?:\s+back)?|transfer\s+me|put\s+me\s+through|not\s+(?:a|the)\s+bot|no\s+bots?"
    # The bot set aside for something else: "instead of the chatbot", "rather than an automated answer", "statt mit dem
    # Bot". Only the bot's own names: "other than the espresso machine" or "instead of the robot vacuum" is a product.
    r"|(?:instead\s+of|rather\s+than|not\s+(?:with|to)|statt|anstatt|nicht\s+mit)\s+(?:talking\s+to\s+|chatting\s+with\s+"
    r"|mit\s+)?(?:a|an|the|this|your|dem|einem|diesem|ihrem|den|de[rn]|eine[mn]?)\s+(?:chat\s*bot|bot|(?:virtual\s+|ai\s+"
    r"|automated\s+|digital\s+)?assistant|automated\s+(?:system|replies|answers?|chat|service|responses?)|ki|ai)\b(?!\s+\w)"
    # The bot refused: "I don't want to deal with a machine anymore", "I refuse to chat with a computer".
    r"|(?:don'?t|do\s+not|won'?t|will\s+not|refuse\s+to|no\s+longer)\s+(?:want\s+to\s+)?(?:deal|talk|speak|chat|argue)\s+"
    r"(?:\w+\s+)?(?:to|with)\s+(?:a|an|the|this|your|some)\s+(?:stupid\s+|dumb\s+)?(?:machine|bot|chat\s*bot|robot|computer"
    # Not a machine described or named as a product ("a machine that needs descaling", "the bot vacuum's app"): only
    # small words may follow it.
    r"|program|ai|algorithm|automated\s+\w+)(?![\s-]+(?!(?:any|anymore|again|about|because|and|but|or|please|now|here"
    r"|today|ever|at|on|over|thanks|thank)\b)[a-z])"
    r"|(?:this|the)\s+bot(?!\s+(?!(?:is|isn't|keeps?|can'?t|cannot|doesn'?t|does|did|won'?t|again|any|here"
    r"|please|and|but|that|which|who|to|with|just|only|never|always)\b)[a-z])"
    # "Robot" is as often a product ("the robot one", "instead of the robot"): only a robot that fails the customer.
    r"|(?:this|the)\s+robot\s+(?:isn't|is\s+(?:useless|not\s+help\w*|no\s+help|hopeless)|can'?t|cannot|doesn'?t"
    r"\s+(?:understand|get|help)|won'?t\s+(?:understand|listen|help)|keeps\s+(?:saying|repeating|asking|telling))"
    r"|phone\s+number.*\b(?:speak|talk)"
    r"|mit\s+(?:einem|einer)\s+(?:echten\s+|richtigen\s+)?(?:menschen|mitarbeiter\w*|kolleg\w+|berater\w*|person)"
    r"|ruf(?:t|en)?\s+(?:sie\s+)?mich\s+(?:\w+\s+){0,4}zur[üu]ck"
    r"|(?:bitte|um)\s+(?:um\s+)?(?:einen\s+)?r[üu]ckruf|r[üu]ckruf\s+(?:bitte|erbeten|anfordern)"
    r"|verbinden\s+sie\s+mich|jemand\w*\s+(?:aus\s+dem|vom)\s+(?:team|kundenservice|support|kundendienst)|(?:mich|mir)\s+(?:bitte\s+)?zur[üu]ckrufen|zur[üu]ckrufen\s+(?:lassen|bitte)|parler\s+[àa]\s+(?:un|une)\s+(?:humain|conseill\w+|agent|personne)"
    r"|hablar\s+con\s+(?:una\s+persona|un\s+agente|alguien)|medewerker|iemand\s+van\s+de\s+klantenservice"
    r"|operatore|persona\s+vera)\b",
    re.IGNORECASE,
)
# A person of the shop's as what is complained about or reported is no person asked for: "how would I make a
# complaint about an agent?", "I want to report a member of staff", "wie beschwere ich mich über einen
# Mitarbeiter?". (A complaint lodged is read as one on its own.)
_COMPLAINED_ABOUT = (
    r"\b(?:(?:complain\w*|complaints?|report(?:ing)?)\s+(?:about|against|regarding|concerning|on)\s+(?:(?:a|an|the|your"
    r"|one\s+of\s+your|that|this)\s+)?|report(?:ing)?\s+(?:a|an|the|your|one\s+of\s+your|that|this)\s+)(?:\w+\s+)?(?:agent|human|person|operator|representative|rep|staff(?:\s+member)?"
    r"|employee|manager|supervisor|colleague|member\s+of\s+(?:staff|your\s+team))s?\b"
    r"|\b(?:[üu]ber|wegen)\s+(?:einen|eine|einem|einer|den|die|dem|der|ihren|ihre|ihrem|ihrer)\s+(?:\w+\s+)?(?:Mitarbeiter\w*"
    r"|Kolleg\w*|Berater\w*|Vorgesetzte\w*|Person|Chef\w*)\s+(?:\w+\s+){0,2}?beschwer\w*"
    r"|\bbeschwer\w*\s+(?:(?:ich|man|mich|sich|wir|uns)\s+){0,2}(?:[üu]ber|wegen)\s+(?:einen|eine|einem|einer|den|die|dem|der"
    r"|ihren|ihre|ihrem|ihrer)\s+(?:\w+\s+)?(?:Mitarbeiter\w*|Kolleg\w*|Berater\w*|Vorgesetzte\w*|Person|Chef\w*)"
)
# Someone sought for an errand of the delivery ("is there anybody else who could sign for the parcel?"): a question
# about who may receive it, not a person of the shop's asked for.
_ERRAND = (
    r"\b(?:any|some)\s*(?:one|body)\s+(?:else\s+)?(?:who\s+|that\s+)?(?:(?:can|could|would|will|may|to)\s+)?(?:sign\s+for"
    r"|collect|pick\s+(?:it|them|the\s+\w+)\s+up|pick\s+up|receive|take\s+in|accept|open\s+the\s+door)\b"
)
# Words that mention a person without asking for one ("your delivery agent was rude", "my manager ordered it").
# When the team can be reached, asked: "when can I reach a real person?", "what hours is a human available?", "wann
# kann ich mit einem Menschen sprechen?". The team's hours answer it; asked for now ("can I talk to a person now?", "I
# want a human. When can I reach one?") a person is asked for.
_WHEN_REACHABLE = (
    r"^\W*(?:(?:hi|hello|hey|hallo)\W+)?(?:when|what\s+time|at\s+what\s+time|until\s+(?:when|what\s+time)"
    r"|(?:on\s+)?(?:which|what)\s+(?:days|hours|times)|wann|bis\s+wann|ab\s+wann|an\s+welchen\s+tagen"
    r"|zu\s+welchen\s+zeiten)\b(?![^.!?]*\b(?:now|right\s+away|immediately|jetzt|sofort)\b)[^.!?]{0,80}\?"
)
_HUMAN_FALSE = compile_words(
    r"\b(?:delivery|shipping|travel|estate)\s+agent|\bmy\s+manager\b|\bhuman\s+rights\b"
    # A call from whoever brings the parcel is a delivery arrangement, not a person from the team.
    # Someone asked for from that team ("get someone from the delivery team to ring me") is asked for all the same.
    r"|(?<!from\s)(?<!from\sthe\s)(?<!from\syour\s)(?<!of\sthe\s)(?<!of\syour\s)\b(?:courier|driver|delivery\s+\w+"
    r"|fahrer\w*|(?:paket)?bote\w*|paketdienst\w*)\s+(?:to\s+)?(?:\w+\s+){0,3}"
    r"(?:call|ring|phone|text|anruf\w*|ruft)\b"
    # A suggestion to offer a live chat is feedback, not a request for a person now.
    r"|\b(?:add|offer|have|introduce|get)\s+(?:a\s+)?live\s+chat\b|\blive\s+chat\b[^.?!]*\b(?:would|could)\s+be\b"
    # Asking whether a person does something is about how the shop works, not a request for one: "is a human going
    # to read my review?", "is a person reading this?", "do your agents work weekends?".
    r"|\b(?:is|are|will|does|do|did|was|were)\s+(?:a|an|the|any|your|one\s+of\s+your)?\s*(?:real\s+|actual\s+)?"
    r"(?:human|person|people|someone|somebody|staff|agents?|employees?)\s+(?:(?:from|on|in|at|of)\s+(?:your|the)\s+\w+\s+)?"
    r"(?:\w+\s+)?(?:going\s+to\s+|gonna\s+)?"
    r"(?:read\w*|see\w*|seen|check\w*|review\w*|monitor\w*|typing|writing|behind|involved|work\w*)\b"
    rf"|{_COMPLAINED_ABOUT}|{_ERRAND}"
    rf"|{_WHEN_REACHABLE}"
    # The bot praised is not the bot refused: "the bot is fine".
    r"|\b(?:this|the)\s+(?:bot|robot)\s+(?:is|was|works|'s)\s+(?:\w+\s+)?(?:fine|great|good|helpful|ok|okay|enough|perfect)\b"
    # A person word as a name or a role the customer has: "manager's special", "manager chair", "I'm a store manager".
    r"|\b(?:manager|agent|operator|supervisor|human|person)(?:'s|s')"
    r"|\b(?:manager|agent|operator|supervisor)\s+(?:chairs?|desks?|specials?|edition|bags?|mode|account|role|software"
    r"|app|tool|games?|figures?|costumes?|series)\b"
    r"|\b(?:i'?m|i\s+am|as)\s+(?:a|an|the)\s+(?:\w+\s+)?(?:manager|agent|supervisor|operator|representative|rep)\b"
    # A person of the shop's as the subject of a question about what they do or who they are: "can a manager approve a
    # bigger discount?", "who is the manager of the Berlin store?", "does the supervisor sign off refunds?". Made to do
    # something for the customer ("can a manager call me?", "could a supervisor look at this?") they are asked for.
    r"|\b(?:who|what|which)\s+(?:is|are|was|were|'s)\s+(?:a|an|the|your)\s+(?:\w+\s+)?(?:manager|supervisor|agent"
    r"|representative|operator|human|person)s?\b"
    r"|\b(?:can|could|does|do|did|will|would|may|must|should|is|are)\s+(?:a|an|the|your|any)\s+(?:store\s+|shop\s+)?"
    r"(?:manager|supervisor|agent|representative|operator)s?\s+(?!(?:call|ring|phone|email|e-mail|contact|text|get|help"
    r"|look|review|check|speak|talk|chat|deal|handle|sort|fix|take|step|come|join|reach|answer|respond|reply|assist|see"
    r"|please|available|around|there|free|on|in|about|here|able|going|gonna)\b)[a-z]+\b",
    re.IGNORECASE,
)


# A keyword named as a thing the shop has, not as something that happened or is asked: "fraud protection", "the police
# station", "your data protection policy". A question about a feature is answered, not handed over.
_NAMED_AS_A_THING = re.compile(
    r"^\W*(?:protection|prevention|checks?|screening|policy|policies|notice|statement|station|officer'?s?\s+discount"
    r"|procedures?|process|page|settings?|logos?|labels?|seals?|badges?|certific\w*|guidelines?|rules|regulations?"
    r"|erkl[äa]rung|richtlinie\w*|hinweis\w*|einstellung\w*|schutz|pr[äa]vention|siegel|zertifik\w*|regeln)\b",
    re.IGNORECASE,
)
# Undoing what the keyword would ask for: "I don't want to cancel my subscription after all", "bitte nicht kündigen".
_UNDONE = re.compile(
    r"(?:\b(?:not|don'?t|do\s+not|doesn'?t|no\s+longer|never\s+mind|rather\s+not|nicht|kein\w*|doch\s+nicht)\b"
    r"(?:\s+\w+){0,3}\s*)$",
    re.IGNORECASE,
)
# Keywords that name an act the customer asks for; negated, nothing is asked. (Others carry their negation in their
# words: "I never authorised this" is the fraud.)
_ACTS = frozenset({"cancel subscription"})


# The customer's own people as the ones who bought without asking ("my son", "meine Tochter").
_OWN_BUYER = re.compile(
    rf"\b(?:my|our)\s+(?:\w+\s+)?(?:{_KIN})\b|\b(?:mein|meine|unser|unsere)\s+(?:Sohn|Tochter|Kind\w*|Frau|Mann|Partner\w*"
    r"|Mutter|Vater|Eltern|Bruder|Schwester|Familie|Enkel\w*|Oma|Opa|Freund\w*)\b",
    re.IGNORECASE,
)
_WITHOUT_ASKING = re.compile(rf"\b(?:{_UNASKED}|{_UNGEFRAGT})", re.IGNORECASE)
# One of the customer's own people as the one who made the change ("my wife changed the delivery address, it wasn't
# me", "mein Mann hat die Adresse geändert, das war nicht ich").
_OWN_PEOPLE_CHANGED = re.compile(
    rf"(?:{_OWN_BUYER.pattern})\s+(?:\w+\s+){{0,3}}?{_CHANGED}\b"
    r"|(?:" + _OWN_BUYER.pattern + r")\s+(?:hat|haben)\b[^.!?]{0,50}\b(?:ge[äa]ndert|ver[äa]ndert|umgestellt"
    r"|ausgetauscht|zur[üu]ckgesetzt)\b",
    re.IGNORECASE,
)
# Someone no longer entitled (an ex, a former partner) stays a stranger to the account, whatever the kinship word.
_NO_LONGER_ENTITLED = re.compile(r"\bex\b|\bex-|\bformer\b|\behemalig", re.IGNORECASE)


def _sentence_of(text: str, match: re.Match[str]) -> str:
    start = max(text.rfind(mark, 0, match.start()) for mark in ".!?\n") + 1
    ends = [at for at in (text.find(mark, match.end()) for mark in ".!?\n") if at >= 0]
    return text[start : min(ends, default=len(text))]


# A legal word that names a person's trade or a place, not a step taken against the shop: "my lawyer friend recommended
# you", "I'm a solicitor, I need a VAT receipt", "mein Schwager ist Anwalt", "does it fit a tennis court?". A lawyer
# who acts ("my lawyer will be in touch", "Mein Anwalt prüft das") is a threat; so is any other legal word beside it.
_LEGAL_ROLE = re.compile(r"^(?:lawyers?|attorneys?|solicitors?|court|[a-zäöüß]*anw[äa]lt\w*)$", re.IGNORECASE)
_TRADE_BEFORE = re.compile(
    r"\b(?:i'?m|i\s+am|he'?s|she'?s|is|was|are|were|as|work(?:s|ed|ing)?\s+as|became|ich\s+bin|bin|ist|sind|war|waren"
    r"|als)\s+(?:(?:a|an|ein|eine|einen)\s+(?:[\w-]+\s+)?)?$",
    re.IGNORECASE,
)
_ROLE_AS_MODIFIER = re.compile(
    r"^\s*(?:friends?|buddy|mates?|colleagues?|neighbou?rs?|cousins?|brothers?|sisters?|uncles?|aunts?|relatives?"
    r"|clients?|freund\w*|kolleg\w*|bekannt\w*|nachbar\w*)\b",
    re.IGNORECASE,
)
_RECOMMENDED = re.compile(
    r"\b(?:recommend\w*|suggested|told\s+me\s+about)\s+(?:you\b|your\s+(?:shop|store|site|website|company|products?)"
    r"|this\s+(?:shop|store|site))|\b(?:ihr\w*|eu\w*|diese\w*)\s+(?:shop|laden|gesch[äa]ft|firma|seite)\b[^.!?]{0,40}"
    r"\b(?:empfohlen|empfahl|empfiehlt)\b|\b(?:empfohlen|empfahl|empfiehlt)\s+(?:\w+\s+)?(?:ihr\w*|eu\w*)\s+(?:shop|laden)\b"
    r"|\b(?:euch|sie)\s+(?:\w+\s+)?(?:empfohlen|empfahl)\b|\b(?:empfahl|empfiehlt)\s+(?:euch|sie)\b",
    re.IGNORECASE,
)
_SPORTS_COURT = re.compile(
    r"(?:tennis|basketball|badminton|squash|volleyball|netball|padel|pickleball|handball|futsal|food|indoor|outdoor"
    r"|standard|full[\s-]?size|half)[\s-]*$",
    re.IGNORECASE,
)

# Things a sports court has: "court shoes", "the court size".
_COURT_THING = re.compile(r"\s+(?:shoes?|sneakers?|size|lines?|surface)\b", re.IGNORECASE)


def _legal_role_only(text: str, match: re.Match[str]) -> bool:
    """The legal word names someone's trade, a recommender or a sports court, not a legal step."""
    word = match.group(0)
    if not _LEGAL_ROLE.match(word):
        return False
    sentence = _sentence_of(text, match)
    before = text[max(0, match.start() - 40) : match.start()]
    if word.lower() == "court":
        return bool(_SPORTS_COURT.search(before) or _COURT_THING.match(text[match.end() :]))
    return bool(
        _TRADE_BEFORE.search(before) or _ROLE_AS_MODIFIER.search(text[match.end() :]) or _RECOMMENDED.search(sentence)
    )


def _counts(canonical: str, text: str, match: re.Match[str]) -> bool:
    if canonical == "legal action" and _legal_role_only(text, match):
        return False
    if canonical == "fraud" and not _NO_LONGER_ENTITLED.search(match.group(0)):
        sentence = _sentence_of(text, match)
        if _WITHOUT_ASKING.search(match.group(0)) and _OWN_BUYER.search(sentence):
            # "My daughter ordered it with my card without asking": a family matter the bot's remedies settle.
            return False
        if _OWN_PEOPLE_CHANGED.search(sentence):
            # "My wife changed the delivery address, it wasn't me": the customer knows who did it, one of their own.
            return False
    if canonical == "formal complaint" and _NOT_A_COMPLAINT.search(text):
        # "How do I lodge a complaint about a courier?" asks for the procedure; nothing is lodged.
        return False
    if _NAMED_AS_A_THING.search(text[match.end() :]) and not _NAMED_AS_A_THING.search(match.group(0)):
        return False
    return not (canonical in _ACTS and _UNDONE.search(text[max(0, match.start() - 40) : match.start()]))


def _matches(canonical: str, pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    return next((match for match in pattern.finditer(text) if _counts(canonical, text, match)), None)


# The keywords the table reads by pattern; a shop's other keywords are matched as written.
CANONICAL_KEYWORDS = frozenset(canonical for canonical, _ in _CRITICAL)


def find_critical_keywords(text: str) -> list[str]:
    """Canonical critical keywords present in the text (its cue words read through typos), in the order of the table."""
    text = with_cue_spellings(text)
    return [canonical for canonical, pattern in _CRITICAL if _matches(canonical, pattern, text)]


def human_requested(text: str) -> bool:
    """True when the customer asks for a person, in any of the supported languages."""
    return human_request_words(text) is not None


def declines_person(text: str) -> bool:
    """The customer says they need no person ("no, I don't need a call", "nicht weiterleiten")."""
    return lexicon.find("declines_person", text) is not None


# Lodging a complaint, as a speech act: the customer asks for their grievance to be recorded and judged ("I want to
# complain about the driver", "I have to lodge a consumer complaint", "Ich möchte mich beschweren"). A report of what
# went wrong without it ("the box was dented") is a problem the bot can work on; "not a complaint" is feedback.
_COMPLAINT_ACT = re.compile(
    r"\b(?:(?:make|makes|making|made|file|filing|filed|lodge|lodging|lodged|raise|raising|submit|submitting|register"
    r"|registering|log|logging|open|opening|put\s+in|send|sending|write|writing|escalate|have)\s+(?:a|an|my|this|the"
    r"|another)\s+(?:\w+\s+){0,2}complaint"
    r"|(?:i|we)\s+(?:have|had|got)\s+(?:a|an|one|another)\s+(?:\w+\s+)?complaint"
    r"|this\s+is\s+(?:a|an|my)\s+(?:\w+\s+)?complaint|complaint\s+(?:about|against|regarding|concerning)"
    # "Please record this as a complaint", "treat my email as a formal complaint": the message named as one.
    r"|(?:record|log|register|note|treat|count|take|file|handle|enter)\w*\s+(?:this|it|that|my)(?:\s+\w+)?\s+as\s+(?:a|an)\s+"
    r"(?:\w+\s+)?complaint"
    r"|complain(?:s|ed|ing)?|report\s+(?:your|the|this|that)\s+(?:driver|courier|delivery\s+\w+|staff|employee"
    r"|assistant|agent)"
    r"|beschwer(?:en|e|de|t|ung)\w*|beschwerde|reklamation\s+einreichen"
    r"|reklamier\w*\s+(?:hiermit\s+)?(?:offiziell|formell)|(?:offizielle|formelle)\s+reklamation"
    r"|(?:porter|d[ée]poser|faire)\s+(?:une\s+)?(?:plainte|r[ée]clamation)|presentar\s+una\s+(?:queja|reclamaci[oó]n)"
    r"|(?:een\s+)?klacht\s+indienen|presentare\s+un\s+reclamo"
    # Compensation claimed, not asked about: a person weighs what the loss was worth ("I expect to be compensated for
    # the day off", "ich verlange eine Entschädigung"); "do you offer compensation if it is late?" is a policy question.
    r"|(?:i|we)\s+(?:(?:really\s+|do\s+)?(?:expect|demand|want|require|insist\s+on|claim)|would\s+like|'d\s+like"
    r"|am\s+entitled\s+to|are\s+entitled\s+to)\s+(?:\w+\s+){0,2}?(?:compensation|to\s+be\s+compensated|damages)"
    # A grievance put on record in other words than "complaint": "I'd like to formally register my dissatisfaction",
    # "ich möchte meine Unzufriedenheit offiziell zu Protokoll geben". The act is formal (registered, lodged, on
    # record, officially); disappointment merely felt or said ("I'm disappointed with the colour") is a problem the bot
    # can work on.
    r"|(?:register|record|lodge|log|file|submit|enter)\w*\s+(?:\w+\s+){0,2}?(?:my|our)\s+(?:\w+\s+)?(?:dissatisfaction"
    r"|displeasure|discontent|unhappiness|objection|protest|grievance|disappointment)"
    r"|(?:raise|raising|lodge|lodging|register|registering|file|filing|submit|submitting|make|making|put\s+in)\s+"
    r"(?:a|an|my)\s+(?:formal|official|written)\s+(?:objection|grievance|protest)"
    r"|(?:formally|officially|in\s+writing)\s+(?:\w+\s+){0,2}?(?:my|our)\s+(?:\w+\s+)?(?:dissatisfaction|displeasure"
    r"|discontent|unhappiness|objection|protest|grievance|disappointment)"
    r"|(?:unzufriedenheit|unmut|missfallen|protest|einspruch|widerspruch|entt[äa]uschung)\s+(?:\w+\s+){0,3}?(?:offiziell"
    r"|formell|schriftlich|zu\s+protokoll)|(?:offiziell|formell|schriftlich)\s+(?:\w+\s+){0,3}?(?:meine[nm]?\s+)?"
    r"(?:unzufriedenheit|unmut|missfallen|protest|einspruch|widerspruch|entt[äa]uschung)"
    r"|(?:ich|wir)\s+(?:erwarte|erwarten|verlange|verlangen|fordere|fordern|m[öo]chte|m[öo]chten|will|wollen"
    r"|bestehe\s+auf|bestehen\s+auf)\s+(?:\w+\s+){0,3}?(?:entsch[äa]digung|schadens?ersatz|kompensation))\b",
    re.IGNORECASE,
)
_NOT_A_COMPLAINT = re.compile(
    # A complaint withdrawn ("forget what I said about the complaint"), or the shop's procedure asked about ("what is
    # your complaints procedure?") rather than a complaint lodged.
    r"\b(?:(?:forget|ignore|withdraw\w*|drop|disregard|retract\w*)\b[^.!?]{0,50}?\bcomplaint"
    r"|complaints?\s+(?:is\s+|was\s+)?(?:withdrawn|resolved|sorted|settled)"
    r"|(?:what|where|how|which)\b[^.!?]{0,25}\bcomplaints?\s+(?:procedure|process|policy)"
    # How one would complain if something went wrong, asked ahead: "how do I complain if a parcel is damaged?", "wie
    # beschwere ich mich, falls etwas fehlt?".
    r"|(?:how|where)\s+(?:do|can|would|could|should)\s+(?:i|we|one|you)\s+(?:\w+\s+)?complain\w*\b[^.!?]{0,10}\b(?:if"
    r"|in\s+case|when|should)\b|(?:wie|wo)\s+(?:kann|k[öo]nnte|w[üu]rde|soll|sollte)?\s*(?:ich|man)\s+(?:mich\s+|sich\s+)?"
    r"(?:\w+\s+)?beschwer\w*[^.!?]{0,20}\b(?:wenn|falls)\b|(?:wie|wo)\s+beschwer\w*\s+(?:ich|man)\b[^.!?]{0,20}\b(?:wenn"
    r"|falls)\b|(?:just|only)\s+asking\s+for\s+(?:the\s+future|future\s+reference)"
    r"|nur\s+(?:so\s+)?f[üu]r\s+(?:die\s+)?zukunft"
    # How the shop handles complaints, asked about: "I'd like to know how you handle complaints", "wie gehen Sie mit
    # Beschwerden um?".
    r"|(?:know|wonder\w*|curious|ask\w*|tell\s+me|explain|understand|see)\s+(?:\w+\s+){0,2}?how\s+(?:do\s+|does\s+)?(?:you"
    r"|your\s+\w+|the\s+shop|the\s+company|they)\s+(?:usually\s+|normally\s+)?(?:handle|deal\s+with"
    r"|process|treat|respond\s+to|manage|look\s+at|go\s+about)\s+(?:customer\s+)?complaints"
    r"|wie\s+(?:gehen|geht|bearbeiten|bearbeitet|behandeln|behandelt)\s+(?:sie|ihr|man|der\s+shop)\s+(?:\w+\s+)?"
    r"(?:mit\s+)?(?:kunden)?beschwerden"
    r"|beschwerde\s+(?:\w+\s+){0,2}(?:zur[üu]ck\w*|erledigt|vergessen|hinf[äa]llig))\b"
    r"|\b(?:not\s+(?:a\s+|to\s+)?complain\w*|(?:don'?t|do\s+not|didn'?t|never)\s+(?:want\s+to\s+|mean\s+to\s+)?complain\w*"
    r"|no\s+complaints?|nothing\s+to\s+complain|can'?t\s+complain|not\s+(?:a\s+)?(?:formal\s+)?"
    r"complaint|keine\s+beschwerden?|nicht\s+beschweren)\b"
    # The way to complain, asked and nothing else said: "how do I complain about a delivery driver?", "where can I
    # send a complaint?", "wie kann ich mich über einen Paketboten beschweren?". The bot answers with the procedure;
    # told beside what went wrong ("The driver threw it over the fence. How do I complain?") it is a complaint.
    r"|^\W*(?:(?:hi|hello|hey|hallo)\W+)?(?:(?:how|where)\s+(?:do|can|could|should|would|may)\s+(?:i|we|one)\s+"
    r"(?:go\s+about\s+)?(?:\w+\s+){0,2}?(?:complain\w*|complaint)\b"
    r"|(?:wie|wo)\s+(?:kann|k[öo]nnte|soll|sollte|muss|darf)\s+(?:ich|man)\s+(?:mich\s+|sich\s+)?(?:\w+\s+){0,4}?"
    r"(?:beschwer\w*|beschwerde)\b|(?:wie|wo)\s+beschwer\w*\s+(?:ich|man)\b"
    # ... or by the form it takes: "what's the process for lodging a complaint?", "wie reiche ich eine Beschwerde ein?".
    r"|(?:what'?s|what\s+is|what\s+are|is\s+there|do\s+you\s+have)\s+(?:the|a|an|your)\s+(?:\w+\s+)?(?:process|procedure|way"
    r"|form|address|e-?mail|channel|steps?)\s+(?:for|to|of)\s+(?:\w+\s+)?(?:a\s+|my\s+)?(?:complaints?|complaining)\b"
    r"|(?:wie|wo|wohin|an\s+wen)\s+(?:\w+\s+)?(?:ich|man)\s+(?:\w+\s+){0,3}?(?:eine\s+)?(?:beschwerde|reklamation)\b"
    # ... or how long one takes, asked of complaints in general: "how long does a complaint take to be answered?",
    # "wie lange dauert die Bearbeitung einer Beschwerde?". Of one's own ("my complaint") it is a follow-up.
    r"|(?:how\s+long|when|wie\s+lange|wann)\b[^.!?]{0,40}\b(?:a|an|the|einer|eine|die|der)\s+(?:\w+\s+)?(?:complaints?"
    r"|beschwerde\w*|reklamation\w*)\b)"
    r"[^.!?]*\?\W*$",
    re.IGNORECASE,
)
_HUMAN_FALSE_SPAN = _HUMAN_FALSE


def not_a_complaint(text: str) -> bool:
    """The message says it is no complaint, withdraws one, or asks how complaints are handled."""
    return _NOT_A_COMPLAINT.search(text) is not None


# Asked on every turn by the escalation decision; most turns say again what was read before.
@lru_cache(maxsize=1024)
def complaint_act(text: str) -> str | None:
    """The words by which the customer lodges a complaint, or None: the word itself, or the act without it (putting
    it on record, asking management for a response, "beanstanden"; the lexicon's `complaint_record`). Its cue words
    are read through typos ("a formal complant"), and quoted as typed."""
    words = _complaint_act_read(with_cue_spellings(text))
    return as_typed(text, words) if words else None


def _complaint_act_read(text: str) -> str | None:
    if _NOT_A_COMPLAINT.search(text):
        return None
    found = _COMPLAINT_ACT.search(text)
    if found:
        return found.group(0)
    if lexicon.find("praise", text) and not lexicon.find("trouble", text):
        # "Whoever is in charge of packing did a lovely job": praise for the people responsible, nothing to record.
        return None
    return lexicon.find("complaint_record", text)


# Asked of each message by the analyser's cues, its reading and the escalation decision: read once.
@lru_cache(maxsize=1024)
def human_request_words(text: str) -> str | None:
    """The words asking for a person, or None: a person named ("agent", "human"), or asked for without the word
    ("someone who can actually decide", "jemand aus Ihrem Team"; the lexicon's `person_request`). A person declined
    ("I don't need a call") is no request. Its cue words are read through typos ("speek to a humen"), and quoted as
    typed: evidence quotes the customer, never a correction they did not write."""
    words = _human_request_read(with_cue_spellings(text))
    return as_typed(text, words) if words else None


def _human_request_read(text: str) -> str | None:
    if declines_person(text):
        return None
    # A person declined ("no need for a human") or the customer's own ("my husband") is left out before reading.
    plain = _OWN_PEOPLE.sub(" ", _PERSON_DECLINED.sub(" ", _HUMAN_FALSE_SPAN.sub(" ", text)))
    found = _HUMAN.search(plain)
    if found and _reported(plain, found.start()):
        found = None
    if found:
        return found.group(0)
    # The lexicon reads the message without the mentions of a person that ask for none (the courier's call).
    words = lexicon.find("person_request", plain)
    if words and _reported(plain, plain.find(words), words):
        return None
    return words or _asked_for_person(plain) or _calls_for_attention(plain) or _person_unreached(plain)


# What a message needs of its own: a request or a question beside the words that call for someone. The bot's answer to
# that need is the attention asked for ("is anyone there? I want to change my address" is answered by changing it).
_OWN_NEED = re.compile(
    r"\b(?:i\s+(?:want|need|would\s+like)|i'?d\s+like|can\s+you|could\s+you|please|ich\s+(?:m[öo]chte|will|brauche"
    r"|h[äa]tte\s+gern\w*|w[üu]rde\s+gern\w*)|k[öo]nnen\s+sie|bitte)\b|\d{5,}"
    # A question of its own: a question word opening a clause, or a question mark after words of its own.
    r"|(?:^|[,.;:!?]\s*)(?:where|when|how|what|which|why|wo|wann|wie|was|welche\w*|warum)\b|\w\s*\?",
    re.IGNORECASE,
)
# A call for attention: "is anyone there?", "hallo, ist da jemand?" ("are you still there?" asks the chat itself). On
# its own it asks for somebody to answer; beside a need of its own, the need is what to answer.
_ATTENTION = re.compile(
    r"\b(?:(?:is|are)\s+)?(?:any\s*(?:one|body)|some\s*(?:one|body))\s+(?:actually\s+|even\s+|still\s+)?(?:there|here"
    r"|around|awake|home)\b|\bist\s+(?:da|hier|noch)\s+(?:\w+\s+)?(?:jemand|wer)\b|\b(?:jemand|wer)\s+(?:da|hier)\b",
    re.IGNORECASE,
)
# "Hello??" beside it calls for attention too.
_GREETING = re.compile(r"\b(?:hello|hallo|hi|hey|excuse\s+me|entschuldigung)\W*", re.IGNORECASE)
# A person of the shop's sought by a live channel and not reached: "I was transferred to the returns department and
# nobody answered", "ich wurde an die Buchhaltung weitergeleitet, aber keiner ging ran". The customer went for a person
# and still needs one; the same words about the courier's call to the customer are no such attempt.
_SOUGHT = re.compile(
    r"\b(?:i|we)\s+(?:\w+\s+){0,2}?(?:was\s+|were\s+|got\s+|have\s+|'ve\s+|had\s+)?(?:transferred|put\s+through"
    r"|passed\s+(?:on|over)|forwarded|connected|called|rang|rung|phoned|dialled|dialed|tried\s+(?:calling|to\s+call"
    r"|ringing|to\s+reach|reaching)|waited\s+on\s+hold|was\s+on\s+hold)\b"
    r"|\b(?:ich|wir)\s+(?:\w+\s+){0,4}?(?:weitergeleitet|verbunden|durchgestellt|weiterverbunden|angerufen|versucht,?\s+(?:\w+\s+)?"
    r"(?:anzurufen|zu\s+erreichen)|in\s+der\s+warteschleife)\b",
    re.IGNORECASE,
)
_UNANSWERED = re.compile(
    r"\b(?:(?:nobody|no\s*one|no-one|noone)\s+(?:\w+\s+){0,2}(?:answer|pick|repl|respond|got\s+back|came|took)\w*"
    r"|no\s+(?:answer|reply|response|one\s+there)|(?:never|didn'?t|did\s+not)\s+(?:\w+\s+)?(?:pick\w*\s+up|answer\w*)"
    r"|(?:niemand|keiner)\s+(?:\w+\s+){0,2}(?:ran|abgehoben|hebt|nimmt|genommen|gemeldet|meldet|geantwortet|antwortet"
    r"|reagiert)\w*|keine\s+(?:antwort|reaktion)|nie\s+(?:\w+\s+)?(?:abgehoben|rangegangen|geantwortet))\b",
    re.IGNORECASE,
)
# Someone not of the shop's called ("I called the courier and nobody answered", "ich habe beim Paketdienst angerufen"):
# the customer sought the carrier, their bank or a neighbour, not one of us.
_NOT_OUR_PEOPLE = re.compile(
    r"\b(?:courier|driver|delivery\s+(?:guy|man|person|company|firm)|carrier|post\s*office|postman|ups|dhl|fedex|usps"
    r"|dpd|hermes|canada\s+post|royal\s+mail|bank|card\s+(?:company|issuer|provider)|neighbou?r|landlord|concierge"
    r"|paketdienst|paketbote|fahrer|zusteller|post|bank|nachbar\w*)\b",
    re.IGNORECASE,
)
_OUR_PEOPLE = re.compile(
    r"\b(?:you|your|yours|support|customer\s+(?:service|care)|hotline|help\s*desk|department|team|store|shop|staff"
    r"|kundendienst|kundenservice|ihr\w*|euch|abteilung)\b",
    re.IGNORECASE,
)
# "and nobody answered??" is exasperation, not a question of its own.
_QUESTION_MARK = re.compile(r"\?+")


def _calls_for_attention(text: str) -> str | None:
    found = _ATTENTION.search(text)
    if found is None:
        return None
    rest = _GREETING.sub(" ", text[: found.start()] + " " + text[found.end() :].lstrip(" ?!."))
    return None if _OWN_NEED.search(rest) else found.group(0)


def attention_beside_a_need(text: str) -> bool:
    """The message calls for attention ("is anyone there?") and carries a need of its own: the need is answered."""
    found = _ATTENTION.search(text)
    return found is not None and _calls_for_attention(text) is None


def _person_unreached(text: str) -> str | None:
    for sentence in sentences(text, at_semicolons_and_lines=True):
        sought = _SOUGHT.search(sentence)
        if sought and _NOT_OUR_PEOPLE.search(sentence) and not _OUR_PEOPLE.search(sentence):
            continue
        if sought and _UNANSWERED.search(sentence, sought.end()):
            rest = text.replace(sentence, " ")
            asked_here = _OWN_NEED.search(_QUESTION_MARK.sub(" ", sentence))
            return None if _OWN_NEED.search(rest) or asked_here else sentence.strip()
    return None


# A promise of a person told as what happened ("I was told someone would call me back, and they did"): a report,
# not a request. What became of it is for the emotion scores (a promise not kept) to weigh.
_REPORTED = re.compile(
    r"\b(?:told|said|promised|assured|supposed|versprochen|zugesagt|hie(?:ß|ss)\s+es|gesagt)\b[^.!?]*\b(?:would|will"
    r"|was\s+going\s+to|w[üu]rde|werde|wird)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)


_PROMISER = re.compile(r"^\w+\s+(?:would|will|was\s+going\s+to|w[üu]rde|werde|wird)\b", re.IGNORECASE)
_REPORTING = re.compile(
    r"\b(?:told|said|promised|assured|versprochen|zugesagt|hie(?:ß|ss)\s+es|gesagt)\b", re.IGNORECASE
)


def _reported(text: str, at: int, words: str = "") -> bool:
    """The words at `at` tell what somebody said would happen ("I was told someone would call me back")."""
    sentence_start = max(text.rfind(mark, 0, at) for mark in ".!?\n") + 1
    before = text[sentence_start:at]
    return bool(_REPORTED.search(before) or (_PROMISER.search(words) and _REPORTING.search(before)))


def critical_keyword_words(text: str) -> dict[str, str]:
    """Canonical critical keyword -> the words of the text that matched it (its cue words read through typos, quoted
    as typed)."""
    read = with_cue_spellings(text)
    found: dict[str, str] = {}
    for canonical, pattern in _CRITICAL:
        match = _matches(canonical, pattern, read)
        if match:
            found[canonical] = as_typed(text, match.group(0))
    return found


# A request for a person read by its structure rather than as a list of sentences: a verb of asking, reaching or
# being passed on, with a person of the shop's as its object ("can I talk to someone", "put me through to a
# supervisor", "get me a manager", "have somebody ring me", "is there anyone who can look at this", "verbinden Sie mich
# mit einem Mitarbeiter", "ich will mit der zuständigen Person reden"). A person merely mentioned ("is a person
# reading this?", "does someone check the returns?", "can someone else collect it?") is no request, nor one declined
# ("no need for a human", "ich brauche keinen Mitarbeiter").
_WHO_EN = (
    r"(?:(?:a|an|the|your|some|one\s+of\s+your|one\s+of\s+the)\s+)?(?:(?:real|actual|live|living|human|proper|senior"
    r"|competent|qualified|responsible|other|different|flesh[\s-]and[\s-]blood)\s+)?"
    # A person by a nickname or slang ("a hooman", "a real bloke", "a living soul"): the ordinary nouns for a man or a
    # woman count only with a word that sets them against the bot ("a real guy", not "the guy who delivered it").
    r"(?:(?:(?<=real\s)|(?<=actual\s)|(?<=living\s)|(?<=proper\s)|(?<=human\s)|(?<=blood\s))(?:bloke|guy|gal|chap"
    r"|lady|man|woman|soul|being)|hoo?m[ai]ns?|hoomin|humie|person|people|human(?:\s+beings?)?|humans|someone|somebody|anyone"
    r"|anybody|staff(?:\s+member)?|member\s+of\s+(?:staff|(?:your|the)\s+team)|employee|agent|rep|representative"
    r"|manager|supervisor|team\s*lead(?:er)?|colleague|operator|specialist|advis[eo]r|customer\s+(?:service|care|support)"
    r"|(?:your|the)\s+(?:support\s+|service\s+)?team|whoever\s+(?:handles|deals|is\s+(?:in\s+charge|responsible)|can|runs|looks))"
    r"(?:s|es)?"
    # Where they belong, said after them: "someone from your staff", "a person on your support team", "somebody at
    # your end". Only the shop's: "someone from my family" stays the customer's own.
    r"(?:\s+(?:from|on|in|at|of)\s+(?:your|the)\s+(?:\w+\s+)?(?:staff|team|company|shop|store|end|side|office"
    r"|department|support|customer\s+(?:service|care)|service\s+desk))?"
)
_WHO_DE = (
    r"(?:jemand\w*(?:\s+(?:anderes|anderen|anderem|andere|anders|sonst))?|(?:(?:ein|einen?|einem|einer|der|die|den|dem|Ihre[nmr]?|ihre[nmr]?|eure[nmr]?)\s+)?(?:(?:echte\w*|richtige\w*"
    r"|zust[äa]ndige\w*|menschliche\w*|verantwortliche\w*|kompetente\w*|andere\w*|pers[öo]nliche\w*)\s+)?"
    r"(?:Mensch\w*|Mitarbeiter\w*|Kolleg\w*|Person|Ansprechpartner\w*|Vorgesetzte\w*|Berater\w*|Sachbearbeiter\w*"
    r"|Chef\w*|Teamleit\w*|Kundenservice|Kundendienst|Support|Zust[äa]ndige\w*|Verantwortliche\w*))"
    # Where they belong, said after them: "jemandem aus der Buchhaltung", "einen Kollegen von Ihrem Kundendienst".
    r"(?:\s+(?:aus|von|in|bei)\s+(?:der|dem|Ihrer|Ihrem|eurer|eurem|Ihren)\s+\w+)?"
)
# The customer's matter as a whole, as what a person takes up.
_THE_CASE = r"this|it|that|the\s+case|my\s+(?:case|complaint|claim|problem|issue|query|ticket|situation|file)"
_ASKS_FOR_PERSON = compile_words(
    # Talking, or being passed on, to a person: "can I talk to someone", "put me through to a real person".
    rf"\b(?:talk|speak|chat|deal|discuss\s+(?:this|it))\s+(?:\w+\s+){{0,2}}(?:to|with)\s+{_WHO_EN}\b"
    # ... or settling the matter with one: "I'd prefer to sort this out with one of your people".
    rf"|\b(?:sort|work|thrash|hash)\s+(?:this|it|that|things|the\s+\w+)\s+out\s+with\s+{_WHO_EN}\b"
    rf"|\b(?:settle|resolve|go\s+(?:over|through))\s+(?:this|it|that|the\s+\w+)\s+with\s+{_WHO_EN}\b"
    rf"|\b(?:transfer|connect|put|pass|hand|send|forward|escalate|refer|route)\s+(?:me|this|it|my\s+\w+)?\s*"
    rf"(?:(?:over|through|on)\s+)?(?:to|with)\s+{_WHO_EN}\b"
    # Wishing for the talk: "I'd appreciate speaking with an actual employee", "I'd prefer talking to a person".
    rf"|\b(?:appreciate|prefer|welcome|insist\s+on)\s+(?:\w+\s+)?(?:speaking|talking|chatting|dealing)\s+(?:to|with)\s+{_WHO_EN}\b"
    # Asking to be given one: "get me a supervisor", "I need an actual human", "can I have a person".
    rf"|\b(?:get|give|find|bring|fetch)\s+me\s+{_WHO_EN}\b|\bhook\s+me\s+up\s+with\s+{_WHO_EN}\b"
    # A person named and asked for in a word: "operator please", "a real human, now", "bitte einen Mitarbeiter".
    rf"|^\W*{_WHO_EN}\W*(?:(?:please|pls|plz|now|asap)\W*)?$|\b{_WHO_EN}\s*,?\s*(?:please|pls|plz)\b"
    rf"|^\W*(?:bitte\s+)?{_WHO_DE}\W*(?:(?:bitte|sofort|jetzt)\W*)?(?:danke\W*)?$|\bbitte\s+{_WHO_DE}\b(?!\s+\w+)"
    # A person asked for by the power to decide ("needs someone with actual authority"), or the case passed up the
    # line ("pass it up the chain", "kick this upstairs").
    rf"|\b(?:wants?|needs?|requires?|get|find|like|prefer|is\s+there)\s+{_WHO_EN}\s+with\s+(?:\w+\s+)?(?:authority|power"
    r"|clout|the\s+power\s+to|a\s+say|decision[\s-]making)"
    r"|\b(?:pass|send|move|kick|push|take|bump|escalate)\s+(?:it|this|me|my\s+\w+)\s+(?:up\s+the\s+(?:chain|line|ladder)"
    r"|upstairs|higher\s+up)"
    rf"|\b(?:wants?|needs?|like|prefer|request|ask(?:ing)?\s+for|(?:can|could|may)\s+i\s+(?:get|have)|i'?d\s+like)\s+"
    rf"(?:(?:to\s+(?:deal|talk|speak)\s+(?:with|to)\s+)|(?:a\s+word\s+with\s+)|(?:(?:some\s+|real\s+)?help\s+from\s+))?{_WHO_EN}"
    r"(?!\s*(?:'s|else'?s|to\s+(?:collect|sign|receive|pick)|as\s+(?:a\s+)?recipient))\b"
    # Whether one is there for them: "is there anyone who can look at this", "any chance of a supervisor".
    rf"|\b(?:is\s+there|are\s+there|any\s+chance\s+of(?:\s+\w+ing)?(?:\s+(?:to|with))?)\s+{_WHO_EN}\b"
    r"(?:\s+(?:there|available|around|i\s+can|who|that|about|real|human|on))?"
    # A person of theirs made to do something for the customer: "have somebody phone me", "a real employee review
    # my return", "someone from customer service email me back", "can someone else help me".
    # What "you people" keep doing ("you people email me every single day") is complained about, not asked for.
    rf"|(?<!\byou\s)\b{_WHO_EN}(?:\s+(?:from|on|in|at)(?:\s+\w+){{1,3}}?)?(?:\s+else)?\s+(?:to\s+)?(?:\w+\s+)?(?:call"
    r"|ring|phone|email|e-mail|contact|text|get\s+back\s+to|reach\s+out\s+to)\s+(?:me|us)\b"
    r"(?!\s+(?:\w+\s+){0,2}?(?:every|all\s+the\s+time|constantly|daily|non[\s-]?stop|again\s+and\s+again))"
    rf"|\b(?:have|get|let)\s+{_WHO_EN}\s+(?:else\s+)?(?:to\s+)?(?:review|look\s+(?:at|into|over)|check|handle|deal\s+with"
    r"|take\s+over|sort|go\s+over)\b"
    rf"|\b{_WHO_EN}\s+(?:else\s+)?(?:who|that)\s+(?:can|could|is\s+able\s+to)\s+(?:actually\s+)?(?:help|decide|make"
    r"|look|deal|handle|sort|fix|review|authori[sz]e|approve)"
    # A person asked to take the case up, said as a question: "could somebody else take this over?", "can a colleague
    # look at my case?", "könnte sich ein Kollege darum kümmern?". What else someone could do ("can someone else
    # collect the parcel?") asks about the delivery.
    # The case is what they take up: "this", "it", "my case" or "my complaint"; "can someone take a look at my order
    # status?" asks the chat for the status.
    rf"|\b(?:can|could|would|will|may)\s+{_WHO_EN}\s+(?:else\s+)?(?:please\s+)?(?:take\s+(?:{_THE_CASE})\s+over|take\s+over"
    rf"|step\s+in|(?:look\s+(?:at|into|over)|handle|deal\s+with|review|(?:take|have)\s+a\s+look\s+at)\s+(?:{_THE_CASE})"
    rf"|pick\s+(?:{_THE_CASE})\s+up|(?:take|have)\s+a\s+look(?!\s+at))\b"
    rf"|\b(?:kann|k[öo]nnte|k[öo]nnen|w[üu]rde)\s+(?:sich\s+)?(?:(?:das|dies|es|bitte|mal|vielleicht)\s+){{0,3}}{_WHO_DE}\s+"
    r"(?:\w+\s+){0,4}?(?:[üu]bernehmen|k[üu]mmern|ansehen|anschauen|pr[üu]fen|bearbeiten|draufschauen|annehmen\s+und\s+kl[äa]ren)\b"
    # Reaching one: "how can I reach someone", "how do I get hold of a person on your team", "wie kann ich jemanden
    # erreichen", "wie erreiche ich einen Mitarbeiter".
    rf"|\b(?:reach|contact|get\s+hold\s+of|get\s+through\s+to|get\s+in\s+touch\s+with)\s+{_WHO_EN}\b"
    rf"|\b{_WHO_DE}\s+(?:\w+\s+){{0,3}}?(?:erreichen|kontaktieren|ans\s+telefon\s+(?:bekommen|kriegen))\b"
    rf"|\b(?:erreiche|kontaktiere|erreichen|kontaktieren)\s+(?:ich|wir|man)\s+(?:\w+\s+){{0,2}}?{_WHO_DE}\b"
    # A callback: "I want a callback", "call me back", "give me a ring".
    r"|\b(?:want|need|like|request|get|arrange|book|can\s+i\s+have)\s+(?:a|an)\s+(?:call[\s-]?back|phone\s+call|call)\b"
    r"|\b(?:call|ring|phone)\s+me(?:\s+back)?\b|\bgive\s+me\s+a\s+(?:ring|call|bell)\b"
    # German: "mit einem Mitarbeiter sprechen", "mit jemandem reden", the verb last or first.
    rf"|\bmit\s+{_WHO_DE}\s+(?:\w+\s+){{0,4}}(?:sprechen|reden|telefonieren|chatten|kl[äa]ren|besprechen)\b"
    rf"|\b(?:sprechen|reden|telefonieren|verbinden|verbindet)\s+(?:\w+\s+){{0,3}}mit\s+{_WHO_DE}\b"
    rf"|\bmich\s+(?:\w+\s+){{0,2}}(?:an|zu|mit)\s+{_WHO_DE}\s+(?:\w+\s+){{0,2}}(?:weiterleiten|verbinden|durchstellen"
    r"|weitergeben|[üu]bergeben|weiterverbinden)\b"
    rf"|\b(?:holen|geben|besorgen)\s+sie\s+mir\s+(?:bitte\s+)?{_WHO_DE}"
    # One of theirs made to do something, as "have someone review it": "lassen Sie einen Kollegen meinen Fall prüfen".
    rf"|\blass(?:en|t)?\s+(?:sie\s+)?(?:bitte\s+)?{_WHO_DE}\s+(?:\w+\s+){{0,4}}?(?:pr[üu]fen|ansehen|anschauen|draufschauen"
    r"|bearbeiten|[üu]bernehmen|kl[äa]ren|anrufen|zur[üu]ckrufen|melden|entscheiden|k[üu]mmern)\b"
    rf"|\b(?:leiten|stellen|verbinden|geben|reichen)\s+sie\s+mich\s+(?:\w+\s+){{0,2}}(?:an|zu|mit)\s+{_WHO_DE}"
    rf"|\b(?:m[öo]chte|will|wollen|h[äa]tte\s+gern\w*|brauche|w[üu]nsche|verlange)\s+(?:\w+\s+){{0,3}}?{_WHO_DE}\s+"
    r"(?:\w+\s+){0,2}(?:sprechen|haben|dran|am\s+telefon)"
    rf"|\b(?:gibt\s+es|ist\s+da)\s+(?:(?:da|bei\s+(?:ihnen|euch)|irgendwo|auch)\s+)?{_WHO_DE},?\s+(?:der|die|den|mit\s+dem)\b"
    r"|\bruf\w*\s+(?:sie\s+)?mich\s+(?:\w+\s+){0,4}(?:an|zur[üu]ck)\b"
    rf"|\bmich\s+(?:\w+\s+){{0,2}}{_WHO_DE}\s+(?:\w+\s+){{0,4}}(?:anrufen|zur[üu]ckrufen|kontaktieren)\b"
    rf"|\b{_WHO_DE}\s+(?:\w+\s+){{0,4}}mich\s+(?:\w+\s+){{0,2}}(?:anrufen|zur[üu]ckrufen|kontaktieren)\b"
    r"|\b(?:m[öo]chte|will|h[äa]tte\s+gern\w*|brauche|w[üu]nsche|bitte\s+um|erbitte)\s+(?:\w+\s+){0,2}?(?:einen\s+)?r[üu]ckruf\b",
    re.IGNORECASE,
)
# A person declined or left out: "no need for a human", "I don't need to speak to anyone", "no agent needed",
# "keinen Mitarbeiter", "ohne Menschen". Read as a span, so that "not a bot, a person" still asks for one.
_PERSON_DECLINED = compile_words(
    rf"\b(?:no\s+need\s+(?:for|of)|(?:don'?t|do\s+not|doesn'?t|won'?t)\s+(?:need|want|have)\s+(?:to\s+\w+\s+(?:to|with)\s+)?"
    rf"|not\s+(?:necessary|needed)\s+to\s+\w+\s+(?:to|with)\s+|without)\s*{_WHO_EN}"
    rf"|\bno\s+{_WHO_EN}\s+(?:needed|necessary|required)"
    rf"|\b(?:kein\w*|ohne)\s+{_WHO_DE}"
    r"|\b(?:brauche|m[öo]chte|will)\s+(?:\w+\s+){0,2}nicht\s+(?:mit\s+)?(?:jemand\w*|(?:einem\s+|einer\s+)?(?:Mitarbeiter\w*"
    r"|Menschen|Person))",
    re.IGNORECASE,
)
# The customer's own people are not the shop's: "I'll talk to my wife", "my manager asked me to order it".
_OWN_PEOPLE = compile_words(
    r"\b(?:my|our|his|her|their)\s+(?:\w+\s+)?(?:wife|husband|partner|son|daughter|kids?|children|mum|mom|mother|dad"
    r"|father|parents?|brother|sister|family|friend|neighbou?r|boss|manager|colleague|flatmate|roommate|landlord|team)\b"
    r"|\b(?:mein\w*|unser\w*)\s+(?:Frau|Mann|Partner\w*|Sohn|Tochter|Kind\w*|Mutter|Vater|Eltern|Bruder|Schwester"
    r"|Familie|Freund\w*|Nachbar\w*|Chef\w*|Kolleg\w*|Vermieter\w*)\b",
    re.IGNORECASE,
)


def asks_for_person(text: str) -> str | None:
    """The words by which the message asks for a person of the shop's, read by structure (a verb of asking or being
    passed on, and a person as its object), or None. Declined people and the customer's own are left out first."""
    return _asked_for_person(_OWN_PEOPLE.sub(" ", _PERSON_DECLINED.sub(" ", _HUMAN_FALSE.sub(" ", text))))


def _asked_for_person(plain: str) -> str | None:
    """asks_for_person of a message whose declined people and the customer's own are left out already."""
    found = _ASKS_FOR_PERSON.search(plain)
    if found is None or _reported(plain, found.start()):
        return None
    return found.group(0).strip()


def person_declined(text: str) -> bool:
    """A person named only to say none is needed ("no need for a human", "keinen Mitarbeiter, nur die Nummer")."""
    return _PERSON_DECLINED.search(text) is not None


def mentions_own_people(text: str) -> bool:
    """The people named are the customer's own ("I'll talk to my wife and get back to you")."""
    return _OWN_PEOPLE.search(text) is not None


# A person (or a way to reach one) asked about for a time to come: "do you have a phone number for later if I need
# it?", "are your staff able to help with assembly if I book it?", "falls ich mal Hilfe brauche". The customer learns
# how the shop works; nobody is asked for now.
_FOR_LATER = re.compile(
    r"\b(?:if|in\s+case|should|whenever|once)\s+(?:i|we|one)\s+(?:\w+\s+){0,2}?(?:ever\s+)?(?:need|book|order|buy|decide"
    r"|run\s+into|have\s+(?:a\s+|any\s+|more\s+|further\s+|other\s+)?(?:problem|question|issue|trouble)s?)\w*\b|\bfor\s+(?:later|the\s+future|future\s+reference)\b"
    r"|\bin\s+(?:the\s+)?future\b|\b(?:falls|wenn|sollte)\s+(?:ich|wir|man)\s+(?:\w+\s+){0,3}?(?:brauche|brauchen|buche"
    r"|buchen|bestelle|bestellen|haben\s+sollte|habe)\b|\bf[üu]r\s+(?:sp[äa]ter|den\s+fall|die\s+zukunft)\b|\bk[üu]nftig\b"
    r"|\bin\s+zukunft\b",
    re.IGNORECASE,
)


_ASKS_WHEN_REACHABLE = re.compile(_WHEN_REACHABLE, re.IGNORECASE)


def asked_for_later(text: str) -> bool:
    """The message asks about a person or a contact for some time to come, or when one can be reached, not for one
    now."""
    return _FOR_LATER.search(text) is not None or _ASKS_WHEN_REACHABLE.search(text) is not None


# A person, or the bot set against one, named in the message: the classifier's reading "asks for a person" stands only
# with one. "Is the phone line free to call?" names a thing of the shop's; its answer is a fact.
_PERSON_NAMED = compile_words(
    rf"\b{_WHO_EN}\b|\b{_WHO_DE}\b|\b(?:bots?|chat\s*bots?|robots?|roboter|automated|automat\w*|assistant|ki|ai|nobody"
    r"|no\s*one|niemand)\b",
    re.IGNORECASE,
)


_COMPLAINED_ABOUT_WORDS = compile_words(rf"{_COMPLAINED_ABOUT}|{_ERRAND}", re.IGNORECASE)


def names_a_person(text: str) -> bool:
    """The message names a person (not the customer's own) or the bot."""
    plain = _COMPLAINED_ABOUT_WORDS.sub(" ", _OWN_PEOPLE.sub(" ", with_cue_spellings(text)))
    return _PERSON_NAMED.search(plain) is not None
