"""Command line for the shop database: seed the demo shop, import the taubench shop, export it back.

python -m shop seed [--db URL] [--seed N] [--customers N] [--orders N]
python -m shop import-taubench [--dataset DIR] [--db URL]
python -m shop export-taubench [--db URL] --out DIR
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from shop.seed import seed_demo, seeding_time
from shop.taubench import DATASET_DIR, export_taubench, import_taubench
from shopdesk.progress import stage_bars
from shopdesk.settings import get_settings


def _seed(args: argparse.Namespace) -> int:
    with stage_bars("Seeding demo shop") as report:
        summary = seed_demo(
            args.db, args.seed, customers=args.customers, orders=args.orders, progress=report, today=args.today
        )
    print(summary.message)
    return 0


def _import(args: argparse.Namespace) -> int:
    with stage_bars("Importing tau-bench") as report:
        summary = import_taubench(Path(args.dataset), args.db, progress=report)
    print(summary.message)
    return 0


def _export(args: argparse.Namespace) -> int:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    users, orders, products = export_taubench(args.db)
    for name, data in (("users", users), ("orders", orders), ("products", products)):
        (out / f"{name}.json").write_text(json.dumps(data, indent=4, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"exported {len(users)} users, {len(orders)} orders, {len(products)} products to {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    default_db = get_settings().shop_database_url
    parser = argparse.ArgumentParser(prog="python -m shop", description=__doc__.splitlines()[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)

    seed = commands.add_parser("seed", help="fill an empty database with the Northwind demo shop")
    seed.add_argument("--db", default=default_db, help=f"database URL (default {default_db})")
    seed.add_argument("--seed", type=int, default=get_settings().demo_seed, help="random seed (same seed, same shop)")
    seed.add_argument("--customers", type=int, default=300)
    seed.add_argument("--orders", type=int, default=1500)
    seed.add_argument(
        "--today",
        type=datetime.fromisoformat,
        default=seeding_time(get_settings().clock),
        help="the shop's present, e.g. 2026-11-01T09:00 (default: now, to the hour; same seed and day, same shop)",
    )
    seed.set_defaults(run=_seed)

    imp = commands.add_parser("import-taubench", help="load the taubench retail shop into an empty database")
    imp.add_argument("--dataset", default=str(DATASET_DIR), help="folder with users/orders/products.json")
    imp.add_argument("--db", default=default_db, help=f"database URL (default {default_db})")
    imp.set_defaults(run=_import)

    exp = commands.add_parser("export-taubench", help="write the shop as taubench's users/orders/products.json")
    exp.add_argument("--db", default=default_db, help=f"database URL (default {default_db})")
    exp.add_argument("--out", required=True, help="folder to write the three JSON files to")
    exp.set_defaults(run=_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except (FileNotFoundError, ValueError) as error:
        # Bad input (a missing dataset, an unknown status): one clear line rather than a traceback.
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
