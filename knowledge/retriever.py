"""Hybrid retrieval over a shop's knowledge: dense (Chroma) and lexical (BM25) rankings fused by reciprocal rank.

Reciprocal rank fusion needs no score calibration between the two rankers, which matters because cosine
similarities and BM25 scores live on unrelated scales. The BM25 index mirrors the collection in memory and is built
from it at start-up, so both halves always see the same chunks. Several chunks of one section collapse into one
piece of evidence: the section is what an answer cites.

Documents written for the team (front matter ``audience: staff``) are indexed with the rest, but a search for a
customer's answer, the default, never sees them; a search on the team's behalf (``audience="staff"``) sees
everything. Whatever else an answer to a customer weighs or quotes (headings, passages, the shop's words) comes from
customer documents only.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, Literal, TypedDict

import numpy as np

from knowledge.catalog import PRODUCT_PREFIX
from knowledge.chunking import Metadata
from knowledge.dense import MAX_MIRRORED_CHUNKS, DenseMirror
from knowledge.documents import Audience
from knowledge.embeddings import Embedder
from knowledge.lexical import BM25Index, tokenize
from knowledge.products import NameMatcher, ProductNotFound, find_products, product_facts, products_facts
from knowledge.store import KnowledgeStore, StoredChunk, open_store
from shopdesk.settings import Settings

logger = logging.getLogger(__name__)

RRF_K = 60
CANDIDATES = 30
# The dense ranking is the better judge of paraphrases, which most customer questions are; lexical breaks ties and
# rescues exact words. Tuned on evals/datasets/retrieval.jsonl.
DENSE_WEIGHT = 1.0
LEXICAL_WEIGHT = 0.8
# Words that make a question about how the shop works rather than about a product. Product descriptions share the
# nouns ("boots", "jacket", "tent"), so without this "can I exchange my tent?" would rank tents above the exchange
# policy. Products named explicitly are never demoted.
POLICY_CUES = frozenset(
    tokenize(
        "return exchange refund swap instead warranty shipping deliver delivery parcel order pay payment voucher "
        "coupon account cancel broke broken defect faulty torn track invoice password newsletter customs duty "
        "send sent wrong damaged late arrived received"
    )
)
PRODUCT_DEMOTION = 0.5

__all__ = [
    "Evidence",
    "ProductNotFound",
    "Retriever",
    "find_products",
    "get_retriever",
    "product_facts",
    "products_facts",
]


class Evidence(TypedDict):
    """One retrieved passage, as it goes into graph state (plain JSON)."""

    id: str  # what an answer cites: "returns-policy#return-window" or "product:<product_id>"
    kind: Literal["doc", "product"]
    title: str
    section: str
    text: str
    score: float
    metadata: dict[str, Any]


def heading(fields: Mapping[str, object]) -> str:
    """What a passage is about, from a chunk's metadata or an evidence item: its section, else its title."""
    return str(fields.get("section") or fields.get("title") or "")


def _body(chunk: StoredChunk) -> str:
    """The chunk's text without the heading path it was indexed with (the section name travels separately)."""
    if chunk.metadata.get("kind") == "doc" and "\n\n" in chunk.text:
        return chunk.text.split("\n\n", 1)[1]
    return chunk.text


