"""What nodes need from outside the graph (shop database, profile, knowledge), resolved once per shop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from shopdesk.profile import ShopProfile, load_profile
from shopdesk.settings import Settings, get_settings

T = TypeVar("T")


@dataclass(frozen=True)
class Services:
    settings: Settings
    shop_id: str
    profile: ShopProfile

    @property
    def db_url(self) -> str:
        return self.settings.shop_database_url

    def retriever(self) -> Any:
        # Imported late: the knowledge stack loads Chroma and the embedder, which pure-tool turns never need.
        from knowledge.retriever import get_retriever

        return get_retriever(self.settings, self.shop_id)

    @property
    def data_is_local(self) -> bool:
        """The shop's database is a SQLite file and embeddings are computed here: nothing a read of the shop's data
        or knowledge waits for is across a network."""
        return self.db_url.startswith("sqlite") and self.settings.embedding_provider == "minilm"

    def knowledge_in_memory(self) -> bool:
        from knowledge.retriever import built_retriever

        retriever = built_retriever(self.settings, self.shop_id)
        return retriever is not None and retriever.searches_in_memory

    async def run_blocking(self, function: Callable[..., T], *args: Any, knowledge: bool = False) -> T:
        """Blocking work on the shop's data (and `knowledge`: its search index), where it costs least.

        On this machine's data it runs right here: a SQLite read from the page cache takes microseconds, and the
        work around it is Python that holds the GIL on a worker thread just as well, so the hop to the thread and
        back only adds CPU and wake-ups (measured on one worker at 50 turns/s: 0.5 ms less CPU a turn, p95 58-64 ms
        down to 49-51 ms). A database or embedding service across the network is waited for on a worker thread,
        so the event loop serves other conversations meanwhile; so is a search that has to query Chroma, and so is
        everything under a LangGraph server (`offload_blocking`, set by langgraph.json), whose loop must never wait."""
        if not self.settings.offload_blocking and self.data_is_local and (not knowledge or self.knowledge_in_memory()):
            return function(*args)
        return await asyncio.to_thread(function, *args)


_cache: dict[tuple[str, int], Services] = {}


def get_services(shop_id: str) -> Services:
    """The services of a shop under the current settings (a new Settings object, e.g. in tests, gets new ones)."""
    settings = get_settings()
    key = (shop_id, id(settings))
    found = _cache.get(key)
    if found is None or found.settings is not settings:
        found = Services(settings=settings, shop_id=shop_id, profile=load_profile(shop_id, settings.profiles_dir))
        _cache[key] = found
    return found


def cached_services(shop_id: str) -> Services | None:
    """The shop's services if they are built already under the current settings; never reads a file."""
    if not get_settings.cache_info().currsize:  # the first get_settings() reads .env
        return None
    settings = get_settings()
    found = _cache.get((shop_id, id(settings)))
    return found if found is not None and found.settings is settings else None


def clear_services() -> None:
    _cache.clear()
