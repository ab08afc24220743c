"""The generated demo shop: big enough, deterministic, idempotent, and internally consistent."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from shop.db import session_scope
from shop.models import (
    Customer,
    Fulfillment,
    Order,
    OrderStatus,
    PaymentMethod,
    PaymentMethodKind,
    Product,
    Refund,
    RefundStatus,
    ReturnKind,
    TransactionKind,
    Variant,
    Voucher,
)
from shop.seed import CATALOG, COUNTRIES, PRODUCT_ATTRIBUTES, SEED_NOW, seed_demo
from shopdesk.profile import load_profile
from shopdesk.settings import get_settings

REPO_ROOT = Path(__file__).resolve().parents[1]


def _orders(session: Session) -> list[Order]:
    return list(
        session.scalars(
            select(Order).options(
                selectinload(Order.items),
                selectinload(Order.fulfillments),
                selectinload(Order.transactions),
                selectinload(Order.returns),
            )
        )
    )


def _count(session: Session, model: type[Any]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_counts(demo_db_url: str) -> None:
    with session_scope(demo_db_url) as session:
        assert _count(session, Product) >= 60
        assert _count(session, Variant) > 2 * _count(session, Product)
        assert _count(session, Customer) == 300
        assert _count(session, Order) == 1500
        categories = set(session.scalars(select(Product.category).distinct()))
    assert len(categories) >= 15


def test_catalog_covers_the_demo_profile(demo_db_url: str) -> None:
    settings = get_settings()
    profile = load_profile("demo", settings.profiles_dir)
    wanted = set(profile.returns.final_sale_categories)
    for rule in profile.upsell.rules:
        wanted |= set(rule.when_category) | set(rule.suggest_categories)
    with session_scope(demo_db_url) as session:
        products = list(session.scalars(select(Product).options(selectinload(Product.variants))))
    categories = {p.category for p in products}
    assert wanted <= categories, wanted - categories
    for product in products:
        assert len(product.description.split(". ")) >= 2, product.name
        if product.category in profile.returns.final_sale_categories:
            assert product.final_sale, product.name
    # A couple of clearance items are final sale outside those categories too.
    assert any(p.final_sale and p.category not in profile.returns.final_sale_categories for p in products)
    variants = [v for p in products for v in p.variants]
    assert any(v.stock == 0 and v.available for v in variants), "some variants should be out of stock"
    assert any(not v.available for v in variants), "some variants should be discontinued"
    assert len({tuple(sorted(v.options)) for v in variants}) >= 5, "variants differ by size, colour, capacity..."
    gift_card = next(p for p in products if p.category == "gift cards")
    assert all(v.price == Decimal(v.options["amount"].lstrip("$")) for v in gift_card.variants)


def test_every_status_and_a_realistic_mix(demo_db_url: str) -> None:
    with session_scope(demo_db_url) as session:
        statuses = Counter(session.scalars(select(Order.status)))
        ids = list(session.scalars(select(Order.id)))
        created = list(session.scalars(select(Order.created_at)))
    assert set(statuses) == set(OrderStatus)
    assert statuses[OrderStatus.delivered] > 0.5 * sum(statuses.values())
    assert all(re.fullmatch(r"#W\d{7}", order_id) for order_id in ids)
    assert min(created) >= SEED_NOW - timedelta(days=430)
    assert max(created) <= SEED_NOW
    assert max(created) - min(created) > timedelta(days=360), "orders should span about 14 months"


def test_customers(demo_db_url: str) -> None:
    with session_scope(demo_db_url) as session:
        customers = list(
            session.scalars(
                select(Customer).options(selectinload(Customer.addresses), selectinload(Customer.payment_methods))
            )
        )
    assert len({c.email for c in customers}) == len(customers)
    assert all(1 <= len(c.addresses) <= 2 and c.default_address is not None for c in customers)
    countries = Counter(c.default_address.country for c in customers if c.default_address)
    assert set(countries) == {"USA", "Canada", "United Kingdom", "Germany", "France", "Netherlands"}
    assert countries["USA"] > len(customers) / 2
    vips = sum(c.tier == "vip" for c in customers)
    assert 0.03 * len(customers) <= vips <= 0.07 * len(customers)
    kinds = Counter(m.kind for c in customers for m in c.payment_methods)
    assert set(kinds) == set(PaymentMethodKind)
    for customer in customers:
        # Everyone can pay for anything: a gift card alone might not cover an order.
        assert any(m.kind is not PaymentMethodKind.gift_card for m in customer.payment_methods), customer.id
        for method in customer.payment_methods:
            if method.kind is PaymentMethodKind.credit_card:
                assert method.brand and re.fullmatch(r"\d{4}", method.last_four or "")
            if method.kind is PaymentMethodKind.gift_card:
                assert method.balance is not None and method.balance >= 0
    assert any(c.language == "de" for c in customers)


def test_fulfillments_match_status(demo_db_url: str) -> None:
    with session_scope(demo_db_url) as session:
        orders = _orders(session)
    shipped_like = {
        OrderStatus.shipped,
        OrderStatus.delivered,
        OrderStatus.return_requested,
        OrderStatus.exchange_requested,
    }
    carriers: Counter[str] = Counter()
    tracking: list[str] = []
    for order in orders:
        if order.status in (OrderStatus.pending, OrderStatus.pending_items_modified, OrderStatus.cancelled):
            assert order.fulfillments == [], order.id
            continue
        assert order.fulfillments, order.id
        shipped_units = [v for f in order.fulfillments for v in f.variant_ids]
        assert set(shipped_units) == {item.variant_id for item in order.items}, order.id
        for fulfillment in order.fulfillments:
            carriers[fulfillment.carrier] += 1
            tracking.append(fulfillment.tracking_number)
            assert fulfillment.estimated_delivery is not None
            if order.status is OrderStatus.processed:
                assert fulfillment.shipped_at is None and fulfillment.delivered_at is None
            if order.status in shipped_like:
                assert fulfillment.shipped_at is not None and fulfillment.shipped_at > order.created_at
            if order.status is OrderStatus.shipped:
                assert fulfillment.delivered_at is None
            if order.status in shipped_like - {OrderStatus.shipped}:
                assert fulfillment.delivered_at is not None, order.id
                assert fulfillment.shipped_at is not None and fulfillment.delivered_at > fulfillment.shipped_at
                assert fulfillment.delivered_at <= SEED_NOW
    assert set(carriers) == {"UPS", "Canada Post", "DHL"}
    assert len(set(tracking)) == len(tracking)
    patterns = {
        "UPS": r"1Z[0-9A-Z]{16}",
        "DHL": r"\d{10}",
        "Canada Post": r"\d{16}",
    }
    with session_scope(demo_db_url) as session:
        for fulfillment in session.scalars(select(Fulfillment)):
            assert re.fullmatch(patterns[fulfillment.carrier], fulfillment.tracking_number)


def test_payments_add_up(demo_db_url: str) -> None:
    with session_scope(demo_db_url) as session:
        orders = _orders(session)
        refunds = list(session.scalars(select(Refund)))
        gift_cards = {m.id: m for m in session.scalars(select(PaymentMethod).where(PaymentMethod.kind == "gift_card"))}
    completed: Counter[str] = Counter()
    for refund in refunds:
        if refund.status is RefundStatus.completed:
            completed[refund.order_id] += refund.amount  # type: ignore[assignment]
    high_value = 0
    for order in orders:
        first = order.transactions[0]
        assert first.kind is TransactionKind.payment and first.position == 0
        paid = sum(t.amount for t in order.transactions if t.kind is TransactionKind.payment)
        returned = sum(t.amount for t in order.transactions if t.kind is TransactionKind.refund)
        expected = Decimal("0") if order.status is OrderStatus.cancelled else order.total - completed[order.id]
        assert paid - returned == expected, order.id
        high_value += order.total > Decimal("500")
    assert 0.02 * len(orders) < high_value < 0.2 * len(orders)
    # A gift card pays only what it holds: replaying its history in time order never takes it below zero.
    history: dict[str, list[tuple[Any, Decimal]]] = {card_id: [] for card_id in gift_cards}
    for order in orders:
        for t in order.transactions:
            if t.payment_method_id in history:
                history[t.payment_method_id].append(
                    (t.created_at, -t.amount if t.kind is TransactionKind.payment else t.amount)
                )
    assert any(history.values()), "some orders are paid by gift card"
    for card_id, events in history.items():
        final = gift_cards[card_id].balance
        assert final is not None and final >= 0
        running = final - sum((change for _at, change in events), Decimal("0"))
        for _at, change in sorted(events, key=lambda event: event[0]):
            running += change
            assert running >= 0, card_id
    assert any(r.status is RefundStatus.pending for r in refunds)


def test_returns_and_cancellations(demo_db_url: str) -> None:
    with session_scope(demo_db_url) as session:
        orders = _orders(session)
        variants = {v.id: v for v in session.scalars(select(Variant))}
    for order in orders:
        if order.status is OrderStatus.cancelled:
            assert order.cancel_reason in ("no longer needed", "ordered by mistake")
            assert [t.kind for t in order.transactions] == [TransactionKind.payment, TransactionKind.refund]
        kinds = [r.kind for r in order.returns]
        if order.status is OrderStatus.return_requested:
            assert ReturnKind.return_ in kinds, order.id
        if order.status is OrderStatus.exchange_requested:
            exchange = next(r for r in order.returns if r.kind is ReturnKind.exchange)
            for old, new in zip(exchange.variant_ids, exchange.new_variant_ids, strict=True):
                assert variants[old].product_id == variants[new].product_id and old != new
        for request in order.returns:
            assert set(request.variant_ids) <= {item.variant_id for item in order.items}
            delivered = max(f.delivered_at for f in order.fulfillments if f.delivered_at is not None)
            assert request.created_at >= delivered
        if order.status in (OrderStatus.return_requested, OrderStatus.exchange_requested):
            # Open requests were made inside the 30-day window.
            request = order.returns[-1]
            delivered = max(f.delivered_at for f in order.fulfillments if f.delivered_at is not None)
            assert request.created_at - delivered <= timedelta(days=30)


def test_vouchers(demo_db_url: str) -> None:
    with session_scope(demo_db_url) as session:
        vouchers = list(session.scalars(select(Voucher)))
    active = [v for v in vouchers if v.active and v.used_at is None and v.expires_at and v.expires_at > SEED_NOW]
    expired = [v for v in vouchers if v.expires_at and v.expires_at < SEED_NOW and v.used_at is None]
    used = [v for v in vouchers if v.used_at is not None]
    assert active and expired and used
    assert all(not v.active for v in used)


def test_tests_can_find_typical_customers(demo_db_url: str) -> None:
    """The queries other tests use to pick a customer for a scenario all find someone."""
    with session_scope(demo_db_url) as session:
        in_transit = session.scalars(
            select(Order)
            .join(Fulfillment)
            .where(Order.status == OrderStatus.shipped, Fulfillment.tracking_number != "")
            .order_by(Order.id)
        ).first()
        assert in_transit is not None and in_transit.customer.email
        overdue = session.scalars(
            select(Order)
            .join(Fulfillment)
            .where(Order.status == OrderStatus.shipped, Fulfillment.estimated_delivery < SEED_NOW)
        ).first()
        assert overdue is not None
        pending = session.scalars(select(Order).where(Order.status == OrderStatus.pending).order_by(Order.id)).first()
        assert pending is not None and pending.items
        vip = session.scalars(select(Customer).where(Customer.tier == "vip").order_by(Customer.id)).first()
        assert vip is not None and vip.orders


def test_seed_is_idempotent(demo_db_url: str, table_dump: Callable[[str], Any]) -> None:
    before = table_dump(demo_db_url)
    summary = seed_demo(demo_db_url, 7)
    assert summary.created is False
    assert "already" in summary.message
    assert table_dump(demo_db_url) == before


def test_same_seed_same_shop(demo_db_url: str, tmp_path: Path, table_dump: Callable[[str], Any]) -> None:
    again = f"sqlite:///{tmp_path / 'again.db'}"
    summary = seed_demo(again, 7)
    assert summary.created and summary.counts["orders"] == 1500
    first, second = table_dump(demo_db_url), table_dump(again)
    assert first.keys() == second.keys()
    for table in first:
        assert first[table] == second[table], table
        # Byte-identical, not just equal: the same textual form for every value.
        assert repr(first[table]) == repr(second[table]), table


@pytest.mark.parametrize("seed", [8])
def test_another_seed_another_shop(tmp_path: Path, table_dump: Callable[[str], Any], seed: int) -> None:
    a, b = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    seed_demo(a, 7, customers=30, orders=80)
    seed_demo(b, seed, customers=30, orders=80)
    assert table_dump(a)["customers"] != table_dump(b)["customers"]
    # Small shops still get every status, for fast tests that need one of each.
    with session_scope(b) as session:
        assert set(session.scalars(select(Order.status))) == set(OrderStatus)
        assert _count(session, Order) == 80


def test_another_day_the_same_shop_moved_in_time(tmp_path: Path) -> None:
    """The product seeds as of its first run: same shop, every date moved by the same amount, recent deliveries
    inside the return window on that day."""
    a, b = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    later = SEED_NOW + timedelta(days=75, hours=5)
    seed_demo(a, 7, customers=30, orders=80)
    seed_demo(b, 7, customers=30, orders=80, today=later)
    with session_scope(a) as first, session_scope(b) as second:
        before = {o.id: (o.status, o.created_at) for o in first.scalars(select(Order))}
        after = {o.id: (o.status, o.created_at) for o in second.scalars(select(Order))}
        assert before.keys() == after.keys()
        assert all(after[i][0] == before[i][0] for i in before)
        assert {after[i][1] - before[i][1] for i in before} == {later - SEED_NOW}
        delivered = [f.delivered_at for f in second.scalars(select(Fulfillment)) if f.delivered_at is not None]
        window = timedelta(days=load_profile("demo", get_settings().profiles_dir).returns.window_days)
        assert max(delivered) <= later
        assert sum(later - at <= window for at in delivered) >= 3  # returnable on the day it was seeded


def test_the_first_run_seeds_as_of_the_shop_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from shopdesk.bootstrap import ensure_shop

    monkeypatch.setenv("SHOPDESK_CLOCK", "2027-03-04T15:42:00")
    monkeypatch.setenv("SHOPDESK_DATABASE_URL", f"sqlite:///{tmp_path / 'shop.db'}")
    get_settings.cache_clear()
    try:
        settings = get_settings()
        ensure_shop(settings)
        with session_scope(settings.shop_database_url) as session:
            newest = session.scalar(select(func.max(Order.created_at)))
    finally:
        get_settings.cache_clear()
    assert newest is not None
    assert timedelta(0) < datetime(2027, 3, 4, 15) - newest < timedelta(days=30)


def _policy_section(title: str) -> str:
    text = (REPO_ROOT / "knowledge" / "docs" / "demo" / "shipping.md").read_text(encoding="utf-8")
    return text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


# The shipping policy names countries by these lines; the EU line covers every EU country the shop ships to.
_POLICY_LINE = {"USA": "United States", "Canada": "Canada", "United Kingdom": "United Kingdom"}


def _policy_line(section: str, country: str) -> str:
    label = _POLICY_LINE.get(country, "EU")
    lines = [line for line in section.replace("\n  ", " ").splitlines() if line.startswith("- ")]
    found = [line for line in lines if label in line.split(":", 1)[0]]
    assert len(found) == 1, (country, lines)
    return found[0]


def test_seeded_carriers_countries_and_transit_agree_with_the_shipping_policy(demo_db_url: str) -> None:
    """What the seeded orders show a customer (carrier, destination, delivery estimate) is what the policy says."""
    where, carriers, times = (_policy_section(t) for t in ("Where we ship", "Carriers", "Delivery times"))
    with session_scope(demo_db_url) as session:
        orders = session.scalars(select(Order).options(selectinload(Order.fulfillments))).all()
        seen: set[tuple[str, str]] = set()
        for order in orders:
            for fulfillment in order.fulfillments:
                seen.add((order.ship_country, fulfillment.carrier))
                assert fulfillment.shipped_at is None or fulfillment.estimated_delivery is not None
    countries = {country for country, _ in seen}
    assert countries == {c.name for c in COUNTRIES}
    for country in countries:
        name = {"USA": "United States", "Netherlands": "the Netherlands"}.get(country, country)
        assert name in where, country
    for country, carrier in seen:
        assert carrier in _policy_line(carriers, country), (country, carrier)
    for spec in COUNTRIES:
        # Calendar days of the seed against business days of the policy: standard delivery, a weekend in between.
        low, high = (int(n) for n in re.findall(r"standard (\d+)[–-](\d+)", _policy_line(times, spec.name))[0])
        assert low <= spec.transit_days[0] and spec.transit_days[1] <= high + 4, spec.name


def test_every_product_has_structured_facts_that_agree_with_its_description() -> None:
    for spec in CATALOG:
        attributes = PRODUCT_ATTRIBUTES[spec.name]
        assert attributes, spec.name
        described = spec.description.lower()
        waterproof = attributes.get("waterproof", "")
        if waterproof.startswith("waterproof"):
            assert "water-resistant" not in described, spec.name
        if "not waterproof" in waterproof or "water-resistant" in waterproof:
            assert not re.search(r"(?<!not )\bwaterproof\b", described) or "water-repellent" in described, spec.name
            assert "waterproof" not in spec.tags, spec.name


_WEIGHT = re.compile(r"\b(?:(under|from)\s+)?(\d+(?:\.\d+)?)\s*(kg|g)\b")


def _grams(amount: str, unit: str) -> float:
    return float(amount) * (1000 if unit == "kg" else 1)


def test_a_weight_in_a_description_agrees_with_the_weights_of_its_variants() -> None:
    """ "Weighing under 800 g" in the text a customer reads must hold for every variant the facts list."""
    for spec in CATALOG:
        weights = [_grams(n, u) for _, n, u in _WEIGHT.findall(str(PRODUCT_ATTRIBUTES[spec.name].get("weight", "")))]
        for bound, amount, unit in _WEIGHT.findall(spec.description):
            said = _grams(amount, unit)
            assert weights, spec.name
            if bound == "under":
                assert max(weights) < said, (spec.name, said, weights)
            elif bound == "from":
                assert min(weights) == said, (spec.name, said, weights)
            else:
                assert said in weights, (spec.name, said, weights)


def test_every_category_sold_has_a_warranty_period_and_gift_cards_come_in_the_amounts_the_policy_says() -> None:
    from knowledge.policy_focus import groups_in

    docs = REPO_ROOT / "knowledge" / "docs" / "demo"
    period = (docs / "warranty.md").read_text(encoding="utf-8").split("## Warranty period\n", 1)[1].split("\n## ")[0]
    covered = groups_in(period)
    for category in {spec.category for spec in CATALOG} - {"gift cards"}:
        assert groups_in(category) & covered, category
    payments = (docs / "payments.md").read_text(encoding="utf-8").replace("\n", " ")
    stated = [int(n) for n in re.findall(r"\$(\d+)", re.findall(r"gift cards come in [^,]+", payments)[0])]
    for spec in CATALOG:
        if spec.category == "gift cards":
            for amount in (value for option in spec.options for value in option.values):
                assert min(stated) <= int(amount.strip("$")) <= max(stated), (spec.name, amount, stated)


def test_a_demo_shop_seeded_before_structured_facts_gets_them(tmp_path: Path) -> None:
    from shop.seed import backfill_attributes

    url = f"sqlite:///{tmp_path / 'shop.db'}"
    seed_demo(url, 7, customers=3, orders=3)
    with session_scope(url) as session:
        for product in session.scalars(select(Product)):
            product.attributes = None
    assert backfill_attributes(url) == len(CATALOG)
    with session_scope(url) as session:
        tent = session.scalars(select(Product).where(Product.name == "Ridgeline 2 Backpacking Tent")).one()
        assert tent.attributes == PRODUCT_ATTRIBUTES["Ridgeline 2 Backpacking Tent"]
    assert backfill_attributes(url) == 0
