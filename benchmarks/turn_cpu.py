"""CPU per turn of the load benchmark's conversations, played in this process through the API app (no sockets).

benchmarks/load_bench.py measures the server's CPU per turn from outside, on a machine that other work shares: its
figure moves by tens of percent between runs. This plays the same conversations (load_bench's scripts, seed and
customer tokens) through the same app (`server.app.create_app`, local engine, a fresh seeded data directory)
with an in-process HTTP client, and counts `time.process_time` over the timed conversations only: after an
untimed warm-up of one conversation of each kind, as load_bench does. The in-process client's own CPU is in the
figure too (the same for any version of the server).

`--project DIR` plays another checkout's server with its own load_bench (its scripts and token format), so two
versions are compared by one script on the same host; `--profile FILE` samples the timed part's stacks every
millisecond of CPU (a profiling timer, so waiting costs nothing) and writes them folded, one stack and its count a
line, the format flame graph tools read.

    .venv/bin/python benchmarks/turn_cpu.py
    .venv/bin/python benchmarks/turn_cpu.py --conversations 32 --turns 24 --repeats 3
    .venv/bin/python benchmarks/turn_cpu.py --project ../other-checkout --json
    .venv/bin/python benchmarks/turn_cpu.py --profile /tmp/turns.prof
    .venv/bin/python benchmarks/turn_cpu.py --data-dir /tmp/turn-cpu-data   # reuse (and keep) a data directory

CPU seconds move with whatever else the host runs; instructions do not. Under callgrind, started with counting off,
`--callgrind` counts the timed rounds only (the start-up, the seeding and the warm-up stay out), so two versions
compare by their instruction totals divided by the turns printed (the same for both with the same seed):

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.out \
        .venv/bin/python benchmarks/turn_cpu.py --project ../other-checkout --data-dir /tmp/other-data --callgrind
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any

HERE = Path(__file__).resolve().parents[1]


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", default=str(HERE), help="checkout whose server and load_bench are played")
    parser.add_argument("--conversations", type=int, default=32, help="conversations in flight at once")
    parser.add_argument("--turns", type=int, default=24, help="customer messages per conversation")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the conversations (load_bench's)")
    parser.add_argument("--repeats", type=int, default=1, help="timed rounds of new conversations")
    parser.add_argument("--profile", help="write the timed rounds' sampled stacks, folded, to this file")
    parser.add_argument(
        "--callgrind",
        action="store_true",
        help="under `valgrind --tool=callgrind --instr-atstart=no`: count instructions in the timed rounds only",
    )
    parser.add_argument("--data-dir", help="use and keep this data directory (default: a fresh temporary one)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser.parse_args(argv)


def instrument(on: bool) -> None:
    """Switch callgrind's counting for this process (it waits for callgrind to take the command)."""
    subprocess.run(
        ["callgrind_control", "-i", "on" if on else "off", str(os.getpid())], check=True, capture_output=True
    )


class Sampler:
    """Stacks of this thread, sampled on a CPU-time timer (ITIMER_PROF): where the process spends its CPU."""

    def __init__(self, interval_s: float = 0.001) -> None:
        self.interval_s = interval_s
        self.stacks: Counter[str] = Counter()

    def _sample(self, signum: int, frame: FrameType | None) -> None:
        names = []
        while frame is not None:
            code = frame.f_code
            names.append(f"{code.co_filename}:{code.co_name}")
            frame = frame.f_back
        self.stacks[";".join(reversed(names))] += 1

    def enable(self) -> None:
        signal.signal(signal.SIGPROF, self._sample)
        signal.setitimer(signal.ITIMER_PROF, self.interval_s, self.interval_s)

    def disable(self) -> None:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)

    def write(self, path: str) -> None:
        with open(path, "w") as out:
            out.writelines(f"{stack} {count}\n" for stack, count in self.stacks.most_common())


async def converse(client: Any, bench: Any, script: Any, counts: dict[str, int]) -> None:
    """One conversation, as load_bench's customers hold it: open (signed in or a guest), then each message."""
    body = {"customer_token": bench.customer_token(script.customer.id)} if script.customer else {}
    created = await client.post("/v1/conversations", json=body, headers={"X-Shop-Key": bench.SHOP_KEY})
    if created.status_code != 201:
        counts["errors"] += 1
        return
    opened = created.json()
    headers = {"X-Shop-Key": bench.SHOP_KEY, "Authorization": f"Bearer {opened['conversation_token']}"}
    path = f"/v1/conversations/{opened['conversation_id']}/messages"
    for message in script.messages:
        response = await client.post(path, json={"text": message.text}, headers=headers)
        if response.status_code != 200:
            counts["errors"] += 1
            continue
        counts["turns"] += 1


async def play(args: argparse.Namespace, bench: Any, data_dir: Path) -> dict[str, Any]:
    import httpx

    from server.app import create_app

    shop = bench.load_shop(data_dir / "shop.db")
    app = create_app(settle_heap=True)
    rounds: list[float] = []
    turns = errors = 0
    profiler = Sampler() if args.profile else None
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=120) as client:
            warm_rng = random.Random(args.seed + 1)
            warm = [bench.make_script(warm_rng, shop, max(args.turns, 6)) for _ in range(8)]
            unused = {"turns": 0, "errors": 0}
            await asyncio.gather(*(converse(client, bench, script, unused) for script in warm))
            rng = random.Random(args.seed)
            for _ in range(args.repeats):
                scripts = [bench.make_script(rng, shop, args.turns) for _ in range(args.conversations)]
                counts = {"turns": 0, "errors": 0}
                if profiler:
                    profiler.enable()
                if args.callgrind:
                    instrument(True)
                started = time.process_time()
                await asyncio.gather(*(converse(client, bench, script, counts) for script in scripts))
                spent = time.process_time() - started
                if args.callgrind:
                    instrument(False)
                if profiler:
                    profiler.disable()
                rounds.append(spent * 1000 / max(counts["turns"], 1))
                turns += counts["turns"]
                errors += counts["errors"]
    if profiler:
        profiler.write(args.profile)
    return {
        "project": args.project,
        "turns": turns,
        "errors": errors,
        "cpu_ms_per_turn_by_round": [round(value, 2) for value in rounds],
        "cpu_ms_per_turn_median": round(statistics.median(rounds), 2),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    project = Path(args.project).resolve()
    # The played checkout's packages and its load_bench come first, whichever checkout this file is in.
    sys.path[:0] = [str(project), str(project / "benchmarks")]
    import load_bench as bench

    # A kept data directory spares the seeding and the index on later runs (setup is a no-op where both exist);
    # give each version its own, as each seeds and indexes with its own code.
    scratch = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="shopdesk-turn-cpu-"))
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        os.environ.update(bench.server_env(scratch) | {"SHOPDESK_SETUP_ON_START": "false"})
        with (scratch / "setup.log").open("wb") as log:
            bench.prepare_data(scratch, log)
        figures = asyncio.run(play(args, bench, scratch))
    finally:
        if not args.data_dir:
            shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        print(json.dumps(figures))
    else:
        rounds = ", ".join(f"{value:.2f}" for value in figures["cpu_ms_per_turn_by_round"])
        print(f"{figures['project']}: {figures['turns']} turns, {figures['errors']} errors")
        print(f"CPU per turn: {figures['cpu_ms_per_turn_median']:.2f} ms (median of rounds: {rounds})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
