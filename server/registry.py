"""A small index of conversations beside the shop data: what the agents' queue reads without opening checkpoints.

The checkpointer stays the source of truth for a conversation; this table is rewritten from it after every
turn, so it can always be rebuilt. It lives in its own MetaData, not the shop's, so shop dumps and seeds ignore it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Engine, MetaData, String, Table, Text, Update, bindparam, select, update

from shop.db import create_tables, engine_for

metadata = MetaData()

conversations = Table(
    "desk_conversations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("shop_id", String(64), nullable=False, index=True),
    Column("customer_id", String(64)),
    Column("customer_name", String(200)),
    Column("status", String(32), nullable=False, index=True),
    # "handoff" or "approval" while the graph waits for a person, else NULL.
    Column("pending", String(16)),
    Column("priority", String(16), nullable=False, default="normal"),
    Column("reasons", JSON, nullable=False, default=list),
    Column("summary", Text, nullable=False, default=""),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    # Since when a person owes the customer an answer; NULL when nobody is waiting.
    Column("waiting_since", DateTime),
    Column("claimed_by", String(64)),
)

PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}


def utcnow() -> datetime:
    # Naive UTC: SQLite has no time zones, and PostgreSQL's "timestamp without time zone" then round-trips equal.
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Entry:
    id: str
    shop_id: str
    customer_id: str | None
    customer_name: str | None
    status: str
    pending: str | None
    priority: str
    reasons: list[str]
    summary: str
    created_at: datetime
    updated_at: datetime
    waiting_since: datetime | None
    claimed_by: str | None

    @classmethod
    def from_row(cls, row: Any) -> Entry:
        return cls(**{key: row._mapping[key] for key in cls.__dataclass_fields__})


# Every turn reads its conversation's row: built once, so SQLAlchemy only binds the id.
_BY_ID = select(conversations).where(conversations.c.id == bindparam("conversation_id"))


class Registry:
    def __init__(self, db_url: str) -> None:
        self.engine: Engine = engine_for(db_url)
        create_tables(metadata, self.engine)

    def create(self, conversation_id: str, shop_id: str, customer_id: str | None, status: str) -> Entry:
        now = utcnow()
        with self.engine.begin() as connection:
            connection.execute(
                conversations.insert().values(
                    id=conversation_id,
                    shop_id=shop_id,
                    customer_id=customer_id,
                    status=status,
                    priority="normal",
                    reasons=[],
                    summary="",
                    created_at=now,
                    updated_at=now,
                )
            )
        entry = self.get(conversation_id)
        assert entry is not None
        return entry

    def get(self, conversation_id: str) -> Entry | None:
        with self.engine.connect() as connection:
            row = connection.execute(_BY_ID, {"conversation_id": conversation_id}).first()
        return Entry.from_row(row) if row else None

    def update(self, conversation_id: str, **values: Any) -> Entry | None:
        """Set the values and return the row as written (None if there is no such conversation)."""
        statement = update(conversations).where(conversations.c.id == conversation_id)
        return self._written(statement.values(**values, updated_at=utcnow()))

    def claim(self, conversation_id: str, agent_id: str, *, override: bool = False) -> Entry | None:
        """Claim for an agent in one statement, unless another agent holds it (a supervisor may `override`).

        None when someone else holds it: two agents clicking at once cannot both win."""
        statement = update(conversations).where(conversations.c.id == conversation_id)
        if not override:
            free = conversations.c.claimed_by.is_(None) | (conversations.c.claimed_by == agent_id)
            statement = statement.where(free)
        return self._written(statement.values(claimed_by=agent_id, updated_at=utcnow()))

    def _written(self, statement: Update) -> Entry | None:
        """Run an update of one conversation and return its row as written, or None if no row matched."""
        with self.engine.begin() as connection:
            row = connection.execute(statement.returning(*conversations.c)).first()
        return Entry.from_row(row) if row else None

    def with_people(self, statuses: tuple[str, ...], claimed_by: str | None = None, limit: int = 200) -> list[Entry]:
        """Open cases people hold (answered or not), most recently active first."""
        query = select(conversations).where(conversations.c.status.in_(statuses))
        if claimed_by:
            query = query.where(conversations.c.claimed_by == claimed_by)
        query = query.order_by(conversations.c.updated_at.desc()).limit(limit)
        with self.engine.connect() as connection:
            return [Entry.from_row(row) for row in connection.execute(query)]

    def waiting(self, shop_id: str | None = None) -> list[Entry]:
        """Conversations where a person owes an answer or a decision, most urgent and longest waiting first."""
        query = select(conversations).where(conversations.c.pending.is_not(None))
        if shop_id:
            query = query.where(conversations.c.shop_id == shop_id)
        with self.engine.connect() as connection:
            entries = [Entry.from_row(row) for row in connection.execute(query)]
        return sorted(entries, key=lambda e: (PRIORITY_RANK.get(e.priority, 2), e.waiting_since or e.updated_at, e.id))
