"""tau-bench gold actions through the tools reproduce the policy's end state; violating variants are refused."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from evals.__main__ import main
from evals.taubench import Replayer, TaubenchAdapter, calculate, expected_state, load_tasks
from shop.taubench import export_taubench
from tools.base import ToolContext, ToolError

TRAIN_SAMPLE = 40


@pytest.fixture(scope="module")
def replayer(dataset_dir: Path) -> Iterator[Replayer]:
    with Replayer(dataset_dir) as built:
        yield built


def test_dev_tasks_all_match(replayer: Replayer, dataset_dir: Path) -> None:
    report = replayer.run(load_tasks(dataset_dir / "tasks_dev.json"))
    assert (report.matched, report.total) == (20, 20), "\n".join(report.lines())


def test_train_sample_matches(replayer: Replayer, dataset_dir: Path) -> None:
    tasks = load_tasks(dataset_dir / "tasks_train.json")
    sample = sorted(random.Random(13).sample(range(len(tasks)), TRAIN_SAMPLE))
    report = replayer.run(tasks, indexes=sample)
    assert (report.matched, report.total) == (TRAIN_SAMPLE, TRAIN_SAMPLE), "\n".join(report.lines())
    # The sample really exercises writes; the few gold writes refused (tools and reference agreeing) are the ones
    # that ask a gift card to pay more than its balance.
    assert all(tasks[i]["actions"] for i in sample)
    refused = [line for result in report.results for line in result.refused]
    assert 0 < len(refused) < TRAIN_SAMPLE // 4
    assert all("gift card balance" in line for line in refused), refused


@pytest.fixture
def adapter(replayer: Replayer) -> TaubenchAdapter:
    url = replayer.fresh_database()
    ctx = ToolContext(db_url=url, profile=replayer.profile, conversation_id="violations")
    adapter = TaubenchAdapter(ctx)
    assert adapter.call("find_user_id_by_email", {"email": "noah.brown7922@example.com"}) == "noah_brown_6181"
    return adapter


def _orders_of(base: tuple[dict[str, Any], ...], user_id: str, status: str) -> list[dict[str, Any]]:
    return [o for o in base[1].values() if o["user_id"] == user_id and o["status"] == status]


def _a_user_with(base: tuple[dict[str, Any], ...], *statuses: str) -> str:
    return next(u for u in base[0] if all(_orders_of(base, u, s) for s in statuses))


def test_policy_violations_are_refused_and_change_nothing(replayer: Replayer) -> None:
    base = replayer.base
    user_id = _a_user_with(base, "pending", "delivered")
    pending, delivered = _orders_of(base, user_id, "pending")[0], _orders_of(base, user_id, "delivered")[0]
    other_user = next(u for u in base[0] if u != user_id and _orders_of(base, u, "pending"))
    other_order = _orders_of(base, other_user, "pending")[0]
    foreign_method = next(iter(base[0][other_user]["payment_methods"]))
    original = delivered["payment_history"][0]["payment_method_id"]
    item = delivered["items"][0]
    other_product = next(p for p in base[2].values() if p["product_id"] != item["product_id"])
    other_type_item = next(v["item_id"] for v in other_product["variants"].values() if v["available"])
    violations = [
        ("cancel_pending_order", {"order_id": delivered["order_id"], "reason": "no longer needed"}),
        (
            "return_delivered_order_items",
            {
                "order_id": pending["order_id"],
                "item_ids": [pending["items"][0]["item_id"]],
                "payment_method_id": original,
            },
        ),
        (
            "exchange_delivered_order_items",
            {
                "order_id": delivered["order_id"],
                "item_ids": [item["item_id"]],
                "new_item_ids": [other_type_item],
                "payment_method_id": original,
            },
        ),
        (
            "return_delivered_order_items",
            {"order_id": delivered["order_id"], "item_ids": [item["item_id"]], "payment_method_id": foreign_method},
        ),
        ("cancel_pending_order", {"order_id": other_order["order_id"], "reason": "no longer needed"}),
        ("get_order_details", {"order_id": other_order["order_id"]}),
        ("get_user_details", {"user_id": other_user}),
    ]
    url = replayer.fresh_database()
    adapter = TaubenchAdapter(ToolContext(db_url=url, profile=replayer.profile, conversation_id="violations"))
    assert adapter.call("find_user_id_by_email", {"email": base[0][user_id]["email"]}) == user_id
    for name, kwargs in violations:
        outcome = adapter.call(name, kwargs)
        assert isinstance(outcome, dict) and outcome.get("error_type") == "PolicyViolation", (name, outcome)
    assert adapter.writes == []
    assert export_taubench(url) == base
    # The reference agrees: none of the writes changes its expected state either.
    actions = [{"name": n, "kwargs": k} for n, k in violations]
    assert expected_state(*base, user_id, actions) == base
    # Another customer cannot be verified in the same conversation.
    refused = adapter.call("find_user_id_by_email", {"email": base[0][other_user]["email"]})
    assert refused["error_type"] == "PolicyViolation"


def test_adapter_reads_and_helpers(adapter: TaubenchAdapter) -> None:
    details = adapter.call("get_order_details", {"order_id": "#W7678072"})
    assert details["customer_id"] == "noah_brown_6181"
    assert len(adapter.call("list_all_product_types", {})["products"]) == 50
    assert adapter.call("get_product_details", {"product_id": "9523456873"})["name"] == "T-Shirt"
    assert adapter.call("get_user_details", {"user_id": "noah_brown_6181"})["email"] == "noah.brown7922@example.com"
    assert adapter.call("calculate", {"expression": "(47.84 + 488.81) * 2"}) == 1073.3
    assert adapter.call("think", {"thought": "hm"}) == {"thought": "hm"}
    assert adapter.call("transfer_to_human_agents", {"summary": "s"})["transferred"] is True
    assert adapter.call("no_such_tool", {})["error"] == "Unknown tool 'no_such_tool'."
    with pytest.raises(ToolError):
        calculate("__import__('os').system('true')")


def test_cli_replays_and_exports(dataset_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tasks = load_tasks(dataset_dir / "tasks_dev.json")[:2]
    tasks_file = tmp_path / "tasks.json"
    tasks_file.write_text(json.dumps(tasks))
    for name in ("users", "orders", "products"):
        shutil.copyfile(dataset_dir / f"{name}.json", tmp_path / f"{name}.json")
    assert main(["taubench-replay", "--tasks", str(tasks_file), "--export-dir", str(tmp_path / "out")]) == 0
    assert "matched 2/2" in capsys.readouterr().out
    orders = json.loads((tmp_path / "out" / "0" / "orders.json").read_text())
    assert orders[tasks[0]["actions"][0]["kwargs"]["order_id"]]["status"] == "cancelled"
    assert {p.name for p in (tmp_path / "out" / "1").iterdir()} == {"users.json", "orders.json", "products.json"}
