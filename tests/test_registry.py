"""The conversation registry: updates return what they wrote, and a claim is won by exactly one agent."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from server.registry import Registry


def test_update_returns_the_row_it_wrote(tmp_path: Path) -> None:
    registry = Registry(f"sqlite:///{tmp_path / 'shop.db'}")
    created = registry.create("conv_1", "demo", None, "bot")
    updated = registry.update("conv_1", status="waiting_human", pending="handoff", summary="wants a person")
    assert updated is not None
    assert (updated.status, updated.pending, updated.summary) == ("waiting_human", "handoff", "wants a person")
    assert updated.updated_at >= created.updated_at
    assert registry.get("conv_1") == updated
    assert registry.update("conv_missing", status="bot") is None


def test_only_one_of_two_agents_claiming_at_once_wins(tmp_path: Path) -> None:
    registry = Registry(f"sqlite:///{tmp_path / 'shop.db'}")
    winners: list[str] = []
    for round_ in range(20):
        conversation = f"conv_{round_}"
        registry.create(conversation, "demo", None, "waiting_human")
        with ThreadPoolExecutor(2) as pool:
            results = list(pool.map(registry.claim, [conversation] * 2, ["agent-1", "agent-2"]))
        won = [str(entry.claimed_by) for entry in results if entry is not None]
        assert len(won) == 1, results
        stored = registry.get(conversation)
        assert stored is not None and stored.claimed_by == won[0]
        winners += won

    assert registry.claim("conv_0", winners[0]) is not None  # the holder may claim again
    loser = "agent-2" if winners[0] == "agent-1" else "agent-1"
    assert registry.claim("conv_0", loser) is None
    taken = registry.claim("conv_0", "super-1", override=True)  # a supervisor steps in
    assert taken is not None and taken.claimed_by == "super-1"


def test_workers_creating_the_tables_at_once_all_start(tmp_path: Path) -> None:
    """Server workers on a fresh install each create the registry table; none may fail because another won."""
    from server.registry import metadata
    from shop.db import create_tables, make_engine

    for round_ in range(10):
        url = f"sqlite:///{tmp_path / f'fresh-{round_}.db'}"
        engines = [make_engine(url) for _ in range(4)]  # separate engines: separate connections, like processes
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda engine: create_tables(metadata, engine), engines))
        assert Registry(url).create("conv_x", "demo", None, "bot").status == "bot"
