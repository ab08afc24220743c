"""Whether a message asks how the shop works in general, or asks about the customer's own order.

The intent says what a message is about ("refund_status", "exchange_request"); it does not say whose. "How long does a
refund take to show up on my card?" and "where is my refund?" share the intent, but only the second needs the
customer's orders: the first is answered by the refund policy, for anyone, without verification. The difference is in
the sentence's structure, not its topic, so it is read from the structure:

- it is a question about what is possible or how things go: it opens with "how", "what", "which", "can I",
  "do you", "is it possible"... (not "has", "did", "why", "where is": those ask about something that happened);
- it is asked calmly: "how many times do I have to ask??" is not a question about the rules;
- and nothing in it points at the customer's own order: no order id, no "my order" / "my refund", no past event of
  theirs ("I ordered", "I was charged"), no "it" / "these" / "the boots" as the thing to return or exchange, no
  "for me" / "send me", no "it" or "the refund" that stands for something the conversation already has ("when will
  it arrive?").

A message that is not clearly general stays personal: asking which order it is about is a smaller harm than answering
the policy to someone who wanted their own order looked at.
"""

from __future__ import annotations

import re

from graph.nlu.language import detect_language
from graph.nlu.money_back import asks_for_their_money
from graph.nlu.payment_words import METHOD_NAMES, OTHER_WAYS_TO_PAY
from graph.nlu.segment import sentences

# Openers of a greeting or a preface that come before the question itself.
_PREFACE = re.compile(
    r"^(?:\s*(?:hi|hello|hey|hiya|good\s+(?:morning|afternoon|evening)|(?:a\s+)?quick\s+question|question|sorry"
    r"|excuse\s+me|thanks|thank\s+you|ok(?:ay)?|so|also|and|just\s+wondering)\b[\s,:;.!-]*"
    # ... or the number of the first of a list of questions ("1) do you take amex 2) ...").
    r"|\s*\(?\d[.)]\s+)*",
    re.IGNORECASE,
)
# How a question about the rules opens. Not "has/have/did/was" (what happened to it?), "why" (why did it fail?) or
# "where is" (where is it now?): those ask about one thing that already exists.
_GENERAL_OPENER = re.compile(
    r"^(?:how\b|what\b|which\b|who\s+(?:ships|delivers|carries|brings)\b|when\s+(?:exactly\s+)?(?:do|does|can|will|should|is|are)\b|where\s+(?:can|do|should)\b"
    # "Until when can I cancel an order?", "by when do I have to send it back?": the deadline the rules set.
    r"|(?:until|till|by)\s+(?:when|what\s+(?:date|day|time))\b"
    # ... or its length: "within how many days must it be reported?", "in how many days does it arrive?"
    r"|(?:with)?in\s+how\s+(?:many|long|much)\b"
    r"|(?:can|could|may|do|does|is|are|will|would|should|must)\b"
    r"|(?:i\s+was\s+wondering|i\s+wonder|i'?d\s+like\s+to\s+know|i\s+would\s+like\s+to\s+know"
    r"|(?:can|could)\s+you\s+tell\s+me)\s+(?:if|whether|how|what|which|when)\b)",
    re.IGNORECASE,
)
# Rhetorical questions about one's own wait: "how many times do I have to ask", "how much longer".
_EXASPERATED = re.compile(
    r"^how\s+(?:many\s+(?:more\s+)?times|hard|much\s+longer|long\s+(?:do|must|should|will)\s+(?:i|we)\s+(?:have\s+to\s+)?wait)\b"
    r"|[?!]{2,}",
    re.IGNORECASE,
)
# "my card", "my account", "my bank statement": where money or settings show up, not an order. Anything else the
# customer calls "my" (order, refund, boots, payment) is theirs in particular.
_NOT_AN_ORDER = (
    r"(?:(?:credit|debit|bank|gift)\s+)?(?:card|account|statement|bank|visa|mastercard|amex|paypal|email|e-mail|inbox"
    r"|phone|country|wallet)"
)
_OWN = re.compile(rf"\b(?:my|mine|our|ours)\b(?!\s+{_NOT_AN_ORDER}\b)", re.IGNORECASE)
# Something the customer did or that happened to them: "I ordered", "we've bought", "I was charged".
_OWN_EVENT = re.compile(
    r"\b(?:i|we)(?:'ve|\s+have|'d|\s+had)?\s+(?:just\s+|already\s+|recently\s+|only\s+|accidentally\s+)?"
    r"(?:ordered|bought|purchased|received|got|paid|returned|sent|placed|made|used|entered|typed|selected|chose"
    r"|tried|was\s+charged|were\s+charged|been\s+charged|have\s+(?:a|an|the|two|some)\b)",
    re.IGNORECASE,
)
# The thing to act on is one the customer has: "return it", "exchange these", "cancel the order", "stop the parcel".
_ITEM_VERBS = r"(?:return|exchange|swap|trade|replace|cancel|refund|send\s+back|resend|re-send|stop|hold|track)"
_CHANGE_VERBS = r"(?:change|modify|update|edit|fix|correct|redirect|deliver|send|ship|add|remove)"
_POINTED = re.compile(
    rf"\b{_ITEM_VERBS}(?:s|ed|ing)?\s+(?:it|this|these|that|those|them|both|the|one|all|everything)\b"
    rf"|\b{_CHANGE_VERBS}(?:s|d|ed|ing)?\s+(?:it|this|these|that|those|them|the\s+order)\b",
    re.IGNORECASE,
)
# Where a particular thing has got to: "is the bike shipped yet?", "will the lamp arrive this week?" (a rule is asked
# with "a" or a plural: "how long does a bike take to arrive?").
_PROGRESS_OF_THE = re.compile(
    r"\bthe\s+[\w-]+(?:\s+[\w-]+)?\s+(?:been\s+|be\s+)?(?:shipped|delivered|dispatched|arrived?|arriving|coming)\b",
    re.IGNORECASE,
)
# How a particular thing of theirs is getting on: "any update on the coffee machine?", "has my kindle been
# delivered?", "when will the lamp arrive?", "where is my jacket?" (not a restock: "when will the tent be back in
# stock?").
_PROGRESS = re.compile(
    r"\b(?:update|news|status|progress|eta)\s+(?:on|about|for|of|regarding)\s+(?:the|my|our)\s+[\w-]+"
    r"|\b(?:is|has|have|did|are)\s+(?:the|my|our)\s+[\w-]+(?:\s+[\w-]+)?\s+(?:been\s+)?(?:ship|shipped|delivered"
    r"|dispatched|arrived|sent|left)\b"
    r"|\bwhen\s+(?:will|does|do|is|are|should)\s+(?:the|my|our)\s+[\w-]+(?:\s+[\w-]+)?\s+(?:arrive|come|ship|get\s+here"
    r"|be\s+(?:delivered|here|shipped))\b"
    r"|\bwhere\s+(?:is|are|'s)\s+(?:my|our)\s+[\w-]+",
    re.IGNORECASE,
)
_RESTOCK = re.compile(
    r"\b(?:stock|restock\w*|available|availability|back\s+in|e-?mail|password|account|login|code|voucher|coupon"
    r"|invoice|receipt|refund|money)\b",
    re.IGNORECASE,
)


