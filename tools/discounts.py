"""Vouchers: checking a code, and issuing a discount voucher or a goodwill credit within the shop's limits.

The profile sets the limits (``discounts.max_voucher_percent`` / ``max_voucher_amount`` for vouchers,
``refunds.goodwill_max_amount`` for goodwill credit) and the reasons that justify goodwill; anything beyond them is
still possible, but only with a person's approval.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from langchain.tools import ToolRuntime, tool
from pydantic import Field
from sqlalchemy.orm import Session

from shop.models import Voucher, VoucherKind
from tools.access import arg_str, load_customer, money
from tools.approvals import POLICY_EXCEPTION, VOUCHER_OVER_LIMIT, approval_reasons
from tools.base import ActionPreview, NotFound, ToolContext, ToolError, WriteAction, plan_preview, shop_now
from tools.context import propose, safe_read


def check_voucher(ctx: ToolContext, code: str) -> dict[str, Any]:
    """Whether a voucher code can be used now; a personal voucher is only shown to its verified owner."""
    with ctx.session() as session:
        voucher = session.get(Voucher, code.strip().upper())
        if voucher is None:
            raise NotFound(f"There is no voucher {code}.")
        if voucher.customer_id is not None and voucher.customer_id != ctx.require_customer():
            # Someone else's personal voucher looks exactly like an unknown code: nothing leaks.
            raise NotFound(f"There is no voucher {code}.")
        problems = []
        if not voucher.active:
            problems.append("it is no longer active")
        if voucher.expires_at is not None and voucher.expires_at < shop_now():
            problems.append(f"it expired on {voucher.expires_at:%Y-%m-%d}")
        if voucher.single_use and voucher.used_at is not None:
            problems.append("it has already been used")
        return {
            "code": voucher.code,
            "valid": not problems,
            "problems": problems,
            "kind": voucher.kind.value,
            "value": float(voucher.value),
            "min_order_total": float(voucher.min_order_total),
            "expires_at": voucher.expires_at.isoformat() if voucher.expires_at else None,
            "single_use": voucher.single_use,
        }


@dataclass
class _VoucherPlan:
    customer_id: str
    kind: VoucherKind
    value: Decimal
    reason: str
    findings: list[tuple[str, str]]


def _decimal(args: dict[str, Any], key: str) -> Decimal:
    try:
        value = Decimal(str(args.get(key)))
    except InvalidOperation:
        raise ToolError(f"'{key}' must be a number.") from None
    if not value.is_finite() or value <= 0:
        raise ToolError(f"'{key}' must be a positive number.")
    return value


def _reason_findings(ctx: ToolContext, reason: str) -> list[tuple[str, str]]:
    known = ctx.profile.discounts.goodwill_reasons
    if known and reason.lower() not in {r.lower() for r in known}:
        return [(POLICY_EXCEPTION, f"'{reason}' is not one of the goodwill reasons ({', '.join(known)})")]
    return []


def _plan_voucher(ctx: ToolContext, args: dict[str, Any], session: Session) -> _VoucherPlan:
    customer = load_customer(ctx, session)
    kind_name = arg_str(args, "kind").lower()
    if kind_name not in {k.value for k in VoucherKind}:
        raise ToolError("A voucher is either 'percent' or 'amount'.")
    kind, value, reason = VoucherKind(kind_name), _decimal(args, "value"), arg_str(args, "reason")
    limits = ctx.profile.discounts
    findings = _reason_findings(ctx, reason)
    if kind is VoucherKind.percent:
        if value > 100:
            raise ToolError("A percentage voucher cannot exceed 100%.")
        if value > limits.max_voucher_percent:
            findings.append((VOUCHER_OVER_LIMIT, f"{value}% is above {limits.max_voucher_percent}%"))
    else:
        value = money(value)
        if value > limits.max_voucher_amount:
            findings.append((VOUCHER_OVER_LIMIT, f"{value} is above {money(limits.max_voucher_amount)}"))
    return _VoucherPlan(customer.id, kind, value, reason, findings)


def _plan_goodwill(ctx: ToolContext, args: dict[str, Any], session: Session) -> _VoucherPlan:
    customer = load_customer(ctx, session)
    amount, reason = money(_decimal(args, "amount")), arg_str(args, "reason")
    findings = _reason_findings(ctx, reason)
    limit = ctx.profile.refunds.goodwill_max_amount
    if amount > limit:
        findings.append((VOUCHER_OVER_LIMIT, f"goodwill credit {amount} is above {money(limit)}"))
    return _VoucherPlan(customer.id, VoucherKind.amount, amount, reason, findings)


def _label(plan: _VoucherPlan, currency: str) -> str:
    return f"{plan.value}% off" if plan.kind is VoucherKind.percent else f"{plan.value} {currency} off"


def _render(title: str) -> Any:
    def render(ctx: ToolContext, args: dict[str, Any], plan: _VoucherPlan) -> ActionPreview:
        reasons = approval_reasons(ctx.profile, plan.findings)
        days = ctx.profile.discounts.voucher_validity_days
        return ActionPreview(
            action=title,
            args=args,
            summary=f"Issue a voucher for {_label(plan, ctx.profile.currency)} your next order ({plan.reason}).",
            details=[f"Value: {_label(plan, ctx.profile.currency)}", f"Valid for {days} days", "Single use"],
            needs_approval=bool(reasons),
            approval_reasons=reasons,
        )

    return render


def _issue(ctx: ToolContext, plan: _VoucherPlan, session: Session) -> dict[str, Any]:
    # The code is random, but apply runs once per idempotency key, so a replay hands back the same code.
    voucher = Voucher(
        code=f"SD-{secrets.token_hex(4).upper()}",
        customer_id=plan.customer_id,
        kind=plan.kind,
        value=plan.value,
        expires_at=shop_now() + timedelta(days=ctx.profile.discounts.voucher_validity_days),
        reason=plan.reason,
        issued_by=ctx.actor,
    )
    session.add(voucher)
    session.flush()
    return {
        "entity": "voucher",
        "entity_id": voucher.code,
        "code": voucher.code,
        "kind": voucher.kind.value,
        "value": float(voucher.value),
        "expires_at": voucher.expires_at.isoformat() if voucher.expires_at else None,
    }


def _apply_voucher(ctx: ToolContext, args: dict[str, Any], session: Session) -> dict[str, Any]:
    return _issue(ctx, _plan_voucher(ctx, args, session), session)


def _apply_goodwill(ctx: ToolContext, args: dict[str, Any], session: Session) -> dict[str, Any]:
    return _issue(ctx, _plan_goodwill(ctx, args, session), session)


ISSUE_VOUCHER = WriteAction("issue_voucher", plan_preview(_plan_voucher, _render("issue_voucher")), _apply_voucher)
ISSUE_GOODWILL_CREDIT = WriteAction(
    "issue_goodwill_credit", plan_preview(_plan_goodwill, _render("issue_goodwill_credit")), _apply_goodwill
)


@tool("check_voucher")
def check_voucher_tool(
    code: Annotated[str, Field(description="The voucher code as the customer typed it.")], runtime: ToolRuntime
) -> dict[str, Any]:
    """Whether a voucher code is valid now: its value, minimum order total, expiry and whether it was used."""
    return safe_read(check_voucher, runtime, code=code)


@tool("issue_voucher")
def issue_voucher_tool(
    kind: Annotated[Literal["percent", "amount"], Field(description="A percentage off, or a fixed amount off.")],
    value: Annotated[float, Field(description="The percentage (e.g. 10) or the amount (e.g. 15.00).", gt=0)],
    reason: Annotated[str, Field(description="Why, e.g. 'late delivery' or 'damaged packaging'.")],
    runtime: ToolRuntime,
) -> dict[str, Any]:
    """Give the verified customer a single-use voucher for a next order. Above the shop's limits a person must
    approve it; the customer confirms first."""
    return propose(ISSUE_VOUCHER, runtime, {"kind": kind, "value": value, "reason": reason})


@tool("issue_goodwill_credit")
def issue_goodwill_credit_tool(
    amount: Annotated[float, Field(description="The credit amount, e.g. 10.00.", gt=0)],
    reason: Annotated[str, Field(description="Why, e.g. 'late delivery' or 'missing item'.")],
    runtime: ToolRuntime,
) -> dict[str, Any]:
    """Offer the verified customer a goodwill credit (a fixed-amount voucher) for a problem with the service. Above
    the shop's goodwill limit a person must approve it; the customer confirms first."""
    return propose(ISSUE_GOODWILL_CREDIT, runtime, {"amount": amount, "reason": reason})


DISCOUNT_READ_TOOLS = [check_voucher_tool]
DISCOUNT_WRITE_TOOLS = [issue_voucher_tool, issue_goodwill_credit_tool]
DISCOUNT_WRITE_ACTIONS = [ISSUE_VOUCHER, ISSUE_GOODWILL_CREDIT]
