"""The conversation's state as the graph sees it.

Everything here is plain JSON (dicts, lists, strings) besides the messages, so checkpoints stay readable in
Studio and portable between the SQLite and PostgreSQL checkpointers.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Annotated, Any, Final

from langchain_core.messages import AnyMessage
from langgraph.graph import add_messages

from graph.dialogue_state import Dialogue, apply_update


# Plain strings rather than enums: checkpoints then hold nothing but JSON-like values, which every checkpointer
# (and Studio) reads back without registering our types.
class Status:
    bot: Final = "bot"
    awaiting_confirmation: Final = "awaiting_confirmation"
    awaiting_approval: Final = "awaiting_approval"
    waiting_human: Final = "waiting_human"
    human: Final = "human"
    forwarded: Final = "forwarded"
    resolved: Final = "resolved"


# A person holds (or is about to take) the conversation: the customer's messages go to them, not the bot.
HUMAN_HELD: Final = (Status.waiting_human, Status.human, Status.forwarded)


class Repair:
    """How the gate repairs the conversation this turn (Rasa CALM's patterns), read by the nodes after it."""

    # A question on the way to a yes ("which cards do I have?"): answered, and the proposal is put again.
    payment_question: Final = "payment_question"
    # A question about the order in hand ("what's in it again?", "what did I pay with?"): answered from the order, and
    # the proposal or the question we were waiting on is put again.
    order_question: Final = "order_question"
    # Another question while a proposal waits ("will I get an email?"): answered, and the proposal is put again.
    digression: Final = "digression"
    # A question that checks the proposal's own figures or method ("$52.01 is everything?"): answered from the
    # proposal, and asked again in one line; a yes given on checks that all hold goes ahead.
    proposal_fact: Final = "proposal_fact"
    # A question of the shop's return and refund rules ("can I return it though I wore it once?", "will the refund
    # go to my paypal?"): answered from the shop's profile; the proposal or our question stands if the rule allows it.
    rules_question: Final = "rules_question"
    # A remark or complaint that asks nothing ("the packaging was awful"): acknowledged and noted for the team; one
    # about an unnamed order asks what went wrong.
    feedback: Final = "feedback"
    # "Thanks", "ok, got it" at a proposal, with no yes or no to it: the thanks is returned, the proposal stays and is
    # put again in one line (a digression with resume).
    acknowledged: Final = "acknowledged"
    # A "no" to the proposal: nothing is changed.
    cancelled: Final = "cancelled"
    # "So nothing has been returned?" when the conversation wrote nothing: said plainly, and our question (if any)
    # is put again.
    nothing_done: Final = "nothing_done"
    # A detail of the proposal changed ("not PayPal, my visa"): the same request is planned again with it.
    correction: Final = "correction"
    # Still unclear after our question: the customer decides whether a colleague should look.
    offer_person: Final = "offer_person"
    # Unsure what the message is about: ask.
    clarify: Final = "clarify"


class Route:
    """Where the gate (and later nodes) send a turn."""

    act: Final = "act"
    retrieve: Final = "retrieve"
    draft: Final = "draft"
    escalate: Final = "escalate"
    handoff: Final = "handoff"
    request_approval: Final = "request_approval"
    execute: Final = "execute"


@dataclass(kw_only=True)
class InputState:
    messages: Annotated[list[AnyMessage], add_messages] = field(default_factory=list)


@dataclass(kw_only=True, repr=False)
class SupportState(InputState):
    # {"id", "name", "email", "tier", "verified_via"}; set once per conversation by identity tools or the storefront.
    customer: dict[str, Any] | None = None
    # The current message's analysis (graph.nlu.schema.Understanding as a dict).
    understanding: dict[str, Any] = field(default_factory=dict)
    emotion_history: Annotated[list[dict[str, Any]], operator.add] = field(default_factory=list)
    route: str = ""
    # This turn's evidence: retrieved chunks and tool results, each with an "id" an answer can cite.
    evidence: list[dict[str, Any]] = field(default_factory=list)
    draft: str = ""
    cited: list[str] = field(default_factory=list)
    critique: dict[str, Any] = field(default_factory=dict)
    rewrites: int = 0
    escalation: dict[str, Any] | None = None
    status: str = Status.bot
    # A previewed write waiting for the customer's "yes" and, if needed, a person's approval.
    pending_action: dict[str, Any] | None = None
    # The dialogue's memory across turns (graph.dialogue_state): nodes return updates, its reducer writes it.
    dialogue: Annotated[Dialogue, apply_update] = field(default_factory=lambda: Dialogue())
    # This turn's repair (a Repair value) as the gate decided it; empty when the turn needs none.
    repair: str = ""
    # The request this turn carries out when it is not the customer's message itself: one they made earlier in the
    # same message as another, queued, and taken up now on their yes (graph.nodes.understand). Empty otherwise.
    request_text: str = ""
    clarifications: int = 0
    # Same need asked again without resolution (drives the repeated-failure escalation).
    unresolved: dict[str, int] = field(default_factory=dict)
    audit: Annotated[list[dict[str, Any]], operator.add] = field(default_factory=list)
    notes: Annotated[list[dict[str, Any]], operator.add] = field(default_factory=list)
    handoff: dict[str, Any] | None = None

    def __repr__(self) -> str:
        # Short on purpose: libraries format the state into warnings and logs on hot paths (a tool call's input
        # validation renders it even when the warning is filtered), and the full conversation costs 60-90 ms.
        customer = (self.customer or {}).get("id")
        return f"SupportState(messages={len(self.messages)}, status={self.status!r}, customer={customer!r})"
