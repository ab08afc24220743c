"""Orders: look-ups for the verified customer, and the writes a pending order allows.

Policy (see the shop's policy): only a ``pending`` order can be cancelled or modified; item changes stay within the
same product and go to an available variant, and end modification for good ("pending (items modified)"); price
differences and payment changes move money through the customer's own payment methods, gift cards immediately.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args

from pydantic import Field
from sqlalchemy.orm import Session

from shop.models import (
    Address,
    Customer,
    Order,
    OrderStatus,
    PaymentMethod,
    PaymentMethodKind,
    Transaction,
    TransactionKind,
)
from shopdesk.i18n import N_, _
from tools.access import (
    arg_list,
    arg_str,
    check_gift_card_covers,
    load_customer,
    load_own_order,
    load_own_payment_method,
    money,
    order_written,
)
from tools.approvals import MODIFICATION_OVER_LIMIT, REFUND_OVER_LIMIT, approval_reasons
from tools.base import (
    ActionPreview,
    AlreadyDone,
    PolicyViolation,
    ToolContext,
    ToolError,
    WriteAction,
    shop_now,
)
from tools.declaration import read_tool, write_tool
from tools.item_changes import ItemChangePlan, describe_item_changes, plan_item_changes
from tools.views import amount_text, customer_view, method_named, method_said, order_view, status_name

CancelReasonValue = Literal["no longer needed", "ordered by mistake"]
CANCEL_REASONS: tuple[str, ...] = get_args(CancelReasonValue)
# The reasons as the customer reads them; the order records the code (English) whatever the conversation's language.
CANCEL_REASON_WORDS = {"no longer needed": N_("no longer needed"), "ordered by mistake": N_("ordered by mistake")}
# Where a refund stands, by where it goes: a gift card at once, a card or PayPal after the bank's processing.
_REFUND_TO = {
    True: N_("Refund {amount} to {method} (immediately)"),
    False: N_("Refund {amount} to {method} (in 5-7 business days)"),
}


def _refund_to(method: PaymentMethod, amount: Decimal, currency: str) -> str:
    return _(
        _REFUND_TO[method.kind is PaymentMethodKind.gift_card],
        amount=amount_text(amount, currency),
        method=method_said(method, currency),
    )


ADDRESS_FIELDS = ("address1", "address2", "city", "state", "country", "zip")


# ---------------------------------------------------------------------------------------------------------- reads


def get_order_details(ctx: ToolContext, order_id: str) -> dict[str, Any]:
    """Status, items, shipping address, fulfillments (carrier, tracking, estimated delivery) and payments."""
    with ctx.session() as session:
        return order_view(load_own_order(ctx, session, order_id))


def list_recent_orders(ctx: ToolContext, limit: int = 5) -> dict[str, Any]:
    with ctx.session() as session:
        customer = load_customer(ctx, session)
        orders = sorted(customer.orders, key=lambda o: o.created_at, reverse=True)[: max(1, min(limit, 50))]
        return {
            "customer_id": customer.id,
            "orders": [
                {
                    "order_id": o.id,
                    "status": o.status.value,
                    "created_at": o.created_at.isoformat(),
                    "total": float(o.total),
                    "items": [item.name for item in o.items],
                }
                for o in orders
            ],
        }


def get_customer_details(ctx: ToolContext, customer_id: str | None = None) -> dict[str, Any]:
    """The verified customer's profile; asking for anybody else is refused."""
    if customer_id and customer_id != ctx.require_customer():
        raise PolicyViolation(_("I can only share the profile of the verified customer of this conversation."))
    with ctx.session() as session:
        return customer_view(load_customer(ctx, session), ctx.profile.currency)


# ------------------------------------------------------------------------------------------------- shared checks


# Why a write needs a pending order, by the write: whole sentences, so a language can word each its way.
_ONLY_PENDING = {
    "cancelled": N_("Order {order_id} is '{status}'; only a pending order can be cancelled."),
    "modified": N_("Order {order_id} is '{status}'; only a pending order can be modified."),
}


def _not_pending(order: Order, doing: str) -> str:
    return _(_ONLY_PENDING[doing], order_id=order.id, status=status_name(order.status))


def _require_pending(order: Order, doing: str) -> None:
    if order.status is not OrderStatus.pending:
        raise PolicyViolation(_not_pending(order, doing))


def _holds(order: Order, variant_ids: list[str]) -> bool:
    """Whether the order already holds these variants (as many units as listed): a modification that landed."""
    left = [item.variant_id for item in order.items]
    for variant_id in variant_ids:
        if variant_id not in left:
            return False
        left.remove(variant_id)
    return True


