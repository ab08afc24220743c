"""Which waiting request the customer wants done first: "do the payment switch first", "erst die Zahlung ändern".

With several requests under way one is proposed and the others wait in line, in the order the bot chose. The
customer may put a waiting one ahead ("before that, the address", "can we start with the exchange?", "zuerst die
Zahlung, dann der Umtausch"): a word of order beside the name of a request (graph.nlu.drops names requests by their
thing). The request named goes first; the one in hand is not dropped, it waits behind it.
"""

from __future__ import annotations

import re

from graph.nlu.drops import REQUESTS

# A word of order that puts what it is said with ahead ("the payment first", "start with the exchange", "erst die
# Zahlung"), or what comes after it behind ("the payment before the exchange": `_BEFORE`).
_FIRST = re.compile(
    r"\b(?:first(?:ly)?|start(?:ing)?\s+with|begin(?:ning)?\s+with|before\s+(?:that|this|anything(?:\s+else)?|you\s+do"
    r"|we\s+do)|prioriti[sz]e|erst|zuerst|zunächst|vorher|als\s+erst\w*|(?:anfangen|beginnen)\s+mit"
    r"|mit\s+(?:der|dem|den)\s+\w+\s+(?:anfangen|beginnen))\b",
    re.IGNORECASE,
)
_BEFORE = re.compile(r"\b(?:before|ahead\s+of|vor)\s+(?=(?:the|my|der|dem|den)\b)", re.IGNORECASE)
_CLAUSES = re.compile(r"[,;.!?:]+|\s[-–—]+\s|\s+(?:and\s+)?then\s+|\s+(?:und\s+)?dann\s+", re.IGNORECASE)
_NAMED = {intent: re.compile(rf"\b(?:{words})\b", re.IGNORECASE) for intent, words in REQUESTS.items()}


def _named_in(clause: str) -> list[tuple[int, str]]:
    """The requests a clause names, by where they are named."""
    return sorted((found.start(), intent) for intent, pattern in _NAMED.items() if (found := pattern.search(clause)))


def put_first(text: str) -> str | None:
    """The request (by intent) the message asks to be done before the others, or None: the one named in the clause
    of the word of order ("do the payment switch first, then the exchange"), or in the clause after a word of order
    said alone ("before that, the address change"); with "before the ..." only what is named ahead of it."""
    clauses = [clause for clause in _CLAUSES.split(text) if clause and clause.strip()]
    for index, clause in enumerate(clauses):
        order = _FIRST.search(clause) or _BEFORE.search(clause)
        if order is None:
            continue
        named = _named_in(clause)
        if _BEFORE.match(clause, order.start()):
            named = [(at, intent) for at, intent in named if at < order.start()]
        if not named and index + 1 < len(clauses) and not re.sub(r"\W+", "", clause[order.end() :]):
            named = _named_in(clauses[index + 1])
        if named:
            return named[0][1]
    return None
