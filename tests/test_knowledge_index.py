"""Incremental indexing: unchanged corpora are not touched, changes are re-embedded, deletions removed."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest

from knowledge.ingest import embedder_for, index_knowledge
from knowledge.store import KnowledgeStore, LazyEmbedder, open_store
from shop.db import session_scope
from shop.models import Product, Variant
from shopdesk.settings import Settings

RETURNS = """---
id: returns-policy
title: Returns & refunds
type: policy
language: en
---

# Returns & refunds

## Return window

You have 30 days from delivery to start a return.

## Refund methods

We refund to your original payment method or to a gift card.
"""

SHIPPING = """---
id: shipping-policy
title: Shipping
type: policy
language: en
---

# Shipping

## Where we ship

We ship to the United States and Canada.
"""


class CountingEmbedder:
    """The real embedder, counting how many texts it is asked to embed."""

    def __init__(self, settings: Settings) -> None:
        self._inner = embedder_for(settings)
        self.name = self._inner.name
        self.embedded = 0

    @property
    def dimension(self) -> int:
        return self._inner.dimension

    def embed(self, texts: list[str]):  # type: ignore[no-untyped-def]
        self.embedded += len(texts)
        return self._inner.embed(texts)


def _add_product(db_url: str, product_id: str, name: str, stock: int) -> None:
    with session_scope(db_url) as session:
        product = Product(id=product_id, name=name, description=f"The {name}.", category="socks", brand="Northwind")
        product.variants = [
            Variant(id=f"{product_id}-m", options={"size": "M"}, price=Decimal("19.00"), stock=stock),
            Variant(id=f"{product_id}-l", options={"size": "L"}, price=Decimal("21.00"), stock=stock),
        ]
        session.add(product)


@pytest.fixture()
def shop(tmp_path: Path) -> tuple[Settings, Path, KnowledgeStore, CountingEmbedder]:
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=tmp_path / "docs")
    docs = settings.knowledge_dir / "demo"
    docs.mkdir(parents=True)
    (docs / "returns.md").write_text(RETURNS, encoding="utf-8")
    (docs / "shipping.md").write_text(SHIPPING, encoding="utf-8")
    _add_product(settings.shop_database_url, "p-sock", "Trail Sock", stock=5)
    _add_product(settings.shop_database_url, "p-liner", "Liner Sock", stock=5)
    embedder = CountingEmbedder(settings)
    store = open_store("demo", chroma_path=settings.chroma_path, embedder=embedder)  # type: ignore[arg-type]
    return settings, docs, store, embedder


def test_indexing_twice_changes_nothing(shop: tuple[Settings, Path, KnowledgeStore, CountingEmbedder]) -> None:
    settings, _docs, store, embedder = shop
    first = index_knowledge(settings, store=store, progress=False)
    assert (first.added, first.updated, first.removed, first.chunks) == (5, 0, 0, 5)
    assert store.count() == 5
    assert embedder.embedded == 5

    second = index_knowledge(settings, store=store, progress=False)
    assert (second.added, second.updated, second.removed, second.unchanged, second.chunks) == (0, 0, 0, 5, 5)
    assert store.count() == 5
    assert embedder.embedded == 5  # nothing re-embedded


def test_unchanged_reindex_in_a_new_process_never_loads_the_model(
    shop: tuple[Settings, Path, KnowledgeStore, CountingEmbedder],
) -> None:
    settings, _docs, store, _embedder = shop
    index_knowledge(settings, store=store, progress=False)
    # A fresh store with a lazy embedder, as a new process would have it.
    fresh = open_store("demo", chroma_path=settings.chroma_path, embedder=embedder_for(settings))
    started = time.perf_counter()
    report = index_knowledge(settings, store=fresh, progress=False)
    assert time.perf_counter() - started < 2.0
    assert report.unchanged == 5 and report.added == report.updated == report.removed == 0
    assert isinstance(fresh.embedder, LazyEmbedder) and not fresh.embedder.is_loaded


def test_changed_document_is_reembedded_and_deleted_one_removed(
    shop: tuple[Settings, Path, KnowledgeStore, CountingEmbedder],
) -> None:
    settings, docs, store, embedder = shop
    index_knowledge(settings, store=store, progress=False)
    embedder.embedded = 0

    (docs / "returns.md").write_text(RETURNS.replace("30 days", "45 days"), encoding="utf-8")
    changed = index_knowledge(settings, store=store, progress=False)
    assert (changed.added, changed.updated, changed.removed, changed.unchanged) == (0, 1, 0, 4)
    assert embedder.embedded == 1
    texts = {chunk.id: chunk.text for chunk in store.all_chunks()}
    assert "45 days" in texts["returns-policy#return-window"]

    (docs / "shipping.md").unlink()
    removed = index_knowledge(settings, store=store, progress=False)
    assert (removed.added, removed.updated, removed.removed, removed.chunks) == (0, 0, 1, 4)
    assert "shipping-policy#where-we-ship" not in store.hashes()


def test_catalog_changes_follow_the_shop_database(
    shop: tuple[Settings, Path, KnowledgeStore, CountingEmbedder],
) -> None:
    settings, _docs, store, embedder = shop
    index_knowledge(settings, store=store, progress=False)
    embedder.embedded = 0
    db_url = settings.shop_database_url

    # Stock only changes metadata: updated in place, never re-embedded.
    with session_scope(db_url) as session:
        for variant in session.get(Product, "p-sock").variants:  # type: ignore[union-attr]
            variant.stock = 0
    report = index_knowledge(settings, store=store, progress=False)
    assert (report.updated, report.unchanged) == (1, 4)
    assert embedder.embedded == 0
    metadata = {chunk.id: chunk.metadata for chunk in store.all_chunks()}
    assert metadata["product:p-sock"]["in_stock"] is False
    assert metadata["product:p-liner"]["in_stock"] is True

    # A new product is added, a deleted one removed.
    _add_product(db_url, "p-wool", "Wool Sock", stock=2)
    with session_scope(db_url) as session:
        session.delete(session.get(Product, "p-liner"))
    report = index_knowledge(settings, store=store, progress=False)
    assert (report.added, report.removed, report.chunks) == (1, 1, 5)
    assert embedder.embedded == 1
    assert {"product:p-sock", "product:p-wool"} <= set(store.hashes())
    assert "product:p-liner" not in store.hashes()

    # Without the catalog, product chunks are left alone rather than deleted.
    docs_only = index_knowledge(settings, store=store, include_catalog=False, progress=False)
    assert docs_only.removed == 0 and store.count() == 5


def test_rebuild_starts_from_scratch(shop: tuple[Settings, Path, KnowledgeStore, CountingEmbedder]) -> None:
    settings, _docs, store, embedder = shop
    index_knowledge(settings, store=store, progress=False)
    rebuilt = index_knowledge(settings, store=store, rebuild=True, progress=False)
    assert (rebuilt.added, rebuilt.chunks) == (5, 5)
    assert embedder.embedded == 10
