"""Card data masking and PII redaction (shopdesk.pii): what is masked, and what must be left alone."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path
from typing import Any

import psycopg
import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.runnables import RunnableConfig
from psycopg import sql
from starlette.responses import JSONResponse
from starlette.testclient import TestClient
from starlette.types import Receive, Scope, Send

from server.studio import MaskCardData
from shopdesk.learning import Example, export_dataset, load, record
from shopdesk.pii import RedactingFilter, luhn_valid, mask_customer_messages, mask_payment_data, redact, scrub
from shopdesk.ratelimit import RateLimit
from shopdesk.runtime import open_graph
from shopdesk.settings import Settings
from tests.support.cards import Card, files_holding, fresh_card


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("my card is 4539 1488 0343 6467", "my card is [card ending 6467]"),
        ("4539-1488-0343-6467 please", "[card ending 6467] please"),
        ("amex 378282246310005", "amex [card ending 0005]"),
        ("card 4539148803436467, cvv 737", "card [card ending 6467], cvv [removed]"),
        ("the security code is 7373", "the security code is [removed]"),
        ("CVC: 123.", "CVC: [removed]."),
        ("123 is the cvv", "[removed] is the cvv"),
        ("Prüfnummer 456", "Prüfnummer [removed]"),
    ],
)
def test_card_numbers_and_cvvs_are_masked(text: str, masked: str) -> None:
    assert mask_payment_data(text) == masked
    assert mask_payment_data(masked) == masked, "masking twice changes nothing"


@pytest.mark.parametrize(
    "text",
    [
        "order #W2378156 for $249.99",
        "4539 1488 0343 6468 (fails the Luhn check)",
        "my zip is 80280, I ordered 3 items on 2026-10-29",
        "call 555 123 4567",
        "I have 2 orders, 123 and 456",
    ],
)
def test_other_numbers_are_left_alone(text: str) -> None:
    assert mask_payment_data(text) == text


def test_luhn() -> None:
    assert luhn_valid("4539148803436467") and not luhn_valid("4539148803436468")


def test_redaction_replaces_the_configured_kinds_only() -> None:
    text = "Mail jo.doe@example.com, call +1 (555) 123-4567, ship to 12 Main Street, Apt 4, card 4539148803436467"
    everything = redact(text)
    assert everything == "Mail [email], call [phone], ship to [address], card [card ending 6467]"
    assert redact(text, ["email"]) == (
        "Mail [email], call +1 (555) 123-4567, ship to 12 Main Street, Apt 4, card [card ending 6467]"
    )
    assert redact("Hauptstraße 5, 10115 Berlin") == "[address], 10115 Berlin"
    assert redact("order #W2378156 total $1234.56 on 2026-10-29") == "order #W2378156 total $1234.56 on 2026-10-29"
    access = '192.168.100.200:51234 - "POST /v1/conversations HTTP/1.1" 201'
    assert redact(access) == access


def test_scrub_walks_json_like_values() -> None:
    value = {"text": "4539148803436467", "args": ["cvv 123", 5, None], "key": {"n": 4539148803436467}}
    assert scrub(value) == {
        "text": "[card ending 6467]",
        "args": ["cvv [removed]", 5, None],
        "key": {"n": 4539148803436467},
    }


def test_log_lines_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("tests.pii")
    caplog.handler.addFilter(RedactingFilter(["email"]))
    with caplog.at_level(logging.INFO, logger="tests.pii"):
        logger.info("customer %s paid with %s", "jo@example.com", "4539 1488 0343 6467")
    assert caplog.messages == ["customer [email] paid with [card ending 6467]"]


def test_token_buckets_allow_bursts_then_the_steady_rate() -> None:
    limit = RateLimit(per_minute=60, burst=2)
    assert [limit.allow("a", now=0.0) for _ in range(3)] == [True, True, False]
    assert limit.allow("b", now=0.0), "keys are independent"
    assert limit.allow("a", now=1.0) and not limit.allow("a", now=1.0), "one more per second"
    assert limit.retry_after_s("a") == pytest.approx(1.0)


async def _say_unmasked(settings: Settings, card: Card) -> list[str]:
    """A message with a card number put into the graph's state directly, as Studio and SDK clients do (no API in
    front to mask it): what the conversation holds afterwards."""
    async with open_graph(settings) as graph:
        config: RunnableConfig = {"configurable": {"thread_id": "studio-1"}}
        said = {"messages": [HumanMessage(f"my card {card.typed} was charged twice, cvv 737")]}
        await graph.ainvoke(said, config)
        messages = (await graph.aget_state(config)).values["messages"]
    return [str(message.content) for message in messages]


async def test_a_card_number_put_into_the_graph_reaches_no_checkpoint_on_sqlite(app: Settings) -> None:
    card = fresh_card()
    messages = await _say_unmasked(app, card)
    assert messages[0] == f"my card {card.masked} was charged twice, cvv [removed]"
    # The run's input, the first step's writes and every checkpoint are on disk in the data folder.
    assert (app.data_dir / "checkpoints.sqlite").is_file()
    assert files_holding(card, app.data_dir) == []


async def test_a_card_number_put_into_the_graph_reaches_no_checkpoint_on_postgres(app: Settings, pg_url: str) -> None:
    card = fresh_card()
    messages = await _say_unmasked(app.model_copy(update={"checkpoint_url": pg_url}), card)
    assert messages[0] == f"my card {card.masked} was charged twice, cvv [removed]"
    stored: list[bytes] = []
    with psycopg.connect(pg_url) as connection:
        for table in ("checkpoints", "checkpoint_blobs", "checkpoint_writes"):
            rows = connection.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(table))).fetchall()
            assert rows or table == "checkpoint_blobs", f"nothing was checkpointed in {table}"
            stored += [value if isinstance(value, bytes) else str(value).encode() for row in rows for value in row]
    assert any(card.masked.encode() in value for value in stored), "the masked message was checkpointed"
    assert not [value for value in stored for trace in card.traces if trace in value]


def test_a_learning_export_is_private_and_redacted(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'examples.db'}"
    turns = ("My card 4539 1488 0343 6467 cvv 123 was charged twice, mail me at jo.doe@example.com",)
    record(
        db_url, Example(key="k1", conversation_id="c1", kind="reply", agent="a", human_action={}, customer_turns=turns)
    )
    stored = load(db_url)[0]["customer_turns"][0]
    assert "[card ending 6467]" in stored and "cvv [removed]" in stored and "jo.doe@example.com" in stored
    out = tmp_path / "export" / "learning.jsonl"
    assert export_dataset(db_url, out) == 1
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    exported = out.read_text(encoding="utf-8")
    assert "[email]" in exported and "jo.doe" not in exported and "4539" not in exported


def test_customer_messages_are_masked_in_every_form_and_nothing_else_is() -> None:
    card = fresh_card()
    said = f"card {card.typed}"
    masked = f"card {card.masked}"
    customer = HumanMessage(said)
    value: dict[str, Any] = {
        "messages": [customer, AIMessage(f"tracking {card.typed}"), ToolMessage(card.typed, tool_call_id="t")],
        "input": {"messages": [{"role": "user", "content": said}, {"role": "assistant", "content": card.typed}]},
        "blocks": [{"type": "human", "content": [{"type": "text", "text": said}, said]}],
        "pairs": [("user", said), ("ai", card.typed)],
        "bare": {"messages": said},
        "listed": {"messages": [said]},
        "other": {"tracking": card.typed},
    }
    out = mask_customer_messages(value)
    assert out["messages"][0].content == masked and out["messages"][0].id == customer.id
    assert [m.content for m in out["messages"][1:]] == [f"tracking {card.typed}", card.typed]
    assert out["input"]["messages"][0] == {"role": "user", "content": masked}
    assert out["input"]["messages"][1] == {"role": "assistant", "content": card.typed}
    assert out["blocks"][0]["content"] == [{"type": "text", "text": masked}, masked]
    assert out["pairs"] == [("user", masked), ("ai", card.typed)]
    assert out["bare"] == {"messages": masked} and out["listed"] == {"messages": [masked]}
    assert out["other"] == {"tracking": card.typed}, "only what a customer typed"
    assert customer.content == said, "the value itself is left as it was"
    clean = {"messages": [HumanMessage("where is order #W2378156?")], "evidence": [{"id": "e1"}]}
    assert mask_customer_messages(clean) is clean


def test_the_studio_door_masks_request_bodies_before_the_server_reads_them() -> None:
    async def echo(scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        length = dict(scope["headers"]).get(b"content-length", b"")
        await JSONResponse({"body": body.decode(), "length": length.decode()})(scope, receive, send)

    card = fresh_card()
    client = TestClient(MaskCardData(echo))  # no lifespan: the echo speaks HTTP only
    run = {"input": {"messages": [{"role": "user", "content": f"card {card.typed} cvv 123"}]}}
    seen = client.post("/threads/t/runs/wait", json=run).json()
    assert json.loads(seen["body"]) == {
        "input": {"messages": [{"role": "user", "content": f"card {card.masked} cvv [removed]"}]}
    }
    assert int(seen["length"]) == len(seen["body"].encode())
    chunks = iter([b'{"values": {"messages": [{"type": "human", ', f'"content": "{card.typed}"}}]}}}}'.encode()])
    seen = client.post("/threads/t/state", content=chunks, headers={"content-type": "application/json"}).json()
    assert json.loads(seen["body"]) == {"values": {"messages": [{"type": "human", "content": card.masked}]}}
    not_json = f"card {card.typed} {{"
    assert client.post("/x", content=not_json, headers={"content-type": "application/json"}).json()["body"] == (
        not_json
    ), "the server answers a body that is no JSON itself"
    assert client.get("/threads").json()["body"] == ""
