"""Answer evaluation: customer messages through the whole graph, scored on the facts the reply must and must not say.

This scores what production runs (understanding, gate, tools, retrieval, drafting, critique), on the reply the
customer reads, not on a retrieved passage. Each row of a JSONL file:

    {"id": "pol-uk-label", "turns": ["How much is a return label from the UK?"],
     "must": ["$12.95"], "must_not": ["$9.95"], "category": "policy"}

``must`` lists facts that all have to appear in the last reply; an entry that is a list is satisfied by any one of
its strings. ``must_not`` lists facts none of which may appear. Matching is case-insensitive after Markdown emphasis
is dropped, dashes are unified and white space is collapsed. ``turns`` may use placeholders such as
``{late.order}`` or ``{late.email}`` that pick an order of the seeded demo shop by situation (see SITUATIONS), so
rows never hard-code ids; ``must`` and ``must_not`` may use them too.

The demo shop (seed 7) and its knowledge index are built in a temporary folder with the shop's clock frozen at the
seed's "today", so figures never depend on local state. Like the server at start-up, the sentences answers may
quote are embedded before the first row (the latency is a warm server's).

    python -m evals answers --dataset evals/datasets/answers_dev.jsonl [--show-failures] [--out FILE]
"""

from __future__ import annotations

import asyncio
import re
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from evals.rows import checked_turns, jsonl_rows, unique_id


class AnswerDatasetError(ValueError):
    """A dataset line that cannot be evaluated; the message names the file and line."""


@dataclass
class AnswerCase:
    id: str
    turns: list[str]
    must: list[list[str]]
    must_not: list[str]
    category: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _facts(value: Any, where: str, *, alternatives: bool) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise AnswerDatasetError(f"{where}: must be a list")
    facts: list[Any] = []
    for entry in value:
        if isinstance(entry, str) and entry.strip():
            facts.append([entry] if alternatives else entry)
        elif alternatives and isinstance(entry, list) and entry and all(isinstance(e, str) and e for e in entry):
            facts.append(list(entry))
        else:
            kinds = "non-empty strings" + (" or lists of them" if alternatives else "")
            raise AnswerDatasetError(f"{where}: entries must be {kinds}")
    return facts


def load_answer_dataset(path: Path) -> list[AnswerCase]:
    cases: list[AnswerCase] = []
    seen: set[str] = set()
    for where, number, row in jsonl_rows(path, AnswerDatasetError):
        if not isinstance(row, dict):
            raise AnswerDatasetError(f"{where}: each line must be a JSON object")
        question = row.get("question")
        turns = checked_turns([question] if isinstance(question, str) else row.get("turns"), where, AnswerDatasetError)
        case_id = unique_id(row, number, seen, where, AnswerDatasetError)
        must = _facts(row.get("must"), f"{where}: 'must'", alternatives=True)
        must_not = _facts(row.get("must_not"), f"{where}: 'must_not'", alternatives=False)
        if not must and not must_not:
            raise AnswerDatasetError(f"{where}: a row needs 'must' or 'must_not' facts")
        known = {"id", "turns", "question", "must", "must_not", "category"}
        extra = {k: v for k, v in row.items() if k not in known}
        cases.append(AnswerCase(case_id, turns, must, must_not, str(row.get("category") or ""), extra))
    if not cases:
        raise AnswerDatasetError(f"{path}: no rows")
    return cases


_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """What matching compares: lower case, no Markdown emphasis, one kind of dash, single spaces."""
    text = _DASHES.sub("-", text.replace("**", "").replace("__", ""))
    return _SPACES.sub(" ", text).strip().lower()


def score_reply(case: AnswerCase, reply: str) -> dict[str, Any]:
    said = normalise(reply)
    missing = [alts for alts in case.must if not any(normalise(a) in said for a in alts)]
    forbidden = [fact for fact in case.must_not if normalise(fact) in said]
    return {"complete": not missing, "forbidden": bool(forbidden), "missing": missing, "said_forbidden": forbidden}


# --- situations: orders of the seeded shop picked by what is true of them at the shop's clock ---------------------


def _country(order: Any) -> str:
    return str(order.ship_country)


