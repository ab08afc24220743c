"""A retriever over the demo shop's documents (a small seeded shop, its knowledge indexed) and the policy reply the
graph builds from it, for the tests that read answers to questions about the rules."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graph.nlu.language import detect_language
from graph.nlu.segment import split_requests
from graph.nodes.retrieve import gather_for
from knowledge.answer import answer_message, questions_of
from knowledge.ingest import embedder_for, index_knowledge
from knowledge.products import clear_name_cache
from knowledge.retriever import Retriever, clear_retrievers
from knowledge.store import open_store
from knowledge.translations import translation
from shop.seed import seed_demo
from shopdesk.i18n import speaker, speaking
from shopdesk.settings import Settings

DEMO_DOCUMENTS = Path(__file__).resolve().parents[2] / "knowledge" / "docs" / "demo"


@contextmanager
def demo_retriever(data_dir: Path) -> Iterator[Retriever]:
    """The demo shop (seed 7, a few customers) with its documents indexed in `data_dir`; caches cleared after."""
    settings = Settings(data_dir=data_dir)
    seed_demo(settings.shop_database_url, 7, customers=5, orders=5)
    store = open_store("demo", chroma_path=settings.chroma_path, embedder=embedder_for(settings))
    index_knowledge(settings, store=store, progress=False)
    try:
        yield Retriever(store, db_url=settings.shop_database_url)
    finally:
        clear_retrievers()
        clear_name_cache()


def policy_reply(retriever: Retriever, text: str, language: str | None = None) -> str:
    """The reply to a question about the rules, in the customer's language (detected unless given)."""
    language = language or detect_language(text)
    found = gather_for(retriever, retriever.db_url, text, "")
    with speaking(speaker(language)):
        return answer_message(
            questions_of(split_requests(text)),
            found,
            retriever.db_url,
            embedder=retriever.embedder,
            window_days=30,
            general=retriever.document_terms(),
            translation=translation(DEMO_DOCUMENTS, language),
        ).text
