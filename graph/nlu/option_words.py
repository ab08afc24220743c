"""Option values in the customer's language: the words a German customer says for a catalogue's English "white",
"glass" or "stainless steel".

The words live in data/option_values.yaml (one line per value, per language); this module only reads them and gives,
for an English value, the pattern of its words in every form a customer writes them: inflected ("weiße",
"schwarzen", "Glases") and without umlauts or ß ("weiss", "grun"). Whoever reads option values from a message takes
these words as the value itself, so "Glas, 5 ft, weiß" restates a white glass shelf as "glass, 5 ft, white" does.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from graph.nlu.classifier import DATA_DIR

OPTION_VALUES_PATH = DATA_DIR / "option_values.yaml"
# Endings of German adjective and noun forms ("weiße", "weißen", "schwarzer", "Glases").
_ENDINGS = r"(?:e[mnrs]?)?"
_SPELLINGS = (("ä", "(?:ä|ae|a)"), ("ö", "(?:ö|oe|o)"), ("ü", "(?:ü|ue|u)"), ("ß", "(?:ß|ss)"))


def _spelt_any_way(word: str) -> str:
    """The word's pattern with each umlaut and ß as it is, written out, or plain ("weiß", "weiss")."""
    pattern = re.escape(word)
    for letter, forms in _SPELLINGS:
        pattern = pattern.replace(letter, forms)
    return pattern


@lru_cache(maxsize=1)
def _words_by_value(path: Path = OPTION_VALUES_PATH) -> dict[str, tuple[str, ...]]:
    """The English value (lower case) -> the customer-language words for it, in every language of the file."""
    bank = yaml.safe_load(path.read_text(encoding="utf-8"))
    found: dict[str, list[str]] = {}
    for language, entries in bank.items():
        for word, english in entries.items():
            values = english if isinstance(english, list) else [english]
            if not values or not all(isinstance(v, str) and v.strip() for v in values):
                raise ValueError(f"{path}: {language}.{word}: the English value must be a non-empty string or list")
            for value in values:
                found.setdefault(" ".join(value.lower().split()), []).append(str(word).lower())
    return {value: tuple(words) for value, words in found.items()}


@lru_cache(maxsize=4096)
def value_words_pattern(value: str) -> str | None:
    """A pattern (no groups, no boundaries) of the customer-language words for an English option value, in any of
    their forms; None when the file has none for it."""
    words = _words_by_value().get(" ".join(value.lower().split()))
    if not words:
        return None
    longest_first = sorted(words, key=len, reverse=True)
    return "|".join(f"{_spelt_any_way(word)}{_ENDINGS}" for word in longest_first)


@lru_cache(maxsize=1)
def _all_words() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple(
        (re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.IGNORECASE), value)
        for value in _words_by_value()
        if (pattern := value_words_pattern(value))
    )


def values_in_english(text: str) -> set[str]:
    """The English values whose customer-language words the message says ("in Weiß aus Glas" -> white, glass)."""
    return {value for pattern, value in _all_words() if pattern.search(text)}
