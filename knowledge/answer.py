"""Grounded answers for the local engine: the most relevant sentences of retrieved passages plus live product facts.

Nothing here writes a fact of its own: every sentence of an answer is copied from a cited passage or rendered from
the shop database. When the evidence is too far from the question (its best dense similarity is below a threshold
tuned on the evaluation set and a list of out-of-scope questions), the answer says so with ``supported=False`` and
the graph offers a person instead of guessing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from knowledge.catalog import sqlite_file_missing, variant_label
from knowledge.chunking import PATH_SEPARATOR, split_sentences
from knowledge.embeddings import Embedder, get_embedder
from knowledge.lexical import tokenize
from knowledge.products import find_products, products_facts
from knowledge.retriever import Evidence, Retriever, heading

logger = logging.getLogger(__name__)

# Best dense cosine similarity between question and evidence below which we do not answer. Tuned with MiniLM on
# evals/datasets/retrieval.jsonl: its out-of-scope rows top out at 0.38, all but 4 of 186 in-scope rows reach 0.39.
SUPPORT_THRESHOLD = 0.39
# A second passage joins the answer only if it is nearly as relevant as the first.
SECOND_PASSAGE_MARGIN = 0.05
MAX_SENTENCES = 2
# The retriever's order already weighs the whole section; sentence similarity must beat it by this much.
FIRST_PASSAGE_BONUS = 0.05
# How much a passage's heading counts next to its best sentence when choosing what to quote. An FAQ answer ("30
# days from the day your order was delivered.") says little on its own; its heading ("How long do I have to return
# something?") says what it answers. On evals/datasets/retrieval.jsonl, answers quoting an expected section:
# 0.844 without it, 0.882 at 0.5.
HEADING_WEIGHT = 0.5
PRODUCT_EVIDENCE_THRESHOLD = 0.5
MAX_LISTED_VARIANTS = 4

_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_DONT_KNOW = (
    "I'm sorry, I don't have reliable information about that in our shop's policies or catalog, and I'd rather not "
    "guess. Would you like me to pass your question to a person on our team?"
)


class GroundedAnswer(BaseModel):
    text: str
    cited_ids: list[str] = Field(default_factory=list)
    supported: bool
    confidence: float = Field(0.0, description="Best dense similarity of the evidence to the question.")


def citation_label(evidence: Evidence) -> str:
    """ "Returns & refunds › Return window"; FAQ entries drop their group, products read "product: <name>"."""
    if evidence["kind"] == "product":
        return f"product: {evidence['title']}"
    if evidence["section"] and evidence["section"] != evidence["title"]:
        return f"{evidence['title']}{PATH_SEPARATOR}{evidence['section']}"
    return evidence["title"]


def _units(text: str) -> list[str]:
    """Sentences and list items: the pieces an answer may quote."""
    units: list[str] = []
    for line in text.splitlines():
        line = _BULLET.sub("", line).strip()
        if line:
            units.extend(split_sentences(line))
    return units


def prepare_quotes(retriever: Retriever) -> int:
    """Embed every sentence an answer may quote, in one batched pass; returns how many.

    For a server's warm-up: otherwise the first customers to ask about a section pay for embedding its ten-odd
    sentences during their turn. The embedder remembers them (they fit its cache many times over)."""
    units = list(dict.fromkeys(unit for text in retriever.passage_texts() for unit in _units(text)))
    retriever.embedder.embed(units + retriever.headings())
    return len(units)


def dense_score(evidence: Evidence) -> float:
    score = evidence["metadata"].get("dense_score")
    return float(score) if score is not None else 0.0


def _best_units(
    question_vec: np.ndarray, question_terms: set[str], units: list[str], embedder: Embedder
) -> list[float]:
    vectors = embedder.embed(units)
    similarity = vectors @ question_vec
    overlap = np.array([len(question_terms & set(tokenize(unit))) for unit in units], dtype=np.float32)
    # Lexical overlap only nudges: it separates near-ties such as "5-7 business days" vs "within 2 business days".
    return list(similarity + 0.03 * overlap)


def _passage_sentences(
    question_vec: np.ndarray, question_terms: set[str], evidence: Evidence, embedder: Embedder, limit: int
) -> tuple[list[str], float]:
    units = _units(evidence["text"])
    if not units:
        return [], 0.0
    scores = _best_units(question_vec, question_terms, units, embedder)
    ranked = sorted(range(len(units)), key=lambda i: -scores[i])
    best = scores[ranked[0]]
    # Take the best unit, plus the next ones only when they are close: answers stay short and on point.
    chosen = [i for i in ranked[:limit] if scores[i] >= best - 0.12]
    return [units[i] for i in sorted(chosen)], float(best)


def _join_values(values: Sequence[str]) -> str:
    return ", ".join(values) if values else "none"


def describe_facts(facts: dict[str, Any]) -> str:
    """One or two sentences of live product facts: price range, options and what is in stock."""
    parts = [f"{facts['name']} costs {facts['price_range']}."]
    options: dict[str, list[str]] = facts.get("options", {})
    if options:
        listed = "; ".join(f"{name}: {_join_values(values)}" for name, values in options.items())
        parts.append(f"Available options: {listed}.")
    variants: list[dict[str, Any]] = facts.get("variants", [])
    missing = [variant_label(variant["options"]) for variant in variants if not variant["in_stock"]]
    available = [variant_label(variant["options"]) for variant in variants if variant["in_stock"]]
    if not available:
        parts.append("It is currently out of stock.")
    elif not missing:
        parts.append("Everything is in stock." if len(variants) > 1 else "It is in stock.")
    elif len(missing) <= MAX_LISTED_VARIANTS:
        parts.append(f"In stock except {', '.join(missing)}.")
    else:
        more = len(available) - MAX_LISTED_VARIANTS
        listed = ", ".join(available[:MAX_LISTED_VARIANTS]) + (f" and {more} more" if more > 0 else "")
        parts.append(f"In stock: {listed}.")
    if facts.get("final_sale"):
        parts.append("It is a final-sale item, so it can't be returned or exchanged.")
    return " ".join(parts)


def product_facts_for(db_url: str | None, question: str, evidence: Sequence[Evidence]) -> list[dict[str, Any]]:
    """Live facts for the products a question is about: named in it, or else the top evidence if it is a product."""
    if not db_url or sqlite_file_missing(db_url):  # opening a missing SQLite file would create an empty shop
        return []
    product_ids = find_products(db_url, question)[:2]
    top = evidence[0] if evidence else None
    if not product_ids and top and top["kind"] == "product" and dense_score(top) >= PRODUCT_EVIDENCE_THRESHOLD:
        product_ids = [str(top["metadata"]["product_id"])]
    return products_facts(db_url, product_ids)


def grounded_answer(
    question: str,
    evidence: Sequence[Evidence],
    facts: Sequence[dict[str, Any]] = (),
    *,
    embedder: Embedder | None = None,
    threshold: float = SUPPORT_THRESHOLD,
) -> GroundedAnswer:
    """A short answer quoting the best sentences of the evidence and the product facts, with citations."""
    confidence = max((dense_score(item) for item in evidence), default=0.0)
    sentences: list[str] = []
    cited: list[str] = []

    for fact in facts[:2]:
        sentences.append(f"{describe_facts(fact)} (see product: {fact['name']})")
        cited.append(str(fact["id"]))

    passages = [item for item in evidence if dense_score(item) >= threshold and item["id"] not in cited]
    if facts:
        # With live facts at hand, only a passage that is clearly about the question adds anything.
        passages = [item for item in passages if item["kind"] == "doc" or item["id"] in cited][:1]
    if passages:
        embedder = embedder or get_embedder()
        question_vec = embedder.embed([question])[0]
        terms = set(tokenize(question))
        # The passage to quote is the one holding the single most relevant sentence among the top three: the
        # best-ranked section can be about the right topic yet answer a neighbouring question.
        candidates = []
        headings = embedder.embed([heading(item) for item in passages[:3]]) @ question_vec
        for rank, item in enumerate(passages[:3]):
            quoted, best = _passage_sentences(question_vec, terms, item, embedder, MAX_SENTENCES)
            if quoted:
                bonus = (FIRST_PASSAGE_BONUS if rank == 0 else 0.0) + HEADING_WEIGHT * float(headings[rank])
                candidates.append((best + bonus, rank, item, quoted, best))
        if candidates:
            candidates.sort(key=lambda c: (-c[0], c[1]))
            first_score, _, first, quoted, _ = candidates[0]
            sentences.append(f"{' '.join(quoted)} (see {citation_label(first)})")
            cited.append(first["id"])
            for extra_score, _, other, extra, _ in candidates[1:]:
                if other["kind"] != first["kind"] or dense_score(other) < dense_score(first) - SECOND_PASSAGE_MARGIN:
                    continue
                if extra_score >= first_score - 0.02 and not set(extra[:1]) & set(quoted):
                    sentences.append(f"{extra[0]} (see {citation_label(other)})")
                    cited.append(other["id"])
                    break

    if not sentences:
        return GroundedAnswer(text=_DONT_KNOW, cited_ids=[], supported=False, confidence=round(confidence, 4))
    return GroundedAnswer(text=" ".join(sentences), cited_ids=cited, supported=True, confidence=round(confidence, 4))
