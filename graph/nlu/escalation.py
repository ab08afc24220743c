"""The escalation policy: when a person takes over, how urgently, and what the customer is told.

Pure function of the understanding, the shop's policy (the `escalation:` section of the shop profile) and a few
facts about the conversation, so the gate node stays a one-liner and every decision is testable without a graph.

Reason codes (stable; dashboards and the handoff summary key on them):
    human_requested      the customer asked for a person
    emotion_anger        anger at or above the threshold
    emotion_frustration  frustration at or above the threshold
    emotion_sarcasm      sarcasm at or above the threshold
    low_confidence       intent unclear after the allowed clarifying questions
    critical_keyword     legal threat, chargeback, fraud, GDPR, formal complaint, cancelling a subscription ...
    high_value           the order concerned is worth at least the policy's amount (only for STAKES_INTENTS)
    vip_customer         the customer's tier is one of the VIP tiers (only for STAKES_INTENTS)
    repeated_failure     the same need is still unresolved after the allowed repeats
    sensitive_topic      safety, health, harassment or data-breach matters
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from graph.nlu.schema import Understanding

ReasonCode = Literal[
    "human_requested",
    "emotion_anger",
    "emotion_frustration",
    "emotion_sarcasm",
    "low_confidence",
    "critical_keyword",
    "high_value",
    "vip_customer",
    "repeated_failure",
    "sensitive_topic",
]
Priority = Literal["low", "normal", "high", "urgent"]

DEFAULT_CRITICAL_KEYWORDS = [
    "formal complaint",
    "cancel subscription",
    "legal action",
    "chargeback",
    "fraud",
    "data protection",
    "consumer protection",
    "police",
]
DEFAULT_SENSITIVE_TOPICS = ["data breach", "injury", "allergic reaction", "harassment"]

# Ways customers say the sensitive topics; a shop's own topic with no entry here is matched as written.
_TOPIC_VARIANTS: dict[str, str] = {
    "data breach": r"data\s+(?:breach|leak)\w*|leaked|hacked|(?:card|account)\s+details\s+(?:were\s+)?stolen|breach",
    "injury": r"injur\w*|hurt|burn(?:t|ed|s)?|cut\s+(?:my|his|her)|bleed\w*|wound\w*|caught\s+fire|dangerous|unsafe",
    "allergic reaction": r"allerg\w*|rash|swelling|anaphyla\w*",
    "harassment": r"harass\w*|threaten\w*|stalk\w*|abus(?:e|ive)",
}
# Intents where a valuable order or customer is worth a person's attention.
STAKES_INTENTS = frozenset(
    {
        "cancel_order",
        "change_order",
        "return_request",
        "exchange_request",
        "refund_request",
        "refund_status",
        "payment_issue",
        "complaint",
    }
)
_PRIORITY_ORDER: tuple[Priority, ...] = ("low", "normal", "high", "urgent")
_REASON_PRIORITY: dict[str, Priority] = {
    "low_confidence": "low",
    "human_requested": "normal",
    "emotion_frustration": "normal",
    "emotion_sarcasm": "normal",
    "repeated_failure": "high",
    "emotion_anger": "high",
    "high_value": "high",
    "vip_customer": "high",
    "critical_keyword": "urgent",
    "sensitive_topic": "urgent",
}


class EscalationPolicy(BaseModel):
    """The shop profile's `escalation:` section; keep the field names, the profile loader relies on them."""

    emotion_threshold: float = Field(default=0.6, ge=0.0, le=1.0)
    confidence_threshold: float = Field(default=0.45, ge=0.0, le=1.0)
    critical_keywords: list[str] = Field(default_factory=lambda: list(DEFAULT_CRITICAL_KEYWORDS))
    high_value_order_amount: float = Field(default=500.0, ge=0.0)
    vip_customer_tiers: list[str] = Field(default_factory=lambda: ["vip"])
    sensitive_topics: list[str] = Field(default_factory=lambda: list(DEFAULT_SENSITIVE_TOPICS))
    max_unresolved_repeats: int = Field(default=2, ge=0)
    max_clarifications: int = Field(default=1, ge=0)


class ConversationFacts(BaseModel):
    """What the graph knows about the conversation beyond the current message."""

    clarifications_asked: int = 0
    unresolved_repeats: int = 0
    order_total: float | None = None
    customer_tier: str | None = None
    business_hours_open: bool = True
    next_open: str | None = Field(default=None, description="When the team is back, e.g. 'Monday at 9:00'.")


