"""Several worker processes, each with its own listening socket on the same port (SO_REUSEPORT).

uvicorn's own `--workers` shares one listening socket between the workers, and whichever is first to accept takes
the connection. Storefront clients keep connections open, so at light load one worker ended up with nearly all of
them: measured with the load benchmark at 15 turns/s, one worker spent 7.75 s of CPU and the other 0.17 s, and the
p95 latency was that of a single busy process. With one socket per worker the kernel spreads new connections over
the workers by their addresses. Linux only; elsewhere the server falls back to uvicorn's shared socket.

The supervisor here starts the workers, restarts one that dies (unless they keep dying, which means they cannot
start: then it stops), and on SIGINT/SIGTERM asks each to finish its requests and exit.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import sys
import time
from collections.abc import MutableSequence
from multiprocessing.process import BaseProcess
from types import FrameType

import uvicorn

from server import balance

log = logging.getLogger("uvicorn.error")

APP = "server.app:create_server_app"
# More deaths than this within the window: the workers cannot start (port taken, broken config), so give up.
MAX_RESTARTS = 3
RESTART_WINDOW_S = 60.0
STOP_TIMEOUT_S = 30.0


def reuse_port_supported() -> bool:
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def port_socket(host: str, port: int, *, shared: bool) -> socket.socket:
    """A socket bound to the address, not yet listening. `shared`: in the SO_REUSEPORT group of the workers."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if shared:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _worker(host: str, port: int, log_level: str, loads: MutableSequence[float], index: int) -> None:
    # Bound now, listening only once the app has started (asyncio's create_server calls listen()): the kernel
    # hands connections only to listening sockets, so none waits on a worker that is still loading its models.
    sock = port_socket(host, port, shared=True)
    balance.attach(loads, index)  # before the app factory runs, which installs the balancing (server.balance)
    config = uvicorn.Config(APP, factory=True, log_level=log_level)
    uvicorn.Server(config).run(sockets=[sock])


def serve(host: str, port: int, workers: int, log_level: str) -> int:
    """Run `workers` processes until SIGINT/SIGTERM; the exit code says whether they ran or could not start."""
    # A port anything listens on fails here, once, with a clear message. Not in the SO_REUSEPORT group: joining
    # another running server's workers on the same port would otherwise succeed silently.
    port_socket(host, port, shared=False).close()
    spawn = multiprocessing.get_context("spawn")
    stopping = False

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}

    # Each worker's recent busyness, shared: a busier one sheds keep-alive connections (server.balance).
    loads = spawn.Array("d", workers, lock=False)

    def start(index: int) -> BaseProcess:
        process = spawn.Process(target=_worker, args=(host, port, log_level, loads, index), name="shopdesk-worker")
        process.start()
        return process

    processes = [start(index) for index in range(workers)]
    log.info("Started %d workers (pids %s) on %s:%d", workers, [p.pid for p in processes], host, port)
    deaths: list[float] = []
    failed = False
    try:
        while not stopping:
            time.sleep(0.25)
            for index, process in enumerate(processes):
                if process.is_alive() or stopping:
                    continue
                now = time.monotonic()
                deaths = [at for at in deaths if now - at < RESTART_WINDOW_S] + [now]
                if len(deaths) > MAX_RESTARTS:
                    log.error("workers keep exiting (last exit code %s); stopping", process.exitcode)
                    failed = stopping = True
                    break
                log.warning("worker %s exited with %s; starting another", process.pid, process.exitcode)
                loads[index] = 0.0
                processes[index] = start(index)
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes open requests and runs the app's shutdown
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 1 if failed else 0
