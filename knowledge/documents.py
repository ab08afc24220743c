"""Policy and FAQ documents on disk: Markdown files with a small YAML front matter.

A shop's documents live in ``<knowledge_dir>/<shop_id>/*.md``. The front matter's ``id`` is the stable document id
that citations and evaluation sets refer to, so renaming a file never breaks them; headings give section anchors.

Front matter fields: ``id`` (required), ``title``, ``type`` (``policy`` or ``faq``), ``language`` and ``audience``:
``customers`` (the default) for what the bot may quote to a customer, ``staff`` for a document written for the team
(an agent handbook, macros, an internal policy). A staff document is indexed but never used in answers to customers:
its wording addresses the team ("verify the customer before..."), and quoted to a customer it reads as the bot's
own instructions.

A shop that writes its policies in a second language too keeps them in ``<knowledge_dir>/<shop_id>/<language>/``
(``de/returns.md`` beside ``returns.md``, with the same ``id``): those are not indexed but quoted to the customers who
speak that language, line for line in place of the originals' (``knowledge.translations``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

import yaml

DocType = Literal["policy", "faq"]
Audience = Literal["customers", "staff"]
AUDIENCES: tuple[Audience, ...] = ("customers", "staff")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_DOC_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class DocumentError(ValueError):
    """A document that cannot be indexed; the message names the file and what is wrong."""


@dataclass(frozen=True)
class SourceDocument:
    doc_id: str
    title: str
    type: DocType
    language: str
    body: str
    path: Path
    audience: Audience = "customers"


def slugify(text: str) -> str:
    """GitHub-style anchor: lower case ASCII, words joined by hyphens ("Returns & refunds" -> "returns-refunds")."""
    # Apostrophes vanish rather than split a word, as on GitHub: "don't" -> "dont", not "don-t".
    ascii_text = (
        unicodedata.normalize("NFKD", text.replace("'", "").replace("’", "")).encode("ascii", "ignore").decode()
    )
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"


def parse_document(path: Path) -> SourceDocument:
    raw = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(raw)
    if not match:
        raise DocumentError(f"{path}: missing front matter (--- id/title/type/language ---)")
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise DocumentError(f"{path}: front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise DocumentError(f"{path}: front matter must be a mapping")
    doc_id = str(meta.get("id", "")).strip()
    if not _DOC_ID.match(doc_id):
        raise DocumentError(f"{path}: 'id' must be lower-case letters, digits and hyphens, got {doc_id!r}")
    doc_type = str(meta.get("type", "policy"))
    if doc_type not in ("policy", "faq"):
        raise DocumentError(f"{path}: 'type' must be policy or faq, got {doc_type!r}")
    audience = str(meta.get("audience", "customers"))
    if audience not in AUDIENCES:
        # A typo must not quietly make an internal document quotable to customers.
        raise DocumentError(f"{path}: 'audience' must be customers or staff, got {audience!r}")
    return SourceDocument(
        doc_id=doc_id,
        title=str(meta.get("title") or doc_id),
        type=cast(DocType, doc_type),
        language=str(meta.get("language", "en")),
        body=raw[match.end() :],
        path=path,
        audience=cast(Audience, audience),
    )


def load_documents(folder: Path) -> list[SourceDocument]:
    """Every Markdown document in a shop's folder, sorted by id; duplicate ids are an error, not a silent overwrite."""
    if not folder.is_dir():
        raise DocumentError(f"no knowledge folder {folder}")
    documents = [parse_document(path) for path in sorted(folder.glob("*.md"))]
    seen: dict[str, Path] = {}
    for document in documents:
        if document.doc_id in seen:
            raise DocumentError(
                f"duplicate document id {document.doc_id!r} in {seen[document.doc_id]} and {document.path}"
            )
        seen[document.doc_id] = document.path
    return sorted(documents, key=lambda d: d.doc_id)