class Retriever:
    """Hybrid search over one shop's collection."""

    def __init__(self, store: KnowledgeStore, *, db_url: str | None = None) -> None:
        self.store = store
        self.db_url = db_url
        self._lock = threading.Lock()
        self._chunks: dict[str, StoredChunk] = {}
        self._bm25 = BM25Index([])
        self._dense: DenseMirror | None = None
        self._categories: dict[str, str] = {}
        self._product_names = NameMatcher([])
        self._document_terms: frozenset[str] = frozenset()
        self._staff_only: frozenset[str] = frozenset()
        self._customer_mask: np.ndarray | None = None
        self.refresh()

    @property
    def embedder(self) -> Embedder:
        return self.store.embedder

    def refresh(self) -> None:
        """Reload the in-memory mirror of the collection (after re-indexing)."""
        self.store.reopen()
        mirror_vectors = self.store.count() <= MAX_MIRRORED_CHUNKS
        stored = self.store.all_chunks(with_vectors=mirror_vectors)
        dense = None
        if mirror_vectors:
            with_vector = [(chunk.id, chunk.vector) for chunk in stored if chunk.vector is not None]
            dense = DenseMirror(
                [chunk_id for chunk_id, _ in with_vector],
                np.asarray([vector for _, vector in with_vector], dtype=np.float32),
            )
        chunks = {chunk.id: replace(chunk, vector=None) for chunk in stored}
        # Chunks indexed before documents had an audience carry none: they were all written for customers.
        staff_only = frozenset(cid for cid, chunk in chunks.items() if chunk.metadata.get("audience") == "staff")
        customer_mask = dense.mask(lambda cid: cid not in staff_only) if dense is not None and staff_only else None
        bm25 = BM25Index((chunk_id, chunk.text) for chunk_id, chunk in chunks.items())
        categories = {
            str(chunk.metadata["category"]).lower(): str(chunk.metadata["category"])
            for chunk in chunks.values()
            if chunk.metadata.get("category")
        }
        product_names = NameMatcher(
            (chunk_id, tokenize(str(chunk.metadata.get("title", ""))))
            for chunk_id, chunk in chunks.items()
            if chunk.metadata.get("kind") == "product"
        )
        # The shop's everyday words: what its policies and FAQ say ("how long", "two", "free"). A product name
        # word among them ("Thermal Long Underwear") does not name the product on its own.
        document_terms = frozenset(
            term
            for chunk_id, chunk in chunks.items()
            if chunk.metadata.get("kind") == "doc" and chunk_id not in staff_only
            for term in tokenize(chunk.text)
        )
        with self._lock:
            self._chunks, self._bm25, self._dense, self._categories = chunks, bm25, dense, categories
            self._product_names = product_names
            self._document_terms = document_terms
            self._staff_only, self._customer_mask = staff_only, customer_mask

    def _product_weight(self, query: str) -> float:
        """How much product chunks count in the fusion for this query (policy questions demote them)."""
        if not POLICY_CUES & set(tokenize(query)):
            return 1.0
        return 1.0 if self._product_names.match(query) else PRODUCT_DEMOTION

    def __len__(self) -> int:
        return len(self._chunks)

    @property
    def searches_in_memory(self) -> bool:
        """Both rankings come from the in-memory mirror: a search never waits for Chroma."""
        return self._dense is not None

    def _customer_chunks(self) -> list[StoredChunk]:
        with self._lock:
            return [chunk for chunk_id, chunk in self._chunks.items() if chunk_id not in self._staff_only]

    def passage_texts(self) -> list[str]:
        """The text of every chunk an answer to a customer may quote, as evidence carries it."""
        return [_body(chunk) for chunk in self._customer_chunks()]

    def document_terms(self) -> frozenset[str]:
        """Every (stemmed) word of the shop's policy and FAQ passages for customers."""
        with self._lock:
            return self._document_terms

    def headings(self) -> list[str]:
        """The section heading (or title) of every chunk an answer to a customer may cite, as answers weigh them."""
        return list(dict.fromkeys(heading(chunk.metadata) for chunk in self._customer_chunks()))

    def warm_up(self) -> None:
        """Load the embedding model now rather than on the first customer's question."""
        self.embedder.embed(["warm up"])

    # -- filters -------------------------------------------------------------------------------------------------

    def _conditions(self, types: list[str] | None, in_stock: bool | None, category: str | None) -> list[dict[str, Any]]:
        conditions: list[dict[str, Any]] = []
        if types:
            conditions.append({"type": {"$in": list(types)}})
        if in_stock is not None:
            # Only products carry in_stock, so this filter restricts results to products.
            conditions.append({"in_stock": in_stock})
        if category is not None:
            conditions.append({"category": self._categories.get(category.lower(), category)})
        return conditions

    @staticmethod
    def _matches(metadata: Metadata, conditions: list[dict[str, Any]]) -> bool:
        for condition in conditions:
            ((key, wanted),) = condition.items()
            value = metadata.get(key)
            if isinstance(wanted, dict):
                if value not in wanted["$in"]:
                    return False
            elif value != wanted:
                return False
        return True

    # -- search --------------------------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        k: int = 5,
        *,
        types: list[str] | None = None,
        in_stock: bool | None = None,
        category: str | None = None,
        audience: Audience = "customers",
    ) -> list[Evidence]:
        """The ``k`` best pieces of evidence for a query, optionally restricted by type, stock and category.

        ``audience``: who reads what is found. For a customer (the default) staff documents are left out; for the
        team everything counts."""
        query = query.strip()
        if not query or k <= 0:
            return []
        with self._lock:
            chunks, bm25, mirror = self._chunks, self._bm25, self._dense
            hidden = self._staff_only if audience == "customers" else frozenset()
            mask = self._customer_mask if hidden else None
        conditions = self._conditions(types, in_stock, category)
        where: dict[str, Any] | None = None
        if len(conditions) == 1:
            where = conditions[0]
        elif conditions:
            where = {"$and": conditions}

        allow: Callable[[str], bool] | None = None
        if conditions or hidden:

            def allow(chunk_id: str) -> bool:
                return (
                    chunk_id in chunks
                    and chunk_id not in hidden
                    and self._matches(chunks[chunk_id].metadata, conditions)
                )

        try:
            vector = self.embedder.embed([query])[0]
            if mirror is not None:
                # The hidden chunks are a precomputed mask; a per-id test is only paid for the optional filters.
                dense = mirror.search(vector, CANDIDATES, allow if conditions else None, mask=mask)
            else:
                # Asking for as many more as there are hidden chunks keeps the candidates as many after dropping them.
                found = self.store.query(vector, CANDIDATES + len(hidden), where)
                dense = [(chunk_id, score) for chunk_id, score in found if chunk_id not in hidden][:CANDIDATES]
        except Exception:  # a vector store or model outage degrades to lexical search, never a crash
            logger.warning("dense retrieval failed; answering from lexical search only", exc_info=True)
            dense = []
        lexical = bm25.search(query, CANDIDATES, allow=allow or chunks.__contains__)

        product_weight = self._product_weight(query)
        fused: dict[str, float] = {}
        for weight, ranking in ((DENSE_WEIGHT, dense), (LEXICAL_WEIGHT, lexical)):
            for rank, (chunk_id, _score) in enumerate(ranking, start=1):
                weight_here = weight * product_weight if chunk_id.startswith(PRODUCT_PREFIX) else weight
                fused[chunk_id] = fused.get(chunk_id, 0.0) + weight_here / (RRF_K + rank)
        dense_scores = dict(dense)
        lexical_scores = dict(lexical)

        results: list[Evidence] = []
        seen: set[str] = set()
        for chunk_id in sorted(fused, key=lambda cid: -fused[cid]):
            chunk = chunks.get(chunk_id)
            if chunk is None:  # indexed after our last refresh; the next refresh picks it up
                continue
            anchor = str(chunk.metadata.get("anchor", chunk_id))
            if anchor in seen:
                continue
            seen.add(anchor)
            results.append(self._evidence(chunk, anchor, fused[chunk_id], dense_scores, lexical_scores))
            if len(results) >= k:
                break
        return results

    @staticmethod
    def _evidence(
        chunk: StoredChunk, anchor: str, score: float, dense: dict[str, float], lexical: dict[str, float]
    ) -> Evidence:
        metadata: dict[str, Any] = {
            key: value for key, value in chunk.metadata.items() if key not in ("content_hash", "meta_hash")
        }
        metadata["chunk_id"] = chunk.id
        metadata["dense_score"] = round(dense[chunk.id], 4) if chunk.id in dense else None
        metadata["lexical_score"] = round(lexical[chunk.id], 4) if chunk.id in lexical else None
        kind: Literal["doc", "product"] = "product" if chunk.metadata.get("kind") == "product" else "doc"
        return Evidence(
            id=anchor,
            kind=kind,
            title=str(chunk.metadata.get("title", "")),
            section=str(chunk.metadata.get("section", "")),
            text=_body(chunk),
            score=round(score, 6),
            metadata=metadata,
        )


