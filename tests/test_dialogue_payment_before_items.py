"""A change of an order's payment asked together with a change of its items is its own request, served first.

Played customers (dev-12) asked "switch the payment on #W1 to my PayPal and also swap the umbrella for the blue
one": the payment was read as how to pay the price difference, and one item change was proposed. An item change
ends an order's changes for good (its payment can no longer change), so the payment change comes first, then the
item change waits for its own yes; and a method named only by the payment change pays no difference. Sentences
written for these tests, after the change.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from graph.context import Context
from shop.db import session_factory
from shop.models import Order, OrderStatus, PaymentMethod, PaymentMethodKind, Product, Transaction
from shopdesk.settings import Settings
from tests.support.people import conversation, say, tool_calls


def _order_to_change(db_url: str) -> tuple[str, str, PaymentMethod, str, str]:
    """A pending order paid with one method, whose customer has a credit card besides, and an item of it that comes
    in another available variant: (customer, order, that card, the item's name, the other variant's options)."""
    from tools.views import options_text

    with session_factory(db_url)() as session:
        for order in session.scalars(select(Order).where(Order.status == OrderStatus.pending).order_by(Order.id)):
            paid = set(session.scalars(select(Transaction.payment_method_id).where(Transaction.order_id == order.id)))
            cards = [
                m
                for m in session.scalars(select(PaymentMethod).where(PaymentMethod.customer_id == order.customer_id))
                if m.id not in paid and m.kind is PaymentMethodKind.credit_card
            ]
            names = [i.name for i in order.items]
            for item in order.items:
                if names.count(item.name) > 1 or not cards or len(paid) != 1 or order.total >= 400:
                    continue
                product = session.get(Product, item.product_id)
                other = next(
                    (v for v in (product.variants if product else []) if v.available and v.id != item.variant_id), None
                )
                if other is not None:
                    session.expunge(cards[0])
                    return order.customer_id, order.id, cards[0], item.name.lower(), options_text(other.options)
    raise AssertionError("no pending order fits the test")


async def test_a_payment_change_asked_with_an_item_change_is_served_first(tau_app: Settings) -> None:
    customer, order_id, card, item, wanted = _order_to_change(tau_app.shop_database_url)
    context = Context(customer_id=customer)
    async with conversation(tau_app) as (chat, graph):
        first = await say(
            chat,
            "pay-then-items",
            f"could you switch the payment for {order_id} to my credit card ending {card.last_four}, "
            f"and then change the {item} to {wanted}?",
            context=context,
        )
        assert first.status == "awaiting_confirmation", first.text
        assert f"ending {card.last_four}" in first.text and item not in first.text.lower(), first.text
        done = await say(chat, "pay-then-items", "yes", context=context)
        paid = await tool_calls(graph, chat, "pay-then-items", "modify_order_payment")
        assert {c["args"]["payment_method_id"] for c in paid} == {card.id}, paid
        assert item in done.text.lower(), done.text  # the item change is offered next
        nxt = await say(chat, "pay-then-items", "yes please", context=context)
    assert item in nxt.text.lower(), nxt.text
    # Nothing is written on the items before its own yes.
    with session_factory(tau_app.shop_database_url)() as session:
        assert session.get(Order, order_id).status is OrderStatus.pending  # type: ignore[union-attr]


async def test_said_after_the_item_change_the_payment_change_still_comes_first(tau_app: Settings) -> None:
    customer, order_id, card, item, wanted = _order_to_change(tau_app.shop_database_url)
    context = Context(customer_id=customer)
    async with conversation(tau_app) as (chat, graph):
        first = await say(
            chat,
            "items-then-pay",
            f"For {order_id} I want the {item} in {wanted} instead. Also, can the payment method be changed "
            f"to my credit card ending {card.last_four}?",
            context=context,
        )
        values = (await graph.aget_state(chat.config("items-then-pay"))).values
    assert first.status == "awaiting_confirmation", first.text
    assert values["pending_action"]["name"] == "modify_order_payment", values["pending_action"]
    assert [r["intent"] for r in values["dialogue"]["queued"]] == ["change_items"], values["dialogue"]


# ------------------------------------------------------------- a method tied to the item change pays its difference
# A reviewer found the rule above firing when the payment words only say how to pay the item change's price
# difference ("... Also switch the payment to my credit card ending 3061 for that."): the whole order's payment was
# proposed for a change. A payment clause tied to the change (a word pointing back at it, what the money is for) is
# the item change's payment; only one with no such tie changes how the whole order is paid. The first three
# sentences are the reviewer's; the rest were written for this test after the fix.


def _dearer_change(db_url: str) -> tuple[str, str, PaymentMethod, str, str]:
    """As `_order_to_change`, with a variant that costs more than the item, so the change has a difference to pay."""
    from tools.views import options_text

    with session_factory(db_url)() as session:
        for order in session.scalars(select(Order).where(Order.status == OrderStatus.pending).order_by(Order.id)):
            paid = set(session.scalars(select(Transaction.payment_method_id).where(Transaction.order_id == order.id)))
            cards = [
                m
                for m in session.scalars(select(PaymentMethod).where(PaymentMethod.customer_id == order.customer_id))
                if m.id not in paid and m.kind is PaymentMethodKind.credit_card
            ]
            names = [i.name for i in order.items]
            for item in order.items:
                if names.count(item.name) > 1 or not cards or len(paid) != 1:
                    continue
                product = session.get(Product, item.product_id)
                variants = product.variants if product else []
                now = next((v for v in variants if v.id == item.variant_id), None)
                dearer = next(
                    (v for v in variants if v.available and now is not None and v.price > now.price),
                    None,
                )
                if dearer is not None:
                    session.expunge(cards[0])
                    return order.customer_id, order.id, cards[0], item.name.lower(), options_text(dearer.options)
    raise AssertionError("no pending order fits the test")


@pytest.mark.parametrize(
    "ask",
    [
        # the reviewer's
        "change the {item} on {order} to {wanted}. Also switch the payment to my credit card ending {card} for that.",
        "change the {item} on {order} to {wanted}, and change the payment method to my credit card ending {card} to "
        "cover it.",
        "change the {item} on {order} to {wanted}. Please update the payment method to credit card ending {card} for "
        "the upgrade.",
        # written after the fix
        "On {order} I'd like the {item} in {wanted}. Switch the payment over to my credit card ending {card} for it.",
        "please make the {item} in {order} {wanted} instead, and change my payment to the card ending {card} since "
        "the new one is more expensive.",
        "I want the {item} from {order} as {wanted}. And can you charge it to my credit card ending {card}?",
        "swap the {item} on {order} for {wanted}; also change the payment to my card ending {card} for the new "
        "version.",
    ],
)
async def test_a_method_tied_to_the_item_change_pays_its_difference(tau_app: Settings, ask: str) -> None:
    customer, order_id, card, item, wanted = _dearer_change(tau_app.shop_database_url)
    context = Context(customer_id=customer)
    text = ask.format(item=item, order=order_id, wanted=wanted, card=card.last_four)
    async with conversation(tau_app) as (chat, graph):
        first = await say(chat, "tied", text, context=context)
        values = (await graph.aget_state(chat.config("tied"))).values
        assert first.status == "awaiting_confirmation", first.text
        assert values["pending_action"]["name"] == "modify_order_items", values["pending_action"]
        assert values["pending_action"]["args"]["payment_method_id"] == card.id, values["pending_action"]
        queued = [r["intent"] for r in (values.get("dialogue") or {}).get("queued") or []]
        assert "change_payment" not in queued, queued
        await say(chat, "tied", "yes", context=context)
        assert not await tool_calls(graph, chat, "tied", "modify_order_payment")


@pytest.mark.parametrize(
    ("words", "tied"),
    [
        ("Also put the payment on my mastercard for this.", True),
        ("and move the payment to my paypal to cover the extra cost", True),
        ("then bill it to my card ending 1234", True),
        ("use my visa for the replacement", True),
        ("Und stell die Zahlung dafür auf meine Kreditkarte um.", True),
        ("Die Zahlung bitte auf PayPal, um den Aufpreis zu decken.", True),
        ("Also switch the payment for that order to my visa.", False),
        ("and change the payment method on #W1 to my paypal", False),
        ("Bitte stell die Zahlung der Bestellung auf PayPal um.", False),
    ],
)
def test_a_payment_clause_is_read_as_tied_to_the_change_beside_it_or_not(words: str, tied: bool) -> None:
    """The reader itself, German too (the tau shop above is English): the tie to the change, or none."""
    from graph.llm.dialogue.other_requests import _pays_the_request_in_hand

    assert _pays_the_request_in_hand(words) is tied


@pytest.mark.parametrize(
    "ask",
    [
        "change the {item} on {order} to {wanted}. Also switch the payment for that order to my credit card ending "
        "{card}.",
        "please change the payment method on {order} to my credit card ending {card}, and also swap the {item} for "
        "{wanted}.",
    ],
)
async def test_a_payment_change_of_the_whole_order_still_comes_first(tau_app: Settings, ask: str) -> None:
    """Written after the fix: no tie to the item change ("for that order" names the order), so the order's payment
    changes first, as above."""
    customer, order_id, card, item, wanted = _order_to_change(tau_app.shop_database_url)
    context = Context(customer_id=customer)
    text = ask.format(item=item, order=order_id, wanted=wanted, card=card.last_four)
    async with conversation(tau_app) as (chat, graph):
        first = await say(chat, "whole", text, context=context)
        values = (await graph.aget_state(chat.config("whole"))).values
    assert first.status == "awaiting_confirmation", first.text
    assert values["pending_action"]["name"] == "modify_order_payment", values["pending_action"]
    assert [r["intent"] for r in values["dialogue"]["queued"]] == ["change_items"], values["dialogue"]
