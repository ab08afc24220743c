"""Exactly once across conversations, workers and databases: many tabs of one customer confirm the same change.

Each race gives one customer one order and has 2-5 "conversations" (distinct idempotency keys, as distinct browser
tabs have) confirm the same cancel, return or goodwill credit at the same instant, split over two worker processes
with a thread per conversation, against one SQLite file or one PostgreSQL database. The shop must change once, and
every other conversation must be told that it is already done (never an error, never a second refund or voucher).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from sqlalchemy import func, select

from graph.context import Context
from shop.db import engine_for, session_factory, session_scope
from shop.models import (
    Address,
    AuditEntry,
    Customer,
    Order,
    OrderStatus,
    PaymentMethod,
    PaymentMethodKind,
    Refund,
    Return,
    Transaction,
    TransactionKind,
    Voucher,
)
from shopdesk.conversations import Conversations
from shopdesk.profile import load_profile
from shopdesk.runtime import open_graph
from shopdesk.settings import Settings
from tests.support.app import pending_order
from tests.test_tools_small_shop import _order, build_small_shop, demo_profile
from tools.base import ToolContext, ToolError, run_write
from tools.registry import WRITE_ACTIONS

RACES = 30
KINDS = ("cancel_order", "return_items", "issue_goodwill_credit")


@dataclass(frozen=True)
class Race:
    number: int
    action: str
    customer_id: str
    order_id: str
    args: dict[str, Any]
    tabs: int


def build_race_shop(db_url: str) -> list[Race]:
    """The small shop's catalogue plus, per race, a customer with the one order the race is about."""
    build_small_shop(db_url)
    races = []
    with session_scope(db_url) as session:
        for number in range(RACES):
            action = KINDS[number % len(KINDS)]
            customer_id, order_id, card = f"racer{number}", f"#R{number:03d}", f"cc_racer{number}"
            session.add(
                Customer(
                    id=customer_id,
                    first_name="Racer",
                    last_name=str(number),
                    email=f"racer{number}@example.com",
                    addresses=[Address(line1="1 Lane", city="Springfield", zip="10001", country="USA")],
                    payment_methods=[
                        PaymentMethod(id=card, kind=PaymentMethodKind.credit_card, brand="visa", last_four="4242")
                    ],
                )
            )
            session.flush()
            if action == "cancel_order":
                session.add(_order(order_id, customer_id, OrderStatus.pending, ["shoe-42", "socks-m"], card))
                args: dict[str, Any] = {"order_id": order_id, "reason": "no longer needed"}
            elif action == "return_items":
                session.add(_order(order_id, customer_id, OrderStatus.delivered, ["shoe-42", "socks-m"], card, 5))
                args = {"order_id": order_id, "item_ids": ["shoe-42"], "payment_method_id": card}
            else:
                session.add(_order(order_id, customer_id, OrderStatus.delivered, ["socks-m"], card, 4, late_days=3))
                args = {"order_id": order_id, "amount": 10, "reason": "late delivery"}
            races.append(Race(number, action, customer_id, order_id, args, tabs=2 + number % 4))
    # No pooled connection may be inherited by the worker processes forked below.
    engine_for(db_url).dispose()
    return races


# --------------------------------------------------------------------------------------------- the worker processes


# The parent's engines, set before the workers fork: each worker detaches them and builds its own.
_ENGINES: list[Any] = []


def _forget_inherited_engines() -> None:
    """In a forked worker: leave the parent's pooled connections alone (closing them would close the parent's)."""
    for engine in _ENGINES:
        engine.dispose(close=False)
    engine_for.cache_clear()
    session_factory.cache_clear()


