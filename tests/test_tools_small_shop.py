"""A tiny hand-made shop for the tools' tests (every status and edge the policy cares about), and its own checks.

The seeded demo shop is large and shared read-only; write tests need a fresh shop whose every number is known, so
each test gets this one in its own SQLite file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from shop.db import session_scope
from shop.models import (
    Address,
    AuditEntry,
    Customer,
    Fulfillment,
    Order,
    OrderItem,
    OrderStatus,
    PaymentMethod,
    PaymentMethodKind,
    Product,
    Transaction,
    TransactionKind,
    Variant,
    Voucher,
    VoucherKind,
)
from shopdesk.profile import ShopProfile, load_profile
from shopdesk.settings import PROJECT_ROOT
from tools.base import ToolContext

NOW = datetime.now()

# variant id -> (product id, options, price, stock, available)
VARIANTS: dict[str, tuple[str, dict[str, str], str, int, bool]] = {
    "shoe-42": ("shoe", {"size": "42"}, "100.00", 5, True),
    "shoe-43": ("shoe", {"size": "43"}, "110.00", 5, True),
    "shoe-44": ("shoe", {"size": "44"}, "90.00", 0, False),
    "socks-m": ("socks", {"size": "M"}, "10.00", 10, True),
    "wax-1": ("wax", {"tin": "small"}, "8.00", 0, True),
    "boxer-m": ("boxer", {"size": "M"}, "20.00", 10, True),
    "tent-2p": ("tent", {"persons": "2"}, "600.00", 3, True),
    "tent-3p": ("tent", {"persons": "3"}, "400.00", 3, True),
}
PRODUCTS = {
    "shoe": ("Trail Shoe", "shoes"),
    "socks": ("Wool Socks", "socks"),
    "wax": ("Shoe Wax", "shoe care"),
    "boxer": ("Boxer Brief", "underwear"),
    "tent": ("Dome Tent", "tents"),
}


def _order(
    order_id: str,
    customer_id: str,
    status: OrderStatus,
    variant_ids: list[str],
    paid_with: str,
    delivered_days_ago: int | None = None,
    late_days: int = 0,
) -> Order:
    items = [
        OrderItem(
            position=i,
            product_id=VARIANTS[v][0],
            variant_id=v,
            name=PRODUCTS[VARIANTS[v][0]][0],
            options=VARIANTS[v][1],
            price=Decimal(VARIANTS[v][2]),
        )
        for i, v in enumerate(variant_ids)
    ]
    total = sum((item.price for item in items), Decimal(0))
    order = Order(
        id=order_id,
        customer_id=customer_id,
        status=status,
        created_at=NOW - timedelta(days=(delivered_days_ago or 0) + 4),
        ship_line1="1 Old Road",
        ship_city="Springfield",
        ship_zip="10001",
        ship_country="USA",
        items=items,
        transactions=[Transaction(position=0, kind=TransactionKind.payment, amount=total, payment_method_id=paid_with)],
    )
    if status in (OrderStatus.shipped, OrderStatus.delivered):
        delivered = NOW - timedelta(days=delivered_days_ago) if delivered_days_ago is not None else None
        estimate = NOW + timedelta(days=2) if delivered is None else delivered - timedelta(days=late_days)
        order.fulfillments = [
            Fulfillment(
                carrier="UPS",
                tracking_number=f"1Z{order_id.strip('#')}",
                variant_ids=variant_ids,
                shipped_at=NOW - timedelta(days=(delivered_days_ago or 0) + 2),
                estimated_delivery=estimate,
                delivered_at=delivered,
            )
        ]
    return order


def build_small_shop(db_url: str) -> None:
    with session_scope(db_url) as session:
        for product_id, (name, category) in PRODUCTS.items():
            session.add(Product(id=product_id, name=name, category=category))
        for variant_id, (product_id, options, price, stock, available) in VARIANTS.items():
            session.add(
                Variant(
                    id=variant_id,
                    product_id=product_id,
                    options=options,
                    price=Decimal(price),
                    stock=stock,
                    available=available,
                )
            )
        for customer_id, first, zip_code in (("alice", "Alice", "10001"), ("bob", "Bob", "20002")):
            session.add(
                Customer(
                    id=customer_id,
                    first_name=first,
                    last_name="Smith",
                    email=f"{customer_id}@example.com",
                    addresses=[
                        Address(line1="1 Old Road", city="Springfield", zip=zip_code, country="USA", is_default=True)
                    ],
                    payment_methods=[
                        PaymentMethod(
                            id=f"cc_{customer_id}", kind=PaymentMethodKind.credit_card, brand="visa", last_four="4242"
                        )
                    ],
                )
            )
        session.add_all(
            [
                PaymentMethod(
                    id="gc_alice", customer_id="alice", kind=PaymentMethodKind.gift_card, balance=Decimal("50.00")
                ),
                PaymentMethod(id="pp_alice", customer_id="alice", kind=PaymentMethodKind.paypal),
            ]
        )
        session.flush()
        session.add_all(
            [
                _order("#P1", "alice", OrderStatus.pending, ["shoe-42", "socks-m"], "cc_alice"),
                _order("#P2", "alice", OrderStatus.pending, ["shoe-42"], "gc_alice"),
                _order("#BIG", "alice", OrderStatus.pending, ["tent-2p"], "cc_alice"),
                _order("#S1", "alice", OrderStatus.shipped, ["shoe-42"], "cc_alice"),
                _order("#D1", "alice", OrderStatus.delivered, ["shoe-42", "socks-m", "socks-m"], "cc_alice", 5),
                _order("#D2", "alice", OrderStatus.delivered, ["shoe-42"], "cc_alice", 60),
                _order("#DU", "alice", OrderStatus.delivered, ["boxer-m"], "cc_alice", 3),
                _order("#DT", "alice", OrderStatus.delivered, ["tent-2p"], "cc_alice", 2),
                # Delivered three days after its estimate: the one order a "late delivery" claim holds for.
                _order("#DL", "alice", OrderStatus.delivered, ["socks-m"], "cc_alice", 4, late_days=3),
                _order("#B1", "bob", OrderStatus.pending, ["shoe-42"], "cc_bob"),
                Voucher(code="WELCOME10", kind=VoucherKind.percent, value=Decimal(10)),
                Voucher(code="ALICE5", customer_id="alice", kind=VoucherKind.amount, value=Decimal(5)),
                Voucher(code="BOB5", customer_id="bob", kind=VoucherKind.amount, value=Decimal(5)),
                Voucher(code="OLD", kind=VoucherKind.amount, value=Decimal(5), expires_at=NOW - timedelta(days=1)),
            ]
        )


def demo_profile() -> ShopProfile:
    return load_profile("demo", PROJECT_ROOT / "shopdesk" / "profiles")


Make = Callable[..., ToolContext]


@pytest.fixture
def small_shop(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'small.db'}"
    build_small_shop(url)
    return url


@pytest.fixture
def make_ctx(small_shop: str) -> Make:
    """A ToolContext on a fresh small shop; verified as ``customer`` (alice by default, None for nobody)."""

    def make(customer: str | None = "alice", conversation: str = "conv-1") -> ToolContext:
        return ToolContext(
            db_url=small_shop, profile=demo_profile(), conversation_id=conversation, customer_id=customer
        )

    return make


def count(db_url: str, model: type, *where: object) -> int:
    with session_scope(db_url) as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


def test_small_shop_is_consistent(small_shop: str) -> None:
    with session_scope(small_shop) as session:
        orders = session.scalars(select(Order)).all()
        assert len(orders) == 10
        for order in orders:
            assert order.transactions[0].amount == order.total
    assert count(small_shop, AuditEntry) == 0
