"""Shared fixtures: a seeded demo shop, the imported taubench shop, the dataset, and a throwaway PostgreSQL database.

The SQLite shops are built once per test session (seeding takes seconds); tests that write should make their own.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import select

from shop.db import engine_for
from shop.models import Base
from shop.seed import seed_demo
from shop.taubench import DATASET_DIR, import_taubench
from shopdesk.settings import Settings
from tests.support.app import CLOCK, copy_shop, reset_app_caches, use_app_settings
from tests.support.nlu import Analyse
from tests.support.people import app_on

REPO_ROOT = Path(__file__).resolve().parents[1]
# PostgreSQL runs on this machine with trust auth; override for a CI service container.
PG_ADMIN_URL = os.environ.get("SHOPDESK_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")

TableDump = dict[str, list[tuple[Any, ...]]]


def dump_tables(db_url: str) -> TableDump:
    """Every row of every shop table, ordered by primary key: equal dumps mean equal data."""
    engine = engine_for(db_url)
    dump: TableDump = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            rows = connection.execute(select(table).order_by(*table.primary_key.columns))
            dump[table.name] = [tuple(row) for row in rows]
    return dump


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """Identity look-ups are rate limited per conversation id in the process; tests reuse ids freely."""
    from tools.identity import reset_rate_limits

    reset_rate_limits()
    yield
    reset_rate_limits()


@pytest.fixture(scope="session")
def dataset_dir() -> Path:
    if not (DATASET_DIR / "orders.json").is_file():
        pytest.fail(f"taubench-retail dataset not found at {DATASET_DIR} (it ships in the repository)")
    return DATASET_DIR


@pytest.fixture(scope="session")
def demo_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The full demo shop (seed 7) in a SQLite file, seeded once per session. Treat it as read-only."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo-shop') / 'shop.db'}"
    summary = seed_demo(url, 7)
    assert summary.created, summary.message
    return url


@pytest.fixture(scope="session")
def taubench_db_url(tmp_path_factory: pytest.TempPathFactory, dataset_dir: Path) -> str:
    """The taubench retail shop imported into a SQLite file once per session. Treat it as read-only."""
    url = f"sqlite:///{tmp_path_factory.mktemp('taubench-shop') / 'shop.db'}"
    summary = import_taubench(dataset_dir, url)
    assert summary.created, summary.message
    return url


@pytest.fixture(scope="session")
def table_dump() -> Callable[[str], TableDump]:
    return dump_tables


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database, dropped afterwards. Fails (never skips) without PostgreSQL."""
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.fail(
            f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {error}\n"
            "These tests need a local PostgreSQL (trust auth, user postgres): start it, e.g. "
            "`service postgresql start`, or point SHOPDESK_TEST_PG_ADMIN_URL at one."
        )
    name = f"shopdesk_test_{os.getpid()}_{secrets.token_hex(4)}"
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        try:
            yield url
        finally:
            # The process-wide engine keeps pooled connections open; close them so the database can go.
            engine_for(url).dispose()
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, demo_db_url: str) -> Iterator[Settings]:
    """The whole application on a private copy of the demo shop (tests may write), its clock frozen at CLOCK."""
    yield use_app_settings(monkeypatch, tmp_path, copy_shop(demo_db_url, tmp_path), SHOPDESK_CLOCK=CLOCK.isoformat())
    reset_app_caches()


@pytest.fixture
def tau_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, taubench_db_url: str) -> Iterator[Settings]:
    """The whole application on a private copy of the tau-bench shop, as ``app_on`` sets it up."""
    yield app_on(monkeypatch, tmp_path, taubench_db_url)
    reset_app_caches()


@pytest.fixture
def demo_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, demo_db_url: str) -> Iterator[Settings]:
    """The whole application on a private copy of the demo shop, as ``app_on`` sets it up."""
    yield app_on(monkeypatch, tmp_path, demo_db_url)
    reset_app_caches()


@pytest.fixture(scope="module")
def analyse() -> Analyse:
    """The local analyser, one message at a time (loaded once per process)."""
    from graph.nlu.local import get_local_understanding

    analyser = get_local_understanding()
    return lambda text: analyser.analyse(text)
