"""Vouchers: checking codes (personal ones only for their owner) and issuing within the demo profile's limits."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from shop.db import session_scope
from shop.models import AuditEntry, Voucher, VoucherKind
from tests.test_tools_small_shop import Make, count, make_ctx, small_shop  # noqa: F401
from tools.base import NotFound, NotVerified, ToolError, run_write
from tools.discounts import ISSUE_GOODWILL_CREDIT, ISSUE_VOUCHER, check_voucher


def test_check_voucher(make_ctx: Make) -> None:  # noqa: F811
    assert check_voucher(make_ctx(None), "welcome10")["valid"]
    assert check_voucher(make_ctx(), "ALICE5")["value"] == 5.0
    expired = check_voucher(make_ctx(None), "OLD")
    assert not expired["valid"] and "expired" in expired["problems"][0]
    # Someone else's personal voucher is indistinguishable from an unknown code.
    with pytest.raises(NotFound):
        check_voucher(make_ctx(), "BOB5")
    with pytest.raises(NotVerified):
        check_voucher(make_ctx(None), "BOB5")


# #DL arrived three days after its estimate; #D1 arrived on time (a missing item there is for a person to judge).
@pytest.mark.parametrize(
    ("args", "reasons"),
    [
        ({"order_id": "#DL", "kind": "percent", "value": 10, "reason": "late delivery"}, []),
        ({"order_id": "#DL", "kind": "percent", "value": 15, "reason": "late delivery"}, ["voucher_over_limit"]),
        ({"order_id": "#DL", "kind": "amount", "value": 20, "reason": "late delivery"}, []),
        ({"order_id": "#DL", "kind": "amount", "value": 30, "reason": "late delivery"}, ["voucher_over_limit"]),
        ({"order_id": "#D1", "kind": "amount", "value": 20, "reason": "missing item"}, ["claim_needs_person"]),
        (
            {"order_id": "#DL", "kind": "amount", "value": 5, "reason": "just because"},
            ["policy_exception", "claim_needs_person"],
        ),
    ],
)
def test_voucher_limits_from_the_profile(make_ctx: Make, args: dict[str, object], reasons: list[str]) -> None:  # noqa: F811
    preview = ISSUE_VOUCHER.preview(make_ctx(), args)
    assert [r.split(":")[0] for r in preview.approval_reasons] == reasons
    assert preview.needs_approval is bool(reasons)


def test_goodwill_limit(make_ctx: Make) -> None:  # noqa: F811
    late = {"order_id": "#DL", "reason": "late delivery"}
    assert not ISSUE_GOODWILL_CREDIT.preview(make_ctx(), {"amount": 25, **late}).needs_approval
    over = ISSUE_GOODWILL_CREDIT.preview(make_ctx(), {"amount": 25.01, **late})
    assert over.needs_approval and "above 25.00" in over.approval_reasons[0]


def test_bad_voucher_requests(make_ctx: Make) -> None:  # noqa: F811
    late = {"order_id": "#DL", "reason": "late delivery"}
    with pytest.raises(ToolError):
        ISSUE_VOUCHER.preview(make_ctx(), {"kind": "percent", "value": 150, **late})
    with pytest.raises(ToolError):
        ISSUE_VOUCHER.preview(make_ctx(), {"kind": "free", "value": 5, **late})
    with pytest.raises(ToolError):
        ISSUE_GOODWILL_CREDIT.preview(make_ctx(), {"order_id": "#DL", "amount": "-3", "reason": "late delivery"})
    with pytest.raises(ToolError, match="order_id"):
        ISSUE_GOODWILL_CREDIT.preview(make_ctx(), {"amount": 5, "reason": "late delivery"})
    with pytest.raises(NotVerified):
        ISSUE_GOODWILL_CREDIT.preview(make_ctx(None), {"order_id": "#DL", "amount": 5, "reason": "late delivery"})


def test_issue_is_idempotent_and_audited(make_ctx: Make) -> None:  # noqa: F811
    ctx = make_ctx()
    args = {"order_id": "#DL", "kind": "percent", "value": 15, "reason": "damaged packaging"}
    first = run_write(ISSUE_VOUCHER, ctx, args, "conv-1:call-2", approved_by="maria")
    again = run_write(ISSUE_VOUCHER, ctx, args, "conv-1:call-2", approved_by="maria")
    assert again["code"] == first["code"] and again["replayed"]
    with session_scope(ctx.db_url) as session:
        voucher = session.get(Voucher, first["code"])
        assert voucher is not None
        assert (voucher.customer_id, voucher.kind, voucher.value) == ("alice", VoucherKind.percent, Decimal("15.00"))
        entry = session.scalars(select(AuditEntry)).one()
        assert (entry.action, entry.approved_by, entry.entity) == ("issue_voucher", "maria", "voucher")
    assert count(ctx.db_url, Voucher, Voucher.customer_id == "alice") == 2  # ALICE5 and the new one
    assert check_voucher(ctx, first["code"])["valid"]
