"""Questions about which of their payment methods is which, asked at a proposal (played tau-bench customers, the
fix round on conversation repair):

1. "is card X the same as my Y?" sets two names of their methods side by side: it was answered by restating the
   proposal's method. Now it is answered from their methods (yes, no, or the one that is not theirs) and the proposal
   keeps waiting (graph.llm.dialogue.method_identity);
2. a yes on a check of the proposal ("does that go back on my visa? if so, yes") is carried out when the check holds,
   and its answer comes with the result; "go back on my visa" is the money's way, not a wish to undo.

Sentences written for these tests after the change, not the ones of the report.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.context import Context
from graph.llm.dialogue.method_identity import asks_if_the_same, same_method
from graph.llm.dialogue.proposal_facts import checks_the_proposal
from graph.llm.dialogue.proposal_reach import asks_to_undo
from shopdesk.settings import Settings
from tests.support.people import conversation, say, tool_calls

METHODS: list[dict[str, Any]] = [
    {"id": "paypal_1", "kind": "paypal", "label": "PayPal"},
    {
        "id": "credit_card_2",
        "kind": "credit_card",
        "brand": "mastercard",
        "last_four": "1374",
        "label": "mastercard ending 1374",
    },
    {"id": "credit_card_3", "kind": "credit_card", "brand": "visa", "last_four": "5521", "label": "visa ending 5521"},
]
PAYER = "olivia_ito_3591"  # pending #W5442520 paid with visa ending 9182; PayPal and gift card ending 4233 on file


@pytest.mark.parametrize(
    ("text", "holds"),
    [
        ("so the card that ends in 1374, that's the same one as my mastercard?", True),
        ("hang on, is the visa ending 5521 actually my mastercard?", False),
        ("are my paypal and the card ending 5521 the same thing?", False),
        ("is the amex ending 8080 the same as my visa?", None),  # no such amex: the first names none of theirs
        ("ist die Karte mit der Endung 1374 dieselbe wie meine Mastercard?", True),
    ],
)
def test_two_names_of_a_method_are_read_against_theirs(text: str, holds: bool | None) -> None:
    assert asks_if_the_same(text), text
    assert not checks_the_proposal(text), text
    found = same_method(text, METHODS)
    if text.startswith("is the amex"):
        assert found is None, found
    else:
        assert found is not None and found.holds is holds, (text, found)


def test_a_name_of_theirs_beside_one_they_lack_is_told_apart() -> None:
    found = same_method("is the mastercard ending 1374 the same card as my discover?", METHODS)
    assert found is not None and found.holds is None and found.second == (), found


@pytest.mark.parametrize(
    "text",
    [
        "is that my credit card?",  # a check of the proposal's method, by its kind
        "does the refund go to my visa?",
        "is the visa my only card?",  # what they hold
        "is that the card I paid with?",
        "the same as last time please, my visa",  # no question
        "is the mastercard ending 1374 my credit card?",  # its kind, told from the proposal or their list
    ],
)
def test_other_questions_set_no_two_names_side_by_side(text: str) -> None:
    assert not asks_if_the_same(text), text


@pytest.mark.parametrize(
    "text",
    ["will that go back on my paypal?", "does it go back on the card?", "the money goes back on my visa, right?"],
)
def test_money_going_back_on_a_method_is_no_undo(text: str) -> None:
    assert not asks_to_undo(text), text


@pytest.mark.parametrize("text", ["can I go back on it later?", "and if I go back on this tomorrow?"])
def test_going_back_on_the_act_is_still_an_undo(text: str) -> None:
    assert asks_to_undo(text), text


def _written(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in calls if c["id"].startswith("exec_")]


async def test_a_method_compared_at_a_proposal_is_answered_from_theirs_and_the_proposal_waits(
    tau_app: Settings,
) -> None:
    context = Context(customer_id=PAYER, shop_id="taubench")
    async with conversation(tau_app) as (chat, graph):
        proposed = await say(chat, "s", "please cancel #W5442520, I no longer need it", context=context)
        assert proposed.status == "awaiting_confirmation", proposed.text
        missing = await say(chat, "s", "wait, is the visa ending 9182 the same as my mastercard?", context=context)
        same = await say(chat, "s", "and the card ending 9182 is the same as my visa?", context=context)
        apart = await say(chat, "s", "is my paypal the same account as the gift card ending 4233?", context=context)
        assert not _written(await tool_calls(graph, chat, "s", "cancel_order")), apart.text
    assert missing.status == "awaiting_confirmation", missing.text
    assert missing.text.startswith("No: visa ending 9182 is on your account"), missing.text
    assert same.text.startswith("Yes: that is one and the same payment method, visa ending 9182."), same.text
    assert apart.text.startswith("No: those are two different payment methods."), apart.text
    assert "The payment method in what I proposed" not in missing.text + same.text + apart.text


async def test_a_yes_on_a_check_that_holds_is_carried_out_with_its_answer(tau_app: Settings) -> None:
    context = Context(customer_id=PAYER, shop_id="taubench")
    async with conversation(tau_app) as (chat, graph):
        await say(chat, "y", "please cancel #W5442520, I no longer need it", context=context)
        held = await say(chat, "y", "so does it go back on my visa card? then go ahead", context=context)
        written = _written(await tool_calls(graph, chat, "y", "cancel_order"))
    assert len(written) == 1, held.text
    assert held.text.startswith("Yes, the payment method in what I proposed is visa ending 9182"), held.text
    assert "Done" in held.text, held.text


async def test_a_yes_on_a_check_that_fails_is_held_back(tau_app: Settings) -> None:
    context = Context(customer_id=PAYER, shop_id="taubench")
    async with conversation(tau_app) as (chat, graph):
        await say(chat, "f", "please cancel #W5442520, I no longer need it", context=context)
        told = await say(chat, "f", "that refund goes back on my paypal? if so yes", context=context)
        written = _written(await tool_calls(graph, chat, "f", "cancel_order"))
    assert not written, told.text
    assert told.status == "awaiting_confirmation" and told.text.startswith("No,"), told.text