def _net_paid(order: Order) -> dict[str, Decimal]:
    """What each payment method has paid on the order, net of refunds, in first-use order."""
    net: dict[str, Decimal] = {}
    for transaction in order.transactions:
        sign = 1 if transaction.kind is TransactionKind.payment else -1
        net[transaction.payment_method_id] = net.get(transaction.payment_method_id, Decimal(0)) + sign * money(
            transaction.amount
        )
    return {method: amount for method, amount in net.items() if amount > 0}


def _add_transaction(
    session: Session, order: Order, kind: TransactionKind, amount: Decimal, method: PaymentMethod
) -> None:
    """Record money moving and keep a gift card's balance in step (gift cards move immediately)."""
    position = max((t.position for t in order.transactions), default=-1) + 1
    order.transactions.append(
        Transaction(
            kind=kind,
            amount=money(amount),
            payment_method_id=method.id,
            position=position,
            created_at=shop_now(),
        )
    )
    if method.kind is PaymentMethodKind.gift_card:
        change = amount if kind is TransactionKind.refund else -amount
        method.balance = money((method.balance or Decimal(0)) + change)


def _modification_findings(ctx: ToolContext, order: Order) -> list[tuple[str, str]]:
    limit = ctx.profile.approvals.order_modification_limit
    if order.total > limit:
        return [(MODIFICATION_OVER_LIMIT, f"order total {money(order.total)} is above {money(limit)}")]
    return []


def _address_args(args: dict[str, Any]) -> dict[str, str]:
    address = {key: str(args.get(key) or "").strip() for key in ADDRESS_FIELDS}
    missing = [key for key in ("address1", "city", "country", "zip") if not address[key]]
    if missing:
        raise ToolError(f"The new address is missing: {', '.join(missing)}.")
    return address


def _same_address(current: dict[str, str], wanted: dict[str, str]) -> bool:
    def norm(value: object) -> str:
        return " ".join(str(value or "").lower().split())

    return all(norm(current.get(key)) == norm(value) for key, value in wanted.items())


def _one_line(address: dict[str, str]) -> str:
    parts = [address["address1"], address["address2"], address["city"], address["state"], address["zip"]]
    return ", ".join(p for p in [*parts, address["country"]] if p)


# ------------------------------------------------------------------------------------------------------ cancel


@dataclass
class _CancelPlan:
    order: Order
    reason: str
    refunds: list[tuple[PaymentMethod, Decimal]]


def _plan_cancel(ctx: ToolContext, args: dict[str, Any], session: Session) -> _CancelPlan:
    order = load_own_order(ctx, session, arg_str(args, "order_id"), for_update=True)
    reason = arg_str(args, "reason").lower()
    if reason not in CANCEL_REASONS:
        raise ToolError(f"The reason must be one of: {', '.join(CANCEL_REASONS)}.")
    if order.status is OrderStatus.cancelled:
        raise AlreadyDone(
            _not_pending(order, "cancelled"),
            action="cancel_order",
            entity_id=order.id,
            done=_("order {order_id} is cancelled and its refund is on its way", order_id=order.id),
        )
    _require_pending(order, "cancelled")
    refunds = []
    for method_id, amount in _net_paid(order).items():
        method = session.get(PaymentMethod, method_id)
        if method is None:
            raise ToolError(f"The payment method {method_id} of order {order.id} is no longer on file.")
        refunds.append((method, amount))
    return _CancelPlan(order, reason, refunds)


def _render_cancel(ctx: ToolContext, args: dict[str, Any], plan: _CancelPlan) -> ActionPreview:
    # No refund limit here: a pending order has not left the warehouse, so cancelling it only reverses a payment.
    currency = plan.order.currency
    reason = _(CANCEL_REASON_WORDS[plan.reason]) if plan.reason in CANCEL_REASON_WORDS else plan.reason
    return ActionPreview(
        action="cancel_order",
        args=args,
        summary=_(
            "Cancel order {order_id} ({reason}) and refund {amount}.",
            order_id=plan.order.id,
            reason=reason,
            amount=amount_text(plan.order.total, currency),
        ),
        details=[_("Order: {order_id}", order_id=plan.order.id), _("Reason: {reason}", reason=reason)]
        + [_refund_to(method, amount, currency) for method, amount in plan.refunds],
        done=_(
            "Done: Cancel order {order_id} ({reason}) and refund {amount}.",
            order_id=plan.order.id,
            reason=reason,
            amount=amount_text(plan.order.total, currency),
        ),
    )


