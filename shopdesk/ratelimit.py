"""Token buckets: how often one client may do something costly or guessable (look up identities, open
conversations), to slow down enumeration of customers and floods of new conversations.

The buckets live in a database (`SharedBuckets`, the shop's by default: Settings.rate_limits) so that every server
worker and machine draws from the same one: with buckets per process, N workers gave a client N times the rate.
In-process buckets remain for a single process (`rate_limits = "process"`, tools run outside the server).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Column, Connection, Engine, Float, MetaData, String, Table, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.elements import ColumnElement

from shop.db import busy_timeout_ms, create_tables, engine_for

log = logging.getLogger(__name__)


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimit:
    """`per_minute` steady rate with bursts of up to `burst`, per key (a client address and a shop, a conversation).

    With a `store`, the buckets are shared by everyone using that store; `now` is then wall-clock time (the
    machines' clocks, not each process's monotonic one)."""

    def __init__(
        self, per_minute: float, burst: int, max_keys: int = 100_000, store: SharedBuckets | None = None
    ) -> None:
        self.rate_s = per_minute / 60.0
        self.burst = float(burst)
        self.max_keys = max_keys
        self.store = store
        self._buckets: dict[str, _Bucket] = {}
        # Tools run on worker threads; the check and the take must be one step.
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> bool:
        """Take one token for `key`; False when its bucket is empty (the caller refuses the request)."""
        if self.store is not None:
            return self.store.take(key, self.rate_s, self.burst, time.time() if now is None else now)
        now = time.monotonic() if now is None else now
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= self.max_keys:
                    self._forget_full(now)
                bucket = self._buckets[key] = _Bucket(self.burst, now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate_s)
            bucket.at = now
            if bucket.tokens < 1.0:
                return False
            bucket.tokens -= 1.0
            return True

    def retry_after_s(self, key: str, now: float | None = None) -> float:
        """Seconds until `key` may try again (for a Retry-After header)."""
        if self.store is not None:
            tokens = self.store.tokens(key, self.rate_s, self.burst, time.time() if now is None else now)
        else:
            with self._lock:
                bucket = self._buckets.get(key)
                tokens = bucket.tokens if bucket else self.burst
        return max(1.0 - tokens, 0.0) / self.rate_s

    def clear(self) -> None:
        """Forget every bucket; for tests."""
        with self._lock:
            self._buckets.clear()
        if self.store is not None:
            self.store.clear()

    def _forget_full(self, now: float) -> None:
        # Keys whose buckets have refilled hold no information: dropping them bounds the memory a flood of keys takes.
        refill_s = self.burst / self.rate_s
        self._buckets = {k: b for k, b in self._buckets.items() if now - b.at < refill_s}


metadata = MetaData()

buckets = Table(
    "rate_limit_buckets",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("tokens", Float, nullable=False),
    # Wall-clock seconds of the last take.
    Column("at", Float, nullable=False, index=True),
)

# One new key in this many also sweeps out the buckets that have long refilled (they hold no information).
_SWEEP_ONE_IN = 200


# A take waits this long at most for another writer of a SQLite file: identity look-ups run on the event loop
# where the shop's data is local (graph.services.Services.run_blocking), which must not wait for a locked database.
_SQLITE_WAIT_MS = 100


class SharedBuckets:
    """Token buckets in a table, each take one atomic statement: any number of processes and machines using the
    same database share every bucket, and two takes of the last token cannot both succeed.

    The shop's own engine (whoever replaces the shop's file disposes of it), the table made where it is missing.
    A database that cannot take the write right now (locked by another writer, unreachable) lets the request
    through, logged: a rate limit slows guessing down, and is not worth failing a customer's turn for."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        create_tables(metadata, engine_for(db_url))

    @property
    def engine(self) -> Engine:
        return engine_for(self.db_url)

    @staticmethod
    def _refilled(rate_s: float, burst: float, now: float) -> ColumnElement[float]:
        # A clock a little behind another machine's must not drain the bucket: time never runs backwards here.
        elapsed = case((buckets.c.at < now, now - buckets.c.at), else_=0.0)
        grown = buckets.c.tokens + elapsed * rate_s
        return case((grown > burst, burst), else_=grown)

    def take(self, key: str, rate_s: float, burst: float, now: float) -> bool:
        for attempt in range(2):
            try:
                return self._take(key, rate_s, burst, now)
            except DBAPIError as error:
                if attempt == 0 and _no_table(error):
                    # A shop file put in place after this process made the table (a fresh copy for a test run).
                    create_tables(metadata, self.engine)
                    continue
                if attempt == 0 and _busy(error):
                    # Another writer held the file for the whole brief wait: one more brief wait usually gets in.
                    continue
                # A busy database is expected under load: one line says so; the stack only helps with the unexpected.
                log.warning(
                    "rate limit not counted: the database did not take the write (%s)",
                    error.orig,
                    exc_info=not _busy(error),
                )
                break
        return True

    def _take(self, key: str, rate_s: float, burst: float, now: float) -> bool:
        refilled = self._refilled(rate_s, burst, now)
        with self.engine.begin() as connection, _waiting_briefly(connection):
            for _ in range(2):
                taken = connection.execute(
                    update(buckets).where(buckets.c.key == key, refilled >= 1.0).values(tokens=refilled - 1.0, at=now)
                )
                if taken.rowcount:
                    return True
                created = connection.execute(self._insert_new(key, burst - 1.0, now)).first()
                if created is not None:
                    if random.randrange(_SWEEP_ONE_IN) == 0:
                        connection.execute(delete(buckets).where(buckets.c.at < now - burst / rate_s - 60.0))
                    return True
                # The bucket exists and is empty, or another process created it between the two statements: the
                # update decides again, on the row as committed now.
            return False

    def tokens(self, key: str, rate_s: float, burst: float, now: float) -> float:
        try:
            with self.engine.connect() as connection:
                value = connection.scalar(select(self._refilled(rate_s, burst, now)).where(buckets.c.key == key))
        except DBAPIError:
            return 0.0
        return burst if value is None else float(value)

    def _insert_new(self, key: str, tokens: float, now: float) -> Insert:
        # A key another process has just created is left alone (the update then takes from it).
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(buckets).values(key=key, tokens=tokens, at=now)
        # Whether a row was made, told by the row returned (PostgreSQL reports no row count for it).
        return statement.on_conflict_do_nothing(index_elements=["key"]).returning(buckets.c.key)

    def clear(self) -> None:
        try:
            with self.engine.begin() as connection:
                connection.execute(delete(buckets))
        except DBAPIError:
            log.info("no rate limit buckets to clear: the database is gone or never had them")


@contextmanager
def _waiting_briefly(connection: Connection) -> Iterator[None]:
    """The shop's busy timeout shortened for one take on SQLite, and restored for the pooled connection's next
    user."""
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql(f"PRAGMA busy_timeout={_SQLITE_WAIT_MS:d}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={busy_timeout_ms():d}")


def _busy(error: DBAPIError) -> bool:
    said = str(error.orig).lower()
    return "database is locked" in said or "database is busy" in said or "could not obtain lock" in said


def _no_table(error: DBAPIError) -> bool:
    said = str(error.orig)
    return buckets.name in said and ("no such table" in said or "does not exist" in said)
