"""Replay all 520 tau-bench gold action lists (train + dev) through the tools; prints matched X/Y and seconds.

Usage: python benchmarks/taubench_replay.py [DATASET_DIR]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evals.taubench import Replayer, load_tasks  # noqa: E402
from shop.taubench import DATASET_DIR  # noqa: E402


def main(argv: list[str]) -> int:
    dataset_dir = Path(argv[0]) if argv else DATASET_DIR
    started = time.perf_counter()
    matched = total = 0
    with Replayer(dataset_dir) as replayer:
        for name in ("tasks_train.json", "tasks_dev.json"):
            report = replayer.run(load_tasks(dataset_dir / name))
            for line in report.lines()[1:]:
                print(f"{name}: {line.strip()}")
            print(f"{name}: matched {report.matched}/{report.total} in {report.seconds:.1f}s")
            matched, total = matched + report.matched, total + report.total
    print(f"matched {matched}/{total} in {time.perf_counter() - started:.1f}s")
    return 0 if matched == total else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
