"""Engine and session handling for the shop database (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from shop.models import Base


def busy_timeout_ms() -> int:
    """How long a SQLite connection waits for another writer (Settings.sqlite_busy_timeout_ms): short, so that a
    database someone holds locked gives a prompt 503 rather than requests that hang."""
    from shopdesk.settings import get_settings

    return get_settings().sqlite_busy_timeout_ms


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the API server read while a tool writes; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    # First: switching to WAL waits for a lock like anything else.
    cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms():d}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for a database URL; SQLite files get their folder created and sane pragmas."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True)


def create_tables(metadata: MetaData, engine: Engine, attempts: int = 5) -> None:
    """Create missing tables, also when another process (a second server worker) is creating them right now.

    create_all checks, then creates. Two processes can both see a table missing, and the slower one's CREATE fails
    because the table now exists; on SQLite it can also find the database locked (a reading transaction may not
    wait to start writing). Checking again a moment later then finds the tables."""
    for attempt in range(attempts):
        try:
            metadata.create_all(engine)
            add_missing_columns(metadata, engine)
            return
        except DBAPIError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def add_missing_columns(metadata: MetaData, engine: Engine) -> None:
    """Add the nullable columns and the indexes a newer model has and an existing database lacks
    (``products.attributes``, the one-voucher-per-order index): a shop created by an older version keeps working,
    with the new facts empty until its catalog fills them, and the new guarantees held from now on."""
    from sqlalchemy import inspect, text

    inspector = inspect(engine)
    present = set(inspector.get_table_names())
    for table in metadata.sorted_tables:
        if table.name not in present:
            continue
        have = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in have or not column.nullable or column.primary_key:
                continue
            kind = column.type.compile(dialect=engine.dialect)
            with engine.begin() as connection:
                connection.execute(text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}'))
        indexes = {index["name"] for index in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in indexes:
                index.create(engine)


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One engine (and connection pool) per URL for the whole process."""
    engine = make_engine(url)
    create_tables(Base.metadata, engine)
    return engine


@lru_cache(maxsize=8)
def session_factory(url: str) -> sessionmaker[Session]:
    # Cached like the engine: building a sessionmaker sets up its event dispatch, a cost every tool call paid.
    return sessionmaker(bind=engine_for(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
