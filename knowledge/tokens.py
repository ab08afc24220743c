"""Token counting for chunk budgets: tiktoken's cl100k_base when it can load, an approximation when it can't.

tiktoken downloads its BPE files on first use, and our machines have no internet: the encoding only loads when
TIKTOKEN_CACHE_DIR points at a local copy. Chunking must still work without it, so we fall back to a word-based
estimate and say so once (budgets then drift by roughly 10-20 %, which only changes where chunks are cut).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

logger = logging.getLogger(__name__)

ENCODING_NAME = "cl100k_base"
# Words plus punctuation, each counted as one piece; English prose averages ~1.3 cl100k tokens per word.
_PIECE = re.compile(r"\w+|[^\w\s]")
_TOKENS_PER_WORD = 1.3


@lru_cache(maxsize=1)
def _encoding() -> Any | None:
    """The tiktoken encoding, or None (warned once per process, because this is cached) when it cannot load."""
    try:
        import tiktoken

        return tiktoken.get_encoding(ENCODING_NAME)
    except Exception as exc:  # any failure (no network, no cache, missing wheel) means "fall back"
        logger.warning(
            "tiktoken could not load %s (%s); token counts are approximate. Set TIKTOKEN_CACHE_DIR to an offline "
            "cache to count exactly.",
            ENCODING_NAME,
            exc,
        )
        return None


def approximate_count(text: str) -> int:
    """A tokenizer-free estimate of the cl100k token count."""
    words = 0
    punctuation = 0
    for piece in _PIECE.findall(text):
        if piece[0].isalnum() or piece[0] == "_":
            words += 1
        else:
            punctuation += 1
    return round(words * _TOKENS_PER_WORD) + punctuation


def count_tokens(text: str) -> int:
    """Number of cl100k_base tokens in ``text`` (approximate if tiktoken is unavailable)."""
    encoding = _encoding()
    if encoding is None:
        return approximate_count(text)
    return len(encoding.encode(text, disallowed_special=()))


def is_exact() -> bool:
    """Whether counts come from the real tokenizer (False means the approximate fallback is in use)."""
    return _encoding() is not None


def reset() -> None:
    """Forget the loaded encoding, so the next count tries tiktoken again (tests, or after fixing the cache)."""
    _encoding.cache_clear()
