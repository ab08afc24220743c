"""Whether the customer asks what this conversation did: "so nothing has been returned?", "did you change anything?".

After turning a proposal down, customers check that nothing happened ("just to be sure: nothing was exchanged and my
order stays as it is?"). That is a question about the conversation's own writes, not about an order's status: it is
answered from what the conversation wrote. Read by its parts: a question, about anything / nothing / something (or the
order staying as it is), done by one of our acts.
"""

from __future__ import annotations

import re

# Our acts, by their past participle or their noun: what a conversation can have done to an order.
_DONE = (
    r"(?:chang|return|exchang|cancel+|refund|modifi|touch|processed|swapp|storniert|geändert|zurückgeschickt"
    r"|umgetauscht|erstattet)\w*"
)
# Between the thing and the act only the words of a passive ("has been", "got", "yet"): "is there anything you can
# change?" asks for an act, it checks none.
_PASSIVE = r"(?:(?:has|have|had|was|were|is|are|get|got|gotten|been|yet|already|actually|really|wurde|ist)\s+){0,3}"
_ASKS_WHAT_WAS_DONE = re.compile(
    # "nothing has been returned", "was anything changed", "has something been cancelled", "wurde etwas geändert"
    r"\b(?:nothing|anything|something|nichts|etwas|irgendwas)\s+" + _PASSIVE + _DONE + r"\b"
    # "you didn't change anything?", "you haven't cancelled anything, right?"
    r"|\byou\s+(?:didn'?t|did\s+not|haven'?t|have\s+not|never)\s+(?:actually\s+|really\s+)?"
    + _DONE
    + r"\s+(?:\w+\s+){0,2}?(?:anything|something)\b"
    # "no changes were made?", "no return was started?"
    r"|\bno\s+(?:changes?|returns?|exchanges?|cancell?ations?|refunds?)\s+(?:(?:was|were|has|have)\s+(?:been\s+)?)"
    r"(?:made|done|started|processed|submitted|placed|issued)\b"
    # "my order stays as it is?", "the order is unchanged?"
    r"|\b(?:my|the|that|this)\s+orders?\s+(?:stays?|remains?|is|are)\s+(?:just\s+)?"
    r"(?:as\s+(?:it|they)\s+(?:is|are|was|were)|unchanged|the\s+same)\b"
    r"|\bbestellung\s+(?:bleibt|ist)\s+(?:so|unverändert)\b",
    re.IGNORECASE,
)
# A question: a question mark, or a check put as one ("..., right", "correct?", "just to be sure").
_CHECKS = re.compile(r"\?|\b(?:right|correct|just\s+to\s+(?:be\s+sure|confirm|check)|richtig|oder)\b", re.IGNORECASE)


def asks_what_was_done(text: str) -> bool:
    """The message asks whether the conversation changed anything ("so nothing has been exchanged?", "you didn't
    cancel anything, right?", "my order stays as it is?")."""
    return bool(_CHECKS.search(text)) and bool(_ASKS_WHAT_WAS_DONE.search(text))
