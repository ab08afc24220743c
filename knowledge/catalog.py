"""Catalog documents: one retrievable text per product, built from the shop database.

The text carries what customers search by (name, brand, category, description, options, price range); stock is
kept out of it on purpose: it changes with every order, and a stock change must only update metadata (``in_stock``),
never force a re-embedding. Live stock and prices for answers come from :func:`knowledge.retriever.product_facts`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from knowledge.chunking import PATH_SEPARATOR, Chunk, Metadata, finalize
from shop.db import session_scope
from shop.models import Product

PRODUCT_PREFIX = "product:"

# Colours by family: a shop names its shades ("Cobalt", "Charcoal"), a customer the colour ("blue", "grey").
COLOUR_FAMILIES: dict[str, str] = {
    "blue": "navy cobalt sky ocean glacier ice azure indigo denim royal teal turquoise",
    "green": "olive forest sage moss khaki mint emerald lime teal",
    "grey": "gray charcoal slate heather stone graphite silver ash",
    "gray": "grey charcoal slate heather stone graphite silver ash",
    "brown": "sand rust khaki oatmeal tan chocolate coffee camel mocha",
    "red": "burgundy ember coral crimson scarlet rust maroon wine cherry",
    "white": "off-white cream ivory oatmeal snow pearl",
    "purple": "plum violet lavender lilac mauve",
    "yellow": "mustard gold lemon hi-vis",
    "orange": "ember rust coral amber",
    "pink": "coral rose blush salmon",
    "black": "onyx jet midnight ink",
    "beige": "sand oatmeal cream stone khaki tan",
}


class VariantFacts(Protocol):
    """What answers read of a variant: an ORM Variant, or a plain row of the same columns."""

    @property
    def id(self) -> str: ...
    @property
    def options(self) -> dict[str, Any]: ...
    @property
    def price(self) -> Decimal: ...
    @property
    def stock(self) -> int: ...
    @property
    def available(self) -> bool: ...
    @property
    def in_stock(self) -> bool: ...


def product_evidence_id(product_id: str) -> str:
    return f"{PRODUCT_PREFIX}{product_id}"


def format_money(amount: Decimal, currency: str = "USD") -> str:
    return f"${amount:,.2f}" if currency == "USD" else f"{amount:,.2f} {currency}"


def price_range(prices: Iterable[Decimal], currency: str = "USD") -> str:
    values = sorted(prices)
    if not values:
        return "no price"
    low, high = values[0], values[-1]
    return (
        format_money(low, currency) if low == high else f"{format_money(low, currency)}–{format_money(high, currency)}"
    )


_SIZE_ORDER = {size: rank for rank, size in enumerate(["XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL"])}
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def option_sort_key(value: str) -> tuple[int, float, str]:
    """Clothing sizes small to large, then numbers by value ("US 9" before "US 10"), then alphabetically."""
    upper = value.strip().upper()
    if upper in _SIZE_ORDER:
        return (0, float(_SIZE_ORDER[upper]), upper)
    number = _NUMBER.search(value)
    if number:
        return (1, float(number.group()), value)
    return (2, 0.0, value.lower())


def option_values(variants: Iterable[VariantFacts]) -> dict[str, list[str]]:
    """Each option's distinct values, in the order a customer expects to read them."""
    values: dict[str, set[str]] = {}
    for variant in variants:
        for name, value in (variant.options or {}).items():
            values.setdefault(str(name), set()).add(str(value))
    return {name: sorted(vals, key=option_sort_key) for name, vals in values.items()}


def variant_label(options: dict[str, Any]) -> str:
    return " / ".join(str(value) for value in options.values()) or "standard"


def product_text(product: Product) -> str:
    lines = [product.name]
    facts = [f"Category: {product.category}."]
    if product.brand:
        facts.insert(0, f"Brand: {product.brand}.")
    lines.append(" ".join(facts))
    if product.description:
        lines.append(product.description.strip())
    options = option_values(product.variants)
    if options:
        lines.append("Options: " + "; ".join(f"{name}: {', '.join(vals)}" for name, vals in options.items()) + ".")
    lines.append(f"Price: {price_range(v.price for v in product.variants)}.")
    if product.tags:
        lines.append("Tags: " + ", ".join(str(tag) for tag in product.tags) + ".")
    if product.final_sale:
        lines.append("Final sale: this product cannot be returned or exchanged.")
    return "\n".join(lines)


def product_chunk(product: Product, language: str = "en") -> Chunk:
    prices = [variant.price for variant in product.variants]
    metadata: Metadata = {
        "type": "product",
        "kind": "product",
        "doc_id": product_evidence_id(product.id),
        "anchor": product_evidence_id(product.id),
        "title": product.name,
        "section": product.name,
        "heading_path": f"{product.category.title()}{PATH_SEPARATOR}{product.name}",
        "language": language,
        "part": 1,
        "product_id": product.id,
        "category": product.category,
        "brand": product.brand or "",
        "final_sale": bool(product.final_sale),
        "in_stock": any(variant.in_stock for variant in product.variants),
        "price_min": float(min(prices)) if prices else 0.0,
        "price_max": float(max(prices)) if prices else 0.0,
    }
    return finalize(product_evidence_id(product.id), product_text(product), metadata)


# Shop files found present. Several steps of every turn ask before they open the shop, and the answer, once yes, is
# yes for as long as the process serves that shop: a file system call each time only costs CPU.
_sqlite_files_found: set[str] = set()


def sqlite_file_missing(db_url: str) -> bool:
    """A SQLite URL whose file does not exist (opening it would silently create an empty shop)."""
    if not db_url.startswith("sqlite") or db_url in _sqlite_files_found:
        return False
    path = db_url.split("///", 1)[-1]
    if not path or path == ":memory:":
        return False
    if not Path(path).exists():
        return True
    _sqlite_files_found.add(db_url)
    return False


def load_products(db_url: str) -> list[Product]:
    with session_scope(db_url) as session:
        query = select(Product).options(selectinload(Product.variants)).order_by(Product.id)
        return list(session.scalars(query))


def catalog_chunks(db_url: str, language: str = "en") -> list[Chunk]:
    """One chunk per product in the shop database, ordered by product id."""
    return [product_chunk(product, language) for product in load_products(db_url)]


def describe_variant(variant: VariantFacts) -> dict[str, Any]:
    return {
        "variant_id": variant.id,
        "options": dict(variant.options or {}),
        "price": str(variant.price),
        "stock": int(variant.stock),
        "available": bool(variant.available),
        "in_stock": variant.in_stock,
    }
