"""What tools show: plain JSON-able dicts of shop records, without internal fields.

Amounts are floats rounded to the cent (JSON has no Decimal); dates are ISO strings or None.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from shop.models import Customer, Order, PaymentMethod, PaymentMethodKind, Product, Return, Variant
from shopdesk.i18n import N_, Speaker, _, current, ngettext, speaker

# Order statuses as the customer reads them (the shop's status codes, one message each).
STATUS_NAMES = {
    "pending": N_("pending"),
    "processed": N_("processed"),
    "shipped": N_("shipped"),
    "delivered": N_("delivered"),
    "cancelled": N_("cancelled"),
    "pending (items modified)": N_("pending (items modified)"),
    "return requested": N_("return requested"),
    "exchange requested": N_("exchange requested"),
    "unknown": N_("unknown"),
}


def status_name(status: Any) -> str:
    """An order status in the conversation's language; a code the catalogue doesn't know is shown as it is."""
    text = str(getattr(status, "value", status))
    return _(STATUS_NAMES[text]) if text in STATUS_NAMES else text


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def amount_text(amount: Decimal | float | None, currency: str = "USD") -> str:
    """Money as the conversation's customer reads it in a preview: "$49.00", "12,50 €" (never a bare 49.0)."""
    return current().money(Decimal(str(amount or 0)), currency)


def options_text(options: dict[str, Any]) -> str:
    """A variant's options as words ("color purple, size XL"), never a dict."""
    return ", ".join(f"{key} {value}" for key, value in options.items())


def method_text(method: PaymentMethod, currency: str = "USD") -> str:
    """A payment method in words, with a gift card's balance: "visa ending 1234", "gift card ending 1047 (balance
    $49.00)", "PayPal"."""
    if method.kind is PaymentMethodKind.gift_card:
        balance = speaker("en").money(method.balance or 0, currency)
        return f"gift card ending {method.id[-4:]} (balance {balance})"
    return method.label


def method_named(method: PaymentMethod) -> str:
    """A payment method by the name the customer knows it by, in the conversation's language and without a balance
    that a write may just have changed ("visa ending 1234", "gift card ending 1047", "PayPal")."""
    if method.kind is PaymentMethodKind.gift_card:
        return _("gift card ending {digits}", digits=method.id[-4:])
    if method.kind is PaymentMethodKind.credit_card:
        return _("{brand} ending {digits}", brand=method.brand or _("card"), digits=method.last_four)
    return method.label


def method_said(method: PaymentMethod, currency: str = "USD") -> str:
    """A payment method in a proposal's words, in the conversation's language ("gift card ending 1047 (balance
    $49.00)"); ``method_text`` is the same in the shop's data, which the grounding reads in English."""
    if method.kind is PaymentMethodKind.gift_card:
        return _(
            "gift card ending {digits} (balance {balance})",
            digits=method.id[-4:],
            balance=amount_text(method.balance or 0, currency),
        )
    if method.kind is PaymentMethodKind.credit_card:
        return _("{brand} ending {digits}", brand=method.brand or _("card"), digits=method.last_four)
    return method.label


# A return's refund line, by whether a label cost is deducted and whether it goes to a gift card (immediate) or
# to a card or PayPal (the profile's processing time after that). The tool words them in the conversation's language;
# the figures stay with the preview, so a reply in another language words the line again from them.
_REFUND_LINES = {
    (False, False): N_("Refund {amount} to {method} (once we receive the items, then {duration})"),
    (False, True): N_("Refund {amount} to {method} (once we receive the items)"),
    (True, False): N_(
        "Refund {amount} to {method} ({items} for the items less {label} for the return label), once we receive the "
        "items, then {duration}"
    ),
    (True, True): N_(
        "Refund {amount} to {method} ({items} for the items less {label} for the return label), once we receive the "
        "items"
    ),
}


def refund_figures(
    amount: Decimal, items: Decimal, label: Decimal, method: PaymentMethod, currency: str, duration: str
) -> dict[str, Any]:
    """What a refund line says, as data: the net amount, the items' amount, the label cost deducted, where it goes."""
    return {
        "amount": float(amount),
        "items_amount": float(items),
        "label_cost": float(label),
        "currency": currency,
        "method": method_said(method, currency),
        "gift_card": method.kind is PaymentMethodKind.gift_card,
        "duration": duration,
    }


