"""A question that leans on the one before it: "Do gift cards expire? And can I return one?".

Each question of a message is answered on its own, so a follow-up has to carry what it leaves out. "One", "it" or
"them" stands for the product group the question before named ("can I return gift cards?"), "there" for its country
("how much is express to Italy?"). The rewritten question is what is searched and what the answer is chosen for; the
customer's own words are kept everywhere else.
"""

from __future__ import annotations

import re

from knowledge.policy_focus import POLICY_GROUPS, groups_in

# A pronoun for a thing ("can I return one?", "do they expire?"); "it" in "is it possible" stands for nothing.
_THING = re.compile(r"\b(?:it|one|ones|them|they|those|these)\b", re.IGNORECASE)
_IDLE_IT = re.compile(
    r"\b(?:is|was|would|will|does|do)\s+it\s+(?:be\s+)?(?:possible|ok|okay|allowed|take|cost)\b", re.IGNORECASE
)
_THERE = re.compile(r"\b(?:to|from|in)?\s*there\b", re.IGNORECASE)
# "ship to Italy", "from the UK", "in Canada": a place with its preposition, as the customer said it.
_PLACE = re.compile(
    r"\b(?:to|from|in|into)\s+(?:the\s+)?(?P<place>[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)",
)


def _group_phrase(text: str) -> str | None:
    """The product group the text names, in the words the policies use ("gift cards", "tents")."""
    named = groups_in(text)
    if len(named) != 1:
        return None
    group = next(iter(named))
    return group if group in POLICY_GROUPS else None


def _place(text: str) -> str | None:
    from knowledge.answer import countries_in

    for found in _PLACE.finditer(text):
        if countries_in(found.group("place")):
            return found.group(0).strip()
    return None


def with_subject(question: str, earlier: str) -> str:
    """The question with a pronoun that stands for the earlier question's subject replaced by it; unchanged when it
    names a subject of its own, or the earlier question has none."""
    from knowledge.answer import countries_in

    text = question
    if not countries_in(text) and _THERE.search(text) and (place := _place(earlier)):
        text = _THERE.sub(" " + place, text, count=1).replace("  ", " ")
    if groups_in(text) or _IDLE_IT.search(text):
        return text.strip()
    group = _group_phrase(earlier)
    if group and _THING.search(text):
        text = _THING.sub(group, text, count=1)
    return text.strip()
