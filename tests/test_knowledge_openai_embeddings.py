"""With the openai embedding provider configured, indexing and search embed over HTTP (a local compatible server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.ingest import index_knowledge
from knowledge.retriever import clear_retrievers, get_retriever
from shopdesk.settings import Settings
from tests.support.app import copy_shop
from tests.support.openai_stub import OpenAIStub


@pytest.fixture
def stub() -> Iterator[OpenAIStub]:
    server = OpenAIStub().start()
    yield server
    server.stop()


def test_index_and_search_with_openai_embeddings(tmp_path: Path, demo_db_url: str, stub: OpenAIStub) -> None:
    settings = Settings(
        data_dir=tmp_path,
        database_url=copy_shop(demo_db_url, tmp_path),
        embedding_provider="openai",
        openai_embedding_model="text-embedding-3-small",
        openai_base_url=stub.base_url,
    )
    report = index_knowledge(settings=settings, shop_id="demo", progress=False)
    assert report.chunks > 100 and report.added == report.chunks
    sent = [r for r in stub.requests if "input" in r]
    assert sent and all(r["model"] == "text-embedding-3-small" for r in sent)
    assert all(isinstance(text, str) for r in sent for text in r["input"])  # raw text, no tiktoken needed

    clear_retrievers()
    try:
        hits = get_retriever(settings, "demo").search("how many days do I have to return an item?", k=5)
    finally:
        clear_retrievers()
    assert any(hit["id"].startswith("returns-policy#") for hit in hits[:3]), [h["id"] for h in hits]
    assert len([r for r in stub.requests if "input" in r]) > len(sent)  # the question was embedded over HTTP too
