"""tau-bench retail against our tools: an adapter for the benchmark's 16 tools, and a gold-action replay check.

``TaubenchAdapter`` maps each benchmark tool call onto our tools over an imported shop (writes go through preview
and ``run_write``). ``replay_tasks`` replays every task's gold actions on a fresh copy of the shop and compares the
exported database with ``expected_state``: a reference of the state change written separately from the tools,
straight on the JSON dicts, from the policy and the data. Agreement means the tools change the shop exactly as the
policy says, no more and no less.
"""

from __future__ import annotations

import ast
import json
import operator
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from shop.db import engine_for
from shop.taubench import export_taubench, import_taubench
from shopdesk.profile import ShopProfile, load_profile
from shopdesk.settings import get_settings
from tools import catalog, identity, orders
from tools.base import ToolContext, ToolError, WriteAction, run_write
from tools.registry import WRITE_ACTIONS

APPROVER = "taubench-replay"
# Who asks for the writes: the benchmark's agent. The replay approves them as APPROVER, a different name, as the
# approval matrix wants a person other than the requester.
REQUESTER = "taubench-agent"
JSONDict = dict[str, Any]

# Benchmark write tool -> (our action, how its arguments map onto ours).
_WRITES: dict[str, tuple[str, Callable[[JSONDict], JSONDict]]] = {
    "cancel_pending_order": ("cancel_order", dict),
    "modify_pending_order_address": ("modify_order_address", dict),
    "modify_pending_order_items": ("modify_order_items", dict),
    "modify_pending_order_payment": ("modify_order_payment", dict),
    "modify_user_address": (
        "modify_default_address",
        lambda a: {("customer_id" if k == "user_id" else k): v for k, v in a.items()},
    ),
    "return_delivered_order_items": ("return_items", dict),
    "exchange_delivered_order_items": ("exchange_items", dict),
}


def our_write(name: str, kwargs: JSONDict) -> tuple[str, JSONDict] | None:
    """A benchmark tool call as our write action's name and arguments; None for a tool that writes nothing."""
    if name not in _WRITES:
        return None
    action_name, convert = _WRITES[name]
    return action_name, convert(kwargs)


# ---------------------------------------------------------------------------------------------------- adapter


