"""`langgraph dev` serves the graph from langgraph.json offline; the SDK runs a turn, an interrupt and its resume."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langgraph_sdk import get_client

from tests.support.app import copy_shop
from tests.support.processes import REPO, free_port, running_server


@pytest.fixture
def dev_server(tmp_path: Path, demo_db_url: str) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "SHOPDESK_DATA_DIR": str(tmp_path),
        "SHOPDESK_DATABASE_URL": copy_shop(demo_db_url, tmp_path),
        "LANGSMITH_TRACING": "false",
        "LANGGRAPH_CLI_NO_ANALYTICS": "1",
    }
    env.pop("OPENAI_API_KEY", None)
    env.pop("OPENAI_BASE_URL", None)
    url = f"http://127.0.0.1:{port}"
    command = [
        str(Path(sys.executable).parent / "langgraph"),
        "dev",
        "--port",
        str(port),
        "--no-browser",
        "--no-reload",
    ]
    with running_server(command, f"{url}/ok", tmp_path / "langgraph-dev.log", cwd=REPO, env=env):
        yield url


async def test_studio_server_runs_a_turn_through_an_interrupt_and_its_resume(dev_server: str) -> None:
    client = get_client(url=dev_server)
    state: Any
    hello: Any = {"messages": [{"role": "user", "content": "hello"}]}
    human: Any = {"messages": [{"role": "user", "content": "Please get me a human agent"}]}
    assistants = await client.assistants.search(graph_id="support")
    assert assistants, "the support graph is not served"
    thread = await client.threads.create()

    await client.runs.wait(thread["thread_id"], "support", input=hello)
    state = await client.threads.get_state(thread["thread_id"])
    assert state["values"]["messages"][-1]["type"] == "ai"
    assert "assistant" in state["values"]["messages"][-1]["content"]

    await client.runs.wait(
        thread["thread_id"],
        "support",
        input=human,
    )
    state = await client.threads.get_state(thread["thread_id"])
    interrupts = [i for task in state["tasks"] for i in task["interrupts"]]
    assert interrupts and interrupts[0]["value"]["type"] == "handoff"
    assert state["values"]["status"] == "waiting_human"

    await client.runs.wait(
        thread["thread_id"],
        "support",
        command={"resume": {"action": "reply", "agent": "studio", "text": "Hello from the team!"}},
    )
    state = await client.threads.get_state(thread["thread_id"])
    assert state["values"]["messages"][-1]["content"] == "Hello from the team!"
    assert state["values"]["status"] == "human"
