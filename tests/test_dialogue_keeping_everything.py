"""Keeping everything and turning the acts down at a proposal; a bare no is no goodbye (issue #15, round 25).

A played customer, shown an exchange, said "I'll just keep the kettle and everything else in the order. No return or
exchange." and was proposed a return of the order's other item: the act named in a refusal was read as a correction
of the proposal's kind. Then a bare "no" to a proposal got a goodbye although the customer was mid-task. The classes:
a reply that keeps everything or turns the acts down by name (in a list, "neither ... nor", "don't want to ...
anything") is a no to whatever is proposed, nothing is proposed in its place; a bare no says nothing was done and asks
what else, a goodbye only when they close. Sentences written after the change; contrasts that still ask for an act.
"""

from __future__ import annotations

import pytest

from graph.nlu.confirmation import turns_down_every_act, withdraws_from_the_order
from graph.nlu.what_was_done import asks_what_was_done
from shop.db import session_factory
from shop.models import Order, OrderStatus
from shopdesk.settings import Settings
from tests.support.people import talk

# A tau-bench customer with a delivered order of two items (wireless earbuds, hiking boots).
RETURNER, DELIVERED = "aarav_nguyen_7344", "#W7728728"

_TURNED_DOWN = [
    "No refund or swap for me, thanks.",
    "Neither a return nor an exchange, please.",
    "I don't want to send anything back.",
    "no returns, no exchanges",
    "Keine Rückgabe und kein Umtausch.",
]
_ASKS_AN_ACT = [
    "Not a return, an exchange please",  # corrects the kind
    "no exchange, I want a refund instead",
    "don't cancel it, just change the address",
    "So no return has been made yet?",  # asks what happened
    "no return label came with the parcel, can you send one",
]


@pytest.mark.parametrize("reply", _TURNED_DOWN)
def test_the_acts_turned_down_by_name_ask_for_none(reply: str) -> None:
    assert turns_down_every_act(reply), reply


@pytest.mark.parametrize("reply", _ASKS_AN_ACT)
def test_an_act_asked_beside_a_refusal_or_a_question_is_no_turning_down(reply: str) -> None:
    assert not turns_down_every_act(reply), reply


@pytest.mark.parametrize(
    "reply",
    [
        "On reflection I'm keeping the boots and the rest of the order too. No refunds or exchanges.",
        "Nope, I don't want to return anything at all. I'll keep all the items.",
        "I'll hold on to everything, no swap and no return",
    ],
)
def test_keeping_everything_with_the_acts_turned_down_withdraws(reply: str) -> None:
    assert withdraws_from_the_order(reply), reply


@pytest.mark.parametrize(
    "reply",
    ["I'll keep everything except the boots, return those", "keep all of it but exchange the earbuds"],
)
def test_keeping_everything_but_one_is_still_a_request(reply: str) -> None:
    assert not withdraws_from_the_order(reply), reply


def _status(settings: Settings, order_id: str) -> OrderStatus:
    with session_factory(settings.shop_database_url)() as session:
        order = session.get(Order, order_id)
        assert order is not None
        return order.status


async def _proposed(customer) -> None:  # type: ignore[no-untyped-def]
    proposed = await customer.say(f"I want to return the wireless earbuds from {DELIVERED}")
    if proposed.status != "awaiting_confirmation":
        proposed = await customer.say("refund to paypal please")
    assert proposed.status == "awaiting_confirmation", proposed.text


@pytest.mark.parametrize(
    "reply",
    [
        "Thinking about it, I'll keep the earbuds and all the rest as well. No return or exchange.",
        "No. I don't want to return anything, I'm keeping all the items.",
        "Neither a refund nor an exchange then.",
    ],
)
async def test_keeping_everything_at_a_proposal_proposes_nothing_else(tau_app: Settings, reply: str) -> None:
    async with talk(tau_app, "keep-all", RETURNER) as customer:
        await _proposed(customer)
        answered = await customer.say(reply)
    assert answered.status != "awaiting_confirmation", answered.text
    assert "haven't changed anything" in answered.text, answered.text
    assert "Shall I go ahead" not in answered.text, answered.text
    assert _status(tau_app, DELIVERED) is OrderStatus.delivered


@pytest.mark.parametrize("reply", ["no", "Nope.", "no thanks"])
async def test_a_bare_no_to_a_proposal_asks_what_else(tau_app: Settings, reply: str) -> None:
    async with talk(tau_app, "bare-no", RETURNER) as customer:
        await _proposed(customer)
        answered = await customer.say(reply)
    assert "haven't changed anything" in answered.text, answered.text
    assert "anything else" in answered.text and "great day" not in answered.text, answered.text
    assert _status(tau_app, DELIVERED) is OrderStatus.delivered


@pytest.mark.parametrize("reply", ["No, that's all. Bye!", "no thanks, I'm all set - goodbye"])
async def test_a_no_that_closes_still_says_goodbye(tau_app: Settings, reply: str) -> None:
    async with talk(tau_app, "no-close", RETURNER) as customer:
        await _proposed(customer)
        answered = await customer.say(reply)
    assert "great day" in answered.text, answered.text
    assert _status(tau_app, DELIVERED) is OrderStatus.delivered


# Whether the conversation did anything, asked after turning it down: answered from its writes (there were none).
_ASKS_WHAT_WAS_DONE = [
    "Just checking - nothing got cancelled, right?",
    "so you haven't refunded anything, correct?",
    "Has anything actually been changed on my order?",
    "and the order remains unchanged?",
    "Also, nichts wurde storniert, richtig?",
]
_ASKS_SOMETHING_ELSE = [
    "has my order been shipped yet?",
    "Can anything be exchanged after 30 days?",
    "is there something you can change on it?",
    "What if something was damaged in transit?",
    "Nothing else, thank you.",
]


@pytest.mark.parametrize("text", _ASKS_WHAT_WAS_DONE)
def test_a_check_of_what_was_done_is_read(text: str) -> None:
    assert asks_what_was_done(text), text


@pytest.mark.parametrize("text", _ASKS_SOMETHING_ELSE)
def test_other_questions_are_no_check_of_what_was_done(text: str) -> None:
    assert not asks_what_was_done(text), text


async def test_after_turning_it_down_nothing_done_is_said_plainly(tau_app: Settings) -> None:
    async with talk(tau_app, "nothing-done", RETURNER) as customer:
        await _proposed(customer)
        await customer.say("No returns, no exchanges. I'm keeping all of it.")
        checked = await customer.say("To be safe: nothing has been sent back or refunded, yes? Has anything changed?")
    assert "Nothing has been changed in this conversation" in checked.text, checked.text
    assert _status(tau_app, DELIVERED) is OrderStatus.delivered


async def test_after_a_write_the_check_is_not_answered_as_nothing_done(tau_app: Settings) -> None:
    async with talk(tau_app, "something-done", RETURNER) as customer:
        await _proposed(customer)
        await customer.say("yes please")
        checked = await customer.say("has anything been returned?")
    assert "Nothing has been changed" not in checked.text, checked.text
