"""``python -m evals run``: a JSONL dataset of conversations through the whole graph, predictions and metrics out."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from evals.runner import DatasetError, run, run_with_langsmith


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run conversations through the whole graph and print metrics",
        description="Each line of --dataset is {id, turns, expected}; each line of --out gets the prediction for the "
        "last turn. See evals/README.md.",
    )
    parser.add_argument("--dataset", type=Path, required=True, help="JSONL file of conversations")
    parser.add_argument("--out", type=Path, help="JSONL file for the predictions (required without --langsmith)")
    parser.add_argument("--engine", default="auto", help="local, openai:<model> or auto (the process settings)")
    parser.add_argument("--db", help="shop database URL (default: a private copy of the configured shop)")
    parser.add_argument(
        "--langsmith", action="store_true", help="run through LangSmith's evaluate (uploaded only with a key)"
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    if not args.dataset.is_file():
        print(f"error: no dataset file {args.dataset}", file=sys.stderr)
        return 2
    if not args.langsmith and args.out is None:
        print("error: --out is required (or use --langsmith)", file=sys.stderr)
        return 2
    try:
        if args.langsmith:
            metrics = run_with_langsmith(args.dataset, engine=args.engine)
        else:
            metrics = run(args.dataset, args.out, engine=args.engine, db_url=args.db)
    except DatasetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(metrics, indent=2))
    return 0
