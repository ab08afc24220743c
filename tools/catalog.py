"""The catalog: product details, search by name, the list of product types, and upsell suggestions.

Catalog reads need no verification: nothing here is personal. Suggestions follow the shop profile's upsell rules
(a category suggests complementary categories) and only ever offer products that can be bought now.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import selectinload

from shop.models import Product, Variant
from tools.access import load_product
from tools.base import NotFound, ToolContext
from tools.declaration import read_tool
from tools.views import product_view


def get_product_details(ctx: ToolContext, product_id: str) -> dict[str, Any]:
    """A product with every variant: options, price, availability and stock."""
    with ctx.session() as session:
        return product_view(load_product(session, product_id))


def find_products(ctx: ToolContext, query: str, limit: int = 10) -> dict[str, Any]:
    """Products whose name, category or brand contains every word of the query (case-insensitive)."""
    words = [w for w in query.lower().split() if w]
    with ctx.session() as session:
        statement = select(Product).options(selectinload(Product.variants)).order_by(Product.name)
        for word in words:
            pattern = f"%{word}%"
            statement = statement.where(
                func.lower(Product.name).like(pattern)
                | func.lower(Product.category).like(pattern)
                | func.lower(Product.brand).like(pattern)
            )
        products = session.scalars(statement.limit(max(1, min(limit, 50)))).all()
        return {"query": query, "products": [_summary(p) for p in products]}


def list_product_types(ctx: ToolContext) -> dict[str, Any]:
    """Every product's name and id (a shop has tens of product types, each with many variants)."""
    with ctx.session() as session:
        rows = session.execute(select(Product.name, Product.id).order_by(Product.name)).all()
        return {"products": {name: product_id for name, product_id in rows}}


# Built once with bound parameters: SQLAlchemy compiles each statement once and then only binds the values.
_CATEGORY = select(Product.id, Product.category).where(Product.id == bindparam("product_id"))
# Aggregated in the database: a category can hold hundreds of variants and only a few names are needed. Only the
# suggested category's variants are counted (not the whole catalogue's, then joined).
_IN_STOCK_OF_CATEGORY = (
    select(
        Product.id,
        Product.name,
        Product.category,
        func.count(Variant.id).label("variants"),
        func.min(Variant.price).label("price_from"),
    )
    .join(Variant, Variant.product_id == Product.id)
    .where(Variant.available, Variant.stock > 0)
    .where(func.lower(Product.category) == bindparam("category"), Product.id != bindparam("product_id"))
    .group_by(Product.id)
    .order_by(Product.name)
    .limit(bindparam("room"))
)


def suggest_products(ctx: ToolContext, product_id: str) -> dict[str, Any]:
    """Complementary products for a product, from the profile's upsell rules; in-stock products only."""
    upsell = ctx.profile.upsell
    with ctx.session() as session:
        # Its id and category are all a suggestion needs of the product: not the whole row as an object.
        product = session.execute(_CATEGORY, {"product_id": product_id.strip()}).first()
        if product is None:
            raise NotFound(f"There is no product {product_id}.")
        if not upsell.enabled:
            return {"product_id": product.id, "suggestions": []}
        category = product.category.lower()
        wanted = [
            suggested.lower()
            for rule in upsell.rules
            if category in {c.lower() for c in rule.when_category}
            for suggested in rule.suggest_categories
        ]
        suggestions: list[dict[str, Any]] = []
        for suggested in dict.fromkeys(wanted):
            room = upsell.max_suggestions - len(suggestions)
            if room <= 0:
                break
            rows = session.execute(
                _IN_STOCK_OF_CATEGORY, {"category": suggested, "product_id": product.id, "room": room}
            )
            suggestions += [
                {
                    "product_id": row.id,
                    "name": row.name,
                    "category": row.category,
                    "in_stock_variants": int(row.variants),
                    "price_from": float(row.price_from),
                }
                for row in rows
            ]
        return {"product_id": product.id, "suggestions": suggestions}


def _summary(product: Product) -> dict[str, Any]:
    in_stock = [v for v in product.variants if v.in_stock]
    prices = [float(v.price) for v in in_stock]
    return {
        "product_id": product.id,
        "name": product.name,
        "category": product.category,
        "in_stock_variants": len(in_stock),
        "price_from": min(prices) if prices else None,
    }


ProductId = Annotated[str, Field(description="The product id (not an item/variant id), such as '6086499569'.")]

TOOLS = (
    read_tool(
        get_product_details,
        "A product's variants (item ids) with their options, price, availability and stock.",
        product_id=ProductId,
    ),
    read_tool(
        find_products,
        "Find products by name, category or brand; returns product ids for get_product_details.",
        query=Annotated[str, Field(description="Words from the product name, category or brand, e.g. 'hiking boots'.")],
    ),
    read_tool(list_product_types, "The name and product id of every product type in the shop."),
    read_tool(
        suggest_products,
        "Complementary products to suggest alongside a product (in stock only), as the shop's upsell rules say.",
        product_id=ProductId,
    ),
)
