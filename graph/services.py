"""What nodes need from outside the graph (shop database, profile, knowledge), resolved once per shop."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shopdesk.profile import ShopProfile, load_profile
from shopdesk.settings import Settings, get_settings


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
