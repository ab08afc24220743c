"""Settings of the API server: where it listens and who may call it.

Kept apart from shopdesk.settings (the engine's process settings) so the graph runs the same with or without a
server in front of it. Every default works offline for the demo; production sets real secrets through the
environment (same SHOPDESK_ prefix and .env file).
"""

from __future__ import annotations

import ipaddress
import os
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEMO_CUSTOMER_TOKEN_SECRET = "demo-insecure-customer-token-secret"
DEMO_STOREFRONT_KEY = "demo-storefront-key"
DEMO_AGENT_TOKENS = ("demo-agent-token", "demo-supervisor-token")


class InsecureSettings(RuntimeError):
    """The server would run with public demo secrets where anybody could reach it."""


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
        default_factory=lambda: {"demo": DEMO_STOREFRONT_KEY},
        description="Shop id -> storefront API key (sent as X-Shop-Key). JSON in the environment.",
    )
    customer_token_secret: SecretStr = Field(
        SecretStr(DEMO_CUSTOMER_TOKEN_SECRET),
        description="HMAC secret shared with the shop's backend, which signs customer tokens; also signs "
        "conversation tokens.",
    )
    customer_token_ttl_s: int = Field(3600, description="Lifetime of customer tokens minted by `python -m server`.")
    conversation_token_ttl_s: int = Field(
        24 * 3600,
        ge=60,
        description="A conversation token expires this long after the conversation's last use (sliding: every "
        "answer on the conversation carries a renewed token in X-Conversation-Token).",
    )
    demo: bool = Field(
        True,
        description="Demo mode: the public demo secrets (storefront key, token secret, agent tokens) are accepted, "
        "and only while the server binds to a loopback address. Outside demo mode they are refused at start-up.",
    )
    conversations_per_minute: float = Field(
        20.0, gt=0, description="New conversations one client (address) may open per shop and minute (token bucket)."
    )
    conversations_burst: int = Field(10, ge=1, description="How many conversations a client may open at once.")
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
        None,
        description="Signs webhooks (X-ShopDesk-Signature: t=<unix time>,v1=<HMAC-SHA256 of '<t>.<body>', hex>). "
        "Unset: a random secret is generated once and kept in <data_dir>/webhook-secret (mode 0600).",
    )
    webhook_max_attempts: int = Field(
        12, ge=1, description="Deliveries of one webhook before it is given up (backoff doubles from 2 s to 1 h)."
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

    def demo_values_in_use(self) -> list[str]:
        """Which public demo secrets this configuration still has (they are in the README for anyone to read)."""
        found = []
        if self.demo_secret_in_use:
            found.append("SHOPDESK_CUSTOMER_TOKEN_SECRET")
        if DEMO_STOREFRONT_KEY in self.storefront_keys.values():
            found.append("SHOPDESK_STOREFRONT_KEYS")
        if any(token in self.agent_tokens for token in DEMO_AGENT_TOKENS):
            found.append("SHOPDESK_AGENT_TOKENS")
        return found

    def check_secrets(self, host: str | None = None) -> None:
        """Refuse public demo secrets unless this is a demo on a loopback address, with a message that says what
        to set. Raises InsecureSettings; `python -m server` and the app's start-up call it."""
        found = self.demo_values_in_use()
        if not found:
            return
        host = host or self.host
        where = "" if self.demo else " outside demo mode (SHOPDESK_DEMO=false)"
        if self.demo and not _loopback(host):
            where = f" on {host}, which is not a loopback address"
        if where:
            raise InsecureSettings(
                f"refusing to start with the public demo values of {', '.join(found)}{where}: set your own secrets "
                "(see server/README.md), or serve the demo on 127.0.0.1 only"
            )


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@lru_cache(maxsize=1)
def get_server_settings() -> ServerSettings:
    return ServerSettings()
