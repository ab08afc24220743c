"""Which request a clause takes back: "forget the payment switch", "never mind the address change".

A customer with several requests under way changes their mind about one of them, often in the message that asks for
something else ("forget the payment switch, then change the lamp on that order"). The clause that takes one back is
no request of its own: it drops that request only (the one in hand, or one waiting in the queue), and the rest of the
message is read as what they want now. The request is named by its thing (the payment, the address, the return),
with or without the word for the change.
"""

from __future__ import annotations

import re
from functools import lru_cache

# What takes a request back, before the thing it names.
_TAKE_BACK = (
    r"(?:forget|never\s*mind|nevermind|scratch|skip|drop|ignore|disregard|cancel|leave|hold\s+off\s+on"
    r"|no\s+need\s+(?:for|to\s+(?:do|change|switch|update|process))|don'?t\s+(?:bother\s+with|worry\s+about|do)"
    r"|(?:i\s+)?(?:don'?t|do\s+not|no\s+longer)\s+(?:want|need)"
    r"|vergiss|lass)"
)
# The request, by the thing it changes: the intent it was read as. (German by its nouns: "die Zahlung", "den
# Umtausch", "die Adressänderung".)
REQUESTS = {
    "change_payment": r"(?:payment(?:\s+method)?|card|paypal|billing)\s*(?:switch|change|swap|update)?"
    r"|zahlung\w*|bezahlung\w*",
    "change_address": r"(?:shipping\s+|delivery\s+)?address\s*(?:change|switch|update|fix)?"
    r"|(?:liefer)?adress\w*",
    "return_request": r"returns?|returning(?:\s+(?:it|them))?|send(?:ing)?\s+(?:it|them)\s+back|rückgabe|rücksendung",
    "exchange_request": r"exchanges?|exchanging(?:\s+(?:it|them))?|swaps?|swapping(?:\s+(?:it|them))?|umtausch\w*",
    "refund_request": r"refunds?(?:\s+to\s+\w+)?|erstattung",
    # The act by its noun or its -ing form: "the cancellation", "never mind cancelling (it)".
    "cancel_order": r"cancel(?:l)?ations?|cancel(?:l)?ing(?:\s+(?:it|that|the\s+order))?|stornierung",
    "change_items": r"(?:item|size|colou?r)\s+(?:change|swap|switch)",
}
_DROPS = {
    intent: re.compile(
        rf"(?:^|[,;.!]\s*|\b(?:oh|ok(?:ay)?|actually|and|so|also|wait)\s+){_TAKE_BACK}\s+(?:about\s+)?"
        rf"(?:the|my|that|this|your)?\s*(?:whole\s+)?(?:{words})\b",
        re.IGNORECASE,
    )
    for intent, words in REQUESTS.items()
}

# The request in hand withdrawn as not needed, by its noun ("no changes needed on that one after all", "no return
# necessary", "keine Änderung mehr nötig") or by the verb of a change said of the order in hand ("no need to change
# that one", "I don't want to change it after all", "doch nicht ändern"). A change said so is any change in hand (the
# general change of an order says each one precisely: other_requests.takes_back).
_START = r"(?:^|[,;.!]\s*|\b(?:oh|ok(?:ay)?|actually|and|so|also|wait|but|well|hmm+|sorry|doch|ach|nein|und|aber)\s+)"
_NOT_NEEDED = {
    intent: re.compile(
        rf"{_START}(?:no|keine?n?)\s+(?:{words})\s+(?:is\s+|are\s+)?(?:(?:really|mehr|doch)\s+)?"
        r"(?:needed|necessary|required|nötig|notwendig|erforderlich)\b",
        re.IGNORECASE,
    )
    for intent, words in {
        **REQUESTS,
        "change_order": r"changes?|modifications?|änderung(?:en)?",
    }.items()
}
_CHANGE_NOT_WANTED = re.compile(
    rf"{_START}(?:no\s+need\s+to|(?:i\s+)?(?:don'?t|do\s+not|no\s+longer)\s+(?:want|need)\s+to|don'?t)\s+"
    r"(?:change|modify|update)\s+(?:it|that|this|anything)(?:\s+one|\s+order)?\b"
    r"|\b(?:doch\s+)?nicht\s+(?:mehr\s+)?ändern\b|\bnicht\s+geändert\s+werden\b",
    re.IGNORECASE,
)


