"""All process configuration in one place: environment variables and an optional .env file.

Per-run choices that LangGraph Studio should expose (engine, shop, thresholds) live in graph.context.Context;
this object holds what is fixed for a process: where data lives, which endpoints and keys to use.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RedactKind = Literal["email", "phone", "address"]
REDACT_KINDS: tuple[RedactKind, ...] = ("email", "phone", "address")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SHOPDESK_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
        # `.env.example` lists every variable with an empty value: empty means "use the default".
        env_ignore_empty=True,
    )

    data_dir: Path = Field(PROJECT_ROOT / ".data", description="Where the SQLite files and the Chroma index live.")
    database_url: str | None = Field(
        None, description="Shop database URL; default sqlite:///<data_dir>/shop.db. PostgreSQL: postgresql://..."
    )
    checkpoint_url: str | None = Field(
        None, description="Conversation checkpoints: a SQLite path or a postgresql:// URL; default <data_dir>/..."
    )
    shop_id: str = Field("demo", description="Which shop profile (shopdesk/profiles/<id>.yaml) to load.")
    profiles_dir: Path = Field(PROJECT_ROOT / "shopdesk" / "profiles", description="Folder of shop profiles.")
    knowledge_dir: Path = Field(PROJECT_ROOT / "knowledge" / "docs", description="Policy and FAQ documents.")

    engine: Literal["local", "openai"] | None = Field(
        None, description="Model engine; default 'openai' when an API key or base URL is set, else 'local'."
    )
    openai_api_key: SecretStr | None = Field(None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(None, validation_alias="OPENAI_BASE_URL")
    openai_model: str = Field("gpt-4o-mini", description="Chat model name for the openai engine.")
    openai_timeout_s: float = Field(30.0, description="Per-request timeout against the model endpoint.")

    embedding_provider: Literal["minilm", "openai"] = Field("minilm", description="Embeddings for retrieval and NLU.")
    openai_embedding_model: str = Field("text-embedding-3-small")
    chroma_url: str | None = Field(None, description="Chroma server URL (client-server mode); default on-disk.")

    offload_blocking: bool = Field(
        False,
        description="Run every blocking read (SQLite, the knowledge index) on a worker thread, even when the shop's "
        "data is on this machine. langgraph.json sets it: `langgraph dev` forbids blocking calls on its event loop "
        "(blockbuster), and a LangGraph server shares that loop with every other run. The embedded server leaves "
        "it off, where local reads are faster on the loop (graph.services.Services.run_blocking).",
    )

    demo_seed: int = Field(7, description="Random seed of the generated demo shop (same seed, same shop).")
    clock: datetime | None = Field(
        None,
        description="Freeze the shop's clock at this local date-time (return windows, voucher expiry), e.g. for "
        "tests and demos against a shop generated for a fixed date. Default: the real time.",
    )

    redact: list[RedactKind] = Field(
        default_factory=lambda: list(REDACT_KINDS),
        description="PII replaced by a placeholder in log lines, handoff summaries, webhooks and exported datasets "
        "(JSON list; [] for none). Card numbers and CVVs are masked everywhere, always.",
    )
    sqlite_busy_timeout_ms: int = Field(
        500,
        ge=0,
        le=60_000,
        description="How long a SQLite statement waits for another writer before giving up; the API then answers "
        "503 (retry) instead of holding the request.",
    )

    identity_lookups_per_minute: float = Field(
        3.0,
        gt=0,
        description="Identity look-ups (by email, by name and zip) one conversation may make per minute after its "
        "burst; a shop as a whole may make a hundred times as many.",
    )
    identity_lookups_burst: int = Field(5, ge=1, description="Identity look-ups a conversation may make at once.")
    rate_limits: Literal["database", "process"] = Field(
        "database",
        description="Where the rate limits (identity look-ups, new conversations) keep count: 'database' shares "
        "them through the shop's database between every server worker and machine; 'process' keeps them in each "
        "process (N workers then allow N times the rate).",
    )

    def now(self) -> datetime:
        """The shop's current local time: the frozen clock when one is set."""
        return self.clock or datetime.now()

    @property
    def resolved_engine(self) -> Literal["local", "openai"]:
        if self.engine:
            return self.engine
        return "openai" if (self.openai_api_key or self.openai_base_url) else "local"

    @property
    def shop_database_url(self) -> str:
        return self.database_url or _in_dir(self.data_dir, "shop.db", "sqlite:///")

    @property
    def checkpoint_target(self) -> str:
        return self.checkpoint_url or _in_dir(self.data_dir, "checkpoints.sqlite")

    @property
    def chroma_path(self) -> Path:
        return _child(self.data_dir, "chroma")


# Nodes ask for the shop's database and index locations several times a turn: a path joined and written out once.
@lru_cache(maxsize=64)
def _child(directory: Path, name: str) -> Path:
    return directory / name


@lru_cache(maxsize=64)
def _in_dir(directory: Path, name: str, scheme: str = "") -> str:
    return f"{scheme}{directory / name}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


@contextmanager
def environment(values: Mapping[str, str | None]) -> Iterator[None]:
    """Set these variables (None: unset) for the block, and put every one back as it was afterwards. For tools that
    run the application in this process against another shop (evaluations, simulations); the caller clears the
    caches that read them."""
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, previous in saved.items():
            if previous is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = previous
