"""Outgoing webhooks: tell the shop's other systems (helpdesk, chat bridge) when a person is needed or a case closes.

Durable and signed. An event is first written to an outbox table beside the shop data (one row per receiver), then
delivered by a background loop in every server worker: a row is claimed with a compare-and-set on its attempt
count (so two workers never post the same delivery at once), retried with doubling backoff (2 s up to an hour)
until the receiver answers 2xx or `webhook_max_attempts` is spent, and survives restarts. Receivers may see an
event twice (a worker killed between post and bookkeeping): `X-ShopDesk-Delivery` is stable, for deduplication.

Every body is signed: `X-ShopDesk-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>." + body>` (the time is
also in `X-ShopDesk-Timestamp`); a receiver checks the HMAC and refuses old times, so a captured call cannot be
replayed later (`verify_signature`). Without a configured secret one is generated once and kept, mode 0600, in
the data directory. Bodies carry no card data and only the PII the settings allow (shopdesk.pii).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import os
import random
import secrets
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, insert, select, update
from sqlalchemy.exc import OperationalError

from shop.db import create_tables, engine_for
from shopdesk.pii import redacted

log = logging.getLogger(__name__)

metadata = MetaData()
outbox = Table(
    "webhook_outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # One per event, the same for every receiver: what receivers deduplicate on.
    Column("delivery_id", String(64), nullable=False),
    Column("url", Text, nullable=False),
    Column("event", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime, nullable=False, index=True),
    # pending | delivered | failed (attempts spent)
    Column("state", String(12), nullable=False, default="pending", index=True),
    Column("last_error", Text),
    Column("created_at", DateTime, nullable=False),
    Column("delivered_at", DateTime),
)

SECRET_FILE = "webhook-secret"
BACKOFF_FIRST_S = 2.0
BACKOFF_MAX_S = 3600.0
# A due delivery another worker enqueued (or a retry) is found within this long.
POLL_S = 2.0
# Signatures older (or newer) than this are refused by verify_signature.
TOLERANCE_S = 300


T = TypeVar("T")


def _when_unlocked(work: Callable[..., T], *args: Any) -> T:
    """Run one outbox transaction, again if SQLite refused it for a lock: two senders that both read before writing
    deadlock on the upgrade, and SQLite fails one of them at once (no busy wait); its transaction was rolled back."""
    for attempt in range(_LOCK_RETRIES):
        try:
            return work(*args)
        except OperationalError as error:
            if "locked" not in str(error) or attempt == _LOCK_RETRIES - 1:
                raise
            time.sleep(0.02 * (attempt + 1) + random.random() * 0.02)
    raise AssertionError("unreachable")


_LOCK_RETRIES = 6


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)  # naive UTC, as the registry stores it


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(
    secret: str, body: bytes, header: str, tolerance_s: int = TOLERANCE_S, now: float | None = None
) -> bool:
    """What a receiver runs: the body is ours, unchanged, and signed recently (a replayed old call fails)."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance_s:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), header)


def backoff_s(attempts: int) -> float:
    """Wait before the next try after `attempts` failed ones: doubling, capped, with a little jitter."""
    return min(BACKOFF_FIRST_S * 2 ** max(attempts - 1, 0), BACKOFF_MAX_S) * random.uniform(0.9, 1.1)


def webhook_secret(configured: str | None, data_dir: Path) -> str:
    """The configured secret, else the one generated on first use and kept in the data directory (0600).

    O_EXCL: several workers starting together agree on one file; a loser reads the winner's (once written)."""
    if configured:
        return configured
    path = data_dir / SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):
            text = path.read_text(encoding="utf-8").strip()
            if text:
                return text
            time.sleep(0.02)
        raise RuntimeError(f"{path} is empty; delete it to generate a new webhook secret") from None
    generated = secrets.token_hex(32)
    with os.fdopen(descriptor, "w", encoding="utf-8") as sink:
        sink.write(generated)
    log.warning("webhooks are signed with a generated secret, kept in %s: give it to your receivers", path)
    return generated