def confirm_in_threads(db_url: str, race: Race, tabs: list[int], start_at: float) -> list[dict[str, Any]]:
    """One worker's share of a race: a thread per conversation, all released at the same wall-clock instant."""
    outcomes: list[dict[str, Any]] = [{} for _ in tabs]

    def confirm(slot: int, tab: int) -> None:
        conversation = f"race{race.number}-tab{tab}"
        ctx = ToolContext(db_url, demo_profile(), conversation, customer_id=race.customer_id)
        delay = start_at - time.time()
        if delay > 0:
            time.sleep(delay)
        try:
            outcomes[slot] = run_write(WRITE_ACTIONS[race.action], ctx, dict(race.args), f"{conversation}:call-1")
        except ToolError as refusal:
            outcomes[slot] = {"refused": str(refusal)}
        except Exception as error:  # a lock timeout or a conflict would show here, and fails the test
            outcomes[slot] = {"crashed": f"{type(error).__name__}: {error}"}

    threads = [threading.Thread(target=confirm, args=(slot, tab)) for slot, tab in enumerate(tabs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


# ------------------------------------------------------------------------------------------------------- the checks


def writes_per_race(db_url: str, race: Race) -> dict[str, int]:
    """What the shop holds for the race's order: audit entries, refunds, return requests, vouchers."""
    with session_scope(db_url) as session:

        def count(model: Any, *where: Any) -> int:
            return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)

        return {
            "audited": count(
                AuditEntry, AuditEntry.action == race.action, AuditEntry.conversation_id.like(f"race{race.number}-%")
            ),
            "refund_transactions": count(
                Transaction, Transaction.order_id == race.order_id, Transaction.kind == TransactionKind.refund
            ),
            "returns": count(Return, Return.order_id == race.order_id),
            "refunds_owed": count(Refund, Refund.order_id == race.order_id),
            "vouchers": count(Voucher, Voucher.customer_id == race.customer_id),
        }


def refunded_within_total(db_url: str, order_id: str) -> bool:
    """The money view: refunds paid and owed on an order add up to at most what it cost."""
    with session_scope(db_url) as session:
        order = session.get(Order, order_id)
        assert order is not None
        paid_back = sum((t.amount for t in order.transactions if t.kind is TransactionKind.refund), Decimal(0))
        owed = session.scalar(select(func.coalesce(func.sum(Refund.amount), 0)).where(Refund.order_id == order_id))
        return paid_back + Decimal(str(owed or 0)) <= order.total


EXPECTED = {
    "cancel_order": {"audited": 1, "refund_transactions": 1, "returns": 0, "refunds_owed": 0, "vouchers": 0},
    "return_items": {"audited": 1, "refund_transactions": 0, "returns": 1, "refunds_owed": 1, "vouchers": 0},
    "issue_goodwill_credit": {"audited": 1, "refund_transactions": 0, "returns": 0, "refunds_owed": 0, "vouchers": 1},
}


def run_races(db_url: str) -> dict[str, int]:
    races = build_race_shop(db_url)
    _ENGINES[:] = [engine_for(db_url)]
    context = multiprocessing.get_context("fork")
    figures = {"races": 0, "confirmations": 0, "applied": 0, "already_done": 0, "duplicates": 0}
    with ProcessPoolExecutor(max_workers=2, mp_context=context, initializer=_forget_inherited_engines) as workers:
        # Warm both workers up (their first run imports and connects) so the races below start together.
        list(workers.map(time.sleep, [0.2, 0.2]))
        for race in races:
            start_at = time.time() + 0.15
            tabs = list(range(race.tabs))
            shares = [tabs[0::2], tabs[1::2]]
            futures = [workers.submit(confirm_in_threads, db_url, race, share, start_at) for share in shares]
            outcomes = [outcome for future in futures for outcome in future.result(timeout=30)]
            assert all("crashed" not in o and "refused" not in o for o in outcomes), (race, outcomes)
            applied = [o for o in outcomes if not o.get("replayed")]
            told_done = [o for o in outcomes if o.get("already_done")]
            assert len(applied) == 1 and len(told_done) == race.tabs - 1, (race, outcomes)
            assert all("already done" in o["message"] for o in told_done), told_done
            held = writes_per_race(db_url, race)
            assert refunded_within_total(db_url, race.order_id), race
            figures["duplicates"] += sum(max(0, held[k] - v) for k, v in EXPECTED[race.action].items())
            assert held == EXPECTED[race.action], (race, held)
            figures["races"] += 1
            figures["confirmations"] += race.tabs
            figures["applied"] += len(applied)
            figures["already_done"] += len(told_done)
    return figures


def test_thirty_races_on_sqlite_write_once(tmp_path: Path) -> None:
    figures = run_races(f"sqlite:///{tmp_path / 'race.db'}")
    assert figures == {"races": 30, "confirmations": 103, "applied": 30, "already_done": 73, "duplicates": 0}


def test_thirty_races_on_postgresql_write_once(pg_url: str) -> None:
    figures = run_races(pg_url)
    assert figures == {"races": 30, "confirmations": 103, "applied": 30, "already_done": 73, "duplicates": 0}


def run_unguarded_compensation_races(db_url: str) -> dict[str, int]:
    """The goodwill races again, with the audit-log check that finds an earlier voucher for the order switched off
    in both workers (as if every conversation had read the order before any voucher committed): the database's
    one-voucher-per-order index alone must let exactly one through and refuse the rest."""
    races = [race for race in build_race_shop(db_url) if race.action == "issue_goodwill_credit"]
    _ENGINES[:] = [engine_for(db_url)]
    figures = {"races": 0, "confirmations": 0, "applied": 0, "refused": 0, "vouchers": 0}
    with ProcessPoolExecutor(
        max_workers=2, mp_context=multiprocessing.get_context("fork"), initializer=_unguarded
    ) as workers:
        list(workers.map(time.sleep, [0.2, 0.2]))
        for race in races:
            start_at = time.time() + 0.15
            tabs = list(range(race.tabs))
            futures = [
                workers.submit(confirm_in_threads, db_url, race, share, start_at) for share in (tabs[0::2], tabs[1::2])
            ]
            outcomes = [outcome for future in futures for outcome in future.result(timeout=30)]
            assert all("crashed" not in o for o in outcomes), (race, outcomes)
            refused = [o for o in outcomes if "refused" in o]
            assert all("at most one per order" in o["refused"] for o in refused), refused
            with session_scope(db_url) as session:
                vouchers = session.scalars(select(Voucher).where(Voucher.order_id == race.order_id)).all()
            figures["races"] += 1
            figures["confirmations"] += race.tabs
            figures["applied"] += len(outcomes) - len(refused)
            figures["refused"] += len(refused)
            figures["vouchers"] += len(vouchers)
    return figures


def _unguarded() -> None:
    import tools.discounts

    _forget_inherited_engines()
    tools.discounts._earlier_compensation = lambda session, order_id: None  # type: ignore[assignment]


def test_the_database_holds_one_voucher_per_order_when_the_checks_race_on_sqlite(tmp_path: Path) -> None:
    figures = run_unguarded_compensation_races(f"sqlite:///{tmp_path / 'race.db'}")
    assert figures == {"races": 10, "confirmations": 35, "applied": 10, "refused": 25, "vouchers": 10}


def test_the_database_holds_one_voucher_per_order_when_the_checks_race_on_postgresql(pg_url: str) -> None:
    figures = run_unguarded_compensation_races(pg_url)
    assert figures == {"races": 10, "confirmations": 35, "applied": 10, "refused": 25, "vouchers": 10}


async def test_three_conversations_say_yes_to_the_same_cancel_at_once(app: Settings) -> None:
    """The same race through the graph: three tabs hold the same previewed cancel and the customer says "yes" in all
    of them at once. One cancels; the other two answer that it was already done, in words."""
    order = pending_order(app.shop_database_url)
    args = {"order_id": order.id, "reason": "no longer needed"}
    context = Context(customer_id=order.customer_id)
    ctx = ToolContext(app.shop_database_url, load_profile("demo", app.profiles_dir), "tab", order.customer_id)
    preview = WRITE_ACTIONS["cancel_order"].preview(ctx, args)
    async with open_graph(app) as graph:
        chat = Conversations(graph)
        for tab in range(3):
            pending = {"call_id": f"call-{tab}", "name": "cancel_order", "args": args, "preview": preview.as_dict()}
            await graph.aupdate_state(
                chat.config(f"tab-{tab}"),
                {
                    "messages": [HumanMessage("cancel it"), AIMessage(f"{preview.summary} Shall I go ahead?")],
                    "customer": {"id": order.customer_id, "name": "", "email": "", "tier": "standard"},
                    "pending_action": pending,
                    "status": "awaiting_confirmation",
                },
                as_node="respond",
            )
        turns = await asyncio.gather(*(chat.send(f"tab-{tab}", "yes", context) for tab in range(3)))
    told_done = [t for t in turns if "already done" in t.text]
    assert len(told_done) == 2, [t.text for t in turns]
    with session_scope(app.shop_database_url) as session:
        cancelled = session.get(Order, order.id)
        assert cancelled is not None and cancelled.status is OrderStatus.cancelled
        refunds = [t for t in cancelled.transactions if t.kind is TransactionKind.refund]
        assert sum((t.amount for t in refunds), Decimal(0)) == order.total
        audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "cancel_order")).all()
        assert len(audited) == 1


