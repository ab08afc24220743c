"""What the customer wants done about an item: a request restated, the remedy named, how to fix it asked."""

from __future__ import annotations

import re

from graph.llm.dialogue.names import CHANGE_ITEMS, FAULTS
from graph.nlu.confirmation import gives_a_yes
from graph.nlu.entities import extract_options, extract_reasons
from graph.nlu.general import asks_something

# The requests on an order's items, each by the words that name it; a name after "not a", "no", "instead of" is the
# one they do not want.
_ITEM_REQUEST_WORDS = {
    "return_request": (
        r"return\w*|send\w*\s+(?:\w+\s+){0,3}back|(?:my\s+)?money\s+back|full\s+refund|zurück\w*|retour\w*"
    ),
    "exchange_request": r"exchang\w*|swap\w*|replac\w*|umtausch\w*|tausch\w*",
}
_WANTS = re.compile(
    r"\b(?:want|wanna|would\s+like|'d\s+like|rather|prefer|need|can\s+i|could\s+i|may\s+i|let\s+me|please|instead"
    r"|möchte|will|lieber|bitte|kann\s+ich)\b(?:\s+\S+){0,4}\s*$",
    re.IGNORECASE,
)
_NOT_THIS_ONE = re.compile(
    r"\b(?:not|no|instead\s+of|rather\s+than|forget(?:\s+about)?|drop|skip|never\s*mind|nicht"
    r"|kein\w*|statt)"
    r"\s+(?:an?\s+|to\s+|the\s+)?$",
    re.IGNORECASE,
)


def restated_item_request(in_progress: str, text: str) -> str | None:
    """While one request on an order's items is in hand (a return), the message names another one plainly (an
    exchange) and not the one in hand: the request they want. A request named to be refused does not count."""
    kinds = {
        "return_request": "return_request",
        "exchange_request": "exchange_request",
        CHANGE_ITEMS: "exchange_request",
    }
    current = kinds.get(in_progress)
    if current is None:
        return None
    mentioned, wanted, refused = set(), set(), set()
    for kind, words in _ITEM_REQUEST_WORDS.items():
        for match in re.finditer(rf"\b(?:{words})\b", text, re.IGNORECASE):
            before = text[max(0, match.start() - 40) : match.start()]
            if _NOT_THIS_ONE.search(before[-20:]):
                refused.add(kind)
                continue
            mentioned.add(kind)
            if _WANTS.search(before):
                wanted.add(kind)
    named = mentioned - {current} if current in refused else wanted
    # Only a request wanted in so many words ("I'd rather swap it", "can I send it back?") or set against the one in
    # hand ("not a return, an exchange") changes it; "yes, I'll send it back on Monday" describes the exchange's own
    # step, and a yes is never a change of kind.
    if len(named) != 1 or current in named or (current not in refused and gives_a_yes(text)):
        return None
    kind = named.pop()
    return CHANGE_ITEMS if kind == "exchange_request" and in_progress != "exchange_request" else kind


# The remedies for a faulty item a customer received, by the words that ask for each: money back, or a new unit.
_REMEDY_WORDS = {
    # German puts what the money is for inside the verb's bracket: "mein Geld für die Ohrhörer zurück".
    "return": rf"{_ITEM_REQUEST_WORDS['return_request']}|refund\w*|reimburs\w*|erstatt\w*"
    r"|geld\b[^.!?;]{0,40}?\bzur[üu]ck\w*",
    "exchange": (
        rf"{_ITEM_REQUEST_WORDS['exchange_request']}|(?:a|another|different)\s+(?:new\s+|working\s+)?(?:one|unit|set|pair)"
        r"|new\s+(?:one|unit|set|pair)|ersatz\w*|neue\w*"
        # Their own item again: "the exact same one again", "an identical one".
        r"|(?:the\s+)?(?:exact(?:ly)?\s+)?same\s+(?:one|model|item|thing|unit)(?:\s+again)?|identical\s+(?:one|unit)"
    ),
}


# "A refund over an exchange": the remedy after "over" is the one passed over ("send over a new one" is none).
_PREFERRED_OVER = re.compile(
    r"\b(?:refund|money\s+back|return|exchange|replacement|new\s+one|swap)\w*\s+over\s+(?:an?\s+|the\s+)?$",
    re.IGNORECASE,
)
_DO_NOT_WANT = re.compile(r"\b(?:don'?t|dont|do\s+not)\s+(?:want|need)\s+(?:an?\s+|to\s+)?$", re.IGNORECASE)


# "I don't want to return or exchange anything", "no refund nor a replacement": a remedy joined by "or" to one turned
# away is turned away with it.
_OR_THE_OTHER = re.compile(r"^\s*(?:,\s*)?(?:or|nor)\s+(?:an?\s+|to\s+|the\s+)?$", re.IGNORECASE)


