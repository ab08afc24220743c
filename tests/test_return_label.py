"""The return label's cost: the demo profile's figures are its policy documents' own, and a return from Canada, the
UK or the EU refunds the items less the label (proposal, refund row, words), one from the US in full; the tau-bench
shop deducts nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from graph.llm.local import _action_text
from graph.llm.responses import confirmation_request
from knowledge.answer import countries_in
from shop.db import session_factory, session_scope
from shop.models import Fulfillment, Order, OrderStatus, Product, Refund
from shop.seed import RETURN_LABELS
from shopdesk.countries import EU, country_code, in_eu
from shopdesk.i18n import speaker, speaking
from shopdesk.profile import ReturnsPolicy, ShopProfile, load_profile
from shopdesk.settings import Settings
from tests.support.app import CLOCK
from tools.access import original_payment_method_id
from tools.base import ToolContext, run_write
from tools.returns import EXCHANGE_ITEMS, RETURN_ITEMS

ROOT = Path(__file__).resolve().parents[1]
PROFILES = ROOT / "shopdesk" / "profiles"
DOCS = ROOT / "knowledge" / "docs" / "demo"
# The documents' names for a group of countries (knowledge.answer's codes) -> the profile's ISO keys.
_PROFILE_KEY = {"US": "US", "CA": "CA", "UK": "GB", "EU": EU}


def _section(document: str, title: str) -> str:
    text = (DOCS / document).read_text(encoding="utf-8")
    return text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def _label_figures(section: str) -> dict[str, Decimal]:
    """Every "$9.95 for Canada" / "$12.95 UK and EU" of a section: the places each amount is given for."""
    figures: dict[str, Decimal] = {}
    for amount, places in re.findall(r"\$(\d+\.\d\d)\s+(?:for\s+)?([^,;)]+)", section):
        named = countries_in(places)
        assert named, (amount, places)
        for code in named:
            figures[_PROFILE_KEY[code]] = Decimal(amount)
    return figures


@pytest.mark.parametrize(
    ("document", "title"), [("returns.md", "Return shipping costs"), ("exchanges.md", "Cost of an exchange")]
)
def test_the_demo_profiles_label_costs_are_those_of_its_policy_documents(document: str, title: str) -> None:
    section = _section(document, title)
    figures = _label_figures(section)
    returns = load_profile("demo", PROFILES).returns
    assert figures and figures == returns.label_costs, (figures, returns.label_costs)
    # The US is free in the documents and not charged by the profile.
    assert re.search(r"within the United States are free", section)
    assert returns.label_cost("USA") == 0


def test_every_seeded_destination_gets_the_figure_the_documents_give_it(demo_db_url: str) -> None:
    """The demo shop writes countries as names ("USA", "United Kingdom"): each is read to its code and costs what
    the returns document says for its group (US free, Canada, the UK, the EU)."""
    figures = _label_figures(_section("returns.md", "Return shipping costs"))
    returns = load_profile("demo", PROFILES).returns
    with session_scope(demo_db_url) as session:
        countries = set(session.scalars(select(Order.ship_country).distinct()))
    assert {"USA", "Canada", "United Kingdom"} <= countries, countries
    for country in countries:
        code = country_code(country)
        assert code is not None, country
        group = code if code in figures else EU if in_eu(code) else None
        expected = figures[group] if group else Decimal(0)
        assert returns.label_cost(country) == expected, (country, code)


def test_label_costs_are_keyed_by_iso_codes_or_the_eu() -> None:
    policy = ReturnsPolicy.model_validate({"label_costs": {"ca": "5", "UK": "7", "EU": "8", "FR": "3"}})
    assert policy.label_costs == {"CA": Decimal(5), "GB": Decimal(7), EU: Decimal(8), "FR": Decimal(3)}
    # A country's own figure wins over the EU's; a country not listed returns free.
    costs = {c: policy.label_cost(c) for c in ("Canada", "GB", "United Kingdom", "Germany", "France", "USA", "Peru")}
    assert costs == {
        "Canada": 5,
        "GB": 7,
        "United Kingdom": 7,
        "Germany": 8,
        "France": 3,
        "USA": 0,
        "Peru": 0,
    }
    for bad in ({"Canada": "5"}, {"XX": "5"}, {"CA": "-1"}):
        with pytest.raises(ValueError, match="label_costs"):
            ReturnsPolicy.model_validate({"label_costs": bad})


def _returnable_orders(session: Session, profile: ShopProfile, country: str) -> Iterator[tuple[Order, list[Product]]]:
    """Delivered orders shipped to the country, inside their return window at CLOCK, with no final-sale item, and
    their products (item by item)."""
    window_start = CLOCK - timedelta(days=profile.returns.window_days)
    orders = session.scalars(
        select(Order)
        .join(Fulfillment, Fulfillment.order_id == Order.id)
        .where(
            Order.status == OrderStatus.delivered,
            Order.ship_country == country,
            Fulfillment.delivered_at > window_start + timedelta(days=2),
        )
        .order_by(Order.id)
    ).unique()
    for order in orders:
        products = [session.get(Product, item.product_id) for item in order.items]
        if not any(p is None or p.final_sale or p.category in profile.returns.final_sale_categories for p in products):
            yield order, [p for p in products if p is not None]


def _returnable(db_url: str, profile: ShopProfile, country: str) -> tuple[str, str, str, Decimal]:
    """(order id, one item id, the original payment method, the item's price) of a returnable order shipped to the
    country whose first item is below the refund limit."""
    with session_factory(db_url)() as session:
        for order, _products in _returnable_orders(session, profile, country):
            item = order.items[0]
            if Decimal(20) < item.price < profile.refunds.auto_approve_limit:
                return order.id, item.variant_id, original_payment_method_id(order), Decimal(item.price)
    raise AssertionError(f"no returnable order shipped to {country} in the demo shop")


@pytest.mark.parametrize(
    ("country", "label"),
    [("USA", Decimal("0")), ("United Kingdom", Decimal("12.95")), ("Canada", Decimal("9.95"))],
)
def test_a_return_refunds_the_items_less_the_label_of_its_country(app: Settings, country: str, label: Decimal) -> None:
    settings = app
    profile = load_profile("demo", settings.profiles_dir)
    order_id, item_id, method_id, price = _returnable(settings.shop_database_url, profile, country)
    with session_factory(settings.shop_database_url)() as session:
        customer_id = session.get(Order, order_id).customer_id  # type: ignore[union-attr]
    ctx = ToolContext(settings.shop_database_url, profile, "label-1", customer_id)
    args = {"order_id": order_id, "item_ids": [item_id], "payment_method_id": method_id}
    net = price - label

    preview = RETURN_ITEMS.preview(ctx, args)
    assert preview.refund is not None
    assert (preview.refund["amount"], preview.refund["items_amount"], preview.refund["label_cost"]) == (
        float(net),
        float(price),
        float(label),
    )
    assert f"for a refund of ${net:,.2f}" in preview.summary, preview.summary
    shown = preview.details[preview.refund["line"]]
    method = preview.refund["method"]
    if label:
        assert shown.startswith(
            f"Refund ${net:,.2f} to {method} (${price:,.2f} for the items less ${label} for the return label), "
            "once we receive the items"
        ), shown
    else:
        assert shown.startswith(f"Refund ${price:,.2f} to {method} (once we receive the items"), shown
        assert "label" not in " ".join(preview.details)

    # The proposal put to the customer: the same line in English, its German wording in a German conversation.
    english = confirmation_request(preview.as_dict())
    assert f"- {shown}\n" in english, english
    with speaking(speaker("de", "USD")):
        german = confirmation_request(preview.as_dict())
    german_amount = f"{net:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".") + "\xa0$"
    assert f"Erstattung von {german_amount} auf {method}" in german, german
    assert ("für das Rücksendeetikett" in german) == bool(label), german

    result = run_write(RETURN_ITEMS, ctx, args, f"label-{country}")
    assert result["refund_amount"] == float(net) and result["return_label_cost"] == float(label)
    with session_scope(settings.shop_database_url) as session:
        refund = session.scalars(select(Refund).where(Refund.return_id == result["return_id"])).one()
        assert (refund.amount, refund.payment_method_id) == (net, method_id)


def test_the_label_never_takes_the_refund_below_zero(app: Settings) -> None:
    settings = app
    demo = load_profile("demo", settings.profiles_dir)
    order_id, item_id, method_id, price = _returnable(settings.shop_database_url, demo, "United Kingdom")
    costly = demo.model_copy(
        update={"returns": demo.returns.model_copy(update={"label_costs": {"GB": price + Decimal("5.00")}})}
    )
    with session_factory(settings.shop_database_url)() as session:
        customer_id = session.get(Order, order_id).customer_id  # type: ignore[union-attr]
    ctx = ToolContext(settings.shop_database_url, costly, "label-2", customer_id)
    preview = RETURN_ITEMS.preview(ctx, {"order_id": order_id, "item_ids": [item_id], "payment_method_id": method_id})
    assert preview.refund is not None
    assert (preview.refund["amount"], preview.refund["label_cost"]) == (0.0, float(price))


def test_the_taubench_shop_deducts_nothing(app: Settings) -> None:
    """Its benchmark refunds in full: no label costs in its profile, whatever the destination."""
    taubench = load_profile("taubench", PROFILES)
    assert taubench.returns.label_costs == {}
    settings = app
    demo = load_profile("demo", settings.profiles_dir)
    for country in ("USA", "United Kingdom", "Canada"):
        assert taubench.returns.label_cost(country) == 0
        order_id, item_id, method_id, price = _returnable(settings.shop_database_url, demo, country)
        with session_factory(settings.shop_database_url)() as session:
            customer_id = session.get(Order, order_id).customer_id  # type: ignore[union-attr]
        ctx = ToolContext(settings.shop_database_url, taubench, "label-3", customer_id)
        args = {"order_id": order_id, "item_ids": [item_id], "payment_method_id": method_id}
        preview = RETURN_ITEMS.preview(ctx, args)
        assert preview.refund is not None and preview.refund["amount"] == float(price), country
        assert "label" not in " ".join(preview.details)


def _exchangeable(db_url: str, profile: ShopProfile, country: str) -> tuple[str, str, str, str, Decimal]:
    """(order id, item id, another available variant of it, the original payment method, the new price less the old)
    of a returnable order shipped to the country."""
    with session_factory(db_url)() as session:
        for order, products in _returnable_orders(session, profile, country):
            for item, product in zip(order.items, products, strict=True):
                other = next((v for v in product.variants if v.available and v.id != item.variant_id), None)
                if other is not None:
                    difference = Decimal(other.price) - Decimal(item.price)
                    return order.id, item.variant_id, other.id, original_payment_method_id(order), difference
    raise AssertionError(f"no exchangeable order shipped to {country} in the demo shop")


@pytest.mark.parametrize(("country", "label"), [("USA", Decimal("0")), ("United Kingdom", Decimal("12.95"))])
def test_an_exchange_settles_the_difference_plus_the_label(app: Settings, country: str, label: Decimal) -> None:
    """The exchanges document charges the return label as for a return; the replacement ships free."""
    profile = load_profile("demo", app.profiles_dir)
    order_id, item_id, new_id, method_id, difference = _exchangeable(app.shop_database_url, profile, country)
    with session_factory(app.shop_database_url)() as session:
        customer_id = session.get(Order, order_id).customer_id  # type: ignore[union-attr]
    ctx = ToolContext(app.shop_database_url, profile, "label-4", customer_id)
    args = {"order_id": order_id, "item_ids": [item_id], "new_item_ids": [new_id], "payment_method_id": method_id}
    preview = EXCHANGE_ITEMS.preview(ctx, args)
    settles = difference + label
    lines = " | ".join(preview.details)
    if label:
        assert f"Return label: ${label}" in lines, lines
        if settles > 0:
            assert f"Charge ${settles:,.2f} to " in lines, lines
        elif settles < 0:
            assert f"Refund ${-settles:,.2f} to " in lines, lines
        assert preview.moves_money == bool(settles)
    else:
        assert "label" not in lines.lower(), lines
    result = run_write(EXCHANGE_ITEMS, ctx, args, f"label-ex-{country}")
    assert (result["price_difference"], result["return_label_cost"], result["settles"]) == (
        float(difference),
        float(label),
        float(settles),
    )
    done = _action_text("exchange_items", result)
    assert done is not None
    if label and settles > 0:
        assert f"With the return label (${label}), ${settles:,.2f} will be charged" in done, done
    elif label and settles < 0:
        assert f"With the return label (${label}) deducted, ${-settles:,.2f} will be refunded" in done, done
    else:
        assert "label" not in done, done


def test_the_done_message_of_a_return_says_the_refund_and_the_label() -> None:
    result = {
        "entity_id": "#W1",
        "refund_amount": 87.05,
        "items_amount": 100.0,
        "return_label_cost": 12.95,
        "currency": "USD",
    }
    english = _action_text("return_items", result)
    assert english is not None and english.startswith(
        "Done: your return for order #W1 is requested. $87.05 ($100.00 for the items less $12.95 for the return "
        "label) will be refunded"
    ), english
    with speaking(speaker("de", "USD")):
        german = _action_text("return_items", result)
    assert german is not None and "87,05\xa0$ (100,00\xa0$ für die Artikel abzüglich 12,95\xa0$" in german, german
    free = _action_text("return_items", {**result, "refund_amount": 100.0, "return_label_cost": 0.0})
    assert free is not None and "$100.00 will be refunded" in free and "label" not in free, free


def test_the_seeded_returns_were_refunded_less_the_label(demo_db_url: str) -> None:
    """The demo shop's history agrees with its policy: returns from Canada, the UK or the EU refunded less the label."""
    assert RETURN_LABELS.label_costs == load_profile("demo", PROFILES).returns.label_costs
    seen: set[Decimal] = set()
    with session_scope(demo_db_url) as session:
        for refund in session.scalars(select(Refund).where(Refund.return_id.is_not(None))):
            request = refund.return_
            assert request is not None
            order = request.order
            (variant_id,) = request.variant_ids
            price = next(item.price for item in order.items if item.variant_id == variant_id)
            label = RETURN_LABELS.label_cost(order.ship_country)
            assert refund.amount == price - min(label, price), (order.id, order.ship_country)
            seen.add(label)
    assert {Decimal(0), Decimal("9.95"), Decimal("12.95")} <= seen, seen


@pytest.mark.parametrize(("country", "short"), [("USA", False), ("United Kingdom", True)])
def test_a_gift_card_must_cover_an_exchanges_label_before_it_is_proposed(country: str, short: bool) -> None:
    """The exchange dialogue checks a gift card against what the tool will charge: the difference plus the label
    (here no difference, a balance of $5.00 and a $12.95 label from the UK)."""
    from graph.llm.dialogue.names import CUSTOMER_DETAILS
    from graph.llm.dialogue.payment import _ground_difference_payment
    from graph.llm.dialogue.plan import Plan, ToolResult
    from graph.procedures.interpreter import Run
    from graph.procedures.loader import procedures_for
    from graph.procedures.schema import Slot
    from graph.state import SupportState

    profile = load_profile("demo", PROFILES)
    order = {
        "order_id": "#W1",
        "status": "delivered",
        "shipping_address": {"country": country},
        "payment_history": [{"transaction_type": "payment", "payment_method_id": "gift_card_1", "amount": 40.0}],
    }
    card = {"id": "gift_card_1", "kind": "gift_card", "balance": 5.0, "label": "gift card ending 0001"}
    results = [ToolResult(CUSTOMER_DETAILS, True, {"payment_methods": [card]}, "c1", {})]
    plan = Plan("change_items", {"swaps": [["shoe-42", "shoe-43", 0.0]]})
    procedures = procedures_for(profile)
    procedure = procedures.for_intent("change_items")
    assert procedure is not None
    slot = Slot(name="payment_method_id", ground="difference_payment", ask="payment_method")
    run = Run(plan, SupportState(), results, profile, procedures, procedure, lambda *_: None, "", order=order)
    assert _ground_difference_payment(run, slot) is not short
    assert (plan.notice or {}).get("code") == ("gift_card_short" if short else None)
