"""Live product facts and product mentions, straight from the shop database.

The index holds descriptions; prices and stock change by the minute, so answers about them read the database at
answer time. Product name matching runs over a small in-memory list of names refreshed every minute.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select

from knowledge.catalog import describe_variant, option_values, price_range, product_evidence_id
from knowledge.lexical import tokenize
from shop.db import engine_for, session_scope
from shop.models import Product, Variant

NAMES_TTL_S = 60.0
# Words in product names that say what a thing is rather than which thing it is; matching them alone means nothing.
_GENERIC = frozenset(tokenize("men women kids unisex jacket boot shoe sock tent backpack pack bag bottle hat glove"))


class ProductNotFound(LookupError):
    pass


@dataclass(frozen=True)
class _Variant:
    id: str
    options: dict[str, Any]
    price: Decimal
    stock: int
    available: bool
    position: int | None

    @property
    def in_stock(self) -> bool:
        return self.available and self.stock > 0


# Built once with bound parameters, so SQLAlchemy compiles each statement once and then only binds the ids.
_PRODUCTS = select(
    Product.id,
    Product.name,
    Product.category,
    Product.brand,
    Product.final_sale,
    Product.description,
    Product.attributes,
    Product.tags,
).where(Product.id.in_(bindparam("ids", expanding=True)))
_VARIANTS = select(
    Variant.product_id, Variant.id, Variant.options, Variant.price, Variant.stock, Variant.available, Variant.position
).where(Variant.product_id.in_(bindparam("ids", expanding=True)))


def product_facts(db_url: str, product_id: str) -> dict[str, Any]:
    """Current price range, options with their values, stock per variant and whether anything is in stock."""
    found = products_facts(db_url, [product_id])
    if not found:
        raise ProductNotFound(f"no product {product_id!r}")
    return found[0]


def products_facts(db_url: str, product_ids: Iterable[str]) -> list[dict[str, Any]]:
    """The facts of each of these products that the shop has, in the order asked, in one round trip per table."""
    ids = list(dict.fromkeys(product_ids))
    if not ids:
        return []
    # Plain rows rather than ORM objects: this runs for every product a question names, on every such turn.
    with engine_for(db_url).connect() as connection:
        products = {row.id: row for row in connection.execute(_PRODUCTS, {"ids": ids})}
        variants: dict[str, list[_Variant]] = {}
        for row in connection.execute(_VARIANTS, {"ids": ids}).mappings():
            variant = dict(row)
            variants.setdefault(variant.pop("product_id"), []).append(_Variant(**variant))
    return [_facts(products[i], variants.get(i, [])) for i in ids if i in products]


def _facts(product: Any, variants: list[_Variant]) -> dict[str, Any]:
    variants = sorted(variants, key=lambda v: (v.position if v.position is not None else 0, v.id))
    prices = [variant.price for variant in variants]
    in_stock_variants = [variant for variant in variants if variant.in_stock]
    return {
        "id": product_evidence_id(product.id),
        "product_id": product.id,
        "name": product.name,
        "category": product.category,
        "brand": product.brand,
        "final_sale": bool(product.final_sale),
        "description": product.description or "",
        "attributes": {str(k): str(v) for k, v in (product.attributes or {}).items() if v not in (None, "")},
        "tags": [str(tag) for tag in product.tags or []],
        "price_min": str(min(prices)) if prices else None,
        "price_max": str(max(prices)) if prices else None,
        "price_range": price_range(prices),
        "options": option_values(variants),
        "in_stock_options": option_values(in_stock_variants),
        "variants": [describe_variant(variant) for variant in variants],
        "total_stock": sum(max(variant.stock, 0) for variant in in_stock_variants),
        "in_stock": bool(in_stock_variants),
    }


class NameMatcher:
    """Tokenised product names, indexed by their words: a text is scored only against the names that share a word
    with it, and how many names have each word is counted once, not again on every question."""

    def __init__(self, names: Iterable[tuple[str, list[str]]]) -> None:
        self._names = [(product_id, terms) for product_id, terms in names if terms]
        # Word -> the names (by position) that have it; how many they are says whether the word identifies one.
        self._having: dict[str, list[int]] = {}
        for index, (_, terms) in enumerate(self._names):
            for term in set(terms):
                self._having.setdefault(term, []).append(index)

    def match(self, text: str) -> list[str]:
        """Ids whose tokenised names the text mentions, best match first (see :func:`find_products`)."""
        words = set(tokenize(text))
        sharing = sorted({index for word in words for index in self._having.get(word, ())})
        scored: list[tuple[float, int, str]] = []
        for index in sharing:
            product_id, terms = self._names[index]
            present = [term for term in terms if term in words]
            coverage = len(present) / len(terms)
            distinctive = [term for term in terms if term not in _GENERIC and not term.isdigit()]
            # A word only one product has ("ridgeback") identifies it on its own.
            identifying = any(
                len(self._having[term]) == 1 and term not in _GENERIC and not term.isdigit() for term in present
            )
            if coverage == 1.0 or (
                coverage >= 0.5 and (identifying or (distinctive and all(term in words for term in distinctive)))
            ):
                scored.append((coverage, len(present), product_id))
        scored.sort(key=lambda item: (-item[0], -item[1], item[2]))
        return [product_id for _, _, product_id in scored]


class _NameIndex:
    """Product names per database, tokenised and indexed once and refreshed after NAMES_TTL_S."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, NameMatcher]] = {}

    def matcher(self, db_url: str) -> NameMatcher:
        with self._lock:
            cached = self._cache.get(db_url)
            if cached and time.monotonic() - cached[0] < NAMES_TTL_S:
                return cached[1]
        with session_scope(db_url) as session:
            rows = session.execute(select(Product.id, Product.name).order_by(Product.id)).all()
        matcher = NameMatcher((product_id, tokenize(name)) for product_id, name in rows)
        with self._lock:
            self._cache[db_url] = (time.monotonic(), matcher)
        return matcher

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()


_names = _NameIndex()


def match_names(text: str, names: Iterable[tuple[str, list[str]]]) -> list[str]:
    """Ids whose tokenised names the text mentions, best match first (see :func:`find_products`). Matching often
    against the same names, keep a :class:`NameMatcher` instead."""
    return NameMatcher(names).match(text)


def find_products(db_url: str, text: str) -> list[str]:
    """Ids of products whose names the text mentions, best match first.

    A product matches when every word of its name appears in the text, or when the text has at least half of them
    including a word no other product's name has (so "my Ridgeback boots" finds "Ridgeback Mid Waterproof Boot")
    or all of the name's distinctive words.
    """
    return _names.matcher(db_url).match(text)


def clear_name_cache() -> None:
    _names.clear()
