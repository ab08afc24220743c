"""What `langgraph dev` and Studio put in front of the Studio graph (langgraph.json's "http" app): card data masked
at the door.

The LangGraph server keeps a run's input (its runs, which `langgraph dev` persists under .langgraph_api/) and
checkpoints it with its own checkpointer before any node of ours runs, so neither the graph nor our checkpoint
serializer can keep the number off disk there; masking the request body can. The embedded API masks at its door
the same way (server.schemas.Text).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shopdesk.pii import mask_customer_messages

_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


class MaskCardData:
    """Card numbers and CVVs masked in the customers' messages of every JSON request body (run inputs, commands,
    state updates), before the server reads it. Plain ASGI: the body is read once and handed on rewritten."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _WITH_BODY or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: let the app see it
                await self.app(scope, _replay([message], receive), send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        masked = _masked(body)
        if masked is not body:
            headers = [(name, value) for name, value in scope["headers"] if name != b"content-length"]
            scope = {**scope, "headers": [*headers, (b"content-length", str(len(masked)).encode())]}
        await self.app(scope, _replay([{"type": "http.request", "body": masked, "more_body": False}], receive), send)


def _is_json(scope: Scope) -> bool:
    content_type = next((value for name, value in scope["headers"] if name == b"content-type"), b"")
    return content_type.split(b";")[0].strip().lower() in (b"application/json", b"")


def _masked(body: bytes) -> bytes:
    """The body with the customers' messages masked, or the same object when there is nothing to mask (or it is
    no JSON: the server answers that itself)."""
    try:
        data: Any = json.loads(body)
    except ValueError:
        return body
    masked = mask_customer_messages(data)
    return body if masked is data else json.dumps(masked).encode()


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


app = Starlette(middleware=[Middleware(MaskCardData)])