def _withdrawals(text: str) -> set[str]:
    """The requests said to be no longer needed (`_NOT_NEEDED`, `_CHANGE_NOT_WANTED`)."""
    named = {intent for intent, pattern in _NOT_NEEDED.items() if pattern.search(text)}
    return named | ({"change_order"} if _CHANGE_NOT_WANTED.search(text) else set())


# The act denied by its verb: "I don't want to cancel #W2", "I'm not cancelling it", "ich will sie nicht
# stornieren", "nicht zurückschicken". A plain denial of the act the bot is asking about takes it back at once, whatever
# else the message asks for ("..., I just want its address changed").
_ACT_VERBS = {
    "cancel_order": (r"cancel\w*", r"storn\w*"),
    "return_request": (r"return(?:ing|ed)?|send(?:ing)?\s+(?:it|them)\s+back", r"zurück(?:schick|send|geb)\w*"),
    "exchange_request": (r"exchang\w*", r"umtausch\w*|tauschen"),
}
# "Don't cancel anything except #W2", "do not return any of them but the lamp": the act is denied for all but one,
# which is what is asked for ("only #W2").
_BUT_ONE = (
    r"(?!\s+(?:anything|any\s+(?:order|one|item)s?|any\s+of\s+(?:them|these|those|my\s+orders)"
    r"|(?:any\s+)?other\s+(?:order|one|item)s?|a\s+thing)\s*,?\s*(?:but|except|besides|apart\s+from|other\s+than"
    r"|save)\b)"
)
_DENIALS = {
    intent: re.compile(
        r"\b(?:don'?t|do\s+not|didn'?t|did\s+not|not|never|no\s+longer)\s+(?:(?:want|wanna|mean|meant|need|going"
        rf"|trying|asking|asked|looking)\s+(?:to\s+|for\s+|it\s+|them\s+)?)?(?:{en})\b{_BUT_ONE}"
        rf"|\bnicht\s+(?:mehr\s+)?(?:{de})\b|\b(?:{de})\s+(?:\w+\s+){{0,2}}?nicht\b",
        re.IGNORECASE,
    )
    for intent, (en, de) in _ACT_VERBS.items()
}


def denied_acts(text: str) -> list[str]:
    """The acts the message denies by their verb ("I don't want to cancel it"): none of them is what it asks for."""
    return [intent for intent, pattern in _DENIALS.items() if pattern.search(text)]


def without_denied_acts(text: str) -> str:
    """The message with its denials of an act blanked: what is left is what it asks for."""
    for pattern in _DENIALS.values():
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


def dropped_requests(text: str) -> list[str]:
    """The requests (by intent) the message takes back, in no particular order; [] when it takes none back."""
    return list(_dropped(text))


# The gate and the dialogue ask this of the same message several times a turn: it is read once.
@lru_cache(maxsize=1024)
def _dropped(text: str) -> tuple[str, ...]:
    named = {intent for intent, pattern in _DROPS.items() if pattern.search(text)} | _withdrawals(text)
    denied = set(denied_acts(text))
    return tuple(intent for intent in [*REQUESTS, "change_order"] if intent in named | denied)


