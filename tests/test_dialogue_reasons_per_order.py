"""A reason given for one of two orders is that order's only: "the first one I ordered by mistake, and #W2 because I
no longer need it" cancels #W2 as no longer needed, never as ordered by mistake; a reason said for "both" or "all of
them" is each one's. A reviewer found the whole message's first reason written for the other order. Sentences
written for the test."""

from __future__ import annotations

import pytest

from graph.nlu.entities import reasons_for_order
from shop.models import OrderStatus
from shopdesk.settings import Settings
from tests.support.people import people, talk

A, B = "#W4000001", "#W4000002"


@pytest.mark.parametrize(
    ("said", "for_a", "for_b"),
    [
        # each order's own reason, whichever way round
        (f"{A} I ordered by mistake and {B} I simply don't need anymore", ["ordered_by_mistake"], ["no_longer_needed"]),
        (
            f"{B} since I do not need it anymore, and the other one was ordered by mistake",
            ["ordered_by_mistake"],
            ["no_longer_needed"],
        ),
        (
            f"the older one was ordered by mistake; {B} because I no longer need it",
            ["ordered_by_mistake"],
            ["no_longer_needed"],
        ),
        # a reason said with one order only is not the other's
        (f"{B}, I don't need it anymore", [], ["no_longer_needed"]),
        (f"because I don't need it any more, please cancel {B}", [], ["no_longer_needed"]),
        # contrasts: said of both, or with no order named, it is every order's
        (f"cancel {A} and {B}, I ordered both by mistake", ["ordered_by_mistake"], ["ordered_by_mistake"]),
        (f"{A} and {B}: I no longer need any of them, all of them can go", ["no_longer_needed"], ["no_longer_needed"]),
        ("I ordered it by mistake", ["ordered_by_mistake"], ["ordered_by_mistake"]),
    ],
)
def test_a_reason_goes_with_the_order_it_was_said_for(said: str, for_a: list[str], for_b: list[str]) -> None:
    assert reasons_for_order(said, A) == for_a
    assert reasons_for_order(said, B) == for_b


def _two_pending(settings: Settings) -> tuple[str, str, str]:
    person = people(settings.shop_database_url, lambda c: sum(o.status is OrderStatus.pending for o in c.orders) == 2)[
        2
    ]
    first, second = [o.id for o in person.orders if o.status is OrderStatus.pending]
    return person.id, first, second


@pytest.mark.parametrize(
    "reply",
    [
        "the first one I bought by mistake, and {second} because I no longer need it",
        "{second} because I really do not need it any more",
    ],
)
async def test_the_other_orders_reason_is_never_written_for_it(tau_app: Settings, reply: str) -> None:
    customer_id, first, second = _two_pending(tau_app)
    async with talk(tau_app, "reason-per-order", customer_id) as customer:
        await customer.say(f"please cancel {first} and {second}")
        turn = await customer.say(reply.format(second=second))
        pending = (await customer.values()).get("pending_action") or {}
        args = pending.get("args") or {}
        # Whichever order is proposed now, the reason is the one said for it.
        if args.get("order_id") == second:
            assert args.get("reason") == "no longer needed", turn.text
        else:
            assert args.get("order_id") == first and args.get("reason") == "ordered by mistake", turn.text


async def test_a_reason_for_both_is_each_ones(tau_app: Settings) -> None:
    customer_id, first, second = _two_pending(tau_app)
    async with talk(tau_app, "reason-both", customer_id) as customer:
        await customer.say(f"please cancel {first} and {second}")
        turn = await customer.say("I ordered both of them by mistake")
        pending = (await customer.values()).get("pending_action") or {}
        assert pending.get("args") == {"order_id": first, "reason": "ordered by mistake"}, turn.text


@pytest.mark.parametrize(
    "said",
    [
        f"please cancel {A} and {B}, I don't need them anymore",
        f"cancel {A} and {B} because I ordered those by mistake",
        f"{A} and {B} - ordered by mistake",
    ],
)
def test_one_reason_after_the_orders_listed_is_each_ones(said: str) -> None:
    assert reasons_for_order(said, A) == reasons_for_order(said, B) != []
