"""The simulation harness: a customer played one message per call against the real graph on the tau-bench shop,
scored against the gold replay, and summed up over a folder of runs; a model playing the customer over HTTP."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import HumanMessage

from evals.__main__ import main
from evals.simulation.folder import RunFolder, RunState
from evals.simulation.play import MAX_MESSAGES, conversation, ending, is_stuck, refusal
from evals.simulation.scoring import match_writes, missing_outputs, shop_writes
from evals.simulation.shop import Cache, load_task, taubench_profile
from evals.simulation.summary import find_runs, summarise
from evals.simulation.user import GREETING, STOP
from evals.taubench import TaubenchAdapter
from knowledge.documents import parse_document
from shopdesk.plaintext import as_plain_text
from shopdesk.profile import load_profile
from tests.support.app import reset_app_caches
from tests.support.openai_stub import OpenAIStub
from tools.base import ToolContext, run_write
from tools.registry import WRITE_ACTIONS

REPO_ROOT = Path(__file__).resolve().parents[1]
# Dev task 0: Olivia Ito wants her pending order #W5442520 cancelled; the gold cancels it, "no longer needed".
TASK = 0
EMAIL = "olivia.ito5204@example.com"
OTHER_PENDING_ORDER = "#W3657213"  # also hers and pending; the gold leaves it alone
_RUN_VARIABLES = ("SHOPDESK_DATABASE_URL", "SHOPDESK_SHOP_ID", "SHOPDESK_CHECKPOINT_URL", "SHOPDESK_CLOCK")


@pytest.fixture(scope="session")
def simulation_data_dir(tmp_path_factory: pytest.TempPathFactory, dataset_dir: Path) -> Path:
    """A data folder whose simulation cache (the imported shop, the knowledge index) is built once per session."""
    data_dir = tmp_path_factory.mktemp("simulation-data")
    Cache(data_dir / "simulate", dataset_dir).prepare()
    return data_dir


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, simulation_data_dir: Path) -> Iterator[Path]:
    """This process set up as a player's shell: the session's simulation cache, no model endpoint."""
    monkeypatch.setenv("SHOPDESK_DATA_DIR", str(simulation_data_dir))
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SHOPDESK_ENGINE", *_RUN_VARIABLES):
        monkeypatch.delenv(name, raising=False)
    reset_app_caches()
    yield simulation_data_dir
    reset_app_caches()


def simulate(capsys: pytest.CaptureFixture[str], run_dir: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["simulate", "--task", str(TASK), "--split", "dev", "--run-dir", str(run_dir), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(run_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    return data


def conversation_values(run_dir: Path) -> dict[str, Any]:
    """The conversation's state as the graph keeps it in the run's checkpoints."""
    folder = RunFolder.load(run_dir)

    async def read() -> dict[str, Any]:
        async with conversation(folder, Cache(Path(os.environ["SHOPDESK_DATA_DIR"]) / "simulate")) as chat:
            return await chat.values(folder.state.thread_id)

    return asyncio.run(read())


def apply(run_dir: Path, calls: list[tuple[str, dict[str, Any]]]) -> None:
    """Benchmark tool calls straight on the run's shop, as if the bot had made them, verified by email first."""
    folder = RunFolder.load(run_dir)
    ctx = ToolContext(db_url=folder.shop_url, profile=taubench_profile(), conversation_id=folder.state.thread_id)
    adapter = TaubenchAdapter(ctx, approver=None)
    assert adapter.call("find_user_id_by_email", {"email": EMAIL}) == folder.state.user_id
    for name, kwargs in calls:
        outcome = adapter.call(name, kwargs)
        assert not (isinstance(outcome, dict) and "error" in outcome), outcome


def gold_calls() -> list[tuple[str, dict[str, Any]]]:
    return [(action["name"], action["kwargs"]) for action in load_task("dev", TASK)["actions"]]


