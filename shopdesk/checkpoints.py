"""The SQLite conversation store for async callers, one thread hop per call.

LangGraph's AsyncSqliteSaver goes through aiosqlite, which crosses to its connection thread and back for every
cursor step: six round trips to load a checkpoint and three to write one, on every turn. Each trip wakes the event
loop and resumes the whole chain of awaits above it. This is LangGraph's synchronous SqliteSaver (same tables,
same queries, files interchangeable with AsyncSqliteSaver's) with its async methods running each whole call on
one dedicated thread: the database work stays off the event loop and in order, in one round trip.

Whatever the store, checkpoints go through CardMaskingSerializer: card data a customer typed is masked in the very
bytes that are written. Masking in a node comes too late for that: LangGraph writes the run's input (the input
checkpoint, the first step's writes and state) before the first node runs.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from functools import partial
from typing import Any, TypeVar

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import ChannelVersions, Checkpoint, CheckpointMetadata, CheckpointTuple
from langgraph.checkpoint.serde.base import SerializerProtocol
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite import SqliteSaver

from shopdesk.pii import mask_customer_messages

T = TypeVar("T")


class CardMaskingSerializer(SerializerProtocol):
    """A checkpoint serializer that masks card data in the customers' messages of whatever it writes (checkpoints,
    pending writes, the input a run started with), and reads everything back through `inner` unchanged."""

    def __init__(self, inner: SerializerProtocol | None = None) -> None:
        self.inner = inner or JsonPlusSerializer()

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        return self.inner.dumps_typed(mask_customer_messages(obj))

    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        return self.inner.loads_typed(data)


class SqliteCheckpoints(SqliteSaver):
    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__(conn, serde=CardMaskingSerializer())
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="checkpoints")

    @classmethod
    @asynccontextmanager
    async def open(cls, path: str) -> AsyncIterator[SqliteCheckpoints]:
        # The saver's own lock serialises the connection; the dedicated thread keeps calls in order anyway.
        from shop.db import busy_timeout_ms

        conn = sqlite3.connect(path, check_same_thread=False, timeout=busy_timeout_ms() / 1000)
        saver = cls(conn)
        try:
            await saver._call(saver.setup)
            yield saver
        finally:
            saver._thread.shutdown(wait=True)
            conn.close()

    async def _call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._thread, partial(function, *args, **kwargs))

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        return await self._call(self.get_tuple, config)

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        listed = await self._call(lambda: list(self.list(config, filter=filter, before=before, limit=limit)))
        for item in listed:
            yield item

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        return await self._call(self.put, config, checkpoint, metadata, new_versions)

    async def aput_writes(
        self, config: RunnableConfig, writes: Sequence[tuple[str, Any]], task_id: str, task_path: str = ""
    ) -> None:
        await self._call(self.put_writes, config, writes, task_id, task_path)

    async def adelete_thread(self, thread_id: str) -> None:
        await self._call(self.delete_thread, thread_id)

    async def aget_delta_channel_history(self, *, config: RunnableConfig, channels: Sequence[str]) -> Mapping[str, Any]:
        return await self._call(self.get_delta_channel_history, config=config, channels=channels)
