"""The queue of requests said together, and what carries over from one request to the next.

Classes (round 18 of played customers), each tested with sentences written for these tests after the change:
- one act named for several orders ("cancel #W1 and #W2") is the rest of the request in hand: each order is offered
  in turn before anything asked for earlier;
- two requests for the same order in one message ("two things: ship it elsewhere, and change the lamp"): the second
  is queued as what it says (a change of items), and offered after the first write;
- acts counted as tasks ("two returns, and some changes", "the second return is from #W1") name the act: the bot
  starts on the first, it neither answers from the knowledge nor asks what it is about;
- a queued request is quoted back without the identity said in its sentence;
- "a few changes to make to an order": once the first is written, the bot asks what else to change on that order
  before offering the request for another order.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from graph.context import Context
from graph.nlu.acts import announces_several_changes, first_named_act, named_acts
from shop.db import session_factory
from shop.models import Order, OrderStatus
from shopdesk.settings import Settings
from tests.support.people import conversation, people, say


def status_of(db_url: str, order_id: str) -> OrderStatus:
    with session_factory(db_url)() as session:
        return session.scalars(select(Order.status).where(Order.id == order_id)).one()


def _of_status(person: Any, status: OrderStatus) -> list[Order]:
    return [o for o in person.orders if o.status is status]


def _two_places(c: Any) -> bool:
    """Two small pending orders that ship to different places (the first may take the second's address)."""
    pending = [o for o in c.orders if o.status is OrderStatus.pending and o.total < 400]
    return len(pending) >= 2 and pending[0].ship_line1 != pending[1].ship_line1


def _small_pending_pair(person: Any) -> tuple[Order, Order]:
    pending = [o for o in person.orders if o.status is OrderStatus.pending and o.total < 400]
    return pending[0], pending[1]


def test_acts_counted_as_tasks_name_the_act() -> None:
    assert named_acts("Hello there, I've got a couple of exchanges and one cancellation to do") == [
        "exchange_request",
        "cancel_order",
    ]
    assert first_named_act("ok, next return: the headphones from the March order") == "return_request"
    assert first_named_act("one more exchange please, this time the sneakers") == "exchange_request"
    assert first_named_act("I have several modifications for an order of mine") == "change_order"
    # The act in general, or a word that only looks like one, names no task of theirs.
    for said in (
        "how long does a return usually take?",
        "what is the return policy for sale items?",
        "can I make an exchange after 30 days?",
        "thanks, that was a big change for the better",
    ):
        assert first_named_act(said) is None, said


def test_several_changes_announced_for_an_order() -> None:
    assert announces_several_changes("I need to make some changes to my latest order")
    assert announces_several_changes("there are a couple of updates for order #W1234567")
    assert not announces_several_changes("I need to change the address on my order")
    assert not announces_several_changes("can I change my order?")


async def test_acts_announced_by_their_nouns_start_the_first_one(tau_app: Settings) -> None:
    async with conversation(tau_app) as (chat, _):
        turn = await say(chat, "counted", "Hello! Several things on my list today: a couple of exchanges and a return.")
    assert "email" in turn.text.lower() and "reliable" not in turn.text.lower(), turn.text


async def test_the_same_act_for_two_orders_comes_before_what_was_asked_earlier(tau_app: Settings) -> None:
    db = tau_app.shop_database_url
    person = people(db, lambda c: sum(o.status is OrderStatus.pending for o in c.orders) >= 3)[1]
    first, second, third = _of_status(person, OrderStatus.pending)[:3]
    context = Context(customer_id=person.id)
    async with conversation(tau_app) as (chat, graph):
        await say(
            chat,
            "both-first",
            "hello, I want to cancel a couple of orders and also modify another one",
            context=context,
        )
        proposed = await say(
            chat, "both-first", f"ok so {first.id} plus {second.id} please, both ordered by mistake", context=context
        )
        assert proposed.status == "awaiting_confirmation" and first.id in proposed.text, proposed.text
        done = await say(chat, "both-first", "yes", context=context)
        offer = done.text.split("\n\n")[-1]
        assert second.id in offer, done.text
        taken = await say(chat, "both-first", "yes", context=context)
        assert taken.status == "awaiting_confirmation" and second.id in taken.text, taken.text
        await say(chat, "both-first", "yes", context=context)
        values = (await graph.aget_state(chat.config("both-first"))).values
    assert status_of(db, first.id) is OrderStatus.cancelled and status_of(db, second.id) is OrderStatus.cancelled
    assert third.id not in proposed.text
    # What was asked for earlier still waits its turn.
    assert any("modify" in r["text"] for r in values["dialogue"].get("queued", [])), values["dialogue"]


async def test_two_requests_on_one_order_are_both_served(tau_app: Settings) -> None:
    db = tau_app.shop_database_url
    person = people(db, _two_places)[0]
    order, other = _small_pending_pair(person)
    item = order.items[0].name
    context = Context(customer_id=person.id)
    async with conversation(tau_app) as (chat, graph):
        proposed = await say(
            chat,
            "two-on-one",
            f"About {order.id}, two things: send it to the same place as {other.id}, and change the {item.lower()}.",
            context=context,
        )
        assert proposed.status == "awaiting_confirmation" and "ship" in proposed.text.lower(), proposed.text
        done = await say(chat, "two-on-one", "yes", context=context)
        assert item.lower() in done.text.split("\n\n")[-1].lower(), done.text
        await say(chat, "two-on-one", "yes", context=context)
        values = (await graph.aget_state(chat.config("two-on-one"))).values
    assert values["dialogue"].get("intent") == "change_items", values["dialogue"]
    assert values["dialogue"].get("slots", {}).get("order_id") == order.id, values["dialogue"]


async def test_the_next_return_carries_no_item_of_the_one_before(tau_app: Settings) -> None:
    db = tau_app.shop_database_url

    def cheap_unique(order: Order, other: Order) -> list[str]:
        # An item of its own, cheap enough to be returned without a colleague's approval.
        theirs = {i.name for i in other.items}
        return [i.name for i in order.items if i.name not in theirs and i.price < 150]

    def two_delivered(c: Any) -> bool:
        delivered = [o for o in c.orders if o.status is OrderStatus.delivered]
        return (
            len(delivered) >= 2
            and bool(cheap_unique(delivered[0], delivered[1]))
            and bool(cheap_unique(delivered[1], delivered[0]))
        )

    person = people(db, two_delivered)[0]
    one, two = _of_status(person, OrderStatus.delivered)[:2]
    first_item, second_item = cheap_unique(one, two)[0], cheap_unique(two, one)[0]
    context = Context(customer_id=person.id)
    async with conversation(tau_app) as (chat, _):
        proposed = await say(
            chat, "next-return", f"I'd like to send back the {first_item.lower()} from {one.id}", context=context
        )
        assert proposed.status == "awaiting_confirmation", proposed.text
        await say(chat, "next-return", "yes", context=context)
        # The items said as a bare list (no "the"): whatever the bot makes of them, the return done before is not it.
        again = await say(
            chat,
            "next-return",
            f"One more return then. From order {two.id} I am sending back this item: {second_item.lower()}",
            context=context,
        )
    assert first_item.lower() not in again.text.lower() and two.id in again.text, again.text
    # Items said where the entity reader misses them are read or asked for, never every item of the order.
    assert again.status != "awaiting_confirmation" or "Return 1 item" in again.text, again.text


async def test_a_queued_request_is_quoted_without_the_identity(tau_app: Settings) -> None:
    db = tau_app.shop_database_url
    person = people(db, lambda c: sum(o.status is OrderStatus.pending for o in c.orders) >= 2)[3]
    async with conversation(tau_app) as (chat, graph):
        await say(
            chat,
            "quoted",
            f"hey, I'd like to cancel one order and also to return something from another one. "
            f"{person.name} here, postcode {person.zip}.",
        )
        values = (await graph.aget_state(chat.config("quoted"))).values
    queued = values["dialogue"].get("queued", [])
    assert queued and all(person.zip not in r["text"] for r in queued), queued


async def test_a_few_changes_on_an_order_ask_what_else_before_the_next_order(tau_app: Settings) -> None:
    db = tau_app.shop_database_url
    person = people(db, _two_places)[1]
    order, other = _small_pending_pair(person)
    context = Context(customer_id=person.id)
    async with conversation(tau_app) as (chat, _):
        await say(
            chat,
            "few-changes",
            "Good morning, there are some changes I need on one order, and also a cancellation of a different one.",
            context=context,
        )
        proposed = await say(
            chat,
            "few-changes",
            f"Let's begin with {order.id}: send it to the same place as {other.id}",
            context=context,
        )
        assert proposed.status == "awaiting_confirmation", proposed.text
        done = await say(chat, "few-changes", "yes", context=context)
        assert "what else" in done.text.lower() and order.id in done.text.split("\n\n")[-1], done.text
        assert "You also asked" not in done.text, done.text