def refund_line(figures: dict[str, Any], say: Speaker | None = None) -> str:
    """The refund line of a proposal, in ``say``'s language (the conversation's when none is given)."""
    say = say or current()
    message = _REFUND_LINES[(bool(figures["label_cost"]), bool(figures["gift_card"]))]
    return say.text(
        message,
        amount=say.money(figures["amount"], figures["currency"]),
        method=figures["method"],
        items=say.money(figures["items_amount"], figures["currency"]),
        label=say.money(figures["label_cost"], figures["currency"]),
        duration=duration_said(figures["duration"]),
    )


# A duration as shops write it in their profile ("5-7 business days", "10 days"): worded by the catalogue, so a German
# customer reads "5–7 Werktage"; any other wording is the shop's own and shown as it is.
_DURATION = re.compile(r"^\s*(\d+)(?:\s*(?:-|–|to)\s*(\d+))?\s+(business\s+|working\s+)?days?\s*$", re.IGNORECASE)


def duration_said(duration: str) -> str:
    found = _DURATION.match(str(duration))
    if found is None:
        return str(duration)
    low, high, business = found.group(1), found.group(2), bool(found.group(3))
    if high:
        if business:
            return _("{low}-{high} business days", low=low, high=high)
        return _("{low}-{high} days", low=low, high=high)
    if business:
        return ngettext("{count} business day", "{count} business days", int(low))
    return ngettext("{count} day", "{count} days", int(low))


def payment_method_view(method: PaymentMethod, currency: str = "USD") -> dict[str, Any]:
    view: dict[str, Any] = {"id": method.id, "kind": method.kind.value, "label": method_text(method, currency)}
    if method.kind is PaymentMethodKind.credit_card:
        view.update(brand=method.brand, last_four=method.last_four)
    if method.kind is PaymentMethodKind.gift_card:
        # The digits its label shows ("gift card ending 1047"): what the customer names it by.
        view.update(balance=float(method.balance or 0), last_four=method.id[-4:])
    return view


def customer_view(customer: Customer, currency: str = "USD") -> dict[str, Any]:
    address = customer.default_address
    return {
        "customer_id": customer.id,
        "name": {"first_name": customer.first_name, "last_name": customer.last_name},
        "email": customer.email,
        "phone": customer.phone,
        "tier": customer.tier,
        "default_address": address.as_dict() if address else None,
        "payment_methods": [payment_method_view(m, currency) for m in customer.payment_methods],
        "orders": [order.id for order in customer.orders],
    }


def return_view(request: Return) -> dict[str, Any]:
    return {
        "kind": request.kind.value,
        "status": request.status.value,
        "item_ids": list(request.variant_ids),
        "new_item_ids": list(request.new_variant_ids),
        "payment_method_id": request.payment_method_id,
        "requested_at": _iso(request.created_at),
        "refunds": [
            {
                "amount": float(refund.amount),
                "payment_method_id": refund.payment_method_id,
                "status": refund.status.value,
                "expected_by": _iso(refund.expected_by),
            }
            for refund in request.refunds
        ],
    }


def order_view(order: Order) -> dict[str, Any]:
    return {
        "order_id": order.id,
        "customer_id": order.customer_id,
        "status": order.status.value,
        "created_at": _iso(order.created_at),
        "currency": order.currency,
        "total": float(order.total),
        "shipping_address": order.shipping_address(),
        "items": [
            {
                "name": item.name,
                "product_id": item.product_id,
                "item_id": item.variant_id,
                "options": dict(item.options),
                "price": float(item.price),
            }
            for item in order.items
        ],
        "fulfillments": [
            {
                "carrier": f.carrier,
                "tracking_number": f.tracking_number,
                "item_ids": list(f.variant_ids),
                "shipped_at": _iso(f.shipped_at),
                "estimated_delivery": _iso(f.estimated_delivery),
                "delivered_at": _iso(f.delivered_at),
            }
            for f in order.fulfillments
        ],
        "payment_history": [
            {"transaction_type": t.kind.value, "amount": float(t.amount), "payment_method_id": t.payment_method_id}
            for t in order.transactions
        ],
        "cancel_reason": order.cancel_reason,
        "returns": [return_view(r) for r in order.returns],
    }


def variant_view(variant: Variant) -> dict[str, Any]:
    return {
        "item_id": variant.id,
        "options": dict(variant.options),
        "price": float(variant.price),
        "available": variant.available,
        "in_stock": variant.in_stock,
    }


def product_view(product: Product) -> dict[str, Any]:
    return {
        "product_id": product.id,
        "name": product.name,
        "category": product.category,
        "brand": product.brand,
        "description": product.description,
        "final_sale": product.final_sale,
        "variants": [variant_view(v) for v in product.variants],
    }