class Webhooks:
    def __init__(
        self,
        urls: list[str],
        timeout_s: float = 5.0,
        secret: str | None = None,
        *,
        db_url: str | None = None,
        max_attempts: int = 12,
    ) -> None:
        self.urls = list(urls)
        if self.urls and (not secret or not db_url):
            raise ValueError("webhooks need a signing secret and a database for their outbox")
        self.secret = secret or ""
        self.max_attempts = max_attempts
        self.timeout_s = timeout_s
        self._engine = engine_for(db_url) if self.urls and db_url else None
        if self._engine is not None:
            create_tables(metadata, self._engine)
        self._client = httpx.AsyncClient(timeout=timeout_s) if self.urls else None
        self._wake = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None

    # --- enqueue ----------------------------------------------------------------------------------------------

    async def emit(self, event: str, data: dict[str, Any]) -> None:
        """Write the event to the outbox (one row per receiver) and wake the sender. A failure is logged: the
        turn that caused the event has already happened and is not undone for a notification."""
        if self._engine is None:
            return
        body = redacted({"event": event, "at": datetime.now(UTC).isoformat(timespec="seconds"), **data})
        content = json.dumps(body, default=str, ensure_ascii=False)
        try:
            await asyncio.to_thread(self._enqueue, event, content)
        except Exception:
            log.exception("could not queue the %s webhook", event)
            return
        self._wake.set()

    def _enqueue(self, event: str, content: str) -> None:
        assert self._engine is not None
        now = _now()
        delivery = uuid.uuid4().hex
        rows = [
            {
                "delivery_id": delivery,
                "url": url,
                "event": event,
                "body": content,
                "attempts": 0,
                "next_attempt_at": now,
                "state": "pending",
                "created_at": now,
            }
            for url in self.urls
        ]
        with self._engine.begin() as connection:
            connection.execute(insert(outbox), rows)

    # --- deliver ----------------------------------------------------------------------------------------------

    def start(self) -> None:
        if self._engine is not None and self._loop is None:
            self._loop = asyncio.create_task(self._run(), name="webhook-outbox")

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.deliver_due()
            except Exception:  # the database is busy or away: try again on the next round
                log.warning("webhook delivery round failed", exc_info=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), POLL_S)

    async def deliver_due(self) -> int:
        """Deliver every due row this worker can claim; returns how many were tried."""
        tried = 0
        while due := await asyncio.to_thread(_when_unlocked, self._claim_due):
            await asyncio.gather(*(self._deliver(row) for row in due))
            tried += len(due)
        return tried

    def _claim_due(self, limit: int = 16) -> list[dict[str, Any]]:
        assert self._engine is not None
        now = _now()
        lease = now + timedelta(seconds=self.timeout_s + 10)
        claimed = []
        with self._engine.begin() as connection:
            due = connection.execute(
                select(outbox.c.id, outbox.c.attempts)
                .where(outbox.c.state == "pending", outbox.c.next_attempt_at <= now)
                .order_by(outbox.c.id)
                .limit(limit)
            ).all()
            for row_id, attempts in due:
                # Compare-and-set on the attempt count: of two workers claiming the same row, one wins. The lease
                # (next_attempt_at) hands it back if this worker dies before it records the outcome.
                taken = connection.execute(
                    update(outbox)
                    .where(outbox.c.id == row_id, outbox.c.attempts == attempts, outbox.c.state == "pending")
                    .values(attempts=attempts + 1, next_attempt_at=lease)
                    .returning(
                        outbox.c.id,
                        outbox.c.delivery_id,
                        outbox.c.url,
                        outbox.c.event,
                        outbox.c.body,
                        outbox.c.attempts,
                    )
                ).first()
                if taken is not None:
                    claimed.append(dict(taken._mapping))
        return claimed

    async def _deliver(self, row: dict[str, Any]) -> None:
        assert self._client is not None
        content = str(row["body"]).encode()
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "X-ShopDesk-Event": str(row["event"]),
            "X-ShopDesk-Delivery": str(row["delivery_id"]),
            "X-ShopDesk-Timestamp": str(timestamp),
            "X-ShopDesk-Signature": signature(self.secret, timestamp, content),
        }
        error: str | None = None
        try:
            response = await self._client.post(str(row["url"]), content=content, headers=headers)
            if response.status_code >= 300:
                error = f"answered {response.status_code}"
        except httpx.HTTPError as failure:
            error = f"{type(failure).__name__}: {failure}"
        if error:
            log.warning("webhook %s for %s (attempt %d) failed: %s", row["url"], row["event"], row["attempts"], error)
        await asyncio.to_thread(_when_unlocked, self._settle, row, error)

    def _settle(self, row: dict[str, Any], error: str | None) -> None:
        assert self._engine is not None
        now = _now()
        if error is None:
            values: dict[str, Any] = {"state": "delivered", "delivered_at": now, "last_error": None}
        elif row["attempts"] >= self.max_attempts:
            values = {"state": "failed", "last_error": error}
            log.error("webhook %s for %s given up after %d attempts", row["url"], row["event"], row["attempts"])
        else:
            values = {"last_error": error, "next_attempt_at": now + timedelta(seconds=backoff_s(row["attempts"]))}
        with self._engine.begin() as connection:
            connection.execute(update(outbox).where(outbox.c.id == row["id"]).values(**values))

    def pending(self) -> list[dict[str, Any]]:
        """Rows not yet delivered (tests and operators)."""
        if self._engine is None:
            return []
        with self._engine.connect() as connection:
            rows = connection.execute(select(outbox).where(outbox.c.state != "delivered").order_by(outbox.c.id))
            return [dict(row._mapping) for row in rows]

    async def aclose(self) -> None:
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
            self._loop = None
        if self._client:
            await self._client.aclose()
