"""``python -m evals taubench-replay``: replay tau-bench gold actions through our tools and check the end state."""

from __future__ import annotations

import argparse
from pathlib import Path

from evals.taubench import Replayer, load_tasks


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "taubench-replay",
        help="replay tau-bench gold actions through the tools and compare the final shop with the policy's",
        description="For each task: a fresh shop, the gold actions through the tools (approvals auto-granted and "
        "recorded as 'taubench-replay'), and the exported database compared with the expected state.",
    )
    parser.add_argument("--tasks", type=Path, action="append", required=True, help="tasks JSON file (repeatable)")
    parser.add_argument(
        "--dataset-dir", type=Path, default=None, help="users/orders/products.json folder (default: the tasks' folder)"
    )
    parser.add_argument(
        "--export-dir", type=Path, default=None, help="write DIR/<task index>/{users,orders,products}.json"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    dataset_dir: Path = args.dataset_dir or args.tasks[0].parent
    matched = total = 0
    with Replayer(dataset_dir) as replayer:
        for tasks_file in args.tasks:
            export_dir = args.export_dir
            if export_dir is not None and len(args.tasks) > 1:
                export_dir = export_dir / tasks_file.stem
            report = replayer.run(load_tasks(tasks_file), export_dir=export_dir)
            print(f"{tasks_file.name}: " + "\n".join(report.lines()))
            matched, total = matched + report.matched, total + report.total
    if len(args.tasks) > 1:
        print(f"matched {matched}/{total}")
    return 0 if matched == total else 1