def _write_cancel(ctx: ToolContext, args: dict[str, Any], session: Session, plan: _CancelPlan) -> dict[str, Any]:
    for method, amount in plan.refunds:
        _add_transaction(session, plan.order, TransactionKind.refund, amount, method)
    plan.order.cancel_reason = plan.reason
    refunds = [{"payment_method_id": m.id, "amount": float(a)} for m, a in plan.refunds]
    return order_written(session, plan.order, OrderStatus.cancelled, refunds=refunds)


CANCEL_ORDER = WriteAction("cancel_order", _plan_cancel, _render_cancel, _write_cancel)


# ------------------------------------------------------------------------------------------------ modify address


def _plan_order_address(ctx: ToolContext, args: dict[str, Any], session: Session) -> tuple[Order, dict[str, str]]:
    order = load_own_order(ctx, session, arg_str(args, "order_id"), for_update=True)
    address = _address_args(args)
    _require_pending(order, "modified")
    if _same_address(order.shipping_address(), address):
        raise AlreadyDone(
            _("Order {order_id} already ships to {address}.", order_id=order.id, address=_one_line(address)),
            action="modify_order_address",
            entity_id=order.id,
            done=_("order {order_id} ships to {address}", order_id=order.id, address=_one_line(address)),
        )
    return order, address


def _render_order_address(ctx: ToolContext, args: dict[str, Any], plan: tuple[Order, dict[str, str]]) -> ActionPreview:
    order, address = plan
    reasons = approval_reasons(ctx.profile, _modification_findings(ctx, order))
    return ActionPreview(
        action="modify_order_address",
        args=args,
        summary=_("Ship order {order_id} to {address}.", order_id=order.id, address=_one_line(address)),
        details=[
            _("Order: {order_id}", order_id=order.id),
            _("From: {address}", address=_one_line(order.shipping_address())),
            _("To: {address}", address=_one_line(address)),
        ],
        needs_approval=bool(reasons),
        approval_reasons=reasons,
    )


def _write_order_address(
    ctx: ToolContext, args: dict[str, Any], session: Session, plan: tuple[Order, dict[str, str]]
) -> dict[str, Any]:
    order, address = plan
    order.ship_line1, order.ship_line2 = address["address1"], address["address2"]
    order.ship_city, order.ship_state = address["city"], address["state"]
    order.ship_zip, order.ship_country = address["zip"], address["country"]
    return order_written(session, order, shipping_address=address)


MODIFY_ORDER_ADDRESS = WriteAction(
    "modify_order_address", _plan_order_address, _render_order_address, _write_order_address
)


# -------------------------------------------------------------------------------------------------- modify items


def _plan_modify_items(ctx: ToolContext, args: dict[str, Any], session: Session) -> ItemChangePlan:
    order = load_own_order(ctx, session, arg_str(args, "order_id"), for_update=True)
    if order.status is OrderStatus.pending_items_modified and _holds(order, arg_list(args, "new_item_ids")):
        raise AlreadyDone(
            _not_pending(order, "modified"),
            action="modify_order_items",
            entity_id=order.id,
            done=_("the items of order {order_id} are changed", order_id=order.id),
        )
    _require_pending(order, "modified")
    return plan_item_changes(ctx, args, session, order)


def _render_modify_items(ctx: ToolContext, args: dict[str, Any], plan: ItemChangePlan) -> ActionPreview:
    findings = _modification_findings(ctx, plan.order)
    limit = ctx.profile.refunds.auto_approve_limit
    if -plan.difference > limit:
        findings.append((REFUND_OVER_LIMIT, f"refund {-plan.difference} is above {money(limit)}"))
    reasons = approval_reasons(ctx.profile, findings)
    return ActionPreview(
        action="modify_order_items",
        args=args,
        summary=_(
            "Change {count} item(s) on order {order_id}; this can be done only once.",
            count=len(plan.changes),
            order_id=plan.order.id,
        ),
        details=[_("Order: {order_id}", order_id=plan.order.id), *describe_item_changes(plan)],
        needs_approval=bool(reasons),
        approval_reasons=reasons,
        moves_money=bool(plan.difference),
    )


def _write_modify_items(
    ctx: ToolContext, args: dict[str, Any], session: Session, plan: ItemChangePlan
) -> dict[str, Any]:
    if plan.difference:
        kind = TransactionKind.payment if plan.difference > 0 else TransactionKind.refund
        _add_transaction(session, plan.order, kind, abs(plan.difference), plan.method)
    for item, variant in plan.changes:
        item.variant_id, item.options, item.price = variant.id, dict(variant.options), money(variant.price)
    return order_written(
        session,
        plan.order,
        OrderStatus.pending_items_modified,
        price_difference=float(plan.difference),
        payment_method_id=plan.method.id,
        # Named in the reply: the customer may not have chosen it (the only usable one).
        payment_method=method_named(plan.method),
        items_changed=len(plan.changes),
    )


