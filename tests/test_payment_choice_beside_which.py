"""A method chosen by a verb ("use the other card") stays chosen when a which-question follows ("which one is that?");
one only turned away beside a question which others there are chooses none."""

from __future__ import annotations

import pytest

from graph.llm.matching import payment_mention


@pytest.mark.parametrize(
    "text",
    [
        "not my visa, use the other card. which one is that?",
        # new
        "no visa please, put it on my other card. which is it?",
        "Not the mastercard. Charge the other card. What's its number?",
        "nicht die Visa, nimm die andere Karte. welche ist das?",
        "not the visa - pay with my other card! which one do I have again?",
    ],
)
def test_the_other_card_chosen_beside_a_which_question(text: str) -> None:
    assert payment_mention(text) == {"kind": "credit_card", "other": "1"}


@pytest.mark.parametrize(
    "text",
    [
        "not the visa. which other cards do I have?",
        "not the visa. which other cards can I use?",
        "nicht die Visa. welche anderen Karten habe ich?",
    ],
)
def test_other_cards_only_asked_about_choose_none(text: str) -> None:
    assert payment_mention(text) is None
