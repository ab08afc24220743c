"""`python -m shopdesk <command>`: run (the main job), chat, seed, index, import-taubench."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from shopdesk.bootstrap import ensure_ready, ensure_shop
from shopdesk.progress import say
from shopdesk.settings import get_settings


def print_samples(db_url: str) -> None:
    """One order per status with its customer's email, so there is something real to ask about."""
    from sqlalchemy import select

    from shop.db import session_factory
    from shop.models import Order, OrderStatus

    with session_factory(db_url)() as session:
        for status in OrderStatus:
            order = session.scalars(select(Order).where(Order.status == status).order_by(Order.id).limit(1)).first()
            if order:
                print(f"{status.value:<26} {order.id}  {order.customer.email}  ({order.customer.name})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="shopdesk", description=__doc__)
    parser.add_argument("--log-level", default="WARNING")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="the main job: set up on first run, then serve the API, widget and console")
    run.add_argument("--host", help="override SHOPDESK_HOST (default 127.0.0.1)")
    run.add_argument("--port", type=int, help="override SHOPDESK_PORT (default 8000)")
    run.add_argument("--workers", type=int, help="override SHOPDESK_WORKERS (default one per core, at most 4)")
    chat = commands.add_parser("chat", help="chat with the bot in the terminal")
    chat.add_argument("--thread", help="continue a conversation by id")
    commands.add_parser("setup", help="seed the demo shop and index knowledge, then exit")
    commands.add_parser("samples", help="print demo customers and orders to try in the chat")
    importer = commands.add_parser("import-taubench", help="load the tau-bench retail shop into the database")
    importer.add_argument("--dataset", type=Path, help="its folder (default: the copy that ships in evals/datasets)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")

    settings = get_settings()
    if args.command == "import-taubench":
        from shop.taubench import DATASET_DIR, import_taubench

        args.dataset = args.dataset or DATASET_DIR
        say(f"Importing {args.dataset} into {settings.shop_database_url}")
        say(str(import_taubench(args.dataset, settings.shop_database_url)))
        return 0
    if args.command == "run":
        options = {"--host": args.host, "--port": args.port, "--workers": args.workers}
        flags = [item for name, value in options.items() if value for item in (name, str(value))]
        # Become `python -m server` (which sets up in a child, then starts the workers, and says "Serving ..." once
        # they answer): the supervisor of the workers stays small instead of keeping this process's imports for the
        # server's lifetime.
        os.execv(sys.executable, [sys.executable, "-m", "server", *flags])
    if args.command == "samples":
        # Samples come from the shop alone: the knowledge index (and the model behind it) is not needed for them.
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        ensure_shop(settings)
        print_samples(settings.shop_database_url)
        return 0
    ensure_ready(settings)
    if args.command == "setup":
        return 0
    from shopdesk.chat import chat as run_chat

    asyncio.run(run_chat(settings, getattr(args, "thread", None)))
    return 0
