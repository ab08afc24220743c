"""The taubench retail shop in our model: every id kept, and export reproduces the source files exactly."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from shop.__main__ import main as shop_cli
from shop.db import session_scope
from shop.models import (
    Customer,
    Fulfillment,
    Order,
    OrderItem,
    OrderStatus,
    PaymentMethod,
    PaymentMethodKind,
    Product,
    Return,
    ReturnKind,
    Transaction,
    Variant,
)
from shop.taubench import category_for, export_taubench, import_taubench


def _source(dataset_dir: Path) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    loaded = [json.loads((dataset_dir / f"{name}.json").read_text("utf-8")) for name in ("users", "orders", "products")]
    return loaded[0], loaded[1], loaded[2]


def _canonical(data: Any) -> str:
    # Same text means same keys, same key order, same list order and the same int/float spelling of every number.
    return json.dumps(data, indent=4)


def test_counts(taubench_db_url: str) -> None:
    expected = {
        Customer: 500,
        Order: 1000,
        Product: 50,
        Variant: 591,
        PaymentMethod: 695,
        OrderItem: 2978,
        Fulfillment: 577,
        Transaction: 1102,
    }
    with session_scope(taubench_db_url) as session:
        for model, count in expected.items():
            assert session.scalar(select(func.count()).select_from(model)) == count, model.__name__
        statuses = {
            status: n for status, n in session.execute(select(Order.status, func.count()).group_by(Order.status))
        }
    assert statuses == {
        OrderStatus.pending: 423,
        OrderStatus.delivered: 373,
        OrderStatus.processed: 102,
        OrderStatus.cancelled: 102,
    }


def test_variant_counts_per_product(taubench_db_url: str, dataset_dir: Path) -> None:
    _users, _orders, products = _source(dataset_dir)
    with session_scope(taubench_db_url) as session:
        rows = dict(session.execute(select(Variant.product_id, func.count()).group_by(Variant.product_id)).all())
        categories = dict(session.execute(select(Product.id, Product.category)).all())
    assert rows == {pid: len(p["variants"]) for pid, p in products.items()}
    assert "general" not in categories.values(), "every taubench product type maps to a category"
    assert categories["6938111410"] == "shoes"  # Running Shoes
    assert category_for("Backpack") == "backpacks"
    assert category_for("Water Bottle") == "water bottles"
    assert category_for("Fleece Jacket") == "jackets"


# A processed order paid by gift card, a delivered one, a cancelled one with its refund, one with a unit bought twice.
@pytest.mark.parametrize("order_id", ["#W2611340", "#W7678072", "#W3220387", "#W1840144"])
def test_sample_order_field_by_field(taubench_db_url: str, dataset_dir: Path, order_id: str) -> None:
    users, orders, _products = _source(dataset_dir)
    raw = orders[order_id]
    with session_scope(taubench_db_url) as session:
        order = session.get(Order, order_id)
        assert order is not None
        assert order.customer_id == raw["user_id"]
        assert order.status.value == raw["status"]
        assert order.shipping_address() == raw["address"]
        assert [(i.name, i.product_id, i.variant_id, i.price, i.options) for i in order.items] == [
            (i["name"], i["product_id"], i["item_id"], Decimal(str(i["price"])), i["options"]) for i in raw["items"]
        ]
        assert [([f.tracking_number], f.variant_ids) for f in order.fulfillments] == [
            (f["tracking_id"], f["item_ids"]) for f in raw["fulfillments"]
        ]
        assert [(t.kind.value, t.amount, t.payment_method_id) for t in order.transactions] == [
            (t["transaction_type"], Decimal(str(t["amount"])), t["payment_method_id"]) for t in raw["payment_history"]
        ]
        customer = order.customer
        user = users[raw["user_id"]]
        assert (customer.first_name, customer.last_name, customer.email) == (
            user["name"]["first_name"],
            user["name"]["last_name"],
            user["email"],
        )
        assert customer.default_address is not None and customer.default_address.as_dict() == {
            key: user["address"][key] for key in ("address1", "address2", "city", "state", "zip", "country")
        }
        methods = {m.id: m for m in sorted(customer.payment_methods, key=lambda m: m.position or 0)}
        assert list(methods) == list(user["payment_methods"])
        for method_id, method in user["payment_methods"].items():
            ours = methods[method_id]
            assert ours.kind == PaymentMethodKind(method["source"])
            if "balance" in method:
                assert ours.balance == Decimal(str(method["balance"]))
            if "last_four" in method:
                assert (ours.brand, ours.last_four) == (method["brand"], method["last_four"])


def test_gift_card_and_payment_ids(taubench_db_url: str) -> None:
    with session_scope(taubench_db_url) as session:
        card = session.get(PaymentMethod, "gift_card_1725971")
        assert card is not None and card.kind is PaymentMethodKind.gift_card and card.balance is not None
        assert session.get(PaymentMethod, "credit_card_4190576") is not None
        paypal = session.get(PaymentMethod, "paypal_5727330")
        assert paypal is not None and paypal.customer_id == "noah_brown_6181"


def test_full_export_equals_the_source(taubench_db_url: str, dataset_dir: Path) -> None:
    exported = export_taubench(taubench_db_url)
    for name, ours, theirs in zip(("users", "orders", "products"), exported, _source(dataset_dir), strict=True):
        assert ours == theirs, name
        assert _canonical(ours) == _canonical(theirs), name


def test_import_twice_does_nothing(taubench_db_url: str, dataset_dir: Path) -> None:
    summary = import_taubench(dataset_dir, taubench_db_url)
    assert summary.created is False
    assert "already" in summary.message


def test_written_states_round_trip(tmp_path: Path, dataset_dir: Path) -> None:
    """Final states after taubench writes (modified items, returns, exchanges, cancellations) survive a round trip."""
    users, orders, products = _source(dataset_dir)
    pending = next(o for o in orders.values() if o["status"] == "pending")
    pending["status"] = "pending (item modified)"
    delivered = [o for o in orders.values() if o["status"] == "delivered"]
    returned, exchanged = delivered[0], delivered[1]
    returned |= {
        "status": "return requested",
        "return_items": sorted(i["item_id"] for i in returned["items"][:1]),
        "return_payment_method_id": returned["payment_history"][0]["payment_method_id"],
    }
    exchanged |= {
        "status": "exchange requested",
        "exchange_items": [exchanged["items"][0]["item_id"]],
        "exchange_new_items": [exchanged["items"][0]["item_id"]],
        "exchange_payment_method_id": exchanged["payment_history"][0]["payment_method_id"],
        "exchange_price_difference": 0.0,
    }
    cancelled = next(o for o in orders.values() if o["status"] == "pending" and o is not pending)
    cancelled["status"] = "cancelled"
    cancelled["cancel_reason"] = "ordered by mistake"
    cancelled["payment_history"].append({**cancelled["payment_history"][0], "transaction_type": "refund"})
    source = tmp_path / "state"
    source.mkdir()
    for name, data in (("users", users), ("orders", orders), ("products", products)):
        (source / f"{name}.json").write_text(json.dumps(data), "utf-8")

    url = f"sqlite:///{tmp_path / 'state.db'}"
    assert import_taubench(source, url).created
    with session_scope(url) as session:
        modified = session.get(Order, pending["order_id"])
        assert modified is not None and modified.status is OrderStatus.pending_items_modified
        request = session.scalars(select(Return).where(Return.order_id == returned["order_id"])).one()
        assert request.kind is ReturnKind.return_ and request.variant_ids == returned["return_items"]
    ours = export_taubench(url)
    assert [_canonical(x) for x in ours] == [_canonical(x) for x in (users, orders, products)]


def test_tool_writes_export_as_taubench_spells_them(tmp_path: Path, dataset_dir: Path) -> None:
    """Writes made through our model (status enum, Return rows) come out with taubench's keys and spelling."""
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    import_taubench(dataset_dir, url)
    _users, orders, products = _source(dataset_dir)
    prices = {vid: v["price"] for p in products.values() for vid, v in p["variants"].items()}
    pending_id = next(oid for oid, o in orders.items() if o["status"] == "pending")
    delivered_ids = [oid for oid, o in orders.items() if o["status"] == "delivered" and len(o["items"]) >= 2]
    with session_scope(url) as session:
        pending = session.get(Order, pending_id)
        assert pending is not None
        pending.status = OrderStatus.pending_items_modified
        returned = session.get(Order, delivered_ids[0])
        assert returned is not None
        returned.status = OrderStatus.return_requested
        returned.returns.append(
            Return(
                kind=ReturnKind.return_,
                variant_ids=[returned.items[1].variant_id, returned.items[0].variant_id],
                payment_method_id="gift_card_x",
            )
        )
        exchanged = session.get(Order, delivered_ids[1])
        assert exchanged is not None
        product = session.get(Product, exchanged.items[0].product_id)
        assert product is not None
        new = next(v for v in product.variants if v.id != exchanged.items[0].variant_id)
        exchanged.status = OrderStatus.exchange_requested
        exchanged.returns.append(
            Return(
                kind=ReturnKind.exchange,
                variant_ids=[exchanged.items[0].variant_id],
                new_variant_ids=[new.id],
                payment_method_id="paypal_x",
            )
        )
        old_price = exchanged.items[0].price
    _u, out, _p = export_taubench(url)
    assert out[pending_id]["status"] == "pending (item modified)"
    back = out[delivered_ids[0]]
    assert back["status"] == "return requested"
    assert back["return_items"] == sorted(i["item_id"] for i in orders[delivered_ids[0]]["items"][:2])
    assert back["return_payment_method_id"] == "gift_card_x"
    swap = out[delivered_ids[1]]
    assert swap["status"] == "exchange requested"
    assert swap["exchange_items"] == [orders[delivered_ids[1]]["items"][0]["item_id"]]
    assert swap["exchange_new_items"] == [new.id]
    assert swap["exchange_payment_method_id"] == "paypal_x"
    assert swap["exchange_price_difference"] == round(prices[new.id] - float(old_price), 2)


def test_cli_import_and_export(tmp_path: Path, dataset_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert shop_cli(["import-taubench", "--dataset", str(dataset_dir), "--db", url]) == 0
    assert "500 customers" in capsys.readouterr().out
    out = tmp_path / "out"
    assert shop_cli(["export-taubench", "--db", url, "--out", str(out)]) == 0
    for name, theirs in zip(("users", "orders", "products"), _source(dataset_dir), strict=True):
        assert json.loads((out / f"{name}.json").read_text("utf-8")) == theirs
    assert shop_cli(["import-taubench", "--dataset", str(tmp_path / "missing"), "--db", url]) == 2
    assert "lacks users.json" in capsys.readouterr().err


def test_cli_seed(tmp_path: Path, capsys: pytest.CaptureFixture[str], table_dump: Callable[[str], Any]) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert shop_cli(["seed", "--db", url, "--seed", "3", "--customers", "20", "--orders", "40"]) == 0
    assert "seeded demo shop (seed 3)" in capsys.readouterr().out
    assert shop_cli(["seed", "--db", url, "--seed", "3"]) == 0
    assert "already seeded" in capsys.readouterr().out
    assert len(table_dump(url)["orders"]) == 40
