"""The evaluation runner: whole conversations through the whole graph, predictions out, metrics printed.

Input (JSONL), one conversation a line:
    {"id": ..., "turns": ["user text", ...],
     "expected": {"intent": ..., "escalate": bool, "tools": [...], "facts": [...]}}
Every expected field is optional. Output (JSONL), one line a conversation:
    {"id", "intent", "confidence", "escalate", "escalation_reasons", "tools", "reply", "latency_ms"}
with the understanding and the latency of the last turn. Conversations run on a private copy of the shop database,
so writes a conversation makes (a confirmed cancellation, say) never touch the real shop.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage
from langgraph.checkpoint.memory import InMemorySaver

from evals.rows import checked_turns, jsonl_rows, unique_id
from graph.context import Context
from graph.state import HUMAN_HELD


class DatasetError(ValueError):
    """A dataset line that cannot be evaluated; the message names the file and line."""


@dataclass
class Conversation:
    id: str
    turns: list[str]
    expected: dict[str, Any] = field(default_factory=dict)


def load_dataset(path: Path) -> list[Conversation]:
    conversations: list[Conversation] = []
    seen: set[str] = set()
    for where, number, row in jsonl_rows(path, DatasetError):
        turns = checked_turns(row.get("turns") if isinstance(row, dict) else None, where, DatasetError)
        conversation_id = unique_id(row, number, seen, where, DatasetError)
        expected = row.get("expected") or {}
        if not isinstance(expected, dict):
            raise DatasetError(f"{where}: 'expected' must be an object")
        conversations.append(Conversation(conversation_id, turns, expected))
    if not conversations:
        raise DatasetError(f"{path}: no conversations")
    return conversations


def private_shop_copy(db_url: str) -> tuple[str, Path | None]:
    """A throwaway copy of a SQLite shop (other databases are used as they are: point --db at a test one)."""
    if not db_url.startswith("sqlite:///"):
        return db_url, None
    folder = Path(tempfile.mkdtemp(prefix="shopdesk-eval-"))
    target = folder / "shop.db"
    with sqlite3.connect(db_url.split("///", 1)[1]) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return f"sqlite:///{target}", folder


async def run_conversation(chat: Any, conversation: Conversation, context: Context) -> dict[str, Any]:
    thread_id = f"eval-{conversation.id}-{uuid.uuid4().hex[:8]}"
    turn = None
    latency_ms = 0.0
    for text in conversation.turns:
        started = time.perf_counter()
        turn = await chat.send(thread_id, text, context)
        latency_ms = (time.perf_counter() - started) * 1000
    assert turn is not None
    values = await chat.values(thread_id)
    tools = [call["name"] for m in values.get("messages", []) if isinstance(m, AIMessage) for call in m.tool_calls]
    escalation = values.get("escalation") or {}
    understanding = turn.understanding
    return {
        "id": conversation.id,
        "intent": understanding.get("intent"),
        "confidence": understanding.get("confidence"),
        "escalate": values.get("status") in HUMAN_HELD,
        "escalation_reasons": list(escalation.get("reasons", [])),
        "tools": tools,
        "reply": turn.text,
        "latency_ms": round(latency_ms, 2),
    }


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def compute_metrics(conversations: Iterable[Conversation], predictions: Iterable[dict[str, Any]]) -> dict[str, Any]:
    by_id = {p["id"]: p for p in predictions}
    intents: list[bool] = []
    tp = fp = fn = tn = 0
    tools_ok: list[bool] = []
    facts_ok: list[bool] = []
    for conversation in conversations:
        predicted = by_id[conversation.id]
        expected = conversation.expected
        if "intent" in expected:
            intents.append(predicted["intent"] == expected["intent"])
        if "escalate" in expected:
            want, got = bool(expected["escalate"]), bool(predicted["escalate"])
            tp += want and got
            fn += want and not got
            fp += got and not want
            tn += not want and not got
        if expected.get("tools"):
            tools_ok.append(all(t in predicted["tools"] for t in expected["tools"]))
        if expected.get("facts"):
            reply = str(predicted["reply"]).lower()
            facts_ok.append(all(str(f).lower() in reply for f in expected["facts"]))
    latencies = [float(p["latency_ms"]) for p in by_id.values()]

    def share(hits: list[bool]) -> float | None:
        return round(sum(hits) / len(hits), 4) if hits else None

    return {
        "conversations": len(by_id),
        "intent_accuracy": share(intents),
        "escalation_precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "escalation_recall": round(tp / (tp + fn), 4) if tp + fn else None,
        "false_escalation_rate": round(fp / (fp + tn), 4) if fp + tn else None,
        "tool_match": share(tools_ok),
        "fact_match": share(facts_ok),
        "latency_ms_p50": round(statistics.median(latencies), 2) if latencies else None,
        "latency_ms_p95": round(_percentile(latencies, 0.95), 2),
    }


async def run_dataset(
    conversations: list[Conversation], context: Context, *, progress: bool = True
) -> list[dict[str, Any]]:
    from tqdm import tqdm

    from graph.builder import builder
    from shopdesk.conversations import Conversations

    chat = Conversations(builder.compile(checkpointer=InMemorySaver()))
    # One untimed turn first: loading the classifier and the index is start-up, not a turn's latency.
    await chat.send(f"warm-up-{uuid.uuid4().hex[:8]}", "hello", context)
    predictions = []
    for conversation in tqdm(conversations, desc="conversations", disable=not progress):
        predictions.append(await run_conversation(chat, conversation, context))
    return predictions


def use_shop(db_url: str) -> None:
    """Point this process's settings at another shop database (tools and nodes read the same settings)."""
    from graph.llm.factory import _build
    from graph.services import clear_services
    from shopdesk.settings import get_settings

    os.environ["SHOPDESK_DATABASE_URL"] = db_url
    get_settings.cache_clear()
    clear_services()
    _build.cache_clear()


