"""Outgoing webhooks: tell the shop's other systems (helpdesk, chat bridge) when a person is needed or a case closes.

Delivery is fire-and-forget in the background: a slow or failing receiver is logged and never delays or breaks
the customer's turn.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime
from typing import Any

import httpx

log = logging.getLogger(__name__)


class Webhooks:
    def __init__(self, urls: list[str], timeout_s: float = 5.0, secret: str | None = None) -> None:
        self.urls = list(urls)
        self.secret = secret
        self._client = httpx.AsyncClient(timeout=timeout_s) if self.urls else None
        # Held so the tasks are not garbage-collected mid-flight, and awaited on shutdown.
        self._tasks: set[asyncio.Task[None]] = set()

    def emit(self, event: str, data: dict[str, Any]) -> None:
        if not self._client:
            return
        body = {"event": event, "at": datetime.now(UTC).isoformat(timespec="seconds"), **data}
        for url in self.urls:
            task = asyncio.create_task(self._deliver(url, body))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _deliver(self, url: str, body: dict[str, Any]) -> None:
        assert self._client is not None
        content = json.dumps(body, default=str).encode()
        headers = {"Content-Type": "application/json"}
        if self.secret:
            # Lets the receiver check the call came from us: HMAC-SHA256 of the exact body, hex.
            digest = hmac.new(self.secret.encode(), content, hashlib.sha256).hexdigest()
            headers["X-ShopDesk-Signature"] = f"sha256={digest}"
        try:
            response = await self._client.post(url, content=content, headers=headers)
            if response.status_code >= 400:
                log.warning("webhook %s for %s answered %s", url, body["event"], response.status_code)
        except httpx.HTTPError as error:
            log.warning("webhook %s for %s failed: %s", url, body["event"], error)

    async def drain(self, timeout_s: float = 5.0) -> None:
        """Wait (a little) for deliveries in flight; tests and shutdown use it."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout_s)

    async def aclose(self) -> None:
        await self.drain()
        if self._client:
            await self._client.aclose()
