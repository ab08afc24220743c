"""The answer set's format and scorer: required facts (with alternatives), forbidden facts, placeholders."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from evals.answers import (
    AnswerCase,
    AnswerDatasetError,
    fill,
    load_answer_dataset,
    metrics,
    score_reply,
    situation_orders,
)
from shop.seed import SEED_NOW


def write(tmp_path: Path, *rows: object) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_rows_are_read_and_checked(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "id": "a",
            "question": "How much is a label from the UK?",
            "must": [["$12.95", "12.95 USD"]],
            "must_not": ["$9.95"],
        },
        {"id": "b", "turns": ["hi", "where is {late.order}?"], "must": ["late"], "category": "orders"},
    )
    first, second = load_answer_dataset(path)
    assert first.turns == ["How much is a label from the UK?"] and first.must == [["$12.95", "12.95 USD"]]
    assert second.category == "orders" and second.must_not == []
    for bad in ({"id": "c", "turns": []}, {"id": "d", "turns": ["x"]}, {"id": "e", "turns": ["x"], "must": [3]}):
        with pytest.raises(AnswerDatasetError):
            load_answer_dataset(write(tmp_path, bad))
    with pytest.raises(AnswerDatasetError, match="duplicate"):
        load_answer_dataset(
            write(tmp_path, {"id": "a", "turns": ["x"], "must": ["y"]}, {"id": "a", "turns": ["x"], "must": ["y"]})
        )


def test_lines_are_split_as_jsonl_is_written(tmp_path: Path) -> None:
    # A text written unescaped may hold a line separator of Unicode's (U+2028): it is part of the row, not a new line.
    path = tmp_path / "set.jsonl"
    row = {"id": "u", "turns": ["first line\u2028second line"], "must": ["x"]}
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n\n" + json.dumps({**row, "id": "v"}) + "\n", "utf-8")
    assert [case.id for case in load_answer_dataset(path)] == ["u", "v"]
    with pytest.raises(AnswerDatasetError, match=r"set.jsonl:3: duplicate id 'u'"):
        path.write_text(json.dumps(row) + "\n\n" + json.dumps(row) + "\n", "utf-8")
        load_answer_dataset(path)


def test_scoring_normalises_markdown_dashes_and_case() -> None:
    case = AnswerCase("x", ["q"], [["5-7 business days"], ["**shipped**", "shipped"]], ["$9.95"])
    assert score_reply(case, "Your order is **Shipped**; refunds take 5–7  business days.")["complete"]
    scored = score_reply(case, "It costs $9.95 and takes 5-7 business days.")
    assert not scored["complete"] and scored["forbidden"] and scored["missing"] == [["**shipped**", "shipped"]]
    records = [{"complete": True, "forbidden": False, "category": "a", "latency_ms": 10.0},
               {"complete": False, "forbidden": True, "category": "b", "latency_ms": 30.0}]  # fmt: skip
    summary = metrics(records)
    assert summary["complete_share"] == 0.5 and summary["forbidden"] == 1 and summary["latency_ms_p50"] == 20.0


def test_placeholders_pick_seeded_orders_by_situation(demo_db_url: str) -> None:
    chosen = situation_orders(demo_db_url, SEED_NOW + timedelta(hours=3))
    for situation in ("pending", "processed", "late", "on_time", "recent_delivery", "old_delivery"):
        assert (situation, "") in chosen, situation
    text = fill("I'm {late.email}, where is {late.order} ({late.carrier})?", chosen)
    assert chosen[("late", "")]["order"] in text and "{" not in text
    with pytest.raises(AnswerDatasetError):
        fill("{late_atlantis.order}", chosen)
