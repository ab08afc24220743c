"""At a proposal, a yes with the same act asked for another order ("yes. #W2 as well please, same reason", "sure, and
do the same with #W2") carries out the proposal and keeps the other order's request, which is proposed and
confirmed in its own step; an order set aside beside the proposal ("don't cancel #W2, only the first one") drops
that order's waiting request and keeps the proposal. A reviewer found the other order's request lost. Sentences
written for the test."""

from __future__ import annotations

import pytest

from graph.nlu.entities import orders_named_for_reference
from shop.models import OrderStatus
from shopdesk.settings import Settings
from tests.support.people import people, status_of, talk


def _two_pending(settings: Settings) -> tuple[str, str, str]:
    person = people(settings.shop_database_url, lambda c: sum(o.status is OrderStatus.pending for o in c.orders) == 2)[
        3
    ]
    first, second = [o.id for o in person.orders if o.status is OrderStatus.pending]
    return person.id, first, second


async def _proposed(customer: object) -> dict[str, object]:
    pending = (await customer.values()).get("pending_action") or {}  # type: ignore[attr-defined]
    return dict(pending.get("args") or {})


@pytest.mark.parametrize(
    "reply",
    [
        "yes. {other} as well please, same reason",
        "sure, and do the same with {other}",
        "go ahead - and the same for order {other}",
    ],
)
async def test_a_yes_with_the_same_act_for_another_order_keeps_that_request(tau_app: Settings, reply: str) -> None:
    db = tau_app.shop_database_url
    customer_id, first, second = _two_pending(tau_app)
    async with talk(tau_app, "yes-and-another", customer_id) as customer:
        await customer.say(f"I'd like to cancel {first}, I don't need it anymore")
        turn = await customer.say(reply.format(other=second))
        # The proposal is carried out; the other order is not written on this yes.
        assert status_of(db, first) is OrderStatus.cancelled, turn.text
        assert status_of(db, second) is OrderStatus.pending, turn.text
        assert second in turn.text, turn.text
        turn = await customer.say("yes")
        if turn.status != "awaiting_confirmation":
            turn = await customer.say("no longer needed")
        assert (await _proposed(customer)).get("order_id") == second, turn.text
        assert status_of(db, second) is OrderStatus.pending
        await customer.say("yes")
    assert status_of(db, second) is OrderStatus.cancelled


@pytest.mark.parametrize(
    "reply", ["don't cancel {other}, only the first one", "leave {other} alone, just this one please"]
)
async def test_an_order_set_aside_at_the_proposal_drops_its_waiting_request(tau_app: Settings, reply: str) -> None:
    db = tau_app.shop_database_url
    customer_id, first, second = _two_pending(tau_app)
    async with talk(tau_app, "set-aside-at-proposal", customer_id) as customer:
        await customer.say(f"cancel {first} and {second} please, I ordered them by mistake")
        assert (await _proposed(customer)).get("order_id") == first
        turn = await customer.say(reply.format(other=second))
        assert turn.status == "awaiting_confirmation", turn.text
        assert (await _proposed(customer)).get("order_id") == first, turn.text
        turn = await customer.say("yes")
        assert second not in turn.text, turn.text  # nothing more is offered for the order set aside
    assert status_of(db, first) is OrderStatus.cancelled
    assert status_of(db, second) is OrderStatus.pending


async def test_a_plain_yes_still_offers_the_waiting_order(tau_app: Settings) -> None:
    db = tau_app.shop_database_url
    customer_id, first, second = _two_pending(tau_app)
    async with talk(tau_app, "plain-yes", customer_id) as customer:
        await customer.say(f"cancel {first} and {second} please, I ordered them by mistake")
        turn = await customer.say("yes")
        assert second in turn.text, turn.text
    assert status_of(db, first) is OrderStatus.cancelled
    assert status_of(db, second) is OrderStatus.pending


# Another order's card or address asked to change after the yes ("the address for #W2 should be ...", "the card on #W2
# needs to be my visa") is a request for that order, kept for its own turn; an order named only for the card or address
# to use ("the same card as #W2", "the address of #W2") is no request for it. Reviewer 26 found the first dropped.
# Sentences written for the test.
@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("and the shipping address on {o} has to be 12 Pine Rd, Denver, CO 80203", False),
        ("also the payment method for order {o} should change to paypal", False),
        ("oh and the card on {o} is wrong, it must be my mastercard", False),
        ("die Lieferadresse von {o} soll die Hauptstraße 4 sein", False),
        # contrasts: the order is the source of what to use
        ("refund it to the same card as {o}", True),
        ("put it on the card I used for {o}, please", True),
        ("ship the replacement to the address of {o}", True),
    ],
)
def test_an_order_whose_card_or_address_is_to_change_is_no_mere_reference(text: str, reference: bool) -> None:
    assert bool(orders_named_for_reference(text.format(o="#W1234567"))) is reference


@pytest.mark.parametrize(
    "reply",
    [
        "yes go ahead. Then the shipping address for {other} needs to be 8 Birch Lane, Boston, MA 02116, USA",
        "ok do it. Also the payment on {other} should be moved to my paypal",
    ],
)
async def test_a_yes_and_a_change_for_another_orders_card_or_address_keeps_it(tau_app: Settings, reply: str) -> None:
    db = tau_app.shop_database_url
    customer_id, first, second = _two_pending(tau_app)
    async with talk(tau_app, "yes-and-its-address", customer_id) as customer:
        await customer.say(f"I'd like to cancel {first}, I don't need it anymore")
        turn = await customer.say(reply.format(other=second))
        assert status_of(db, first) is OrderStatus.cancelled, turn.text
        assert second in turn.text, turn.text
