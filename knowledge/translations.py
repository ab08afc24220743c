"""A shop's policies written in a second language, quoted to the customers who speak it.

A shop that writes its policies in two languages keeps the second next to the first: ``<knowledge_dir>/<shop_id>/
<language>/<file>.md``, each document with the ``id`` of the one it translates and ``language: <language>`` in its
front matter, its sections in the same order and each paragraph or list item saying, sentence by sentence, what
the original's says. Only the original is indexed and searched (the MiniLM model reads English; a German question
is searched through ``knowledge.glossary``); the answer chooses its lines there as always, and a German customer
reads the same lines of the German document. So the choice of what answers never depends on the language, and a
translation that drifts from its original (a section or a line more or less) is refused line by line rather than
quoted out of place: that line is then quoted from the original (``mismatches`` lists what to fix; a test runs it
over the demo shop).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from knowledge.chunking import _blocks, _sections, split_sentences
from knowledge.documents import SourceDocument, load_documents

_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_PARENTHESIS = re.compile(r"\(([^()]*)\)")
# A list's parts are split at a comma before a space: a decimal comma ("9,95 $") has none.
_LIST_PART = re.compile(r",\s+")
_FIGURE = re.compile(r"\d+(?:[.,]\d+)?")
# Where a sentence's list of figures divides: commas and semicolons before a space, "and" and "und" between words.
_SEPARATOR = re.compile(r"(,\s+|;\s+|\s+(?:and|und)\s+)")


@dataclass(frozen=True)
class _Section:
    title: str
    units: tuple[tuple[str, ...], ...]  # per paragraph or list item, its sentences


def _units_of(body: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(split_sentences(_BULLET.sub("", block).strip())) for block in _blocks(body))


def _document_sections(document: SourceDocument) -> tuple[_Section, ...]:
    return tuple(_Section(section.path[-1], _units_of(section.body)) for section in _sections(document))


@dataclass(frozen=True)
class Translation:
    """One language's documents beside the originals they translate, section by section."""

    language: str
    originals: dict[str, tuple[_Section, ...]]
    translated: dict[str, tuple[_Section, ...]]
    titles: dict[str, str]

    def label(self, doc_id: str, position: int) -> str | None:
        """ "Rücksendungen & Erstattungen › Rückgabefrist": what a quote from that section cites."""
        sections = self.translated.get(doc_id)
        if not sections or position >= len(sections) or not self._aligned(doc_id, position):
            return None
        title, section = self.titles[doc_id], sections[position].title
        return title if section == title else f"{title} › {section}"

    def _aligned(self, doc_id: str, position: int) -> bool:
        originals, translated = self.originals.get(doc_id, ()), self.translated.get(doc_id, ())
        return (
            len(originals) == len(translated)
            and position < len(originals)
            and [len(b) for b in originals[position].units] == [len(b) for b in translated[position].units]
        )

    def line(self, doc_id: str, position: int, quoted: str) -> str | None:
        """The translated line at the place of ``quoted`` in the original's section; a line the answer cut to what
        the customer asked ("($12.95 for the UK and EU)" of a list of countries' figures) is cut the same way when
        the translation lists the same parts, and quoted whole otherwise. None: no aligned translation."""
        if not self._aligned(doc_id, position):
            return None
        original = self.originals[doc_id][position].units
        translated = self.translated[doc_id][position].units
        pairs = [
            pair
            for sentences, own in zip(original, translated, strict=True)
            for pair in zip(sentences, own, strict=True)
        ]
        exact = next((own for sentence, own in pairs if sentence == quoted), None)
        if exact is not None:
            return exact
        return next((_same_cut(sentence, quoted, own) for sentence, own in pairs if _cut_of(sentence, quoted)), None)


def _cut_of(whole: str, cut: str) -> bool:
    """Whether ``cut`` is ``whole`` with parts left out (its words, in order, all from ``whole``)."""
    words = iter(w.strip("(),;:.") for w in whole.split())
    return all(any(word.strip("(),;:.") == w for w in words) for word in cut.split())


def _figures(text: str) -> set[str]:
    """The figures of a text whatever their notation ("$12.95" and "12,95 $" are both 1295)."""
    return {re.sub(r"\D", "", found) for found in _FIGURE.findall(text)}


