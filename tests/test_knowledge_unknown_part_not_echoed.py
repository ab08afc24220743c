"""A part of a message nothing answers is said plainly, never quoted back (issue #15, round 25, class 5).

Played customers read 'About "Seriously? You can't even stop some spam emails?": I don't have reliable information
on that': their own words, a complaint among them, quoted back. The class: whatever part goes unanswered, the reply
says so once, in its own words, and the parts that are answered still are. Sentences written after the change.
"""

from __future__ import annotations

import pytest

from knowledge.retriever import Retriever
from tests.test_knowledge_policy_focus import message, retriever  # noqa: F401  (the module's fixture)


@pytest.mark.parametrize(
    ("text", "answered", "unknown_words"),
    [
        (
            "How long is a rucksack covered by your warranty? And what's your CEO's favourite colour?",
            "2 years",
            "favourite colour",
        ),
        (
            "Honestly, are your staff even trained? How long is the warranty on a rucksack?",
            "2 years",
            "staff even trained",
        ),
    ],
)
def test_an_unanswered_part_is_not_quoted(
    retriever: Retriever,  # noqa: F811
    text: str,
    answered: str,
    unknown_words: str,
) -> None:
    reply = message(retriever, text)
    assert answered in reply, reply
    assert unknown_words not in reply and 'About "' not in reply, reply