class EscalationDecision(BaseModel):
    escalate: bool
    clarify: bool = Field(default=False, description="Ask a clarifying question instead of escalating.")
    reasons: list[ReasonCode] = Field(default_factory=list)
    priority: Priority = "low"
    customer_message: str = ""


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(word) for word in phrase.lower().split())
    return re.compile(rf"\b{words}\b", re.IGNORECASE)


def _matches_critical(u: Understanding, keywords: list[str]) -> bool:
    wanted = {keyword.lower() for keyword in keywords}
    if any(found.lower() in wanted for found in u.critical_keywords):
        return True
    # Shop-specific keywords the analyser has no canonical name for are matched against the text as written.
    return any(_phrase_pattern(keyword).search(u.text) for keyword in wanted)


def _matches_topic(text: str, topics: list[str]) -> bool:
    for topic in topics:
        variants = _TOPIC_VARIANTS.get(topic.lower())
        pattern = re.compile(rf"\b(?:{variants})\b", re.IGNORECASE) if variants else _phrase_pattern(topic)
        if pattern.search(text):
            return True
    return False


def _customer_message(reasons: list[ReasonCode], facts: ConversationFacts, priority: Priority) -> str:
    if facts.business_hours_open:
        wait = "right away" if priority in ("high", "urgent") else "shortly"
        return (
            f"I'm passing this conversation to a member of our support team, who will reply here {wait}; "
            "they will see everything we've discussed, so you won't need to repeat anything."
        )
    when = f" when we reopen {facts.next_open}" if facts.next_open else " as soon as the team is back"
    return (
        "Our support team is offline right now, so I've passed this conversation on and a person will reply "
        f"here{when}; "
        "they will see everything we've discussed, so you won't need to repeat anything."
    )


CLARIFY_MESSAGE = (
    "I want to make sure I get this right: could you tell me a little more about what you need, for example whether "
    "it's about an order, a return or refund, a product, or your account?"
)


def decide_escalation(u: Understanding, policy: EscalationPolicy, facts: ConversationFacts) -> EscalationDecision:
    """Whether to hand the conversation to a person, why, how urgently, and what to tell the customer."""
    reasons: list[ReasonCode] = []
    # The classifier's "human_agent" counts only when it is sure; the phrase patterns are the primary signal.
    if u.human_requested or (u.intent == "human_agent" and u.confidence >= policy.confidence_threshold):
        reasons.append("human_requested")
    if u.emotion.anger >= policy.emotion_threshold:
        reasons.append("emotion_anger")
    if u.emotion.frustration >= policy.emotion_threshold:
        reasons.append("emotion_frustration")
    if u.emotion.sarcasm >= policy.emotion_threshold:
        reasons.append("emotion_sarcasm")
    if _matches_critical(u, policy.critical_keywords):
        reasons.append("critical_keyword")
    if _matches_topic(u.text, policy.sensitive_topics):
        reasons.append("sensitive_topic")
    if facts.unresolved_repeats >= policy.max_unresolved_repeats > 0:
        reasons.append("repeated_failure")
    if facts.order_total is not None and facts.order_total >= policy.high_value_order_amount:
        reasons.append("high_value")
    if facts.customer_tier and facts.customer_tier.lower() in {tier.lower() for tier in policy.vip_customer_tiers}:
        reasons.append("vip_customer")

    unsure = u.confidence < policy.confidence_threshold
    if unsure and facts.clarifications_asked >= policy.max_clarifications:
        reasons.append("low_confidence")

    # High value and VIP status raise the stakes of a problem but are not problems themselves: they hand over
    # cancellations, refunds, complaints and the like, never routine questions ("where is my order?").
    stakes = u.intent in STAKES_INTENTS or any(s.intent in STAKES_INTENTS for s in u.intents)
    triggers = [reason for reason in reasons if stakes or reason not in ("high_value", "vip_customer")]
    if not triggers:
        clarify = unsure and facts.clarifications_asked < policy.max_clarifications
        return EscalationDecision(
            escalate=False,
            clarify=clarify,
            reasons=[],
            priority="low",
            customer_message=CLARIFY_MESSAGE if clarify else "",
        )

    priority = max((_REASON_PRIORITY[reason] for reason in reasons), key=_PRIORITY_ORDER.index)
    if u.emotion.urgency >= policy.emotion_threshold and priority != "urgent":
        priority = _PRIORITY_ORDER[_PRIORITY_ORDER.index(priority) + 1]
    return EscalationDecision(
        escalate=True,
        reasons=reasons,
        priority=priority,
        customer_message=_customer_message(reasons, facts, priority),
    )
