"""Returns and exchanges of delivered orders, their eligibility, and where a return or refund stands.

Policy: only a ``delivered`` order can be returned or exchanged, within the profile's window counted from delivery,
and never final-sale goods. A refund goes to the original payment method or to one of the customer's own gift cards.
An exchange stays within the same product (an available variant) and a payment method settles the difference.
Either request moves the order to "return requested" / "exchange requested": the customer then sends the items back.
A return outside the window is a policy exception a person may approve; final-sale goods are refused outright.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field
from sqlalchemy.orm import Session

from shop.models import (
    Order,
    OrderItem,
    OrderStatus,
    PaymentMethod,
    PaymentMethodKind,
    Product,
    Refund,
    RefundStatus,
    Return,
    ReturnKind,
)
from shopdesk.i18n import N_, _, current
from tools.access import (
    arg_list,
    arg_str,
    check_gift_card_covers,
    check_named_items,
    check_named_on_order,
    load_own_order,
    load_own_payment_method,
    money,
    named_items,
    order_written,
    original_payment_method_id,
    pick_units,
)
from tools.approvals import POLICY_EXCEPTION, REFUND_OVER_LIMIT, approval_reasons
from tools.base import ActionPreview, AlreadyDone, PolicyViolation, ToolContext, WriteAction, shop_now
from tools.declaration import read_tool, write_tool
from tools.item_changes import ItemChangePlan, describe_item_changes, plan_item_changes
from tools.views import (
    amount_text,
    method_named,
    method_said,
    options_text,
    refund_figures,
    refund_line,
    return_view,
    status_name,
)

# ----------------------------------------------------------------------------------------------- eligibility


def delivered_at(order: Order) -> datetime | None:
    """When the last parcel arrived; None when the shop does not know (imported shops often do not)."""
    dates = [f.delivered_at for f in order.fulfillments if f.delivered_at is not None]
    return max(dates) if dates else None


def is_final_sale(ctx: ToolContext, product: Product) -> bool:
    return product.final_sale or product.category.lower() in {
        c.lower() for c in ctx.profile.returns.final_sale_categories
    }


def _window_finding(ctx: ToolContext, order: Order, now: datetime) -> tuple[str, str] | None:
    arrived = delivered_at(order)
    window = ctx.profile.returns.window_days
    if arrived is not None and now - arrived > timedelta(days=window):
        return POLICY_EXCEPTION, f"delivered {arrived:%Y-%m-%d}, outside the {window}-day return window"
    return None


# Why a return or an exchange needs a delivered order: whole sentences, one per write.
_ONLY_DELIVERED = {
    "returned": N_("Order {order_id} is '{status}'; only a delivered order can be returned."),
    "exchanged": N_("Order {order_id} is '{status}'; only a delivered order can be exchanged."),
}


def _not_delivered(order: Order, doing: str) -> str:
    return _(_ONLY_DELIVERED[doing], order_id=order.id, status=status_name(order.status))


def _check_not_requested(order: Order, kind: ReturnKind, args: dict[str, Any]) -> None:
    """The same return or exchange, already requested (by another conversation or worker), is already done."""
    status = OrderStatus.return_requested if kind is ReturnKind.return_ else OrderStatus.exchange_requested
    if order.status is not status:
        return
    wanted = sorted(arg_list(args, "item_ids"))
    new = sorted(str(v) for v in args.get("new_item_ids") or [])
    for request in order.returns:
        if request.kind is kind and sorted(request.variant_ids) == wanted and sorted(request.new_variant_ids) == new:
            done = (
                _("the return of these items of order {order_id} is requested", order_id=order.id)
                if kind is ReturnKind.return_
                else _("the exchange of these items of order {order_id} is requested", order_id=order.id)
            )
            raise AlreadyDone(
                _not_delivered(order, "returned" if kind is ReturnKind.return_ else "exchanged"),
                action="return_items" if kind is ReturnKind.return_ else "exchange_items",
                entity_id=order.id,
                done=done,
            )


def _require_delivered(order: Order, doing: str) -> None:
    if order.status is not OrderStatus.delivered:
        raise PolicyViolation(_not_delivered(order, doing))


def _require_returnable(ctx: ToolContext, session: Session, items: list[OrderItem]) -> None:
    for item in items:
        product = session.get(Product, item.product_id)
        if product is not None and is_final_sale(ctx, product):
            raise PolicyViolation(_("{name} is final sale and cannot be returned or exchanged.", name=item.name))


def check_return_eligibility(ctx: ToolContext, order_id: str) -> dict[str, Any]:
    """Whether the order (and each item) can be returned or exchanged now, and until when."""
    with ctx.session() as session:
        order = load_own_order(ctx, session, order_id)
        arrived = delivered_at(order)
        window = ctx.profile.returns.window_days
        deadline = arrived + timedelta(days=window) if arrived else None
        reasons: list[str] = []
        window_closed = False
        if order.status is not OrderStatus.delivered:
            reasons.append(_("the order is '{status}', not delivered", status=status_name(order.status)))
        elif deadline is not None and shop_now() > deadline:
            window_closed = True
            reasons.append(
                _(
                    "the {days}-day return window ended on {day}",
                    days=window,
                    day=current().day(deadline, with_year=True),
                )
            )
        items = []
        for item in order.items:
            product = session.get(Product, item.product_id)
            final_sale = product is not None and is_final_sale(ctx, product)
            items.append({"item_id": item.variant_id, "name": item.name, "final_sale": final_sale})
        return {
            "order_id": order.id,
            "status": order.status.value,
            "eligible": not reasons and not all(i["final_sale"] for i in items),
            # Said to the customer in the conversation's language; whether the window is what closed it, as data.
            "reasons": reasons,
            "window_closed": window_closed,
            "delivered_at": arrived.isoformat() if arrived else None,
            "return_by": deadline.isoformat() if deadline else None,
            "window_days": window,
            "condition": ctx.profile.returns.condition,
            "items": items,
            "refund_methods": ctx.profile.returns.refund_methods,
        }


def get_return_status(ctx: ToolContext, order_id: str) -> dict[str, Any]:
    """The order's return and exchange requests with their refunds, and the refunds recorded on its payments."""
    with ctx.session() as session:
        order = load_own_order(ctx, session, order_id)
        return {
            "order_id": order.id,
            "status": order.status.value,
            "requests": [return_view(r) for r in order.returns],
            "refund_transactions": [
                {"amount": float(t.amount), "payment_method_id": t.payment_method_id}
                for t in order.transactions
                if t.kind == "refund"
            ],
            "refund_processing": ctx.profile.returns.refund_processing_days,
        }


