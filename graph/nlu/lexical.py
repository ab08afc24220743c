"""Hashed bag of words: the lexical half of the intent features.

Sentence embeddings blur the one word that decides an intent ("invoice" vs "receipt" vs "refund" all sit close to
"order"); word and word-pair indicators keep it. Hashing (crc32, stable across processes, unlike `hash`) gives a
fixed width with no vocabulary to store, and the rows are unit length like the MiniLM vectors they sit beside.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

DIMENSIONS = 1024
_TOKEN = re.compile(r"[a-zà-ÿß0-9']+")
_SUFFIX = re.compile(r"(?:'s|ing|ed|es|s)$")


def _tokens(text: str) -> list[str]:
    # Crude stemming is enough here: "returns"/"returned"/"returning" should share one column.
    return [_SUFFIX.sub("", token) if len(token) > 4 else token for token in _TOKEN.findall(text.lower())]


def bag_of_words(texts: Sequence[str], dimensions: int = DIMENSIONS) -> NDArray[np.float32]:
    """Rows of hashed unigram and bigram counts, L2-normalised; shape (len(texts), dimensions)."""
    matrix = np.zeros((len(texts), dimensions), dtype=np.float32)
    for row, text in enumerate(texts):
        tokens = _tokens(text)
        for feature in [*tokens, *(f"{a} {b}" for a, b in itertools.pairwise(tokens))]:
            matrix[row, zlib.crc32(feature.encode()) % dimensions] += 1.0
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)
