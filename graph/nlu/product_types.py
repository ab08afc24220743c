"""Product types in the customer's language: the English words a catalogue names a German "Wanduhr" or "Rucksack" by.

The words live in data/product_types.yaml (one line per type, per language); this module only reads them and finds a
word said in any of its forms: plural or inflected ("Wanduhren", "Rucksäcke", "Kopfhörern"), written without umlauts
("Parfum"), or as the head of a compound ("Herrenparfüm", "Kinderrucksack": German puts the type last).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from graph.nlu.classifier import DATA_DIR

PRODUCT_TYPES_PATH = DATA_DIR / "product_types.yaml"
# Endings of German plural and case forms, longest first: what is left is tried as the base form.
_ENDINGS = ("ern", "en", "er", "es", "e", "n", "s")
# A compound's head is a type only when something stands before it and the head is a word of its own (not "uhr" of
# "Fuhr"): at least this many letters each.
_HEAD = 3


_PLAIN = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


def _plain(word: str) -> str:
    """Lower case, umlauts and ß written out plainly: "Kopfhörer" and "Kopfhorer" are one word to a customer."""
    return word.lower().translate(_PLAIN)


@lru_cache(maxsize=1)
def _lexicon(path: Path = PRODUCT_TYPES_PATH) -> dict[str, tuple[str, ...]]:
    """The plain form of every word of every language -> the English words of the type it names."""
    bank = yaml.safe_load(path.read_text(encoding="utf-8"))
    words: dict[str, tuple[str, ...]] = {}
    for language, entries in bank.items():
        for word, english in entries.items():
            if not isinstance(english, str) or not english.strip():
                raise ValueError(f"{path}: {language}.{word}: the English words must be a non-empty string")
            words[_plain(str(word))] = tuple(english.lower().split())
    return words


def _base_form(plain: str, lexicon: dict[str, tuple[str, ...]]) -> str | None:
    if plain in lexicon:
        return plain
    for ending in _ENDINGS:
        stem = plain[: -len(ending)]
        if plain.endswith(ending) and len(stem) >= _HEAD and stem in lexicon:
            return stem
    if plain + "e" in lexicon:
        return plain + "e"  # "Schuh" of "Schuhe"
    return None


@lru_cache(maxsize=4096)
def type_words(word: str) -> tuple[str, ...]:
    """The English words of the product type a word names ("Wanduhren" -> wall, clock), or () when it names none."""
    lexicon = _lexicon()
    plain = _plain(word.strip(".,!?;:()'\""))
    if len(plain) < _HEAD:
        return ()
    found = _base_form(plain, lexicon)
    # A compound: its longest head that is a type ("Herrenparfüm" -> parfüm, "Küchenwanduhr" -> wanduhr).
    for start in range(_HEAD, len(plain) - _HEAD + 1):
        if found is not None:
            break
        found = _base_form(plain[start:], lexicon)
    if found is None or any(plain.endswith(english) for english in lexicon[found]):
        return ()  # the catalogue's own word already ("lamp", "headlamp", "smartwatch"): nothing to add
    return lexicon[found]