def asks_about_progress(text: str) -> bool:
    """Whether the message asks how a particular thing of the customer's is getting on (shipped, delivered, where):
    a question about their order, whatever product it names (not a restock, nor their email, code or refund)."""
    return bool(_PROGRESS.search(text)) and not _RESTOCK.search(text)


# Asking which of their orders holds something: "which order was the kettle in?", "what order is the lamp on?".
_WHICH_ORDER = re.compile(
    r"\b(?:which|what)\s+(?:of\s+(?:my|the)\s+)?orders?\s+(?:was|were|is|are|has|had|did|does|contains?)\b",
    re.IGNORECASE,
)
# Asking for something to be done for oneself, or looked at: "send me", "for me", "can you check".
_FOR_ME = re.compile(
    r"\b(?:send|give|refund|email|e-mail|mail|pay|charge|ship|reimburse|credit|get)\s+(?:me|us)\b|\bfor\s+(?:me|us)\b"
    r"|\b(?:check\s+(?:on|if|whether)|look\s+(?:into|up|at))\b",
    re.IGNORECASE,
)


# A pronoun or a definite "the refund" stands for something the conversation already has ("when will it arrive?",
# "how long will the refund take?") ...
_REFERENCE = re.compile(
    r"\b(?:it|they|them|this|these|those)\b|\bthe\s+(?:orders?|refund|parcel|package|shipment|item|items|money|charge"
    r"|exchange|delivery(?!\s+(?:address|options?|times?|costs?|charges?|fees?|methods?|dates?))"
    r"|return(?!\s+(?:window|policy|period|label|address|form|costs?|fees?|shipping))|payment(?!\s+methods?))\b",
    re.IGNORECASE,
)
# ... unless it stands for nothing ("is it possible", "how long does it take") or for a thing named just before it,
# in a clause that sets a condition ("cancel an order after it has shipped", "is cancelling free if the order hasn't
# shipped").
_NO_REFERENCE = re.compile(
    r"\b(?:is|was|would|will|does|do)\s+it\s+(?:be\s+)?(?:usually\s+|normally\s+)?(?:possible|ok|okay|alright|allowed"
    r"|free|true|necessary|normal|safe|take|cost|matter)\b|\bit(?:'s|\s+is)\s+(?:possible|ok|okay|allowed|free"
    r"|true|necessary|normal|safe)\b"
    r"|\b(?:after|once|if|when|before|because|since|unless|until|till|while)\s+(?:it|they|the\s+\w+)\b",
    re.IGNORECASE,
)


