"""Where nodes run blocking work on the shop's data: right here when it is all on this machine, else on a thread."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from graph.services import Services
from shopdesk.profile import load_profile
from shopdesk.settings import Settings


def services(tmp_path: Path, **settings: str) -> Services:
    configured = Settings(data_dir=tmp_path, **settings)  # type: ignore[arg-type]
    return Services(settings=configured, shop_id="demo", profile=load_profile("demo", configured.profiles_dir))


async def where_it_ran(on: Services, knowledge: bool = False) -> str:
    here = threading.get_ident()
    ran = await on.run_blocking(threading.get_ident, knowledge=knowledge)
    return "here" if ran == here else "thread"


async def test_local_reads_run_on_the_event_loop(tmp_path: Path) -> None:
    assert await where_it_ran(services(tmp_path)) == "here"


@pytest.mark.parametrize(
    "remote",
    [{"database_url": "postgresql://shop@db.internal/shop"}, {"embedding_provider": "openai"}],
    ids=["database", "embeddings"],
)
async def test_anything_across_the_network_is_waited_for_on_a_thread(tmp_path: Path, remote: dict[str, str]) -> None:
    assert await where_it_ran(services(tmp_path, **remote)) == "thread"


async def test_a_search_runs_here_only_once_its_index_is_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import knowledge.retriever

    local = services(tmp_path)
    monkeypatch.setattr(knowledge.retriever, "built_retriever", lambda settings, shop_id=None: None)
    assert await where_it_ran(local, knowledge=True) == "thread"  # not loaded yet: loading it must not block

    class InMemory:
        searches_in_memory = True

    monkeypatch.setattr(knowledge.retriever, "built_retriever", lambda settings, shop_id=None: InMemory())
    assert await where_it_ran(local, knowledge=True) == "here"
    InMemory.searches_in_memory = False  # too large to mirror: every search queries Chroma
    assert await where_it_ran(local, knowledge=True) == "thread"


@pytest.mark.parametrize("search", [False, True], ids=["shop data", "knowledge"])
async def test_under_a_langgraph_server_even_local_reads_run_on_a_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, search: bool
) -> None:
    """langgraph.json sets offload_blocking: `langgraph dev` forbids blocking calls on its event loop."""
    import knowledge.retriever

    class InMemory:
        searches_in_memory = True

    monkeypatch.setattr(knowledge.retriever, "built_retriever", lambda settings, shop_id=None: InMemory())
    assert await where_it_ran(services(tmp_path), knowledge=search) == "here"
    assert await where_it_ran(services(tmp_path, offload_blocking="true"), knowledge=search) == "thread"


def test_the_studio_configuration_offloads_blocking_work(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from shopdesk.settings import PROJECT_ROOT

    config = json.loads((PROJECT_ROOT / "langgraph.json").read_text())
    assert config["graphs"]["support"] == "./graph/studio.py:graph"
    monkeypatch.delenv("SHOPDESK_OFFLOAD_BLOCKING", raising=False)
    assert Settings().offload_blocking is False
    for name, value in config["env"].items():  # what `langgraph dev` puts in the server's environment
        monkeypatch.setenv(name, value)
    assert Settings().offload_blocking is True
