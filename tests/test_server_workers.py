"""The server as the main job starts it: set-up in a child process, then two worker processes sharing the data.

A conversation's messages sent at once land on either worker; the file locks still run them one after another, so
the history is whole: every message answered once, none lost, none answered twice.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil

from tests.support.app import copy_shop
from tests.support.processes import REPO, free_port, running_server

SHOP_KEY = {"X-Shop-Key": "demo-storefront-key"}
MESSAGES = [
    "What is your return policy?",
    "Do you ship to Canada?",
    "How long does standard shipping take?",
    "Which payment methods do you accept?",
    "Is there a warranty on jackets?",
    "Can I use two vouchers on one order?",
]


def _workers_answering(base: str, expected: int, timeout_s: float = 120, without: int | None = None) -> set[int]:
    """Worker pids seen on /health (other than `without`); a fresh connection per probe lets any worker take it."""
    seen: set[int] = set()
    deadline = time.monotonic() + timeout_s
    while len(seen) < expected and time.monotonic() < deadline:
        try:
            response = httpx.get(f"{base}/health", timeout=5, headers={"Connection": "close"})
        except httpx.TransportError:  # the killed worker's connections
            continue
        if response.status_code == 200 and response.json()["worker"] != without:
            seen.add(int(response.json()["worker"]))
        time.sleep(0.05)
    return seen


def test_two_workers_share_conversations_without_forking_them(tmp_path: Path, demo_db_url: str) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SHOPDESK_", "OPENAI_"))},
        "PYTHONPATH": str(REPO),
        "SHOPDESK_DATA_DIR": str(data_dir),
        "SHOPDESK_DATABASE_URL": copy_shop(demo_db_url, data_dir),
        "SHOPDESK_ENGINE": "local",
        "SHOPDESK_SETUP_ON_START": "true",  # the main job's path: index the knowledge in a child first
    }
    # The main job (`make run`), which becomes `python -m server`: set-up child, then the workers.
    command = [sys.executable, "-m", "shopdesk", "run", "--port", str(port), "--workers", "2"]
    with running_server(command, f"{base}/health", tmp_path / "server.log", timeout_s=300, cwd=REPO, env=env) as srv:
        workers = _workers_answering(base, expected=2)
        assert len(workers) == 2, f"only {workers} answered"
        children = {child.pid for child in psutil.Process(srv.pid).children()}
        assert workers <= children  # the supervisor itself serves nothing

        started = httpx.post(f"{base}/v1/conversations", headers=SHOP_KEY, json={}, timeout=30)
        assert started.status_code == 201, started.text
        opened = started.json()
        headers = {**SHOP_KEY, "Authorization": f"Bearer {opened['conversation_token']}"}
        url = f"{base}/v1/conversations/{opened['conversation_id']}"

        def send(text: str) -> httpx.Response:
            # A client per message: separate connections, so the kernel hands them to both workers.
            with httpx.Client(timeout=60) as client:
                return client.post(f"{url}/messages", headers=headers, json={"text": text})

        with ThreadPoolExecutor(len(MESSAGES)) as pool:
            responses = list(pool.map(send, MESSAGES))
        assert [r.status_code for r in responses] == [200] * len(MESSAGES), [r.text for r in responses]
        assert all(r.json()["replies"] for r in responses)

        view = httpx.get(url, headers=headers, timeout=30).json()
        roles = [m["role"] for m in view["messages"]]
        customer = [m["text"] for m in view["messages"] if m["role"] == "customer"]
        assert sorted(customer) == sorted(MESSAGES)  # each message once: none lost, none doubled
        # Each customer message is followed by the bot's answer before the next message starts.
        assert roles[-2 * len(MESSAGES) :] == ["customer", "bot"] * len(MESSAGES), roles

        # A worker that dies is replaced, and the conversation goes on.
        victim = next(iter(workers))
        os.kill(victim, signal.SIGKILL)
        replaced = _workers_answering(base, expected=2, timeout_s=180, without=victim)
        assert len(replaced) == 2 and victim not in replaced
        more = httpx.post(f"{url}/messages", headers=headers, json={"text": "Do you ship to Canada?"}, timeout=60)
        assert more.status_code == 200 and more.json()["replies"]
        serving = {child.pid for child in psutil.Process(srv.pid).children()} & replaced

    # Stopped (SIGTERM to the supervisor): the workers finish and exit with it.
    assert srv.returncode == 0
    assert not [pid for pid in serving if psutil.pid_exists(pid)]


def test_a_taken_port_is_one_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "PYTHONPATH": str(REPO), "SHOPDESK_SETUP_ON_START": "false"}
        done = subprocess.run(
            [sys.executable, "-m", "server", "--port", str(port), "--workers", "2"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
