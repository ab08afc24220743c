"""Point the whole application (settings, services, engines) at a test shop and data folder."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from graph.llm.factory import _build
from graph.services import clear_services
from shop.db import session_factory
from shop.models import Fulfillment, Order, OrderStatus
from shopdesk.settings import Settings, get_settings


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
    get_settings.cache_clear()
    clear_services()
    _build.cache_clear()
    return get_settings()


def shipped_order(db_url: str) -> tuple[Order, str]:
    """A shipped order with a carrier and tracking number, and its customer's email."""
    with session_factory(db_url)() as session:
        return _shipped(session)


def _shipped(session: Session) -> tuple[Order, str]:
    order = session.scalars(
        select(Order)
        .join(Fulfillment, Fulfillment.order_id == Order.id)
        .where(Order.status == OrderStatus.shipped, Fulfillment.tracking_number != "")
        .order_by(Order.id)
    ).first()
    assert order is not None, "the demo shop has no shipped order with tracking"
    order.fulfillments  # noqa: B018 - load before the session closes
    return order, order.customer.email
