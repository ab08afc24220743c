"""The load benchmark's HTTP client against a scripted server: keep-alive, closes, framing errors and timeouts."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from types import ModuleType

import pytest

from tests.support.benchmarks import load_benchmark


@pytest.fixture(scope="module")
def lean_http() -> ModuleType:
    return load_benchmark("lean_http")


async def scripted_server(replies: Sequence[bytes | None]) -> tuple[asyncio.Server, int, list[bytes], list[int]]:
    """Answers the n-th request (over all connections) with replies[n]; None means: say nothing."""
    requests: list[bytes] = []
    connections: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(
                    next(line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")).split(
                        b":"
                    )[1]
                )
                requests.append(head + await reader.readexactly(length))
                reply = replies[len(requests) - 1]
                if reply is None:
                    await asyncio.sleep(10)
                    return
                writer.write(reply)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1], requests, connections


def response(status: str, body: bytes, *extra: str) -> bytes:
    headers = [f"HTTP/1.1 {status}", "content-type: application/json", f"content-length: {len(body)}", *extra]
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + body


async def test_keeps_one_connection_and_reconnects_after_a_close(lean_http: ModuleType) -> None:
    replies = [
        response("201 Created", b'{"id": 1}'),
        response("422 Unprocessable Entity", b'{"detail": "empty"}', "connection: close"),
        response("200 OK", b'{"ok": true}'),
    ]
    server, port, requests, connections = await scripted_server(replies)
    async with server:
        client = lean_http.Connection("127.0.0.1", port, timeout=5)
        first = await client.post("/v1/things", {"text": "hé"}, {"X-Shop-Key": "k"})
        assert first.status_code == 201 and first.json() == {"id": 1}
        second = await client.post("/v1/things/1", {"text": ""})
        assert second.status_code == 422 and "empty" in second.text
        third = await client.post("/v1/things/1", {"text": "again"})
        assert third.json() == {"ok": True}
        await client.close()
    assert len(connections) == 2  # one keep-alive connection for two requests, a new one after the server closed
    head, _, body = requests[0].partition(b"\r\n\r\n")
    assert head.startswith(b"POST /v1/things HTTP/1.1") and b"X-Shop-Key: k" in head
    assert json.loads(body) == {"text": "hé"}


async def test_unframed_replies_and_silence_are_errors_not_hangs(lean_http: ModuleType) -> None:
    chunked = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
    server, port, _requests, _connections = await scripted_server([chunked, None])
    async with server:
        client = lean_http.Connection("127.0.0.1", port, timeout=0.5)
        with pytest.raises(lean_http.HTTPError, match="without Content-Length"):
            await client.post("/x", {})
        with pytest.raises(lean_http.HTTPError, match="TimeoutError"):
            await client.post("/x", {})
    refused = lean_http.Connection("127.0.0.1", port, timeout=1)
    with pytest.raises(lean_http.HTTPError):
        await refused.post("/x", {})
