"""A reply to a proposal that waits for a yes: a yes inside a longer reply counts; a reply that holds back does not."""

from __future__ import annotations

import pytest

from graph.nlu.confirmation import gives_a_yes


@pytest.mark.parametrize(
    "text",
    [
        "yes that's right, the visa is fine, please go ahead",
        "ugh ok. it's annoying it takes a week, but go for it",
        "Alright, sounds good to me",
        "sure, that is correct",
        "that works, thanks!",
        "ok then let's do it",
        "Ja, das passt so, bitte ausführen",
        "genau, mach das",
    ],
)
def test_a_yes_within_a_longer_reply(text: str) -> None:
    assert gives_a_yes(text)


@pytest.mark.parametrize(
    "text",
    [
        "yes, hmm, actually hold on a second",
        "no, the other order",
        "not yet, I need to check with my wife",
        "ok wait, I changed my mind",
        "I'd rather keep it",
        "what colour is it again",
        "nein, doch nicht",
        "the green one please",
    ],
)
def test_a_reply_that_holds_back_or_says_nothing(text: str) -> None:
    assert not gives_a_yes(text)
