"""Workers keep about equally busy: a clearly busier one closes a keep-alive connection now and then."""

from __future__ import annotations

import asyncio
import time
from collections.abc import MutableMapping
from typing import Any

import pytest

from server.balance import ShedWhenBusier, WorkerLoads, publish_busyness


@pytest.mark.parametrize(
    ("shared", "sheds"),
    [
        ([0.9, 0.5], True),  # clearly busier than the other
        ([0.9, 0.8], False),  # about even: moving connections would only cost reconnects
        ([0.3, 0.0], False),  # busier, but hardly busy at all
        ([0.9, 0.2, 0.9], True),  # busier than the others on average
        ([0.9], False),  # alone
    ],
)
def test_only_a_clearly_busier_worker_sheds(shared: list[float], sheds: bool) -> None:
    assert WorkerLoads(shared, 0).busier_than_the_rest() is sheds


async def respond(app: ShedWhenBusier, path: str = "/") -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(dict(message))

    await app({"type": "http", "path": path, "headers": []}, receive, send)
    return sent


async def ok(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b"{}"})


async def test_a_busier_worker_closes_one_connection_per_interval() -> None:
    now = [100.0]
    loads = WorkerLoads([0.95, 0.4], 0)
    app = ShedWhenBusier(ok, loads, every_s=0.25, clock=lambda: now[0])

    def closes(messages: list[dict[str, Any]]) -> bool:
        return (b"connection", b"close") in messages[0]["headers"]

    first, second = await respond(app), await respond(app)
    assert closes(first) and not closes(second)
    assert first[0]["status"] == 200 and first[1]["body"] == b"{}"  # the response itself is whole
    now[0] += 0.3
    assert closes(await respond(app))
    loads.shared[1] = 0.9  # balanced again
    now[0] += 0.3
    assert not closes(await respond(app))


async def test_busyness_is_the_processs_cpu_per_second(monkeypatch: pytest.MonkeyPatch) -> None:
    shared = [0.0, 0.0]
    loads = WorkerLoads(shared, 1)
    publishing = asyncio.create_task(publish_busyness(loads, interval_s=0.05))
    try:
        cpu, wall = time.process_time(), time.monotonic()
        while time.monotonic() < wall + 0.5:  # one core's worth of work, on the event loop itself
            sum(range(20_000))
            await asyncio.sleep(0)
        # What the process really got: a full core on a quiet machine, less when other processes share the cores.
        got = (time.process_time() - cpu) / (time.monotonic() - wall)
        assert got > 0.1, f"the machine gave this test only {got:.2f} of a core"
        assert shared[1] > 0.6 * got and shared[0] == 0.0
        await asyncio.sleep(0.6)  # idle: the smoothed figure falls back
        assert shared[1] < 0.2
    finally:
        publishing.cancel()
