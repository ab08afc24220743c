"""A change of an order's payment asked together with a change of its items is its own request, served first.

Played customers (dev-12) asked "switch the payment on #W1 to my PayPal and also swap the umbrella for the blue
one": the payment was read as how to pay the price difference, and one item change was proposed. An item change
ends an order's changes for good (its payment can no longer change), so the payment change comes first, then the
item change waits for its own yes; and a method named only by the payment change pays no difference. Sentences
written for these tests, after the change.
"""

from __future__ import annotations

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