def test_a_customer_plays_a_dev_task_one_message_per_call(
    offline: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_dir = tmp_path / "runs" / "dev-0"
    code, out, _ = simulate(capsys, run_dir, "--show-instruction")
    assert code == 0 and out.strip() == load_task("dev", TASK)["instruction"]
    assert "cancel_pending_order" not in out and not run_dir.exists()  # the instruction only; no run started

    for text in ("Hi, I want to cancel an order", EMAIL, "#W5442520"):
        code, out, _ = simulate(capsys, run_dir, "--player", "tester", "--say", text)
        assert code == 0 and out.strip()
    state = run_json(run_dir)
    assert (state["task"], state["split"], state["player"], state["engine"]) == (TASK, "dev", "tester", "local")
    assert [e["role"] for e in state["transcript"]] == ["customer", "bot"] * 3
    # The terminal shows the reply as plain text; the transcript keeps it as the bot wrote it.
    assert as_plain_text(state["transcript"][-1]["text"]).strip() in out
    # One conversation across the calls: the graph holds every message and the customer verified by the second.
    values = conversation_values(run_dir)
    assert sum(isinstance(m, HumanMessage) for m in values["messages"]) == 3
    assert (values.get("customer") or {}).get("id") == "olivia_ito_3591"

    # A new process (what a player's shell runs) continues the same conversation.
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    command = [sys.executable, "-m", "evals", "simulate", "--run-dir", str(run_dir), "--say", "ok, thank you"]
    finished = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    state = run_json(run_dir)
    assert len(state["transcript"]) == 8 and state["transcript"][-2]["text"] == "ok, thank you"
    assert sum(isinstance(m, HumanMessage) for m in conversation_values(run_dir)["messages"]) == 4

    # The shop ends as the gold leaves it: the run passes.
    apply(run_dir, gold_calls())
    code, out, _ = simulate(capsys, run_dir, "--end")
    assert code == 0 and out.startswith("PASS"), out
    result = run_json(run_dir)["result"]
    assert result["passed"] and result["database_matches"] and result["gold_replay_matched"]
    assert (result["messages"], result["ended"], result["differences"]) == (4, "goal", [])
    assert [(w["action"], w["in_gold"]) for w in result["writes"]] == [("cancel_order", True)]
    assert (result["writes_not_in_gold"], result["gold_writes_not_made"]) == (0, 0)

    code, _, err = simulate(capsys, run_dir, "--say", "one more thing")
    assert code == 1 and "has ended" in err
    assert len(run_json(run_dir)["transcript"]) == 8


def test_failures_handoffs_and_writes_not_in_the_gold_are_scored_and_summed_up(
    offline: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = tmp_path / "runs"
    # Passes: the gold's cancellation.
    assert simulate(capsys, runs / "pass", "--say", f"hello, {EMAIL} here")[0] == 0
    apply(runs / "pass", gold_calls())
    assert simulate(capsys, runs / "pass", "--end")[0] == 0

    # Fails: the gold's cancellation and another one the gold does not hold; the player says they were stuck.
    assert simulate(capsys, runs / "extra", "--say", f"hello, {EMAIL} here")[0] == 0
    apply(runs / "extra", [("cancel_pending_order", {"order_id": OTHER_PENDING_ORDER, "reason": "ordered by mistake"})])
    code, out, _ = simulate(capsys, runs / "extra", "--end", "stuck")
    assert code == 1 and out.startswith("FAIL")
    result = run_json(runs / "extra")["result"]
    assert not result["passed"] and not result["database_matches"] and result["ended"] == "stuck"
    assert (result["writes_not_in_gold"], result["gold_writes_not_made"]) == (1, 1)
    assert any(OTHER_PENDING_ORDER in line for line in result["differences"])
    assert any("#W5442520" in line for line in result["differences"])

    # Hands off: the customer asks for a person; the run takes no more messages and ends as a handoff.
    assert simulate(capsys, runs / "handoff", "--say", "I want to talk to a human agent, please")[0] == 0
    assert run_json(runs / "handoff")["handoff"]["kind"] == "handoff"
    code, _, err = simulate(capsys, runs / "handoff", "--say", "hello?")
    assert code == 1 and "person" in err
    assert simulate(capsys, runs / "handoff", "--end")[0] == 1
    assert run_json(runs / "handoff")["result"]["ended"] == "handoff"

    # Still playing: listed, not counted.
    assert simulate(capsys, runs / "playing", "--say", "hi")[0] == 0

    summary = summarise(find_runs(runs), runs)
    assert (summary.scored, summary.passed, summary.handoffs, summary.unfinished) == (3, 1, 1, 1)
    assert (summary.writes_not_in_gold, summary.runs_with_writes_not_in_gold, summary.tasks) == (1, 1, {"dev-0"})
    capsys.readouterr()
    assert main(["simulate-summary", str(runs)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[1:5]] == ["extra", "handoff", "pass", "playing"]
    assert lines[-1].startswith("passed 1/3 scored runs (0.33) over 1 task(s); handoffs 1; writes not in the gold 1")


def test_a_model_plays_the_customer_from_the_instruction(
    offline: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run_dir = tmp_path / "auto"
    code, _, err = simulate(capsys, run_dir, "--auto")
    assert code == 2 and "OPENAI_BASE_URL" in err and not run_dir.exists()

    stub = OpenAIStub(script=["Hi, I need help with one of my orders.", f"Sure: {EMAIL}", STOP]).start()
    try:
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        reset_app_caches()
        code, out, _ = simulate(capsys, run_dir, "--auto", "--user-model", "stub-user")
    finally:
        stub.stop()
    assert code == 1 and out.startswith("FAIL")  # asking is not cancelling
    state = run_json(run_dir)
    assert (state["player"], state["engine"], state["ended"]) == ("model:stub-user", "local", "goal")
    customer = [e["text"] for e in state["transcript"] if e["role"] == "customer"]
    assert customer == ["Hi, I need help with one of my orders.", f"Sure: {EMAIL}"]

    # The simulator's requests: the instruction in its prompt, the agent's greeting, then the conversation with the
    # roles mirrored (its own lines as the assistant's, the bot's replies as the user's).
    asked = [r for r in stub.requests if "messages" in r and not r.get("tools") and not r.get("response_format")]
    assert len(asked) == 3 and {r["model"] for r in asked} == {"stub-user"}
    first, last = asked[0]["messages"], asked[-1]["messages"]
    assert first[0]["role"] == "system" and load_task("dev", TASK)["instruction"] in first[0]["content"]
    assert first[1] == {"role": "user", "content": GREETING} and len(first) == 2
    bot = [e["text"] for e in state["transcript"] if e["role"] == "bot"]
    assert [(m["role"], m["content"]) for m in last[2:]] == [
        ("assistant", customer[0]),
        ("user", bot[0]),
        ("assistant", customer[1]),
        ("user", bot[1]),
    ]


def test_how_a_run_ends_handoff_and_limit_are_facts_goal_and_stuck_the_players_word() -> None:
    state = RunState(task=0, split="dev", user_id="u", thread_id="t", engine="local", player="p")
    for number in range(MAX_MESSAGES - 1):
        state.transcript += [{"role": "customer", "text": f"try {number}"}, {"role": "bot", "text": f"answer {number}"}]
    assert refusal(state) is None and not is_stuck(state)
    assert (ending(state, "goal"), ending(state, "stuck")) == ("goal", "stuck")
    # The same answer three times in a row is stuck; twice is not.
    state.transcript[-3]["text"] = state.transcript[-1]["text"]
    assert not is_stuck(state)
    state.transcript += [
        {"role": "customer", "text": "last try"},
        {"role": "bot", "text": state.transcript[-1]["text"]},
    ]
    assert is_stuck(state)
    # The 25th message was the last one.
    assert "limit" in str(refusal(state)) and ending(state, "goal") == "limit" and ending(state, "stuck") == "stuck"
    state.handoff = {"kind": "handoff", "reasons": ["human_requested"], "after_messages": 3}
    assert "person" in str(refusal(state)) and ending(state, "stuck") == "handoff"
    state.ended = "handoff"
    assert "has ended" in str(refusal(state))


def test_writes_match_the_gold_as_sets_and_outputs_as_tau_bench_reads_them() -> None:
    task = {
        "actions": [
            {"name": "get_order_details", "kwargs": {"order_id": "#W1"}},
            {
                "name": "exchange_delivered_order_items",
                "kwargs": {
                    "order_id": "#W1",
                    "item_ids": ["a", "b"],
                    "new_item_ids": ["A", "B"],
                    "payment_method_id": "p",
                },
            },
        ],
        "outputs": ["1093.34", "Cobalt"],
    }
    swapped = {"order_id": "#W1", "item_ids": ["b", "a"], "new_item_ids": ["B", "A"], "payment_method_id": "p"}
    crossed = {**swapped, "new_item_ids": ["A", "B"]}
    writes, not_made = match_writes([{"action": "exchange_items", "args": swapped}], task)
    assert [w["in_gold"] for w in writes] == [True] and not_made == 0
    writes, not_made = match_writes([{"action": "exchange_items", "args": crossed}], task)
    assert [w["in_gold"] for w in writes] == [False] and not_made == 1
    # The same write twice: the gold holds it once.
    writes, _ = match_writes([{"action": "exchange_items", "args": swapped}] * 2, task)
    assert [w["in_gold"] for w in writes] == [True, False]
    assert missing_outputs(task, ["The total is $1,093.34.", "Only cobalt is left"]) == []
    assert missing_outputs(task, ["The total is $1,093.34."]) == ["Cobalt"]


def test_an_item_a_pending_change_swaps_for_itself_is_no_write_of_its_own() -> None:
    """A gold modification may list an item "changed to {}" (itself): leaving it out writes the same database. An
    exchange for a new unit of the same item is a real exchange and still counts."""
    gold_args = {"order_id": "#W1", "item_ids": ["a", "b"], "new_item_ids": ["A", "b"], "payment_method_id": "p"}
    made = {"order_id": "#W1", "item_ids": ["a"], "new_item_ids": ["A"], "payment_method_id": "p"}
    modify = {"actions": [{"name": "modify_pending_order_items", "kwargs": gold_args}]}
    writes, not_made = match_writes([{"action": "modify_order_items", "args": made}], modify)
    assert [w["in_gold"] for w in writes] == [True] and not_made == 0
    exchange = {"actions": [{"name": "exchange_delivered_order_items", "kwargs": gold_args}]}
    writes, not_made = match_writes([{"action": "exchange_items", "args": made}], exchange)
    assert [w["in_gold"] for w in writes] == [False] and not_made == 1


def test_a_write_made_for_the_verified_customer_is_matched_with_the_gold_that_names_them(
    taubench_db_url: str, tmp_path: Path
) -> None:
    from tests.support.app import copy_shop

    url = copy_shop(taubench_db_url, tmp_path)
    ctx = ToolContext(db_url=url, profile=taubench_profile(), conversation_id="c", customer_id="olivia_ito_3591")
    address = {
        "address1": "1 Main St",
        "address2": "",
        "city": "Denver",
        "state": "CO",
        "country": "USA",
        "zip": "80218",
    }
    # As the bot may call it: no customer named (the verified one is meant), no second address line.
    run_write(WRITE_ACTIONS["modify_default_address"], ctx, {k: v for k, v in address.items() if v}, "c:1")
    task = {"actions": [{"name": "modify_user_address", "kwargs": {"user_id": "olivia_ito_3591", **address}}]}
    writes, not_made = match_writes(shop_writes(url), task)
    assert [(w["action"], w["args"]["customer_id"], w["in_gold"]) for w in writes] == [
        ("modify_default_address", "olivia_ito_3591", True)
    ]
    assert not_made == 0


def test_the_taubench_profile_mirrors_the_benchmark_policy(taubench_db_url: str, tmp_path: Path) -> None:
    from tests.support.app import copy_shop

    profile = taubench_profile()
    demo = load_profile("demo", profile_dir := REPO_ROOT / "shopdesk" / "profiles")
    assert load_profile("taubench", profile_dir) == profile
    url = copy_shop(taubench_db_url, tmp_path)
    taubench_ctx = ToolContext(db_url=url, profile=profile, conversation_id="profile", customer_id="olivia_ito_3591")
    demo_ctx = ToolContext(db_url=url, profile=demo, conversation_id="profile", customer_id="olivia_ito_3591")
    # A new address for a $663.85 order: the demo shop wants a person's approval, the benchmark's agent acts on the
    # customer's "yes".
    move = {"order_id": "#W5442520", "address1": "1 Main St", "address2": "", "city": "Denver", "state": "CO"}
    move |= {"country": "USA", "zip": "80218"}
    assert WRITE_ACTIONS["modify_order_address"].preview(demo_ctx, move).needs_approval
    assert not WRITE_ACTIONS["modify_order_address"].preview(taubench_ctx, move).needs_approval
    # Coupons are outside the benchmark's actions: any voucher, even on a delivered order, is a person's call.
    voucher = {"kind": "amount", "value": 5, "reason": "damaged", "order_id": "#W5866402"}
    preview = WRITE_ACTIONS["issue_voucher"].preview(taubench_ctx, voucher)
    assert preview.needs_approval and any(r.startswith("voucher_over_limit") for r in preview.approval_reasons)
    assert profile.escalation.high_value_order_amount == float("inf") and not profile.escalation.critical_keywords
    assert not profile.upsell.enabled and not profile.returns.final_sale_categories
    # The team's copy of the benchmark's policy, word for word; it is written to the agent, so customers never read it.
    path = REPO_ROOT / "knowledge" / "docs" / "taubench" / "policy.md"
    document = path.read_text(encoding="utf-8")
    policy = (REPO_ROOT / "evals" / "datasets" / "taubench-retail" / "policy.md").read_text(encoding="utf-8")
    assert document.split("---\n", 2)[2].strip() == policy.strip()
    assert parse_document(path).audience == "staff"
    # What customers read states the policy's rules and nothing it does not state (it says nothing of newsletters).
    help_page = parse_document(path.with_name("help.md"))
    assert help_page.audience == "customers" and not re.search(r"newsletter|marketing", help_page.body, re.IGNORECASE)


# What the benchmark's policy says to its agent, and a customer must never read.
AGENT_WORDING = re.compile(
    r"you have to authenticate|\bthe user\b|as a retail agent|transfer the user|retail agent policy|tool call",
    re.IGNORECASE,
)


@pytest.mark.parametrize(
    "question",
    [
        "How soon is a refund back on my visa card?",
        "is it possible to exchange an item after delivery?",
        "Once something has been shipped, can it still be cancelled?",
        "what are your rules for returns?",
    ],
)
def test_the_shops_rules_are_told_to_a_customer_from_its_help_page_not_the_agents_policy(
    offline: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], question: str
) -> None:
    code, out, _ = simulate(capsys, tmp_path / "run", "--say", question)
    assert code == 0 and "(see Help with your orders" in out, out
    assert not AGENT_WORDING.search(out), out
