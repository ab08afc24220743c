"""Load the tau-bench retail shop into our model, and write it back out in tau-bench's own JSON layout.

The import keeps every id the benchmark uses (user ids, "#W..." orders, product ids, item ids as variant ids,
payment method ids) so its tasks run unchanged against our tools. The export is the inverse: import then export
reproduces users.json, orders.json and products.json key for key and in the same order, which is what lets us compare
a conversation's final database with the benchmark's expected one.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from shop.db import session_scope
from shop.models import (
    Address,
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
    TransactionKind,
    Variant,
)

Progress = Callable[[str, int, int], None]

# The tau-bench retail shop and its tasks ship with the project (MIT; see its README for where it comes from).
DATASET_DIR = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "taubench-retail"

# tau-bench's tools write "pending (item modified)"; its policy text misspells it. Accept all, write the tools' form.
_STATUS_IN: dict[str, OrderStatus] = {status.value: status for status in OrderStatus} | {
    "pending (item modified)": OrderStatus.pending_items_modified,
    "pending (items modifed)": OrderStatus.pending_items_modified,
}
_STATUS_OUT: dict[OrderStatus, str] = {status: status.value for status in OrderStatus} | {
    OrderStatus.pending_items_modified: "pending (item modified)"
}

# Order keys that map onto columns or child rows; anything else a tau-bench write adds goes to Order.extra verbatim.
_ORDER_KEYS = ("order_id", "user_id", "address", "items", "fulfillments", "status", "payment_history")
_ADDRESS_KEYS = ("address1", "address2", "city", "country", "state", "zip")

# The dataset carries no dates: orders get synthetic, increasing timestamps in file order from this fixed instant,
# so that "newest first" listings are stable and two imports are identical.
_ORDER_EPOCH = datetime(2026, 9, 1)
_ORDER_SPACING = timedelta(minutes=41)
_CUSTOMER_SINCE = datetime(2025, 1, 1)
# No stock counts either: an available variant gets a nominal stock so that Variant.in_stock agrees with "available".
_NOMINAL_STOCK = 100

# First matching rule wins; the names are tau-bench's 50 product types, the categories ours.
_CATEGORY_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("running shoes", "sneakers", "hiking boots"), "shoes"),
    (("jacket",), "jackets"),
    (("t-shirt",), "t-shirts"),
    (("backpack",), "backpacks"),
    (("water bottle",), "water bottles"),
    (("luggage",), "luggage"),
    (("sunglasses", "wristwatch"), "accessories"),
    (("smart watch", "earbuds", "headphones", "speaker"), "audio and wearables"),
    (("laptop", "tablet", "e-reader", "smartphone", "keyboard", "mouse", "portable charger"), "electronics"),
    (("camera",), "cameras"),
    (("thermostat", "light bulb", "air purifier", "vacuum", "desk lamp", "wall clock"), "home"),
    (("bookshelf", "office chair", "pet bed"), "furniture"),
    (("coffee", "espresso", "kettle"), "kitchen"),
    (("grill", "garden hose", "patio umbrella"), "garden"),
    (("yoga mat", "dumbbell", "bicycle", "cycling helmet", "skateboard"), "sports"),
    (("toothbrush", "makeup", "perfume"), "beauty"),
    (("notebook",), "stationery"),
    (("puzzle",), "toys and games"),
)


@dataclass(frozen=True)
class ImportSummary:
    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def message(self) -> str:
        if not self.created:
            return f"database already holds a shop ({self.counts.get('customers', 0)} customers); nothing imported"
        parts = ", ".join(f"{n} {name}" for name, n in self.counts.items())
        return f"imported taubench retail: {parts} in {self.seconds:.1f}s"


def category_for(product_name: str) -> str:
    """Our category for a tau-bench product type, from its name."""
    lowered = product_name.lower()
    for keywords, category in _CATEGORY_RULES:
        if any(keyword in lowered for keyword in keywords):
            return category
    return "general"


def describe_options(product_name: str, variants: Iterable[dict[str, Any]]) -> str:
    """A one-line description from the options a product's variants offer (the dataset has no descriptions)."""
    values: dict[str, list[str]] = {}
    count = 0
    for variant in variants:
        count += 1
        for key, value in variant["options"].items():
            seen = values.setdefault(key, [])
            if value not in seen:
                seen.append(value)
    offered = "; ".join(f"{key}: {', '.join(vals)}" for key, vals in values.items())
    return f"{product_name} in {count} variants ({offered})."


