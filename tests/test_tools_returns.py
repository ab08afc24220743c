"""Returns and exchanges: delivered only, the window, final sale, refund destinations, approvals, status reads."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from shop.db import session_scope
from shop.models import Order, OrderStatus, PaymentMethod, Refund, RefundStatus, Return, ReturnKind, Transaction
from tests.test_tools_small_shop import Make, count, make_ctx, small_shop  # noqa: F401
from tools.base import PolicyViolation, ToolError, run_write
from tools.returns import EXCHANGE_ITEMS, RETURN_ITEMS, check_return_eligibility, get_return_status


def test_eligibility(make_ctx: Make) -> None:  # noqa: F811
    fresh = check_return_eligibility(make_ctx(), "#D1")
    assert fresh["eligible"] and fresh["window_days"] == 30 and fresh["return_by"] is not None
    late = check_return_eligibility(make_ctx(), "#D2")
    assert not late["eligible"] and "window ended" in late["reasons"][0]
    final_sale = check_return_eligibility(make_ctx(), "#DU")
    assert not final_sale["eligible"] and final_sale["items"][0]["final_sale"]
    pending = check_return_eligibility(make_ctx(), "#P1")
    assert not pending["eligible"] and "not delivered" in pending["reasons"][0]
    with pytest.raises(PolicyViolation):
        check_return_eligibility(make_ctx("bob"), "#D1")


def test_return_to_the_original_method(make_ctx: Make) -> None:  # noqa: F811
    ctx = make_ctx()
    args = {"order_id": "#D1", "item_ids": ["socks-m", "socks-m"], "payment_method_id": "cc_alice"}
    preview = RETURN_ITEMS.preview(ctx, args)
    assert not preview.needs_approval
    assert "refund of $20.00" in preview.summary
    result = run_write(RETURN_ITEMS, ctx, args, "k-ret")
    assert result["status"] == "return requested" and result["refund_amount"] == 20.0
    with session_scope(ctx.db_url) as session:
        order = session.get(Order, "#D1")
        assert order is not None and order.status is OrderStatus.return_requested
        (request,) = order.returns
        assert (request.kind, request.variant_ids, request.payment_method_id) == (
            ReturnKind.return_,
            ["socks-m", "socks-m"],
            "cc_alice",
        )
        refund = session.scalars(select(Refund)).one()
        assert (refund.amount, refund.status, refund.return_id) == (Decimal("20.00"), RefundStatus.pending, request.id)
        # Nothing is paid back yet: the payment history is untouched until the items arrive.
        assert len(order.transactions) == 1
    status = get_return_status(ctx, "#D1")
    assert status["requests"][0]["refunds"][0]["status"] == "pending"
    # Once requested, the order is no longer 'delivered': no second return or exchange.
    with pytest.raises(PolicyViolation):
        RETURN_ITEMS.preview(ctx, {**args, "item_ids": ["shoe-42"]})


def test_return_to_an_existing_gift_card(make_ctx: Make) -> None:  # noqa: F811
    ctx = make_ctx()
    run_write(RETURN_ITEMS, ctx, {"order_id": "#D1", "item_ids": ["shoe-42"], "payment_method_id": "gc_alice"}, "k-gc")
    with session_scope(ctx.db_url) as session:
        assert session.scalars(select(Return.payment_method_id)).one() == "gc_alice"
        gift_card = session.get(PaymentMethod, "gc_alice")
        assert gift_card is not None and gift_card.balance == Decimal("50.00")


def test_return_refusals(make_ctx: Make) -> None:  # noqa: F811
    ctx = make_ctx()
    with pytest.raises(PolicyViolation, match="only a delivered order"):
        RETURN_ITEMS.preview(ctx, {"order_id": "#P1", "item_ids": ["shoe-42"], "payment_method_id": "cc_alice"})
    with pytest.raises(PolicyViolation, match="not on file"):
        RETURN_ITEMS.preview(ctx, {"order_id": "#D1", "item_ids": ["shoe-42"], "payment_method_id": "cc_bob"})
    # On file, but neither the original method nor a gift card.
    with pytest.raises(PolicyViolation, match="original payment method"):
        RETURN_ITEMS.preview(ctx, {"order_id": "#D1", "item_ids": ["shoe-42"], "payment_method_id": "pp_alice"})
    with pytest.raises(PolicyViolation, match="final sale"):
        RETURN_ITEMS.preview(ctx, {"order_id": "#DU", "item_ids": ["boxer-m"], "payment_method_id": "cc_alice"})
    with pytest.raises(PolicyViolation, match="not on order"):
        RETURN_ITEMS.preview(ctx, {"order_id": "#D1", "item_ids": ["tent-2p"], "payment_method_id": "cc_alice"})
    with pytest.raises(PolicyViolation):
        RETURN_ITEMS.preview(
            make_ctx("bob"), {"order_id": "#D1", "item_ids": ["shoe-42"], "payment_method_id": "cc_bob"}
        )
    assert count(ctx.db_url, Return) == 0


def test_return_approvals(make_ctx: Make) -> None:  # noqa: F811
    late = RETURN_ITEMS.preview(
        make_ctx(), {"order_id": "#D2", "item_ids": ["shoe-42"], "payment_method_id": "cc_alice"}
    )
    assert late.needs_approval and late.approval_reasons[0].startswith("policy_exception")
    big = RETURN_ITEMS.preview(
        make_ctx(), {"order_id": "#DT", "item_ids": ["tent-2p"], "payment_method_id": "cc_alice"}
    )
    assert big.needs_approval and big.approval_reasons == ["refund_over_limit: refund 600.00 is above 150.00"]


def test_exchange_for_another_variant(make_ctx: Make) -> None:  # noqa: F811
    ctx = make_ctx()
    args = {"order_id": "#D1", "item_ids": ["shoe-42"], "new_item_ids": ["shoe-43"], "payment_method_id": "gc_alice"}
    result = run_write(EXCHANGE_ITEMS, ctx, args, "k-ex")
    assert result["status"] == "exchange requested" and result["price_difference"] == 10.0
    with session_scope(ctx.db_url) as session:
        request = session.scalars(select(Return)).one()
        assert (request.kind, request.variant_ids, request.new_variant_ids) == (
            ReturnKind.exchange,
            ["shoe-42"],
            ["shoe-43"],
        )
        # The difference settles when the items come back: no transaction, the gift card is untouched.
        assert count(ctx.db_url, Transaction, Transaction.order_id == "#D1") == 1
        gift_card = session.get(PaymentMethod, "gc_alice")
        assert gift_card is not None and gift_card.balance == Decimal("50.00")


def test_exchange_refusals(make_ctx: Make) -> None:  # noqa: F811
    ctx = make_ctx()
    base = {"order_id": "#D1", "item_ids": ["shoe-42"], "payment_method_id": "cc_alice"}
    with pytest.raises(PolicyViolation, match="same product"):
        EXCHANGE_ITEMS.preview(ctx, {**base, "new_item_ids": ["tent-3p"]})
    with pytest.raises(PolicyViolation, match="not available"):
        EXCHANGE_ITEMS.preview(ctx, {**base, "new_item_ids": ["shoe-44"]})
    with pytest.raises(PolicyViolation, match="only a delivered order"):
        EXCHANGE_ITEMS.preview(ctx, {**base, "order_id": "#P1", "new_item_ids": ["shoe-43"]})
    with pytest.raises(PolicyViolation, match="final sale"):
        EXCHANGE_ITEMS.preview(
            ctx,
            {"order_id": "#DU", "item_ids": ["boxer-m"], "new_item_ids": ["boxer-m"], "payment_method_id": "cc_alice"},
        )
    with pytest.raises(ToolError):
        EXCHANGE_ITEMS.preview(ctx, {**base, "new_item_ids": "shoe-43"})
