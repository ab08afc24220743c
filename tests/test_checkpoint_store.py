"""The conversation store is prepared once by the set-up step, so server workers starting together only open it."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
from langgraph.checkpoint.postgres import PostgresSaver

from shopdesk.runtime import prepare_checkpoints
from shopdesk.settings import Settings


def test_sqlite_store_is_created_and_preparing_again_changes_nothing(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, checkpoint_url=str(tmp_path / "conversations" / "checkpoints.sqlite"))
    prepare_checkpoints(settings)
    prepare_checkpoints(settings)
    with sqlite3.connect(tmp_path / "conversations" / "checkpoints.sqlite") as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"checkpoints", "writes"} <= tables


def test_postgres_migrations_run_once_and_workers_then_find_them_done(pg_url: str) -> None:
    settings = Settings(checkpoint_url=pg_url)
    prepare_checkpoints(settings)
    with psycopg.connect(pg_url) as db:
        applied = db.execute("SELECT count(*) FROM checkpoint_migrations").fetchone()
    assert applied is not None and applied[0] > 0

    def open_like_a_worker(_: int) -> None:
        with PostgresSaver.from_conn_string(pg_url) as saver:
            saver.setup()

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(open_like_a_worker, range(4)))
    with psycopg.connect(pg_url) as db:
        assert db.execute("SELECT count(*) FROM checkpoint_migrations").fetchone() == applied


async def test_sqlite_store_files_are_langgraphs_own_format_both_ways(tmp_path: Path) -> None:
    """SqliteCheckpoints writes what AsyncSqliteSaver reads, and reads what it wrote: an existing conversation
    store carries over, and LangGraph's own tools can open ours. Pending writes (an interrupt) and listing too."""
    from langchain_core.messages import AIMessage, AnyMessage, HumanMessage
    from langchain_core.runnables import RunnableConfig
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
    from langgraph.graph import START, MessagesState, StateGraph
    from langgraph.types import Command, interrupt

    from shopdesk.checkpoints import SqliteCheckpoints

    async def ask(state: MessagesState) -> dict[str, list[AnyMessage]]:
        answer = interrupt({"question": "approve?"})
        return {"messages": [AIMessage(f"decided: {answer}")]}

    flow = StateGraph(MessagesState)
    flow.add_node(ask)
    flow.add_edge(START, "ask")
    path = str(tmp_path / "checkpoints.sqlite")
    config: RunnableConfig = {"configurable": {"thread_id": "t1"}}

    async with SqliteCheckpoints.open(path) as ours:
        paused = await flow.compile(checkpointer=ours).ainvoke({"messages": [HumanMessage("refund me")]}, config)
        assert paused["__interrupt__"][0].value == {"question": "approve?"}
    async with AsyncSqliteSaver.from_conn_string(path) as theirs:
        graph = flow.compile(checkpointer=theirs)
        assert (await graph.aget_state(config)).tasks[0].interrupts[0].value == {"question": "approve?"}
        await graph.ainvoke(Command(resume="yes"), config)
    async with SqliteCheckpoints.open(path) as ours:
        graph = flow.compile(checkpointer=ours)
        state = await graph.aget_state(config)
        assert [m.content for m in state.values["messages"]] == ["refund me", "decided: yes"]
        history = [c async for c in ours.alist(config)]
        assert len(history) >= 2 and history[0].config == state.config
        await ours.adelete_thread("t1")
        assert await ours.aget_tuple(config) is None