# ------------------------------------------------------------------------------------------------------ return


@dataclass
class _ReturnPlan:
    order: Order
    items: list[OrderItem]
    method: PaymentMethod
    # What is refunded: the items' amount less the return label's cost for the order's country (never below zero).
    amount: Decimal
    items_amount: Decimal
    label_cost: Decimal
    findings: list[tuple[str, str]]
    # Final-sale items of the order this return leaves out: the preview says so when the customer named no items.
    kept: list[OrderItem]


def _refund_method(ctx: ToolContext, session: Session, order: Order, method_id: str) -> PaymentMethod:
    """The original payment method, or one of this customer's gift cards, as the profile allows."""
    allowed = set(ctx.profile.returns.refund_methods)
    method = load_own_payment_method(ctx, session, method_id)
    if method.id == original_payment_method_id(order) and "original_payment" in allowed:
        return method
    if method.kind is PaymentMethodKind.gift_card and "gift_card" in allowed:
        return method
    raise PolicyViolation(_("A refund can only go to the original payment method or an existing gift card."))


def _plan_return(ctx: ToolContext, args: dict[str, Any], session: Session) -> _ReturnPlan:
    order = load_own_order(ctx, session, arg_str(args, "order_id"), for_update=True)
    _check_not_requested(order, ReturnKind.return_, args)
    _require_delivered(order, "returned")
    named = named_items(args)
    check_named_on_order(order, named)
    items = [order.items[i] for i in pick_units(order, arg_list(args, "item_ids"))]
    check_named_items(order, items, named)
    _require_returnable(ctx, session, items)
    method = _refund_method(ctx, session, order, arg_str(args, "payment_method_id"))
    items_amount = money(sum((money(item.price) for item in items), Decimal(0)))
    label_cost = min(money(ctx.profile.returns.label_cost(order.ship_country)), items_amount)
    amount = items_amount - label_cost
    findings: list[tuple[str, str]] = []
    if (window := _window_finding(ctx, order, shop_now())) is not None:
        findings.append(window)
    limit = ctx.profile.refunds.auto_approve_limit
    if amount > limit:
        findings.append((REFUND_OVER_LIMIT, f"refund {amount} is above {money(limit)}"))
    picked = {id(item) for item in items}
    kept = [
        item
        for item in order.items
        if id(item) not in picked
        and (product := session.get(Product, item.product_id)) is not None
        and is_final_sale(ctx, product)
    ]
    return _ReturnPlan(order, items, method, amount, items_amount, label_cost, findings, [] if named else kept)


