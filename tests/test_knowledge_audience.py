"""Documents written for the team (``audience: staff``) are indexed but never used in answers to customers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.nodes.retrieve import gather_for
from knowledge.chunking import chunk_document
from knowledge.documents import DocumentError, parse_document
from knowledge.ingest import embedder_for, index_knowledge
from knowledge.retriever import Retriever
from knowledge.store import open_store
from shopdesk.settings import Settings

CUSTOMER_DOC = """---
id: refunds
title: Refunds
type: policy
language: en
---

# Refunds

## When your refund arrives

A refund to a gift card arrives at once. A refund to a card or a bank account arrives within 5 to 7 business days.

## Exchanges

Items of a delivered order can be exchanged for another size or colour of the same product.
"""

# The same topics in the team's words, the way an agent handbook writes them: without the audience it would be
# the nearest passage for the customers' questions below.
STAFF_DOC = """---
id: agent-handbook
title: Agent handbook
type: policy
language: en
audience: staff
---

# Agent handbook

## Refunds and exchanges

You have to authenticate the user before you tell them when their refund arrives. Refunds to a card or bank account
take 5 to 7 business days; tell the user a gift card refund arrives at once. Exchange a delivered item only for
another size or colour of the same product, and transfer the user to a human agent for anything else.
"""

QUESTIONS = [
    "when will my money be back on my card?",
    "how many days until a refund shows up on my bank account",
    "could I swap the jacket I received for a smaller size?",
]


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_audience_defaults_to_customers_is_read_and_rejects_anything_else(tmp_path: Path) -> None:
    assert parse_document(_write(tmp_path, "refunds.md", CUSTOMER_DOC)).audience == "customers"
    staff = parse_document(_write(tmp_path, "handbook.md", STAFF_DOC))
    assert staff.audience == "staff"
    assert {chunk.metadata["audience"] for chunk in chunk_document(staff)} == {"staff"}
    # A misspelt audience must not quietly make an internal document quotable.
    with pytest.raises(DocumentError, match="audience"):
        parse_document(_write(tmp_path, "typo.md", STAFF_DOC.replace("audience: staff", "audience: staf")))


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Path]]:
    """A shop whose knowledge is one customer document and one staff document on the same topics, indexed once."""
    root = tmp_path_factory.mktemp("audience")
    settings = Settings(data_dir=root / "data", knowledge_dir=root / "docs")
    docs = settings.knowledge_dir / "demo"
    docs.mkdir(parents=True)
    _write(docs, "refunds.md", CUSTOMER_DOC)
    _write(docs, "handbook.md", STAFF_DOC)
    store = open_store("demo", chroma_path=settings.chroma_path, embedder=embedder_for(settings))
    index_knowledge(settings, store=store, include_catalog=False, progress=False)
    yield settings, docs


@pytest.fixture(params=["in memory", "through chroma"])
def retriever(
    request: pytest.FixtureRequest, both: tuple[Settings, Path], monkeypatch: pytest.MonkeyPatch
) -> Retriever:
    """The retriever both ways it searches: its in-memory mirror, and the Chroma index of a large collection."""
    settings, _docs = both
    if request.param == "through chroma":
        monkeypatch.setattr("knowledge.retriever.MAX_MIRRORED_CHUNKS", 0)
    store = open_store("demo", chroma_path=settings.chroma_path, embedder=embedder_for(settings))
    found = Retriever(store)
    assert found.searches_in_memory == (request.param == "in memory")
    return found


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_customer_question_never_gets_a_staff_passage(retriever: Retriever, question: str) -> None:
    # The path the graph takes for a customer's message (graph.nodes.retrieve.gather).
    found = gather_for(retriever, None, question, "")
    assert found and {hit["metadata"]["doc_id"] for hit in found} == {"refunds"}, found
    # The team's search still finds the handbook: it is indexed, only kept from customers.
    for_staff = retriever.search(question, k=5, audience="staff")
    assert "agent-handbook" in {hit["metadata"]["doc_id"] for hit in for_staff}


def test_nothing_an_answer_to_a_customer_weighs_comes_from_a_staff_document(retriever: Retriever) -> None:
    assert not any("authenticate" in text for text in retriever.passage_texts())
    assert "Agent handbook" not in retriever.headings() and "Refunds and exchanges" not in retriever.headings()
    assert "authent" not in " ".join(retriever.document_terms())
    # A filter a caller adds keeps the staff document out as well.
    assert {hit["metadata"]["doc_id"] for hit in retriever.search(QUESTIONS[0], types=["policy"])} == {"refunds"}
