"""One list of the words a way of paying is named by (graph.nlu.payment_words), read by the grounding and by the
general-question reader each in its own frame. Sentences written for this test."""

from __future__ import annotations

import pytest

from graph.llm.matching import payment_mention, refused_methods
from graph.nlu.general import as_anyone_would_ask


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        # Every spelling the grounding knows sets the situation of a question too.
        ("I paid with my giftcard, how long does a refund take?", "how long does a refund take?"),
        ("we paid by pay pal, what's the return window?", "what's the return window?"),
        ("I paid using my master card, how long do refunds take?", "how long do refunds take?"),
        # ... and so do the ways to pay that no account holds, and plurals.
        ("I paid with Klarna, how many days until a refund?", "how many days until a refund?"),
        ("we paid with vouchers, can a refund be split?", "can a refund be split?"),
    ],
)
def test_a_way_of_paying_said_as_the_situation_leaves_the_question(text: str, asked: str) -> None:
    assert as_anyone_would_ask(text) == asked


@pytest.mark.parametrize("text", ["use my voucher for the difference", "put it on apple pay", "klarna please"])
def test_ways_no_account_holds_are_no_method_to_ground(text: str) -> None:
    assert payment_mention(text) is None and refused_methods(text) == []


@pytest.mark.parametrize(
    ("text", "mention"),
    [
        ("refund it to my gift  card", {"kind": "gift_card"}),
        ("charge the master  card", {"kind": "credit_card", "brand": "mastercard"}),
        ("auf meine Geschenkkarte bitte", {"kind": "gift_card"}),
        ("the pay pal account", {"kind": "paypal"}),
    ],
)
def test_a_method_named_in_any_spelling_is_grounded_to_its_kind(text: str, mention: dict[str, str]) -> None:
    assert payment_mention(text) == mention


def test_all_the_cards_are_no_one_card_named() -> None:
    # A question about every card on file names none of them.
    assert payment_mention("which cards do I have on file?") is None
