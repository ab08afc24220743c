"""Card data masking and PII redaction (shopdesk.pii): what is masked, and what must be left alone."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage
from langchain_core.runnables import RunnableConfig

from shopdesk.learning import Example, export_dataset, load, record
from shopdesk.pii import RedactingFilter, luhn_valid, mask_payment_data, redact, scrub
from shopdesk.ratelimit import RateLimit
from shopdesk.runtime import open_graph
from shopdesk.settings import Settings


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


async def test_the_graph_masks_a_message_that_reached_it_unmasked(app: Settings) -> None:
    """Studio and SDK clients put messages into the state directly: the first node masks them for good."""
    async with open_graph(app) as graph:
        config: RunnableConfig = {"configurable": {"thread_id": "studio-1"}}
        await graph.ainvoke({"messages": [HumanMessage("my card 4539 1488 0343 6467 was charged twice")]}, config)
        messages = (await graph.aget_state(config)).values["messages"]
    assert str(messages[0].content) == "my card [card ending 6467] was charged twice"
    assert all("4539" not in str(message.content) for message in messages)


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
