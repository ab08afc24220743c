"""The demo shop's documents state each deadline once: two documents that give a different number of days for
the same thing leave the bot's answer to whichever passage retrieval happens to rank first."""

from __future__ import annotations

import re
from pathlib import Path

from shopdesk.settings import PROJECT_ROOT

DEMO_DOCS = PROJECT_ROOT / "knowledge" / "docs" / "demo"

# A deadline is "<number> days" or "<number>-day" in a sentence; what it is a deadline for is read from the
# sentence's own words, so a new document or a reworded sentence is checked without listing it here.
_DAYS = re.compile(r"\b(\d+)(?:\s+days\b|-day\b)")
_TOPICS: dict[str, re.Pattern[str]] = {
    "damaged in transit": re.compile(r"\b(?:arrived|arrives|arrive) damaged\b|\bdamaged? in transit\b"),
    "return window": re.compile(r"\b(?:start a return|return window|to return|exchange an item|returns? started)\b"),
}


def _sentences(folder: Path) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for path in sorted(folder.glob("*.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        text = re.sub(r"\s+", " ", body)
        found.extend((path.name, s) for s in re.split(r"(?<=[.!?])\s+", text) if s)
    return found


def _deadlines(topic: str, folder: Path = DEMO_DOCS) -> dict[int, list[str]]:
    days: dict[int, list[str]] = {}
    for name, sentence in _sentences(folder):
        lowered = sentence.lower()
        if not _TOPICS[topic].search(lowered):
            continue
        # A sentence about damage in transit that also names the return window keeps the two apart by clause.
        for clause in re.split(r";|,\s+(?=a\s|an\s|the\s)", lowered):
            if _TOPICS[topic].search(clause):
                for n in _DAYS.findall(clause):
                    days.setdefault(int(n), []).append(f"{name}: {sentence}")
    return days


def test_the_documents_give_one_deadline_for_reporting_a_parcel_damaged_in_transit() -> None:
    days = _deadlines("damaged in transit")
    assert set(days) == {7}, days


def test_the_documents_give_one_return_window() -> None:
    days = _deadlines("return window")
    assert set(days) == {30}, days


def test_the_damage_deadline_is_found_in_both_the_shipping_and_the_returns_policy() -> None:
    # Both documents answer "my parcel arrived damaged": the check above means something only if both are read.
    sources = {entry.split(":", 1)[0] for entry in _deadlines("damaged in transit").get(7, [])}
    assert {"shipping.md", "returns.md"} <= sources, sources


def test_a_second_deadline_for_the_same_thing_would_be_caught(tmp_path: Path) -> None:
    for doc in DEMO_DOCS.glob("*.md"):
        (tmp_path / doc.name).write_text(doc.read_text(encoding="utf-8"), encoding="utf-8")
    returns = tmp_path / "returns.md"
    text = returns.read_text(encoding="utf-8")
    assert "within 7 days of delivery" in text
    returns.write_text(text.replace("within 7 days of delivery", "within 30 days of delivery"), encoding="utf-8")
    assert set(_deadlines("damaged in transit", tmp_path)) == {7, 30}
