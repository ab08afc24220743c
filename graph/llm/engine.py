"""What every engine does for the nodes. The nodes never ask which engine they hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from langchain_core.messages import AIMessage

from graph.nlu.schema import Understanding
from graph.services import Services
from graph.state import SupportState


@dataclass
class Draft:
    text: str
    cited: list[str] = field(default_factory=list)
    # What the draft asks the customer for next, if anything ("identity", "order_id", "confirmation"...).
    awaiting: str | None = None
    # Evidence a rewrite looked up for parts the first draft missed; it joins the turn's evidence.
    evidence: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Critique:
    score: float
    verdict: str  # "pass" | "rewrite" | "handoff"
    reasons: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    # Parts of the customer's message the draft does not answer.
    missing: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "verdict": self.verdict,
            "reasons": self.reasons,
            "unsupported": self.unsupported,
            "missing": self.missing,
        }


class Engine(Protocol):
    name: str

    async def understand(self, text: str, history: list[str]) -> Understanding: ...

    async def plan(self, state: SupportState, services: Services) -> AIMessage:
        """The next step of the act loop: an AIMessage with tool calls, or without any when acting is done."""
        ...

    async def draft(self, state: SupportState, services: Services) -> Draft: ...

    async def rewrite(self, state: SupportState, services: Services, critique: Critique) -> Draft: ...
