"""Run every benchmark in turn and print its figures (`make bench`). Each script also runs on its own."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BENCHMARKS = [
    ("understanding (intent, escalation, latency)", [str(HERE / "nlu_bench.py")]),
    ("MiniLM variants (int8 against float32: intents, batch independence, CPU)", [str(HERE / "embedding_variants.py")]),
    ("retrieval quality (recall@k, MRR)", ["-m", "evals.retrieval_eval"]),
    ("knowledge (ingestion, re-index, query latency)", [str(HERE / "knowledge_bench.py")]),
    ("tau-bench replay (gold actions through the tools)", [str(HERE / "taubench_replay.py")]),
    ("LangGraph's own cost per turn (nodes that do nothing)", [str(HERE / "graph_overhead.py")]),
    ("LLM mode: model calls and prompt tokens per turn (local stub)", [str(HERE / "llm_calls.py")]),
    (
        "API load: 32 conversations offering 110 turns/s (target: >= 100 served, p50 <= 40 ms, p95 <= 120 ms)",
        [str(HERE / "load_bench.py"), "--conversations", "32", "--turns", "16", "--rate", "110"],
    ),
    (
        "API capacity: 32 conversations, closed loop",
        [str(HERE / "load_bench.py"), "--conversations", "32", "--turns", "8"],
    ),
]


def main() -> int:
    failed = []
    for title, args in BENCHMARKS:
        print(f"\n=== {title}", flush=True)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, *args], cwd=ROOT)
        print(f"--- {time.perf_counter() - started:.0f} s, exit {done.returncode}", flush=True)
        if done.returncode:
            failed.append(title)
    if failed:
        print("\nmissed a target or failed: " + "; ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