def test_a_confirmed_write_waits_out_a_slow_writer_but_not_forever(tmp_path: Path, monkeypatch: Any) -> None:
    """A write lock held past SQLite's short busy timeout (a slow writer on a loaded host) made a confirmed write fail
    with "database is locked" (a CI run under load). Its BEGIN is tried again for a while; a lock held longer than
    that is still an error, not a hang."""
    import sqlite3

    import pytest
    from sqlalchemy.exc import OperationalError

    from tools import base

    db_path = tmp_path / "lock.db"
    db_url = f"sqlite:///{db_path}"
    with session_scope(db_url) as session:
        session.execute(select(1))
    ctx = base.ToolContext(
        db_url, load_profile("demo", Path(__file__).resolve().parents[1] / "shopdesk" / "profiles"), "lock-test"
    )

    def hold_lock(seconds: float, taken: threading.Event) -> None:
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        taken.set()
        time.sleep(seconds)
        other.execute("ROLLBACK")
        other.close()

    taken = threading.Event()
    holder = threading.Thread(target=hold_lock, args=(1.5, taken))
    holder.start()
    taken.wait()
    with base.write_transaction(ctx) as session:  # waits past the 500 ms busy timeout, then gets the lock
        session.execute(select(1))
    holder.join()

    monkeypatch.setattr(base, "WRITE_LOCK_PATIENCE_S", 0.3)
    taken = threading.Event()
    holder = threading.Thread(target=hold_lock, args=(2.5, taken))
    holder.start()
    taken.wait()
    started = time.monotonic()
    with pytest.raises(OperationalError, match="locked"), base.write_transaction(ctx) as session:
        session.execute(select(1))
    assert time.monotonic() - started < 2.0
    holder.join()
