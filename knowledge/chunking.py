"""Structure-aware chunking of policy and FAQ documents.

A chunk never crosses a heading: a section is what a citation points at ("returns-policy#return-window"), so mixing
two sections in one chunk would make the citation lie about half of the text. Inside a section, paragraphs and list
items are packed up to a token budget, and a chunk that follows a cut repeats the previous chunk's last sentence so
that a fact split across the cut is still whole in one of them. FAQ documents get one chunk per question and answer.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from knowledge.documents import SourceDocument, slugify
from knowledge.tokens import count_tokens

MetadataValue = str | int | float | bool
Metadata = dict[str, MetadataValue]

MAX_TOKENS = 320
OVERLAP_TOKENS = 40
PATH_SEPARATOR = " › "

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
# A sentence starts with a capital, a digit, a quote or a parenthesis; German ones with an umlaut too ("Änderungen").
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ0-9\"(„])")


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def metadata_hash(metadata: Metadata) -> str:
    """Hash of the metadata that describes a chunk (the stored hashes themselves excluded)."""
    relevant = {key: value for key, value in metadata.items() if key not in ("content_hash", "meta_hash")}
    return content_hash(json.dumps(relevant, sort_keys=True, default=str))


@dataclass(frozen=True)
class Chunk:
    """One indexed unit. ``id`` is unique in the collection; ``metadata["anchor"]`` is what answers cite."""

    id: str
    text: str
    metadata: Metadata = field(default_factory=dict)

    @property
    def anchor(self) -> str:
        return str(self.metadata.get("anchor", self.id))


def finalize(chunk_id: str, text: str, metadata: Metadata) -> Chunk:
    """A chunk with its content and metadata hashes filled in (what incremental indexing compares)."""
    stored = dict(metadata)
    stored["content_hash"] = content_hash(text)
    stored["meta_hash"] = metadata_hash(stored)
    return Chunk(id=chunk_id, text=text, metadata=stored)


@dataclass
class _Section:
    path: list[str]
    anchor: str
    lines: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n".join(self.lines).strip()


def _sections(document: SourceDocument) -> list[_Section]:
    """Split the body on headings, remembering each section's heading path and a unique anchor."""
    stack: list[tuple[int, str]] = []
    sections: list[_Section] = [_Section(path=[document.title], anchor=slugify(document.title))]
    used: dict[str, int] = {}
    in_code = False
    for line in document.body.splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
        match = None if in_code else _HEADING.match(line)
        if not match:
            sections[-1].lines.append(line)
            continue
        level, heading = len(match.group(1)), match.group(2).strip()
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, heading))
        headings = [text for lvl, text in stack if lvl > 1]
        slug = slugify(heading)
        # GitHub's rule for repeated headings: the second "Cost" becomes "cost-1".
        count = used.get(slug, 0)
        used[slug] = count + 1
        anchor = slug if count == 0 else f"{slug}-{count}"
        sections.append(_Section(path=[document.title, *headings], anchor=anchor))
    return [section for section in sections if section.body]


def _blocks(body: str) -> list[str]:
    """Paragraphs and list items (a list item's wrapped lines stay with it)."""
    blocks: list[str] = []
    current: list[str] = []
    for line in body.splitlines():
        if not line.strip():
            if current:
                blocks.append(" ".join(current))
                current = []
            continue
        if _LIST_ITEM.match(line) and current:
            blocks.append(" ".join(current))
            current = []
        current.append(line.strip())
    if current:
        blocks.append(" ".join(current))
    return blocks


def split_sentences(text: str) -> list[str]:
    return [sentence.strip() for sentence in _SENTENCE_END.split(text) if sentence.strip()]


def _fit(block: str, max_tokens: int) -> Iterator[str]:
    """A block that alone exceeds the budget is cut between sentences (a single huge sentence stays whole)."""
    if count_tokens(block) <= max_tokens:
        yield block
        return
    current: list[str] = []
    for sentence in split_sentences(block):
        if current and count_tokens(" ".join([*current, sentence])) > max_tokens:
            yield " ".join(current)
            current = []
        current.append(sentence)
    if current:
        yield " ".join(current)


def pack(blocks: list[str], max_tokens: int = MAX_TOKENS, overlap_tokens: int = OVERLAP_TOKENS) -> list[str]:
    """Greedy packing of blocks into pieces of at most ``max_tokens``, each new piece opening with an overlap."""
    pieces: list[str] = []
    current: list[str] = []
    for block in (part for whole in blocks for part in _fit(whole, max_tokens)):
        if current and count_tokens("\n".join([*current, block])) > max_tokens:
            pieces.append("\n".join(current))
            tail = split_sentences(current[-1])[-1:]
            current = [tail[0]] if tail and count_tokens(tail[0]) <= overlap_tokens else []
        current.append(block)
    if current:
        pieces.append("\n".join(current))
    return pieces


def _doc_metadata(document: SourceDocument, section: _Section, part: int, position: int = 0) -> Metadata:
    return {
        "type": document.type,
        "kind": "doc",
        "doc_id": document.doc_id,
        "anchor": f"{document.doc_id}#{section.anchor}",
        "title": document.title,
        "section": section.path[-1],
        "heading_path": PATH_SEPARATOR.join(section.path),
        "language": document.language,
        # Who may read it: a staff document is never evidence for an answer to a customer.
        "audience": document.audience,
        "part": part,
        # The section's place in its document: a policy's first sections state its main rule (the window).
        "position": position,
        "product_id": "",
        "category": "",
    }


def chunk_document(
    document: SourceDocument, max_tokens: int = MAX_TOKENS, overlap_tokens: int = OVERLAP_TOKENS
) -> list[Chunk]:
    """The chunks of one document; every chunk's text starts with its heading path for retrieval context."""
    chunks: list[Chunk] = []
    for position, section in enumerate(_sections(document)):
        heading = PATH_SEPARATOR.join(section.path)
        if document.type == "faq" and len(section.path) >= 2:
            # One Q&A per chunk: the heading is the question, which is what customers' wording resembles most.
            pieces = ["\n".join(_blocks(section.body))]
        else:
            pieces = pack(_blocks(section.body), max_tokens - count_tokens(heading), overlap_tokens)
        for part, piece in enumerate(pieces, start=1):
            anchor = f"{document.doc_id}#{section.anchor}"
            chunk_id = anchor if part == 1 else f"{anchor}~{part}"
            chunks.append(finalize(chunk_id, f"{heading}\n\n{piece}", _doc_metadata(document, section, part, position)))
    return chunks


def chunk_documents(documents: list[SourceDocument], max_tokens: int = MAX_TOKENS) -> list[Chunk]:
    return [chunk for document in documents for chunk in chunk_document(document, max_tokens)]
