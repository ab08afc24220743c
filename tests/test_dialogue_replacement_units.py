"""A new unit of the very item the customer has: a replacement is a change to their own variant.

Played tau-bench customers with a broken item asked for "the black optical wired one, mine doesn't work" (their own
options, named as the one wanted) and were told theirs is already that; one who asked "a new one of the same" before
being verified was shown the options to choose from. The shop's item changes take the item's own variant as the new
one (a replacement, no price difference). Classes: their own values named with a fault or the word for a new unit;
words of sameness said before verification; contrasts that ask for their own values with neither (told it is theirs)
or for "a different one" (asked which). Sentences written after the change; the shop's database is what is checked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from graph.llm.dialogue.remedies import named_remedy
from shop.db import session_factory
from shop.models import Order, OrderStatus, Product, Variant
from shopdesk.settings import Settings
from tests.support.people import Person, conversation, people, say
from tests.test_dialogue_item_problems import _delivered_with_unique_item
from tools.views import options_text


def _pending_with_unique_item(
    db_url: str, keep: Callable[[Person, Order], bool] = lambda person, order: True
) -> tuple[Person, Order, Any]:
    """A customer with a pending order whose first item no other order of theirs holds (by name), of a product with
    several versions, its own version still sold (and that `keep` accepts)."""
    for person in people(db_url, lambda c: len(c.orders) >= 2):
        names = [item.name.lower() for order in person.orders for item in order.items]
        for order in person.orders:
            if order.status is not OrderStatus.pending or len({i.name for i in order.items}) != len(order.items):
                continue
            item = order.items[0]
            if names.count(item.name.lower()) != 1 or len(item.name.split()) > 2 or len(item.options) < 2:
                continue
            with session_factory(db_url)() as session:
                variant = session.scalars(select(Variant).where(Variant.id == item.variant_id)).one()
                product = session.get(Product, item.product_id)
                if variant.available and product is not None and len(product.variants) > 2 and keep(person, order):
                    return person, order, item
    raise AssertionError("no pending order fits the test")


def _order_now(db_url: str, order_id: str) -> Order:
    with session_factory(db_url)() as session:
        order = session.get(Order, order_id)
        assert order is not None
        _ = list(order.items), list(order.returns)
        return order


@pytest.mark.parametrize(
    "asked",
    [
        "the {item} on {order} keeps disconnecting, please change it to the {own} one, I just want a working unit",
        "could you swap the {item} in {order} for {own}? mine came with a cracked casing",
        "for {order} I need to replace the {item} with a {own} one",
    ],
)
async def test_their_own_values_named_for_a_new_unit_change_the_item_to_itself(tau_app: Settings, asked: str) -> None:
    db = tau_app.shop_database_url
    person, order, item = _pending_with_unique_item(db)
    own = ", ".join(str(value) for value in item.options.values())
    async with conversation(tau_app) as (chat, _):
        await say(chat, "own-values", person.email)
        proposed = await say(chat, "own-values", asked.format(item=item.name.lower(), order=order.id, own=own))
        assert proposed.status == "awaiting_confirmation", proposed.text
        assert "a new one with the same options" in proposed.text, proposed.text
        await say(chat, "own-values", "yes")
    changed = _order_now(db, order.id)
    assert changed.status is OrderStatus.pending_items_modified
    assert [i.variant_id for i in changed.items] == [i.variant_id for i in order.items]


async def test_sameness_said_before_verification_is_kept(tau_app: Settings) -> None:
    db = tau_app.shop_database_url
    person, order, item = _pending_with_unique_item(db)
    async with conversation(tau_app) as (chat, _):
        asked = f"hello, the {item.name.lower()} on {order.id} stopped working; I want it swapped for one just like it"
        await say(chat, "before", asked)
        proposed = await say(chat, "before", person.email)
        assert proposed.status == "awaiting_confirmation", proposed.text
        assert "a new one with the same options" in proposed.text, proposed.text
        await say(chat, "before", "yes please")
    assert _order_now(db, order.id).status is OrderStatus.pending_items_modified


async def test_a_delivered_item_named_by_its_own_values_with_a_fault_is_exchanged_for_a_new_unit(
    tau_app: Settings,
) -> None:
    db = tau_app.shop_database_url
    person, order, item = _delivered_with_unique_item(db, own_variant_available=True)
    own = options_text(item.options)
    async with conversation(tau_app) as (chat, _):
        await say(chat, "delivered", person.email)
        asked = f"the {item.name.lower()} from {order.id} stopped working after a week; exchange it for the {own} one"
        proposed = await say(chat, "delivered", asked)
        assert proposed.status == "awaiting_confirmation", proposed.text
        await say(chat, "delivered", "yes")
    exchanged = _order_now(db, order.id)
    assert exchanged.status is OrderStatus.exchange_requested
    (request,) = exchanged.returns
    assert request.variant_ids == [item.variant_id] and request.new_variant_ids == [item.variant_id]


@pytest.mark.parametrize(
    ("asked", "told"),
    [
        # Their own values with no new unit asked for: it is theirs already, and they are asked what they want.
        ("please change the {item} on {order} to the {own} one", "already"),
        # A fault, but another kind of thing wanted: which one is asked, nothing is proposed.
        ("the {item} on {order} is broken, I'd like a different one", "which"),
    ],
)
async def test_own_values_without_a_replacement_are_not_one(tau_app: Settings, asked: str, told: str) -> None:
    db = tau_app.shop_database_url
    person, order, item = _pending_with_unique_item(db)
    own = ", ".join(str(value) for value in item.options.values())
    async with conversation(tau_app) as (chat, _):
        await say(chat, "contrast", person.email)
        turn = await say(chat, "contrast", asked.format(item=item.name.lower(), order=order.id, own=own))
    assert turn.status != "awaiting_confirmation", turn.text
    if told == "already":
        assert "is already" in turn.text, turn.text
    assert "Which one would you like" in turn.text, turn.text
    assert _order_now(db, order.id).status is OrderStatus.pending


async def test_a_method_named_for_a_new_unit_at_no_price_difference_is_the_one_it_is_recorded_with(
    tau_app: Settings,
) -> None:
    """ "Please use my gift card for that" at a replacement with no price difference was no yes and no correction (the
    proposal moved no money), and the customer got "no reliable information": the change is proposed again with the
    method named, and written with it. A yes with a method "should anything need paying" stays a yes (above)."""
    from shop.models import PaymentMethod, PaymentMethodKind, Transaction
    from tests.support.people import talk

    db = tau_app.shop_database_url

    def another_method(person: Person, order: Order) -> PaymentMethod | None:
        """A method the order was not paid with, not a card, the only one of its kind on the account."""
        with session_factory(db)() as session:
            paid = set(session.scalars(select(Transaction.payment_method_id).where(Transaction.order_id == order.id)))
            methods = list(session.scalars(select(PaymentMethod).where(PaymentMethod.customer_id == person.id)))
            for method in methods:
                session.expunge(method)
        kinds = [m.kind for m in methods]
        return next(
            (
                m
                for m in methods
                if m.id not in paid and m.kind is not PaymentMethodKind.credit_card and kinds.count(m.kind) == 1
            ),
            None,
        )

    # Below 400: no colleague's approval in the way.
    person, order, item = _pending_with_unique_item(db, lambda p, o: o.total < 400 and another_method(p, o) is not None)
    other = another_method(person, order)
    assert other is not None
    words = {PaymentMethodKind.paypal: "paypal", PaymentMethodKind.gift_card: "gift card"}[other.kind]
    async with talk(tau_app, "method-at-no-difference", person.id) as customer:
        await customer.say(f"my {item.name.lower()} on {order.id} doesn't work, I'd like a replacement unit")
        again = await customer.say(f"please use my {words} for that")
        assert again.status == "awaiting_confirmation" and "a new one with the same options" in again.text, again.text
        done = await customer.say("yes")
        assert "has been changed" in done.text, done.text
        changed = await customer.tool_calls("modify_order_items")
    # Proposed first with what the order was paid with, then again with the method named: the latter is written.
    assert changed[-1]["args"]["payment_method_id"] == other.id, changed
    assert _order_now(db, order.id).status is OrderStatus.pending_items_modified


# Keeping everything, or turning down every change, said at the choice between a refund and a new unit (after a
# question about the choices): a no to the item change, never a new unit of the same variant proposed. Both remedies
# turned away in one breath ("don't want to return or exchange") are both turned away, not the second one asked for.
@pytest.mark.parametrize(
    "keeps",
    [
        "Thinking about it, I'll just keep everything as it is. I don't want to return or exchange anything.",
        "Let's leave it, I'm keeping the kettle the way it is.",
        "Actually I'll keep it. I do not want to send it back or swap it.",
    ],
)
async def test_keeping_the_item_at_the_choice_is_no_new_unit(tau_app: Settings, keeps: str) -> None:
    db = tau_app.shop_database_url
    before = _order_now(db, "#W3547545")
    async with conversation(tau_app) as (chat, _):
        await say(chat, "keeps", "Hi, the tea kettle from my order #W3547545 looks nothing like the pictures online.")
        await say(chat, "keeps", "Juan Smith, zip code 78770")
        await say(
            chat,
            "keeps",
            "Before I choose: what do the two options mean? Is the exchange for another kettle, and how is a "
            "refund paid?",
        )
        turn = await say(chat, "keeps", keeps)
    assert turn.status != "awaiting_confirmation" and "a new one with the same options" not in turn.text, turn.text
    after = _order_now(db, "#W3547545")
    assert after.status is before.status and [i.variant_id for i in after.items] == [i.variant_id for i in before.items]
    assert len(after.returns) == len(before.returns)


@pytest.mark.parametrize(
    "text",
    [
        "I do not want a refund or a new one, forget it",
        "no exchange nor refund, thanks",
        "honestly I don't need to return or replace anything",
    ],
)
def test_remedies_turned_away_together_name_none(text: str) -> None:
    assert named_remedy(text) is None, text


@pytest.mark.parametrize(
    ("text", "remedy"),
    [
        ("I don't want a refund, a new one please", "exchange"),
        ("not a refund, an exchange", "exchange"),
        ("I don't want to return it, replace it", "exchange"),
        ("no swap, just my money back", "return"),
    ],
)
def test_one_remedy_turned_away_and_another_asked_is_the_other(text: str, remedy: str) -> None:
    assert named_remedy(text) == remedy, text
