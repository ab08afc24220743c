"""Per-run settings: what LangGraph Studio lets you change for a run, with the descriptions it shows."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(kw_only=True)
class Context:
    engine: str = field(
        default="auto",
        metadata={
            "description": "Model engine: 'local' (offline, the default without a key), 'openai:<model>' for any "
            "OpenAI-compatible endpoint, or 'auto' to follow the process settings."
        },
    )
    shop_id: str = field(default="demo", metadata={"description": "Which shop profile and catalog to serve."})
    confidence_threshold: float | None = field(
        default=None,
        metadata={"description": "Intent confidence below which the bot clarifies, then hands off (profile default)."},
    )
    emotion_threshold: float | None = field(
        default=None, metadata={"description": "Anger/frustration/sarcasm score that hands off (profile default)."}
    )
    max_rewrites: int | None = field(
        default=None, metadata={"description": "Critique rewrites before a weak answer goes to a person."}
    )
    customer_id: str | None = field(
        default=None,
        metadata={
            "description": "Customer already authenticated by the storefront (signed token): counts as verified."
        },
    )
    actor: str = field(default="bot", metadata={"description": "Who acts in the audit log for this run."})

    @classmethod
    def from_mapping(cls, values: dict[str, Any] | None) -> Context:
        """A Context from a loose dict (API payloads, Studio), ignoring unknown keys."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (values or {}).items() if k in known and v is not None})
