"""Turn locks hold across processes, free other conversations, and die with the process that held them."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from server.turnlock import TurnLocks
from tests.support.processes import start_holder, time_to_acquire

HOLDER = """
import asyncio, sys, time
from pathlib import Path
from server.turnlock import TurnLocks

async def main():
    locks = TurnLocks(Path(sys.argv[1]))
    async with locks.hold(sys.argv[2]):
        print("held", flush=True)
        await asyncio.sleep(float(sys.argv[3]))

asyncio.run(main())
"""


def _other_stripe(locks: TurnLocks, conversation: str) -> str:
    return next(f"conv_{i}" for i in range(1000) if locks.stripe(f"conv_{i}") != locks.stripe(conversation))


def test_a_turn_in_another_process_makes_this_one_wait(tmp_path: Path) -> None:
    locks = TurnLocks(tmp_path)
    holder = start_holder(HOLDER, str(tmp_path), "conv_a", "0.8")
    try:
        waited = asyncio.run(time_to_acquire(locks, "conv_a"))
        free = asyncio.run(time_to_acquire(locks, _other_stripe(locks, "conv_a")))
    finally:
        holder.wait(timeout=10)
        locks.close()
    assert waited > 0.4, f"acquired after {waited:.3f}s while another process held the conversation"
    assert holder.returncode == 0
    assert free < 0.1


def test_a_killed_holder_releases_the_conversation(tmp_path: Path) -> None:
    locks = TurnLocks(tmp_path)
    holder = start_holder(HOLDER, str(tmp_path), "conv_b", "60")
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=10)
    try:
        waited = asyncio.run(asyncio.wait_for(time_to_acquire(locks, "conv_b"), timeout=5))
    finally:
        locks.close()
    assert waited < 1.0


def test_turns_of_one_process_queue_up_in_order(tmp_path: Path) -> None:
    locks = TurnLocks(tmp_path, stripes=1)  # one stripe: different conversations share the file too
    order: list[str] = []

    async def turn(name: str, conversation: str) -> None:
        async with locks.hold(conversation):
            order.append(f"{name} in")
            await asyncio.sleep(0.05)
            order.append(f"{name} out")

    async def main() -> None:
        await asyncio.gather(turn("first", "conv_x"), turn("second", "conv_x"), turn("third", "conv_y"))

    asyncio.run(main())
    locks.close()
    assert order == ["first in", "first out", "second in", "second out", "third in", "third out"]
