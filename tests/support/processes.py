"""Helpers for tests that run the product in other processes: servers that must come up, and restarts."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.turnlock import ConversationLocks

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A loopback port nobody listens on right now (port 2024 and friends may be taken on a shared machine)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(
    command: list[str], health_url: str, log_path: Path, *, timeout_s: float = 120, **popen: Any
) -> Iterator[subprocess.Popen[bytes]]:
    """Start a server, wait until `health_url` answers 200, and always stop it (terminate, then kill)."""
    with log_path.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, **popen)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"{command[0]} exited with {process.returncode}:\n{log_path.read_text(errors='replace')[-3000:]}"
                )
            try:
                if httpx.get(health_url, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                log = log_path.read_text(errors="replace")[-3000:]
                pytest.fail(f"{command[0]} not up after {timeout_s} s:\n{log}")
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


RESUME = """
import asyncio, json, sys
from shopdesk.conversations import Conversations
from shopdesk.runtime import open_graph

async def main():
    async with open_graph() as graph:
        turn = await Conversations(graph).resume(sys.argv[1], json.loads(sys.argv[2]))
        print(json.dumps({"replies": turn.replies, "status": turn.status}))

asyncio.run(main())
"""


def resume_in_new_process(thread_id: str, command: dict[str, Any]) -> dict[str, Any]:
    """Resume a conversation from a fresh process on the same settings, as after a server restart."""
    done = subprocess.run(
        [sys.executable, "-c", RESUME, thread_id, json.dumps(command)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def start_holder(script: str, *args: str) -> subprocess.Popen[str]:
    """Another worker (a process of its own, as on another machine) running `script` with `args`; returns once it
    prints "held", i.e. holds a conversation's turn."""
    holder = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    return holder


async def time_to_acquire(locks: ConversationLocks, conversation: str) -> float:
    """Seconds until this process holds the conversation's turn."""
    started = time.monotonic()
    async with locks.hold(conversation):
        return time.monotonic() - started