def _by_figures(cut: str, translated: str) -> str:
    """``translated`` without the parts of its list that give a figure ``cut`` left out ("Kanada: Standard 14,95 $,
    ab 150 $ Bestellwert kostenlos; Express 29,95 $." for "Canada: express $29.95." keeps "Kanada: Express 29,95
    $."): the figures say which part is which in any language. A part's label before a colon stays."""
    kept_figures = _figures(cut)
    pieces = _SEPARATOR.split(translated.rstrip("."))
    parts, separators = pieces[::2], pieces[1::2]
    kept: list[str] = []
    for index, part in enumerate(parts):
        figures = _figures(part)
        if figures and not figures & kept_figures:
            label = part[: part.index(":") + 1] if ":" in part else ""
            if label and not _figures(label):
                kept.append(label)
            continue
        if kept:
            kept.append(separators[index - 1] if not kept[-1].endswith(":") else " ")
        kept.append(part.strip() if kept and kept[-1] == " " else part)
    said = "".join(kept).strip()
    return f"{said}." if said and translated.rstrip().endswith(".") else said or translated


def _same_cut(whole: str, cut: str, translated: str) -> str:
    """The parts of ``translated``'s parenthesised lists at the places ``cut`` kept of ``whole``'s; any other cut
    by the figures it kept."""
    lists, kept_lists, own = (_PARENTHESIS.findall(text) for text in (whole, cut, translated))
    if not lists or len(lists) != len(own) or len(kept_lists) != len(lists):
        return _by_figures(cut, translated)
    replacements = []
    for parts, kept, theirs in zip(lists, kept_lists, own, strict=True):
        parts_list, kept_list, theirs_list = (_LIST_PART.split(text.strip()) for text in (parts, kept, theirs))
        if len(parts_list) != len(theirs_list) or not set(kept_list) <= set(parts_list):
            return translated
        replacements.append(", ".join(t for p, t in zip(parts_list, theirs_list, strict=True) if p in kept_list))
    found = iter(replacements)
    return _PARENTHESIS.sub(lambda _: f"({next(found)})", translated)


def translation(folder: Path, language: str) -> Translation | None:
    """The shop's documents in ``language`` beside its originals; None when the shop wrote none in it.

    Read again whenever a document of either language changes on disk, so that an operator's edited translation is
    quoted without a restart (the same as the re-indexed originals)."""
    # Asked on every knowledge answer, mostly in a language the shop wrote nothing in: one stat says so, before
    # the folders are listed and every document stat-ed for the stamp.
    if not (folder / language).is_dir():
        return None
    return _translation(folder, language, _documents_stamp(folder, language))


def _documents_stamp(folder: Path, language: str) -> tuple[tuple[str, int, int], ...]:
    """Each document file's name, size and modification time, originals and translations."""
    # os.scandir rather than Path.glob: the same "*.md" entries (dot files included, as glob gives them) without
    # glob's pattern machinery and a Path object per entry, on every knowledge answer.
    stamp = []
    for place in (folder, folder / language):
        try:
            entries = [entry for entry in os.scandir(place) if entry.name.endswith(".md")]
        except OSError:
            continue
        for entry in entries:
            try:
                status = entry.stat()
            except OSError:
                continue
            stamp.append((entry.path, status.st_size, status.st_mtime_ns))
    return tuple(sorted(stamp))


@lru_cache(maxsize=16)
def _translation(folder: Path, language: str, _stamp: tuple[tuple[str, int, int], ...]) -> Translation | None:
    own = folder / language
    if not own.is_dir():
        return None
    originals = {doc.doc_id: _document_sections(doc) for doc in load_documents(folder)}
    documents = [doc for doc in load_documents(own) if doc.doc_id in originals]
    return Translation(
        language=language,
        originals={doc.doc_id: originals[doc.doc_id] for doc in documents},
        translated={doc.doc_id: _document_sections(doc) for doc in documents},
        titles={doc.doc_id: doc.title for doc in documents},
    )


def mismatches(folder: Path, language: str) -> list[str]:
    """Where a translation differs in shape from its original (what a shop fixes before its lines are quoted)."""
    found = translation(folder, language)
    problems: list[str] = []
    if found is None:
        return [f"no documents in {folder / language}"]
    known = {doc.doc_id for doc in load_documents(folder)}
    problems += [
        f"{doc.path.name}: no original with id {doc.doc_id!r}"
        for doc in load_documents(folder / language)
        if doc.doc_id not in known
    ]
    for doc_id, sections in found.translated.items():
        originals = found.originals[doc_id]
        if len(sections) != len(originals):
            problems.append(f"{doc_id}: {len(sections)} sections, the original has {len(originals)}")
            continue
        for theirs, mine in zip(originals, sections, strict=True):
            if [len(b) for b in theirs.units] != [len(b) for b in mine.units]:
                problems.append(
                    f"{doc_id} § {mine.title!r}: sentences per paragraph {[len(b) for b in mine.units]}, "
                    f"the original {theirs.title!r} has {[len(b) for b in theirs.units]}"
                )
    return problems
