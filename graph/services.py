"""What nodes need from outside the graph (shop database, profile, knowledge), resolved once per shop."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
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


@lru_cache(maxsize=16)
def _services(shop_id: str, settings_id: int) -> Services:
    settings = get_settings()
    return Services(settings=settings, shop_id=shop_id, profile=load_profile(shop_id, settings.profiles_dir))


def get_services(shop_id: str) -> Services:
    settings = get_settings()
    return _services(shop_id, id(settings))
