"""`python -m shopdesk <command>`: run (the main job), chat, seed, index, import-taubench."""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path

from shopdesk.bootstrap import ensure_ready, say
from shopdesk.settings import PROJECT_ROOT, get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="shopdesk", description=__doc__)
    parser.add_argument("--log-level", default="WARNING")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="the main job: set up on first run, then serve (the chat until the API exists)")
    chat = commands.add_parser("chat", help="chat with the bot in the terminal")
    chat.add_argument("--thread", help="continue a conversation by id")
    commands.add_parser("setup", help="seed the demo shop and index knowledge, then exit")
    importer = commands.add_parser("import-taubench", help="load the tau-bench retail shop into the database")
    importer.add_argument("--dataset", type=Path, default=PROJECT_ROOT.parent / "shared/datasets/taubench-retail")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")

    settings = get_settings()
    if args.command == "import-taubench":
        from shop.taubench import import_taubench

        say(f"Importing {args.dataset} into {settings.shop_database_url}")
        say(str(import_taubench(args.dataset, settings.shop_database_url)))
        return 0
    ensure_ready(settings)
    if args.command == "setup":
        return 0
    from shopdesk.chat import chat as run_chat

    asyncio.run(run_chat(settings, getattr(args, "thread", None)))
    return 0