def _money(value: float | int) -> Decimal:
    # Through str so that 47.84 stays 47.84 rather than the binary float's expansion.
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _float(value: Decimal) -> float:
    return round(float(value), 2)


def _balance_out(value: Decimal) -> float | int:
    # The dataset writes gift card balances as whole numbers; keep that so an untouched shop exports byte-equal.
    return int(value) if value == value.to_integral_value() else _float(value)


def _status_in(raw: str) -> OrderStatus:
    try:
        return _STATUS_IN[raw]
    except KeyError:
        raise ValueError(f"unknown taubench order status {raw!r}") from None


def _customer_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Customer)) or 0


def _load(dataset_dir: Path) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    missing = [name for name in ("users.json", "orders.json", "products.json") if not (dataset_dir / name).is_file()]
    if missing:
        raise FileNotFoundError(f"{dataset_dir} lacks {', '.join(missing)} (is it the taubench-retail folder?)")
    loaded = [json.loads((dataset_dir / f"{name}.json").read_text("utf-8")) for name in ("users", "orders", "products")]
    return loaded[0], loaded[1], loaded[2]


def import_taubench(dataset_dir: Path, db_url: str, progress: Progress | None = None) -> ImportSummary:
    """Load users.json, orders.json and products.json into an empty shop database, keeping every id and order."""
    started = time.perf_counter()
    users, orders, products = _load(Path(dataset_dir))
    report: Progress = progress or (lambda _stage, _done, _total: None)
    with session_scope(db_url) as session:
        existing = _customer_count(session)
        if existing:
            return ImportSummary(created=False, counts={"customers": existing})
        _import_products(session, products, report)
        _import_users(session, users, report)
        _import_orders(session, orders, users, report)
    counts = {
        "customers": len(users),
        "orders": len(orders),
        "products": len(products),
        "variants": sum(len(p["variants"]) for p in products.values()),
    }
    return ImportSummary(created=True, counts=counts, seconds=time.perf_counter() - started)


def _import_products(session: Session, products: dict[str, Any], report: Progress) -> None:
    total = len(products)
    for index, (product_id, raw) in enumerate(products.items()):
        product = Product(
            id=product_id,
            name=raw["name"],
            description=describe_options(raw["name"], raw["variants"].values()),
            category=category_for(raw["name"]),
            brand="",
            final_sale=False,
            tags=[],
            position=index,
        )
        product.variants = [
            Variant(
                id=item_id,
                sku="",
                options=variant["options"],
                price=_money(variant["price"]),
                stock=_NOMINAL_STOCK if variant["available"] else 0,
                available=variant["available"],
                position=v_index,
            )
            for v_index, (item_id, variant) in enumerate(raw["variants"].items())
        ]
        session.add(product)
        report("products", index + 1, total)
    session.flush()


def _import_users(session: Session, users: dict[str, Any], report: Progress) -> None:
    total = len(users)
    for index, (user_id, raw) in enumerate(users.items()):
        address = raw["address"]
        customer = Customer(
            id=user_id,
            first_name=raw["name"]["first_name"],
            last_name=raw["name"]["last_name"],
            email=raw["email"],
            phone=None,
            tier="standard",
            language="en",
            created_at=_CUSTOMER_SINCE,
            position=index,
        )
        customer.addresses = [
            Address(
                line1=address["address1"],
                line2=address["address2"],
                city=address["city"],
                state=address["state"],
                zip=address["zip"],
                country=address["country"],
                is_default=True,
            )
        ]
        customer.payment_methods = [
            PaymentMethod(
                id=method_id,
                kind=PaymentMethodKind(method["source"]),
                brand=method.get("brand"),
                last_four=method.get("last_four"),
                balance=_money(method["balance"]) if "balance" in method else None,
                position=m_index,
            )
            for m_index, (method_id, method) in enumerate(raw["payment_methods"].items())
        ]
        session.add(customer)
        report("users", index + 1, total)
    session.flush()


