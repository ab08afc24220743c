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
from graph.nlu.language import cue_words, detect_language

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


# "weiß" is also the verb "wissen": after a person ("ich weiß", "wer weiß"), "nicht" or "ob"/"was"/"wie" it is
# knowing, not white ("ich weiß nicht, ob ...", "weiß nicht").
_KNOWING_BEFORE = re.compile(
    r"\b(?:ich|er|sie|man|wer|jeder|niemand|keiner|gott|nicht|ob|was|wie|du|das)\s*,?\s*$", re.IGNORECASE
)
_KNOWING_AFTER = re.compile(r"^\s*,?\s*(?:ich|nicht|ob|was|wie|wo|wann|dass|das|schon|nur|auch)\b", re.IGNORECASE)
_KNOWS = {"weiß", "weiss"}
# A size word is a size only where it describes the item: "in groß", "Größe mittel", "die große Variante", "klein,
# schwarz" beside another value. "Eine große Hilfe", "Mittel zum Zweck", "ich bin Anna Klein" are not sizes.
_SIZES = {"small", "medium", "large"}
_SIZE_BEFORE = re.compile(r"\b(?:in|größe|groesse|grösse|grosse)\s*:?\s*$", re.IGNORECASE)
_SIZE_AFTER = re.compile(
    r"^(?:\s*(?:[,.;!?]|$|bitte\b|und\b)|[\s-]+(?:variante|version|ausführung|ausfuehrung|modell|größe|groesse|"
    r"grösse)\b)",
    re.IGNORECASE,
)
# "Ich bin Anna Klein", "Anna Weiß": a capitalised word after a capitalised name or "ich bin"/"mein Name ist" is a name.
_NAME_BEFORE = re.compile(r"(?:\b(?:ich\s+bin|heiße|heisse|name\s+ist)\s+(?:[A-ZÄÖÜ]\w*\s+)?|\b[A-ZÄÖÜ][a-zäöüß]+\s+)$")


# Capitalised words before a value that are no first name: "Bitte Schwarz", "Farbe Weiß", "Lieber Holz".
_NOT_A_NAME = frozenset(
    re.split(
        r"\s+",
        "in aus die der das den dem des lieber und oder bitte ja nein danke gerne gern farbe variante version modell "
        "material ausführung größe auch nur dann doch also eher",
    )
)


def values_in_words(word: str) -> bool:
    """Whether a single word is one of the value words ("Glas Weiß": the first is no name)."""
    return any(pattern.fullmatch(word) for pattern, _value in _all_words())


def _is_value_here(text: str, start: int, end: int, value: str) -> bool:
    """Whether the word at text[start:end] says the value, not a verb, a name or a word of the sentence."""
    before, after = text[max(0, start - 40) : start], text[end : end + 40]
    if text[start:end].lower() in _KNOWS and (_KNOWING_BEFORE.search(before) or _KNOWING_AFTER.search(after)):
        return False
    if text[start].isupper() and _NAME_BEFORE.search(before) and not re.search(r"[:,]\s*$", before):
        prior = before.split()[-1].lower() if before.split() else ""
        if prior not in _NOT_A_NAME and not values_in_words(prior):
            return False
    if value in _SIZES:
        return bool(_SIZE_BEFORE.search(before) or _SIZE_AFTER.search(after)) and not re.search(
            r"\b(?:eine?[nmrs]?|sehr|so|zu|ganz|ziemlich|ist|sind|war|waren|echt|wirklich|nicht|mir)\s+$",
            before,
            re.IGNORECASE,
        )
    return True


def value_spans(text: str, german: bool | None = None) -> list[tuple[int, int, str]]:
    """Where a German message says an option value in German, with the English value: (start, end, value). Only in
    German messages (an English "that is gross" or "by rote" says no value), and only where the word is the value
    ("ich weiß" is knowing, "Anna Klein" a name, "eine große Hilfe" no size). `german`: whether the whole message is
    German (reads_german), when `text` is a part of it; read from `text` itself when not given."""
    if german is False:
        return []
    found = [
        (m.start(), m.end(), value)
        for pattern, value in _all_words()
        for m in pattern.finditer(text)
        if _is_value_here(text, m.start(), m.end(), value)
    ]
    return found if found and (german or _reads_german(text, found)) else []


def reads_german(text: str) -> bool:
    """Whether German value words in the message are read as values: a German message, or a German fragment of
    values (_reads_german)."""
    return _reads_german(text, value_spans(text, german=True))


# Words English and German share ("in Schwarz", "so", "ok"): no evidence of English in a German fragment.
_SHARED = re.compile(r"\b(?:in|so|ok|okay|was|an|will|hand|bitte)\b", re.IGNORECASE)


def _reads_german(text: str, found: list[tuple[int, int, str]]) -> bool:
    """A German message, or a fragment of values ("in schwarzem Metall, 6 ft") with two German value words in it and
    not one English word; one such word alone in English-looking text ("by rote", "Weiss, Sophia") is no German."""
    if detect_language(text) == "de":
        return True
    return len({start for start, _end, _value in found}) >= 2 and not cue_words(_SHARED.sub(" ", text), "en")


def values_in_english(text: str, german: bool | None = None) -> set[str]:
    """The English values whose customer-language words the message says ("in Weiß aus Glas" -> white, glass)."""
    return {value for _start, _end, value in value_spans(text, german)}