def run(dataset: Path, out: Path, *, engine: str = "auto", db_url: str | None = None) -> dict[str, Any]:
    """Run a dataset file through the graph; write predictions to `out`; return the metrics."""
    return asyncio.run(arun(dataset, out, engine=engine, db_url=db_url))


async def arun(dataset: Path, out: Path, *, engine: str = "auto", db_url: str | None = None) -> dict[str, Any]:
    """`run` for callers that already have an event loop (notebooks, servers)."""
    from shopdesk.bootstrap import ensure_ready
    from shopdesk.settings import get_settings

    conversations = load_dataset(dataset)
    settings = await asyncio.to_thread(ensure_ready, get_settings())
    configured = settings.shop_database_url
    private_url, scratch = private_shop_copy(db_url or configured)
    use_shop(private_url)
    try:
        predictions = await run_dataset(conversations, Context(engine=engine))
    finally:
        # Back to the shop this process was configured with; the private copy goes away.
        use_shop(configured)
        if scratch:
            for leftover in scratch.iterdir():
                leftover.unlink()
            scratch.rmdir()
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as sink:
        for prediction in predictions:
            sink.write(json.dumps(prediction, ensure_ascii=False) + "\n")
    return compute_metrics(conversations, predictions)


def run_with_langsmith(dataset: Path, *, engine: str = "auto") -> dict[str, Any]:
    """The same dataset through LangSmith's evaluate: uploaded with LANGSMITH_API_KEY, local without."""
    from langsmith import Client, evaluate, tracing_context
    from langsmith.schemas import Example

    from shopdesk.bootstrap import ensure_ready
    from shopdesk.settings import get_settings

    conversations = load_dataset(dataset)
    settings = ensure_ready(get_settings())
    use_shop(private_shop_copy(settings.shop_database_url)[0])
    from graph.builder import builder
    from shopdesk.conversations import Conversations

    chat = Conversations(builder.compile(checkpointer=InMemorySaver()))
    context = Context(engine=engine)
    dataset_id = uuid.uuid5(uuid.NAMESPACE_URL, str(dataset.resolve()))
    examples = [
        Example(
            id=uuid.uuid5(dataset_id, c.id),
            dataset_id=dataset_id,
            inputs={"id": c.id, "turns": c.turns},
            outputs=c.expected,
        )
        for c in conversations
    ]

    def target(inputs: dict[str, Any]) -> dict[str, Any]:
        conversation = Conversation(inputs["id"], inputs["turns"])
        # The graph's own LangChain runs stay untraced offline; evaluate records the target's inputs and outputs.
        with tracing_context(enabled=None if online else False):
            return asyncio.run(run_conversation(chat, conversation, context))

    def intent(outputs: dict[str, Any], reference_outputs: dict[str, Any]) -> dict[str, Any]:
        if "intent" not in reference_outputs:
            return {"key": "intent", "score": None}
        return {"key": "intent", "score": outputs["intent"] == reference_outputs["intent"]}

    def escalation(outputs: dict[str, Any], reference_outputs: dict[str, Any]) -> dict[str, Any]:
        if "escalate" not in reference_outputs:
            return {"key": "escalation", "score": None}
        return {"key": "escalation", "score": outputs["escalate"] == bool(reference_outputs["escalate"])}

    online = bool(os.environ.get("LANGSMITH_API_KEY"))
    # Without a key nothing leaves the machine: a client pointed nowhere, and results kept local.
    client = Client() if online else Client(api_key="offline", api_url="http://127.0.0.1:9")
    results = evaluate(
        target,
        data=examples,
        evaluators=[intent, escalation],
        client=client,
        upload_results=online,
        max_concurrency=0,
    )
    predictions = [row["run"].outputs or {} for row in results]
    return compute_metrics(conversations, predictions)
