"""A write does exactly what the customer named, through the real graph: never another item, never another person.

Each case builds the order it needs in a private copy of the demo shop (delivered three days before the frozen
clock, so inside the return window), then talks to the local engine as a customer signed in on the storefront.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from graph.context import Context
from shop.db import session_scope
from shop.models import (
    Address,
    AuditEntry,
    Customer,
    Fulfillment,
    Order,
    OrderItem,
    OrderStatus,
    Product,
    Return,
    Transaction,
    TransactionKind,
    Variant,
)
from shopdesk.conversations import Conversations
from shopdesk.runtime import open_graph
from shopdesk.settings import Settings
from tests.support.app import CLOCK


def standard_customers(db_url: str, count: int) -> list[tuple[str, str]]:
    """Ids and emails of standard-tier customers with a card on file."""
    with session_scope(db_url) as session:
        customers = session.scalars(select(Customer).where(Customer.tier == "standard").order_by(Customer.id))
        return [(c.id, c.email) for c in customers if c.payment_methods][:count]


def delivered_order_of(db_url: str, customer_id: str, order_id: str, product_names: list[str]) -> dict[str, str]:
    """A new delivered order of the customer with one unit of each product; returns product name -> variant id."""
    variants: dict[str, str] = {}
    with session_scope(db_url) as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        card = customer.payment_methods[0]
        items = []
        for position, name in enumerate(product_names):
            product = session.scalars(select(Product).where(Product.name == name)).one()
            variant = session.scalars(select(Variant).where(Variant.product_id == product.id)).first()
            assert variant is not None
            variants[name] = variant.id
            items.append(
                OrderItem(
                    position=position,
                    product_id=product.id,
                    variant_id=variant.id,
                    name=product.name,
                    options=dict(variant.options),
                    price=variant.price,
                )
            )
        total = sum((item.price for item in items), Decimal(0))
        arrived = CLOCK - timedelta(days=3)
        session.add(
            Order(
                id=order_id,
                customer_id=customer_id,
                status=OrderStatus.delivered,
                created_at=arrived - timedelta(days=5),
                ship_line1="1 Test Road",
                ship_city="Springfield",
                ship_zip="10001",
                ship_country="USA",
                items=items,
                transactions=[
                    Transaction(position=0, kind=TransactionKind.payment, amount=total, payment_method_id=card.id)
                ],
                fulfillments=[
                    Fulfillment(
                        carrier="UPS",
                        tracking_number=f"1Z{order_id[2:]}",
                        variant_ids=list(variants.values()),
                        shipped_at=arrived - timedelta(days=3),
                        estimated_delivery=arrived,
                        delivered_at=arrived,
                    )
                ],
            )
        )
    return variants


def returns_of(db_url: str, order_id: str) -> list[list[str]]:
    with session_scope(db_url) as session:
        return [list(r.variant_ids) for r in session.scalars(select(Return).where(Return.order_id == order_id))]


async def test_a_final_sale_item_is_refused_never_swapped_for_another(app: Settings) -> None:
    db = app.shop_database_url
    ((customer_id, _),) = standard_customers(db, 1)
    delivered_order_of(db, customer_id, "#W9990001", ["Compass Rose Drop Earrings", "Stormline 3L Rain Jacket"])
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        turn = await chat.send(
            "earrings", "I want to return the earrings from order #W9990001", Context(customer_id=customer_id)
        )
        assert "final sale" in turn.text, turn.text
        assert turn.status != "awaiting_confirmation" and "Rain Jacket" not in turn.text, turn.text
        after = await chat.send("earrings", "yes", Context(customer_id=customer_id))
    assert returns_of(db, "#W9990001") == [], after.text


async def test_only_the_named_item_is_returned(app: Settings) -> None:
    db = app.shop_database_url
    ((customer_id, _),) = standard_customers(db, 1)
    names = ["Merino Hiker Crew Sock", "Featherlite Insulated Jacket"]
    variants = delivered_order_of(db, customer_id, "#W9990002", names)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        context = Context(customer_id=customer_id)
        listed = await chat.send("socks", "I'd like to return only the socks from order #W9990002", context)
        assert listed.status == "awaiting_confirmation", listed.text
        assert "Merino Hiker Crew Sock" in listed.text and "Featherlite" not in listed.text, listed.text
        await chat.send("socks", "yes", context)
    assert returns_of(db, "#W9990002") == [[variants["Merino Hiker Crew Sock"]]]


async def test_the_whole_order_leaves_its_final_sale_item_and_says_so(app: Settings) -> None:
    db = app.shop_database_url
    ((customer_id, _),) = standard_customers(db, 1)
    names = ["Mountain Peak Stud Earrings", "Merino Hiker Crew Sock"]
    delivered_order_of(db, customer_id, "#W9990003", names)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        listed = await chat.send("whole", "Please return my order #W9990003", Context(customer_id=customer_id))
    assert listed.status == "awaiting_confirmation", listed.text
    assert "Mountain Peak Stud Earrings is final sale" in listed.text, listed.text
    assert "Return Merino Hiker Crew Sock (" in listed.text and "Return Mountain Peak" not in listed.text, listed.text


async def test_another_customers_address_is_refused_not_redirected_to_the_speaker(app: Settings) -> None:
    db = app.shop_database_url
    (speaker, _), (other, other_email) = standard_customers(db, 2)

    def book(customer_id: str) -> list[tuple[str, str]]:
        with session_scope(db) as session:
            rows = session.scalars(select(Address).where(Address.customer_id == customer_id).order_by(Address.id))
            return [(a.line1, a.zip) for a in rows]

    before = (book(speaker), book(other))
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        context = Context(customer_id=speaker)
        text = f"Please change the default address of {other_email} to 12 Oak Road, Boston, MA 02110, USA"
        turn = await chat.send("address", text, context)
        assert "verified customer" in turn.text, turn.text
        await chat.send("address", "yes", context)
    assert (book(speaker), book(other)) == before
    with session_scope(db) as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0