_retrievers: dict[tuple[str, str, str], Retriever] = {}
_retrievers_lock = threading.Lock()


def _retriever_key(settings: Settings, shop_id: str | None) -> tuple[str, str, str]:
    """Where a shop's retriever is kept: one per index location, shop and embedding provider."""
    return (settings.chroma_url or str(settings.chroma_path), shop_id or settings.shop_id, settings.embedding_provider)


def built_retriever(settings: Settings, shop_id: str | None = None) -> Retriever | None:
    """The shop's retriever if this process has built it already; never builds one (that reads the index)."""
    with _retrievers_lock:
        return _retrievers.get(_retriever_key(settings, shop_id))


def get_retriever(settings: Settings, shop_id: str | None = None) -> Retriever:
    """The process-wide retriever of a shop; an empty index is built on first use so a fresh install just works."""
    from knowledge.ingest import embedder_for, index_knowledge

    shop = shop_id or settings.shop_id
    key = _retriever_key(settings, shop)
    with _retrievers_lock:
        retriever = _retrievers.get(key)
        if retriever is not None:
            return retriever
        store = open_store(
            shop, chroma_path=settings.chroma_path, chroma_url=settings.chroma_url, embedder=embedder_for(settings)
        )
        if store.count() == 0:
            logger.info("knowledge index for shop %s is empty; indexing now", shop)
            index_knowledge(settings, shop_id=shop, progress=False, store=store)
        retriever = Retriever(store, db_url=settings.shop_database_url)
        _retrievers[key] = retriever
        return retriever


def refresh_retrievers() -> None:
    """Reload every cached retriever's in-memory mirror (after an index run in this process)."""
    with _retrievers_lock:
        retrievers = list(_retrievers.values())
    for retriever in retrievers:
        retriever.refresh()


def clear_retrievers() -> None:
    """Forget cached retrievers (tests, or after moving the index)."""
    with _retrievers_lock:
        _retrievers.clear()
