"""Token counting, document parsing and structure-aware chunking."""

from __future__ import annotations

import hashlib
import logging
import shutil
import socket
from pathlib import Path

import pytest

from knowledge import tokens
from knowledge.chunking import MAX_TOKENS, chunk_document, chunk_documents
from knowledge.documents import DocumentError, load_documents, parse_document, slugify
from shopdesk.settings import PROJECT_ROOT

DEMO_DOCS = PROJECT_ROOT / "knowledge" / "docs" / "demo"


@pytest.fixture(autouse=True)
def _fresh_encoding():
    tokens.reset()
    yield
    tokens.reset()


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_encoding_counts_exactly_without_any_network_attempt(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
    monkeypatch.delenv("DATA_GYM_CACHE_DIR", raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # tiktoken's own default cache would be there: it must stay unused

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("token counting tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    assert tokens.count_tokens("hello world") == 2
    assert tokens.is_exact()
    assert not any(tmp_path.iterdir())


def test_the_shipped_encoding_is_tiktokens_cl100k_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """tiktoken's own loader, given the same file as its download cache, encodes every text the same way."""
    import tiktoken
    import tiktoken.registry

    url = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
    shutil.copy(tokens.ENCODING_FILE, tmp_path / hashlib.sha1(url.encode()).hexdigest())
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(tiktoken.registry, "ENCODINGS", {})  # its process-wide cache of loaded encodings
    reference = tiktoken.get_encoding("cl100k_base")
    texts = [path.read_text(encoding="utf-8") for path in sorted(DEMO_DOCS.glob("*.md"))]
    texts += ["Können Sie mir sagen, wann mein Paket ankommt?\n\n  x", "<|endoftext|> 12345 ümlaut 😀"]
    for text in texts:
        assert tokens.count_tokens(text) == len(reference.encode(text, disallowed_special=()))


def test_fallback_counts_approximately_and_warns_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import tiktoken

    def unavailable(*args: object, **kwargs: object) -> None:
        raise ValueError("damaged encoding file")

    monkeypatch.setattr(tiktoken, "Encoding", unavailable)
    text = "You have 30 days from delivery to return unused items, with their tags attached."
    with caplog.at_level(logging.WARNING, logger="knowledge.tokens"):
        first = tokens.count_tokens(text)
        second = tokens.count_tokens(text + " More words here.")
    assert not tokens.is_exact()
    assert first == tokens.approximate_count(text)
    assert 14 <= first <= 26  # cl100k says 18 for this sentence
    assert second > first
    warnings = [record for record in caplog.records if "approximate" in record.getMessage()]
    assert len(warnings) == 1

    # Chunking keeps working on the approximate counts.
    assert chunk_documents(load_documents(DEMO_DOCS))


def test_slugs_are_github_style() -> None:
    assert slugify("Returns & refunds") == "returns-refunds"
    assert slugify("Countries we don't ship to") == "countries-we-dont-ship-to"
    assert slugify("Über uns!") == "uber-uns"


def test_front_matter_is_required_and_validated(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="front matter"):
        parse_document(_write(tmp_path, "a.md", "# No front matter\n"))
    with pytest.raises(DocumentError, match="'type'"):
        parse_document(_write(tmp_path, "b.md", "---\nid: b\ntitle: B\ntype: blog\n---\n# B\n"))
    (tmp_path / "a.md").unlink()
    (tmp_path / "b.md").unlink()
    _write(tmp_path, "c.md", "---\nid: same\ntitle: C\ntype: policy\n---\n# C\n\n## S\n\nText.\n")
    _write(tmp_path, "d.md", "---\nid: same\ntitle: D\ntype: policy\n---\n# D\n\n## S\n\nText.\n")
    with pytest.raises(DocumentError, match="duplicate document id"):
        load_documents(tmp_path)


def test_demo_documents_chunk_by_section_with_heading_paths() -> None:
    documents = load_documents(DEMO_DOCS)
    ids = {document.doc_id for document in documents}
    assert {"returns-policy", "shipping-policy", "faq", "warranty-policy", "payment-methods", "contact"} <= ids
    chunks = chunk_documents(documents)
    by_id = {chunk.id: chunk for chunk in chunks}
    window = by_id["returns-policy#return-window"]
    assert window.metadata["heading_path"] == "Returns & refunds › Return window"
    assert window.metadata["type"] == "policy"
    assert window.metadata["section"] == "Return window"
    assert window.text.startswith("Returns & refunds › Return window\n\n")
    assert "30 days" in window.text
    assert len(str(window.metadata["content_hash"])) == 16
    # One chunk per FAQ entry, typed faq, anchored on the question.
    faq = [chunk for chunk in chunks if chunk.metadata["doc_id"] == "faq"]
    assert len(faq) >= 25
    assert all(chunk.metadata["type"] == "faq" for chunk in faq)
    assert "faq#how-long-do-i-have-to-return-something" in by_id
    assert all(tokens.count_tokens(chunk.text) <= MAX_TOKENS for chunk in chunks)


def test_long_sections_are_packed_to_budget_with_overlap(tmp_path: Path) -> None:
    paragraphs = [
        f"Paragraph {i} explains rule number {i} of our tent care guide in some detail. It ends with fact {i}."
        for i in range(40)
    ]
    body = "\n\n".join(paragraphs)
    path = _write(
        tmp_path,
        "care.md",
        f"---\nid: care\ntitle: Care\ntype: policy\n---\n# Care\n\n## Tents\n\n{body}\n\n## Short\n\nOne line.\n",
    )
    chunks = chunk_document(parse_document(path), max_tokens=200, overlap_tokens=40)
    tents = [chunk for chunk in chunks if chunk.metadata["anchor"] == "care#tents"]
    assert len(tents) >= 3
    assert [chunk.id for chunk in tents[:2]] == ["care#tents", "care#tents~2"]
    assert all(tokens.count_tokens(chunk.text) <= 200 for chunk in tents)
    # The second chunk opens with the last sentence of the first: a fact cut at the boundary survives whole.
    last_sentence_of_first = tents[0].text.rsplit("\n", 1)[-1].split(". ")[-1]
    assert last_sentence_of_first in tents[1].text
    # Nothing is lost, and no chunk mixes sections.
    joined = " ".join(chunk.text for chunk in tents)
    assert all(f"fact {i}." in joined for i in range(40))
    assert [chunk.id for chunk in chunks if chunk.metadata["anchor"] == "care#short"] == ["care#short"]
