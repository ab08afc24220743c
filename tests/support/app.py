"""Point the whole application (settings, services, engines) at a test shop and data folder."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from shop.db import session_factory
from shop.models import Fulfillment, Order, OrderStatus, Product
from shop.seed import SEED_NOW
from shopdesk.profile import load_profile
from shopdesk.runtime import reset_caches
from shopdesk.settings import Settings, get_settings

# The demo shop is generated for a fixed "today"; tests freeze the shop's clock there so return windows hold.
CLOCK = SEED_NOW + timedelta(hours=3)


def copy_shop(db_url: str, folder: Path) -> str:
    """A private copy of a seeded SQLite shop, so a test may write to it."""
    target = folder / "shop.db"
    # The backup API, not a file copy: the source runs in WAL mode and its latest pages may not be in the file yet.
    with sqlite3.connect(db_url.split("///", 1)[1]) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return f"sqlite:///{target}"


def use_app_settings(monkeypatch: pytest.MonkeyPatch, data_dir: Path, db_url: str, **env: str) -> Settings:
    monkeypatch.setenv("SHOPDESK_DATA_DIR", str(data_dir))
    monkeypatch.setenv("SHOPDESK_DATABASE_URL", db_url)
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SHOPDESK_ENGINE", "SHOPDESK_CHECKPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    reset_app_caches()
    return get_settings()


def reset_app_caches() -> None:
    """Forget cached settings, services and engines, so the next caller reads the environment afresh."""
    reset_caches()


def shipped_order(db_url: str, *, one_parcel: bool = False) -> tuple[Order, str]:
    """A shipped order with a carrier and tracking number (in a single parcel if asked), its fulfillments loaded,
    and its customer's email."""
    with session_factory(db_url)() as session:
        shipped = session.scalars(
            select(Order)
            .join(Fulfillment, Fulfillment.order_id == Order.id)
            .where(Order.status == OrderStatus.shipped, Fulfillment.tracking_number != "")
            .order_by(Order.id)
        ).unique()
        for order in shipped:
            parcels = len(order.fulfillments)  # loaded before the session closes
            if not one_parcel or parcels == 1:
                return order, order.customer.email
    raise AssertionError("the demo shop has no shipped order with tracking" + (" in one parcel" if one_parcel else ""))


def pending_order(db_url: str, above: Decimal = Decimal("0")) -> Order:
    """The first pending order (by id) worth more than `above`, items and payments loaded."""
    with session_factory(db_url)() as session:
        for order in session.scalars(select(Order).where(Order.status == OrderStatus.pending).order_by(Order.id)):
            if order.total > above:
                order.transactions  # noqa: B018 - load before the session closes
                return order
    raise AssertionError(f"no pending order above {above} in the demo shop")


def delivered_order(settings: Settings, *, above: Decimal = Decimal("0"), inside_window: bool = True) -> Order:
    """A delivered order with one shipment and no final-sale item, worth more than `above`, delivered well inside
    (or well outside) the return window at CLOCK; items and payments loaded."""
    profile = load_profile("demo", settings.profiles_dir)
    window_start = CLOCK - timedelta(days=profile.returns.window_days)
    delivered = (
        Fulfillment.delivered_at > window_start + timedelta(days=2)
        if inside_window
        else Fulfillment.delivered_at < window_start - timedelta(days=5)
    )
    with session_factory(settings.shop_database_url)() as session:
        orders = session.scalars(
            select(Order)
            .join(Fulfillment, Fulfillment.order_id == Order.id)
            .where(Order.status == OrderStatus.delivered, delivered)
            .order_by(Order.id)
        ).unique()
        for order in orders:
            products = [session.get(Product, item.product_id) for item in order.items]
            final = any(
                p is None or p.final_sale or p.category in profile.returns.final_sale_categories for p in products
            )
            if order.total > above and not final and len(order.fulfillments) == 1:
                order.transactions  # noqa: B018 - load before the session closes
                return order
    raise AssertionError("no such delivered order in the demo shop")
