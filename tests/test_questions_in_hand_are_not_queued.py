"""A question about the matter in hand is no request of its own. Asked beside a choice ("can it go to my visa
instead?" while the refund's destination is asked, "is there anything I can try to get them to work?" while a remedy
is offered), it belongs to that turn; queued, it came back after the matter was done as "You also asked: '...'.
Shall I go on with that now?". A question points back at the matter with a pronoun and names nothing of its own;
a request of its own names its order or item, or adds itself ("also", "too", "another order"), and still waits."""

from __future__ import annotations

import pytest

from graph.llm.dialogue.other_requests import _asks_about_the_matter_in_hand
from graph.nlu.entities import shared_entities


@pytest.mark.parametrize(
    "segment",
    [
        "And could it be paid back onto my mastercard?",
        "is there some setting I could try to make them connect?",
        "can that be refunded to paypal rather than the card?",
        "would it arrive sooner if I pick the other option?",
        "will they still take it back if the box is opened?",
    ],
)
def test_a_question_about_the_matter_in_hand_is_not_queued(segment: str) -> None:
    assert _asks_about_the_matter_in_hand(segment, shared_entities(segment))


@pytest.mark.parametrize(
    "segment",
    [
        "can you also cancel #W2918688?",
        "could you cancel it?",
        "can I return the desk lamp too?",
        "and can it go back for my other order as well?",
        "can I change the shipping address on that order?",
        "please switch the payment to my visa",
    ],
)
def test_a_request_of_its_own_still_waits(segment: str) -> None:
    assert not _asks_about_the_matter_in_hand(segment, shared_entities(segment))
