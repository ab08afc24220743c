"""Keeps the worker processes about equally busy when clients hold their connections open.

Each worker listens on its own SO_REUSEPORT socket and the kernel places a *new* connection by a hash of its
addresses. A keep-alive connection then stays where it landed, however busy that worker gets: a storefront backend
with a small connection pool, or a few chatty clients, can leave one worker with most of the work (over six paced
runs of the load benchmark at 105 turns/s, the busier of two workers did 50% to 71% of the work, and it sets the
latency tail; with this, 52% to 60%, and p95 fell from 102 to 74 ms in the most uneven pair of runs). So each worker
publishes how busy it has been lately, in memory the workers share, and one that is clearly busier than the others
answers a request now and then with `Connection: close`: the client's next connection is placed anew, and one in two
such moves lands on another worker. Nothing is lost: the response is complete, and HTTP clients reconnect on their
own.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, MutableSequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# How busy a worker is: the CPU its process used (every thread) per second of wall time, smoothed over samples.
SAMPLE_S = 0.25
NEWEST_SAMPLE_WEIGHT = 0.25
# Shed only when clearly busier than the others on average, and busy at all: near balance, moving connections
# around would only cost reconnects (a margin of 0.15, sampled faster, shed often enough to cost latency).
MARGIN = 0.25
MIN_BUSY = 0.4
# At most one connection every half second: the smoothed measure needs a moment to show the move.
SHED_EVERY_S = 0.5


class WorkerLoads:
    """Every worker's recent busyness (share of one core) in an array the workers share; this one's at `index`."""

    def __init__(self, shared: MutableSequence[float], index: int) -> None:
        self.shared = shared
        self.index = index

    def publish(self, busy: float) -> None:
        self.shared[self.index] = busy

    def busier_than_the_rest(self) -> bool:
        mine = self.shared[self.index]
        others = [busy for i, busy in enumerate(self.shared) if i != self.index]
        return bool(others) and mine >= MIN_BUSY and mine > sum(others) / len(others) + MARGIN


_attached: WorkerLoads | None = None


def attach(shared: MutableSequence[float], index: int) -> None:
    """Called by a worker process before its app is created (server.workers)."""
    global _attached
    _attached = WorkerLoads(shared, index)


def attached() -> WorkerLoads | None:
    return _attached


async def publish_busyness(loads: WorkerLoads, interval_s: float = SAMPLE_S) -> None:
    """Sample this process's CPU every `interval_s` and publish the smoothed busyness, until cancelled."""
    cpu, wall = time.process_time(), time.monotonic()
    busy = 0.0
    while True:
        await asyncio.sleep(interval_s)
        now_cpu, now_wall = time.process_time(), time.monotonic()
        sample = (now_cpu - cpu) / max(now_wall - wall, 1e-6)
        cpu, wall = now_cpu, now_wall
        busy = NEWEST_SAMPLE_WEIGHT * sample + (1 - NEWEST_SAMPLE_WEIGHT) * busy
        loads.publish(busy)


class ShedWhenBusier:
    """ASGI middleware: while this worker is busier than the rest, close one client connection now and then."""

    def __init__(
        self,
        app: ASGIApp,
        loads: WorkerLoads,
        every_s: float = SHED_EVERY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.loads = loads
        self.every_s = every_s
        self.clock = clock
        self._last_shed = float("-inf")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._due():
            await self.app(scope, receive, send)
            return

        async def send_closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, send_closing)

    def _due(self) -> bool:
        now = self.clock()
        if now - self._last_shed < self.every_s or not self.loads.busier_than_the_rest():
            return False
        self._last_shed = now
        return True