def _remedies_said(text: str) -> tuple[set[str], set[str]]:
    """The remedies named in the message: (asked for, turned away)."""
    wanted: set[str] = set()
    refused: set[str] = set()
    said = sorted(
        (match.start(), match.end(), remedy)
        for remedy, words in _REMEDY_WORDS.items()
        for match in re.finditer(rf"\b(?:{words})\b", text, re.IGNORECASE)
    )
    last_refused_end = -1
    for start, end, remedy in said:
        before = text[max(0, start - 20) : start]
        refuses = bool(
            _NOT_THIS_ONE.search(before)
            or _DO_NOT_WANT.search(before)
            or _PREFERRED_OVER.search(before)
            or (last_refused_end >= 0 and _OR_THE_OTHER.match(text[last_refused_end:start]))
        )
        (refused if refuses else wanted).add(remedy)
        last_refused_end = end if refuses else -1
    return wanted, refused


def named_remedy(text: str) -> str | None:
    """Which remedy the customer asks for ("just refund me", "can you send me a new one?", "not an exchange, my money
    back"): one named and not refused, else None (both, or neither)."""
    wanted, refused = _remedies_said(text)
    named = wanted - refused or (set(_REMEDY_WORDS) - refused if refused and not wanted - refused else set())
    return named.pop() if len(named) == 1 else None


_HOW_TO_FIX = re.compile(
    r"\b(?:try|reset|fix|troubleshoot|repair|get\s+(?:it|them)\s+(?:to|working)|make\s+(?:it|them)\s+work|setting|pair"
    r"|turn\s+(?:it|them)\s+on|update|firmware|reparier\w*|zurücksetzen)\b",
    re.IGNORECASE,
)


def asks_how_to_fix(text: str) -> bool:
    """ "Is there anything I can try to get them to pair?": a question of how to fix it ourselves."""
    return asks_something(text) and bool(_HOW_TO_FIX.search(text))


# Another version of an item asked for: "instead", "rather", "lieber", "stattdessen" said with option values.
_ANOTHER_VERSION = re.compile(r"\b(?:instead|rather|prefer\w*|stattdessen|lieber|statt)\b", re.IGNORECASE)
# A value of an item's options in any product's words: a colour or size (extract_options), or a quantity.
_QUANTITY = re.compile(
    r"\b\d+(?:[.,]\d+)?\s?(?:l|ml|liters?|litres?|inch(?:es)?|zoll|ft|feet|foot|gb|tb|mah|w|cm|mm|oz|kg|lbs?|hours?"
    r"|stunden|mp|pieces|teile)\b",
    re.IGNORECASE,
)


def wishes_another_version(text: str) -> bool:
    """ "Mine is the 30ml oriental one; I'd like the woody one in 100ml instead": other values of an item's options
    wished for, with or without the word exchange. A return takes an item back as it is and wishes for no other
    version, so this is an exchange (a change while the order is pending), unless money back is asked for by name
    ("I'd rather return the 30ml one")."""
    if not _ANOTHER_VERSION.search(text) or not (extract_options(text) or _QUANTITY.search(text)):
        return False
    wanted, _refused = _remedies_said(text)
    return "return" not in wanted


# A new unit asked for by its word ("a replacement", "replace it", "a fresh one", "another one", "Ersatz"), or wanted
# because theirs is faulty ("mine stopped working", "it arrived cracked"). Words of another kind of thing ("a
# different one", "something bigger", "an upgrade") want another variant, whatever else is said.
_NEW_UNIT = re.compile(
    r"\b(?:replac\w*|(?:a|another)\s+(?:new|fresh|working|brand[\s-]new)\s+(?:one|unit|piece|pair|set|copy)"
    r"|another\s+(?:one|unit|copy)|new\s+(?:unit|copy)|ersatz\w*|neue[sn]?\s+(?:exemplar|stück|gerät))\b",
    re.IGNORECASE,
)
_ANOTHER_KIND = re.compile(
    r"\b(?:different|else|bigger|smaller|larger|longer|shorter|cheaper|better|upgrade\w*|other(?!\s+(?:one|unit)\b)"
    r"|anders\w*|andere\w*|größer\w*|kleiner\w*)\b",
    re.IGNORECASE,
)


def asks_for_a_new_unit(text: str) -> bool:
    """A new unit of an item wanted, by the word or for a fault of theirs, and nothing of another kind: with the
    item's own option values named ("for the black optical wired one, mine doesn't work"), their own variant again
    (a replacement, which the shop allows), not "yours is already that"."""
    if _ANOTHER_KIND.search(text):
        return False
    return bool(_NEW_UNIT.search(text)) or bool(set(extract_reasons(text)) & FAULTS)