def _render_return(ctx: ToolContext, args: dict[str, Any], plan: _ReturnPlan) -> ActionPreview:
    reasons = approval_reasons(ctx.profile, plan.findings)
    currency = plan.order.currency
    refund = amount_text(plan.amount, currency)
    figures = refund_figures(
        plan.amount,
        plan.items_amount,
        plan.label_cost,
        plan.method,
        currency,
        ctx.profile.returns.refund_processing_days,
    )
    kept = [_("Not included: {name} is final sale and cannot be returned", name=item.name) for item in plan.kept]
    return ActionPreview(
        action="return_items",
        args=args,
        summary=_(
            "Return {count} item(s) of order {order_id} for a refund of {amount}.",
            count=len(plan.items),
            order_id=plan.order.id,
            amount=refund,
        ),
        details=[_("Order: {order_id}", order_id=plan.order.id)]
        + [
            _(
                "Return {name} ({options}): {price}",
                name=item.name,
                options=options_text(item.options),
                price=amount_text(item.price, currency),
            )
            for item in plan.items
        ]
        + kept
        + [refund_line(figures), _("You will get an email on how to send it back.")],
        needs_approval=bool(reasons),
        approval_reasons=reasons,
        # Which line of the details the figures word: the reply says it in the customer's language.
        refund={**figures, "line": 1 + len(plan.items) + len(kept)},
    )


def _write_return(ctx: ToolContext, args: dict[str, Any], session: Session, plan: _ReturnPlan) -> dict[str, Any]:
    request = Return(
        kind=ReturnKind.return_,
        variant_ids=[item.variant_id for item in plan.items],
        new_variant_ids=[],
        payment_method_id=plan.method.id,
        reason=str(args.get("reason") or ""),
    )
    plan.order.returns.append(request)
    # The refund is owed, not paid: it stays pending until the items arrive (Refund rows, not payment history).
    session.add(
        Refund(
            order_id=plan.order.id,
            return_=request,
            amount=plan.amount,
            payment_method_id=plan.method.id,
            status=RefundStatus.pending,
            reason="return",
        )
    )
    session.flush()  # the request's id, for the result
    return order_written(
        session,
        plan.order,
        OrderStatus.return_requested,
        refund_amount=float(plan.amount),
        items_amount=float(plan.items_amount),
        return_label_cost=float(plan.label_cost),
        currency=plan.order.currency,
        payment_method_id=plan.method.id,
        # Named in the reply: the customer may not have chosen it (the only usable one).
        payment_method=method_named(plan.method),
        return_id=request.id,
    )


RETURN_ITEMS = WriteAction("return_items", _plan_return, _render_return, _write_return)


# ---------------------------------------------------------------------------------------------------- exchange


@dataclass
class _ExchangePlan:
    change: ItemChangePlan
    findings: list[tuple[str, str]]
    # The return label of the order's country: the exchange's documents charge it as a return's, so what settles
    # is the price difference plus the label (a charge when positive, a refund when negative).
    label_cost: Decimal = Decimal(0)

    @property
    def settles(self) -> Decimal:
        return self.change.difference + self.label_cost


def _plan_exchange(ctx: ToolContext, args: dict[str, Any], session: Session) -> _ExchangePlan:
    order = load_own_order(ctx, session, arg_str(args, "order_id"), for_update=True)
    _check_not_requested(order, ReturnKind.exchange, args)
    _require_delivered(order, "exchanged")
    check_named_on_order(order, named_items(args))
    change = plan_item_changes(ctx, args, session, order)
    _require_returnable(ctx, session, [item for item, _variant in change.changes])
    label_cost = money(ctx.profile.returns.label_cost(order.ship_country))
    check_gift_card_covers(change.method, change.difference + label_cost, order.currency)
    findings: list[tuple[str, str]] = []
    if (window := _window_finding(ctx, order, shop_now())) is not None:
        findings.append(window)
    limit = ctx.profile.refunds.auto_approve_limit
    refund = -(change.difference + label_cost)
    if refund > limit:
        findings.append((REFUND_OVER_LIMIT, f"refund {refund} is above {money(limit)}"))
    return _ExchangePlan(change, findings, label_cost)


