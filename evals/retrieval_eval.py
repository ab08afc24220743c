"""Retrieval evaluation: recall@1, recall@5 and MRR of what production retrieves, on evals/datasets/retrieval.jsonl.

The path is the graph's: the local understanding reads the question's intent, ``graph.nodes.retrieve.gather_for``
retrieves for each of its questions (catalog included when it is a product question or names a product or a
category), and ``knowledge.answer.answer_message`` writes the answer the customer would read. Answers are scored
end to end by ``python -m evals answers`` (evals/answers.py); this file keeps the passage-level figures.

Each row lists the acceptable evidence ids for a question (a policy section and the FAQ entry that says the same
thing are both right); a question counts as recalled at k when any of them is in the top k, and its reciprocal rank
is that of the first one. Rows with an empty ``expected`` are out-of-scope questions: the grounded answer must
decline them (``supported=False``); the report also counts in-scope questions it wrongly declines.

    python -m evals.retrieval_eval [--use-settings] [--show-misses]

By default the demo shop (seed 7) and its index are built in a temporary folder, so the figures never depend on
local state; ``--use-settings`` evaluates the index the settings point at instead.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from graph.nlu.segment import split_requests
from graph.nodes.retrieve import gather_for
from knowledge.answer import answer_message, questions_of
from knowledge.ingest import IndexReport, embedder_for, index_knowledge
from knowledge.retriever import Retriever, get_retriever
from knowledge.store import open_store
from shopdesk.settings import PROJECT_ROOT, Settings, get_settings

DATASET = PROJECT_ROOT / "evals" / "datasets" / "retrieval.jsonl"


def load_dataset(path: Path = DATASET) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:
        if not {"id", "question", "expected"} <= row.keys():
            raise ValueError(f"{path}: row {row.get('id')!r} needs id, question and expected")
    return rows


@contextmanager
def demo_index(seed: int = 7) -> Iterator[tuple[Settings, Retriever, IndexReport]]:
    """A throw-away demo shop and its knowledge index in a temporary folder."""
    from shop.seed import seed_demo

    with tempfile.TemporaryDirectory(prefix="shopdesk-knowledge-") as tmp:
        settings = Settings(data_dir=Path(tmp))
        # Few customers and orders: the catalog (all that matters here) is the same for any counts with one seed.
        seed_demo(settings.shop_database_url, seed, customers=5, orders=5)
        store = open_store(settings.shop_id, chroma_path=settings.chroma_path, embedder=embedder_for(settings))
        report = index_knowledge(settings, store=store, progress=False)
        yield settings, Retriever(store, db_url=settings.shop_database_url), report


def evaluate(retriever: Retriever, rows: list[dict[str, Any]], k: int = 5) -> dict[str, Any]:
    """Retrieval metrics over in-scope rows and answer-level abstention over all rows."""
    ranks: list[int | None] = []
    misses: list[dict[str, Any]] = []
    latencies: list[float] = []
    declined_out = declined_in = out_of_scope = quoted_expected = 0
    from graph.nlu.local import get_local_understanding

    understanding = get_local_understanding()
    general = retriever.document_terms()
    for row in rows:
        intent = understanding.analyse(row["question"], []).intent
        started = time.perf_counter()
        found = gather_for(retriever, retriever.db_url, row["question"], intent)
        latencies.append((time.perf_counter() - started) * 1000)
        evidence = [item for item in found if item.get("kind") in ("doc", "product")]
        answer = answer_message(
            questions_of(split_requests(row["question"])),
            found,
            retriever.db_url,
            embedder=retriever.embedder,
            general=general,
            intent=intent,
        )
        expected = set(row["expected"])
        if not expected:
            out_of_scope += 1
            declined_out += not answer.supported
            if answer.supported:
                misses.append({"id": row["id"], "question": row["question"], "answered": answer.text[:120]})
            continue
        declined_in += not answer.supported
        if not answer.supported:
            misses.append({"id": row["id"], "question": row["question"], "declined": True})
        # The answer quotes an expected section (retrieval can rank it first and the answer still quote another).
        quoted_expected += bool(expected & set(answer.cited_ids))
        if answer.supported and not expected & set(answer.cited_ids):
            misses.append({"id": row["id"], "question": row["question"], "quoted": answer.cited_ids})
        ids = list(dict.fromkeys(item["id"] for item in evidence))
        rank = next((position for position, found in enumerate(ids, start=1) if found in expected), None)
        ranks.append(rank)
        if rank != 1:
            misses.append({"id": row["id"], "question": row["question"], "rank": rank, "got": ids[:3]})
    in_scope = len(ranks)
    return {
        "questions": in_scope,
        "recall@1": sum(1 for r in ranks if r == 1) / in_scope if in_scope else 0.0,
        f"recall@{k}": sum(1 for r in ranks if r is not None and r <= k) / in_scope if in_scope else 0.0,
        "mrr": sum(1 / r for r in ranks if r and r <= k) / in_scope if in_scope else 0.0,
        "out_of_scope": out_of_scope,
        "out_of_scope_declined": declined_out,
        "in_scope_declined": declined_in,
        "answers_quoting_expected": quoted_expected / in_scope if in_scope else 0.0,
        "search_p50_ms": statistics.median(latencies) if latencies else 0.0,
        "misses": misses,
    }


def print_report(metrics: dict[str, Any], show_misses: bool) -> None:
    print(f"questions (in scope): {metrics['questions']}")
    print(f"recall@1: {metrics['recall@1']:.3f}")
    print(f"recall@5: {metrics['recall@5']:.3f}")
    print(f"MRR:      {metrics['mrr']:.3f}")
    print(
        f"out-of-scope declined: {metrics['out_of_scope_declined']}/{metrics['out_of_scope']}; "
        f"in-scope wrongly declined: {metrics['in_scope_declined']}/{metrics['questions']}"
    )
    print(f"answers quoting an expected section: {metrics['answers_quoting_expected']:.3f}")
    print(f"retrieval p50 (incl. warm-up effects): {metrics['search_p50_ms']:.1f} ms")
    if show_misses:
        for miss in metrics["misses"]:
            print("  miss:", json.dumps(miss, ensure_ascii=False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--use-settings", action="store_true", help="evaluate the configured index instead")
    parser.add_argument("--show-misses", action="store_true", help="list questions not answered at rank 1")
    parser.add_argument("--dataset", type=Path, default=DATASET)
    args = parser.parse_args(argv)
    rows = load_dataset(args.dataset)
    if args.use_settings:
        retriever = get_retriever(get_settings())
        retriever.warm_up()
        print_report(evaluate(retriever, rows), args.show_misses)
        return 0
    with demo_index() as (_settings, retriever, _report):
        retriever.warm_up()
        print_report(evaluate(retriever, rows), args.show_misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
