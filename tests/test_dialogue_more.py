"""Vouchers, goodwill credit, refunds, "which item?" and product suggestions through the real graph."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from graph.context import Context
from shop.db import session_factory
from shop.models import AuditEntry, Customer, Order, OrderStatus, Product, Variant, Voucher
from shopdesk.conversations import Conversations
from shopdesk.profile import load_profile
from shopdesk.runtime import open_graph
from shopdesk.settings import Settings
from tests.support.app import CLOCK
from tools.views import options_text


def audits(db_url: str) -> int:
    with session_factory(db_url)() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def orders_of_standard_customers(db_url: str, status: OrderStatus) -> list[Order]:
    with session_factory(db_url)() as session:
        return list(
            session.scalars(
                select(Order)
                .join(Customer, Customer.id == Order.customer_id)
                .where(Order.status == status, Customer.tier != "vip")
                .options(selectinload(Order.items), selectinload(Order.fulfillments))
                .order_by(Order.id)
            ).all()
        )


def delivered_late(order: Order) -> bool:
    """Whether a parcel of the order arrived after its estimate: the only "late delivery" the goodwill tool grants."""
    return any(
        f.delivered_at and f.estimated_delivery and f.delivered_at > f.estimated_delivery for f in order.fulfillments
    )


def issued_vouchers(db_url: str, customer_id: str) -> list[Voucher]:
    with session_factory(db_url)() as session:
        return list(
            session.scalars(select(Voucher).where(Voucher.customer_id == customer_id, Voucher.issued_by == "bot"))
        )


async def test_voucher_codes_are_checked_without_signing_in(app: Settings) -> None:
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        valid = await chat.send("code-1", "Is the code WELCOME10 still valid?", Context())
        expired = await chat.send("code-1", "and SUMMER10?", Context())
        unknown = await chat.send("code-2", "Does the voucher code NOPE99 work?", Context())
    assert "WELCOME10 is valid" in valid.text and "10% off" in valid.text, valid.text
    assert "November 1, 2027" in valid.text  # the expiry, with its year
    assert "SUMMER10 can't be used" in expired.text and "no longer active" in expired.text, expired.text
    assert "There is no voucher NOPE99" in unknown.text, unknown.text
    assert audits(app.shop_database_url) == 0


async def test_goodwill_credit_for_a_late_delivery_within_the_limit(app: Settings) -> None:
    db = app.shop_database_url
    order = next(o for o in orders_of_standard_customers(db, OrderStatus.delivered) if delivered_late(o))
    context = Context(customer_id=order.customer_id)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        asked = await chat.send("goodwill-1", "My parcel arrived late. Could I get a voucher for the trouble?", context)
        assert "Which order" in asked.text and order.id in asked.text, asked.text  # the orders, listed
        listed = await chat.send("goodwill-1", f"It was order {order.id}", context)
        assert listed.status == "awaiting_confirmation", listed.text
        assert "10.00 USD off" in listed.text and "late delivery" in listed.text
        assert issued_vouchers(db, order.customer_id) == [] and audits(db) == 0
        done = await chat.send("goodwill-1", "yes", context)
    (voucher,) = issued_vouchers(db, order.customer_id)
    assert voucher.code in done.text and voucher.value == 10 and voucher.reason == "late delivery"


async def test_goodwill_above_the_limit_goes_to_a_person_after_yes(app: Settings) -> None:
    db = app.shop_database_url
    profile = load_profile("demo", app.profiles_dir)
    order = [o for o in orders_of_standard_customers(db, OrderStatus.delivered) if delivered_late(o)][1]
    context = Context(customer_id=order.customer_id)
    amount = profile.refunds.goodwill_max_amount + 35
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        listed = await chat.send(
            "goodwill-2", f"Order {order.id} arrived late, could I get a ${amount:.0f} credit as compensation?", context
        )
        assert listed.status == "awaiting_confirmation", listed.text
        assert f"{amount:.2f} USD off" in listed.text and "approve" in listed.text
        waiting = await chat.send("goodwill-2", "yes", context)
    assert waiting.status == "awaiting_approval", waiting.text
    assert waiting.interrupt is not None and any(
        r.startswith("voucher_over_limit") for r in waiting.interrupt["reasons"]
    )
    assert issued_vouchers(db, order.customer_id) == []


async def test_a_refund_for_a_delivered_order_is_a_return_and_a_cancelled_one_shows_its_refund(app: Settings) -> None:
    db = app.shop_database_url
    profile = load_profile("demo", app.profiles_dir)

    def returnable(order: Order) -> bool:
        delivered = [f.delivered_at for f in order.fulfillments if f.delivered_at]
        with session_factory(db)() as session:
            products = [session.get(Product, item.product_id) for item in order.items]
        return (
            bool(delivered)
            and max(delivered) > CLOCK - timedelta(days=profile.returns.window_days - 2)
            and order.total <= profile.refunds.auto_approve_limit
            and all(p is not None and not p.final_sale for p in products)
            and all(p.category not in profile.returns.final_sale_categories for p in products if p is not None)
        )

    recent = next(o for o in orders_of_standard_customers(db, OrderStatus.delivered) if returnable(o))
    cancelled = orders_of_standard_customers(db, OrderStatus.cancelled)[0]
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        context = Context(customer_id=recent.customer_id)
        refund = await chat.send("refund-1", f"I want a refund for order {recent.id}", context)
        assert refund.status == "awaiting_confirmation", refund.text
        assert f"Return {len(recent.items)} item(s) of order {recent.id}" in refund.text and "yes or no" in refund.text
        assert audits(db) == 0
        await chat.send("refund-1", "yes", context)
        status = await chat.send(
            "refund-2", f"I want a refund for order {cancelled.id}", Context(customer_id=cancelled.customer_id)
        )
    with session_factory(db)() as session:
        assert session.get(Order, recent.id).status is OrderStatus.return_requested  # type: ignore[union-attr]
    assert f"Your order {cancelled.id} is **cancelled**" in status.text, status.text
    assert "refund" in status.text.lower()
    assert audits(db) == 1


async def test_a_refund_for_a_pending_order_offers_to_cancel_it(app: Settings) -> None:
    db = app.shop_database_url
    order = orders_of_standard_customers(db, OrderStatus.pending)[0]
    context = Context(customer_id=order.customer_id)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        offer = await chat.send("refund-3", f"I want a refund for order {order.id}", context)
        assert "cancel it" in offer.text and "no longer needed" in offer.text, offer.text
        listed = await chat.send("refund-3", "I ordered it by mistake", context)
        assert listed.status == "awaiting_confirmation" and "ordered by mistake" in listed.text, listed.text
        await chat.send("refund-3", "yes", context)
    with session_factory(db)() as session:
        assert session.get(Order, order.id).status is OrderStatus.cancelled  # type: ignore[union-attr]


async def test_sending_back_an_order_that_has_not_shipped_is_cancelling_it(app: Settings) -> None:
    """ "I'll send it back as soon as it comes, I want my money" of a pending order is read as a return; the money
    comes back by cancelling it, which is what is planned, with why, instead of "it can't be returned"."""
    db = app.shop_database_url
    order = orders_of_standard_customers(db, OrderStatus.pending)[1]
    context = Context(customer_id=order.customer_id)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        offer = await chat.send(
            "unshipped-return", f"I want to return everything in {order.id} and get my money back", context
        )
        assert "hasn't shipped yet" in offer.text and "can't be returned" not in offer.text, offer.text
        listed = await chat.send("unshipped-return", "don't need it any more", context)
        assert listed.status == "awaiting_confirmation" and "Cancel order" in listed.text, listed.text
        await chat.send("unshipped-return", "yes please", context)
    with session_factory(db)() as session:
        assert session.get(Order, order.id).status is OrderStatus.cancelled  # type: ignore[union-attr]


async def test_which_item_lists_the_order_and_no_means_nothing_changes(app: Settings) -> None:
    db = app.shop_database_url

    def two_products(order: Order) -> bool:
        names = [set(item.name.lower().split()) for item in order.items]
        return len({i.product_id for i in order.items}) == 2 and len(order.items) == 2 and not (names[0] & names[1])

    order = next(o for o in orders_of_standard_customers(db, OrderStatus.pending) if two_products(o))
    first, second = order.items
    context = Context(customer_id=order.customer_id)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        what = await chat.send("which-1", f"I want to change something in my order {order.id}", context)
        assert "shipping address" in what.text and "payment method" in what.text, what.text
        which = await chat.send("which-1", "a different colour please", context)
        assert "Which item" in which.text, which.text
        for item in (first, second):  # each item, with its options
            assert item.name in which.text and str(next(iter(item.options.values()))) in which.text
        options = await chat.send("which-1", f"the {second.name}", context)
        assert f"The {second.name} is available with these options" in options.text, options.text
        with session_factory(db)() as session:
            other = session.scalars(
                select(Variant)
                .where(Variant.product_id == second.product_id, Variant.available, Variant.id != second.variant_id)
                .order_by(Variant.id)
            ).first()
        assert other is not None
        choice = ", ".join(f"{key} {value}" for key, value in other.options.items())
        asked = await chat.send("which-1", choice, context)
        # The customer has several methods the price difference can go to: asked which.
        assert "price difference" in asked.text and "what you paid with" in asked.text, asked.text
        listed = await chat.send("which-1", "keep it on the card I paid with", context)
        assert listed.status == "awaiting_confirmation", listed.text
        assert f"-> {options_text(other.options)}" in listed.text, listed.text
        declined = await chat.send("which-1", "no", context)
    assert "haven't changed anything" in declined.text
    assert audits(db) == 0
    with session_factory(db)() as session:
        kept = session.get(Order, order.id)
        assert kept is not None and kept.status is OrderStatus.pending
        assert [i.variant_id for i in kept.items] == [first.variant_id, second.variant_id]


async def test_product_answers_suggest_in_stock_products_by_the_shops_rules(app: Settings) -> None:
    profile = load_profile("demo", app.profiles_dir)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        turn = await chat.send("product-1", "What sizes does the Cloudpath Trail Runner come in?", Context())
    assert "Cloudpath Trail Runner" in turn.text and "US 10" in turn.text, turn.text
    assert "go well with it" in turn.text
    suggested = turn.text.rsplit("in stock:", 1)[1]
    assert 1 <= suggested.count(" and ") + 1 <= profile.upsell.max_suggestions
    assert "Sock" in suggested or "Spray" in suggested or "Conditioner" in suggested or "Kit" in suggested