def _situations(now: datetime, final_sale: set[str]) -> dict[str, Callable[[Any], bool]]:
    from shop.models import OrderStatus

    def delivered_at(order: Any) -> datetime | None:
        dates = [f.delivered_at for f in order.fulfillments if f.delivered_at]
        return max(dates) if dates and len(dates) == len(order.fulfillments) else None

    def estimate(order: Any) -> datetime | None:
        dates = [f.estimated_delivery for f in order.fulfillments if f.estimated_delivery]
        return max(dates) if dates else None

    def no_final_sale(order: Any) -> bool:
        return not any(item.product_id in final_sale for item in order.items) and not order.returns

    def shipped(order: Any) -> bool:
        return bool(order.status == OrderStatus.shipped and len(order.fulfillments) == 1)

    return {
        "pending": lambda o: o.status == OrderStatus.pending,
        "processed": lambda o: o.status == OrderStatus.processed,
        "late": lambda o: shipped(o) and (e := estimate(o)) is not None and e < now - timedelta(hours=12),
        "on_time": lambda o: shipped(o) and (e := estimate(o)) is not None and e > now + timedelta(hours=12),
        "recent_delivery": lambda o: (
            o.status == OrderStatus.delivered
            and len(o.fulfillments) == 1
            and no_final_sale(o)
            and (d := delivered_at(o)) is not None
            and timedelta(days=3) < now - d < timedelta(days=25)
        ),
        "old_delivery": lambda o: (
            o.status == OrderStatus.delivered
            and len(o.fulfillments) == 1
            and no_final_sale(o)
            and (d := delivered_at(o)) is not None
            and timedelta(days=40) < now - d < timedelta(days=200)
        ),
    }


SITUATIONS = ("pending", "processed", "late", "on_time", "recent_delivery", "old_delivery")
# What a placeholder may name of the chosen order; "{late.order}", "{late.email}", "{late.carrier}"...
_FIELDS: dict[str, Callable[[Any], str]] = {
    "order": lambda o: str(o.id),
    "email": lambda o: str(o.customer.email),
    "name": lambda o: f"{o.customer.first_name} {o.customer.last_name}",
    "zip": lambda o: str(o.ship_zip),
    "country": _country,
    "carrier": lambda o: str(o.fulfillments[0].carrier) if o.fulfillments else "",
    "tracking": lambda o: str(o.fulfillments[0].tracking_number) if o.fulfillments else "",
}
_PLACEHOLDER = re.compile(r"\{(" + "|".join(SITUATIONS) + r")(?:_([a-z]+))?\.(" + "|".join(_FIELDS) + r")\}")


def situation_orders(db_url: str, now: datetime) -> dict[tuple[str, str], Any]:
    """The first order (by id) of each situation, per shipping country ("" for any country)."""
    from shop.db import session_factory
    from shop.models import Order, Product

    chosen: dict[tuple[str, str], Any] = {}
    with session_factory(db_url)() as session:
        final_sale = set(session.scalars(select(Product.id).where(Product.final_sale)))
        tests = _situations(now, final_sale)
        orders = session.scalars(
            select(Order)
            .options(
                selectinload(Order.fulfillments),
                selectinload(Order.customer),
                selectinload(Order.returns),
                selectinload(Order.items),
            )
            .order_by(Order.id)
        ).all()
        for order in orders:
            for name, test in tests.items():
                if test(order):
                    country = _country(order).lower().replace(" ", "")
                    for key in ((name, ""), (name, country)):
                        if key not in chosen:
                            chosen[key] = {f: get(order) for f, get in _FIELDS.items()}
    return chosen


def fill(text: str, chosen: dict[tuple[str, str], Any]) -> str:
    def one(match: re.Match[str]) -> str:
        situation, country, what = match.group(1), (match.group(2) or ""), match.group(3)
        order = chosen.get((situation, country))
        if order is None:
            raise AnswerDatasetError(f"the demo shop has no order for {match.group(0)}")
        return str(order[what])

    return _PLACEHOLDER.sub(one, text)


def filled(case: AnswerCase, chosen: dict[tuple[str, str], Any]) -> AnswerCase:
    return AnswerCase(
        case.id,
        [fill(t, chosen) for t in case.turns],
        [[fill(a, chosen) for a in alts] for alts in case.must],
        [fill(f, chosen) for f in case.must_not],
        case.category,
        case.extra,
    )


# --- running ------------------------------------------------------------------------------------------------------


