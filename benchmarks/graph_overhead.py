"""What LangGraph itself costs per turn, apart from our nodes' work: the floor under the API's CPU per turn.

A turn of the support graph runs 5 to 8 nodes in a row (understand > gate > [retrieve | act > tools > act] > draft >
critique > respond) and, in the server, loads and writes one SQLite checkpoint (`durability="exit"`). This runs
the same shapes with nodes that do nothing, on the support graph's own state, and prints the CPU time per
turn, so the load benchmark's `server_cpu_ms_per_turn` can be split into framework and our own work.

    .venv/bin/python benchmarks/graph_overhead.py
"""

from __future__ import annotations

import asyncio
import itertools
import tempfile
import time
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph

from graph.state import SupportState
from shopdesk.checkpoints import SqliteCheckpoints

CONVERSATIONS = 20
TURNS = 10
# The host's speed wanders; the least disturbed of a few runs is the cost.
REPEATS = 3


def chain(steps: int) -> StateGraph[SupportState]:
    def make(index: int) -> Any:
        async def node(state: SupportState) -> dict[str, Any]:
            if index == steps - 1:
                return {"messages": [AIMessage("Here is what I found for you. " * 4)]}
            return {"route": f"step-{index}"}

        return node

    graph = StateGraph(SupportState)
    names = [f"step_{i}" for i in range(steps)]
    for index, name in enumerate(names):
        graph.add_node(name, make(index))
    graph.add_edge(START, names[0])
    for current, following in itertools.pairwise(names):
        graph.add_edge(current, following)
    graph.add_edge(names[-1], END)
    return graph


async def cpu_ms_per_turn(graph: StateGraph[SupportState], saver: BaseCheckpointSaver[Any], label: str) -> float:
    compiled = graph.compile(checkpointer=saver)
    started = time.process_time()
    for conversation in range(CONVERSATIONS):
        config = {"configurable": {"thread_id": f"{label}-{conversation}"}}
        for _ in range(TURNS):
            message = {"messages": [HumanMessage("Where is my order? It has not arrived yet.")]}
            await compiled.ainvoke(message, config, durability="exit")  # type: ignore[call-overload]
    return (time.process_time() - started) * 1000 / (CONVERSATIONS * TURNS)


async def main() -> None:
    print(f"CPU per turn, {CONVERSATIONS} conversations x {TURNS} turns, nodes that do nothing (best of {REPEATS}):")
    with tempfile.TemporaryDirectory() as folder:
        async with SqliteCheckpoints.open(str(Path(folder) / "checkpoints.sqlite")) as sqlite:
            for steps in (1, 5, 6, 8):
                memory = min(
                    [await cpu_ms_per_turn(chain(steps), InMemorySaver(), f"m{steps}-{r}") for r in range(REPEATS)]
                )
                on_disk = min([await cpu_ms_per_turn(chain(steps), sqlite, f"s{steps}-{r}") for r in range(REPEATS)])
                print(f"  {steps} node(s): {memory:5.2f} ms in memory, {on_disk:5.2f} ms with the SQLite checkpointer")


if __name__ == "__main__":
    asyncio.run(main())