def calculate(expression: str) -> float:
    """Arithmetic only (numbers, + - * /, parentheses), parsed rather than evaluated."""
    ops: dict[type[ast.AST], Callable[..., Any]] = {
        ast.Add: operator.add,
        ast.Sub: operator.sub,
        ast.Mult: operator.mul,
        ast.Div: operator.truediv,
        ast.USub: operator.neg,
        ast.UAdd: operator.pos,
    }

    def walk(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in ops:
            return ops[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in ops:
            return ops[type(node.op)](walk(node.operand))
        raise ToolError("Only numbers, + - * / and parentheses are allowed.")

    try:
        return round(float(walk(ast.parse(expression, mode="eval"))), 2)
    except (SyntaxError, ZeroDivisionError) as exc:
        raise ToolError(f"Cannot calculate {expression!r}: {exc}") from None


@dataclass
class TaubenchAdapter:
    """One benchmark conversation over our tools; the find_user tools verify its customer."""

    ctx: ToolContext
    approver: str | None = APPROVER
    calls: int = 0
    writes: list[JSONDict] = field(default_factory=list)

    def call(self, name: str, kwargs: JSONDict) -> Any:
        """Run a benchmark tool call; a refusal comes back as ``{"error": ...}`` as the benchmark's tools do."""
        self.calls += 1
        try:
            return self._call(name, dict(kwargs))
        except ToolError as exc:
            return {"error": str(exc), "error_type": type(exc).__name__}

    def _call(self, name: str, kw: JSONDict) -> Any:
        if (write := our_write(name, kw)) is not None:
            return self.write(WRITE_ACTIONS[write[0]], write[1])
        if name == "find_user_id_by_email":
            return self._verify(identity.find_customer_by_email(self.ctx, kw["email"]))
        if name == "find_user_id_by_name_zip":
            found = identity.find_customer_by_name_zip(self.ctx, kw["first_name"], kw["last_name"], kw["zip"])
            return self._verify(found)
        if name == "get_order_details":
            return orders.get_order_details(self.ctx, kw["order_id"])
        if name == "get_user_details":
            return orders.get_customer_details(self.ctx, kw["user_id"])
        if name == "get_product_details":
            return catalog.get_product_details(self.ctx, kw["product_id"])
        if name == "list_all_product_types":
            return catalog.list_product_types(self.ctx)
        if name == "calculate":
            return calculate(str(kw["expression"]))
        if name == "think":
            return {"thought": kw.get("thought", "")}
        if name == "transfer_to_human_agents":
            return {"transferred": True, "summary": kw.get("summary", "")}
        raise ToolError(f"Unknown tool '{name}'.")

    def _verify(self, found: JSONDict) -> str:
        self.ctx = identity.verified_context(self.ctx, found["customer_id"])
        return str(found["customer_id"])

    def write(self, action: WriteAction, args: JSONDict) -> JSONDict:
        """Preview (the policy check), then apply once; approvals are granted by ``approver`` and recorded."""
        preview = action.preview(self.ctx, args)
        if preview.needs_approval and not self.approver:
            raise ToolError(f"Needs approval: {'; '.join(preview.approval_reasons)}")
        key = f"{self.ctx.conversation_id}:{len(self.writes)}:{action.name}"
        result = run_write(action, self.ctx, args, key, approved_by=self.approver if preview.needs_approval else None)
        self.writes.append({"action": action.name, "args": args, "result": result})
        return result


# ------------------------------------------------------------------------------------------ reference state change


def _cents(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


@dataclass
class _Shop:
    """The dataset's dicts, copied on first write per record, so a task never pays for a full deep copy."""

    users: JSONDict
    orders: JSONDict
    products: JSONDict
    _copied: set[str] = field(default_factory=set)

    def order(self, order_id: str) -> JSONDict | None:
        return self._own("o:" + order_id, self.orders, order_id)

    def user(self, user_id: str) -> JSONDict | None:
        return self._own("u:" + user_id, self.users, user_id)

    def _own(self, tag: str, table: JSONDict, key: str) -> JSONDict | None:
        if key not in table:
            return None
        if tag not in self._copied:
            table[key] = deepcopy(table[key])
            self._copied.add(tag)
        record: JSONDict = table[key]
        return record


def _units(order: JSONDict, item_ids: list[str]) -> list[JSONDict] | None:
    """The order's item dicts for item_ids, each unit used at most once; None if one is missing."""
    left = list(order["items"])
    picked = []
    for item_id in item_ids:
        match = next((item for item in left if item["item_id"] == item_id), None)
        if match is None:
            return None
        left.remove(match)
        picked.append(match)
    return picked


def _swaps(shop: _Shop, order: JSONDict, kw: JSONDict) -> tuple[list[tuple[JSONDict, JSONDict]], Decimal] | None:
    """(unit, new variant) pairs within the same product and available, and the price difference; None if not."""
    if len(kw["item_ids"]) != len(kw["new_item_ids"]):
        return None
    units = _units(order, kw["item_ids"])
    if units is None:
        return None
    pairs = []
    for unit, new_id in zip(units, kw["new_item_ids"], strict=True):
        variant = shop.products.get(unit["product_id"], {}).get("variants", {}).get(new_id)
        if variant is None or not variant["available"]:
            return None
        pairs.append((unit, variant))
    return pairs, sum((_cents(v["price"]) - _cents(u["price"]) for u, v in pairs), Decimal(0))


def _net_paid(order: JSONDict) -> dict[str, Decimal]:
    net: dict[str, Decimal] = {}
    for entry in order["payment_history"]:
        sign = 1 if entry["transaction_type"] == "payment" else -1
        net[entry["payment_method_id"]] = net.get(entry["payment_method_id"], Decimal(0)) + sign * _cents(
            entry["amount"]
        )
    return {method: amount for method, amount in net.items() if amount > 0}


def _move_money(shop: _Shop, user_id: str, order: JSONDict, kind: str, amount: Decimal, method_id: str) -> None:
    order["payment_history"].append({"transaction_type": kind, "amount": float(amount), "payment_method_id": method_id})
    user = shop.user(user_id)
    assert user is not None
    method = user["payment_methods"][method_id]
    if method["source"] == "gift_card":
        balance = _cents(method["balance"]) + (amount if kind == "refund" else -amount)
        method["balance"] = int(balance) if balance == balance.to_integral_value() else float(balance)


def _gift_card_short(method: JSONDict, amount: Decimal) -> bool:
    return method["source"] == "gift_card" and amount > 0 and _cents(method["balance"]) < amount


def _address(kw: JSONDict) -> JSONDict:
    return {key: kw[key] for key in ("address1", "address2", "city", "country", "state", "zip")}


def _apply_reference(shop: _Shop, user_id: str, name: str, kw: JSONDict) -> bool:
    """One gold action by the policy's rules on the dicts; False (and no change) where the policy refuses it."""
    if name not in _WRITES:
        return True  # reads, calculate, think, transfer: no change
    user = shop.users.get(user_id)
    if user is None:
        return False
    if name == "modify_user_address":
        if kw["user_id"] != user_id:
            return False
        own_user = shop.user(user_id)
        assert own_user is not None
        own_user["address"] = _address(kw)
        return True
    raw = shop.orders.get(kw["order_id"])
    if raw is None or raw["user_id"] != user_id:
        return False
    methods = user["payment_methods"]
    method_id = kw.get("payment_method_id")
    if method_id is not None and method_id not in methods:
        return False
    status = raw["status"]
    if name == "cancel_pending_order":
        if status != "pending" or kw["reason"] not in ("no longer needed", "ordered by mistake"):
            return False
        order = shop.order(kw["order_id"])
        assert order is not None
        for paid_by, amount in _net_paid(order).items():
            _move_money(shop, user_id, order, "refund", amount, paid_by)
        order["status"], order["cancel_reason"] = "cancelled", kw["reason"]
        return True
    if name == "modify_pending_order_address":
        if status != "pending":
            return False
        order = shop.order(kw["order_id"])
        assert order is not None
        order["address"] = _address(kw)
        return True
    if name == "modify_pending_order_payment":
        paid = _net_paid(raw)
        if status != "pending" or len(paid) != 1 or method_id in paid:
            return False
        ((old_id, amount),) = paid.items()
        if method_id is None or _gift_card_short(methods[method_id], amount):
            return False
        order = shop.order(kw["order_id"])
        assert order is not None
        _move_money(shop, user_id, order, "payment", amount, method_id)
        _move_money(shop, user_id, order, "refund", amount, old_id)
        return True
    if name in ("modify_pending_order_items", "exchange_delivered_order_items"):
        wanted = "pending" if name == "modify_pending_order_items" else "delivered"
        swaps = _swaps(shop, raw, kw) if status == wanted and method_id is not None else None
        if swaps is None or _gift_card_short(methods[str(method_id)], swaps[1]):
            return False
        order = shop.order(kw["order_id"])
        assert order is not None
        pairs, difference = _swaps(shop, order, kw) or swaps
        if name == "exchange_delivered_order_items":
            # Only requested: items and money stay as they are until the returned items arrive.
            order["status"] = "exchange requested"
            order["exchange_items"] = sorted(kw["item_ids"])
            order["exchange_new_items"] = sorted(kw["new_item_ids"])
            order["exchange_payment_method_id"] = method_id
            order["exchange_price_difference"] = float(difference)
            return True
        if difference:
            kind = "payment" if difference > 0 else "refund"
            _move_money(shop, user_id, order, kind, abs(difference), str(method_id))
        for unit, variant in pairs:
            unit.update(item_id=variant["item_id"], price=variant["price"], options=variant["options"])
        order["status"] = "pending (item modified)"
        return True
    if name == "return_delivered_order_items":
        original = next(p["payment_method_id"] for p in raw["payment_history"] if p["transaction_type"] == "payment")
        if status != "delivered" or _units(raw, kw["item_ids"]) is None or method_id is None:
            return False
        if method_id != original and methods[method_id]["source"] != "gift_card":
            return False
        order = shop.order(kw["order_id"])
        assert order is not None
        order["status"] = "return requested"
        order["return_items"] = sorted(kw["item_ids"])
        order["return_payment_method_id"] = method_id
        return True
    raise AssertionError(f"no reference for {name}")


def expected_state(
    users: JSONDict, orders: JSONDict, products: JSONDict, user_id: str, actions: list[JSONDict]
) -> tuple[JSONDict, JSONDict, JSONDict]:
    """The shop after the actions, by the policy's rules; the inputs are not modified."""
    return expected_outcome(users, orders, products, user_id, actions)[0]


def expected_outcome(
    users: JSONDict, orders: JSONDict, products: JSONDict, user_id: str, actions: list[JSONDict]
) -> tuple[tuple[JSONDict, JSONDict, JSONDict], list[int]]:
    """The expected shop and the indexes of the actions the policy refuses (gold lists hold a few of those)."""
    shop = _Shop(dict(users), dict(orders), products)
    refused = [
        index
        for index, action in enumerate(actions)
        if not _apply_reference(shop, user_id, action["name"], action["kwargs"])
    ]
    return (shop.users, shop.orders, shop.products), refused


@dataclass
class TaskResult:
    index: int
    matched: bool
    differences: list[str]
    # Gold actions the tools refused, as "index name: message"; they must be exactly those the policy refuses.
    refused: list[str]
    disagreements: list[str]
    seconds: float


@dataclass
class ReplayReport:
    results: list[TaskResult]
    seconds: float

    @property
    def matched(self) -> int:
        return sum(r.matched for r in self.results)

    @property
    def total(self) -> int:
        return len(self.results)

    def lines(self) -> list[str]:
        out = [f"matched {self.matched}/{self.total} in {self.seconds:.1f}s"]
        for result in self.results:
            if not result.matched:
                problems = [*result.disagreements, *result.differences[:5]]
                out.append(f"  task {result.index}: " + "; ".join(problems))
        refusals = [(r.index, line) for r in self.results for line in r.refused]
        if refusals:
            out.append(f"gold actions refused by the policy (tools and reference agree): {len(refusals)}")
            out += [f"  task {index}: {line}" for index, line in refusals]
        return out


def differences(expected: Any, actual: Any, path: str = "", limit: int = 20) -> list[str]:
    """Where two JSON values differ, as readable paths (at most ``limit``)."""
    found: list[str] = []

    def walk(a: Any, b: Any, where: str) -> None:
        if len(found) >= limit:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for key in list(a) + [k for k in b if k not in a]:
                if key not in b:
                    found.append(f"{where}/{key}: missing in the database")
                elif key not in a:
                    found.append(f"{where}/{key}: unexpected {json.dumps(b[key])[:80]}")
                else:
                    walk(a[key], b[key], f"{where}/{key}")
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                walk(x, y, f"{where}[{i}]")
        elif a != b:
            found.append(f"{where}: expected {json.dumps(a)[:80]}, got {json.dumps(b)[:80]}")

    walk(expected, actual, path)
    return found


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def build_template(dataset_dir: Path, folder: Path) -> Path:
    """Import the dataset once into a SQLite file that each task copies; returns its path."""
    path = folder / "template.db"
    url = _sqlite_url(path)
    import_taubench(dataset_dir, url)
    engine_for(url).dispose()
    # Fold the write-ahead log into the file so a plain file copy is the whole database.
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")
    return path


def replay_profile() -> ShopProfile:
    settings = get_settings()
    return load_profile(settings.shop_id, settings.profiles_dir)


def replay_task(
    task: JSONDict, index: int, url: str, base: tuple[JSONDict, JSONDict, JSONDict], profile: ShopProfile
) -> tuple[TaskResult, tuple[JSONDict, JSONDict, JSONDict]]:
    """Replay one task's gold actions on the database at ``url``; returns the result and the exported state."""
    started = time.perf_counter()
    users, orders_, products = base
    ctx = ToolContext(db_url=url, profile=profile, conversation_id=f"taubench-{index}", actor=REQUESTER)
    adapter = TaubenchAdapter(ctx)
    refused: dict[int, str] = {}
    # Gold actions start after authentication: verify the task's customer the way the policy asks, by email.
    verified = adapter.call("find_user_id_by_email", {"email": users[task["user_id"]]["email"]})
    disagreements = [] if verified == task["user_id"] else [f"verification failed: {verified}"]
    for position, action in enumerate(task["actions"]):
        outcome = adapter.call(action["name"], action["kwargs"])
        if isinstance(outcome, dict) and "error" in outcome:
            refused[position] = f"{position} {action['name']}: {outcome['error']}"
    actual = export_taubench(url)
    expected, expected_refused = expected_outcome(users, orders_, products, task["user_id"], task["actions"])
    for position in sorted(set(refused) ^ set(expected_refused)):
        name = task["actions"][position]["name"]
        who = "the tools refused" if position in refused else "the policy refuses"
        disagreements.append(f"action {position} {name}: only {who} it ({refused.get(position, 'accepted')})")
    diffs: list[str] = []
    if expected != actual:
        for name, want, got in zip(("users", "orders", "products"), expected, actual, strict=True):
            diffs += differences(want, got, name)
    matched = not diffs and not disagreements
    result = TaskResult(index, matched, diffs, list(refused.values()), disagreements, time.perf_counter() - started)
    return result, actual


def write_export(folder: Path, state: tuple[JSONDict, JSONDict, JSONDict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in zip(("users", "orders", "products"), state, strict=True):
        (folder / f"{name}.json").write_text(json.dumps(data, indent=2), encoding="utf-8")


class Replayer:
    """Imports the dataset once into a template SQLite file, then gives each task a fresh copy of it.

    Every task reuses one file path (and so one engine with its compiled statements): the pool is closed, the
    template copied over the file, and the next connection sees a fresh shop. That keeps 520 tasks within minutes.
    """

    def __init__(self, dataset_dir: Path, profile: ShopProfile | None = None, template: Path | None = None) -> None:
        """``template``: a SQLite file ``build_template`` made from ``dataset_dir`` earlier (its data is only read),
        which saves the import."""
        self.dataset_dir = Path(dataset_dir)
        self.profile = profile or replay_profile()
        self._tmp = tempfile.TemporaryDirectory(prefix="taubench-replay-")
        folder = Path(self._tmp.name)
        self.template = template or build_template(self.dataset_dir, folder)
        self.base = export_taubench(_sqlite_url(self.template))
        engine_for(_sqlite_url(self.template)).dispose()
        self._task_path = folder / "task.db"
        self._task_url = _sqlite_url(self._task_path)

    def fresh_database(self) -> str:
        engine_for(self._task_url).dispose()
        for suffix in ("-wal", "-shm"):
            Path(f"{self._task_path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.template, self._task_path)
        return self._task_url

    def run(
        self, tasks: list[JSONDict], indexes: list[int] | None = None, export_dir: Path | None = None
    ) -> ReplayReport:
        """Replay the gold actions of ``tasks`` (or of those at ``indexes``), each on a fresh shop."""
        started = time.perf_counter()
        results: list[TaskResult] = []
        for index in indexes if indexes is not None else range(len(tasks)):
            result, actual = replay_task(tasks[index], index, self.fresh_database(), self.base, self.profile)
            results.append(result)
            if export_dir is not None:
                write_export(export_dir / str(index), actual)
        return ReplayReport(results, time.perf_counter() - started)

    def close(self) -> None:
        engine_for(self._task_url).dispose()
        self._tmp.cleanup()

    def __enter__(self) -> Replayer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def replay_tasks(
    tasks: list[JSONDict],
    dataset_dir: Path,
    export_dir: Path | None = None,
    indexes: list[int] | None = None,
    profile: ShopProfile | None = None,
) -> ReplayReport:
    """Replay the gold actions of ``tasks`` (or of those at ``indexes``), each on a fresh copy of the shop."""
    with Replayer(dataset_dir, profile) as replayer:
        return replayer.run(tasks, indexes, export_dir)


def load_tasks(path: Path) -> list[JSONDict]:
    tasks: list[JSONDict] = json.loads(Path(path).read_text(encoding="utf-8"))
    return tasks


__all__ = [
    "APPROVER",
    "ReplayReport",
    "Replayer",
    "TaskResult",
    "TaubenchAdapter",
    "calculate",
    "differences",
    "expected_outcome",
    "expected_state",
    "load_tasks",
    "our_write",
    "replay_tasks",
]