def _refers_to_something_of_theirs(text: str, reference: re.Pattern[str] = _REFERENCE) -> bool:
    harmless = [match.span() for match in _NO_REFERENCE.finditer(text)]
    return any(not any(start <= match.start() < end for start, end in harmless) for match in reference.finditer(text))


# The order itself, by a pronoun or a possessive: "is it with UPS?", "which carrier has my parcel?". Narrower than
# _REFERENCE: in a delivery question "the delivery" or "the payment" is as often the shop's ("is the delivery free?"),
# and "my delivery options" / "my delivery address" are choices, not a parcel on its way.
_ORDER_REFERENCE = re.compile(
    r"\b(?:it|they|them|this|these|those)\b|\b(?:the|my|our|this|that)\s+(?:orders?|parcels?|packages?|shipments?)\b"
    r"|\b(?:my|our)\s+(?:stuff|delivery(?!\s+(?:address|options?|times?|costs?|charges?|fees?|methods?|dates?)))\b",
    re.IGNORECASE,
)


def points_at_their_order(text: str) -> bool:
    """Whether `text` speaks of an order the conversation already has ("which carrier is it with?", "what shipping
    method is my parcel on?") rather than of the shop in general ("which carriers do you use?")."""
    return _refers_to_something_of_theirs(text, _ORDER_REFERENCE)


_LATER_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Za-z])")
# Where the customer is, said before the question ("I'm in Canada.", "We live in Ohio."): no request of theirs.
_SITUATION = re.compile(r"^\s*(?:i|we)(?:'m|'re|\s+am|\s+are|\s+live|\s+reside)\s+(?:in|from|based\s+in)\b", re.I)
_WANTS = re.compile(r"\b(?:want|need|would\s+like|'d\s+like|trying|wish)\b", re.I)


def _after_situation(question: str) -> str:
    """The question after the sentences that only say where the customer is ("I'm in Canada. Is exchanging
    free?" asks "Is exchanging free?"); what those sentences say of theirs is still read on the whole message."""
    parts = _LATER_SENTENCE.split(question)
    lead = 0
    while lead < len(parts) - 1 and _SITUATION.search(parts[lead]) and not _WANTS.search(parts[lead]):
        lead += 1
    return " ".join(parts[lead:])


def _is_a_place(words: str) -> bool:
    """Whether the words open with a country or a town we know ("Ottawa", "the UK", "new zealand")."""
    from knowledge.answer import customer_countries
    from shopdesk.countries import country_code

    words = re.sub(r"^the\s+", "", words.strip(" ,.?!"), flags=re.IGNORECASE)
    tokens = words.split()
    candidates = [" ".join(tokens[:n]) for n in (3, 2, 1) if len(tokens) >= n]
    return any(country_code(c) or customer_countries(c.title()) for c in candidates)


