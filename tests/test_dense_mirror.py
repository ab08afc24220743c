"""Exact in-memory cosine search: ranking, filters and the edge cases a shop's index can be in."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.dense import DenseMirror

VECTORS = np.asarray([[1.0, 0.0], [0.0, 2.0], [3.0, 3.0]], dtype=np.float32)


def test_ranks_by_cosine_not_by_length() -> None:
    mirror = DenseMirror(["east", "north", "diagonal"], VECTORS)
    ranked = mirror.search(np.asarray([1.0, 0.1]), 3)
    assert [chunk_id for chunk_id, _ in ranked] == ["east", "diagonal", "north"]
    assert ranked[0][1] == pytest.approx(1 / np.sqrt(1.01), abs=1e-6)
    assert [chunk_id for chunk_id, _ in mirror.search(np.asarray([1.0, 0.1]), 1)] == ["east"]


def test_filters_leave_out_disallowed_chunks_even_when_fewer_remain_than_asked() -> None:
    mirror = DenseMirror(["east", "north", "diagonal"], VECTORS)
    ranked = mirror.search(np.asarray([1.0, 0.0]), 5, allow=lambda chunk_id: chunk_id != "east")
    assert [chunk_id for chunk_id, _ in ranked] == ["diagonal", "north"]
    assert mirror.search(np.asarray([1.0, 0.0]), 5, allow=lambda chunk_id: False) == []


def test_empty_index_and_degenerate_queries() -> None:
    assert DenseMirror([], np.asarray([])).search(np.ones(2, dtype=np.float32), 5) == []
    mirror = DenseMirror(["east"], VECTORS[:1])
    assert mirror.search(np.ones(2, dtype=np.float32), 0) == []
    # A zero vector is no closer to anything than to anything else.
    assert mirror.search(np.zeros(2, dtype=np.float32), 1) == [("east", 0.0)]
