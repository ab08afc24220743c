"""The same seeding and import code against PostgreSQL gives the same shop as on SQLite."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from shop.db import session_scope
from shop.models import Order, OrderStatus
from shop.seed import seed_demo
from shop.taubench import export_taubench, import_taubench


def _order_snapshot(db_url: str, order_id: str) -> dict[str, Any]:
    """One order with everything hanging off it, as plain values (database ids left out)."""
    with session_scope(db_url) as session:
        order = session.get(Order, order_id)
        assert order is not None, order_id
        return {
            "customer": (order.customer_id, order.customer.email, order.customer.tier),
            "status": order.status,
            "created_at": order.created_at,
            "address": order.shipping_address(),
            "cancel_reason": order.cancel_reason,
            "items": [(i.position, i.product_id, i.variant_id, i.name, i.options, i.price) for i in order.items],
            "fulfillments": sorted(
                (f.carrier, f.tracking_number, f.variant_ids, f.shipped_at, f.estimated_delivery, f.delivered_at)
                for f in order.fulfillments
            ),
            "transactions": [
                (t.position, t.kind, t.amount, t.payment_method_id, t.created_at) for t in order.transactions
            ],
            "returns": [(r.kind, r.status, r.variant_ids, r.new_variant_ids, r.created_at) for r in order.returns],
            "total": order.total,
        }


def test_seed_on_postgres_matches_sqlite(pg_url: str, tmp_path: Path, table_dump: Callable[[str], Any]) -> None:
    sqlite_url = f"sqlite:///{tmp_path / 'demo.db'}"
    on_pg = seed_demo(pg_url, 7, customers=60, orders=240)
    on_sqlite = seed_demo(sqlite_url, 7, customers=60, orders=240)
    assert on_pg.created and on_pg.counts == on_sqlite.counts
    assert seed_demo(pg_url, 7).created is False

    with session_scope(pg_url) as session:
        ids = {
            status: session.scalars(select(Order.id).where(Order.status == status)).first() for status in OrderStatus
        }
        assert all(ids.values()), ids
    for order_id in ids.values():
        assert order_id is not None
        snapshot = _order_snapshot(pg_url, order_id)
        assert snapshot == _order_snapshot(sqlite_url, order_id)
        assert isinstance(snapshot["total"], Decimal)
    # Not just the sample: every row of every table is the same on both databases.
    assert table_dump(pg_url) == table_dump(sqlite_url)


def test_taubench_on_postgres_matches_sqlite(pg_url: str, taubench_db_url: str, dataset_dir: Path) -> None:
    summary = import_taubench(dataset_dir, pg_url)
    assert summary.created and summary.counts["orders"] == 1000
    for order_id in ("#W2611340", "#W3220387", "#W1840144"):
        assert _order_snapshot(pg_url, order_id) == _order_snapshot(taubench_db_url, order_id)
    users, orders, products = export_taubench(pg_url)
    for name, ours in (("users", users), ("orders", orders), ("products", products)):
        theirs = json.loads((dataset_dir / f"{name}.json").read_text("utf-8"))
        assert json.dumps(ours, indent=4) == json.dumps(theirs, indent=4), name
