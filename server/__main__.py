"""`python -m server`: serve the API with uvicorn; `python -m server customer-token <customer id>` mints a token.

Worker processes (`--workers`, SHOPDESK_WORKERS; one per core by default) each run the whole app: a turn is mostly
Python, so one process uses one core however many conversations it holds. They share the databases and the
knowledge index, take turns per conversation through file locks (server.turnlock), and each listens on its own
socket (server.workers). First-run set-up (seeding,
indexing, exporting the model) happens once, in a child process, before any worker starts.
"""

from __future__ import annotations

import argparse
import http.client
import logging
import os
import subprocess
import sys
import threading
import time

import uvicorn

from server.config import InsecureSettings, get_server_settings
from server.workers import APP, port_socket, reuse_port_supported, serve
from shopdesk.progress import say


def announce_when_listening(host: str, port: int) -> None:
    """Say "Serving ..." once the server answers, not before: set-up, loading the models and the warm-up come
    first (tens of seconds on a first run), and a link printed earlier leads to "connection refused". A daemon
    thread of this process (the workers' supervisor, or the one worker) asks /health until it answers."""
    probe = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)

    def wait() -> None:
        while True:
            connection = http.client.HTTPConnection(probe, port, timeout=2)
            try:
                connection.request("GET", "/health")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass  # not listening yet
            finally:
                connection.close()
            time.sleep(0.2)
        say(f"Serving http://{host}:{port}: /demo (storefront with the chat widget), /console (agents), /docs (API)")

    threading.Thread(target=wait, name="announce", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m server", description=__doc__)
    parser.add_argument("--host", help="override SHOPDESK_HOST")
    parser.add_argument("--port", type=int, help="override SHOPDESK_PORT")
    parser.add_argument("--workers", type=int, help="override SHOPDESK_WORKERS")
    parser.add_argument("--log-level", default="info")
    commands = parser.add_subparsers(dest="command")
    minter = commands.add_parser("customer-token", help="sign a customer token, as a shop's backend would")
    minter.add_argument("customer_id")
    minter.add_argument("--shop", default="demo")
    minter.add_argument("--ttl", type=int, help="lifetime in seconds")
    args = parser.parse_args(argv)
    settings = get_server_settings()
    if args.command == "customer-token":
        # Imported here: it pulls in the app's modules, which the workers' supervisor should not hold in memory.
        from server.auth import customer_token

        print(customer_token(settings, args.shop, args.customer_id, args.ttl))
        return 0
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    host, port = args.host or settings.host, args.port or settings.port
    workers = args.workers or settings.worker_count
    try:
        settings.check_secrets(host)
    except InsecureSettings as error:
        print(f"shopdesk: {error}", file=sys.stderr)
        return 2
    try:
        # A port anything listens on fails here, before the set-up, with a clear message; and whatever answers
        # /health later is this server.
        port_socket(host, port, shared=False).close()
    except OSError as error:
        print(f"cannot listen on {host}:{port}: {error.strerror or error}", file=sys.stderr)
        return 1
    # Everything the server and its workers create (databases, index, secrets) is private to this user.
    os.umask(0o077)
    if settings.setup_on_start:
        # In a child process, so this one (the workers' supervisor) never loads the shop, the index or the model.
        done = subprocess.run([sys.executable, "-m", "shopdesk", "setup"], check=False)
        if done.returncode:
            print(f"set-up failed (exit code {done.returncode}); the server was not started", file=sys.stderr)
            return done.returncode
        os.environ["SHOPDESK_SETUP_ON_START"] = "false"  # the workers inherit it
        # A single worker runs in this process: its app must read the server settings again, not the cached ones
        # that still say "set up on start" (it indexed the knowledge a second time).
        get_server_settings.cache_clear()
    # The workers check the secrets again against the host they bind to (the app's start-up): pass it on.
    os.environ["SHOPDESK_HOST"] = host
    announce_when_listening(host, port)
    if workers > 1 and reuse_port_supported():
        try:
            return serve(host, port, workers, args.log_level)
        except OSError as error:
            print(f"cannot listen on {host}:{port}: {error.strerror or error}", file=sys.stderr)
            return 1
    # An import string, so that with several workers (outside Linux) each process builds its own app.
    uvicorn.run(APP, factory=True, host=host, port=port, workers=workers, log_level=args.log_level)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
