"""The learning loop's first step: every decision a person makes on a conversation, kept as a labelled example.

A takeover, a reply (and whether it edited the bot's suggestion), an approval decision, a forward, a hand-back or a
resolution is stored with what the bot proposed, what the person did and why. `export_dataset` writes them in the
evaluation runner's JSONL format, so what people fix by hand becomes tomorrow's regression set.

The table lives beside the shop data in its own MetaData (shop dumps and seeds ignore it). Each example has a unique
key, so a replayed graph step never records the same decision twice.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Engine, Integer, MetaData, String, Table, Text, insert, select
from sqlalchemy.exc import IntegrityError

from shop.db import engine_for
from shopdesk.pii import mask_payment_data, redacted, scrub

metadata = MetaData()

examples = Table(
    "labelled_examples",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("conversation_id", String(80), nullable=False, index=True),
    # takeover | reply | edit | note | tool | approval | forward | handback | resolve
    Column("kind", String(20), nullable=False, index=True),
    Column("agent", String(120), nullable=False),
    Column("intent", String(40)),
    Column("reasons", JSON, nullable=False, default=list),
    Column("customer_turns", JSON, nullable=False, default=list),
    Column("bot_proposal", JSON),
    Column("human_action", JSON, nullable=False),
    Column("why", Text, nullable=False, default=""),
    Column("created_at", DateTime, nullable=False),
)

_ready: set[str] = set()


def _engine(db_url: str) -> Engine:
    engine = engine_for(db_url)
    if db_url not in _ready:
        metadata.create_all(engine)
        _ready.add(db_url)
    return engine


@dataclass(frozen=True)
class Example:
    key: str
    conversation_id: str
    kind: str
    agent: str
    human_action: dict[str, Any]
    intent: str | None = None
    reasons: tuple[str, ...] = ()
    customer_turns: tuple[str, ...] = ()
    bot_proposal: dict[str, Any] | None = None
    why: str = ""


def record(db_url: str, example: Example) -> bool:
    """Store an example once; False when its key was recorded before (a replayed step). Card data in any of its
    texts (a customer's turn, a person's reply or arguments) is masked first: examples are kept for good."""
    row = {
        "key": example.key,
        "conversation_id": example.conversation_id,
        "kind": example.kind,
        "agent": example.agent,
        "intent": example.intent,
        "reasons": list(example.reasons),
        "customer_turns": list(example.customer_turns),
        "bot_proposal": example.bot_proposal,
        "human_action": example.human_action,
        "why": example.why,
        "created_at": datetime.now(UTC).replace(tzinfo=None),
    }
    row = scrub(row, mask_payment_data)
    try:
        with _engine(db_url).begin() as connection:
            connection.execute(insert(examples).values(**row))
    except IntegrityError:
        return False
    return True


def load(db_url: str, conversation_id: str | None = None) -> list[dict[str, Any]]:
    query = select(examples).order_by(examples.c.id)
    if conversation_id:
        query = query.where(examples.c.conversation_id == conversation_id)
    with _engine(db_url).connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


def as_eval_rows(rows: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """One runner conversation per decision: the customer's turns up to it, and what should have happened.

    Every example was a case a person had to handle, so `escalate` is expected true, except after a hand-back, which
    says the bot should carry on. Replies keep the person's text as `reference_reply` for reply-quality evaluation;
    approvals keep the approved action in `tools` (none when rejected).
    """
    for row in rows:
        if not row["customer_turns"]:
            continue
        expected: dict[str, Any] = {"escalate": row["kind"] != "handback"}
        if row["intent"]:
            expected["intent"] = row["intent"]
        action = row["human_action"] or {}
        if row["kind"] in ("reply", "edit", "takeover") and action.get("text"):
            expected["reference_reply"] = action["text"]
        if row["kind"] == "approval":
            approved = action.get("decision") in ("approve", "edit")
            expected["tools"] = [action.get("action")] if approved and action.get("action") else []
        yield {
            "id": f"{row['conversation_id']}:{row['id']}:{row['kind']}",
            "turns": list(row["customer_turns"]),
            "expected": expected,
            "label": {
                "kind": row["kind"],
                "agent": row["agent"],
                "reasons": row["reasons"],
                "bot_proposal": row["bot_proposal"],
                "human_action": action,
                "why": row["why"],
            },
        }


def export_dataset(db_url: str, out: Path, conversation_id: str | None = None) -> int:
    """Write the labelled examples as a runner dataset (JSONL); returns how many lines were written. The file
    leaves the desk (to whoever runs evaluations): PII is redacted as Settings.redact says."""
    rows = [redacted(row) for row in as_eval_rows(load(db_url, conversation_id))]
    out.parent.mkdir(parents=True, exist_ok=True)
    # 0600 whatever the caller's umask: customers' words are in it.
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as sink:
        for row in rows:
            sink.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    return len(rows)
