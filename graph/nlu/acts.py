"""Which act a message names as a task, by its noun: "two returns and some changes on another order", "the second
return is from #W1", "one more exchange".

Customers with several things to do often announce them, or go on to the next, by counting the acts rather than
asking for one ("I have a few things to sort out: two returns, ..."). The words are nouns, not the verbs of a request
("return", "cancel"), and the intent model reads them as feedback or small talk, or is unsure. A noun of an act
counted or put in a row (two, a few, some, the second, the next, another, one more) names that act: the first one
named is the request to start with. A question about the act in general ("how long does a return take?") counts
nothing and names none.
"""

from __future__ import annotations

import re

# What counts the act or puts it in a row: the task is one of theirs, to be done, not the act in general.
_COUNTED = (
    r"(?:one|two|three|four|2|3|4|a\s+few|a\s+couple(?:\s+of)?|some|several|multiple|the\s+(?:first|second|third|next"
    r"|last|other)|(?:my\s+)?(?:first|second|third|next|last)|another|one\s+more|zwei|drei|einige|noch\s+eine?n?"
    r"|die\s+(?:erste|zweite|nächste))"
)
# The act, by its noun (one or more of them), and the intent that carries it out.
_ACTS = {
    "return_request": r"returns?|retouren?|rücksendung(?:en)?",
    "exchange_request": r"exchanges?|umtausch(?:e)?",
    "cancel_order": r"cancell?ations?|stornierung(?:en)?",
    "change_address": r"address\s+changes?|adressänderung(?:en)?",
    "change_order": r"changes?|modifications?|änderung(?:en)?",
}
_ANY_ACT = "|".join(f"(?:{words})" for words in _ACTS.values())
_NAMED = re.compile(rf"\b{_COUNTED}\s+(?:(?:more|small|quick|little|other)\s+)?(?P<act>{_ANY_ACT})\b", re.IGNORECASE)
_WHICH = {intent: re.compile(rf"^(?:{words})$", re.IGNORECASE) for intent, words in _ACTS.items()}


def named_acts(text: str) -> list[str]:
    """The acts the message names as tasks of theirs, in the order named, each once."""
    found: list[str] = []
    for match in _NAMED.finditer(text):
        act = re.sub(r"\s+", " ", match.group("act"))
        intent = next(intent for intent, words in _WHICH.items() if words.match(act))
        if intent not in found:
            found.append(intent)
    return found


def first_named_act(text: str) -> str | None:
    """The act named first as a task of theirs ("two returns, and some changes" is a return first), if any."""
    acts = named_acts(text)
    return acts[0] if acts else None


# Several changes announced for one order: "a few changes to make to an order", "some changes on #W1".
_SEVERAL_CHANGES = re.compile(
    r"\b(?:two|three|2|3|a\s+few|a\s+couple(?:\s+of)?|some|several|multiple|a\s+number\s+of|einige|mehrere)\s+"
    r"(?:(?:small|quick|little|more)\s+)?(?:changes|modifications|updates|änderungen)\b",
    re.IGNORECASE,
)


def announces_several_changes(text: str) -> bool:
    """The words announce several changes to make (to one order), more than the first one said."""
    return bool(_SEVERAL_CHANGES.search(text))
