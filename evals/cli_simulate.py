"""``python -m evals simulate`` and ``python -m evals simulate-summary``: play a tau-bench customer against the bot one
message per call (or let a model play it), score the run the benchmark's way, and sum up a folder of runs.

Playing, scoring and the rules for players: evals/README.md ("Simulated customers").
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from evals.simulation import SimulationError
from evals.simulation.folder import CUSTOMER, RunFolder, locked
from evals.simulation.play import (
    MAX_MESSAGES,
    STUCK_REPEATS,
    conversation,
    ending,
    is_stuck,
    play_automatically,
    refusal,
    say,
)
from evals.simulation.scoring import describe, score
from evals.simulation.shop import SPLITS, Cache, default_cache, load_task, taubench_profile
from evals.simulation.summary import find_runs, summarise
from evals.simulation.user import ModelUser
from shopdesk.plaintext import as_plain_text
from shopdesk.settings import get_settings


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    simulate = subparsers.add_parser(
        "simulate",
        help="play a tau-bench customer against the bot, one message per call, and score the run",
        description="The bot (the real graph) on the imported tau-bench shop under the 'taubench' profile. A run "
        "lives in --run-dir (default runs/<split>-<task>): every --say is one customer message, and the conversation "
        "continues on the next call. --end scores the run against the task's gold end state.",
    )
    simulate.add_argument("--task", type=int, help="the task's index in its split (needed to start a run)")
    simulate.add_argument("--split", choices=sorted(SPLITS), help="dev (default) or train")
    simulate.add_argument("--run-dir", type=Path, help="the run's folder (default runs/<split>-<task>)")
    simulate.add_argument("--player", help="who plays the customer, recorded with a new run (default $USER)")
    simulate.add_argument("--engine", help="the bot's engine for a new run: local (default) or openai:<model>")
    simulate.add_argument(
        "--user-model", help="with --auto: the model that plays the customer (default SHOPDESK_OPENAI_MODEL)"
    )
    what = simulate.add_mutually_exclusive_group(required=True)
    what.add_argument("--say", metavar="TEXT", help="send one customer message and print the bot's reply")
    what.add_argument("--show-instruction", action="store_true", help="print the task's instruction for the player")
    what.add_argument("--transcript", action="store_true", help="print the run's conversation so far")
    what.add_argument(
        "--end",
        nargs="?",
        const="goal",
        choices=("goal", "stuck"),
        help="finish and score the run; 'stuck' when the bot kept failing you (a handoff or the message limit is "
        "recorded by itself)",
    )
    what.add_argument(
        "--auto",
        action="store_true",
        help="a model plays the customer from the instruction (needs OPENAI_BASE_URL and/or OPENAI_API_KEY), "
        "then the run is scored",
    )
    simulate.set_defaults(handler=handle)

    summary = subparsers.add_parser(
        "simulate-summary",
        help="pass rate, handoffs and writes not in the gold over a folder of simulation runs",
        description="Every run.json at or below RUNS: one line per run, then the totals over the ended runs.",
    )
    summary.add_argument("runs", type=Path, help="a folder of run folders (or one run folder)")
    summary.set_defaults(handler=handle_summary)


def _run_dir(args: argparse.Namespace) -> Path:
    """The run's folder, checked before anything is written: an existing run must agree with the --task and --split
    given; a new one needs a task that exists, and a message (or a model) to start with."""
    if args.run_dir is None and args.task is None:
        raise SimulationError("name the task (--task N) or the run (--run-dir DIR)")
    run_dir: Path = args.run_dir or Path("runs") / f"{args.split or 'dev'}-{args.task}"
    if RunFolder.exists(run_dir):
        state = RunFolder.load(run_dir).state
        if (args.task is not None and args.task != state.task) or (args.split and args.split != state.split):
            raise SimulationError(f"{run_dir} plays task {state.label}; use another --run-dir for another task")
        return run_dir
    if args.task is None:
        raise SimulationError(f"no run in {run_dir} yet: name its task with --task N")
    load_task(args.split or "dev", args.task)
    if args.end or args.transcript:
        raise SimulationError(f"no run in {run_dir} yet: start it with --say (or --auto)")
    return run_dir


def _open(args: argparse.Namespace, run_dir: Path, player: str | None = None) -> RunFolder:
    if RunFolder.exists(run_dir):
        return RunFolder.load(run_dir)
    split = args.split or "dev"
    task = load_task(split, args.task)
    player = player or args.player or os.environ.get("USER") or "unknown"
    return RunFolder.create(run_dir, task, args.task, split, engine=args.engine or "local", player=player)


def _finish(folder: RunFolder, cache: Cache, claimed: str) -> int:
    state = folder.state
    if state.result is None:
        state.ended = ending(state, claimed)
        state.result = score(folder, load_task(state.split, state.task, cache.dataset_dir), cache, taubench_profile())
        folder.save()
    print(describe(state.result))
    print(f"-- the transcript and the details are in {folder.path / 'run.json'}")
    return 0 if state.result["passed"] else 1


def _say(args: argparse.Namespace, run_dir: Path, cache: Cache) -> int:
    folder = _open(args, run_dir)
    why = refusal(folder.state)
    if why is not None:
        print(f"-- not sent: {why}. Score the run with --end.", file=sys.stderr)
        return 1
    cache.prepare()

    async def turn() -> dict[str, Any]:
        async with conversation(folder, cache) as conversations:
            return await say(conversations, folder, args.say)

    entry = asyncio.run(turn())
    folder.save()
    if "error" in entry:
        print(f"-- the bot failed on this message ({entry['error']}); it is in the transcript", file=sys.stderr)
        return 1
    print(as_plain_text(entry["text"]))
    state = folder.state
    if state.handoff:
        print(f"-- {refusal(state)}: score it with --end")
    elif state.messages >= MAX_MESSAGES:
        print(f"-- that was message {MAX_MESSAGES}, the limit: score the run with --end")
    elif is_stuck(state):
        print(f"-- the bot gave the same answer {STUCK_REPEATS} times: if you are stuck, end with --end stuck")
    return 0


def _auto(args: argparse.Namespace, run_dir: Path, cache: Cache, user: ModelUser) -> int:
    folder = _open(args, run_dir, player=f"model:{user.name}")
    if folder.state.result is None and refusal(folder.state) is None:
        cache.prepare()
        instruction = load_task(folder.state.split, folder.state.task, cache.dataset_dir)["instruction"]

        async def play() -> str:
            async with conversation(folder, cache) as conversations:
                return await play_automatically(conversations, folder, user, instruction)

        claimed = asyncio.run(play())
        return _finish(folder, cache, claimed)
    return _finish(folder, cache, "goal")


def _transcript(run_dir: Path) -> int:
    state = RunFolder.load(run_dir).state
    print(f"task {state.label}, played by {state.player}, bot engine {state.engine}")
    for entry in state.transcript:
        who = "you" if entry["role"] == CUSTOMER else entry["role"]
        print(f"\n{who}> {as_plain_text(entry['text'])}")
    if state.result is not None:
        print(f"\n{describe(state.result)}")
    return 0


def handle(args: argparse.Namespace) -> int:
    try:
        if args.say is not None and not args.say.strip():
            raise SimulationError("an empty message: say something")
        run_dir = _run_dir(args)
        if args.show_instruction:
            if RunFolder.exists(run_dir):
                state = RunFolder.load(run_dir).state
                print(load_task(state.split, state.task)["instruction"])
            else:
                print(load_task(args.split or "dev", args.task)["instruction"])
            return 0
        if args.transcript:
            return _transcript(run_dir)
        cache = default_cache()
        # Checked before the run folder is made: without a model there is nothing to start.
        user = ModelUser.from_settings(get_settings(), args.user_model) if args.auto else None
        with locked(run_dir):
            if args.say is not None:
                return _say(args, run_dir, cache)
            if user is not None:
                return _auto(args, run_dir, cache, user)
            cache.prepare()
            return _finish(RunFolder.load(run_dir), cache, args.end)
    except SimulationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def handle_summary(args: argparse.Namespace) -> int:
    if not args.runs.is_dir():
        print(f"error: no folder {args.runs}", file=sys.stderr)
        return 2
    runs = find_runs(args.runs)
    if not runs:
        print(f"error: no runs (run.json) in {args.runs}", file=sys.stderr)
        return 2
    print("\n".join(summarise(runs, args.runs).lines()))
    return 0
