"""Request and response bodies. Public models carry nothing internal: no notes, tool results or escalation reasons."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from shopdesk.pii import mask_payment_data, scrub

Role = Literal["customer", "bot", "agent"]


# Half a UTF-16 pair, found by one search rather than a Python step per character of every message.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(item) for item in value)
    return False


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _valid_unicode(cls, data: Any) -> Any:
        # JSON may escape half a UTF-16 pair ("\ud800"): no text can hold it, so nothing downstream could store,
        # log or send it. Typed string fields refuse it themselves; free-form ones (tool args) are checked here.
        if _has_lone_surrogate(data):
            raise ValueError("the body contains an unpaired UTF-16 surrogate escape (like \\ud800), which is not text")
        return data


# Free text a person or customer typed: card numbers and CVVs are masked before anything stores or forwards it.
Text = Annotated[str, AfterValidator(mask_payment_data)]
Args = Annotated[dict[str, Any], AfterValidator(scrub)]


# --- storefront -------------------------------------------------------------------------------------------------


class ConversationStart(_Strict):
    customer_token: str | None = Field(
        None, description="Signed by the shop's backend for a logged-in customer; the bot then treats them as verified."
    )


class ConversationCreated(BaseModel):
    conversation_id: str
    conversation_token: str = Field(description="Send as `Authorization: Bearer <token>` on this conversation's calls.")
    status: str
    verified: bool


class MessageIn(_Strict):
    # The upper bound is configurable (max_message_length) and checked by the desk, which answers 413.
    text: Text = Field(min_length=1, description="The customer's message (card numbers and CVVs are masked).")


class Reply(BaseModel):
    role: Role
    text: str
    author_name: str | None = None
    evidence_ids: list[str] = Field(default_factory=list)


class TurnOut(BaseModel):
    conversation_id: str
    status: str
    replies: list[Reply]
    waiting_for_person: bool = Field(description="A person (agent or approver) has to act before the bot goes on.")


class PublicMessage(BaseModel):
    seq: int = Field(description="Position among the public messages; poll with ?after=<seq> for new ones.")
    role: Role
    text: str
    author_name: str | None = None


class PublicConversation(BaseModel):
    conversation_id: str
    status: str
    waiting_for_person: bool
    messages: list[PublicMessage]


# --- agents -----------------------------------------------------------------------------------------------------


class QueueItem(BaseModel):
    conversation_id: str
    shop_id: str
    status: str
    pending: str | None = Field(description="'handoff' (a person should answer) or 'approval' (a decision).")
    priority: str
    reasons: list[str]
    summary: str
    customer_id: str | None
    customer_name: str | None
    claimed_by: str | None
    created_at: datetime
    updated_at: datetime
    waiting_since: datetime | None
    waiting_seconds: float


class Queue(BaseModel):
    count: int
    items: list[QueueItem]


class AgentConversation(BaseModel):
    conversation: QueueItem
    request: dict[str, Any] | None = Field(
        description="What the graph waits for: the handoff packet (summary, customer, orders, suggested reply, "
        "transcript...) or the approval request (action, args, preview)."
    )
    transcript: list[dict[str, Any]]
    notes: list[dict[str, Any]]
    customer: dict[str, Any] | None
    pending_action: dict[str, Any] | None


class AgentText(_Strict):
    text: Text = Field(min_length=1)


class HandBack(_Strict):
    text: Text | None = Field(None, description="Optional last message to the customer before the bot takes over.")


class Forward(_Strict):
    text: Text = Field(min_length=1, description="What the shop team should do.")
    team: str = Field("shop", min_length=1, max_length=64)


class ToolRun(_Strict):
    name: str = Field(min_length=1, max_length=64)
    args: Args = Field(default_factory=dict)
    id: str | None = Field(None, max_length=128, description="Idempotency key: the same id never writes twice.")


class ApprovalDecision(_Strict):
    decision: Literal["approve", "edit", "reject"]
    args: Args | None = Field(
        None,
        description="For 'edit': the arguments to change. The changed request goes back to the customer, approved in "
        "advance: it is written on their yes, and not at all on a no.",
    )
    note: Text = Field("", max_length=2000, description="Internal, for the audit log: never shown to the customer.")
    customer_message: Text | None = Field(
        None, max_length=2000, description="Optional words for the customer, sent with the outcome."
    )

    @model_validator(mode="after")
    def _edit_needs_args(self) -> ApprovalDecision:
        if self.decision == "edit" and not self.args:
            raise ValueError("an 'edit' decision needs the args to change")
        return self


class ActionResult(BaseModel):
    conversation_id: str
    status: str
    replies: list[Reply] = Field(description="What the customer was sent as a result.")
    pending: str | None
    claimed_by: str | None
    result: dict[str, Any] | None = Field(None, description="For /tool: what the tool returned (or its refusal).")


class Tools(BaseModel):
    read: list[str]
    write: list[str] = Field(description="Writes run at once under the agent's name, idempotent by the call's id.")