def _import_orders(session: Session, orders: dict[str, Any], users: dict[str, Any], report: Progress) -> None:
    total = len(orders)
    for index, (order_id, raw) in enumerate(orders.items()):
        user = users[raw["user_id"]]
        address = raw["address"]
        extra = {key: value for key, value in raw.items() if key not in _ORDER_KEYS and key != "cancel_reason"}
        created_at = _ORDER_EPOCH + _ORDER_SPACING * index
        order = Order(
            id=order_id,
            customer_id=raw["user_id"],
            status=_status_in(raw["status"]),
            created_at=created_at,
            updated_at=None,
            currency="USD",
            ship_name=f"{user['name']['first_name']} {user['name']['last_name']}",
            ship_line1=address["address1"],
            ship_line2=address["address2"],
            ship_city=address["city"],
            ship_state=address["state"],
            ship_zip=address["zip"],
            ship_country=address["country"],
            cancel_reason=raw.get("cancel_reason"),
            position=index,
            extra=extra or None,
        )
        order.items = [
            OrderItem(
                position=i_index,
                product_id=item["product_id"],
                variant_id=item["item_id"],
                name=item["name"],
                options=item["options"],
                price=_money(item["price"]),
            )
            for i_index, item in enumerate(raw["items"])
        ]
        # One of our fulfillments per tracking number; the dataset never says which carrier.
        order.fulfillments = [
            Fulfillment(carrier="", tracking_number=tracking, variant_ids=list(fulfillment["item_ids"]))
            for fulfillment in raw["fulfillments"]
            for tracking in fulfillment["tracking_id"]
        ]
        order.transactions = [
            Transaction(
                position=t_index,
                kind=TransactionKind(payment["transaction_type"]),
                amount=_money(payment["amount"]),
                payment_method_id=payment["payment_method_id"],
                created_at=None,
            )
            for t_index, payment in enumerate(raw["payment_history"])
        ]
        order.returns = _returns_from_extra(raw, created_at)
        session.add(order)
        report("orders", index + 1, total)
    session.flush()


def _returns_from_extra(raw: dict[str, Any], created_at: datetime) -> list[Return]:
    # A final state exported after a return or exchange carries the request as order keys; our tools read Return rows.
    found: list[Return] = []
    if "return_items" in raw:
        found.append(
            Return(
                kind=ReturnKind.return_,
                variant_ids=list(raw["return_items"]),
                new_variant_ids=[],
                payment_method_id=raw.get("return_payment_method_id", ""),
                created_at=created_at,
            )
        )
    if "exchange_items" in raw:
        found.append(
            Return(
                kind=ReturnKind.exchange,
                variant_ids=list(raw["exchange_items"]),
                new_variant_ids=list(raw.get("exchange_new_items", [])),
                payment_method_id=raw.get("exchange_payment_method_id", ""),
                created_at=created_at,
            )
        )
    return found


