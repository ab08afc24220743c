"""The evaluation runner: bad datasets fail clearly; a small dataset runs through the whole graph with metrics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.__main__ import main
from evals.runner import Conversation, DatasetError, compute_metrics, load_dataset
from tests.support.app import copy_shop, use_app_settings


def write(path: Path, *rows: object) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", ":1: not valid JSON"),
        (json.dumps({"id": "x", "turns": []}), "'turns' must be a non-empty list"),
        (json.dumps({"id": "x", "turns": ["hi"], "expected": [1]}), "'expected' must be an object"),
    ],
)
def test_bad_lines_are_named(tmp_path: Path, line: str, message: str) -> None:
    with pytest.raises(DatasetError, match=message):
        load_dataset(write(tmp_path / "bad.jsonl", line))


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    row = {"id": "same", "turns": ["hi"]}
    with pytest.raises(DatasetError, match="duplicate id 'same'"):
        load_dataset(write(tmp_path / "dup.jsonl", row, row))


def test_metrics_count_what_is_expected() -> None:
    conversations = [
        Conversation("a", ["x"], {"intent": "order_status", "escalate": True}),
        Conversation("b", ["x"], {"intent": "refund_policy", "escalate": False, "facts": ["30 days"]}),
        Conversation("c", ["x"], {"escalate": False, "tools": ["get_order_details"]}),
    ]
    predictions = [
        {"id": "a", "intent": "order_status", "escalate": True, "tools": [], "reply": "", "latency_ms": 10},
        {
            "id": "b",
            "intent": "order_status",
            "escalate": True,
            "tools": [],
            "reply": "within 30 days",
            "latency_ms": 30,
        },
        {"id": "c", "intent": "x", "escalate": False, "tools": ["get_order_details"], "reply": "", "latency_ms": 20},
    ]
    metrics = compute_metrics(conversations, predictions)
    assert metrics["intent_accuracy"] == 0.5
    assert metrics["escalation_recall"] == 1.0 and metrics["escalation_precision"] == 0.5
    assert metrics["false_escalation_rate"] == 0.5
    assert metrics["tool_match"] == 1.0 and metrics["fact_match"] == 1.0
    assert metrics["latency_ms_p50"] == 20


def test_cli_runs_the_graph_and_writes_predictions(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, demo_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    use_app_settings(monkeypatch, tmp_path, copy_shop(demo_db_url, tmp_path))
    dataset = write(
        tmp_path / "set.jsonl",
        {"id": "greet", "turns": ["hello!"], "expected": {"intent": "greeting_thanks", "escalate": False}},
        {"id": "human", "turns": ["hi", "I want a human agent now"], "expected": {"escalate": True}},
        {"id": "policy", "turns": ["how long do I have to return something?"], "expected": {"facts": ["30 days"]}},
    )
    out = tmp_path / "pred.jsonl"
    assert main(["run", "--dataset", str(dataset), "--out", str(out)]) == 0
    predictions = {p["id"]: p for p in map(json.loads, out.read_text().splitlines())}
    assert set(predictions) == {"greet", "human", "policy"}
    assert predictions["human"]["escalate"] is True and "human_requested" in predictions["human"]["escalation_reasons"]
    assert predictions["greet"]["intent"] == "greeting_thanks" and predictions["greet"]["escalate"] is False
    assert "30 days" in predictions["policy"]["reply"]
    assert all(p["latency_ms"] > 0 and set(p) >= {"confidence", "tools", "reply"} for p in predictions.values())
    printed = capsys.readouterr().out
    metrics = json.loads(printed[printed.index("{") :])
    assert metrics["conversations"] == 3
    assert metrics["intent_accuracy"] == 1.0 and metrics["escalation_recall"] == 1.0
    assert metrics["false_escalation_rate"] == 0.0 and metrics["fact_match"] == 1.0


def test_cli_reports_a_missing_dataset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--dataset", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "p.jsonl")]) == 2
    assert "no dataset file" in capsys.readouterr().err


def test_langsmith_evaluate_runs_locally_without_a_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, demo_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    use_app_settings(monkeypatch, tmp_path, copy_shop(demo_db_url, tmp_path))
    for name in ("LANGSMITH_API_KEY", "LANGCHAIN_API_KEY", "LANGSMITH_TRACING"):
        monkeypatch.delenv(name, raising=False)
    dataset = write(
        tmp_path / "set.jsonl",
        {"id": "greet", "turns": ["good morning"], "expected": {"intent": "greeting_thanks", "escalate": False}},
        {"id": "human", "turns": ["let me talk to a real person"], "expected": {"escalate": True}},
    )
    assert main(["run", "--dataset", str(dataset), "--langsmith"]) == 0
    printed = capsys.readouterr().out
    metrics = json.loads(printed[printed.index("{") :])
    assert metrics["conversations"] == 2
    assert metrics["intent_accuracy"] == 1.0 and metrics["escalation_recall"] == 1.0
