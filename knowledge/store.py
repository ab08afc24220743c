"""The Chroma vector store: one collection per shop, cosine space, on disk by default or on a Chroma server.

Embeddings are computed by our own embedder and handed to Chroma explicitly; the collection still gets our embedding
function so that Chroma never instantiates its default one (which downloads a model and fails offline). The
embedder is loaded lazily: an unchanged re-index and the retriever's start-up never need it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlparse

import numpy as np

from knowledge.chunking import Chunk, Metadata
from knowledge.embeddings import ChromaEmbeddingFunction, Embedder, Vector, configured_minilm_name, get_embedder

logger = logging.getLogger(__name__)

COLLECTION_PREFIX = "shopdesk-"
# Chroma caps one request's batch size; staying well under it keeps memory flat on large catalogs.
WRITE_BATCH = 256


def collection_name(shop_id: str) -> str:
    return f"{COLLECTION_PREFIX}{shop_id}"


class LazyEmbedder:
    """An Embedder that loads the real model on first use (MiniLM costs seconds to load)."""

    def __init__(self, provider: str = "minilm", **options: Any) -> None:
        self._provider = provider
        self._options = options
        self._embedder: Embedder | None = None
        # The name the configured model files its vectors under, known without loading it (an unchanged re-index
        # never loads the model). Should the model fall back to another variant on loading, the loaded name wins.
        self.name = configured_minilm_name() if provider == "minilm" else str(options.get("model", provider))
        self.dimension = 0  # known once the model is loaded

    @property
    def is_loaded(self) -> bool:
        return self._embedder is not None

    @property
    def loaded(self) -> Embedder:
        if self._embedder is None:
            self._embedder = get_embedder(self._provider, **self._options)
            self.dimension = self._embedder.dimension
            if self._embedder.name != self.name:
                logger.warning("embedding with %s instead of the configured %s", self._embedder.name, self.name)
                self.name = self._embedder.name
        return self._embedder

    def embed(self, texts: list[str]) -> Vector:
        return self.loaded.embed(texts)


@dataclass(frozen=True)
class StoredChunk:
    id: str
    text: str
    metadata: Metadata
    # Its stored embedding, when asked for (the retriever's in-memory dense search).
    vector: np.ndarray | None = None


def make_client(chroma_path: Path | None = None, chroma_url: str | None = None) -> Any:
    """An HTTP client when a server URL is configured, else a persistent client on disk."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    # Telemetry would try the network on every start; we are offline and it has nothing to tell anyone.
    settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        url = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
        ssl = url.scheme == "https"
        port = url.port or (443 if ssl else 8000)
        netloc = url.netloc if url.port else f"{url.netloc}:{port}"
        # Chroma keeps a path prefix (a server behind a proxy at /chroma) only when given the whole URL.
        base = f"{url.scheme}://{netloc}{url.path.rstrip('/')}"
        return chromadb.HttpClient(host=base, port=port, ssl=ssl, settings=settings)
    if chroma_path is None:
        raise ValueError("either a Chroma path or a Chroma URL is needed")
    chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(chroma_path), settings=settings)


class KnowledgeStore:
    """A shop's collection with the few operations indexing and retrieval need."""

    def __init__(self, client: Any, shop_id: str, embedder: Embedder) -> None:
        self.client = client
        self.shop_id = shop_id
        self.embedder = embedder
        self.name = collection_name(shop_id)
        self._collection = self._open()

    def _open(self) -> Any:
        return self.client.get_or_create_collection(
            name=self.name,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedder": self.embedder.name},
            embedding_function=ChromaEmbeddingFunction(self.embedder),  # type: ignore[arg-type]
        )

    def reopen(self) -> None:
        """Fetch the collection handle again (another process or store may have rebuilt it)."""
        self._collection = self._open()

    @property
    def embedder_name(self) -> str | None:
        """The embedder the collection was built with (vectors of two models must never be mixed)."""
        metadata = self._collection.metadata or {}
        name = metadata.get("embedder")
        return str(name) if name else None

    def reset(self) -> None:
        """Drop and recreate the collection (a full rebuild)."""
        try:
            self.client.delete_collection(self.name)
        except Exception:  # "does not exist" is the only expected failure, and it is harmless
            logger.debug("collection %s did not exist", self.name)
        self._collection = self._open()

    def count(self) -> int:
        return int(self._collection.count())

    def hashes(self) -> dict[str, tuple[str, str]]:
        """id -> (content hash, metadata hash) of everything stored: what an incremental re-index compares."""
        result = self._collection.get(include=["metadatas"])
        return {
            chunk_id: (str((meta or {}).get("content_hash", "")), str((meta or {}).get("meta_hash", "")))
            for chunk_id, meta in zip(result["ids"], result["metadatas"] or [], strict=False)
        }

    def all_chunks(self, *, with_vectors: bool = False) -> list[StoredChunk]:
        """Every stored chunk, in one read (so texts and vectors always belong together)."""
        include = ["documents", "metadatas", "embeddings"] if with_vectors else ["documents", "metadatas"]
        result = self._collection.get(include=include)
        ids = result["ids"]
        vectors = result.get("embeddings") if with_vectors else None
        if vectors is None:
            vectors = [None] * len(ids)
        return [
            StoredChunk(id=chunk_id, text=text or "", metadata=cast(Metadata, dict(meta or {})), vector=vector)
            for chunk_id, text, meta, vector in zip(
                ids, result["documents"] or [], result["metadatas"] or [], vectors, strict=False
            )
        ]

    def upsert(self, chunks: Sequence[Chunk], vectors: Vector) -> None:
        for start in range(0, len(chunks), WRITE_BATCH):
            batch = chunks[start : start + WRITE_BATCH]
            self._collection.upsert(
                ids=[chunk.id for chunk in batch],
                documents=[chunk.text for chunk in batch],
                metadatas=[chunk.metadata for chunk in batch],
                embeddings=np.asarray(vectors[start : start + WRITE_BATCH], dtype=np.float32),
            )

    def update_metadata(self, chunks: Sequence[Chunk]) -> None:
        for start in range(0, len(chunks), WRITE_BATCH):
            batch = chunks[start : start + WRITE_BATCH]
            self._collection.update(ids=[chunk.id for chunk in batch], metadatas=[chunk.metadata for chunk in batch])

    def delete(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), WRITE_BATCH):
            self._collection.delete(ids=list(ids[start : start + WRITE_BATCH]))

    def query(self, vector: Vector, n_results: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) pairs, best first."""
        total = self.count()
        if total == 0 or n_results <= 0:
            return []
        result = self._collection.query(
            query_embeddings=np.asarray(vector, dtype=np.float32).reshape(1, -1),
            n_results=min(n_results, total),
            where=where or None,
            include=["distances"],
        )
        ids = result["ids"][0] if result["ids"] else []
        distances = result["distances"][0] if result["distances"] else []
        # Chroma's cosine distance is 1 - cosine similarity.
        return [(chunk_id, 1.0 - float(distance)) for chunk_id, distance in zip(ids, distances, strict=False)]


def open_store(
    shop_id: str,
    *,
    chroma_path: Path | None = None,
    chroma_url: str | None = None,
    embedder: Embedder | None = None,
) -> KnowledgeStore:
    return KnowledgeStore(make_client(chroma_path, chroma_url), shop_id, embedder or LazyEmbedder())
