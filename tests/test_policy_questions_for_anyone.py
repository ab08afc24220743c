"""A question about the shop's rules is answered for anyone, even when it is said with the customer's own situation
("I paid with PayPal", "my order to Ottawa", "if I order to Glasgow"): only a question about one of their own
orders needs to know who they are."""

from __future__ import annotations

import pytest

from graph.nlu.general import as_anyone_would_ask, asks_in_general


@pytest.mark.parametrize(
    "text",
    [
        "Which courier takes my parcel to Vancouver?",
        "what does my return label from Spain cost?",
        "how long is delivery of my order to Belgium?",
        "I paid by credit card, how long until refunds show on the statement?",
        "we paid via paypal - how many days does a refund take?",
        "if I pay with a gift card, how fast do I get my money back?",
        "how long does a refund take if we paid with apple pay?",
        "who ships my things if I order to Leeds?",
        "do I have to pay for my return label from Dublin?",
    ],
)
def test_a_rule_asked_with_the_customers_own_situation_is_general(text: str) -> None:
    assert asks_in_general(text), as_anyone_would_ask(text)


@pytest.mark.parametrize(
    "text",
    [
        "where is my parcel to Vancouver?",
        "when will my order to Belgium arrive?",
        "can you cancel my order to Spain?",
        "I paid by credit card, where is my refund?",
        "I paid with paypal, has my refund been sent yet?",
        "I paid with paypal, how long until my refund arrives?",
        "how much is my order in the blue colour?",
        "which carrier has my order?",
        "why was I charged twice when I paid with paypal?",
    ],
)
def test_a_question_about_their_own_order_stays_theirs(text: str) -> None:
    assert not asks_in_general(text), as_anyone_would_ask(text)


def test_a_place_that_is_not_one_leaves_the_possessive_alone() -> None:
    assert as_anyone_would_ask("how much is my order from last week?") == "how much is my order from last week?"
