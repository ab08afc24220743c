"""Vouchers: checking a code, and issuing a discount voucher or a goodwill credit within the shop's limits.

The profile sets the limits (``discounts.max_voucher_percent`` / ``max_voucher_amount`` for vouchers,
``refunds.goodwill_max_amount`` for goodwill credit, ``discounts.goodwill_budget_per_customer`` over
``goodwill_budget_days``) and the reasons that justify goodwill; beyond them only a person's approval lets it through.

Every voucher is for one of the customer's orders and its reason is checked against that order's data: "late" must
be a delivery after its estimate (or none yet, past it); damage, a missing item or anything the data cannot show is
for a person to judge; a cancelled, unshipped or on-time order gets nothing. One voucher per order, ever: the
vouchers table holds it (a unique index on the order), whatever the checks before the write read.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import Field
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shop.models import AuditEntry, Customer, Fulfillment, Order, OrderStatus, Voucher, VoucherKind
from shopdesk.i18n import _, current, ngettext
from tools.access import arg_str, load_own_order, money
from tools.approvals import CLAIM_NEEDS_PERSON, POLICY_EXCEPTION, VOUCHER_OVER_LIMIT, approval_reasons
from tools.base import (
    ActionPreview,
    AlreadyDone,
    NotFound,
    PolicyViolation,
    ToolContext,
    ToolError,
    WriteAction,
    shop_now,
)
from tools.declaration import read_tool, write_tool


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
        # Said to the customer (joined into one sentence), in the conversation's language.
        if not voucher.active:
            problems.append(_("it is no longer active"))
        if voucher.expires_at is not None and voucher.expires_at < shop_now():
            problems.append(_("it expired on {day}", day=current().day(voucher.expires_at, with_year=True)))
        if voucher.single_use and voucher.used_at is not None:
            problems.append(_("it has already been used"))
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
    order_id: str
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


# ---------------------------------------------------------------------------------------- what the data supports

_LATE = re.compile(r"\b(late|delay\w*|slow|took\s+(?:so|too)\s+long|overdue)\b", re.IGNORECASE)
_DAMAGED_OR_MISSING = re.compile(r"\b(damag\w*|broken|missing|crushed|torn|defective|not\s+received)\b", re.IGNORECASE)
_ARRIVED = (OrderStatus.delivered, OrderStatus.return_requested, OrderStatus.exchange_requested)


def _late_parcels(order: Order, now: datetime) -> list[Fulfillment]:
    """Parcels delivered after their estimate, or not delivered and past it."""
    return [
        f
        for f in order.fulfillments
        if f.estimated_delivery is not None and (f.delivered_at or now) > f.estimated_delivery
    ]


def _claim_findings(order: Order, reason: str, now: datetime) -> list[tuple[str, str]]:
    """Check the reason against the shop's own data: refuse what the data contradicts, let a person judge what it
    cannot show (damage, a missing item, anything else), and pass a late delivery the dates prove."""
    if order.status is OrderStatus.cancelled:
        raise PolicyViolation(
            _("Order {order_id} was cancelled, so there is no delivery to compensate for.", order_id=order.id)
        )
    delivered = order.status in _ARRIVED or any(f.delivered_at for f in order.fulfillments)
    if _LATE.search(reason):
        if _late_parcels(order, now):
            return []
        estimates = [f.estimated_delivery for f in order.fulfillments if f.estimated_delivery is not None]
        if not estimates and not delivered and order.status is not OrderStatus.shipped:
            raise PolicyViolation(
                _("Order {order_id} has not shipped yet and no delivery date has passed: not late.", order_id=order.id)
            )
        if not estimates:
            return [(CLAIM_NEEDS_PERSON, f"order {order.id} has no delivery estimate to check '{reason}' against")]
        due = max(estimates)
        arrived = [f.delivered_at for f in order.fulfillments if f.delivered_at is not None]
        if arrived:
            raise PolicyViolation(
                _(
                    "Order {order_id} arrived on {day}, within its estimate ({due}): it was not late.",
                    order_id=order.id,
                    day=current().day(max(arrived)),
                    due=current().day(due),
                )
            )
        raise PolicyViolation(
            _("Order {order_id} is due by {due} and is not late yet.", order_id=order.id, due=current().day(due))
        )
    if _DAMAGED_OR_MISSING.search(reason):
        if not delivered:
            raise PolicyViolation(
                _(
                    "Order {order_id} has not been delivered yet, so nothing in it can be {reason} yet.",
                    order_id=order.id,
                    reason=reason,
                )
            )
        return [(CLAIM_NEEDS_PERSON, f"'{reason}' on order {order.id} is for a person to check")]
    return [(CLAIM_NEEDS_PERSON, f"the shop's data cannot confirm '{reason}' on order {order.id}")]


def _earlier_compensation(session: Session, order_id: str) -> AuditEntry | None:
    query = (
        select(AuditEntry)
        .where(AuditEntry.action.in_(COMPENSATIONS), AuditEntry.details["order_id"].as_string() == order_id)
        .order_by(AuditEntry.id)
        .limit(1)
    )
    return session.scalar(query)


def _spent(ctx: ToolContext, session: Session, customer_id: str) -> Decimal:
    """Fixed-amount credits this customer was given by us within the budget period."""
    since = shop_now() - timedelta(days=ctx.profile.discounts.goodwill_budget_days)
    query = select(func.coalesce(func.sum(Voucher.value), 0)).where(
        Voucher.customer_id == customer_id,
        Voucher.kind == VoucherKind.amount,
        Voucher.issued_by != "shop",
        Voucher.created_at >= since,
    )
    return money(session.scalar(query) or 0)


def _plan_compensation(
    ctx: ToolContext, action: str, args: dict[str, Any], session: Session, kind: VoucherKind, value: Decimal
) -> _VoucherPlan:
    """What every voucher and goodwill credit shares: the customer's own order, a reason its data supports, once per
    order and within the customer's budget. The customer row, then the order row, is locked (on PostgreSQL) for the
    rest of the transaction: two conversations of one customer cannot both pass the checks below."""
    customer_id = ctx.require_customer()
    customer = session.get(Customer, customer_id, with_for_update=True)
    if customer is None:
        raise NotFound("We could not find your customer profile.")
    order = load_own_order(ctx, session, arg_str(args, "order_id"), for_update=True)
    reason = arg_str(args, "reason")
    earlier = _earlier_compensation(session, order.id)
    if earlier is not None:
        same = earlier.action == action and Decimal(str(earlier.result.get("value"))) == value
        if same and earlier.result.get("kind") == kind.value:
            raise AlreadyDone(
                _("Order {order_id} already has a voucher; there is one per order.", order_id=order.id),
                action=action,
                entity_id=str(earlier.entity_id),
                done=_(
                    "voucher {code} was issued for order {order_id}", code=earlier.result.get("code"), order_id=order.id
                ),
            )
        raise PolicyViolation(
            _(
                "Order {order_id} already had a voucher ({code}); there is at most one per order.",
                order_id=order.id,
                code=earlier.result.get("code"),
            )
        )
    findings = _reason_findings(ctx, reason) + _claim_findings(order, reason, shop_now())
    if kind is VoucherKind.amount:
        budget = money(ctx.profile.discounts.goodwill_budget_per_customer)
        spent = _spent(ctx, session, customer.id)
        if spent + value > budget:
            findings.append(
                (
                    VOUCHER_OVER_LIMIT,
                    f"{value} would bring this customer's credits to {spent + value}, above the budget of {budget}",
                )
            )
    return _VoucherPlan(customer.id, order.id, kind, value, reason, findings)


def _plan_voucher(ctx: ToolContext, args: dict[str, Any], session: Session) -> _VoucherPlan:
    kind_name = arg_str(args, "kind").lower()
    if kind_name not in {k.value for k in VoucherKind}:
        raise ToolError("A voucher is either 'percent' or 'amount'.")
    kind, value = VoucherKind(kind_name), _decimal(args, "value")
    limits = ctx.profile.discounts
    over: list[tuple[str, str]] = []
    if kind is VoucherKind.percent:
        if value > 100:
            raise ToolError("A percentage voucher cannot exceed 100%.")
        if value > limits.max_voucher_percent:
            over.append((VOUCHER_OVER_LIMIT, f"{value}% is above {limits.max_voucher_percent}%"))
    else:
        value = money(value)
        if value > limits.max_voucher_amount:
            over.append((VOUCHER_OVER_LIMIT, f"{value} is above {money(limits.max_voucher_amount)}"))
    plan = _plan_compensation(ctx, "issue_voucher", args, session, kind, value)
    plan.findings = over + plan.findings
    return plan


def _plan_goodwill(ctx: ToolContext, args: dict[str, Any], session: Session) -> _VoucherPlan:
    amount = money(_decimal(args, "amount"))
    limit = ctx.profile.refunds.goodwill_max_amount
    over = [(VOUCHER_OVER_LIMIT, f"goodwill credit {amount} is above {money(limit)}")] if amount > limit else []
    plan = _plan_compensation(ctx, "issue_goodwill_credit", args, session, VoucherKind.amount, amount)
    plan.findings = over + plan.findings
    return plan


def _label(plan: _VoucherPlan, currency: str) -> str:
    if plan.kind is VoucherKind.percent:
        return _("{percent}% off", percent=plan.value)
    return _("{value} {currency} off", value=plan.value, currency=currency)


def _render(title: str) -> Any:
    def render(ctx: ToolContext, args: dict[str, Any], plan: _VoucherPlan) -> ActionPreview:
        reasons = approval_reasons(ctx.profile, plan.findings)
        days = ctx.profile.discounts.voucher_validity_days
        label = _label(plan, ctx.profile.currency)
        return ActionPreview(
            action=title,
            args=args,
            summary=_(
                "Issue a voucher for {worth} your next order ({reason}, order {order_id}).",
                worth=label,
                reason=plan.reason,
                order_id=plan.order_id,
            ),
            details=[
                _("Order: {order_id}", order_id=plan.order_id),
                _("Value: {worth}", worth=label),
                ngettext("Valid for {count} day", "Valid for {count} days", days),
                _("Single use"),
            ],
            needs_approval=bool(reasons),
            approval_reasons=reasons,
        )

    return render


def _issue(ctx: ToolContext, args: dict[str, Any], session: Session, plan: _VoucherPlan) -> dict[str, Any]:
    # The code is random, but the write runs once per idempotency key, so a replay hands back the same code.
    now = shop_now()
    voucher = Voucher(
        code=f"SD-{secrets.token_hex(4).upper()}",
        customer_id=plan.customer_id,
        kind=plan.kind,
        value=plan.value,
        expires_at=now + timedelta(days=ctx.profile.discounts.voucher_validity_days),
        reason=plan.reason,
        issued_by=ctx.actor,
        # On the shop's clock, which the per-customer budget counts by.
        created_at=now,
        order_id=plan.order_id,
    )
    session.add(voucher)
    try:
        session.flush()
    except IntegrityError as error:
        if "order_id" not in str(error.orig):
            raise
        # The database's own one-per-order index: another transaction granted one for this order after the checks
        # above read it. Nothing of this write is kept (the transaction rolls back with the refusal).
        raise PolicyViolation(
            _(
                "Order {order_id} already has a voucher; there is at most one per order. Nothing has been changed.",
                order_id=plan.order_id,
            )
        ) from None
    return {
        "entity": "voucher",
        "entity_id": voucher.code,
        "code": voucher.code,
        "kind": voucher.kind.value,
        "value": float(voucher.value),
        "order_id": plan.order_id,
        "expires_at": voucher.expires_at.isoformat() if voucher.expires_at else None,
    }


ISSUE_VOUCHER = WriteAction("issue_voucher", _plan_voucher, _render("issue_voucher"), _issue)
ISSUE_GOODWILL_CREDIT = WriteAction("issue_goodwill_credit", _plan_goodwill, _render("issue_goodwill_credit"), _issue)
COMPENSATIONS = (ISSUE_VOUCHER.name, ISSUE_GOODWILL_CREDIT.name)

OrderId = Annotated[str, Field(description="The order the voucher is for, such as '#W0000000' (with the '#').")]

TOOLS = (
    read_tool(
        check_voucher,
        "Whether a voucher code is valid now: its value, minimum order total, expiry and whether it was used.",
        code=Annotated[str, Field(description="The voucher code as the customer typed it.")],
    ),
    write_tool(
        ISSUE_VOUCHER,
        "Give the verified customer a single-use voucher for a next order, for a problem with one of their orders (at"
        " most one per order; the order's data must support the reason). Above the shop's limits a person must"
        " approve it; the customer confirms first.",
        order_id=OrderId,
        kind=Annotated[Literal["percent", "amount"], Field(description="A percentage off, or a fixed amount off.")],
        value=Annotated[float, Field(description="The percentage (e.g. 10) or the amount (e.g. 15.00).", gt=0)],
        reason=Annotated[str, Field(description="Why, e.g. 'late delivery' or 'damaged packaging'.")],
    ),
    write_tool(
        ISSUE_GOODWILL_CREDIT,
        "Offer the verified customer a goodwill credit (a fixed-amount voucher) for a problem with one of their"
        " orders: a late delivery the order's dates show, or (for a person to judge) damage or a missing item. At"
        " most one per order, within the customer's budget; above the shop's limits a person must approve it; the"
        " customer confirms first.",
        order_id=OrderId,
        amount=Annotated[float, Field(description="The credit amount, e.g. 10.00.", gt=0)],
        reason=Annotated[str, Field(description="Why, e.g. 'late delivery' or 'missing item'.")],
    ),
)
