"""Exact cosine search over an in-memory copy of a collection's vectors.

A turn's dense search through Chroma pays for a count, a filtered HNSW query and the Python client around both:
about 1 ms of CPU per query here. For the few hundred to few thousand chunks a shop's documents and catalog make,
one matrix-vector product over all of them is exact and costs a few microseconds. The retriever keeps this mirror
next to its BM25 mirror and refreshes both together; collections above `MAX_MIRRORED_CHUNKS` stay on Chroma's
index, where an approximate search is what scales.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from knowledge.embeddings import Vector

# 20,000 chunks of 384 float32 dimensions are 30 MB per process: affordable, and far above a shop's policy pages
# plus a catalog of a few thousand products.
MAX_MIRRORED_CHUNKS = 20_000


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0.0, 1.0, norms)


class DenseMirror:
    """Chunk ids and their unit vectors, searched exhaustively."""

    def __init__(self, ids: Sequence[str], vectors: Vector) -> None:
        matrix = np.asarray(vectors, dtype=np.float32).reshape(len(ids), -1) if len(ids) else np.zeros((0, 0))
        self.ids = list(ids)
        self._matrix = _unit_rows(matrix)

    def __len__(self) -> int:
        return len(self.ids)

    def mask(self, keep: Callable[[str], bool]) -> np.ndarray:
        """Which rows ``keep`` accepts, for a restriction that holds for every search (computed once, not per query)."""
        return np.fromiter((keep(chunk_id) for chunk_id in self.ids), dtype=bool, count=len(self.ids))

    def search(
        self,
        vector: Vector,
        n_results: int,
        allow: Callable[[str], bool] | None = None,
        *,
        mask: np.ndarray | None = None,
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) pairs of the `n_results` nearest chunks that ``allow`` and ``mask`` (from
        :meth:`mask`) both accept, best first."""
        if not self.ids or n_results <= 0:
            return []
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        norm = float(np.linalg.norm(query))
        scores = self._matrix @ (query / norm if norm else query)
        allowed = mask
        if allow is not None:
            allowed = self.mask(allow) if allowed is None else allowed & self.mask(allow)
        if allowed is not None:
            scores = np.where(allowed, scores, -np.inf)
            n_results = min(n_results, int(allowed.sum()))
        n_results = min(n_results, len(self.ids))
        if n_results <= 0:
            return []
        top = np.argpartition(-scores, n_results - 1)[:n_results]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[index], float(scores[index])) for index in top]
