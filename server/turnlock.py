"""One turn at a time per conversation, across all worker processes of a server on this machine.

Two turns of one conversation running at once (a customer's double-send, an agent racing the customer, or the
two landing on different uvicorn workers) would each start from the same checkpoint and fork its history. A
conversation id hashes to one of a fixed set of lock files; a turn holds an advisory `flock` on that file, which
the kernel releases if the process dies, so a crashed worker never leaves a conversation stuck.

Within a process, an asyncio lock per stripe comes first: flock locks belong to an open file, so two coroutines of
one process sharing the file would not exclude each other. Unrelated conversations share a stripe only by chance
(1 in `stripes`), and then merely wait for each other's turn.

Workers on several machines do not share these files. With conversations in PostgreSQL (SHOPDESK_CHECKPOINT_URL),
`PostgresTurnLocks` takes a PostgreSQL advisory lock per conversation instead: every worker on every machine that
serves the shop waits for the same lock, so no sticky routing is needed, and a dead worker's connection (and its
lock) goes away with it. `turn_locks` picks the right kind.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import logging
import os
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from psycopg import AsyncConnection

log = logging.getLogger(__name__)

# Polling keeps the event loop free while another process holds the lock; turns take tens of milliseconds.
_FIRST_WAIT_S = 0.001
_LONGEST_WAIT_S = 0.02


class ConversationLocks(Protocol):
    def hold(self, conversation_id: str) -> AbstractAsyncContextManager[None]: ...

    async def aclose(self) -> None: ...


class TurnLocks:
    def __init__(self, directory: Path, stripes: int = 256) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.stripes = stripes
        self._local: dict[int, asyncio.Lock] = {}
        self._files: dict[int, int] = {}

    def stripe(self, conversation_id: str) -> int:
        # A stable hash (not hash(), which differs per process): every worker must pick the same file.
        digest = hashlib.blake2b(conversation_id.encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") % self.stripes

    def _file(self, stripe: int) -> int:
        descriptor = self._files.get(stripe)
        if descriptor is None:
            path = self.directory / f"turn-{stripe:03d}.lock"
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            self._files[stripe] = descriptor
        return descriptor

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[None]:
        stripe = self.stripe(conversation_id)
        local = self._local.setdefault(stripe, asyncio.Lock())
        async with local:
            descriptor = self._file(stripe)
            wait = _FIRST_WAIT_S
            while True:
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    await asyncio.sleep(wait)
                    wait = min(wait * 2, _LONGEST_WAIT_S)
            try:
                yield
            finally:
                fcntl.flock(descriptor, fcntl.LOCK_UN)

    def close(self) -> None:
        for descriptor in self._files.values():
            os.close(descriptor)
        self._files.clear()

    async def aclose(self) -> None:
        self.close()


# The first key of PostgreSQL's two-key advisory locks: ShopDesk's turns, apart from any other user of the database.
_PG_LOCK_CLASS = 0x5D_7E


class PostgresTurnLocks:
    """One turn at a time per conversation across machines, through a PostgreSQL session-level advisory lock.

    A turn holds one pooled connection for its length: the lock lives on that connection, so a worker that dies
    releases it with its connection. Within a process an asyncio lock per conversation comes first, so turns of one
    conversation queue without taking a connection each.
    """

    def __init__(self, url: str, max_connections: int = 16) -> None:
        from psycopg_pool import AsyncConnectionPool

        self._pool = AsyncConnectionPool(
            url.replace("postgresql+psycopg://", "postgresql://"),
            min_size=1,
            max_size=max_connections,
            kwargs={"autocommit": True},
            open=False,
        )
        self._opened = False
        self._opening = asyncio.Lock()
        self._local: dict[int, asyncio.Lock] = {}

    @staticmethod
    def key(conversation_id: str) -> int:
        # A stable signed 32-bit hash: every worker must lock the same key. Two conversations sharing a key (1 in 4e9)
        # merely wait for each other's turn.
        digest = hashlib.blake2b(conversation_id.encode(), digest_size=4).digest()
        return int.from_bytes(digest, "big", signed=True)

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[None]:
        key = self.key(conversation_id)
        local = self._local.setdefault(key, asyncio.Lock())
        async with local:
            if not self._opened:
                async with self._opening:
                    if not self._opened:
                        await self._pool.open(wait=True)
                        self._opened = True
            async with self._pool.connection() as connection:
                wait = _FIRST_WAIT_S
                # Polling a try-lock keeps the event loop free and the wait cancellable between attempts.
                while not await _try_lock(connection, key):
                    await asyncio.sleep(wait)
                    wait = min(wait * 2, _LONGEST_WAIT_S)
                try:
                    yield
                finally:
                    await _release(connection, key)

    async def aclose(self) -> None:
        if self._opened:
            await self._pool.close()
            self._opened = False


async def _try_lock(connection: AsyncConnection[Any], key: int) -> bool:
    row = await (await connection.execute("SELECT pg_try_advisory_lock(%s, %s)", (_PG_LOCK_CLASS, key))).fetchone()
    return bool(row and row[0])


async def _release(connection: AsyncConnection[Any], key: int) -> None:
    try:
        await connection.execute("SELECT pg_advisory_unlock(%s, %s)", (_PG_LOCK_CLASS, key))
    except BaseException:
        # A connection that may still hold the lock must never go back to the pool: closing it releases the lock.
        log.warning("could not release a conversation's turn lock; closing its connection")
        await connection.close()
        raise


def turn_locks(checkpoint_url: str | None, directory: Path) -> TurnLocks | PostgresTurnLocks:
    """Advisory locks in PostgreSQL where the conversations live there (any number of machines), else file locks
    (the workers of one machine)."""
    if checkpoint_url and checkpoint_url.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        return PostgresTurnLocks(checkpoint_url)
    return TurnLocks(directory)
