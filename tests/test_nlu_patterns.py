"""compile_words: the lookahead it adds finds exactly the matches of the pattern as written, faster."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from graph.nlu import cues, emotion, escalation, keywords, lexicon
from graph.nlu.patterns import compile_words

DATASETS = Path(__file__).resolve().parents[1] / "evals" / "datasets"


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def _corpus() -> list[str]:
    texts = [
        text
        for path in sorted(DATASETS.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
        for text in _strings(json.loads(line))
    ]
    return list(dict.fromkeys(text for text in texts if len(text) > 2))


def _readings(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(match.span(), match.groups()) for match in pattern.finditer(text)]


def _reader_patterns() -> list[str]:
    sources = [lexicon.concept(name).pattern for name in lexicon.load_lexicon()]
    sources += [pattern.pattern for *_, pattern in emotion._CUES]
    sources += [pattern.pattern for _, _, pattern in (*cues._BOOSTS, *cues._FOREIGN)]
    people = (keywords._HUMAN, keywords._HUMAN_FALSE, keywords._ASKS_FOR_PERSON, keywords._PERSON_DECLINED)
    sources += [pattern.pattern for pattern in (*people, keywords._OWN_PEOPLE)]
    sources += [rf"\b(?:{variants})\b" for variants in escalation._TOPIC_VARIANTS.values()]
    return sources


def test_the_readers_patterns_read_the_corpus_as_written() -> None:
    corpus = _corpus()
    assert len(corpus) > 5000
    sources = _reader_patterns()
    guarded = [source for source in sources if compile_words(source, re.IGNORECASE).pattern != source]
    assert len(guarded) > len(sources) // 2  # most of them are sped up
    for source in guarded:
        plain, fast = re.compile(source, re.IGNORECASE), compile_words(source, re.IGNORECASE)
        for text in corpus:
            assert _readings(fast, text) == _readings(plain, text), (source[:80], text)


@pytest.mark.parametrize(
    ("source", "guard"),
    [
        (r"\b(?:urgent\w*|asap|as\s+soon)\b", "[ua]"),  # each letter once
        (r"\b(?:(?:the\s+)?last|final)\b", "[tlf]"),  # an optional start adds its own first letters
        (r"\b(?:(?<=[.!]\s)now|\d+\s+times)\b", r"[n\d]"),  # a lookbehind is zero-width
        (r"\b[a-c]x+", "[a-c]"),
    ],
)
def test_the_guard_admits_every_first_letter(source: str, guard: str) -> None:
    compiled = compile_words(source, re.IGNORECASE)
    assert compiled.pattern == rf"\b(?={guard}){source[2:]}"


def test_each_top_level_alternative_is_guarded_on_its_own() -> None:
    source = r"\b(?:call|ring)\s+me|^\W*(?:agent|human)\W*$|\b[]|]x|\bhand\s+(?:over|on)\b"
    compiled = compile_words(source, re.IGNORECASE)
    assert compiled.pattern == (
        r"\b(?=[cr])(?:call|ring)\s+me|^\W*(?:agent|human)\W*$|\b(?=[\]\|])[]|]x|\b(?=[h])hand\s+(?:over|on)\b"
    )
    texts = ["Ring me back", "  agent!", "]x and |x", "hand on to a person", "Please call  me"]
    for text in texts:
        assert _readings(compiled, text) == _readings(re.compile(source, re.IGNORECASE), text)


@pytest.mark.parametrize(
    "source",
    [
        r"\b(?:now|x?)",  # can match empty at a word start
        r"\b[^a]b",  # a negated class
        r"\b(?-i:Now)",  # its own case rule
        r"\b(now|later)|\b(?:x)\1",  # an alternative that refers to another's group
        r"(?:now|later)",  # no leading \b
    ],
)
def test_patterns_whose_first_letters_cannot_be_told_stay_as_written(source: str) -> None:
    assert compile_words(source, re.IGNORECASE).pattern == source


@pytest.mark.parametrize(
    ("source", "text", "found"),
    [
        (r"\b(?:sorry|kelvin)\b", "ſorry about the \u212aelvin scale", ["ſorry", "\u212aelvin"]),
        (r"\b(?:straße|über)\b", "Die STRASSE, die Straße und ÜBER", ["Straße", "ÜBER"]),
        (r"\b(?:done|fed\s+up)", "Fed up. DONE!", ["Fed up", "DONE"]),
    ],
)
def test_case_folding_is_the_engines_own(source: str, text: str, found: list[str]) -> None:
    fast = compile_words(source, re.IGNORECASE)
    assert fast.pattern != source
    assert [match.group(0) for match in fast.finditer(text)] == found
    assert found == [match.group(0) for match in re.compile(source, re.IGNORECASE).finditer(text)]


@pytest.mark.parametrize(
    "source",
    [
        # Verbose set inline, alone or with other flags: spaces and comments are no characters of the words.
        "(?ix)\\bcancel\\w*|\\b refund\\w* \\s+ back|\\b# the money itself\n money",
        "(?xi)\\bparcel|\\b  delivery  # the shipment",
        "(?mx)^\\s* stop \\b|\\b halt",
        # Other inline flags: the alternatives are read under them, as the engine reads them.
        r"(?i)\bRefund\w*|\bGeld",
        r"(?s)(?i)\bmoney\b.+\bback|\bzurück",
        r"(?a)\b\w+ung|\bété",
    ],
)
def test_inline_flags_at_the_start_are_read_as_the_engine_reads_them(source: str) -> None:
    texts = [
        "Where is my refund? The money back please",
        "MONEY went BACK, cancelled it",
        "parcel and DELIVERY # the shipment",
        "stop\nhalt now",
        "Die Erstattung, das Geld zurück, l'été",
        "refunds   back",
    ]
    plain, fast = re.compile(source), compile_words(source)
    for text in texts:
        assert _readings(fast, text) == _readings(plain, text), (source, text)


def test_name_readers_skip_the_postcode_patterns_only_where_no_digit_could_make_a_postcode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The postcode readers are skipped for a message without a digit; with them always run, every reading is the
    same (the corpus, and messages written for this test)."""
    from graph.nlu import entities

    written = [
        "priya natarajan 60614",
        "Hi, Tomas Berger from 10115, about my parcel",
        "zip 30309 - marcus lee",
        "Grace Okafor, EC1A 1BB",
        "its leon weber here, no code on me",
        "My name is Ines Duarte and I never got a reply",
        "Ruth Bamidele ٦٠٦١٤",
    ]
    texts = [*written, *_corpus()]
    fast = [entities.extract_names(text) for text in texts]
    assert fast[0] == ["Priya Natarajan"] and fast[3] == ["Grace Okafor"]
    monkeypatch.setattr(entities, "_DIGIT", re.compile(""))  # every message may hold a postcode
    assert [entities.extract_names(text) for text in texts] == fast
