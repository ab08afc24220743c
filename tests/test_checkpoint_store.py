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
