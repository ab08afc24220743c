"""`python -m server`: serve the API with uvicorn; `python -m server customer-token <customer id>` mints a token."""

from __future__ import annotations

import argparse
import logging

import uvicorn

from server.auth import customer_token
from server.config import get_server_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m server", description=__doc__)
    parser.add_argument("--host", help="override SHOPDESK_HOST")
    parser.add_argument("--port", type=int, help="override SHOPDESK_PORT")
    parser.add_argument("--log-level", default="info")
    commands = parser.add_subparsers(dest="command")
    minter = commands.add_parser("customer-token", help="sign a customer token, as a shop's backend would")
    minter.add_argument("customer_id")
    minter.add_argument("--shop", default="demo")
    minter.add_argument("--ttl", type=int, help="lifetime in seconds")
    args = parser.parse_args(argv)
    settings = get_server_settings()
    if args.command == "customer-token":
        print(customer_token(settings, args.shop, args.customer_id, args.ttl))
        return 0
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    from server.app import create_app

    uvicorn.run(
        create_app(server_settings=settings),
        host=args.host or settings.host,
        port=args.port or settings.port,
        log_level=args.log_level,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
