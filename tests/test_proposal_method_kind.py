"""A question whether the proposal's method is of a kind ("is the amex my credit card?") is answered by its kind:
the method's words alone ("amex ending 1009") left players asking again (sentences written after the change)."""

from __future__ import annotations

import pytest

from graph.llm.dialogue.proposal_facts import check_facts
from graph.llm.responses import describe_fact_checks
from tests.test_dialogue_proposal_repair import METHODS
from tests.test_proposal_safety_repairs import _CANCEL

_TO_PAYPAL = {**_CANCEL, "details": ["Order: #W9", "Refund $145.20 to PayPal (in 5-7 business days)"]}


@pytest.mark.parametrize(
    "question",
    [
        "is the amex my credit card?",
        "wait, is that amex one of my credit cards?",
        "the amex - that's the credit card on my account, right?",
        "so it goes back to the amex card?",
    ],
)
def test_a_card_is_told_as_a_credit_card(question: str) -> None:
    checks = check_facts(question, _CANCEL, METHODS)
    assert checks, question
    answer = describe_fact_checks(checks)
    assert "amex ending 1009, a credit card" in answer, answer


def test_a_method_whose_words_say_its_kind_is_not_told_twice() -> None:
    answer = describe_fact_checks(check_facts("is it going back to my paypal?", _TO_PAYPAL, METHODS) or [])
    assert "PayPal" in answer and "credit card" not in answer, answer


def test_the_kind_is_told_with_the_check_it_answers() -> None:
    """The amex is the method shown: the check holds, and the answer says so before the kind."""
    checks = check_facts("is the amex my credit card?", _CANCEL, METHODS)
    assert checks and [c.holds for c in checks if c.fact == "method"] == [True], checks
    assert describe_fact_checks(checks).startswith("Yes, the payment method in what I proposed is amex ending 1009")
