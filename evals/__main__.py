"""``python -m evals <command>``: evaluation commands, one subcommand per module that registers itself here."""

from __future__ import annotations

import argparse
import sys

from evals import cli_answers, cli_learning, cli_run, cli_simulate, cli_taubench, escalation


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals", description="shopdesk evaluations")
    subparsers = parser.add_subparsers(dest="command", required=True)
    cli_run.add_parser(subparsers)
    cli_answers.add_parser(subparsers)
    cli_learning.add_parser(subparsers)
    cli_taubench.add_parser(subparsers)
    cli_simulate.add_parser(subparsers)
    escalation.add_parser(subparsers)
    args = parser.parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