def export_taubench(db_url: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The shop as tau-bench's (users, orders, products) dictionaries, in the source's key order."""
    with session_scope(db_url) as session:
        products = _export_products(session)
        variant_prices = {
            variant_id: Decimal(str(raw["price"]))
            for product in products.values()
            for variant_id, raw in product["variants"].items()
        }
        orders_rows = list(
            session.scalars(
                select(Order)
                .options(
                    selectinload(Order.items),
                    selectinload(Order.fulfillments),
                    selectinload(Order.transactions),
                    selectinload(Order.returns),
                )
                .order_by(Order.position.is_(None), Order.position, Order.created_at, Order.id)
            )
        )
        orders = {order.id: _export_order(order, variant_prices) for order in orders_rows}
        order_ids_by_user: dict[str, list[str]] = {}
        for order in orders_rows:
            order_ids_by_user.setdefault(order.customer_id, []).append(order.id)
        users = _export_users(session, order_ids_by_user)
    return users, orders, products


def _export_products(session: Session) -> dict[str, Any]:
    rows = session.scalars(
        select(Product)
        .options(selectinload(Product.variants))
        .order_by(Product.position.is_(None), Product.position, Product.id)
    )
    exported: dict[str, Any] = {}
    for product in rows:
        variants = sorted(product.variants, key=lambda v: (v.position is None, v.position or 0, v.id))
        exported[product.id] = {
            "name": product.name,
            "product_id": product.id,
            "variants": {
                variant.id: {
                    "item_id": variant.id,
                    "options": variant.options,
                    "available": variant.available,
                    "price": _float(variant.price),
                }
                for variant in variants
            },
        }
    return exported


def _export_payment_method(method: PaymentMethod) -> dict[str, Any]:
    if method.kind is PaymentMethodKind.credit_card:
        return {"source": method.kind.value, "brand": method.brand, "last_four": method.last_four, "id": method.id}
    if method.kind is PaymentMethodKind.gift_card:
        return {"source": method.kind.value, "balance": _balance_out(method.balance or Decimal(0)), "id": method.id}
    return {"source": method.kind.value, "id": method.id}


def _export_users(session: Session, order_ids_by_user: dict[str, list[str]]) -> dict[str, Any]:
    rows = session.scalars(
        select(Customer)
        .options(selectinload(Customer.addresses), selectinload(Customer.payment_methods))
        .order_by(Customer.position.is_(None), Customer.position, Customer.id)
    )
    exported: dict[str, Any] = {}
    for customer in rows:
        address = customer.default_address
        methods = sorted(customer.payment_methods, key=lambda m: (m.position is None, m.position or 0, m.id))
        exported[customer.id] = {
            "name": {"first_name": customer.first_name, "last_name": customer.last_name},
            "address": _address_out(address.as_dict()) if address else dict.fromkeys(_ADDRESS_KEYS, ""),
            "email": customer.email,
            "payment_methods": {method.id: _export_payment_method(method) for method in methods},
            "orders": order_ids_by_user.get(customer.id, []),
        }
    return exported


def _address_out(address: dict[str, str]) -> dict[str, str]:
    return {key: address[key] for key in _ADDRESS_KEYS}


def _export_order(order: Order, variant_prices: dict[str, Decimal]) -> dict[str, Any]:
    exported: dict[str, Any] = {
        "order_id": order.id,
        "user_id": order.customer_id,
        "address": _address_out(order.shipping_address()),
        "items": [
            {
                "name": item.name,
                "product_id": item.product_id,
                "item_id": item.variant_id,
                "price": _float(item.price),
                "options": item.options,
            }
            for item in order.items
        ],
        "fulfillments": [
            {"tracking_id": [fulfillment.tracking_number], "item_ids": list(fulfillment.variant_ids)}
            for fulfillment in sorted(order.fulfillments, key=lambda f: f.id)
        ],
        "status": _STATUS_OUT[order.status],
        "payment_history": [
            {
                "transaction_type": transaction.kind.value,
                "amount": _float(transaction.amount),
                "payment_method_id": transaction.payment_method_id,
            }
            for transaction in order.transactions
        ],
    }
    if order.cancel_reason is not None:
        exported["cancel_reason"] = order.cancel_reason
    exported.update(_request_keys(order, variant_prices))
    exported.update(order.extra or {})
    return exported


def _request_keys(order: Order, variant_prices: dict[str, Decimal]) -> dict[str, Any]:
    """The keys tau-bench's return and exchange tools add to an order, rebuilt from our Return rows."""
    keys: dict[str, Any] = {}
    latest = sorted(order.returns, key=lambda r: (r.created_at, r.id or 0))
    if order.status is OrderStatus.return_requested:
        request = next((r for r in reversed(latest) if r.kind is ReturnKind.return_), None)
        if request is not None:
            keys["return_items"] = sorted(request.variant_ids)
            keys["return_payment_method_id"] = request.payment_method_id
    if order.status is OrderStatus.exchange_requested:
        request = next((r for r in reversed(latest) if r.kind is ReturnKind.exchange), None)
        if request is not None:
            paid = {item.variant_id: item.price for item in order.items}
            difference = sum(
                (variant_prices.get(new, Decimal(0)) - paid.get(old, Decimal(0)))
                for old, new in zip(request.variant_ids, request.new_variant_ids, strict=False)
            )
            keys["exchange_items"] = sorted(request.variant_ids)
            keys["exchange_new_items"] = sorted(request.new_variant_ids)
            keys["exchange_payment_method_id"] = request.payment_method_id
            keys["exchange_price_difference"] = _float(Decimal(difference))
    return keys
