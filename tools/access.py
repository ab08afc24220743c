"""Ownership-checked loading of shop records, shared by every domain module.

Every path from a tool to a customer's data goes through here, so "a customer sees only their own data, and only
after verification" is enforced in one place rather than remembered in each tool.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.orm import Session

from shop.models import Customer, Order, OrderItem, OrderStatus, PaymentMethod, PaymentMethodKind, Product, Variant
from shopdesk.i18n import _, current
from tools.base import NotFound, PolicyViolation, ToolContext, ToolError, shop_now

CENT = Decimal("0.01")


def money(value: Decimal | float | int | str) -> Decimal:
    """Round to the cent the way a receipt does, so sums of prices and refunds agree to the cent."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def arg_str(args: dict[str, Any], key: str) -> str:
    """A required, non-empty string argument; the local engine and the model both send loose dicts."""
    value = args.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ToolError(f"Missing '{key}'.")
    return str(value).strip()


def arg_list(args: dict[str, Any], key: str) -> list[str]:
    value = args.get(key)
    if not isinstance(value, list | tuple) or not value:
        raise ToolError(f"'{key}' must be a non-empty list.")
    return [str(v).strip() for v in value]


def normalize_order_id(order_id: str) -> str:
    # Customers type "W2378156" as often as "#W2378156"; ids in the shop carry the hash.
    order_id = order_id.strip()
    return order_id if order_id.startswith("#") or not order_id[:1].isalpha() else f"#{order_id}"


def load_customer(ctx: ToolContext, session: Session) -> Customer:
    customer = session.get(Customer, ctx.require_customer())
    if customer is None:
        raise NotFound("We could not find your customer profile.")
    return customer


def load_own_order(ctx: ToolContext, session: Session, order_id: str, for_update: bool = False) -> Order:
    """The order if it belongs to the verified customer; another customer's order is refused, not "not found".

    Writes load it ``for_update``: on PostgreSQL the row stays locked until commit, so two conversations cannot both
    pass the status check of the same order (SQLite serialises writers anyway and ignores the clause).
    """
    customer_id = ctx.require_customer()
    order = session.get(Order, normalize_order_id(order_id), with_for_update=for_update)
    if order is None:
        raise NotFound(f"There is no order {order_id}.")
    if order.customer_id != customer_id:
        raise PolicyViolation(_("I can only help with orders of the verified customer of this conversation."))
    return order


def load_own_payment_method(ctx: ToolContext, session: Session, payment_method_id: str) -> PaymentMethod:
    """A payment method on file for the verified customer; anything else is refused."""
    customer_id = ctx.require_customer()
    method = session.get(PaymentMethod, payment_method_id)
    if method is None or method.customer_id != customer_id:
        raise PolicyViolation(
            _("The payment method {method} is not on file for this customer.", method=payment_method_id)
        )
    return method


def load_product(session: Session, product_id: str) -> Product:
    product = session.get(Product, product_id.strip())
    if product is None:
        raise NotFound(f"There is no product {product_id}.")
    return product


def load_variant(session: Session, variant_id: str) -> Variant:
    variant = session.get(Variant, variant_id.strip())
    if variant is None:
        raise NotFound(f"There is no item {variant_id}.")
    return variant


def original_payment_method_id(order: Order) -> str:
    """The method the order was first paid with: where refunds go unless the customer picks a gift card."""
    for transaction in order.transactions:
        if transaction.kind == "payment":
            return transaction.payment_method_id
    raise ToolError(f"Order {order.id} has no recorded payment.")


def pick_units(order: Order, variant_ids: Sequence[str]) -> list[int]:
    """Positions (indexes into order.items) of one unit per requested variant id; duplicates take further units.

    An id asked for more often than the order holds it is refused, so a list can never touch a unit twice.
    """
    taken: set[int] = set()
    picked: list[int] = []
    for variant_id in variant_ids:
        index = next(
            (i for i, item in enumerate(order.items) if item.variant_id == variant_id and i not in taken),
            None,
        )
        if index is None:
            raise PolicyViolation(
                _(
                    "Item {item_id} is not on order {order_id} (or not that many times).",
                    item_id=variant_id,
                    order_id=order.id,
                )
            )
        taken.add(index)
        picked.append(index)
    return picked


def _stems(text: str) -> set[str]:
    words = (w.strip(".,!?()'\"").lower() for w in re.split(r"[\s/()-]+", text))
    return {w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words if len(w) > 1}


def named_items(args: dict[str, Any]) -> list[str]:
    """The items as the customer named them ("socks", "the earrings"), when the caller passed them."""
    value = args.get("named_items") or []
    return [str(v).strip() for v in value if str(v).strip()] if isinstance(value, list | tuple) else []


def check_named_on_order(order: Order, named: Sequence[str]) -> None:
    """Every item the customer named is on the order: "return the earrings" on an order without any is refused, never
    read as some other item of the order."""
    for word in named:
        if not any(_stems(word) & _stems(item.name) for item in order.items):
            raise PolicyViolation(
                _("Order {order_id} has no {item}; nothing has been changed.", order_id=order.id, item=word)
            )


def check_named_items(order: Order, items: Sequence[OrderItem], named: Sequence[str]) -> None:
    """The write touches exactly the items the customer named: each named item is among them and each of them was
    named. The dialogue (or a model) picks the ids; the tool checks them against the customer's own words."""
    if not named:
        return
    check_named_on_order(order, named)
    for word in named:
        if not any(_stems(word) & _stems(item.name) for item in items):
            raise PolicyViolation(
                _("You asked about the {item}, but it is not part of this request; nothing changed.", item=word)
            )
    for item in items:
        if not any(_stems(word) & _stems(item.name) for word in named):
            asked = ", ".join(named)
            raise PolicyViolation(
                _("{item} is not what you asked for ({asked}); nothing has been changed.", item=item.name, asked=asked)
            )


def check_gift_card_covers(method: PaymentMethod, amount: Decimal, currency: str = "USD") -> None:
    if method.kind is PaymentMethodKind.gift_card and amount > 0 and (method.balance or Decimal(0)) < amount:
        raise PolicyViolation(
            _(
                "The gift card balance ({balance}) does not cover {amount}; please choose another payment method.",
                balance=current().money(method.balance or 0, currency),
                amount=current().money(amount, currency),
            )
        )


def order_written(session: Session, order: Order, status: OrderStatus | None = None, **result: Any) -> dict[str, Any]:
    """Finish a write to an order: its new status, the time, and the result ``run_write`` audits and returns."""
    if status is not None:
        order.status = status
    order.updated_at = shop_now()
    session.flush()
    return {"entity": "order", "entity_id": order.id, "status": order.status.value, **result}
