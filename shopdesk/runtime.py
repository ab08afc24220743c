"""The application's graph: the Studio graph compiled with a persistent checkpointer.

SQLite by default, so a conversation (and a pending approval or takeover) survives a restart; PostgreSQL when
the checkpoint URL says so.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from langgraph.graph.state import CompiledStateGraph

from graph.builder import builder
from shopdesk.settings import Settings, get_settings


def reset_caches() -> None:
    """Forget the cached settings, services and engines, so the next caller reads the environment afresh (after a
    tool or a test pointed this process at another shop)."""
    from graph.llm.factory import _build
    from graph.services import clear_services

    get_settings.cache_clear()
    clear_services()
    _build.cache_clear()


def _on_postgres(target: str) -> bool:
    return target.startswith(("postgres://", "postgresql://"))


def prepare_checkpoints(settings: Settings | None = None) -> None:
    """Create the checkpoint tables (run PostgreSQL migrations) once, before several server workers open the store
    at the same moment and race each other to do it."""
    settings = settings or get_settings()
    target = settings.checkpoint_target
    if _on_postgres(target):
        from langgraph.checkpoint.postgres import PostgresSaver

        with PostgresSaver.from_conn_string(target) as postgres:
            postgres.setup()
        return
    from langgraph.checkpoint.sqlite import SqliteSaver

    Path(target).parent.mkdir(parents=True, exist_ok=True)
    with SqliteSaver.from_conn_string(target) as sqlite:
        sqlite.setup()


@asynccontextmanager
async def open_graph(settings: Settings | None = None) -> AsyncIterator[CompiledStateGraph[Any, Any, Any, Any]]:
    settings = settings or get_settings()
    target = settings.checkpoint_target
    if _on_postgres(target):
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

        from shopdesk.checkpoints import CardMaskingSerializer

        async with AsyncPostgresSaver.from_conn_string(target, serde=CardMaskingSerializer()) as saver:
            await saver.setup()
            yield builder.compile(checkpointer=saver)
        return
    from shopdesk.checkpoints import SqliteCheckpoints

    Path(target).parent.mkdir(parents=True, exist_ok=True)
    async with SqliteCheckpoints.open(target) as saver:
        yield builder.compile(checkpointer=saver)
