"""``python -m evals answers``: customer messages through the whole graph, scored on required and forbidden facts."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from shopdesk.settings import PROJECT_ROOT

DEFAULT = PROJECT_ROOT / "evals" / "datasets" / "answers_dev.jsonl"


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "answers",
        help="score the bot's replies on the facts they must and must not contain",
        description="Each line of --dataset is {id, turns, must, must_not, category}; see evals/README.md.",
    )
    parser.add_argument("--dataset", type=Path, default=DEFAULT, help="JSONL file of questions (any path)")
    parser.add_argument("--out", type=Path, help="JSONL file for one record per row (reply, missing, forbidden)")
    parser.add_argument("--show-failures", action="store_true", help="print every row that misses or says too much")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from evals.answers import AnswerDatasetError, evaluate, load_answer_dataset, print_report

    if not args.dataset.is_file():
        print(f"error: no dataset file {args.dataset}", file=sys.stderr)
        return 2
    try:
        cases = load_answer_dataset(args.dataset)
        result = evaluate(cases, progress=sys.stderr.isatty())
    except AnswerDatasetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("w", encoding="utf-8") as sink:
            for record in result["records"]:
                sink.write(json.dumps(record, ensure_ascii=False) + "\n")
    if args.json:
        print(json.dumps(result["metrics"], indent=2))
    else:
        print_report(result, args.show_failures)
    return 0
