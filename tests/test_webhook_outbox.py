"""The webhook outbox on its own: several senders (server workers, machines) sharing one database deliver each
event to each receiver once, and a refused delivery waits its backoff. On SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from server.webhooks import Webhooks, backoff_s, outbox, webhook_secret
from shop.db import engine_for
from tests.test_server_safety import Receiver


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'outbox.db'}"
    else:
        yield request.getfixturevalue("pg_url")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hook = Receiver(statuses=(503,))  # the first call is refused
    yield hook
    hook.server.shutdown()
    hook.server.server_close()


async def test_senders_sharing_a_database_deliver_each_event_once(db_url: str, receiver: Receiver) -> None:
    senders = [Webhooks([receiver.url], 5.0, "s", db_url=db_url) for _ in range(3)]
    try:
        for number in range(6):
            await senders[number % 3].emit("conversation.handoff", {"conversation_id": f"c{number}"})
        tried = await asyncio.gather(*(sender.deliver_due() for sender in senders))
        assert sum(tried) == 6, "every row claimed by exactly one sender"
        assert len(receiver.calls) == 6
        refused = senders[0].pending()
        assert len(refused) == 1 and refused[0]["attempts"] == 1 and "503" in refused[0]["last_error"]
        assert sum(await asyncio.gather(*(sender.deliver_due() for sender in senders))) == 0, "not due yet"

        # Its backoff over, the refused one goes out again, once, with the same delivery id.
        with engine_for(db_url).begin() as connection:
            connection.execute(update(outbox).values(next_attempt_at=refused[0]["created_at"]))
        assert sum(await asyncio.gather(*(sender.deliver_due() for sender in senders))) == 1
        assert senders[0].pending() == []
        ids = [headers["X-ShopDesk-Delivery"] for _, headers in receiver.calls]
        assert len(ids) == 7 and len(set(ids)) == 6
    finally:
        for sender in senders:
            await sender.aclose()


def test_backoff_doubles_up_to_an_hour() -> None:
    assert 1.8 <= backoff_s(1) <= 2.2 and 3.6 <= backoff_s(2) <= 4.4
    assert backoff_s(30) <= 3600 * 1.1


def test_a_generated_secret_is_kept_private_and_reused(tmp_path: Path) -> None:
    first = webhook_secret(None, tmp_path / "data")
    assert len(first) == 64 and webhook_secret(None, tmp_path / "data") == first
    assert ((tmp_path / "data" / "webhook-secret").stat().st_mode & 0o777) == 0o600
    assert webhook_secret("configured", tmp_path / "data") == "configured"
