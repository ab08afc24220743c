"""Hybrid retrieval, product facts and grounded answers over the demo documents and a small catalog."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from knowledge.answer import grounded_answer, product_facts_for
from knowledge.ingest import embedder_for, index_knowledge
from knowledge.products import ProductNotFound, clear_name_cache, find_products, product_facts, products_facts
from knowledge.retriever import Retriever, clear_retrievers, get_retriever
from knowledge.store import open_store
from shop.db import session_scope
from shop.models import Product, Variant
from shopdesk.settings import Settings

CATALOG = [
    # id, name, category, description, final sale, [(size, color, price, stock)]
    (
        "p-boot",
        "Ridgeback Mid Waterproof Boot",
        "shoes",
        "A mid-height leather hiking boot with a waterproof membrane and ankle support for rocky trails.",
        False,
        [("US 8", "Brown", "179.00", 4), ("US 9", "Brown", "179.00", 0), ("US 10", "Brown", "189.00", 2)],
    ),
    (
        "p-tent",
        "Ridgeline 2 Backpacking Tent",
        "tents",
        "A freestanding two-person tent with two doors, weighing just under 2 kg.",
        False,
        [("2-person", "Orange", "399.00", 0)],
    ),
    (
        "p-sock",
        "Merino Hiker Crew Sock",
        "socks",
        "A midweight merino wool sock with cushioning under the heel.",
        False,
        [("S", "Grey", "22.00", 3), ("M", "Grey", "22.00", 6), ("L", "Grey", "22.00", 1)],
    ),
    (
        "p-earring",
        "Compass Rose Drop Earrings",
        "earrings",
        "Delicate drop earrings with an engraved compass rose.",
        True,
        [("One size", "Silver", "48.00", 5)],
    ),
]


def _seed_catalog(db_url: str) -> None:
    with session_scope(db_url) as session:
        for product_id, name, category, description, final_sale, variants in CATALOG:
            product = Product(
                id=product_id, name=name, description=description, category=category, final_sale=final_sale
            )
            product.variants = [
                Variant(
                    id=f"{product_id}-{i}",
                    options={"size": size, "color": color},
                    price=Decimal(price),
                    stock=stock,
                    position=i,
                )
                for i, (size, color, price, stock) in enumerate(variants)
            ]
            session.add(product)


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Retriever]]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("knowledge"))
    _seed_catalog(settings.shop_database_url)
    store = open_store("demo", chroma_path=settings.chroma_path, embedder=embedder_for(settings))
    report = index_knowledge(settings, store=store, progress=False)
    assert report.added == report.chunks > 80
    yield settings, Retriever(store, db_url=settings.shop_database_url)
    clear_retrievers()
    clear_name_cache()


def _ids(evidence: list) -> list[str]:  # type: ignore[type-arg]
    return [item["id"] for item in evidence]


def test_return_window_question_gets_the_policy_and_an_answer_with_its_citation(
    indexed: tuple[Settings, Retriever],
) -> None:
    _settings, retriever = indexed
    question = "how many days do I have to send something back?"
    evidence = retriever.search(question, 5)
    assert {"returns-policy#return-window", "faq#how-long-do-i-have-to-return-something"} & set(_ids(evidence)[:2])
    answer = grounded_answer(question, evidence, [], embedder=retriever.embedder)
    assert answer.supported
    assert "30 days" in answer.text
    assert answer.cited_ids[0] in {"returns-policy#return-window", "faq#how-long-do-i-have-to-return-something"}
    assert "(see " in answer.text
    # A quote, not the whole chunk.
    assert len(answer.text) < 400


def test_a_product_word_does_not_pull_the_answer_to_another_policy(indexed: tuple[Settings, Retriever]) -> None:
    """ "jacket" also appears in the warranty section ("Jackets ... are covered for 2 years"), but the question is
    about returns: the answer quotes the return window, whose heading says what it answers, and nothing else."""
    _settings, retriever = indexed
    question = "How long do I have to return a jacket?"
    answer = grounded_answer(question, retriever.search(question, 5), [], embedder=retriever.embedder)
    assert answer.supported and "30 days" in answer.text
    assert answer.cited_ids == ["faq#how-long-do-i-have-to-return-something"] or answer.cited_ids == [
        "returns-policy#return-window"
    ]
    assert "2 years" not in answer.text


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("do you ship to germany?", "Germany"),
        ("Can you ship my order to Canada?", "Canada"),
        ("do you deliver to australia", "Australia"),
    ],
)
def test_shipping_country_questions(indexed: tuple[Settings, Retriever], question: str, fact: str) -> None:
    _settings, retriever = indexed
    evidence = retriever.search(question, 5)
    expected = {
        "shipping-policy#where-we-ship",
        "faq#do-you-ship-internationally",
        "shipping-policy#countries-we-dont-ship-to",
    }
    assert expected & set(_ids(evidence)[:3])
    answer = grounded_answer(question, evidence, [], embedder=retriever.embedder)
    assert answer.supported
    assert fact in answer.text
    assert set(answer.cited_ids) & expected


def test_product_sizes_price_and_stock_come_from_the_database(indexed: tuple[Settings, Retriever]) -> None:
    settings, retriever = indexed
    question = "What sizes does the Ridgeback Mid boot come in, and is it in stock?"
    assert find_products(settings.shop_database_url, question) == ["p-boot"]
    evidence = retriever.search(question, 5)
    assert _ids(evidence)[0] == "product:p-boot"
    assert evidence[0]["kind"] == "product"
    assert evidence[0]["metadata"]["product_id"] == "p-boot"

    facts = product_facts(settings.shop_database_url, "p-boot")
    assert facts["options"]["size"] == ["US 8", "US 9", "US 10"]
    assert facts["price_range"] == "$179.00–$189.00"
    assert facts["in_stock"] is True
    assert {v["options"]["size"]: v["stock"] for v in facts["variants"]} == {"US 8": 4, "US 9": 0, "US 10": 2}
    assert facts["in_stock_options"]["size"] == ["US 8", "US 10"]

    answer = grounded_answer(question, evidence, product_facts_for(retriever.db_url, question, evidence))
    assert answer.supported
    assert answer.cited_ids[0] == "product:p-boot"
    assert "$179.00–$189.00" in answer.text
    assert "US 8, US 9, US 10" in answer.text
    assert "except US 9 / Brown" in answer.text


def test_out_of_stock_and_final_sale_facts(indexed: tuple[Settings, Retriever]) -> None:
    settings, retriever = indexed
    tent = product_facts(settings.shop_database_url, "p-tent")
    assert tent["in_stock"] is False and tent["total_stock"] == 0
    question = "is the ridgeline 2 tent available?"
    evidence = retriever.search(question, 3)
    answer = grounded_answer(question, evidence, product_facts_for(retriever.db_url, question, evidence))
    assert "out of stock" in answer.text and "$399.00" in answer.text
    earrings = grounded_answer("compass rose earrings", [], [product_facts(settings.shop_database_url, "p-earring")])
    assert "final-sale" in earrings.text
    with pytest.raises(ProductNotFound):
        product_facts(settings.shop_database_url, "nope")


def test_facts_of_several_products_in_one_read(indexed: tuple[Settings, Retriever]) -> None:
    """What a turn naming several products reads: each as product_facts gives it, in the order asked, once each;
    a product the shop no longer has is left out rather than failing the others."""
    settings, _retriever = indexed
    url = settings.shop_database_url
    asked = ["p-tent", "nope", "p-boot", "p-tent", "p-earring"]
    assert products_facts(url, asked) == [product_facts(url, i) for i in ("p-tent", "p-boot", "p-earring")]
    assert products_facts(url, []) == []


def test_uncovered_questions_are_not_answered(indexed: tuple[Settings, Retriever]) -> None:
    _settings, retriever = indexed
    for question in ("do you sell car insurance?", "what is the capital of mongolia", "who won the super bowl"):
        evidence = retriever.search(question, 5)
        facts = product_facts_for(retriever.db_url, question, evidence)
        answer = grounded_answer(question, evidence, facts, embedder=retriever.embedder)
        assert answer.supported is False, question
        assert answer.cited_ids == []
        assert "person" in answer.text


def test_filters_and_evidence_shape(indexed: tuple[Settings, Retriever]) -> None:
    _settings, retriever = indexed
    policy_only = retriever.search("waterproof boots", 5, types=["policy", "faq"])
    assert policy_only and all(item["kind"] == "doc" for item in policy_only)
    products = retriever.search("something warm", 5, types=["product"])
    assert products and all(item["id"].startswith("product:") for item in products)
    in_stock = retriever.search("tent", 5, in_stock=True)
    assert "product:p-tent" not in _ids(in_stock)
    assert all(item["metadata"]["in_stock"] is True for item in in_stock)
    shoes = retriever.search("hiking", 5, category="Shoes")
    assert _ids(shoes) == ["product:p-boot"]
    # Typo tolerance on the lexical side.
    assert "returns-policy#refund-timing" in _ids(retriever.search("refnud timing", 5))

    evidence = retriever.search("can i pay with paypal", 3)
    item = evidence[0]
    assert set(item) == {"id", "kind", "title", "section", "text", "score", "metadata"}
    assert item["id"] in {"payment-methods#accepted-payment-methods", "faq#which-payment-methods-do-you-accept"}
    assert not item["text"].startswith(item["title"])  # the heading path is not repeated in the text
    assert json.loads(json.dumps(evidence)) == evidence  # plain JSON for graph state
    assert retriever.search("   ") == []


@pytest.mark.parametrize(
    ("question", "filters"),
    [
        ("how many days do I have to send something back?", {}),
        ("waterproof boots", {"types": ["policy", "faq"]}),
        ("something warm", {"types": ["product"]}),
        ("tent", {"in_stock": True}),
        ("hiking", {"category": "shoes"}),
    ],
)
def test_in_memory_dense_search_ranks_like_chroma(
    indexed: tuple[Settings, Retriever], question: str, filters: dict[str, object]
) -> None:
    _settings, retriever = indexed
    conditions = retriever._conditions(
        filters.get("types"),  # type: ignore[arg-type]
        filters.get("in_stock"),  # type: ignore[arg-type]
        filters.get("category"),  # type: ignore[arg-type]
    )
    where = conditions[0] if len(conditions) == 1 else ({"$and": conditions} if conditions else None)
    vector = retriever.embedder.embed([question])[0]
    from_chroma = retriever.store.query(vector, 30, where)
    chunks = retriever._chunks

    def allow(chunk_id: str) -> bool:
        return retriever._matches(chunks[chunk_id].metadata, conditions)

    assert retriever._dense is not None and len(retriever._dense) == len(chunks)
    mirrored = retriever._dense.search(vector, 30, allow if conditions else None)
    assert [chunk_id for chunk_id, _ in mirrored] == [chunk_id for chunk_id, _ in from_chroma]
    assert [score for _, score in mirrored] == pytest.approx([score for _, score in from_chroma], abs=1e-5)


def test_large_collections_are_searched_by_chroma(
    indexed: tuple[Settings, Retriever], monkeypatch: pytest.MonkeyPatch
) -> None:
    _settings, retriever = indexed
    monkeypatch.setattr("knowledge.retriever.MAX_MIRRORED_CHUNKS", 10)
    large = Retriever(retriever.store, db_url=retriever.db_url)
    assert large._dense is None
    assert _ids(large.search("how many days do I have to send something back?", 5)) == _ids(
        retriever.search("how many days do I have to send something back?", 5)
    )


def test_get_retriever_is_cached_and_builds_an_empty_index(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)  # no shop database: documents only
    clear_retrievers()
    try:
        retriever = get_retriever(settings, "demo")
        assert get_retriever(settings, "demo") is retriever
        assert len(retriever) > 80
        assert _ids(retriever.search("reset my password", 3))[0] in {
            "privacy-accounts#resetting-your-password",
            "faq#how-do-i-reset-my-password",
        }
    finally:
        clear_retrievers()


async def test_indexer_graph_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from knowledge import indexer_graph

    monkeypatch.setattr(indexer_graph, "get_settings", lambda: Settings(data_dir=tmp_path))
    result = await indexer_graph.graph.ainvoke(indexer_graph.IndexerState(shop_id="demo", include_catalog=False))
    assert result["error"] == ""
    assert result["report"]["chunks"] > 80
    missing = await indexer_graph.graph.ainvoke(indexer_graph.IndexerState(shop_id="no-such-shop"))
    assert "no knowledge folder" in missing["error"]
