"""Indexing a shop's knowledge: documents and catalog in, only what changed re-embedded, what is gone deleted.

Each stored chunk carries a hash of its text and of its metadata. A re-index compares those with freshly built
chunks: a new text is embedded, a changed text is re-embedded, changed metadata alone (a product going out of
stock) is updated in place without touching the vector, and ids that no longer exist are deleted. An unchanged
corpus therefore costs one metadata read and no model load.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from tqdm import tqdm

from knowledge.catalog import PRODUCT_PREFIX, catalog_chunks, sqlite_file_missing
from knowledge.chunking import Chunk, chunk_documents
from knowledge.documents import load_documents
from knowledge.store import KnowledgeStore, LazyEmbedder, open_store
from shopdesk.progress import shows_progress
from shopdesk.settings import Settings, get_settings

logger = logging.getLogger(__name__)

EMBED_BATCH = 64


@dataclass(frozen=True)
class IndexReport:
    added: int
    updated: int
    removed: int
    unchanged: int
    chunks: int
    seconds: float

    def as_dict(self) -> dict[str, int | float]:
        return asdict(self)

    def __str__(self) -> str:
        return (
            f"{self.chunks} chunks: {self.added} added, {self.updated} updated, {self.removed} removed, "
            f"{self.unchanged} unchanged in {self.seconds:.2f} s"
        )


def embedder_for(settings: Settings) -> LazyEmbedder:
    """The configured embedder, loaded only when something actually needs embedding."""
    if settings.embedding_provider == "openai":
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        return LazyEmbedder(
            "openai", model=settings.openai_embedding_model, api_key=key, base_url=settings.openai_base_url
        )
    return LazyEmbedder("minilm")


def build_chunks(docs_dir: Path, db_url: str | None) -> tuple[list[Chunk], bool]:
    """All chunks of a shop, and whether the catalog was included (False: product chunks are left as they are)."""
    chunks = chunk_documents(load_documents(docs_dir))
    if db_url is None:
        return chunks, False
    if sqlite_file_missing(db_url):
        logger.warning("shop database %s does not exist; indexing documents only", db_url)
        return chunks, False
    return chunks + catalog_chunks(db_url), True


def _embed(store: KnowledgeStore, chunks: list[Chunk], progress: bool) -> None:
    # A bar only on a terminal: in a log it would be redrawn into the file at every batch.
    shown = progress and bool(chunks) and shows_progress()
    with tqdm(total=len(chunks), desc="embedding", unit="chunk", disable=not shown) as bar:
        for start in range(0, len(chunks), EMBED_BATCH):
            batch = chunks[start : start + EMBED_BATCH]
            store.upsert(batch, store.embedder.embed([chunk.text for chunk in batch]))
            bar.update(len(batch))


def sync_store(store: KnowledgeStore, chunks: list[Chunk], *, manage_products: bool, progress: bool) -> IndexReport:
    """Make the collection hold exactly ``chunks`` (product chunks are kept if the catalog was not read)."""
    started = time.perf_counter()
    if len({chunk.id for chunk in chunks}) != len(chunks):
        raise ValueError("duplicate chunk ids: every document id and section anchor must be unique")
    stored = store.hashes()
    to_embed: list[Chunk] = []
    to_update: list[Chunk] = []
    unchanged = 0
    added = 0
    for chunk in chunks:
        previous = stored.get(chunk.id)
        current = (str(chunk.metadata["content_hash"]), str(chunk.metadata["meta_hash"]))
        if previous is None:
            added += 1
            to_embed.append(chunk)
        elif previous[0] != current[0]:
            to_embed.append(chunk)
        elif previous[1] != current[1]:
            to_update.append(chunk)
        else:
            unchanged += 1
    wanted = {chunk.id for chunk in chunks}
    gone = [
        chunk_id
        for chunk_id in stored
        if chunk_id not in wanted and (manage_products or not chunk_id.startswith(PRODUCT_PREFIX))
    ]
    if gone:
        store.delete(gone)
    if to_update:
        store.update_metadata(to_update)
    _embed(store, to_embed, progress)
    kept_products = 0 if manage_products else sum(1 for chunk_id in stored if chunk_id.startswith(PRODUCT_PREFIX))
    return IndexReport(
        added=added,
        updated=len(to_embed) - added + len(to_update),
        removed=len(gone),
        unchanged=unchanged,
        chunks=len(chunks) + kept_products,
        seconds=round(time.perf_counter() - started, 3),
    )


def index_knowledge(
    settings: Settings | None = None,
    *,
    shop_id: str | None = None,
    db_url: str | None = None,
    docs_dir: Path | None = None,
    chroma_path: Path | None = None,
    chroma_url: str | None = None,
    include_catalog: bool = True,
    rebuild: bool = False,
    progress: bool = True,
    store: KnowledgeStore | None = None,
) -> IndexReport:
    """Index (or incrementally re-index) a shop's documents and catalog; explicit arguments override settings.

    Documents come from ``<knowledge_dir>/<shop_id>``, the catalog from the shop database (``db_url``, default the
    settings' database; skipped with a warning if that SQLite file does not exist, or if ``include_catalog`` is
    False, in which case product chunks already in the index are left alone).
    """
    started = time.perf_counter()
    settings = settings or get_settings()
    shop = shop_id or settings.shop_id
    folder = docs_dir or settings.knowledge_dir / shop
    url = (db_url or settings.shop_database_url) if include_catalog else None
    chunks, with_catalog = build_chunks(folder, url)
    if store is None:
        store = open_store(
            shop,
            chroma_path=chroma_path or settings.chroma_path,
            chroma_url=chroma_url if chroma_url is not None else settings.chroma_url,
            embedder=embedder_for(settings),
        )
    if rebuild or (store.embedder_name not in (None, store.embedder.name)):
        if not rebuild:
            logger.warning(
                "index %s was built with %s; rebuilding for %s", store.name, store.embedder_name, store.embedder.name
            )
        store.reset()
    report = sync_store(store, chunks, manage_products=with_catalog, progress=progress)
    report = replace(report, seconds=round(time.perf_counter() - started, 3))
    logger.info("indexed shop %s: %s", shop, report)
    return report