@contextmanager
def demo_app(seed: int = 7) -> Iterator[Any]:
    """Settings for a throw-away demo shop and index, its clock frozen at the seed's day; restored afterwards."""
    from evals.runner import use_shop
    from shop.seed import SEED_NOW
    from shopdesk.settings import environment, get_settings

    with tempfile.TemporaryDirectory(prefix="shopdesk-answers-") as tmp:
        values = {
            "SHOPDESK_DATABASE_URL": None,
            "SHOPDESK_ENGINE": None,
            "SHOPDESK_DATA_DIR": tmp,
            "SHOPDESK_CLOCK": (SEED_NOW + timedelta(hours=3)).isoformat(),
            "SHOPDESK_DEMO_SEED": str(seed),
        }
        try:
            with environment(values):
                get_settings.cache_clear()
                from shopdesk.bootstrap import ensure_ready

                settings = ensure_ready(get_settings())
                use_shop(settings.shop_database_url)
                yield get_settings()
        finally:
            get_settings.cache_clear()
            use_shop(get_settings().shop_database_url)


async def _run(cases: list[AnswerCase], progress: bool) -> list[dict[str, Any]]:
    from langgraph.checkpoint.memory import InMemorySaver
    from tqdm import tqdm

    from graph.builder import builder
    from graph.context import Context
    from shopdesk.conversations import Conversations

    chat = Conversations(builder.compile(checkpointer=InMemorySaver()))
    context = Context(engine="local")
    await chat.send(f"warm-up-{uuid.uuid4().hex[:8]}", "hello", context)  # loading models is not a turn's latency
    # As the server starts (server.app's warm-up): every sentence an answer may quote is embedded beforehand.
    from graph.services import get_services
    from knowledge.answer import prepare_quotes
    from shopdesk.settings import get_settings

    await asyncio.to_thread(prepare_quotes, get_services(get_settings().shop_id).retriever())
    results = []
    for case in tqdm(cases, desc="answers", disable=not progress):
        thread = f"answers-{case.id}-{uuid.uuid4().hex[:8]}"
        reply, latency = "", 0.0
        for text in case.turns:
            started = time.perf_counter()
            turn = await chat.send(thread, text, context)
            latency = (time.perf_counter() - started) * 1000
            reply = turn.text
        results.append({"id": case.id, "category": case.category, "reply": reply, "latency_ms": round(latency, 2)})
    return results


def evaluate(cases: list[AnswerCase], *, progress: bool = False) -> dict[str, Any]:
    """Run every case on a fresh demo shop; the metrics and one record per case."""
    with demo_app() as settings:
        chosen = situation_orders(settings.shop_database_url, settings.now())
        ready = [filled(case, chosen) for case in cases]
        results = asyncio.run(_run(ready, progress))
    records = []
    for case, result in zip(ready, results, strict=True):
        records.append({**result, "turns": case.turns, **score_reply(case, result["reply"])})
    return {"metrics": metrics(records), "records": records}


def metrics(records: list[dict[str, Any]]) -> dict[str, Any]:
    count = len(records)
    complete = sum(r["complete"] for r in records)
    forbidden = sum(r["forbidden"] for r in records)
    per_category: dict[str, dict[str, int]] = {}
    for record in records:
        seen = per_category.setdefault(record["category"] or "-", {"rows": 0, "complete": 0, "forbidden": 0})
        seen["rows"] += 1
        seen["complete"] += record["complete"]
        seen["forbidden"] += record["forbidden"]
    latencies = [r["latency_ms"] for r in records]
    return {
        "rows": count,
        "complete": complete,
        "complete_share": round(complete / count, 4) if count else 0.0,
        "forbidden": forbidden,
        "forbidden_share": round(forbidden / count, 4) if count else 0.0,
        "latency_ms_p50": round(statistics.median(latencies), 1) if latencies else 0.0,
        "per_category": per_category,
    }


def print_report(result: dict[str, Any], show_failures: bool) -> None:
    m = result["metrics"]
    print(f"rows: {m['rows']}")
    print(f"answers with every required fact: {m['complete']}/{m['rows']} = {m['complete_share']:.3f}")
    print(f"answers with a forbidden fact:    {m['forbidden']}/{m['rows']} = {m['forbidden_share']:.3f}")
    print(f"answer latency p50: {m['latency_ms_p50']:.1f} ms")
    for name, seen in sorted(m["per_category"].items()):
        print(f"  {name:<16} complete {seen['complete']}/{seen['rows']}  forbidden {seen['forbidden']}")
    if show_failures:
        for record in result["records"]:
            if record["complete"] and not record["forbidden"]:
                continue
            print(f"\n--- {record['id']}: {' / '.join(record['turns'])}")
            if record["missing"]:
                print(f"    missing: {record['missing']}")
            if record["said_forbidden"]:
                print(f"    forbidden: {record['said_forbidden']}")
            print("    reply: " + record["reply"].replace("\n", "\n           "))
