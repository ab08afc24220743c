"""What every engine does for the nodes. The nodes never ask which engine they hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from langchain_core.messages.tool import ToolCall

from graph.dialogue_state import DialogueUpdate
from graph.nlu.schema import Understanding
from graph.services import Services
from graph.state import Status, SupportState


@dataclass
class Draft:
    text: str
    cited: list[str] = field(default_factory=list)
    # What the draft asks the customer for next, if anything ("identity", "order_id", "confirmation"...).
    awaiting: str | None = None
    # Evidence a rewrite looked up for parts the first draft missed; it joins the turn's evidence.
    evidence: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Step:
    """The dialogue manager's next step in the act loop: tool calls to run (reads, or one write to preview), how the
    dialogue's memory changes, or a hand-off to a person. Tool calls become an AIMessage; the rest never travels in
    a message."""

    calls: list[ToolCall] = field(default_factory=list)
    dialogue: DialogueUpdate | None = None
    # No move left (a reason code), or a procedure that ends with a person ({"reason", "message", "packet"...}).
    handoff: str | dict[str, Any] | None = None


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


@dataclass(frozen=True)
class Situation:
    """Where the conversation stands when the customer speaks: what a reader of the message needs to know to take
    "yes", "by mistake" or "no, the other one" the way the customer means it."""

    # The request in progress, as the dialogue named it ("cancel_order", "change_items"...).
    request: str | None = None
    # The detail the bot asked for last ("identity", "order_id", "cancel_reason", "confirmation"...).
    awaiting: str | None = None
    # A proposed change waiting for the customer's yes: its summary and the lines the customer was shown.
    proposal: str | None = None
    # The bot's last words to the customer.
    last_reply: str = ""


def situation_of(state: SupportState) -> Situation:
    from graph.casefile import last_bot_text

    preview = (state.pending_action or {}).get("preview") or {}
    proposal = None
    if preview and state.status == Status.awaiting_confirmation:
        lines = [str(preview.get("summary") or ""), *(str(line) for line in preview.get("details") or [])]
        proposal = "; ".join(line for line in lines if line)
    return Situation(
        request=state.dialogue.get("intent") or None,
        awaiting=state.dialogue.get("awaiting") or None,
        proposal=proposal,
        last_reply=last_bot_text(state),
    )


class Engine(Protocol):
    name: str

    async def understand(self, text: str, history: list[str], situation: Situation | None = None) -> Understanding:
        """What the message says, read against where the conversation stands (the local analyser reads the message
        alone; a model is told the situation)."""
        ...

    async def plan(self, state: SupportState, services: Services) -> Step:
        """The next step of the act loop: tool calls, or none when acting is done."""
        ...

    async def draft(self, state: SupportState, services: Services) -> Draft: ...

    async def rewrite(self, state: SupportState, services: Services, critique: Critique) -> Draft: ...
