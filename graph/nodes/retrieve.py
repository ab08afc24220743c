"""Retrieve: policy passages and catalog entries for the question, plus live product facts from the database."""

from __future__ import annotations

import logging
from typing import Any, cast

from langgraph.runtime import Runtime

from graph.context import Context
from graph.llm.dialogue.plan import last_text
from graph.nlu.schema import PRODUCT_INTENTS
from graph.nodes.act import escalate_for_failure
from graph.nodes.common import services_of
from graph.services import Services
from graph.state import Repair, SupportState

log = logging.getLogger(__name__)


# How long a follow-up question may be to be searched with the one before it when it finds nothing alone.
FOLLOW_UP_WORDS = 8


def _best(hits: list[Any]) -> float:
    from knowledge.answer import dense_score

    return max((dense_score(hit) for hit in hits if hit.get("kind") == "doc"), default=0.0)


def gather(services: Services, question: str, intent: str, about: str = "") -> list[dict[str, Any]]:
    """Passages for each question of the message and live facts for every product it names."""
    return gather_for(services.retriever(), services.db_url, question, intent, about=about)


# How many words of a proposal say what it is about when a question asked at it is searched with them.
PROPOSAL_WORDS = 24


def proposal_subject(state: SupportState) -> str:
    """What the proposal waiting for a yes is about, in its own words without ids and figures ("Return items of
    order for a refund ... Refund to gift card ending"): a question asked at it ("how long does each option
    take?") is about it."""
    from knowledge.answer import without_identifiers

    preview = (state.pending_action or {}).get("preview") or {}
    words = " ".join(str(part) for part in (preview.get("summary"), *(preview.get("details") or [])) if part)
    kept = [w for w in without_identifiers(words).split() if not any(c.isdigit() for c in w)]
    return " ".join(kept[:PROPOSAL_WORDS])


# How deep to look for a threshold line when the customer gives an amount of theirs.
DEEPER_FOR_AMOUNTS = 10


def gather_for(
    retriever: Any, db_url: str | None, question: str, intent: str, *, about: str = ""
) -> list[dict[str, Any]]:
    """Passages for each question of the message (tagged with its index, ``segment``), and live facts for every
    product the message names (or the catalog hits point to). The graph and the retrieval evaluation both run this.

    ``about``: what the question is asked at (a proposal waiting for a yes); its passages come first."""
    from graph.nlu.segment import split_requests
    from knowledge.answer import (
        SUPPORT_THRESHOLD,
        customer_amount,
        dense_score,
        in_shop_words,
        procedures_in,
        questions_of,
        search_texts,
        states_threshold,
        without_identifiers,
    )
    from knowledge.catalog import sqlite_file_missing
    from knowledge.glossary import in_document_language
    from knowledge.policy_focus import without_groups
    from knowledge.retriever import Evidence, find_products, products_facts

    hits: list[dict[str, Any]] = []
    questions = questions_of(split_requests(question))
    for index, segment in enumerate(search_texts(questions)):
        # Policies, FAQ and catalog alike: the answer reads products from the catalog's facts and quotes only
        # policy passages, and the retriever already demotes products for policy questions. (Keeping products
        # out of non-product intents cost recall: 0.914 at 5 on evals/datasets/retrieval.jsonl against 0.995.)
        segment = in_shop_words(without_identifiers(in_document_language(segment)))
        found = retriever.search(segment, k=5)
        if about:
            # Asked at a proposal, a question is about it first ("how long does each option take?" at a refund is
            # about the refund methods, not delivery): searched with its words, then on its own.
            seen = set()
            merged = []
            for hit in [*retriever.search(f"{about} {segment}", k=5), *found]:
                if hit["id"] not in seen:
                    seen.add(hit["id"])
                    merged.append(hit)
            found = merged[:5]
        if procedures_in(segment) and (general := without_groups(segment)) != segment:
            # A procedure asked of a product group ("the return window for sleeping bags"): the rule itself is found
            # without the product words, which pull the search toward lines listing groups (the warranty's). Its
            # passages come after the question's own, so what the question found first keeps its rank.
            better = {h["id"]: h for h in retriever.search(general, k=3)}
            kept = [better.pop(h["id"]) if _best([better.get(h["id"], h)]) > _best([h]) else h for h in found]
            found = [*kept, *(h for h in better.values() if h["id"] not in {k["id"] for k in kept})]
        if index and len(segment.split()) <= FOLLOW_UP_WORDS and _best(found) < SUPPORT_THRESHOLD:
            # A short follow-up found nothing alone ("And who is the carrier?"): it is about what the question
            # before it was about.
            wider = retriever.search(f"{questions[index - 1]} {segment}", k=5)
            found = wider if _best(wider) > _best(found) else found
        if customer_amount(segment) is not None:
            # "My basket is $60, do I pay for shipping?": the customer's amount wants the line with the threshold to
            # hold it against, which the ranking may put just below the first five.
            seen = {hit["id"] for hit in found}
            deeper = retriever.search(segment, k=DEEPER_FOR_AMOUNTS)
            found = [*found, *(h for h in deeper if h["id"] not in seen and states_threshold(h["text"]))]
        hits += [{**hit, "segment": index} for hit in found]
    if not db_url or sqlite_file_missing(db_url):
        return hits
    # A fault reported about a product ("the headlamp broke") is answered by the rules (warranty, returns), not by the
    # product's price and options.
    product_ids = [] if intent == "complaint" else list(find_products(db_url, question))
    if intent in PRODUCT_INTENTS:
        # The catalog always has a nearest product; only one close enough to answer with is about the question
        # ("do you have kayaks?" must not be answered with gloves).
        close = [h for h in hits if h.get("kind") == "product" and dense_score(cast(Evidence, h)) >= SUPPORT_THRESHOLD]
        product_ids += [h["metadata"].get("product_id") for h in close][:2]
    facts = [
        {"id": f"product:{found['product_id']}", "kind": "facts", "data": found}
        for found in products_facts(db_url, (p for p in product_ids if p))
    ]
    return hits + facts


async def retrieve(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    services = await services_of(runtime)
    intent = str(state.understanding.get("intent", ""))
    try:
        # A question on the way to the yes is searched with what the proposal is about.
        about = proposal_subject(state) if state.repair == Repair.digression and state.pending_action else ""
        found = await services.run_blocking(gather, services, last_text(state), intent, about, knowledge=True)
    except Exception as error:
        log.exception("retrieval failed")
        return escalate_for_failure("dependency_failure", f"knowledge store failed: {type(error).__name__}")
    return {"evidence": [*state.evidence, *found]}
