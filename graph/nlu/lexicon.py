"""The tone lexicon: per concept and language, the words by which customers show a mood or ask for something.

One file (data/tone_lexicon.yaml) rather than regular expressions scattered through the modules, so that every concept
exists in every language the shop speaks and a new language is a new list, not a hunt through code. The modules that
use a concept (emotion, keywords) decide what it weighs; this one only loads and compiles.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

import yaml

from graph.nlu.classifier import DATA_DIR
from graph.nlu.patterns import compile_words

LEXICON_PATH = DATA_DIR / "tone_lexicon.yaml"
# The languages every concept must cover (the shop languages the local engine answers in).
LANGUAGES = ("en", "de")


@lru_cache(maxsize=1)
def load_lexicon(path: Path = LEXICON_PATH) -> dict[str, dict[str, list[str]]]:
    """concept -> language -> regular-expression fragments."""
    bank = yaml.safe_load(path.read_text(encoding="utf-8"))
    for concept, languages in bank.items():
        for language, fragments in languages.items():
            if not all(isinstance(fragment, str) for fragment in fragments):
                raise ValueError(f"{path}: {concept}.{language}: non-string entry (quote lines containing ': ')")
    return {concept: {lang: list(fragments) for lang, fragments in langs.items()} for concept, langs in bank.items()}


@cache
def concept(name: str) -> re.Pattern[str]:
    """One pattern for a concept across all its languages: customers mix languages and short messages are often
    mislabelled, so a German word counts in a message read as English."""
    fragments = [fragment for fragments in load_lexicon()[name].values() for fragment in fragments]
    # Whole words: a match ends at a word's end, or on a sign ("still '", "tired.").
    alternatives = "|".join(f"(?:{fragment})" for fragment in fragments)
    return compile_words(rf"\b(?:{alternatives})(?:(?<=\W)|(?!\w))", re.IGNORECASE)


@lru_cache(maxsize=4096)
def find(name: str, text: str) -> str | None:
    """The words of `text` that express concept `name`, or None. Remembered: the emotion scores, their evidence and
    the tone model's bank all ask about the same messages."""
    match = concept(name).search(text)
    return match.group(0).strip() if match else None