def _exchange_lines(plan: _ExchangePlan) -> list[str]:
    """The swaps and what settles them; with a return label, the label and the sum it makes with the difference."""
    lines = describe_item_changes(plan.change)
    if not plan.label_cost:
        return lines
    currency = plan.change.order.currency
    method = method_said(plan.change.method, currency)
    # describe_item_changes ends with the difference alone: the label changes what is charged or refunded.
    difference = plan.change.difference
    if difference > 0:
        lines[-1] = _("Price difference: {amount} to pay", amount=amount_text(difference, currency))
    elif difference < 0:
        lines[-1] = _("Price difference: {amount} back", amount=amount_text(-difference, currency))
    lines.append(_("Return label: {amount}", amount=amount_text(plan.label_cost, currency)))
    if plan.settles > 0:
        lines.append(_("Charge {amount} to {method}", amount=amount_text(plan.settles, currency), method=method))
    elif plan.settles < 0:
        lines.append(_("Refund {amount} to {method}", amount=amount_text(-plan.settles, currency), method=method))
    return lines


def _render_exchange(ctx: ToolContext, args: dict[str, Any], plan: _ExchangePlan) -> ActionPreview:
    reasons = approval_reasons(ctx.profile, plan.findings)
    order = plan.change.order
    return ActionPreview(
        action="exchange_items",
        args=args,
        summary=_(
            "Exchange {count} item(s) of order {order_id}; this can be done only once.",
            count=len(plan.change.changes),
            order_id=order.id,
        ),
        details=[
            _("Order: {order_id}", order_id=order.id),
            *_exchange_lines(plan),
            _("You will get an email on how to send it back."),
        ],
        needs_approval=bool(reasons),
        approval_reasons=reasons,
        moves_money=bool(plan.settles),
    )


def _write_exchange(ctx: ToolContext, args: dict[str, Any], session: Session, plan: _ExchangePlan) -> dict[str, Any]:
    change = plan.change
    request = Return(
        kind=ReturnKind.exchange,
        variant_ids=[item.variant_id for item, _variant in change.changes],
        new_variant_ids=[variant.id for _item, variant in change.changes],
        payment_method_id=change.method.id,
        reason=str(args.get("reason") or ""),
    )
    # Nothing is charged or refunded yet: the difference settles when the returned items arrive.
    change.order.returns.append(request)
    session.flush()  # the request's id, for the result
    return order_written(
        session,
        change.order,
        OrderStatus.exchange_requested,
        price_difference=float(change.difference),
        return_label_cost=float(plan.label_cost),
        # What settles when the items come back: the difference plus the label (charged if positive).
        settles=float(plan.settles),
        currency=change.order.currency,
        payment_method_id=change.method.id,
        # Named in the reply: the customer may not have chosen it (the only usable one).
        payment_method=method_named(change.method),
        return_id=request.id,
        items_changed=len(change.changes),
    )


EXCHANGE_ITEMS = WriteAction("exchange_items", _plan_exchange, _render_exchange, _write_exchange)


# ---------------------------------------------------------------------------------------------- declarations

OrderId = Annotated[str, Field(description="The order id, such as '#W0000000' (with the leading '#').")]
ItemIds = Annotated[list[str], Field(description="Item (variant) ids on the order; repeat an id for several units.")]
NamedItems = Annotated[
    tuple[str, ...],
    Field(description="The items as the customer named them (e.g. ['socks']); the tool refuses ids that differ."),
]

TOOLS = (
    read_tool(
        check_return_eligibility,
        "Whether a delivered order of the verified customer can still be returned or exchanged, until when, and which"
        " items are final sale.",
        order_id=OrderId,
    ),
    read_tool(
        get_return_status,
        "Where the return or exchange requests of an order stand, and its refunds.",
        order_id=OrderId,
    ),
    write_tool(
        RETURN_ITEMS,
        "Request a return of items of a delivered order, refunded to the original payment method or an existing gift"
        " card. The customer must confirm the order, the items and the refund method first.",
        order_id=OrderId,
        item_ids=ItemIds,
        payment_method_id=Annotated[
            str,
            Field(
                description="Where the refund goes: the original payment method or one of the customer's gift cards."
            ),
        ],
        named_items=(NamedItems, ()),
    ),
    write_tool(
        EXCHANGE_ITEMS,
        "Exchange items of a delivered order for other available options of the same product. Possible only once per"
        " order: collect every item first and have the customer confirm the full list.",
        order_id=OrderId,
        item_ids=ItemIds,
        new_item_ids=Annotated[
            list[str],
            Field(description="The new item ids, one per entry of item_ids, each a variant of the same product."),
        ],
        payment_method_id=Annotated[
            str, Field(description="The customer's payment method that pays or receives the price difference.")
        ],
    ),
)
