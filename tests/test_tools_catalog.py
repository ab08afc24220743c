"""Catalog reads without verification, upsell suggestions from the profile, and the registry's contract."""

from __future__ import annotations

from typing import Any

import pytest

from shop.db import session_scope
from shop.models import AuditEntry, Order, OrderStatus
from tests.test_tools_identity import runtime, settings_on  # noqa: F401
from tests.test_tools_small_shop import Make, count, make_ctx, small_shop  # noqa: F401
from tools.base import NotFound, NotVerified, ToolError
from tools.catalog import find_products, get_product_details, list_product_types, suggest_products
from tools.registry import READS, WRITE_ACTIONS, all_langchain_tools, call_read_tool


def test_product_details_need_no_verification(make_ctx: Make) -> None:  # noqa: F811
    shoe = get_product_details(make_ctx(None), "shoe")
    assert shoe["name"] == "Trail Shoe"
    variants = {v["item_id"]: v for v in shoe["variants"]}
    assert variants["shoe-43"]["price"] == 110.0 and variants["shoe-44"]["available"] is False
    with pytest.raises(NotFound):
        get_product_details(make_ctx(None), "nope")


def test_find_and_list_products(make_ctx: Make) -> None:  # noqa: F811
    assert [p["product_id"] for p in find_products(make_ctx(None), "trail SHOE")["products"]] == ["shoe"]
    assert {p["product_id"] for p in find_products(make_ctx(None), "shoe")["products"]} == {"shoe", "wax"}
    assert list_product_types(make_ctx(None))["products"]["Dome Tent"] == "tent"


def test_upsell_follows_the_profile_and_stock(make_ctx: Make) -> None:  # noqa: F811
    # demo profile: shoes -> socks, shoe care; the shoe wax is out of stock, so only the socks are offered.
    suggestions = suggest_products(make_ctx(None), "shoe")["suggestions"]
    assert [s["product_id"] for s in suggestions] == ["socks"]
    assert suggest_products(make_ctx(None), "socks")["suggestions"] == []


def test_upsell_on_the_demo_shop(demo_db_url: str) -> None:
    from sqlalchemy import select

    from shop.models import Product
    from tests.test_tools_small_shop import demo_profile
    from tools.base import ToolContext

    ctx = ToolContext(db_url=demo_db_url, profile=demo_profile(), conversation_id="demo")
    with session_scope(demo_db_url) as session:
        shoes = session.scalars(select(Product.id).where(Product.category == "shoes")).first()
    assert shoes is not None
    suggestions = suggest_products(ctx, shoes)["suggestions"]
    assert 0 < len(suggestions) <= 2
    assert {s["category"] for s in suggestions} <= {"socks", "shoe care"}
    assert all(s["in_stock_variants"] > 0 for s in suggestions)


def test_registry_contract() -> None:
    names = [t.name for t in all_langchain_tools()]
    assert len(names) == len(set(names))
    assert set(WRITE_ACTIONS) <= set(names)
    assert not set(WRITE_ACTIONS) & set(READS)
    for tool in all_langchain_tools():
        schema = tool.tool_call_schema.model_json_schema()  # type: ignore[union-attr]
        assert "runtime" not in schema.get("properties", {}), tool.name
        assert tool.description


def test_call_read_tool(make_ctx: Make) -> None:  # noqa: F811
    assert call_read_tool("get_order_details", make_ctx(), {"order_id": "#P1"})["status"] == "pending"
    assert (
        call_read_tool("find_customer_by_email", make_ctx(None), {"email": "bob@example.com"})["customer_id"] == "bob"
    )
    with pytest.raises(NotVerified):
        call_read_tool("get_order_details", make_ctx(None), {"order_id": "#P1"})
    with pytest.raises(ToolError, match="Unknown"):
        call_read_tool("drop_tables", make_ctx(), {})
    with pytest.raises(ToolError, match="Bad arguments"):
        call_read_tool("get_order_details", make_ctx(), {"order": "#P1"})


def test_write_wrappers_only_propose(settings_on: str) -> None:  # noqa: F811
    tools = {t.name: t for t in all_langchain_tools()}
    state: dict[str, Any] = {"customer": {"id": "alice"}}
    proposal = tools["cancel_order"].func(  # type: ignore[attr-defined]
        order_id="#P1", reason="no longer needed", runtime=runtime(state)
    )
    assert proposal["ok"] and proposal["status"] == "awaiting_confirmation"
    assert proposal["preview"]["action"] == "cancel_order"
    refused = tools["cancel_order"].func(  # type: ignore[attr-defined]
        order_id="#D1", reason="no longer needed", runtime=runtime(state)
    )
    assert refused == {
        "ok": False,
        "error": "Order #D1 is 'delivered'; only a pending order can be cancelled.",
        "error_type": "PolicyViolation",
        "code": "policy",
    }
    with session_scope(settings_on) as session:
        order = session.get(Order, "#P1")
        assert order is not None and order.status is OrderStatus.pending
    assert count(settings_on, AuditEntry) == 0
    read = tools["get_order_details"].func(order_id="#B1", runtime=runtime(state))  # type: ignore[attr-defined]
    assert read["error_type"] == "PolicyViolation"
