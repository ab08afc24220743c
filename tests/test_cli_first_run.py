"""The main job on a fresh data folder: it builds the shop and the index by itself, says so, and then chats."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


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
    assert "First run: building the demo shop" in done.stderr
    assert "Seeding demo shop" in done.stderr  # the progress bar
    assert "Knowledge ready" in done.stderr
    assert "Northwind Outfitters assistant" in done.stdout
    assert "handed over" in done.stdout
    assert "agent> Hi, this is Sam." in done.stdout
    assert (tmp_path / "data" / "shop.db").is_file() and (tmp_path / "data" / "checkpoints.sqlite").is_file()

    again = subprocess.run(
        [sys.executable, "-m", "shopdesk", "samples"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert again.returncode == 0, again.stderr[-3000:]
    assert "First run" not in again.stderr  # the shop is there already
    assert "shipped" in again.stdout and "@" in again.stdout
