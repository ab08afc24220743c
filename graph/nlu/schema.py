"""The understanding contract: what the graph knows about one customer message.

Both engines (the local analyser and the LLM) return an :class:`Understanding`; the dialogue policy, the escalation
policy and the handoff summary read nothing else, so changing a field here is a change to the whole graph.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, Field

Intent = Literal[
    "order_status",
    "cancel_order",
    "change_order",
    "change_address",
    "delivery_options",
    "return_request",
    "exchange_request",
    "refund_request",
    "refund_status",
    "refund_policy",
    "payment_issue",
    "invoice",
    "discount_voucher",
    "product_question",
    "product_recommendation",
    "account_create",
    "account_edit",
    "account_delete",
    "password_recovery",
    "newsletter",
    "complaint",
    "human_agent",
    "feedback",
    "greeting_thanks",
    "out_of_scope",
    "verify_identity",
    "affirm",
    "deny",
]

# A tuple, not a set: the classifier's label index and the README table follow this order.
INTENTS: tuple[Intent, ...] = get_args(Intent)
# Questions the catalog answers.
PRODUCT_INTENTS: frozenset[str] = frozenset({"product_question", "product_recommendation"})

Language = Literal["en", "de", "fr", "es", "nl", "it"]
LANGUAGES: tuple[Language, ...] = get_args(Language)


class IntentScore(BaseModel):
    """One request inside a message; a message asking for several things has one per segment."""

    intent: Intent
    confidence: float = Field(ge=0.0, le=1.0, description="Calibrated probability that this intent is right.")
    segment: str = Field(default="", description="The part of the message this intent was read from.")


class Entities(BaseModel):
    """Slots the dialogue policy fills tools with; every list is deduplicated and in order of appearance."""

    order_ids: list[str] = Field(default_factory=list, description="Normalised to start with '#', e.g. '#W1234567'.")
    emails: list[str] = Field(default_factory=list, description="Lower-cased.")
    names: list[str] = Field(default_factory=list, description="Person names the customer gave for themselves.")
    zip_codes: list[str] = Field(default_factory=list, description="US ZIP or EU/UK postcodes, upper-cased.")
    products: list[str] = Field(default_factory=list, description="Free-text product mentions.")
    options: dict[str, str] = Field(default_factory=dict, description="Variant options, e.g. {'size': 'M'}.")
    amounts: list[str] = Field(default_factory=list, description="Money with currency, e.g. '49.99 USD'.")
    dates: list[str] = Field(default_factory=list, description="Dates as written ('yesterday', '2024-05-03').")
    reasons: list[str] = Field(default_factory=list, description="Normalised reasons, e.g. 'no_longer_needed'.")

    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in type(self).model_fields)


class Emotion(BaseModel):
    """How the customer feels, as scores the escalation policy compares against thresholds."""

    anger: float = Field(default=0.0, ge=0.0, le=1.0)
    frustration: float = Field(default=0.0, ge=0.0, le=1.0)
    sarcasm: float = Field(default=0.0, ge=0.0, le=1.0)
    urgency: float = Field(default=0.0, ge=0.0, le=1.0)
    sentiment: float = Field(default=0.0, ge=-1.0, le=1.0, description="VADER-style compound score.")
    signals: list[str] = Field(
        default_factory=list, description="What fired, e.g. 'all_caps', 'repeat_request', 'sarcasm_phrase'."
    )


class TopicMatch(BaseModel):
    """An escalation topic recognised by meaning (graph.nlu.topics): the topic, how close, and to which example."""

    topic: str
    similarity: float = Field(ge=-1.0, le=1.0)
    example: str = ""


class Understanding(BaseModel):
    """Everything one message tells us, from either engine."""

    text: str = Field(default="", description="The analysed message, so policies can match their own phrase lists.")
    intent: Intent
    confidence: float = Field(ge=0.0, le=1.0, description="Calibrated probability that `intent` is right.")
    intents: list[IntentScore] = Field(
        default_factory=list, description="One entry per request when the message asks for several things."
    )
    entities: Entities = Field(default_factory=Entities)
    emotion: Emotion = Field(default_factory=Emotion)
    language: str = Field(default="en", description="ISO 639-1 code; the local engine knows en, de, fr, es, nl, it.")
    critical_keywords: list[str] = Field(
        default_factory=list, description="Canonical phrases such as 'chargeback' or 'legal action'."
    )
    human_requested: bool = False
    topics: list[TopicMatch] = Field(
        default_factory=list,
        description="Escalation topics recognised by meaning (local engine): legal action, chargeback, fraud, data "
        "protection, injury, allergic reaction, harassment, complaint.",
    )
