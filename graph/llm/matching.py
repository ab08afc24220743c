"""Reading what the customer named against what the tools returned: items, variants, payment methods, codes.

Pure functions over the tools' JSON (order_view, product_view, customer_view), so the dialogue policy stays a
sequence of decisions and these rules can be tested on their own.
"""

from __future__ import annotations

import re
from typing import Any

# ------------------------------------------------------------------------------------------------ payment methods

_PAYMENT_WORDS = re.compile(
    r"\b(paypal|pay\s?pal|gift\s?card|credit\s?card|debit\s?card|card|visa|mastercard|master\s?card|amex"
    r"|american\s+express|discover)\b",
    re.IGNORECASE,
)
_LAST_FOUR = re.compile(r"\b(?:ending|ends)\s+(?:in\s+|with\s+)?(\d{4})\b", re.IGNORECASE)
_BRANDS = {"visa": "visa", "mastercard": "mastercard", "master card": "mastercard", "amex": "amex"}
_BRANDS |= {"american express": "amex", "discover": "discover"}


def payment_mention(text: str) -> dict[str, str] | None:
    """The payment method the message names: {"kind": ...} and maybe {"brand": ...} or {"last_four": ...}."""
    found: dict[str, str] = {}
    if last := _LAST_FOUR.search(text):
        found = {"kind": "credit_card", "last_four": last.group(1)}
    for match in _PAYMENT_WORDS.finditer(text):
        word = " ".join(match.group(1).lower().split())
        if word in ("paypal", "pay pal"):
            return {"kind": "paypal"}
        if word.replace(" ", "") == "giftcard":
            return {"kind": "gift_card"}
        if word in _BRANDS:
            found = {**found, "kind": "credit_card", "brand": _BRANDS[word]}
        else:
            found.setdefault("kind", "credit_card")
    return found or None


def matching_methods(methods: list[dict[str, Any]], mention: dict[str, str]) -> list[dict[str, Any]]:
    chosen = [m for m in methods if m.get("kind") == mention.get("kind")]
    if mention.get("brand"):
        chosen = [m for m in chosen if str(m.get("brand", "")).lower() == mention["brand"]]
    if mention.get("last_four"):
        chosen = [m for m in chosen if str(m.get("last_four", "")) == mention["last_four"]]
    return chosen


def original_payment_method(order: dict[str, Any]) -> str | None:
    payments = order.get("payment_history") or []
    return next((p.get("payment_method_id") for p in payments if p.get("transaction_type") == "payment"), None)


def paid_methods(order: dict[str, Any]) -> set[str]:
    """The methods with money still on the order (payments net of refunds)."""
    net: dict[str, float] = {}
    for payment in order.get("payment_history") or []:
        sign = 1 if payment.get("transaction_type") == "payment" else -1
        method = str(payment.get("payment_method_id"))
        net[method] = net.get(method, 0.0) + sign * float(payment.get("amount") or 0)
    return {method for method, amount in net.items() if amount > 0.005}


# ------------------------------------------------------------------------------------------------------ vouchers

_CODE_AFTER_WORD = re.compile(
    r"\b(?:code|voucher|coupon|promo)\s*(?:code\s*)?(?:is\s+)?[:\"'“]?\s*([A-Za-z0-9][A-Za-z0-9-]{3,})", re.IGNORECASE
)
_CODE_SHAPE = re.compile(r"\b([A-Z]{2,}[A-Z0-9]*\d[A-Z0-9]*|[A-Z]{2,}-[A-Z0-9]{3,})\b")
_ORDER_LIKE = re.compile(r"^#?W?\d{4,8}$", re.IGNORECASE)
_NOT_CODES = frozenset({"valid", "still", "work", "works", "working", "expired", "code", "for", "the", "that", "this"})


def voucher_code(text: str) -> str | None:
    for match in _CODE_AFTER_WORD.finditer(text):
        code = match.group(1)
        if code.lower() not in _NOT_CODES and not _ORDER_LIKE.match(code) and any(c.isdigit() for c in code):
            return code.upper()
        if code.isupper() and code.lower() not in _NOT_CODES and len(code) >= 4:
            return code
    for match in _CODE_SHAPE.finditer(text):
        if not _ORDER_LIKE.match(match.group(1)):
            return match.group(1)
    return None


# ------------------------------------------------------------------------------------------------------ goodwill

GOODWILL_CUE = re.compile(
    r"\b(voucher|compensat\w*|credit|goodwill|discount|something\s+for|make\s+(?:it\s+)?up|gesture|coupon)\b",
    re.IGNORECASE,
)
_PACKAGING = re.compile(r"\b(box|packag\w*|parcel|package)\b", re.IGNORECASE)