# "My order to Ottawa", "my return label from Ireland": the customer's thing, named by where it goes or comes from,
# stands for any such thing of a customer there; what it costs or who carries it is the rule for that place.
_PLACED_POSSESSION = re.compile(
    r"\b(?:my|our)\s+((?:[\w-]+\s+){0,2}?[\w-]+\s+(?:to|from|into|in)\s+((?:[\w.'-]+\s*){1,3}))", re.IGNORECASE
)
# How they pay or where they are, said as the situation of the question ("I paid with PayPal, how long ...", "if I
# pay by gift card, ..."): no request of theirs, and under an "if" what they call theirs is as hypothetical.
_PAYMENT_WORDS = rf"(?:(?:a|my|the)\s+)?(?:{METHOD_NAMES}|{OTHER_WAYS_TO_PAY})s?"
_PAID_WITH = re.compile(
    rf"^\s*(?P<cond>(?:if|when|in\s+case|say)\s+)?(?:i|we)(?:'ve|\s+have|'d|\s+had)?\s+(?:paid|pay|used|use"
    rf"|was\s+paying|am\s+paying|'m\s+paying|bought\s+it|bought)\s+(?:with|by|using|via|through)\s+{_PAYMENT_WORDS}"
    r"\s*(?:[,;:.\-]+|\s+(?=how|what|when|which|do|does|is|are|will|would|can))\s*",
    re.IGNORECASE,
)
# ... or said after it ("how long do refunds take if I paid by PayPal?").
_PAID_WITH_AFTER = re.compile(
    rf"\s*,?\s+(?:if|when|since|as|because)\s+(?:i|we)(?:'ve|\s+have|'d|\s+had)?\s+(?:paid|pay|used|use|bought\s+it)"
    rf"\s+(?:with|by|using|via|through)\s+{_PAYMENT_WORDS}\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_HYPOTHETICAL_OWN = re.compile(r"\b(?:my|our)\b", re.IGNORECASE)
_PLACED_AFTER = re.compile(
    r"\s*,?\s+(?:if|when)\s+(?:i|we)\s+(?:order|ship|send|buy|live|am|'m|get\s+it\s+(?:shipped|sent|delivered))"
    r"(?:\s+it|\s+them|\s+something)?\s+(?:to|from|in)\s+(?P<place>[^?.!]{2,40}?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
# A question for a figure or a fact of the rules: what it costs, how long it takes, who carries it, whether it is
# free. Not "when will ... arrive" or "where is": those follow one parcel.
_RULE_ASKED = re.compile(
    r"^(?:how\s+much|how\s+long\s+(?:does|do|would|will|is)|how\s+many\s+(?:business\s+)?days|what\s+(?:does|do|would|will)"
    r"\b.*\bcost|what(?:'s|\s+is|\s+are|\s+would\s+be)\s+the\s+(?:cost|price|fee|charge|shipping|delivery\s+time)"
    r"|which\s+(?:carrier|company|courier|service|shipping)|who\s+(?:ships|delivers|carries|brings|handles)"
    r"|(?:is|are)\s+(?:shipping|delivery|the\s+(?:label|shipping|delivery|return))\b.*\bfree"
    r"|do\s+(?:i|we)\s+(?:have\s+to\s+|need\s+to\s+)?pay)\b",
    re.IGNORECASE,
)


def as_anyone_would_ask(text: str) -> str:
    """The question with what only sets its situation read as anyone's: "my order to Ottawa" is an order to
    Ottawa, "I paid with PayPal, how long ..." asks how long, "if I paid by gift card, how fast is my refund"
    asks how fast a refund is. Anything else of theirs stays theirs."""

    def placed(match: re.Match[str]) -> str:
        return f"a {match.group(1)}" if _is_a_place(match.group(2)) else match.group(0)

    question = _PREFACE.sub("", text.strip(), count=1)
    if _RULE_ASKED.search(question):
        question = _PLACED_POSSESSION.sub(placed, question)
        # "who delivers my stuff if I order to Glasgow?": the place said as the question's condition.
        condition = _PLACED_AFTER.search(question)
        if condition and _is_a_place(condition.group("place")):
            question = _HYPOTHETICAL_OWN.sub("a", question[: condition.start()]) + "?"
    said_after = _PAID_WITH_AFTER.search(question)
    if said_after:
        question = question[: said_after.start()] + "?"
    paid = _PAID_WITH.match(question)
    if paid is None:
        return question
    rest = question[paid.end() :]
    return _HYPOTHETICAL_OWN.sub("a", rest) if paid.group("cond") or said_after else rest


# German puts the question in its word order, not in English openers: a question about how the shop works opens with
# an interrogative ("Wie lange braucht ein Paket...?", "Welcher Paketdienst...?", "Wer liefert...?", "Ab wann...?",
# "Mit welchen Karten...?"), or, asked yes or no, with its verb and then the shop or anyone as subject ("Nehmt ihr
# PayPal?", "Akzeptieren Sie Klarna?", "Liefert ihr nach Österreich?", "Gibt es...?", "Kann ich mit Klarna zahlen?").
# Not "warum" (why did it fail?), nor "es" after a verb other than "gibt" ("ist es schon da?": the thing they have).
_GERMAN_PREFACE = re.compile(
    r"^(?:\s*(?:hallo|hi|hey|moin|servus|guten\s+(?:tag|morgen|abend)|(?:eine\s+|noch\s+eine\s+)?kurze\s+frage"
    r"|(?:noch\s+)?eine\s+frage|frage|und|also|übrigens|danke)\b[\s,:;.!-]*)*",
    re.IGNORECASE,
)
_GERMAN_GENERAL_OPENER = re.compile(
    r"^(?:(?:ab|bis|mit|in|nach|aus|für|von|an|bei|über|innerhalb)\s+)?"
    r"(?:wie|was|welche[mnrs]?|wer|wen|wem|wann|wo|wohin|woher|womit|wieviel\w*)\b"
    r"|^[a-zäöüß]+\s+(?:ihr|sie|man|ich|wir|du)\b|^gibt\s+es\b",
    re.IGNORECASE,
)
# What is theirs in German: their order, parcel or refund ("meine Bestellung", "unser Paket"; not "meine Karte", where
# money shows up), one said with the definite article ("ist das Paket unterwegs?", "wann kommt die Erstattung?"),
# or something that happened to them ("ich habe ... bestellt", "wurde ... verschickt").
_GERMAN_THEIRS = re.compile(
    r"\b(?:mein|meine[mnrs]?|unser|unsere[mnrs]?)\b(?!\s+(?:kredit|bank|debit)?(?:karte|konto|land|e-mail|email|paypal))"
    r"|\b(?:das|die|der|den|dem)\s+(?:paket|päckchen|bestellung|lieferung|sendung|erstattung|rückerstattung|geld"
    r"|rücksendung|retoure)\b"
    r"|\b(?:habe|hab|haben|hatte|hatten|wurde|wurden|worden)\b",
    re.IGNORECASE,
)
# ... or a pronoun for the thing they are waiting for or want to act on, its subject or object: "er"/"ihn" always
# ("wann kommt er an?"); "sie" or "es" after a verb said of one thing ("wann kommt sie an?", "wo bleibt sie?", "ist es
# schon da?", "kann sie noch storniert werden?"; the formal "Sie" takes the plural verb: "akzeptieren Sie..."); or as
# the object after who acts ("kann ich sie noch stornieren?", "kann man es umtauschen?").
_GERMAN_IT_OF_A_VERB = re.compile(
    r"\b(?:er|ihn)\b"
    r"|\b(?:[a-zäöüß]+t|wird|kann|muss|soll|darf|will|mag)\s+(?:sie|es)\b"
    r"|\b(?:ich|wir|man|du|ihr)\s+(?:es|ihn)\b"
    r"|\bdas\s+(?:noch|schon|bereits)\b",
    re.IGNORECASE,
)
# Lower case only: "kann ich Sie erreichen?" asks the shop, "kann ich sie stornieren?" is about their order.
_GERMAN_SIE_AS_OBJECT = re.compile(r"\b(?:[Ii]ch|[Ww]ir|[Mm]an|[Dd]u|[Ii]hr)\s+sie\b")
# "es" standing for nothing ("gibt es...?", "wie lange dauert es, bis...?", "was kostet es, ... zu liefern?"): the
# rules, unless "noch"/"schon" ask how far something of theirs has got ("wie lange dauert es noch?").
_GERMAN_IMPERSONAL_ES = re.compile(
    r"\bgibt\s+es\b"
    r"|\b(?:geht|dauert|kostet|braucht|klappt|reicht|lohnt)\s+es\b(?!\s+(?:\w+\s+)?(?:noch|schon|bereits)\b)",
    re.IGNORECASE,
)
# An act asked for them ("können Sie mir die Jacke erstatten?", "könnt ihr uns das Paket zurückschicken?"): a request
# about their thing, however general its form ("können Sie mir sagen, ob ..." only leads in to a question).
_GERMAN_ACT_FOR_THEM = re.compile(
    r"\b(?:mir|uns)\b(?!\s+(?:sagen|erklären|erklaeren|verraten|zeigen|mitteilen)\b)[^?.!]*?\b(?:zurück)?(?:erstatten"
    r"|stornieren|zurückgeben|zurueckgeben|umtauschen|tauschen|ändern|aendern|schicken|senden|zusenden|gutschreiben"
    r"|zurücknehmen|ersetzen)\b"
    # ... or asked with the act's verb first ("Erstatten Sie mir bitte die Uhr.", "storniert uns die Bestellung")
    r"|^\s*(?:bitte\s+)?(?:zurück)?(?:erstatte|storniere|tausche|ändere|aendere|schicke|sende|schreibe|nehme|ersetze)"
    r"[nt]?\s+(?:(?:sie|ihr|du)\s+)?(?:mir|uns)\b",
    re.IGNORECASE,
)
# What a condition supposes ("..., wenn es nicht passt?", "falls sie verloren geht"): anyone's thing, not theirs.
_GERMAN_CONDITION = re.compile(r"(?:^|,|\s)(?:wenn|falls|sobald|bevor|nachdem|bis|ob)\s+[^,;?!.]*", re.IGNORECASE)


def _german_says_their_thing(question: str) -> bool:
    """The German question speaks of their own order or thing (see `_GERMAN_THEIRS` and the pronouns above)."""
    if _GERMAN_THEIRS.search(question) or _GERMAN_ACT_FOR_THEM.search(question):
        return True
    main = _GERMAN_CONDITION.sub(" ", _GERMAN_IMPERSONAL_ES.sub(" ", question))
    return bool(_GERMAN_IT_OF_A_VERB.search(main) or _GERMAN_SIE_AS_OBJECT.search(main))


def _asks_in_general_german(text: str) -> bool:
    """A German message asks how the shop works: a question in German form about nothing of theirs."""
    question = _GERMAN_PREFACE.sub("", text.strip(), count=1)
    if not _GERMAN_GENERAL_OPENER.search(question) or _EXASPERATED.search(question):
        return False
    return not _german_says_their_thing(question)


def asks_in_general(text: str, order_ids: list[str] | None = None) -> bool:
    """True when `text` asks how the shop works rather than about one of the customer's orders."""
    if order_ids:
        return False
    if detect_language(text) == "de":
        return _asks_in_general_german(text)
    text = as_anyone_would_ask(text)
    question = _PREFACE.sub("", text.strip(), count=1)
    if not _GENERAL_OPENER.search(_after_situation(question)) or _EXASPERATED.search(question):
        return False
    if asks_for_their_money(text):
        # "Can I get refunded on the earbuds?": their money on a thing of theirs, asked for as a question.
        return False
    if any(pattern.search(text) for pattern in (_OWN, _OWN_EVENT, _POINTED, _FOR_ME, _PROGRESS_OF_THE, _WHICH_ORDER)):
        return False
    return not (_refers_to_something_of_theirs(text) or points_at_their_order(text))


# A request for the list of their orders ("list my recent orders", "what orders do I have?"): the plural with a
# verb or question word of looking, and nothing to do to an order.
_ORDER_LIST = re.compile(
    r"\b(?:list|show|see|view|what|which|all)\b(?:\W+\w+){0,4}?\W+orders\b"
    r"|\borders\b(?:\W+\w+){0,3}?\W+(?:do|did|have)\s+i\b"
    # ... or just the plural, as a whole message: "my orders please", "all my orders?"
    r"|^\W*(?:all\s+)?(?:of\s+)?my\s+(?:recent\s+|past\s+|previous\s+|other\s+)?orders\W*(?:please|pls|thanks)?\W*$",
    re.IGNORECASE,
)
_ORDER_ACTION = re.compile(
    r"\b(?:cancel\w*|return\w*|refund\w*|exchang\w*|chang\w*|modif\w*|updat\w*|track\w*|where|arriv\w*|late)\b",
    re.IGNORECASE,
)


def asks_for_their_orders(text: str, order_ids: list[str] | None = None) -> bool:
    """Whether `text` asks for the customer's list of orders rather than about one of them."""
    return not order_ids and bool(_ORDER_LIST.search(text)) and not _ORDER_ACTION.search(text)


# A question by its form: a question mark, or an opening interrogative ("is it...", "can you...", "wie lange..."); or
# one put as a request to be told, its interrogative after a verb of telling or knowing ("tell me how long the refund
# takes", "I need to know whether it ships", "sag mir, wann das Geld kommt", "ich möchte wissen, ob das geht").
_ASKS = re.compile(
    r"\?|^\s*(?:is|are|was|will|would|can|could|do|does|did|how|what|when|where|which|who|why|should|shall"
    r"|ist|sind|kann|können|wird|wie|was|wann|wo|welche[rsmn]?|warum)\b"
    r"|\b(?:tell\s+me|let\s+me\s+know|explain|(?:need|want|like|have)\s+to\s+know|wonder(?:ing)?)\W+(?:\w+\W+)?"
    r"(?:how|what|when|where|which|who|why|whether|if)\b"
    r"|\b(?:sag(?:en\s+sie|t)?\s+mir|erklär\w*(?:\s+\w+)?\s+mir|wissen)\W+(?:\w+\W+)?(?:wie|was|wann|wo|ob|warum|welche\w*)\b",
    re.IGNORECASE,
)


def asks_something(text: str) -> bool:
    """The message asks a question (it may also say yes to something: "yes, but will it arrive by Friday?")."""
    return bool(_ASKS.search(text))


# A question about how things work asks about the customer or the thing ("can I still return it?", "is it too
# late?", "do you take returns after a month?"); a question that asks us to act ("can you help?", "could you cancel
# it?") is a request, and a statement said with a rising tone ("I need to cancel it?") asks nothing of the rules.
_QUESTION_FORM = re.compile(
    r"^\s*(?:(?:hi|hello|hey|so|and|but|also|ok(?:ay)?|um+|hm+)[\s,]+)*(?:is|are|was|were|will|would|can|could|may|"
    r"might|do|does|did|how|what|when|where|which|who|why|should|shall|am|ist|sind|kann|kann\s+ich|können|wird|wie|"
    r"was|wann|wo|welche[rsmn]?|warum|darf)\b",
    re.IGNORECASE,
)
_ASKS_US_TO_ACT = re.compile(
    r"^\s*(?:(?:hi|hello|hey|so|and|but|also|ok(?:ay)?|um+|hm+)[\s,]+)*(?:can|could|would|will)\s+(?:you|u)\s+"
    r"(?:please\s+)?(?:help|do|cancel|return|change|check|look|fix|sort|process|handle|assist|update|switch|send|get)\b"
    r"|^\s*(?:können|könnten)\s+sie\s+(?:mir\s+)?(?:helfen|bitte)\b",
    re.IGNORECASE,
)


def _asks_us_to_act(clause: str, sentence: str) -> bool:
    """The clause asks us to do something ("could you cancel it?"), or asks for their own money back on a thing of
    theirs ("could you refund me for the lamp?", "can I get my money back on the earbuds?"): a request said as a
    question, not a question about how things work. The money is asked for unless the whole sentence sets a
    condition on it ("can I get my money back on the lamp, even if I opened it?")."""
    if _ASKS_US_TO_ACT.search(clause):
        return True
    return asks_for_their_money(clause) and asks_for_their_money(sentence)


def asks_without_a_request(text: str) -> bool:
    """The message asks something, by form or only by its rising tone ("and the refund goes to my card, right?",
    "that's store credit?"), and none of its clauses asks us to act."""
    if not asks_something(text):
        return False
    clauses = [(clause.strip(), s) for s in sentences(text) for clause in re.split(r"[,;:]\s*|\s+-\s+", s)]
    return not any(_asks_us_to_act(clause, sentence) for clause, sentence in clauses if clause)


# A condition said before the question, with no comma to mark where it ends ("if I return it what does the label
# cost?", "wenn ich es zurückschicke bekomme ich das Porto?"): the question opens at its interrogative with a subject.
_CONDITION_FIRST = re.compile(
    r"^\s*(?:if|when|once|in\s+case|wenn|falls|sobald)\b.*?\s(?=(?:what|how|who|which|where|when|wie|was|wann|wo)\b"
    r"|(?:do|does|did|can|could|will|would|is|are|should|muss|kann|bekomme|bekommt|zahle|zahlt|gibt)\s+(?:i|you|it|"
    r"they|we|the|my|that|this|there|ich|man|es|das|sie|wir|der|die)\b)",
    re.IGNORECASE,
)
# A German yes/no question opens with its verb, then the subject ("geht das noch?", "nehmt ihr die zurück?", "geht
# ein Umtausch?").
_GERMAN_VERB_FIRST = re.compile(
    r"^\s*[a-zäöüß]+\s+(?:ich|es|das|wir|du|ihr|sie|ein|eine|einen|mein|meine)\b", re.IGNORECASE
)


def asks_about_the_rules(text: str) -> bool:
    """Some sentence of the message is a question in form that does not ask us to act."""
    # "I washed it once, can I still return it?": the question may open after a comma, or after a condition.
    questions = [sentence for sentence in sentences(text) if sentence.endswith("?")]
    clauses = [(clause.strip(), s) for s in questions for clause in re.split(r"[,;:]\s*|\s+-\s+", s)]
    clauses = [(_CONDITION_FIRST.sub("", clause, count=1), s) for clause, s in clauses if clause]
    return any(
        (_QUESTION_FORM.search(clause) or (clause.endswith("?") and _GERMAN_VERB_FIRST.search(clause)))
        and not _asks_us_to_act(clause, sentence)
        for clause, sentence in clauses
    )


# "Is that possible?", "can you do that?", "would that work?": whether what is on the table can be done, asked of the
# thing itself (not of another one: "is it possible to return shoes?" names what it asks about).
_CAN_IT_BE_DONE = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|so|and|well|hm+|um+)[\s,.]+)*(?:is|would|will|can|could)\s+(?:that|this|it|you)\s+"
    r"(?:be\s+)?(?:possible|ok(?:ay)?|work|done|do\s+(?:that|this|it)|be\s+done|doable|fine)"
    r"(?:\s+(?:for\s+(?:you|me|us)|then|please))*\s*\??\s*$",
    re.IGNORECASE,
)


