"""Knowledge benchmark: ingestion throughput, unchanged re-index time and query latency.

    python benchmarks/knowledge_bench.py [--queries 200] [--torch-threads N]

Builds the demo shop (seed 7) and its index in a temporary folder, so the figures never depend on local state:
  * ingestion: chunks per second for a first full index (model load excluded: it is warmed up first);
  * re-index: seconds for indexing the same, unchanged corpus again in a fresh store (no model use at all);
  * query: p50/p95 latency of Retriever.search over the evaluation questions, after one warm-up query.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from evals.retrieval_eval import load_dataset
from knowledge.ingest import embedder_for, index_knowledge
from knowledge.retriever import Retriever
from knowledge.store import open_store
from shopdesk.settings import Settings


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark knowledge ingestion and retrieval.")
    parser.add_argument("--queries", type=int, default=200, help="number of timed queries")
    parser.add_argument(
        "--torch-threads",
        type=int,
        default=None,
        help="override torch's intra-op threads after the model loads (compare 1 vs the default 2 on a busy machine)",
    )
    args = parser.parse_args(argv)
    from shop.seed import seed_demo

    with tempfile.TemporaryDirectory(prefix="shopdesk-bench-") as tmp:
        settings = Settings(data_dir=Path(tmp))
        seed_demo(settings.shop_database_url, 7, customers=5, orders=5)
        embedder = embedder_for(settings)
        embedder.embed(["warm up"])  # model load is a one-off per process, not ingestion work
        if args.torch_threads:
            import torch

            torch.set_num_threads(args.torch_threads)

        store = open_store(settings.shop_id, chroma_path=settings.chroma_path, embedder=embedder)
        first = index_knowledge(settings, store=store, progress=False)
        throughput = first.chunks / first.seconds if first.seconds else float("inf")
        print(f"ingestion: {first.chunks} chunks in {first.seconds:.2f} s = {throughput:.1f} chunks/s")

        # A fresh process's view: new client, new store, lazy embedder that must never load.
        cold_store = open_store(settings.shop_id, chroma_path=settings.chroma_path, embedder=embedder_for(settings))
        started = time.perf_counter()
        again = index_knowledge(settings, store=cold_store, progress=False)
        seconds = time.perf_counter() - started
        print(
            f"re-index unchanged: {seconds:.3f} s ({again.unchanged} unchanged, {again.added} added, "
            f"{again.updated} updated, {again.removed} removed)"
        )

        retriever = Retriever(store, db_url=settings.shop_database_url)
        questions = [row["question"] for row in load_dataset()]
        retriever.search(questions[0])
        latencies: list[float] = []
        forget = getattr(embedder, "clear_cache", None)
        for i in range(args.queries):
            if forget:
                forget()  # every query pays for its embedding, as a new customer question would
            query_started = time.perf_counter()
            retriever.search(questions[i % len(questions)], 5)
            latencies.append((time.perf_counter() - query_started) * 1000)
        print(
            f"query latency over {len(latencies)} searches: p50 {statistics.median(latencies):.1f} ms, "
            f"p95 {percentile(latencies, 0.95):.1f} ms"
        )
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"(machine load average at the end: {load:.2f} on {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
