"""Settings of the API server: where it listens and who may call it.

Kept apart from shopdesk.settings (the engine's process settings) so the graph runs the same with or without a
server in front of it. Every default works offline for the demo; production sets real secrets through the
environment (same SHOPDESK_ prefix and .env file).
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEMO_CUSTOMER_TOKEN_SECRET = "demo-insecure-customer-token-secret"


class AgentAccount(BaseModel):
    id: str
    name: str
    role: Literal["agent", "supervisor"] = "agent"


def _demo_agents() -> dict[str, AgentAccount]:
    return {
        "demo-agent-token": AgentAccount(id="agent-1", name="Alex (demo agent)", role="agent"),
        "demo-supervisor-token": AgentAccount(id="super-1", name="Sam (demo supervisor)", role="supervisor"),
    }


class ServerSettings(BaseSettings):
    # Empty values (as .env.example lists them) mean "use the default", as in shopdesk.settings.
    model_config = SettingsConfigDict(
        env_prefix="SHOPDESK_", env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    host: str = Field("127.0.0.1", description="Interface uvicorn binds to.")
    port: int = Field(8000, description="Port uvicorn listens on.")
    storefront_keys: dict[str, str] = Field(
        default_factory=lambda: {"demo": "demo-storefront-key"},
        description="Shop id -> storefront API key (sent as X-Shop-Key). JSON in the environment.",
    )
    customer_token_secret: SecretStr = Field(
        SecretStr(DEMO_CUSTOMER_TOKEN_SECRET),
        description="HMAC secret shared with the shop's backend, which signs customer tokens; also signs "
        "conversation tokens.",
    )
    customer_token_ttl_s: int = Field(3600, description="Lifetime of customer tokens minted by `python -m server`.")
    agent_tokens: dict[str, AgentAccount] = Field(
        default_factory=_demo_agents,
        description='Bearer token -> {"id", "name", "role": "agent"|"supervisor"}. JSON in the environment.',
    )
    cors_origins: list[str] = Field(
        default_factory=lambda: ["*"], description="Origins allowed to call the API (the shop's storefront)."
    )
    max_message_length: int = Field(2000, description="Longest customer or agent message accepted, in characters.")
    webhook_urls: list[str] = Field(
        default_factory=list, description="URLs that get a JSON POST on handoff, approval request and resolution."
    )
    webhook_timeout_s: float = Field(5.0, description="Per-delivery timeout of a webhook POST.")
    webhook_secret: SecretStr | None = Field(
        None, description="When set, webhooks carry X-ShopDesk-Signature: sha256=<HMAC-SHA256 of the body, hex>."
    )
    workers: int | None = Field(
        None,
        ge=1,
        description="Worker processes of `python -m server`; default one per CPU core, at most 4. Each holds its own "
        "models and caches (about 350 MB with the local engine).",
    )
    setup_on_start: bool = Field(
        True, description="Seed the demo shop and index knowledge on startup when missing (first run)."
    )

    @property
    def worker_count(self) -> int:
        return self.workers or max(1, min(os.cpu_count() or 1, 4))

    @property
    def demo_secret_in_use(self) -> bool:
        return self.customer_token_secret.get_secret_value() == DEMO_CUSTOMER_TOKEN_SECRET


@lru_cache(maxsize=1)
def get_server_settings() -> ServerSettings:
    return ServerSettings()
