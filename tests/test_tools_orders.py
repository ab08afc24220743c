"""Orders: reads with ownership checks, and each pending-order write's policy, money movements and approvals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from shop.db import session_scope
from shop.models import AuditEntry, Order, OrderStatus, PaymentMethod, Transaction
from tests.test_tools_small_shop import Make, count, make_ctx, small_shop  # noqa: F401
from tools.base import NotFound, NotVerified, PolicyViolation, ToolContext, ToolError, run_write
from tools.orders import (
    CANCEL_ORDER,
    MODIFY_DEFAULT_ADDRESS,
    MODIFY_ORDER_ADDRESS,
    MODIFY_ORDER_ITEMS,
    MODIFY_ORDER_PAYMENT,
    get_customer_details,
    get_order_details,
    list_recent_orders,
)

NEW_ADDRESS = {
    "address1": "9 New St",
    "address2": "Apt 2",
    "city": "Boston",
    "state": "MA",
    "country": "USA",
    "zip": "02101",
}


def order(ctx: ToolContext, order_id: str) -> Order:
    with session_scope(ctx.db_url) as session:
        found = session.get(Order, order_id)
        assert found is not None
        _ = found.items, found.transactions
        return found


def balance(ctx: ToolContext, method_id: str) -> Decimal | None:
    with session_scope(ctx.db_url) as session:
        method = session.get(PaymentMethod, method_id)
        assert method is not None
        return method.balance


def history(ctx: ToolContext, order_id: str) -> list[tuple[str, Decimal, str]]:
    with session_scope(ctx.db_url) as session:
        rows = session.scalars(
            select(Transaction).where(Transaction.order_id == order_id).order_by(Transaction.position)
        )
        return [(t.kind.value, t.amount, t.payment_method_id) for t in rows]


# ------------------------------------------------------------------------------------------------------------ reads


def test_order_details_show_tracking_for_the_owner(make_ctx: Make) -> None:  # noqa: F811
    details = get_order_details(make_ctx(), "S1")  # the leading '#' is optional
    assert details["order_id"] == "#S1"
    assert details["status"] == "shipped"
    (fulfillment,) = details["fulfillments"]
    assert fulfillment["carrier"] == "UPS"
    assert fulfillment["tracking_number"] == "1ZS1"
    assert fulfillment["estimated_delivery"] is not None
    assert details["payment_history"] == [
        {"transaction_type": "payment", "amount": 100.0, "payment_method_id": "cc_alice"}
    ]


def test_reads_need_verification_and_ownership(make_ctx: Make) -> None:  # noqa: F811
    with pytest.raises(NotVerified):
        get_order_details(make_ctx(None), "#P1")
    with pytest.raises(PolicyViolation):
        get_order_details(make_ctx("alice"), "#B1")
    with pytest.raises(NotFound):
        get_order_details(make_ctx("alice"), "#NOPE")
    with pytest.raises(PolicyViolation):
        get_customer_details(make_ctx("alice"), "bob")
    with pytest.raises(NotVerified):
        list_recent_orders(make_ctx(None))


def test_customer_details_and_recent_orders(make_ctx: Make) -> None:  # noqa: F811
    details = get_customer_details(make_ctx())
    assert details["customer_id"] == "alice"
    methods = {m["id"]: m for m in details["payment_methods"]}
    assert methods["gc_alice"]["balance"] == 50.0
    assert set(details["orders"]) == {"#P1", "#P2", "#BIG", "#S1", "#D1", "#D2", "#DU", "#DT", "#DL"}
    recent = list_recent_orders(make_ctx(), limit=3)["orders"]
    assert len(recent) == 3
    assert [o["created_at"] for o in recent] == sorted((o["created_at"] for o in recent), reverse=True)


# ------------------------------------------------------------------------------------------------------------ cancel


def test_cancel_pending_order_refunds_the_original_method(make_ctx: Make) -> None:  # noqa: F811
    ctx = make_ctx()
    preview = CANCEL_ORDER.preview(ctx, {"order_id": "#P1", "reason": "no longer needed"})
    assert not preview.needs_approval
    assert any("Refund $110.00" in line for line in preview.details)
    result = run_write(CANCEL_ORDER, ctx, {"order_id": "#P1", "reason": "no longer needed"}, "k-cancel")
    assert result["status"] == "cancelled"
    cancelled = order(ctx, "#P1")
    assert cancelled.status is OrderStatus.cancelled
    assert cancelled.cancel_reason == "no longer needed"
    assert history(ctx, "#P1") == [
        ("payment", Decimal("110.00"), "cc_alice"),
        ("refund", Decimal("110.00"), "cc_alice"),
    ]


def test_cancel_paid_by_gift_card_restores_the_balance(make_ctx: Make) -> None:  # noqa: F811
    ctx = make_ctx()
    run_write(CANCEL_ORDER, ctx, {"order_id": "#P2", "reason": "ordered by mistake"}, "k-gc")
    assert balance(ctx, "gc_alice") == Decimal("150.00")


@pytest.mark.parametrize("order_id", ["#S1", "#D1"])
def test_cancel_only_pending(make_ctx: Make, order_id: str) -> None:  # noqa: F811
    with pytest.raises(PolicyViolation, match="only a pending order"):
        CANCEL_ORDER.preview(make_ctx(), {"order_id": order_id, "reason": "no longer needed"})
    with pytest.raises(PolicyViolation):
        run_write(CANCEL_ORDER, make_ctx(), {"order_id": order_id, "reason": "no longer needed"}, "k-x")
    assert count(make_ctx().db_url, AuditEntry) == 0


def test_cancel_needs_a_known_reason_and_own_order(make_ctx: Make) -> None:  # noqa: F811
    with pytest.raises(ToolError, match="reason"):
        CANCEL_ORDER.preview(make_ctx(), {"order_id": "#P1", "reason": "too expensive"})
    with pytest.raises(PolicyViolation):
        CANCEL_ORDER.preview(make_ctx(), {"order_id": "#B1", "reason": "no longer needed"})
    with pytest.raises(NotVerified):
        CANCEL_ORDER.preview(make_ctx(None), {"order_id": "#P1", "reason": "no longer needed"})


def test_run_write_is_idempotent(make_ctx: Make) -> None:  # noqa: F811
    ctx = make_ctx()
    args = {"order_id": "#P1", "reason": "no longer needed"}
    first = run_write(CANCEL_ORDER, ctx, args, "conv-1:call-7")
    second = run_write(CANCEL_ORDER, ctx, args, "conv-1:call-7")
    assert second["replayed"] is True
    assert {k: v for k, v in second.items() if k != "replayed"} == first
    assert len(history(ctx, "#P1")) == 2  # one payment, one refund: the write ran once
    assert count(ctx.db_url, AuditEntry) == 1
    with session_scope(ctx.db_url) as session:
        entry = session.scalars(select(AuditEntry)).one()
        assert (entry.action, entry.entity_id, entry.conversation_id) == ("cancel_order", "#P1", "conv-1")


# ------------------------------------------------------------------------------------------------------- address


def test_modify_order_address(make_ctx: Make) -> None:  # noqa: F811
    ctx = make_ctx()
    run_write(MODIFY_ORDER_ADDRESS, ctx, {"order_id": "#P1", **NEW_ADDRESS}, "k-addr")
    changed = order(ctx, "#P1")
    assert (changed.ship_line1, changed.ship_city, changed.ship_zip, changed.status) == (
        "9 New St",
        "Boston",
        "02101",
        OrderStatus.pending,
    )
    with pytest.raises(PolicyViolation):
        MODIFY_ORDER_ADDRESS.preview(ctx, {"order_id": "#S1", **NEW_ADDRESS})
    with pytest.raises(ToolError, match="missing"):
        MODIFY_ORDER_ADDRESS.preview(ctx, {"order_id": "#P2", "address1": "x"})


def test_modification_over_limit_needs_approval(make_ctx: Make) -> None:  # noqa: F811
    preview = MODIFY_ORDER_ADDRESS.preview(make_ctx(), {"order_id": "#BIG", **NEW_ADDRESS})
    assert preview.needs_approval
    assert preview.approval_reasons[0].startswith("order_modification_over_limit")
    assert not MODIFY_ORDER_ADDRESS.preview(make_ctx(), {"order_id": "#P1", **NEW_ADDRESS}).needs_approval


def test_modify_default_address_keeps_orders(make_ctx: Make) -> None:  # noqa: F811
    ctx = make_ctx()
    run_write(MODIFY_DEFAULT_ADDRESS, ctx, dict(NEW_ADDRESS), "k-default")
    assert get_customer_details(ctx)["default_address"]["city"] == "Boston"
    assert order(ctx, "#P1").ship_city == "Springfield"
    with pytest.raises(PolicyViolation):
        MODIFY_DEFAULT_ADDRESS.preview(ctx, {"customer_id": "bob", **NEW_ADDRESS})


# --------------------------------------------------------------------------------------------------------- items


def test_modify_items_charges_the_difference_once(make_ctx: Make) -> None:  # noqa: F811
    ctx = make_ctx()
    args = {"order_id": "#P1", "item_ids": ["shoe-42"], "new_item_ids": ["shoe-43"], "payment_method_id": "gc_alice"}
    preview = MODIFY_ORDER_ITEMS.preview(ctx, args)
    assert "Charge $10.00" in " ".join(preview.details)
    result = run_write(MODIFY_ORDER_ITEMS, ctx, args, "k-items")
    assert result["status"] == "pending (items modified)"
    changed = order(ctx, "#P1")
    assert [i.variant_id for i in changed.items] == ["shoe-43", "socks-m"]
    assert changed.items[0].price == Decimal("110.00")
    assert changed.items[0].options == {"size": "43"}
    assert history(ctx, "#P1")[-1] == ("payment", Decimal("10.00"), "gc_alice")
    assert balance(ctx, "gc_alice") == Decimal("40.00")
    # Only once: the order is no longer plain 'pending', so neither modify nor cancel is possible.
    with pytest.raises(PolicyViolation):
        MODIFY_ORDER_ITEMS.preview(ctx, {**args, "item_ids": ["socks-m"], "new_item_ids": ["socks-m"]})
    with pytest.raises(PolicyViolation):
        CANCEL_ORDER.preview(ctx, {"order_id": "#P1", "reason": "no longer needed"})


def test_modify_items_refund_goes_to_the_chosen_method(make_ctx: Make) -> None:  # noqa: F811
    ctx = make_ctx()
    args = {"order_id": "#BIG", "item_ids": ["tent-2p"], "new_item_ids": ["tent-3p"], "payment_method_id": "gc_alice"}
    preview = MODIFY_ORDER_ITEMS.preview(ctx, args)
    # A 600.00 order (modification limit 500) refunding 200.00 (auto-approval limit 150): two reasons.
    assert preview.needs_approval
    assert [r.split(":")[0] for r in preview.approval_reasons] == ["order_modification_over_limit", "refund_over_limit"]
    run_write(MODIFY_ORDER_ITEMS, ctx, args, "k-big", approved_by="lead@shop")
    assert balance(ctx, "gc_alice") == Decimal("250.00")
    assert history(ctx, "#BIG")[-1] == ("refund", Decimal("200.00"), "gc_alice")


@pytest.mark.parametrize(
    ("new_item", "message"),
    [("socks-m", "same product"), ("shoe-44", "not available"), ("nope", "no item")],
)
def test_modify_items_stays_within_the_product(make_ctx: Make, new_item: str, message: str) -> None:  # noqa: F811
    args = {"order_id": "#P1", "item_ids": ["shoe-42"], "new_item_ids": [new_item], "payment_method_id": "cc_alice"}
    with pytest.raises(ToolError, match=message):
        MODIFY_ORDER_ITEMS.preview(make_ctx(), args)


def test_modify_items_checks_units_lists_and_gift_card(make_ctx: Make) -> None:  # noqa: F811
    base = {"order_id": "#P1", "payment_method_id": "cc_alice"}
    with pytest.raises(PolicyViolation, match="not on order"):
        MODIFY_ORDER_ITEMS.preview(
            make_ctx(), {**base, "item_ids": ["shoe-42", "shoe-42"], "new_item_ids": ["shoe-43"] * 2}
        )
    with pytest.raises(ToolError, match="same length"):
        MODIFY_ORDER_ITEMS.preview(
            make_ctx(), {**base, "item_ids": ["shoe-42"], "new_item_ids": ["shoe-43", "shoe-43"]}
        )
    with pytest.raises(PolicyViolation, match="not on file"):
        MODIFY_ORDER_ITEMS.preview(
            make_ctx(), {**base, "item_ids": ["shoe-42"], "new_item_ids": ["shoe-43"], "payment_method_id": "cc_bob"}
        )


def test_gift_card_must_cover_a_charge(make_ctx: Make) -> None:  # noqa: F811
    ctx = make_ctx()
    with session_scope(ctx.db_url) as session:
        method = session.get(PaymentMethod, "gc_alice")
        assert method is not None
        method.balance = Decimal("5.00")
    args = {"order_id": "#P1", "item_ids": ["shoe-42"], "new_item_ids": ["shoe-43"], "payment_method_id": "gc_alice"}
    with pytest.raises(PolicyViolation, match="gift card balance"):
        MODIFY_ORDER_ITEMS.preview(ctx, args)


# ------------------------------------------------------------------------------------------------------- payment


def test_modify_payment_charges_new_and_refunds_old(make_ctx: Make) -> None:  # noqa: F811
    ctx = make_ctx()
    run_write(MODIFY_ORDER_PAYMENT, ctx, {"order_id": "#P2", "payment_method_id": "pp_alice"}, "k-pay")
    assert history(ctx, "#P2") == [
        ("payment", Decimal("100.00"), "gc_alice"),
        ("payment", Decimal("100.00"), "pp_alice"),
        ("refund", Decimal("100.00"), "gc_alice"),
    ]
    assert balance(ctx, "gc_alice") == Decimal("150.00")
    assert order(ctx, "#P2").status is OrderStatus.pending
    # Now paid by PayPal alone: switching back to it is refused, to the card is fine.
    with pytest.raises(PolicyViolation, match="already paid"):
        MODIFY_ORDER_PAYMENT.preview(ctx, {"order_id": "#P2", "payment_method_id": "pp_alice"})
    assert MODIFY_ORDER_PAYMENT.preview(ctx, {"order_id": "#P2", "payment_method_id": "cc_alice"}).summary


def test_modify_payment_refusals(make_ctx: Make) -> None:  # noqa: F811
    ctx = make_ctx()
    with pytest.raises(PolicyViolation, match="gift card balance"):
        MODIFY_ORDER_PAYMENT.preview(ctx, {"order_id": "#P1", "payment_method_id": "gc_alice"})
    with pytest.raises(PolicyViolation, match="not on file"):
        MODIFY_ORDER_PAYMENT.preview(ctx, {"order_id": "#P1", "payment_method_id": "cc_bob"})
    with pytest.raises(PolicyViolation, match="only a pending order"):
        MODIFY_ORDER_PAYMENT.preview(ctx, {"order_id": "#D1", "payment_method_id": "pp_alice"})
    with pytest.raises(PolicyViolation):
        MODIFY_ORDER_PAYMENT.preview(ctx, {"order_id": "#B1", "payment_method_id": "pp_alice"})


def test_writes_on_postgresql(pg_url: str) -> None:
    """The same policy, locking and idempotency on PostgreSQL (row locks, real transactions)."""
    from tests.test_tools_small_shop import build_small_shop, demo_profile

    build_small_shop(pg_url)
    ctx = ToolContext(db_url=pg_url, profile=demo_profile(), conversation_id="pg", customer_id="alice")
    args = {"order_id": "#P2", "reason": "no longer needed"}
    run_write(CANCEL_ORDER, ctx, args, "pg:1")
    assert run_write(CANCEL_ORDER, ctx, args, "pg:1")["replayed"]
    assert balance(ctx, "gc_alice") == Decimal("150.00")
    assert count(pg_url, AuditEntry) == 1
    # The same cancel confirmed again under another key (another conversation): told it is done, nothing changes.
    again = run_write(CANCEL_ORDER, ctx, args, "pg:2")
    assert again["already_done"] and "already done" in again["message"]
    assert balance(ctx, "gc_alice") == Decimal("150.00") and count(pg_url, AuditEntry) == 1
    with pytest.raises(PolicyViolation):
        run_write(CANCEL_ORDER, ctx, {"order_id": "#S1", "reason": "no longer needed"}, "pg:3")