def asks_if_it_can_be_done(text: str) -> bool:
    """The message, or one of its sentences, asks whether the thing on the table can be done."""
    return any(_CAN_IT_BE_DONE.search(sentence) for sentence in sentences(text))


# "What are my options here?", "which choices do I have?", "what can I pick from?", "remind me of the options",
# "welche Möglichkeiten habe ich?": the customer asks what they may choose, nothing more. While we wait for a choice
# we offered (a remedy, a version, a method, an item), the answer is that question of ours again, with its choices.
_ASKS_FOR_THE_CHOICES = re.compile(
    r"^\W*(?:(?:so|and|ok(?:ay)?|um+|hm+|sorry|wait|well|remind\s+me)[\s,]+)*"
    r"(?:(?:what|which)\s+(?:(?:are|were|is)\s+)?(?:my|the|your|those|these)?\s*(?:options?|choices?|alternatives?)"
    r"(?:\s+(?:do|did)\s+i\s+have|\s+(?:are\s+there|i\s+have|you\s+(?:have|gave|offer(?:ed)?|said|mentioned)))?"
    r"|what\s+(?:can|could|may|should)\s+i\s+(?:do|choose|pick|choose\s+from|pick\s+from)"
    r"|what\s+(?:were|are)\s+(?:they|those|the\s+choices|the\s+options)"
    r"|(?:remind\s+me\s+(?:of\s+)?|tell\s+me\s+|list\s+|repeat\s+)(?:again\s+)?(?:my|the|your)\s+(?:options|choices)"
    r"|welche\s+(?:möglichkeiten|optionen|wahl)\s+(?:habe\s+ich|gibt\s+es|hab\s+ich)|was\s+kann\s+ich\s+(?:tun|machen|wählen))"
    r"(?:\s+(?:here|again|now|then|exactly|hier|nochmal|jetzt))*\W*$",
    re.IGNORECASE,
)