# What may stay beside a take-back without being a request of its own: the order it is on, thanks, a courtesy,
# or keeping the thing ("I'll keep it"). Anything else left over is what they want now.
_ONLY_A_TAIL = re.compile(
    r"(?:\s|[,;.!?:\-]|#?[a-z]?\d+|\b(?:please|pls|thanks|thank\s+you|thx|anymore|any\s+more|after\s+all|for\s+now"
    r"|too|either|then|sorry|actually|oh|ok(?:ay)?|so|and|just|altogether|entirely|completely|request|idea|hmm+|um+"
    r"|uh+|ah+|well|wait|right|yeah|no|hey|hi|instead|now|on\s+second\s+thought|i\s+guess|guys"
    r"|on|for|of|from|with|about|to|that|this|the|my|it|them|one|order|i\s+changed\s+my\s+mind"
    r"|i(?:'|\s+wi)ll\s+keep\s+(?:it|them)|keep(?:ing)?\s+(?:it|them)|i(?:'|\s+a)m\s+keeping\s+(?:it|them)"
    r"|(?:that'?s|it'?s)\s+(?:all|fine|ok(?:ay)?)|as\s+(?:it|they)\s+(?:is|are)|danke|bitte)\b)*",
    re.IGNORECASE,
)


# Clause boundaries inside one request's segment: a take-back said in its own clause ("never mind cancelling.
# instead ...", "forget the return, I want ...").
_CLAUSES = re.compile(r"(?<=[,;.!?])\s+|\s+[-–—]\s+")


def split_at_take_back(text: str) -> list[str] | None:
    """A message whose clauses take a request back and then ask for something else, as [the take-back, the rest]
    ("forget the return, I want to exchange the lamp"); None when no clause only takes one back or nothing else is
    asked (the rest is a tail: "never mind the return, I'll keep it")."""
    if not _dropped(text):
        return None
    clauses = [clause for clause in _CLAUSES.split(text.strip()) if clause.strip()]
    drops = [clause for clause in clauses if drops_one_request(clause)]
    rest = [clause for clause in clauses if clause not in drops]
    said = " ".join(rest)
    if not drops or not rest or _ONLY_A_TAIL.fullmatch(said.strip()) is not None:
        return None
    return [" ".join(drops), said]


@lru_cache(maxsize=1024)
def drops_one_request(segment: str) -> bool:
    """The segment does nothing but take a request back ("forget the payment switch", "never mind the return, I'll
    keep it"): once the take-back clauses are removed, nothing request-like is left ("skip the address change, cancel
    the order instead" asks for the cancellation: not only a drop)."""
    if not _dropped(segment):
        return False
    rest = segment
    for pattern in [*_DROPS.values(), *_NOT_NEEDED.values(), _CHANGE_NOT_WANTED]:
        rest = pattern.sub(" ", rest)
    return _ONLY_A_TAIL.fullmatch(rest.strip()) is not None


# "Cancel it", "cancel the order", "W2307204. Cancel it.", "storniere sie": where the request in hand is a
# cancellation, or the message names the order, the words ask for the cancellation (or give its yes); they withdraw
# nothing. A withdrawal names the request ("cancel that request", "cancel the cancellation") or gives it up in other
# words ("forget it", "never mind", "don't cancel it", "lass es").
_CANCELS = re.compile(r"\b(?:cancel|storn)\w*", re.IGNORECASE)
_GIVES_IT_UP = re.compile(
    r"\b(?:forget|never\s*mind|nevermind|don'?t\s+bother|scratch|skip|drop|ignore|disregard|leave\s+it|let\s+it\s+be"
    r"|changed\s+my\s+mind|keep|request|cancel(?:l)?ations?|stornierung|anfrage|auftrag|vergiss|lass|behalte\w*"
    r"|doch\s+nicht|(?:don'?t|do\s+not|not|never)\s+(?:\w+\s+)?(?:cancel|storn)\w*|nicht\s+(?:\w+\s+)?storn\w*"
    r"|storn\w*\s+(?:\w+\s+)?nicht)\b",
    re.IGNORECASE,
)
_NAMES_AN_ORDER = re.compile(r"#?\bW\d{5,}\b", re.IGNORECASE)


def asks_to_cancel(text: str, in_hand: str) -> bool:
    """The message asks for a cancellation (the one in hand, `in_hand` being the request's intent, or of the order
    it names) rather than withdrawing the request."""
    return (
        bool(_CANCELS.search(text))
        and (in_hand == "cancel_order" or bool(_NAMES_AN_ORDER.search(text)))
        and not _GIVES_IT_UP.search(text)
    )
