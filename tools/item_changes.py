"""Moving units of an order to other variants of the same product: the check shared by modify and exchange.

Both the pending-order modification and the delivered-order exchange follow the same rule: each unit goes to an
available variant of its own product, and one of the customer's payment methods settles the difference (a gift card
must cover a charge).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from shop.models import Order, OrderItem, PaymentMethod, Variant
from shopdesk.i18n import _
from tools.access import (
    arg_list,
    arg_str,
    check_gift_card_covers,
    check_named_items,
    load_own_payment_method,
    load_variant,
    money,
    named_items,
    pick_units,
)
from tools.base import PolicyViolation, ToolContext, ToolError
from tools.views import amount_text, method_said, options_text


@dataclass
class ItemChangePlan:
    """Units of an order moving to other variants of the same product, and the money that settles it."""

    order: Order
    changes: list[tuple[OrderItem, Variant]]
    method: PaymentMethod
    difference: Decimal


def plan_item_changes(ctx: ToolContext, args: dict[str, Any], session: Session, order: Order) -> ItemChangePlan:
    """Shared by modify (pending) and exchange (delivered): same product, available variant, covered difference.

    A unit may be "changed" into its own variant: that settles nothing but is allowed, so that one call can list
    every unit the customer mentioned.
    """
    item_ids, new_item_ids = arg_list(args, "item_ids"), arg_list(args, "new_item_ids")
    if len(item_ids) != len(new_item_ids):
        raise ToolError("Each item needs exactly one new item: the two lists must have the same length.")
    method = load_own_payment_method(ctx, session, arg_str(args, "payment_method_id"))
    changes: list[tuple[OrderItem, Variant]] = []
    for index, new_id in zip(pick_units(order, item_ids), new_item_ids, strict=True):
        item = order.items[index]
        variant = load_variant(session, new_id)
        if variant.product_id != item.product_id:
            raise PolicyViolation(
                _(
                    "Item {item_id} is not a variant of {name}; items can only change options within the same product.",
                    item_id=new_id,
                    name=item.name,
                )
            )
        if not variant.available:
            raise PolicyViolation(_("Item {item_id} ({name}) is not available.", item_id=new_id, name=item.name))
        changes.append((item, variant))
    check_named_items(order, [item for item, _variant in changes], named_items(args))
    difference = sum((money(v.price) - money(i.price) for i, v in changes), Decimal(0))
    check_gift_card_covers(method, difference, order.currency)
    return ItemChangePlan(order, changes, method, money(difference))


def describe_item_changes(plan: ItemChangePlan) -> list[str]:
    """The proposal's lines for the swaps and what settles them, in the conversation's language."""
    currency = plan.order.currency
    lines = [
        _("{name}: {options} -> a new one with the same options", name=item.name, options=options_text(item.options))
        if variant.id == item.variant_id
        else _(
            "{name}: {options} -> {new_options} ({price})",
            name=item.name,
            options=options_text(item.options),
            new_options=options_text(variant.options),
            price=amount_text(variant.price, currency),
        )
        for item, variant in plan.changes
    ]
    method = method_said(plan.method, currency)
    if plan.difference > 0:
        lines.append(_("Charge {amount} to {method}", amount=amount_text(plan.difference, currency), method=method))
    elif plan.difference < 0:
        lines.append(_("Refund {amount} to {method}", amount=amount_text(-plan.difference, currency), method=method))
    else:
        lines.append(_("No price difference"))
    return lines
