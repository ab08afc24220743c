"""``python -m evals export-labelled``: what people did on handed-over conversations, as a runner dataset."""

from __future__ import annotations

import argparse
from pathlib import Path

from shopdesk.learning import export_dataset
from shopdesk.settings import get_settings


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "export-labelled",
        help="export human replies, edits, approvals and takeovers as an evaluation dataset (JSONL)",
    )
    parser.add_argument("--out", type=Path, required=True, help="JSONL file to write")
    parser.add_argument("--conversation", help="only this conversation")
    parser.add_argument("--db", help="shop database URL (default: the configured one)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    written = export_dataset(args.db or get_settings().shop_database_url, args.out, args.conversation)
    print(f"wrote {written} labelled examples to {args.out}")
    return 0
