"""Turns serialise through PostgreSQL advisory locks: across machines (separate pools), and a dead holder frees them."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from server.turnlock import PostgresTurnLocks, TurnLocks, turn_locks
from tests.support.processes import start_holder, time_to_acquire

HOLDER = """
import asyncio, sys
from server.turnlock import PostgresTurnLocks

async def main():
    locks = PostgresTurnLocks(sys.argv[1])
    async with locks.hold(sys.argv[2]):
        print("held", flush=True)
        await asyncio.sleep(float(sys.argv[3]))
    await locks.aclose()

asyncio.run(main())
"""


def test_a_turn_on_another_machine_makes_this_one_wait(pg_url: str) -> None:
    holder = start_holder(HOLDER, pg_url, "conv_a", "0.8")

    async def measure() -> tuple[float, float]:
        locks = PostgresTurnLocks(pg_url)
        try:
            return await time_to_acquire(locks, "conv_a"), await time_to_acquire(locks, "conv_b")
        finally:
            await locks.aclose()

    try:
        waited, free = asyncio.run(measure())
    finally:
        holder.wait(timeout=10)
    assert waited > 0.4, f"acquired after {waited:.3f}s while another machine held the conversation"
    assert holder.returncode == 0
    assert free < 0.1


def test_a_killed_holder_releases_the_conversation(pg_url: str) -> None:
    holder = start_holder(HOLDER, pg_url, "conv_c", "60")
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=10)

    async def measure() -> float:
        locks = PostgresTurnLocks(pg_url)
        try:
            return await asyncio.wait_for(time_to_acquire(locks, "conv_c"), timeout=5)
        finally:
            await locks.aclose()

    assert asyncio.run(measure()) < 1.0


def test_turns_of_one_conversation_queue_up_in_order(pg_url: str) -> None:
    order: list[str] = []

    async def main() -> None:
        first, second = PostgresTurnLocks(pg_url), PostgresTurnLocks(pg_url)  # two machines

        async def turn(locks: PostgresTurnLocks, name: str, conversation: str, after: float) -> None:
            await asyncio.sleep(after)
            async with locks.hold(conversation):
                order.append(f"{name} in")
                await asyncio.sleep(0.1)
                order.append(f"{name} out")

        try:
            await asyncio.gather(turn(first, "one", "conv_x", 0), turn(second, "two", "conv_x", 0.03))
        finally:
            await first.aclose()
            await second.aclose()

    asyncio.run(main())
    assert order == ["one in", "one out", "two in", "two out"]


def test_the_server_picks_advisory_locks_when_conversations_live_in_postgresql(tmp_path: Path) -> None:
    assert isinstance(turn_locks("postgresql://postgres@127.0.0.1/x", tmp_path), PostgresTurnLocks)
    assert isinstance(turn_locks(str(tmp_path / "checkpoints.sqlite"), tmp_path), TurnLocks)
    assert isinstance(turn_locks(None, tmp_path), TurnLocks)