MODIFY_ORDER_ITEMS = WriteAction("modify_order_items", _plan_modify_items, _render_modify_items, _write_modify_items)


# ------------------------------------------------------------------------------------------------ modify payment


@dataclass
class _PaymentChangePlan:
    order: Order
    old: PaymentMethod
    new: PaymentMethod
    amount: Decimal


def _plan_modify_payment(ctx: ToolContext, args: dict[str, Any], session: Session) -> _PaymentChangePlan:
    order = load_own_order(ctx, session, arg_str(args, "order_id"), for_update=True)
    new = load_own_payment_method(ctx, session, arg_str(args, "payment_method_id"))
    _require_pending(order, "modified")
    paid = _net_paid(order)
    if len(paid) != 1:
        raise PolicyViolation(
            _("Order {order_id} is paid with several methods; a person has to change its payment.", order_id=order.id)
        )
    ((old_id, amount),) = paid.items()
    if old_id == new.id:
        raise AlreadyDone(
            _(
                "Order {order_id} is already paid with {method}; please choose a different method.",
                order_id=order.id,
                method=new.label,
            ),
            action="modify_order_payment",
            entity_id=order.id,
            done=_("order {order_id} is paid with {method}", order_id=order.id, method=new.label),
        )
    old = session.get(PaymentMethod, old_id)
    if old is None:
        raise ToolError(f"The payment method {old_id} of order {order.id} is no longer on file.")
    check_gift_card_covers(new, amount, order.currency)
    return _PaymentChangePlan(order, old, new, amount)


def _render_modify_payment(ctx: ToolContext, args: dict[str, Any], plan: _PaymentChangePlan) -> ActionPreview:
    reasons = approval_reasons(ctx.profile, _modification_findings(ctx, plan.order))
    currency = plan.order.currency
    amount = amount_text(plan.amount, currency)
    new, old = method_said(plan.new, currency), method_said(plan.old, currency)
    return ActionPreview(
        action="modify_order_payment",
        args=args,
        summary=_(
            "Pay order {order_id} ({amount}) with {method} instead of {old_method}.",
            order_id=plan.order.id,
            amount=amount,
            method=new,
            old_method=old,
        ),
        details=[
            _("Order: {order_id}", order_id=plan.order.id),
            _("Charge {amount} to {method}", amount=amount, method=new),
            _refund_to(plan.old, plan.amount, currency),
        ],
        needs_approval=bool(reasons),
        approval_reasons=reasons,
    )


def _write_modify_payment(
    ctx: ToolContext, args: dict[str, Any], session: Session, plan: _PaymentChangePlan
) -> dict[str, Any]:
    _add_transaction(session, plan.order, TransactionKind.payment, plan.amount, plan.new)
    _add_transaction(session, plan.order, TransactionKind.refund, plan.amount, plan.old)
    return order_written(
        session,
        plan.order,
        payment_method_id=plan.new.id,
        refunded_payment_method_id=plan.old.id,
        amount=float(plan.amount),
    )


MODIFY_ORDER_PAYMENT = WriteAction(
    "modify_order_payment", _plan_modify_payment, _render_modify_payment, _write_modify_payment
)


# ------------------------------------------------------------------------------------------ customer's default address


@dataclass
class _DefaultAddressPlan:
    customer: Customer
    address: dict[str, str]


def _names_the_customer(customer: Customer, reference: str) -> bool:
    """Whether the customer named in the request ("the default address of <someone>") is the verified one: their
    id, email or full name. Anything else is another customer, and is refused rather than read as the speaker."""
    wanted = " ".join(reference.lower().split())
    return wanted in {customer.id.lower(), customer.email.lower(), " ".join(customer.name.lower().split())}


def _plan_default_address(ctx: ToolContext, args: dict[str, Any], session: Session) -> _DefaultAddressPlan:
    customer_id = ctx.require_customer()
    customer = session.get(Customer, customer_id, with_for_update=True)
    if customer is None:
        raise ToolError("We could not find your customer profile.")
    for key in ("customer_id", "for_customer"):
        reference = str(args.get(key) or "").strip()
        if reference and not _names_the_customer(customer, reference):
            raise PolicyViolation(_("I can only change the address of the verified customer of this conversation."))
    address = _address_args(args)
    current = customer.default_address
    if current is not None and _same_address(current.as_dict(), address):
        raise AlreadyDone(
            _("Your default address is already {address}.", address=_one_line(address)),
            action="modify_default_address",
            entity_id=customer.id,
            done=_("your default address is {address}", address=_one_line(address)),
        )
    return _DefaultAddressPlan(customer, address)


