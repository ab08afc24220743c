"""Several worker processes, each with its own listening socket on the same port (SO_REUSEPORT).

uvicorn's own `--workers` shares one listening socket between the workers, and whichever is first to accept takes
the connection. Storefront clients keep connections open, so at light load one worker ended up with nearly all of
them: measured with the load benchmark at 15 turns/s, one worker spent 7.75 s of CPU and the other 0.17 s, and the
p95 latency was that of a single busy process. With one socket per worker the kernel spreads new connections over
the workers by their addresses. Linux only; elsewhere the server falls back to uvicorn's shared socket.

The supervisor here starts the workers, replaces one that dies, and on SIGINT/SIGTERM asks each to finish its
requests and exit. A worker that keeps dying is restarted after a doubling pause (1 s up to a minute), never given
up on: a crash loop from a passing cause (the database away for a while, memory pressure) must not leave the
shop without a server once the cause is gone, and the other workers keep serving meanwhile.
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
# A worker that dies again soon after its start waits this long before the next, doubling up to the maximum.
FIRST_BACKOFF_S = 1.0
MAX_BACKOFF_S = 60.0
# A worker that ran this long before dying starts over at the first pause.
STABLE_AFTER_S = 60.0
STOP_TIMEOUT_S = 30.0


class Restarts:
    """When one worker slot may start again: doubling pauses while it keeps dying young, reset once it ran long."""

    def __init__(
        self, first_s: float = FIRST_BACKOFF_S, max_s: float = MAX_BACKOFF_S, stable_s: float = STABLE_AFTER_S
    ) -> None:
        self.first_s, self.max_s, self.stable_s = first_s, max_s, stable_s
        self.pause_s = 0.0

    def died(self, ran_s: float) -> float:
        """The pause before the replacement of a worker that ran `ran_s` seconds."""
        if ran_s >= self.stable_s:
            self.pause_s = 0.0
        else:
            self.pause_s = min(self.max_s, self.pause_s * 2 if self.pause_s else self.first_s)
        return self.pause_s


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
    """Run `workers` processes until SIGINT/SIGTERM (exit code 0); a port taken raises OSError before any starts."""
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

    processes: list[BaseProcess | None] = [start(index) for index in range(workers)]
    log.info("Started %d workers (pids %s) on %s:%d", workers, [p.pid for p in processes if p], host, port)
    started = [time.monotonic()] * workers
    restarts = [Restarts() for _ in range(workers)]
    # A dead worker's slot: when its replacement may start.
    due: dict[int, float] = {}
    try:
        while not stopping:
            time.sleep(0.25)
            now = time.monotonic()
            for index, process in enumerate(processes):
                if stopping:
                    break
                if process is None:
                    if now >= due[index]:
                        processes[index], started[index] = start(index), now
                        del due[index]
                    continue
                if process.is_alive():
                    continue
                pause = restarts[index].died(now - started[index])
                log.warning("worker %s exited with %s; replacing it in %.0f s", process.pid, process.exitcode, pause)
                loads[index] = 0.0
                processes[index], due[index] = None, now + pause
    finally:
        alive = [process for process in processes if process is not None]
        for process in alive:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes open requests and runs the app's shutdown
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for process in alive:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