def asks_for_the_choices(text: str) -> bool:
    """The message only asks what the customer may choose ("what are my options here?")."""
    return bool(_ASKS_FOR_THE_CHOICES.match(text.strip()))


# What the customer would do, said as hanging on something the shop does or offers: "if you price match I'll keep
# it", "I'd keep it if you can give me a discount", "falls ihr den Preis anpasst, behalte ich sie". A question in
# the form of a condition: it is answered, and it is no decision (neither a reason nor a drop) until then.
_ON_THE_SHOP = r"(?:you|you\s+guys|the\s+shop|your\s+(?:shop|store)|ihr|sie|es|man)\b"
_CONDITION_ON_THE_SHOP = re.compile(
    rf"\b(?:if|provided|as\s+long\s+as|wenn|falls|sofern)\s+(?:{_ON_THE_SHOP}|there\s+(?:is|are)\b)"
    r"|\b(?:if|wenn|falls)\s+(?:so|ja|that'?s\s+(?:the\s+case|possible|true))\b",
    re.IGNORECASE,
)
# ... and what they would do is to keep, cancel or go ahead ("if you can, I'd like the blue one" is a courtesy).
_WHAT_THEY_WOULD_DO = re.compile(
    r"\b(?:i'?ll|i\s+will|i'?d|i\s+would|i\s+could|i\s+might|then\s+i|dann|würde\s+ich|ich\s+würde)\s+"
    r"(?:\w+\s+){0,3}?(?:keep|cancel|stay|go\s+ahead|buy|return|behalten|stornieren|zurückschicken)\b"
    r"|\b(?:behalte|storniere)\s+ich\b",
    re.IGNORECASE,
)


def hangs_on_the_shop(text: str) -> bool:
    """The message says what the customer would do if the shop did or offered something: a question on the way."""
    return bool(_CONDITION_ON_THE_SHOP.search(text)) and bool(_WHAT_THEY_WOULD_DO.search(text))
