"""The main job on a fresh data folder: it builds the shop and the index by itself, says so, and then chats or
serves. Its output here goes to a pipe or a file, as in a log: one line per step, no progress bars."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.processes import free_port

REPO = Path(__file__).resolve().parents[1]


def assert_quiet(output: str) -> None:
    """No tqdm bar was drawn: they redraw with carriage returns and show `NN%|`."""
    assert "\r" not in output and "%|" not in output, output[-2000:]


def test_first_run_seeds_indexes_and_chats(tmp_path: Path) -> None:
    env = {**os.environ, "SHOPDESK_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(REPO)}
    for name in ("SHOPDESK_DATABASE_URL", "SHOPDESK_CHECKPOINT_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "shopdesk", "chat"],
        input="hello\nI want to speak to a human\n/agent Hi, this is Sam.\n/quit\n",
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "First run: building the demo shop" in done.stderr and "Demo shop ready: seeded demo shop" in done.stderr
    assert done.stderr.count("Knowledge ready") == 1
    assert_quiet(done.stderr)
    assert "Northwind Outfitters assistant" in done.stdout
    assert "handed over" in done.stdout
    assert "agent> Hi, this is Sam." in done.stdout
    assert (tmp_path / "data" / "shop.db").is_file() and (tmp_path / "data" / "checkpoints.sqlite").is_file()

    again = subprocess.run(
        [sys.executable, "-m", "shopdesk", "samples"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert again.returncode == 0, again.stderr[-3000:]
    assert "First run" not in again.stderr  # the shop is there already
    assert "Indexing" not in again.stderr  # samples come from the shop alone
    assert "shipped" in again.stdout and "@" in again.stdout


@pytest.mark.slow
def test_first_run_of_the_server_indexes_once_and_says_serving_once_it_answers(tmp_path: Path) -> None:
    env = {**os.environ, "SHOPDESK_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(REPO)}
    for name in ("SHOPDESK_DATABASE_URL", "SHOPDESK_CHECKPOINT_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        env.pop(name, None)
    port = free_port()
    log = tmp_path / "run.log"
    command = [sys.executable, "-m", "shopdesk", "run", "--port", str(port), "--workers", "1"]
    with log.open("wb") as sink:
        server = subprocess.Popen(command, cwd=REPO, env=env, stdout=sink, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while True:
            assert server.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "not serving after 300 s"
            said = log.read_text(errors="replace")
            if "Serving" in said:
                # Said only once the server answers: it must answer right now.
                assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200
                break
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=60)
    said = log.read_text(errors="replace")
    assert said.count("Serving") == 1 and f"Serving http://127.0.0.1:{port}" in said
    assert said.count("Indexing the shop's documents") == 1 and said.count("Knowledge ready") == 1
    assert "First run: building the demo shop" in said
    assert said.index("Knowledge ready") < said.index("Serving")
    assert_quiet(said)