def _render_default_address(ctx: ToolContext, args: dict[str, Any], plan: _DefaultAddressPlan) -> ActionPreview:
    line = _one_line(plan.address)
    return ActionPreview(
        action="modify_default_address",
        args=args,
        summary=_("Make {address} your default address (existing orders keep their address).", address=line),
        details=[_("Account: {name}", name=plan.customer.name), _("New default address: {address}", address=line)],
    )


def _write_default_address(
    ctx: ToolContext, args: dict[str, Any], session: Session, plan: _DefaultAddressPlan
) -> dict[str, Any]:
    customer, address = plan.customer, plan.address
    current = customer.default_address
    if current is None:
        current = Address(customer_id=customer.id, is_default=True)
        session.add(current)
    current.line1, current.line2 = address["address1"], address["address2"]
    current.city, current.state, current.zip, current.country = (
        address["city"],
        address["state"],
        address["zip"],
        address["country"],
    )
    session.flush()
    return {"entity": "customer", "entity_id": customer.id, "default_address": address}


MODIFY_DEFAULT_ADDRESS = WriteAction(
    "modify_default_address", _plan_default_address, _render_default_address, _write_default_address
)


# ---------------------------------------------------------------------------------------------- declarations

OrderId = Annotated[str, Field(description="The order id, such as '#W0000000' (with the leading '#').")]
PaymentMethodId = Annotated[
    str, Field(description="A payment method id of the customer, such as 'credit_card_0000000' or 'gift_card_0000000'.")
]
ItemIds = Annotated[list[str], Field(description="Item (variant) ids on the order; repeat an id for several units.")]
NewItemIds = Annotated[
    list[str], Field(description="The new item ids, one per entry of item_ids, each a variant of the same product.")
]
CancelReason = Annotated[CancelReasonValue, Field(description="Why it is cancelled.")]
OrderLimit = Annotated[int, Field(description="How many orders, newest first.", ge=1, le=50)]
ADDRESS = {key: str for key in ADDRESS_FIELDS}

TOOLS = (
    read_tool(
        get_order_details,
        "Status and details of one of the verified customer's orders: items, shipping address, carrier, tracking"
        " number, estimated delivery, payments, cancellation and return/exchange requests.",
        order_id=OrderId,
    ),
    read_tool(
        list_recent_orders,
        "The verified customer's most recent orders with status, date, total and item names.",
        limit=(OrderLimit, 5),
    ),
    read_tool(
        get_customer_details,
        "The verified customer's profile: name, email, default address, payment methods (gift card balances) and"
        " order ids.",
    ),
    write_tool(
        CANCEL_ORDER,
        "Cancel a pending order and refund it to the original payment method (gift cards immediately, otherwise in"
        " 5-7 business days). Only pending orders; the customer must confirm the order id and the reason first.",
        order_id=OrderId,
        reason=CancelReason,
    ),
    write_tool(
        MODIFY_ORDER_ADDRESS,
        "Change the shipping address of a pending order. The customer must confirm the new address first.",
        order_id=OrderId,
        **ADDRESS,
    ),
    write_tool(
        MODIFY_ORDER_ITEMS,
        "Change items of a pending order to other available options of the same product, settling the price"
        " difference with one of the customer's payment methods (a gift card must cover it). Possible only once per"
        " order: collect every item first and have the customer confirm the full list.",
        order_id=OrderId,
        item_ids=ItemIds,
        new_item_ids=NewItemIds,
        payment_method_id=PaymentMethodId,
    ),
    write_tool(
        MODIFY_ORDER_PAYMENT,
        "Pay a pending order with another of the customer's payment methods (a gift card must cover the total); the"
        " original method is refunded. The customer must confirm first.",
        order_id=OrderId,
        payment_method_id=PaymentMethodId,
    ),
    write_tool(
        MODIFY_DEFAULT_ADDRESS,
        "Change the verified customer's default address (orders already placed keep theirs). Only the verified"
        " customer's own: pass whoever the customer named in for_customer, and the tool refuses anyone else. Confirm"
        " first.",
        **ADDRESS,
        for_customer=(
            Annotated[
                str,
                Field(
                    description="Whose address the customer named (an email or full name), if they named anyone;"
                    " else ''."
                ),
            ],
            "",
        ),
    ),
)
