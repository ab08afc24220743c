"""A run scored the benchmark's way, plus what a failure analysis needs.

tau-bench passes a task when the final database equals the one its gold actions produce on a fresh shop, and every
required output appears in one of the agent's replies (lower case, commas removed). The gold end state here comes
from the same replay ``python -m evals taubench-replay`` checks (the gold actions through our tools, on a fresh copy
of the same imported shop), so a run and its gold differ only by what the conversation did.

Beyond pass or fail: where the two databases differ, and every write the run made (from the shop's audit log) with
whether the gold holds the same write. A write the gold does not hold is the costly failure: the customer's shop
changed in a way the benchmark's policy and instruction do not call for.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from evals.simulation.folder import CUSTOMER, RunFolder, now
from evals.simulation.shop import Cache
from evals.taubench import Replayer, differences, our_write, replay_task
from shop.db import session_factory
from shop.models import AuditEntry
from shop.taubench import export_taubench
from shopdesk.profile import ShopProfile

JSONDict = dict[str, Any]


def gold_state(task: JSONDict, index: int, cache: Cache, profile: ShopProfile) -> tuple[JSONDict, bool]:
    """The shop after the task's gold actions, as ``{"users", "orders", "products"}``, and whether that replay agreed
    with the policy's reference state (it does for every task; a disagreement is a bug in our tools)."""
    with Replayer(cache.dataset_dir, profile, template=cache.template) as replayer:
        replay, state = replay_task(task, index, replayer.fresh_database(), replayer.base, profile)
    return dict(zip(("users", "orders", "products"), state, strict=True)), replay.matched


def shop_writes(db_url: str) -> list[JSONDict]:
    """Every write applied to the shop, in order, from its audit log (a person's rejection changes nothing: out)."""
    writes = []
    with session_factory(db_url)() as session:
        for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
            if ":" in entry.action:
                continue
            args = dict(entry.details or {})
            if entry.entity == "customer":
                # Our tools change the verified customer without being told who that is (the benchmark's tool takes
                # a user id); the audit names whom the write changed.
                args.setdefault("customer_id", entry.entity_id)
            writes.append({"action": entry.action, "args": args, "actor": entry.actor})
    return writes


# A pending order's item changed to itself changes nothing (a gold action may list an item "changed to {}"); an
# exchange of an item for a new unit of itself is a real exchange.
NO_OP_SWAPS = frozenset({"modify_order_items"})


def _canonical(value: Any, key: str, args: JSONDict, action: str = "") -> Any:
    """Item lists compare as multisets; old and new items compare as sorted pairs (without the no-op ones)."""
    if key == "item_ids" and isinstance(value, list):
        new = args.get("new_item_ids")
        if isinstance(new, list) and len(new) == len(value):
            pairs = zip(map(str, value), map(str, new), strict=True)
            return sorted((old, to) for old, to in pairs if old != to or action not in NO_OP_SWAPS)
        return sorted(map(str, value))
    if key == "new_item_ids" and isinstance(value, list) and isinstance(args.get("item_ids"), list):
        return None  # compared with item_ids, as pairs
    return value


def same_write(made: JSONDict, gold: tuple[str, JSONDict]) -> bool:
    """The run's write is the gold one: the same action and the same value for every argument the benchmark's tool
    takes (arguments only our tools take cannot change the benchmark's database and are not compared; an argument
    left out is empty, as our tools read it: no second address line)."""
    action, args = gold
    if made["action"] != action:
        return False
    given = made["args"]

    def same(key: str, value: Any) -> bool:
        if given.get(key) in (None, "") and value in (None, ""):
            return True
        return key in given and _canonical(given[key], key, given, action) == _canonical(value, key, args, action)

    return all(same(key, value) for key, value in args.items())


def match_writes(made: list[JSONDict], task: JSONDict) -> tuple[list[JSONDict], int]:
    """Each write the run made, marked ``in_gold`` when an unmatched gold write equals it; and how many gold writes
    no write of the run matched."""
    gold = [ours for action in task["actions"] if (ours := our_write(action["name"], action["kwargs"]))]
    left = list(gold)
    marked = []
    for write in made:
        match = next((candidate for candidate in left if same_write(write, candidate)), None)
        if match is not None:
            left.remove(match)
        marked.append({**write, "in_gold": match is not None})
    return marked, len(left)


def missing_outputs(task: JSONDict, replies: list[str]) -> list[str]:
    """Required outputs no reply contains, compared as tau-bench does (lower case, the reply's commas removed)."""
    cleaned = [reply.lower().replace(",", "") for reply in replies]
    return [output for output in task.get("outputs", []) if not any(output.lower() in r for r in cleaned)]


def score(folder: RunFolder, task: JSONDict, cache: Cache, profile: ShopProfile) -> JSONDict:
    state = folder.state
    expected, gold_replay_matched = gold_state(task, state.task, cache, profile)
    actual = dict(zip(("users", "orders", "products"), export_taubench(folder.shop_url), strict=True))
    found: list[str] = []
    for table in ("users", "orders", "products"):
        found += differences(expected[table], actual[table], table, limit=20 - len(found))
    writes, gold_not_made = match_writes(shop_writes(folder.shop_url), task)
    missing = missing_outputs(task, [e["text"] for e in state.transcript if e["role"] != CUSTOMER])
    database_matches = expected == actual
    return {
        "passed": database_matches and not missing,
        "database_matches": database_matches,
        "differences": found,
        "outputs_required": list(task.get("outputs", [])),
        "outputs_missing": missing,
        "writes": writes,
        "writes_not_in_gold": sum(not write["in_gold"] for write in writes),
        "gold_writes_not_made": gold_not_made,
        "gold_replay_matched": gold_replay_matched,
        "messages": state.messages,
        "ended": state.ended,
        "handoff": state.handoff,
        "scored_at": now(),
    }


def describe(result: JSONDict) -> str:
    """One line for the player: the verdict without the gold's details (those are in run.json, for the analysis)."""
    verdict = "PASS" if result["passed"] else "FAIL"
    parts = [f"{result['messages']} messages", f"ended: {result['ended']}"]
    if not result["database_matches"]:
        parts.append("the shop's end state differs from the gold")
    if result["outputs_missing"]:
        parts.append(f"{len(result['outputs_missing'])} required output(s) never said")
    parts.append(f"{result['writes_not_in_gold']} write(s) not in the gold")
    return f"{verdict}: " + "; ".join(parts)


__all__ = ["describe", "gold_state", "match_writes", "missing_outputs", "same_write", "score", "shop_writes"]