def goodwill_reason(text: str, reasons: list[str]) -> str | None:
    """The profile's goodwill reason the message gives, if any."""
    if "late_delivery" in reasons or re.search(r"\b(late|delayed|took\s+(?:so|too)\s+long)\b", text, re.IGNORECASE):
        return "late delivery"
    if "damaged" in reasons and _PACKAGING.search(text):
        return "damaged packaging"
    if "not_received" in reasons or re.search(r"\bmissing\b", text, re.IGNORECASE):
        return "missing item"
    return None


# ------------------------------------------------------------------------------------------------- items, variants


def _stem(word: str) -> str:
    word = word.lower().strip(".,!?()'\"")
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _words(text: str) -> set[str]:
    return {_stem(w) for w in re.split(r"[\s/()-]+", text) if len(w) > 1}


def matching_items(items: list[dict[str, Any]], mentions: list[str]) -> list[dict[str, Any]]:
    """The order's items (one per product) the mentions name; every item when the order holds a single product."""
    distinct = list({item.get("product_id"): item for item in items}.values())
    if len(distinct) == 1:
        return distinct
    chosen = []
    for item in distinct:
        name = _words(str(item.get("name", "")))
        if any(_words(mention) & name for mention in mentions):
            chosen.append(item)
    return chosen


def units_named(items: list[dict[str, Any]], mentions: list[str]) -> list[dict[str, Any]]:
    """Every unit on the order whose name shares a word with a mention ("socks" names both pairs of socks)."""
    return [item for item in items if any(_words(m) & _words(str(item.get("name", ""))) for m in mentions)]


_LEFT_OUT = r"\b(?:keep(?:ing)?|not|except|without|apart\s+from|but)\s+(?:the\s+|my\s+|for\s+)?"


def left_out(text: str, mentions: list[str]) -> list[str]:
    """The mentions the customer excludes: "return the socks, keep the jacket" leaves the jacket out."""
    return [m for m in mentions if re.search(_LEFT_OUT + re.escape(m), text, re.IGNORECASE)]


def _same(value: Any, wanted: Any) -> bool:
    """Whether an option value is what the customer asked for: "US 10" is size 10, "Glacier Blue" is blue."""
    have, want = str(value).strip().lower(), str(wanted).strip().lower()
    return have == want or want in have.split() or have.replace(" ", "") == want.replace(" ", "")


def matching_variants(
    product: dict[str, Any], current: dict[str, Any], wanted: dict[str, str]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Available variants with the wanted options (and otherwise the current item's), plus the wanted options that
    this product has at all. Keys the product does not have are ignored ("size" for a water bottle)."""
    variants = [v for v in product.get("variants", []) if v.get("available")]
    keys = {key.lower(): key for v in product.get("variants", []) for key in v.get("options", {})}
    relevant = {keys[k.lower()]: v for k, v in wanted.items() if k.lower() in keys}
    if not relevant:
        return [], {}
    found = [v for v in variants if all(_same(v.get("options", {}).get(key), value) for key, value in relevant.items())]
    # Several left ("size L" in grey and in red): keep the current item's other options where that decides it.
    current_options = current.get("options", {})
    for key, value in current_options.items():
        if len(found) <= 1 or key in relevant:
            continue
        narrowed = [v for v in found if _same(v.get("options", {}).get(key), value)]
        found = narrowed or found
    return found, relevant


def option_values(product: dict[str, Any]) -> dict[str, list[str]]:
    """Each option of the product with the values its available variants have: what a reply can be read against."""
    values: dict[str, list[str]] = {}
    for variant in product.get("variants", []):
        if variant.get("available"):
            for key, value in (variant.get("options") or {}).items():
                values.setdefault(key, [])
                if str(value) not in values[key]:
                    values[key].append(str(value))
    return values


def options_in(text: str, values: dict[str, list[str]]) -> dict[str, str]:
    """The product's option values the message names: "Stone", "waist 34", "US 10", "size S" (short letters only
    after their option's name, so that the "s" of "it's" is no size)."""
    found: dict[str, str] = {}
    for key, candidates in values.items():
        for value in sorted(candidates, key=len, reverse=True):
            escaped = re.escape(value)
            short = len(value) <= 2 and value.isalpha()
            pattern = rf"\b{re.escape(key)}\s+{escaped}(?!\w)" if short else rf"(?<![\w-]){escaped}(?![\w-])"
            if re.search(pattern, text, re.IGNORECASE):
                found[key] = value
                break
    return found


def options_text(options: dict[str, Any]) -> str:
    return ", ".join(f"{key} {value}" for key, value in options.items())
