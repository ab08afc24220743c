"""Entity extraction by pattern: order ids, emails, names, postcodes, products, options, money, dates, reasons.

Catalog-agnostic on purpose: the shop's catalogue changes daily and differs per shop, so products are read from the
shape of the sentence ("return the blue hoodie") and the tools resolve them against the real catalogue later.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from functools import lru_cache

from graph.nlu.address_source import without_address_source, without_orders_not_acted_on
from graph.nlu.schema import Entities
from graph.nlu.segment import sentences


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.IGNORECASE)

# '#W1234567' (imported dataset), '#1001' (demo shop), 'W1234567' without the hash.
_ORDER_TAGGED = re.compile(r"(?<![\w#])(#\s?W?\d{4,8}|W\d{4,8})\b", re.IGNORECASE)
# A bare number only counts as an order id when the words before it say so ("order 1045", "order number is 20488").
_ORDER_WORDS = (
    r"(?:order|orders|order\s+(?:number|no\.?|nr\.?|id|#)|bestellung|bestellnummer|commande|pedido|ordine|bestelling)"
)
_ORDER_BARE = re.compile(
    rf"\b{_ORDER_WORDS}\s*(?:(?:is|was|number|id|no\.?|nr\.?|:)\s*){{0,2}}(\d{{4,8}})\b", re.IGNORECASE
)

# UK ('SW1A 1AA', 'LS1 4AP'), Canadian ('T9Z 2E4') and Dutch ('1011 AB') postcodes are upper-case only, which keeps
# prose out; after a postcode word ("zip sw1a 1aa") any case counts.
_POSTCODE_WORD = r"(?:zip|zip\s?code|postcode|post\s?code|postal\s?code|plz|postleitzahl|code\s+postal)"
_UK_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})\b")
_CA_POSTCODE = re.compile(r"\b([A-Z]\d[A-Z]\s?\d[A-Z]\d)\b")
_NL_POSTCODE = re.compile(r"\b(\d{4}\s?[A-Z]{2})\b")
_CUED_POSTCODE = re.compile(
    rf"\b{_POSTCODE_WORD}\s*(?:is|ist|:|-)?\s*([a-z]{{1,2}}\d[a-z\d]?\s?\d[a-z]{{2}}|[a-z]\d[a-z]\s?\d[a-z]\d)\b",
    re.IGNORECASE,
)
# A lone 5-digit group (US, DE, FR, ES, IT): not part of a longer digit run, an id, money, a decimal or a phone
# number. Punctuation around it is prose ("Ethan Garcia, 80280."), unless a digit follows it ("80280.50"); a ZIP+4
# ("80280-1234") is its first five digits.
_FIVE_DIGITS = re.compile(
    r"(?<![\w#$€£/-])(?<!\d[.,])(\d{5})(?:-\d{4}\b)?(?![\w/-]|[.,]\d|\s?\d|\s?(?:%|usd|eur|gbp|dollars?|euros?))",
    re.IGNORECASE,
)
_FOUR_DIGIT_ZIP = re.compile(rf"\b{_POSTCODE_WORD}\s*(?:is|ist|:)?\s*(\d{{4}})\b", re.IGNORECASE)

# A name word: "Ethan", "O'Brien", "Jean-Luc", "McKenzie", "Müller".
_NAME_WORD = r"[A-ZÀ-Ý](?:[a-zà-ÿ]+(?:[A-ZÀ-Ý][a-zà-ÿ]+)?(?:['’-][A-Za-zÀ-ÿ][a-zà-ÿ]+)*|['’][A-ZÀ-Ý][a-zà-ÿ]+)"
_PARTICLE = r"(?:van\s+der|van\s+den|van|von|de|del|della|da|di|du|le|la|ten|ter|zu)"
# A middle initial may sit inside ("Ethan J. Garcia"); it is dropped from the name read.
_INITIAL = r"(?:\s+[A-Z]\.?)?"
_NAME = rf"({_NAME_WORD}(?:{_INITIAL}\s+(?:{_PARTICLE}\s+)?{_NAME_WORD}){{0,2}})"
# The same words in any case, for where the sentence says a name follows ("my name is ethan garcia").
_ANY_WORD = r"[A-Za-zÀ-ÿ](?:[a-zà-ÿA-ZÀ-Ý]*(?:['’-][A-Za-zÀ-ÿ]+)*)"
_ANY_NAME = rf"({_ANY_WORD}(?:\s+{_ANY_WORD}){{0,2}})"
# ... and with commas between the words, as a message of only a name and a postcode may list them ("chen, johnson").
_ANY_NAME_LISTED = rf"({_ANY_WORD}(?:\s*,?\s+{_ANY_WORD}){{0,2}})"
# Cues after which a name follows whatever its case: "my name is", "name:", "mein Name ist", "ich heiße".
_NAME_CUE = (
    r"(?:my\s+(?:full\s+)?name\s+is|(?:full\s+)?name(?:\s+is|'s|’s)|(?:full\s+)?name\s*[:=-]|call\s+me|i\s+am\s+called"
    r"|mein\s+(?:vollständiger\s+)?name\s+(?:ist|lautet)|name\s+lautet|ich\s+hei(?:ß|ss)e|je\s+m'appelle"
    r"|je\s+suis|me\s+llamo|mi\s+nombre\s+es|mijn\s+naam\s+is|ik\s+ben|mi\s+chiamo)"
)
_NAME_EXPLICIT = re.compile(rf"\b{_NAME_CUE}\s+{_ANY_NAME}", re.IGNORECASE)
# Form fields: "First name Emma, last name Kim", "Vorname: Mia / Nachname: Schneider".
_FIRST_FIELD = re.compile(
    rf"\b(?:first\s+name|given\s+name|forename|vorname)\s*(?:is|ist|[:=-])?\s+({_ANY_WORD})", re.IGNORECASE
)
_LAST_FIELD = re.compile(
    rf"\b(?:last\s+name|surname|family\s+name|nachname|familienname)\s*(?:is|ist|[:=-])?\s+"
    rf"((?:{_PARTICLE}\s+)?{_ANY_WORD})",
    re.IGNORECASE,
)
# "I'm Lisa Chen" / "it's Mark Jones" / "this is Jane Doe" / "ich bin Jana Berg": capitalised words, or it is
# probably an adjective ("I'm Sorry", "it's Broken").
_NAME_INTRO = re.compile(
    rf"\b(?:[Ii]'m|[Ii]’m|[Ii]\s+am|[Ii]t's|[Ii]t’s|[Tt]his\s+is|[Ii]t\s+is|[Hh]ere\s+is|[Ii]ch\s+bin|[Hh]ier\s+ist"
    rf"|[Hh]ier\s+spricht|[Ss]peaking\s+is)\s+{_NAME}"
)
# "Ethan Garcia here" / "Jana Berg hier".
_NAME_HERE = re.compile(rf"{_NAME}\s+(?:here|hier)\b")
# Words that glue a name to its postcode: "Ava Nguyen, zip 94128", "Ethan Garcia from 80280", "zip 94128, Ava Nguyen".
_NAME_ZIP_GLUE = (
    rf"\s*[,;:/–—-]?\s*(?:(?:and|und|from|in|aus|with|mit|my|meine|the|die|is|ist|:|,)\s+)*(?:{_POSTCODE_WORD}\s*)?"
    r"(?:(?:is|ist|of|:|-)\s*)?"
)
_ZIP_SHAPE = r"\b(?:\d{4,5}\b|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b|[A-Z]\d[A-Z]\s?\d[A-Z]\d\b|\d{4}\s?[A-Z]{2}\b)"
_NAME_BEFORE_ZIP = re.compile(rf"{_NAME}{_NAME_ZIP_GLUE}(?={_ZIP_SHAPE})")
_NAME_AFTER_ZIP = re.compile(rf"(?<![\w#]){_ZIP_SHAPE}\s*[,;]?\s*(?:(?:and|und|name|my|is|ist|:)\s+)*{_NAME}")
# Two words in any case right beside a postcode, inside one sentence ("... my orders. olivia ahmed 94152. first the
# boots ...", "94152 olivia ahmed"): the postcode says a name sits next to it, as a form's fields would. The words are
# checked after the match: everyday words, the message's own product words and the shop's are no name.
_PAIR = rf"({_ANY_WORD}\s+{_ANY_WORD})"
_PAIR_BEFORE_ZIP = re.compile(
    rf"(?<![\w'’-]){_PAIR}\s*[,;:/–—-]?\s*(?:(?:from|in|with|my|zip|zip\s?code|postcode|plz|is|:)\s+)*"
    rf"(?=(?<![\w#])\d{{5}}\b)",
    re.IGNORECASE,
)
_PAIR_AFTER_ZIP = re.compile(
    rf"(?<![\w#$€£/-])\d{{5}}\b\s*[,;:/–—-]?\s*(?:(?:and|name|my|is|:)\s+)*{_PAIR}(?![\w'’-])", re.IGNORECASE
)
# A message that is nothing but a name and a postcode, whatever the case: "ethan garcia, 80280".
# (A whole word: "james lee" is no "ja" before "mes lee", "hilary" no "hi".)
_LEAD_IN = r"(?:(?:sure|yes|yeah|yep|ok|okay|hi|hello|hey|hallo|ja|klar|gerne|of\s+course)\b\s*[,.!:-]?\s*)?"
_NAME_ZIP_MESSAGE = re.compile(
    rf"^\s*{_LEAD_IN}{_ANY_NAME_LISTED}{_NAME_ZIP_GLUE}(?:{_ZIP_SHAPE}|\b[a-z]{{1,2}}\d[a-z\d]?\s?\d[a-z]{{2}}\b)\s*[.!]*\s*$",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
# The name readers that need a postcode in the message: each of its shapes has a digit.
_BESIDE_A_POSTCODE = (_NAME_ZIP_MESSAGE, _NAME_BEFORE_ZIP, _NAME_AFTER_ZIP)
# Words that open or close a capitalised run without being part of the name ("Sure", "Name", "Zip", "Hi").
_NOT_NAMES = _words(
    "the a an not so very really just sorry here there yes no hello hi hey order my your our thanks thank please "
    "absolutely totally completely still also again i'm it's i’m it’s im sure yeah yep ok okay name zip code "
    "postcode email mail dear and or is from in with hallo ja klar danke bitte gerne und mein meine ist aus mit "
    "plz postleitzahl hier mr mrs ms miss dr herr frau of course great fine well good morning evening its speaking "
    "name's account"
)

_AMOUNT_SYMBOL = re.compile(r"([$€£])\s?(\d{1,6}(?:[.,]\d{1,2})?)")
_AMOUNT_WORD = re.compile(
    r"\b(\d{1,6}(?:[.,]\d{1,2})?)\s?(usd|eur|gbp|chf|dollars?|bucks|euros?|pounds?|quid)\b", re.IGNORECASE
)
_CURRENCY = {
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "usd": "USD",
    "eur": "EUR",
    "gbp": "GBP",
    "chf": "CHF",
    "dollar": "USD",
    "dollars": "USD",
    "bucks": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "quid": "GBP",
}

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_WEEKDAYS = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_DATE = re.compile(
    r"\b(\d{4}-\d{2}-\d{2}"
    r"|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}(?:\s+\d{{4}})?"
    rf"|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    r"|today|tomorrow|yesterday|tonight"
    r"|(?:last|next|this)\s+(?:week|month|year|weekend)"
    rf"|(?:last|next|this|on)\s+{_WEEKDAYS}|{_WEEKDAYS}"
    r"|\d+\s+(?:days?|weeks?|months?)\s+ago)\b",
    re.IGNORECASE,
)

_SIZE = re.compile(
    r"\b(?:size|größe|taille|talla|maat|taglia)\s+(xxs|xs|s|m|l|xl|xxl|xxxl|\d{1,2}(?:[.,]5)?)\b"
    r"|\b(?:in|an?|for|to)\s+(xxs|xs|xl|xxl|xxxl|small|medium|large|extra\s+large)\b"
    r"|\b(?:size|in|an?|for|to)\s+(s|m|l)\b(?!['’])"
    r"|\b(\d{2})\s+waist\b",
    re.IGNORECASE,
)
_SIZE_WORDS = {"small": "S", "medium": "M", "large": "L", "extra large": "XL"}
_COLOURS = sorted(
    _words(
        "black white grey gray red blue green yellow orange pink purple brown beige navy cream gold silver "
        "turquoise burgundy khaki olive teal"
    )
)
_COLOUR = re.compile(rf"\b({'|'.join(_COLOURS)})\b", re.IGNORECASE)
_CAPACITY = re.compile(r"\b(\d{2,4}\s?(?:gb|tb|ml|l))\b", re.IGNORECASE)

# Heads that are about the transaction, not the merchandise: "the order", "my refund", "the size".
_NOT_PRODUCTS = _words(
    """order orders package parcel parcels delivery deliveries shipment shipping refund refunds money account password
    email address invoice receipt item items product products thing things stuff status tracking courier driver code
    voucher coupon discount newsletter size colour color website site app service company team price payment card
    number return returns policy way time day days week weeks month months box packaging one ones same rest reset
    link page checkout cart basket bank difference charge charges website's login label option options variant
    wrong right next last first other new old whole entire extra mistake problem issue customer customers support
    agent person human manager staff store shop email's promo gift balance subscription data name surname
    username birthday language details info information profile zip zipcode postcode plz postleitzahl
    question questions answer answers request requests message messages chat conversation help case complaint
    exchange exchanges swap swaps replacement cancellation change changes method methods note notes id moment
    edit edits update updates modification modifications adjustment adjustments amendment amendments correction
    corrections tweak tweaks fix fixes task tasks errand errands matter matters query queries concern concerns
    minute minutes sec secs second seconds min mins bit while list bot
    couple few lot lots try works hassle pain mess shot go look chance idea clue sense point favour favor rain
    weather sun snow wind trouble deal
    paypal visa mastercard amex discover maestro klarna credit debit giftcard colleague colleagues representative
    rep specialist supervisor someone somebody kollege kollegen kollegin mitarbeiter mitarbeiterin mensch"""
)
# A lookahead, so that a determiner's words do not hide the next one ("which of these has the camera?").
_DETERMINER = re.compile(
    r"\b(?:the|my|this|these|those|a|an|your)\s+(?=([a-zà-ÿ0-9][\w'’-]*(?:\s+[a-zà-ÿ0-9][\w'’-]*){0,3}))",
    re.IGNORECASE,
)
_PRODUCT_STOP = _words(
    """is are was were be been it its it's i in on at for from to with of and or but that this which who
    doesn't don't didn't isn't won't can can't could would should will does do did has have had not no so
    too very fully really still yet already again back instead please thanks thank because since as than
    by into over under about after before up out off you your me my we our they them their he she his her
    arrived came got get broke broken is'nt fit fits fitted size if when whenever while where unless whatever
    anything something everything nothing needs need needed wants want"""
)

# Money moved, said as a thing one got: "a refund", "store credit", "charged twice", "eine Gutschrift".
_MONEY_WORDS = (
    r"refund(?:s|ed)?|credit(?:s|ed)?|charge[ds]?|billed|money|cash|voucher|erstattung|gutschrift|geld|belastet"
    r"|abgebucht"
)
# What follows "instead of" when it is no item that came: a deed ("returning it", "sending the white", "waiting",
# German "zu"/"zurückzuschicken"), money, a count ("once"), or a person ("to my neighbour instead of me": where it
# went, not what).
_NO_THING_AFTER_INSTEAD = (
    r"(?:[a-z]+ing\b(?=\s*(?:$|[,.!?;:]|\s(?:it|them|me|us|you|him|her|the|a|an|my|our|this|that|these|those|one"
    r"|for|to|with|back|out|up)\b))|(?:(?:es|ihn|sie|das|die|den|der)\s+)?\w*zu\w+en\b|zu\b"
    r"|(?:(?:a|an|the|my|some|store|eine[nmrs]?|der|die|das)\s+)?(?:" + _MONEY_WORDS + r")\b"
    r"|(?:once|twice|einmal|zweimal|me|us|him|mich|uns|ihn|mir)\b)"
)

_REASONS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (code, re.compile(pattern, re.IGNORECASE))
    for code, pattern in (
        (
            "no_longer_needed",
            # "don't need the items anymore", "do not really need it": what is not needed may be named, also as
            # several orders at once ("either of them", "any of these", "both") or as none of them being needed.
            r"\b(?:no\s+longer\s+(?:need|want)(?:ed)?|(?:don'?t|do\s+not|doesn'?t)\s+(?:really\s+)?need\s+(?:it|them|this|that|these|those"
            r"|the\s+[\w-]+|any\s?more|either(?:\s+one)?|(?:either|any|all)\s+of\s+(?:them|these|those|the\s+[\w-]+))\b"
            r"|(?:neither|none)(?:\s+(?:one|of\s+(?:them|these|those|the\s+[\w-]+)))?\s+(?:is|are)\s+(?:\w+\s+)?needed"
            r"|not\s+needed|(?:don'?t|do\s+not)\s+want\s+(?:it|this|them|these|those|the\s+[\w-]+(?:\s+[\w-]+)?)"
            r"\s+any\s?more"
            # Not there to take it in: "I don't want to receive it", "I'll be travelling when it shows up", "I won't
            # be home to receive it": the order is not wanted as it stands.
            r"|(?:don'?t|do\s+not)\s+want\s+to\s+(?:receive|get|accept)\s+(?:it|them|the\s+(?:order|package|parcel|delivery))"
            r"|won'?t\s+be\s+(?:able\s+to\s+receive|(?:around|home|here|there)\s+to\s+(?:receive|get|accept))"
            r"|(?:travel(?:l)?ing|away|out\s+of\s+town|abroad)\s+(?:by\s+the\s+time|when)\s+(?:it|they|the\s+\w+)"
            r"\s+(?:arrives?|shows?\s+up|comes?|gets?\s+(?:here|there)|is\s+delivered))\b"
            r"|\b(?:nicht\s+mehr\s+(?:benötigt|gebraucht|nötig|erforderlich|gewollt)|brauch(?:e|en|t)?\s+(?:\w+\s+){0,3}?nicht\s+mehr"
            r"|brauch(?:e|en|t)?\s+(?:\w+\s+){0,2}?kein(?:e[nrs]?|s)\s+(?:(?:von\s+(?:beiden|ihnen|denen)|davon|der\s+beiden)\s+)?mehr"
            r"|(?:will|möchte)\s+(?:es|ihn|sie|das|diese[nsr]?)\s+nicht\s+mehr(?!\s+\w))\b",
        ),
        (
            "ordered_by_mistake",
            r"\b(?:by\s+(?:mistake|accident)|accidentally|ordered\s+(?:it\s+)?twice|duplicate"
            r"|wrong\s+thing|versehentlich|aus\s+versehen|irrtümlich|doppelt\s+bestellt|falsch\s+bestellt)\b",
        ),
        ("changed_mind", r"\b(?:changed\s+my\s+mind|(?:es\s+)?mir\s+anders\s+überlegt|umentschieden)\b"),
        ("found_cheaper", r"\b(?:cheaper\s+elsewhere|better\s+(?:price|deal)|found\s+it\s+cheaper)\b"),
        (
            "damaged",
            r"\b(?:damaged|broken|broke|cracked|smashed|crushed|shattered|dented|torn|ripped|snapped|scratched"
            r"|stained|soaked|(?:all|soaking|completely|arrived|came|was|were)\s+wet|water[-\s]damaged|leak(?:s|ing|ed)?"
            r"|beschädigt|kaputt|zerbrochen|gebrochen|gerissen|zerrissen|zerkratzt|verkratzt|eingedellt|undicht|nass)\b",
        ),
        (
            "defective",
            # A thing that does not do what it is for: "won't pair with my phone", "it doesn't charge any more".
            r"\b(?:defective|faulty|dead\s+on\s+arrival|doesn'?t\s+work|not\s+working|stopped\s+working"
            r"|(?:won'?t|wont|doesn'?t|does\s+not|will\s+not|can'?t|cannot|isn'?t|is\s+not|stopped)\s+"
            r"(?:turn(?:ing)?\s+on|switch(?:ing)?\s+on|pair(?:ing)?|connect(?:ing)?|charg(?:e|ing)|power(?:ing)?\s+on"
            r"|work(?:ing)?|start(?:ing)?|heat(?:ing)?\s+up|boot(?:ing)?(?:\s+up)?|hold(?:ing)?\s+(?:a\s+)?charge)"
            r"|defekt\w*|funktioniert\s+(?:\w+\s+)?nicht|geht\s+(?:\w+\s+)?nicht\s+(?:an|mehr)"
            r"|lässt\s+sich\s+nicht\s+(?:\w+\s+)?(?:einschalten|koppeln|verbinden|laden|aufladen))\b",
        ),
        (
            "incomplete",
            # Something of the delivery is not there: "missing pieces", "two parts were missing", "incomplete".
            r"\b(?:incomplete|(?:missing|lacks?|lacking)\s+(?:a\s+|some\s+|two\s+|three\s+|several\s+)?"
            r"(?:pieces?|parts?|components?|screws?|bits?|accessor(?:y|ies)|cables?|chargers?)"
            r"|(?:pieces?|parts?|components?|screws?|bits?|accessor(?:y|ies)|cables?|chargers?|batter(?:y|ies))"
            r"\s+(?:(?:\w+\s+)?(?:were|was|are|is)\s+)?missing"
            r"|missing\s+from\s+(?:the|my)\s+(?:box|package|parcel|set|kit|delivery)"
            r"|unvollständig|(?:teile|stücke|schrauben|kabel|zubehör|ladegerät)\s+(?:\w+\s+)?fehl\w*"
            r"|fehl(?:t|en)\s+(?:\w+\s+){0,2}?(?:teile?|stücke?|schrauben|kabel|zubehör|ladegerät))\b",
        ),
        (
            "wrong_size",
            r"\b(?:wrong\s+size|too\s+(?:small|big|large|tight|loose|short|long)|(?:doesn'?t|don'?t|didn'?t)"
            r"\s+fit|pinch(?:es)?|falsche\s+größe|zu\s+(?:klein|groß|eng|weit|kurz|lang)|passt\s+(?:\w+\s+)?nicht)\b",
        ),
        (
            "wrong_item",
            r"\b(?:wrong\s+(?:item|product|model|colou?r|one)|not\s+what\s+i\s+ordered"
            r"|received\s+the\s+wrong|falsche[nrs]?\s+(?:artikel|produkt|modell|farbe|teil)"
            r"|nicht\s+(?:das,?\s+)?was\s+(?:ich\s+)?bestellt"
            # What came, said against what was ordered: "it arrived in black instead of the white I ordered", "they
            # sent me the 12 inch instead of the 14", "I ordered white but got black", "kam in Schwarz statt in
            # Weiß". Past forms only: "send me the black one instead of the white" asks for a change. What came is a
            # thing against a thing: a wish or an act on the way ("exchange the one I received instead of returning
            # it") and money ("I got a refund instead of store credit", "got charged twice instead of once") are no
            # item that arrived, so an act or money word stops the words between, and what follows "instead of" is
            # an item or option, not a deed ("returning it", "zurückzuschicken") nor money nor a count.
            r"|(?:arrived|came|showed\s+up|delivered|got|received|sent|shipped|geliefert|bekommen|erhalten"
            r"|geschickt|kam(?:en)?)\s+(?:(?!(?:want|wanna|like|would|could|can|change|swap|exchange|prefer|need"
            r"|please|möchte|will|hätte|bitte|return|get|keep|" + _MONEY_WORDS + r")\b)[\w'-]+\s+){0,8}?"
            r"(?:instead\s+of|rather\s+than|statt|anstatt)\s+(?!" + _NO_THING_AFTER_INSTEAD + r")"
            r"|(?:ordered|bought|paid\s+for|bestellt)\s+(?:[\w'-]+\s+){0,6}?(?:but|and|aber|und)\s+"
            r"(?:(?:i|we|they)\s+)?(?:got|received|they\s+sent|was\s+sent|bekommen|erhalten|kam))\b",
        ),
        (
            "not_as_described",
            r"\b(?:not\s+as\s+described|(?:doesn'?t|does\s+not)\s+match\s+the\s+description"
            r"|nothing\s+like\s+the|looks?\s+different|not\s+like\s+the\s+(?:picture|photo)s?)\b",
        ),
        (
            "late_delivery",
            r"\b(?:took\s+too\s+long|takes\s+too\s+long|late\s+delivery|arrived\s+late"
            r"|delivery\s+(?:was|is)\s+late)\b",
        ),
        (
            "not_received",
            r"\b(?:never\s+(?:arrived|came|received)|not\s+received|didn'?t\s+(?:receive|arrive)"
            r"|nie\s+angekommen|nicht\s+angekommen|nicht\s+(?:erhalten|bekommen))\b",
        ),
        (
            "dont_like",
            r"\b(?:(?:don'?t|do\s+not)\s+like|gefällt\s+mir\s+nicht|(?:hat|haben)\s+mir\s+nicht\s+gefallen)\b",
        ),
    )
)


def _dedupe(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))


def _order_id(raw: str) -> str:
    return "#" + raw.replace("#", "").replace(" ", "").upper()


def extract_order_ids(text: str) -> list[str]:
    found = [(m.start(), _order_id(m.group(1))) for m in _ORDER_TAGGED.finditer(text)]
    found += [(m.start(1), _order_id(m.group(1))) for m in _ORDER_BARE.finditer(text)]
    return _dedupe(order_id for _, order_id in sorted(found))


def extract_zip_codes(text: str, order_ids: Iterable[str] = ()) -> list[str]:
    taken = {order_id.lstrip("#") for order_id in order_ids}
    spans: list[tuple[int, int, str]] = []
    for pattern in (_UK_POSTCODE, _CA_POSTCODE, _NL_POSTCODE, _CUED_POSTCODE, _FOUR_DIGIT_ZIP, _FIVE_DIGITS):
        spans += [(m.start(1), m.end(1), m.group(1)) for m in pattern.finditer(text) if m.group(1) not in taken]
    # "1011 AB" is one Dutch postcode, not also the 4-digit code "1011": keep only the longest overlapping match.
    kept = [
        (start, code)
        for start, end, code in spans
        if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans)
    ]
    return _dedupe(" ".join(code.upper().split()) for _, code in sorted(kept))


def _trimmed_name(raw: str) -> str:
    """The name in a run of words, without the lead-ins and glue around it ("Sure Ava Nguyen Zip" -> "Ava Nguyen")
    or a middle initial ("Ethan J. Garcia" -> "Ethan Garcia")."""
    words = [word for word in raw.replace(",", " ").split() if not re.fullmatch(r"[A-Za-z]\.?", word)]
    while words and words[0].lower() in _NOT_NAMES:
        words.pop(0)
    while words and words[-1].lower() in _NOT_NAMES:
        words.pop()
    if not words or any(word.lower() in _NOT_NAMES or word.lower() in _PRODUCT_STOP for word in words):
        return ""
    name = " ".join(words)
    # "ethan garcia" / "ETHAN GARCIA": the shop's records are capitalised; particles stay as written.
    if name.islower() or name.isupper():
        name = " ".join(w if re.fullmatch(_PARTICLE, w, re.IGNORECASE) else w.capitalize() for w in name.split())
    return name


def extract_names(text: str) -> list[str]:
    """People's names: after a cue ("my name is", "I'm", "ich heiße"), next to a postcode anywhere in the message
    ("Sure, Ava Nguyen, zip 94128", "zip 94128, Ava Nguyen"), before "here", or a message that is only a name and a
    postcode in any case ("ethan garcia 80280."). Names found nearer a cue or a postcode come first."""
    found: list[tuple[int, str]] = []
    # Every postcode shape has a digit: a message without one is not run through the long postcode patterns.
    has_digit = _DIGIT.search(text) is not None
    for rank, pattern in enumerate(
        (_NAME_EXPLICIT, _NAME_ZIP_MESSAGE, _NAME_INTRO, _NAME_BEFORE_ZIP, _NAME_AFTER_ZIP, _NAME_HERE)
    ):
        if not has_digit and pattern in _BESIDE_A_POSTCODE:
            continue
        for match in pattern.finditer(text):
            raw = match.group(1)
            if pattern is _NAME_EXPLICIT:
                # Any case after "my name is", but only the words of the name: stop at glue ("and my zip...").
                kept: list[str] = []
                for word in raw.split():
                    if word.lower() in _NOT_NAMES or word.lower() in _PRODUCT_STOP:
                        break
                    kept.append(word)
                raw = " ".join(kept)
            if pattern is _NAME_ZIP_MESSAGE and not could_be_a_name(raw, text):
                continue  # "bluetooth speaker, 94152" said in any case is no person
            name = _trimmed_name(raw)
            # A single word is a name only where the sentence says so: next to a postcode it is a town.
            if name and (pattern is _NAME_EXPLICIT or " " in name):
                found.append((rank, name))
    if has_digit:
        found += [(6, name) for name in _names_beside_a_zip(text)]
    first, last = _FIRST_FIELD.search(text), _LAST_FIELD.search(text)
    if first and last:
        found.insert(0, (-1, _trimmed_name(f"{first.group(1)} {last.group(1)}") or ""))
    return _dedupe(name for _, name in sorted(found, key=lambda pair: pair[0]) if name)


def _names_beside_a_zip(text: str) -> list[str]:
    """Two words in any case beside a 5-digit postcode ("olivia ahmed 94152") that could be a name."""
    found = [match.group(1) for pattern in (_PAIR_BEFORE_ZIP, _PAIR_AFTER_ZIP) for match in pattern.finditer(text)]
    return [_trimmed_name(words) for words in found if could_be_a_name(words, text)]


def could_be_a_name(words: str, text: str) -> bool:
    """Whether words read as a name only by where they stand (in lower case, beside a postcode) may be one: none of
    them an everyday word, a word of a request or a word of a thing the message names ("the hiking boots 94152")."""
    things = {word for product in extract_products(text) for word in product.split()}
    common = _NOT_NAMES | _PRODUCT_STOP | _NOT_PRODUCTS | _COMMON_NOT_NAMES | _VERBS_OF_A_REQUEST
    return not any(
        word in common or word in things or _CONTRACTION.search(word) or not _NAME_LETTERS.fullmatch(word)
        for word in words.lower().replace(",", " ").split()
    )


# "i'd", "we're", "that's", "don't": a pronoun or verb with its ending, never a name ("O'Brien" is one).
_CONTRACTION = re.compile(r"['’](?:d|m|s|t|ve|ll|re)$|n['’]t$")
_NAME_LETTERS = re.compile(r"[a-zà-ÿ]+(?:['’-][a-zà-ÿ]+)*")


_NAME_ALONE = re.compile(
    rf"^\s*{_LEAD_IN}(?:{_NAME_CUE}\s+|(?:i'?m|it'?s|this\s+is|ich\s+bin)\s+)?{_ANY_NAME}\s*[.!]*\s*$", re.IGNORECASE
)


def name_alone(text: str) -> str | None:
    """A message that is only a first and last name, in any case ("ethan garcia", "Sure, Ava Nguyen."): read so
    only when a name is what we asked for."""
    match = _NAME_ALONE.match(text)
    if not match:
        return None
    words = match.group(1).lower().split()
    common = _NOT_NAMES | _PRODUCT_STOP | _NOT_PRODUCTS | _COMMON_NOT_NAMES
    # A colour may be a surname ("anya brown"), not a first name nor the whole answer ("navy blue", "white pls").
    colours = [word for word in words if word in _COLOURS]
    if len(words) < 2 or any(word in common for word in words) or words[0] in colours or len(colours) > 1:
        return None
    return _trimmed_name(match.group(1)) or None


# What surrounds a name in an answer to "your name and zip code?": cue words, glue, punctuation.
_REPLY_GLUE = re.compile(
    rf"\b(?:{_NAME_CUE}|{_POSTCODE_WORD}|my|is|ist|it'?s|it’s|i'?m|i’m|this\s+is|here|hier|and|und|name'?s?|the|of"
    r"|sure|yes|yeah|yep|ok|okay|hi|hello|hey|hallo|ja|klar|thanks|please|email|e-mail|mail|address)\b"
    r"|[,.;:!?()\[\]\-–—/]",
    re.IGNORECASE,
)


def name_in_reply(text: str) -> str | None:
    """The name in an answer to a question for it, whatever its case, once the emails, postcodes and the words around
    a name are set aside ("hey, ethan garcia here, zip 80280" -> "Ethan Garcia"): read so only when a name is what we
    asked for, and only when two or three words that could be a name are all that is left."""
    rest = _EMAIL.sub(" ", text)
    for code in extract_zip_codes(rest):
        rest = re.sub(re.escape(code), " ", rest, flags=re.IGNORECASE)
    rest = _SAID_BEFORE.sub(" ", rest)
    whole = _REPLY_GLUE.sub(" ", rest)
    if re.fullmatch(r"[\sA-Za-zÀ-ÿ'’]+", whole) and (name := name_alone(whole)):
        return name
    # "yusuf jackson. how many times do I have to say it?": the one clause of the answer that is only a name.
    clauses = [_REPLY_GLUE.sub(" ", clause) for clause in re.split(r"[.!?;:,]+|\s[–—-]\s", rest)]
    found = {name for clause in clauses if re.fullmatch(r"[\sA-Za-zÀ-ÿ'’]+", clause) and (name := name_alone(clause))}
    return found.pop() if len(found) == 1 else None


# A complaint of having said it before, around a detail said again: "already said it", "like I told you".
_SAID_BEFORE = re.compile(
    r"\b(?:i\s+|i've\s+|i’ve\s+)?(?:(?:have)\s+)?(?:already\s+(?:said|told|gave|wrote|typed|sent)|(?:as|like)\s+i\s+(?:said|told"
    r"|wrote)|(?:said|told|gave|wrote)\s+(?:you\s+)?(?:it|that|this|them)?\s*(?:already|before|twice))"
    r"(?:\s+(?:it|that|this|them|you))*\b",
    re.IGNORECASE,
)


_CAPITALISED_RUN = re.compile(rf"(?<![\w'’-]){_NAME}(?![\w'’-])")


def capitalised_names(text: str) -> list[str]:
    """Runs of two or three capitalised words in the message ("Ethan Garcia from Denver" -> "Ethan Garcia"): the
    names a message that carries a postcode most likely gives, when no cue says which words are the name."""
    found = [_trimmed_name(m.group(1)) for m in _CAPITALISED_RUN.finditer(text)]
    return _dedupe(name for name in found if len(name.split()) >= 2)


# Everyday words that make a short message something other than a name ("what now", "no idea", "the blue one").
_COMMON_NOT_NAMES = _words(
    "what why how when where who which whose now idea forgot know help one two both all none nothing something "
    "anything everything nope nah wait hmm hm cool nice fine good bad great awesome done okay alright correct right "
    "wrong sorry never mind"
)
# Words that say what the customer wants done, which may stand right before a postcode or an order number.
_VERBS_OF_A_REQUEST = _words(
    "cancel cancelled return returned returning exchange exchanged swap track ship shipped send sent sending deliver "
    "delivered want need get got buy bought ordered order pay paid refund change changed moved move live living"
)


def extract_amounts(text: str) -> list[str]:
    found = [(m.start(), m.group(2), _CURRENCY[m.group(1)]) for m in _AMOUNT_SYMBOL.finditer(text)]
    found += [(m.start(), m.group(1), _CURRENCY[m.group(2).lower()]) for m in _AMOUNT_WORD.finditer(text)]
    return _dedupe(f"{value.replace(',', '.')} {currency}" for _, value, currency in sorted(found))


def extract_dates(text: str) -> list[str]:
    return _dedupe(m.group(1).lower() for m in _DATE.finditer(text))


def extract_options(text: str) -> dict[str, str]:
    options: dict[str, str] = {}
    size = _SIZE.search(text)
    if size:
        value = next(group for group in size.groups() if group)
        options["size"] = _SIZE_WORDS.get(value.lower(), value.upper())
    colour = _COLOUR.search(text)
    if colour:
        options["color"] = colour.group(1).lower()
    capacity = _CAPACITY.search(text)
    if capacity:
        options["capacity"] = capacity.group(1).replace(" ", "").upper()
    return options


_THINGS_IN_ING = _words(
    """earring string sling wedding stocking bedding clothing railing ceiling building painting drawing lighting
    flooring fitting awning bunting icing frosting stuffing"""
)


# Words that count or measure what follows "of" ("a bunch of changes", "a couple of mugs", "a handful of edits"): the
# thing is what is counted, never the amount ("I couldn't find the bunch in your orders").
_QUANTITY_NOUNS = _words(
    """bunch bunches couple handful handfuls lot lots number numbers load loads ton tons heap heaps few dozen dozens
    series bit bits host multitude variety mix list range plenty""",
)
_OF_DETERMINER = re.compile(r"^(?:the|my|these|those|your)\s+", re.IGNORECASE)
_PHRASE = re.compile(r"[a-zà-ÿ0-9][\w'’-]*(?:\s+[a-zà-ÿ0-9][\w'’-]*){0,3}", re.IGNORECASE)


def _counted_words(phrase: str, text: str, start: int) -> str:
    """The words of a noun phrase, with an amount before "of" read as the thing counted: "bunch of changes" is
    "changes", "couple of the mugs" is "mugs" (read on past the determiner's four words, from the text itself)."""
    head, _, rest = phrase.partition(" ")
    if head.lower() not in _QUANTITY_NOUNS or not rest.lower().startswith("of "):
        return phrase
    after = _OF_DETERMINER.sub("", text[start + len(head) :].lstrip()[3:].lstrip())
    counted = _PHRASE.match(after)
    return counted.group(0) if counted else ""


# Words said of a state or an event rather than of a thing: past participles and the like ("confused", "worried").
_STATE_WORD = re.compile(r"^[a-zà-ÿ]+ed$|^(?:late|early|off|unsure|upset|annoyed|sad|tired)$", re.IGNORECASE)


def extract_products(text: str) -> list[str]:
    products: list[str] = []
    for match in _DETERMINER.finditer(text):
        words: list[str] = []
        stopped_at = ""
        for word in _counted_words(match.group(1), text, match.start(1)).split():
            if word.lower() in _PRODUCT_STOP or word.lower().endswith("ly"):
                stopped_at = word.lower()
                break
            words.append(word)
        # "A little while ago", "a good while back": right after a determiner and its modifiers, "while" is the noun
        # of a span of time (a conjunction begins a clause, never follows "a little"), so the phrase names no thing.
        if stopped_at == "while" and words:
            continue
        # "A little confused", "a little late": "a little" before a word said of a state is a degree, not a size.
        degree = match.group(0).lower().startswith("a ") and words and words[0].lower() == "little"
        if degree and (len(words) == 1 or _STATE_WORD.search(words[1])):
            continue
        # A lone word in -ing names an activity ("the pairing", "the sizing"), not merchandise ("the earring" is).
        lone = words[0].lower() if len(words) == 1 else ""
        activity = lone.endswith("ing") and len(lone) > 5 and lone not in _THINGS_IN_ING
        # "Your day's going well": a word with "'s" is read as the word itself ("day's" is "day is", or the day's),
        # so the words that name no product are known in either form.
        named = (
            bool(words)
            and not any(re.sub(r"['’]s$", "", word.lower()) in _NOT_PRODUCTS for word in words)
            and not words[0].isdigit()
        )
        if named and not activity:
            products.append(" ".join(words).lower())
    return _dedupe(products)


# A reason said as what it is not: "I didn't order it by mistake", "it wasn't damaged, it just doesn't work", "nicht
# versehentlich". The negation stands in the reason's own clause, before it (a bare "no" answers the bot, it negates
# nothing: "no, ordered by mistake").
_CLAUSE_START = re.compile(r"[,;.!?]|\b(?:but|and|aber|und)\b", re.IGNORECASE)
_NEGATED = re.compile(
    r"\b(?:not|never|didn'?t|did\s+not|wasn'?t|was\s+not|isn'?t|is\s+not|weren'?t|nicht|nie|kein\w*)\b", re.IGNORECASE
)


def _said_as_not(text: str, start: int) -> bool:
    clause = _CLAUSE_START.split(text[:start])[-1]
    return bool(_NEGATED.search(clause))


def extract_reasons(text: str) -> list[str]:
    """The reasons the message gives, each said as what is so (not as what it is not)."""
    return [
        code
        for code, pattern in _REASONS
        if any(not _said_as_not(text, found.start()) for found in pattern.finditer(text))
    ]


def without_names(text: str, names: list[str], own: list[str] | None = None) -> str:
    """The text without the people's names it gives, the verified customer's `own` name where it stands as a name,
    and a surname after a title ("Mrs Brown"): a name says who someone is, so none of its words is a colour, a
    material or an item ("Anya Brown", "Noah Silver")."""
    for name in names:
        # Read as a name in this very text: however it is written here.
        text = _name_pattern(name, re.IGNORECASE).sub(" ", text)
    for name in own or []:
        # The customer's name from their profile may also be words of a wish ("in rose gold" from Rose Gold): only
        # as written there, and not where an option or item stands ("the Rose Gold one", "in Rose Gold").
        pattern = _name_pattern(name, 0)
        text = pattern.sub(lambda m: m.group(0) if _LEADS_TO_A_THING.search(m.string[: m.start()]) else " ", text)
    return _TITLED_NAME.sub(" ", text)


# Compiled once per name: every turn of a verified customer reads their name out of several texts, more names than
# the `re` module's own cache keeps once other patterns are built from order ids and product names.
@lru_cache(maxsize=1024)
def _name_pattern(name: str, flags: int) -> re.Pattern[str]:
    return re.compile(r"\b" + r"\W+".join(map(re.escape, name.split())) + r"\b", flags)


# A surname after a title of address: capitalised ("Mr. Brown", "Frau Weiß"), or in any case where a name ends
# ("mrs. green here", "mr white, 10001"). Titles that are also parts of product names ("Cherry MX Brown", "Dr.
# Martens") or words ("miss") are no evidence of a person.
_TITLED_NAME = re.compile(
    r"\b(?i:mr|mrs|ms|herr|frau)\b\.?\s+(?:[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÿ'’-]*"
    r"|[A-Za-zÀ-ÿ'’-]+(?=\s*(?:[,;:!?]|\.(?:\s|$)|$)|\s+(?:here|speaking|from|at|again)\b))"
)
# Words after which a name-like phrase is a thing wished for, not a person: "in Rose Gold", "the Rose Gold one".
_LEADS_TO_A_THING = re.compile(r"\b(?:in|into|to|the|a|an|for|with|of|same)\s+$", re.IGNORECASE)


# Words that only introduce who the customer is; and how many words must be left to say a need.
_INTRODUCES_DETAILS = re.compile(
    r"\b(?:hi|hello|hey|i'?m|i am|it'?s|this is|my email(?: address)? is|email(?: address)?(?: is)?|zip(?: code)?"
    r"(?: is)?)\b[\s,:;.!-]*",
    re.IGNORECASE,
)
NEED_WORDS = 3


def beyond_identity(text: str, emails: list[str], zip_codes: list[str]) -> str:
    """The message without its sentences that carry an email or a zip code ("Hi, my email is ana@example.com."): what
    the customer wants, when another sentence says it; the message itself when no other sentence is left."""
    said = [value.lower() for value in [*emails, *zip_codes] if value]
    if not said:
        return text
    parts = sentences(text)
    rest = [sentence for sentence in parts if not any(value in sentence.lower() for value in said)]
    if rest and len(rest) < len(parts):
        return " ".join(rest)
    # One sentence says both ("jonas@example.org order #W43 was supposed to be here already"): the words around
    # the details, without the ones that only introduce them ("it's", "my email is", "... here").
    words = text
    for value in said:
        words = re.sub(re.escape(value) + r"(?:\s+here\b)?", " ", words, flags=re.IGNORECASE)
    words = _INTRODUCES_DETAILS.sub(" ", words)
    words = re.sub(r"^(?:[\s,.:;!-]|\b(?:and|so|but)\b)+|[\s,:;-]+$", "", re.sub(r"\s+", " ", words))
    return words if len(words.split()) >= NEED_WORDS else text


def order_mention(text: str, order_id: str) -> re.Match[str] | None:
    """Where the message names this order, however written ("#W1234567", "W1234567", "order 1234567")."""
    return _order_pattern(order_id.lstrip("#W")).search(text)


@lru_cache(maxsize=1024)
def _order_pattern(digits: str) -> re.Pattern[str]:
    """An order's mention, compiled once per order (each turn looks for the orders in hand)."""
    return re.compile(rf"#?\s?W?{re.escape(digits)}\b", re.IGNORECASE)


def _words_after(text: str, order_id: str) -> str | None:
    """From the order's mention to the next order's (or the end); None when the message does not name it."""
    found = order_mention(text, order_id)
    if found is None:
        return None
    rest = text[found.end() :]
    following = _ORDER_TAGGED.search(rest) or _ORDER_BARE.search(rest)
    return rest[: following.start()] if following else rest


# A reason said of several orders at once: "ordered by mistake, that goes for both", "no longer needed, for each of
# them", "für beide", "neither is needed" (the reason reader reads the reason; these words say whose it is).
_FOR_SEVERAL = re.compile(
    r"\b(?:both|each|every\s+one|all\s+(?:of\s+)?(?:them|these|those|three|two)|either|neither|none\s+of"
    r"|the\s+(?:other|second)\s+one\s+too|beide\w*|alle\s+(?:beide|drei|zwei)|jede\w*|keine\w*\s+von\s+beiden)\b",
    re.IGNORECASE,
)


def reasons_for_several_orders(text: str) -> list[str]:
    """The reasons the message says for several orders at once; [] when it says none, or none for more than one."""
    return extract_reasons(text) if _FOR_SEVERAL.search(text) else []


def own_reasons(text: str, order_id: str) -> list[str]:
    """The reasons said of one order in a message naming several: from its mention to the next order's (or the end);
    none when that part says no reason of its own."""
    return extract_reasons(_words_after(text, order_id) or "")


# Where the words about one order end and a clause about another begins, its id unsaid: "#W2 because I no longer need
# it, and the first one I ordered by mistake", "..., the other one was a mistake", "und die andere ...".
_ANOTHER_ORDER = (
    r"(?:the|my|that|this|die|der|meine)\s+(?:other|first|second|last|former|latter|older|newer|earlier|andere\w*"
    r"|erste\w*|zweite\w*)\b"
)
_ANOTHER_ORDER_CLAUSE = re.compile(
    r"(?:[.;!?]|,|\band\b|\bbut\b|\bund\b|\baber\b)\s*(?:(?:and|but|und|aber|as\s+for|for)\s+)?"
    rf"(?={_ANOTHER_ORDER})",
    re.IGNORECASE,
)
# An order spoken of by its place or as "the other one", anywhere in the message.
_ANOTHER_ORDER_SAID = re.compile(rf"\b{_ANOTHER_ORDER}", re.IGNORECASE)
# The end of a clause of its own before an order is named: "the first one I ordered by mistake, and #W2 ...".
_CLAUSE_ENDS = re.compile(r"(?:[.;!?]|,\s*(?:and|but|und|aber)?|\b(?:and|but|und|aber))\s*$", re.IGNORECASE)


def _order_mentions(text: str) -> list[tuple[int, int]]:
    return sorted((m.start(), m.end()) for m in [*_ORDER_TAGGED.finditer(text), *_ORDER_BARE.finditer(text)])


# The words after the last order named speak of all of them: a clause of their own, or a plural ("them", "those").
# An order named for something it has, not for anything to be done to it: "the same card as #W2", "the card I used for
# #W2", "the payment method from #W2", "the address on order #W2", "wie bei #W2", "die Karte von #W2". The order's id
# ends the phrase; a verb of an act between the thing and the id ("the card, and cancel #W2") ends the reference.
_ORDER_ID = r"(?:(?:order|bestellung)\s+)?#?\s?W?\d{4,8}\b"
_WHAT_AN_ORDER_HAS = (
    r"card|payment(?:\s+method)?|method|account|paypal|visa|mastercard|amex|gift\s*card|address|shipping"
    r"|karte|kreditkarte|zahlung(?:sart|smittel)?|konto|adresse|lieferadresse"
)
_AS_A_REFERENCE = re.compile(
    rf"\b(?:{_WHAT_AN_ORDER_HAS})\b"
    r"(?:\s+(?!(?:and|but|also|then|cancel|return|exchange|change|modify|und|aber|storn\w*)\b)[\w']+){0,5}?"
    r"\s+(?:as|like|of|from|for|on|in|with|wie|von|bei|für|aus)\s+(?:(?:on|for|in|with|the|my|that|bei|der|meiner)\s+){0,2}"
    rf"({_ORDER_ID})"
    r"|\b(?:same|gleiche\w*|selbe\w*)\b(?:\s+[\w']+){0,3}?\s+(?:as|like|wie)\s+(?:(?:on|for|in|with|the|my|bei|in)\s+){0,2}"
    rf"({_ORDER_ID})"
    rf"|\bwie\s+bei\s+({_ORDER_ID})",
    re.IGNORECASE,
)


# An act said on the thing right before it: "change the card on #W2" asks to change #W2's card.
_ACTS_ON_IT = re.compile(
    r"\b(?:change|switch|update|modify|replace|swap|cancel|return|exchange|ändern|wechseln|tauschen|storn\w*)\b"
    r"(?:\s+(?:the|my|its|die|den|das|meine[nm]?))?\s*$",
    re.IGNORECASE,
)


# A change asked of the thing right after the order is named: "the address for #W2 should be 55 Oak Ave", "the card on
# #W2 should be switched to my visa", "die Adresse von #W2 ist falsch": the order's own card or address is to change,
# a request for that order, not a source for another's.
_ASKED_OF_IT = re.compile(
    r"^\s*(?:should|must|needs?|has\s+to|have\s+to|is\s+to|is\s+(?:wrong|incorrect|outdated|old)|isn'?t|to\s+be"
    r"|soll(?:te)?|muss|müsste|ist\s+(?:falsch|veraltet|nicht)|stimmt\s+nicht)\b",
    re.IGNORECASE,
)


def orders_named_for_reference(text: str) -> list[str]:
    """The order ids the message names only as the source of something ("refund to the same card as #W2"), in the
    form the entity reader gives them; an order named so is no request for that order."""
    found = [
        next(g for g in m.groups() if g)
        for m in _AS_A_REFERENCE.finditer(text)
        if not _ACTS_ON_IT.search(text[max(0, m.start() - 30) : m.start()])
        and not _ASKED_OF_IT.search(text[m.end() : m.end() + 30])
    ]
    return ["#W" + re.sub(r"\D", "", f) for f in found]


# The reason given for the order before said to hold for the next one too: "same reason", "for the same reasons",
# "that reason applies too", "aus dem gleichen Grund". Sameness of the act alone ("do the same for #W2") says nothing of
# why: each order's reason is its own, asked when not given.
_SAME_REASON = re.compile(
    r"\b(?:same\s+reasons?|(?:that|this|the)\s+reasons?\s+(?:too|as\s+well|also|applies|holds|goes)"
    r"|(?:gleiche[nmr]?|selbe[nmr]?|demselben|denselben)\s+Gr(?:u|ü)nde?n?|Grund\s+(?:auch|ebenso|genauso))\b",
    re.IGNORECASE,
)


def says_the_reason_holds(text: str) -> bool:
    """The words carry the reason given before over to the order they are about ("#W2 too, same reason")."""
    return bool(_SAME_REASON.search(text))


_OF_ALL_NAMED = re.compile(
    r"^\s*(?:[,;:.!?-]|\b(?:and|but|und)\b)|\b(?:them|they|those|these|sie|alle)\b", re.IGNORECASE
)


def _said_after_all(text: str, mentions: list[tuple[int, int]]) -> list[str]:
    """The reasons said once after every order named, for all of them, when no order has words of its own between
    the ids ("cancel #W1 and #W2, I no longer need them"); [] otherwise."""
    between = [text[end:start] for (_, end), (start, _) in itertools.pairwise(mentions)]
    trailing = text[mentions[-1][1] :]
    if any(extract_reasons(words) for words in [text[: mentions[0][0]], *between]):
        return []
    return extract_reasons(trailing) if _OF_ALL_NAMED.search(trailing) else []


def reasons_for_order(text: str, order_id: str) -> list[str]:
    """The reasons the message gives for this order, never another order's: all of them when it names no order, or
    says them of several at once ("both", "all of them"); else only the words said with this order -- from its
    mention to the next order's or to a clause about another one ("the first one ..."), and the words before it when
    they lead up to it ("because I no longer need it, please cancel #W1"). For an order it does not name, beside
    others it does: only an opening clause of its own ("the first one I ordered by mistake, and #W2 ...")."""
    mentions = _order_mentions(text)
    if not mentions or _FOR_SEVERAL.search(text):
        return extract_reasons(text)
    found = order_mention(text, order_id)
    opening = text[: mentions[0][0]]
    named = {re.sub(r"\D", "", text[start:end]) for start, end in mentions}
    if found is not None and len(named) == 1 and not _ANOTHER_ORDER_SAID.search(text):
        # The only order named, and no other spoken of ("ordered it by mistake. #W1", "I no longer need it, #W1"):
        # every reason the message gives is its own, wherever it is said.
        return extract_reasons(text)
    if found is None:
        # Not named: its own words are an opening clause that ends before the first order named, and a clause about
        # another order than those named ("..., and the first one I ordered by mistake").
        said = [opening] if _CLAUSE_ENDS.search(opening) else []
        for _start, end in mentions:
            if other := _ANOTHER_ORDER_CLAUSE.search(text, end):
                following = next((s for s, _ in mentions if s > other.end()), len(text))
                said.append(text[other.end() : following])
        return extract_reasons(" ".join(dict.fromkeys(said)))
    if len(mentions) > 1 and (shared := _said_after_all(text, mentions)):
        # "Cancel #W1 and #W2, I no longer need them": one reason, said once after the orders listed together.
        return shared
    own = _words_after(text, order_id) or ""
    if other := _ANOTHER_ORDER_CLAUSE.search(own):
        own = own[: other.start()]
    first = found.start() <= mentions[0][0] + 1
    if first and not _CLAUSE_ENDS.search(opening):
        own = f"{opening} {own}"
    if reasons := extract_reasons(own):
        return reasons
    # "Cancel #W1 and #W2, we don't need them any more, and also change #W3": a reason said once, in the plural, after
    # the orders listed with this one is its reason too.
    later = [
        text[end : (mentions[i + 1][0] if i + 1 < len(mentions) else len(text))] for i, (_, end) in enumerate(mentions)
    ]
    for words in (w for (start, _), w in zip(mentions, later, strict=True) if start > found.start()):
        if reasons := extract_reasons(words):
            return reasons if _PLURAL.search(words) else []
    return []


_PLURAL = re.compile(r"\b(?:them|they|those|these|both|all|sie|alle|beide)\b", re.IGNORECASE)


# Words that say every item of an order without naming one: "everything from #W1", "all of it", "the whole order".
_EVERY_ITEM_SAID = re.compile(
    r"\b(?:everything|all\s+(?:of\s+)?(?:it|them|the\s+items|(?:my\s+|its\s+)?items|the\s+things)"
    r"|(?:whole|entire)\s+order|alles)\b",
    re.IGNORECASE,
)


def _names_items(words: str) -> bool:
    return bool(extract_products(words) or _EVERY_ITEM_SAID.search(words))


def own_items_words(text: str, order_id: str) -> str | None:
    """The words naming the items of one order in a message naming several orders: items said after each order's id
    ("#W1: the notebook and laptop, and from #W2 the puzzle") are that order's, up to the next id; items said before
    each id ("the lamp from #W1 and the kettle from #W2", "everything from #W1 and the kettle from #W2") are that
    order's, after the previous id. Which of the two is read from where the items are: every order's words on one
    side hold items (or "everything"), and the words on the other end hold none. None when the message names fewer
    than two orders, or not this one, or when the layout is not that clear ("#W1 and #W2: the lamp from the first,
    the kettle from the second" -- an order's items said by its place, not beside its id): then the whole message
    is read, as before, rather than one order's items given to another."""
    mentions = sorted((m.start(), m.end()) for m in [*_ORDER_TAGGED.finditer(text), *_ORDER_BARE.finditer(text)])
    found = order_mention(text, order_id)
    if len(mentions) < 2 or found is None:
        return None
    starts = [start for start, _ in mentions]
    ends = [end for _, end in mentions]
    before = [text[(ends[i - 1] if i else 0) : starts[i]] for i in range(len(mentions))]
    after = [text[ends[i] : (starts[i + 1] if i + 1 < len(mentions) else len(text))] for i in range(len(mentions))]
    items_before = all(_names_items(words) for words in before) and not _names_items(after[-1])
    items_after = all(_names_items(words) for words in after) and not _names_items(before[0])
    if items_before == items_after:
        return None
    # (The mention found may take in the space before the id.)
    own = next((i for i, (start, end) in enumerate(mentions) if start < found.end() and found.start() < end), None)
    if own is None:
        return None
    return before[own] if items_before else after[own]


def extract_entities(text: str) -> Entities:
    """Every slot value in the text (the caller's own copy)."""
    return shared_entities(text).model_copy(deep=True)


@lru_cache(maxsize=512)
def shared_entities(text: str) -> Entities:
    """The same, computed once per text for the several cues and the analysis of one message: read, never change.
    The orders are the ones the message is about: an order named as where an address comes from ("ship it to the
    same address as #W2") is that address, read by `graph.nlu.address_source`, and one named as what another is
    compared with ("#W1 delivered faster, same as #W2") is no order to act on either."""
    names = extract_names(text)
    return Entities(
        order_ids=extract_order_ids(without_orders_not_acted_on(text)),
        emails=_dedupe(m.group(0).lower() for m in _EMAIL.finditer(text)),
        names=names,
        zip_codes=extract_zip_codes(_EMAIL.sub(" ", text), extract_order_ids(text)),
        # "An dieselbe Adresse wie meine andere Bestellung" names where an address comes from, no product.
        products=extract_products(without_address_source(text)),
        # "Isabella Brown" is a person, not a colour.
        options=extract_options(without_names(text, names)),
        amounts=extract_amounts(text),
        dates=extract_dates(text),
        reasons=extract_reasons(text),
    )
