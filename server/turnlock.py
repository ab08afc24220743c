"""One turn at a time per conversation, across all worker processes of a server on this machine.

Two turns of one conversation running at once (a customer's double-send, an agent racing the customer, or the
two landing on different uvicorn workers) would each start from the same checkpoint and fork its history. A
conversation id hashes to one of a fixed set of lock files; a turn holds an advisory `flock` on that file, which
the kernel releases if the process dies, so a crashed worker never leaves a conversation stuck.

Within a process, an asyncio lock per stripe comes first: flock locks belong to an open file, so two coroutines of
one process sharing the file would not exclude each other. Unrelated conversations share a stripe only by chance
(1 in `stripes`), and then merely wait for each other's turn.

Workers on several machines do not share these files: run them against PostgreSQL and route each conversation to
one machine (sticky sessions on the conversation id).
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

# Polling keeps the event loop free while another process holds the lock; turns take tens of milliseconds.
_FIRST_WAIT_S = 0.001
_LONGEST_WAIT_S = 0.02


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
