"""The escalation policy: one test per reason code, plus clarification, priority and the customer message."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.nlu.escalation import ConversationFacts, EscalationPolicy, decide_escalation
from graph.nlu.schema import Emotion, Understanding

POLICY = EscalationPolicy()
OPEN = ConversationFacts(business_hours_open=True)


def understanding(text: str = "where is my order?", **fields: object) -> Understanding:
    base: dict[str, object] = {"text": text, "intent": "order_status", "confidence": 0.95}
    base.update(fields)
    return Understanding.model_validate(base)


def test_policy_keys_match_the_shop_profile_section() -> None:
    profile = {
        "emotion_threshold": 0.7,
        "confidence_threshold": 0.5,
        "critical_keywords": ["chargeback", "ombudsman"],
        "high_value_order_amount": 300,
        "vip_customer_tiers": ["gold", "vip"],
        "sensitive_topics": ["injury"],
        "max_unresolved_repeats": 3,
        "max_clarifications": 2,
    }
    policy = EscalationPolicy.model_validate(profile)
    assert policy.model_dump() == {**profile, "high_value_order_amount": 300.0}
    assert EscalationPolicy().emotion_threshold == 0.6 and EscalationPolicy().confidence_threshold == 0.45


def test_routine_message_stays_with_the_bot() -> None:
    d = decide_escalation(understanding(), POLICY, OPEN)
    assert not d.escalate and not d.clarify and d.reasons == [] and d.customer_message == ""


def test_human_requested() -> None:
    d = decide_escalation(
        understanding("let me talk to a person", intent="human_agent", human_requested=True), POLICY, OPEN
    )
    assert d.escalate and d.reasons == ["human_requested"] and d.priority == "normal"


@pytest.mark.parametrize(
    ("emotion", "reason"),
    [
        (Emotion(anger=0.8), "emotion_anger"),
        (Emotion(frustration=0.65), "emotion_frustration"),
        (Emotion(sarcasm=0.7), "emotion_sarcasm"),
    ],
)
def test_emotion_reasons(emotion: Emotion, reason: str) -> None:
    d = decide_escalation(understanding(emotion=emotion), POLICY, OPEN)
    assert d.escalate and d.reasons == [reason]


def test_emotion_below_threshold_does_not_escalate() -> None:
    d = decide_escalation(understanding(emotion=Emotion(anger=0.59, frustration=0.5)), POLICY, OPEN)
    assert not d.escalate
    strict = EscalationPolicy(emotion_threshold=0.5)
    assert decide_escalation(understanding(emotion=Emotion(anger=0.59)), strict, OPEN).escalate


def test_low_confidence_clarifies_first_then_escalates() -> None:
    unsure = understanding("hmm the thing", intent="out_of_scope", confidence=0.3)
    first = decide_escalation(unsure, POLICY, ConversationFacts(clarifications_asked=0))
    assert not first.escalate and first.clarify and first.reasons == []
    assert first.customer_message.endswith("?")
    second = decide_escalation(unsure, POLICY, ConversationFacts(clarifications_asked=1))
    assert second.escalate and not second.clarify
    assert second.reasons == ["low_confidence"] and second.priority == "low"
    # A shop that allows two clarifying questions asks again instead.
    patient = EscalationPolicy(max_clarifications=2)
    assert decide_escalation(unsure, patient, ConversationFacts(clarifications_asked=1)).clarify


def test_critical_keyword_from_analyser_and_from_shop_list() -> None:
    d = decide_escalation(understanding("I'll do a chargeback", critical_keywords=["chargeback"]), POLICY, OPEN)
    assert d.escalate and d.reasons == ["critical_keyword"] and d.priority == "urgent"
    shop = EscalationPolicy(critical_keywords=["ombudsman service"])
    d = decide_escalation(understanding("I'm writing to the Ombudsman   Service"), shop, OPEN)
    assert d.escalate and d.reasons == ["critical_keyword"]
    # A keyword the shop removed from its list no longer escalates.
    relaxed = EscalationPolicy(critical_keywords=[])
    assert not decide_escalation(
        understanding("cancel my subscription", critical_keywords=["cancel subscription"]), relaxed, OPEN
    ).escalate


@pytest.mark.parametrize(
    "text",
    [
        "the kettle burned my hand",
        "my son had an allergic reaction to the cream",
        "your driver was harassing me",
        "I think there was a data breach, my details leaked",
    ],
)
def test_sensitive_topics(text: str) -> None:
    d = decide_escalation(understanding(text, intent="complaint"), POLICY, OPEN)
    assert d.escalate and "sensitive_topic" in d.reasons and d.priority == "urgent"


def test_high_value_and_vip_escalate_problems_not_questions() -> None:
    refund = understanding("I want a refund", intent="refund_request")
    d = decide_escalation(refund, POLICY, ConversationFacts(order_total=800.0))
    assert d.escalate and d.reasons == ["high_value"] and d.priority == "high"
    d = decide_escalation(refund, POLICY, ConversationFacts(customer_tier="VIP"))
    assert d.escalate and d.reasons == ["vip_customer"]
    assert not decide_escalation(refund, POLICY, ConversationFacts(order_total=499.99)).escalate
    # Routine questions from VIPs about expensive orders stay automated.
    status = understanding("where is my order?")
    assert not decide_escalation(status, POLICY, ConversationFacts(order_total=800.0, customer_tier="vip")).escalate


def test_repeated_failure() -> None:
    assert not decide_escalation(understanding(), POLICY, ConversationFacts(unresolved_repeats=1)).escalate
    d = decide_escalation(understanding(), POLICY, ConversationFacts(unresolved_repeats=2))
    assert d.escalate and d.reasons == ["repeated_failure"] and d.priority == "high"


def test_several_reasons_take_the_highest_priority_and_urgency_raises_it() -> None:
    u = understanding(
        "I WANT A HUMAN NOW", intent="human_agent", human_requested=True, emotion=Emotion(anger=0.9, urgency=0.8)
    )
    d = decide_escalation(u, POLICY, OPEN)
    assert d.reasons == ["human_requested", "emotion_anger"]
    assert d.priority == "urgent"  # anger is high, urgency lifts it one step


def test_customer_message_in_and_out_of_hours() -> None:
    u = understanding("human please", intent="human_agent", human_requested=True)
    open_message = decide_escalation(u, POLICY, OPEN).customer_message
    assert "support team" in open_message and "offline" not in open_message
    closed = decide_escalation(u, POLICY, ConversationFacts(business_hours_open=False, next_open="Monday at 9:00"))
    assert closed.escalate
    assert "offline" in closed.customer_message and "Monday at 9:00" in closed.customer_message
    unknown = decide_escalation(u, POLICY, ConversationFacts(business_hours_open=False))
    assert "as soon as the team is back" in unknown.customer_message


def test_team_hours_use_the_profiles_time_zone_and_reject_unknown_zones() -> None:
    from datetime import UTC, datetime

    from pydantic import ValidationError

    from shopdesk.profile import HumanTeam

    team = HumanTeam(timezone="America/New_York", hours={"mon": ("09:00", "17:00")})
    # Monday 2026-11-23 13:30 UTC is 08:30 in New York: closed, opening at 09:00 local time the same day.
    before_opening = datetime(2026, 11, 23, 13, 30, tzinfo=UTC)
    assert not team.is_open(before_opening)
    opening = team.next_open(before_opening)
    assert opening is not None and opening.isoformat() == "2026-11-23T09:00:00-05:00"
    assert team.is_open(datetime(2026, 11, 23, 14, 30, tzinfo=UTC))
    with pytest.raises(ValidationError, match="unknown time zone 'Mars/Base'"):
        HumanTeam(timezone="Mars/Base")


def test_opening_hours_follow_the_shops_clock(tmp_path: Path) -> None:
    """A shop frozen at a Sunday (tests, demos) has its team off duty whatever the real time is."""
    from datetime import UTC, datetime

    from graph.nodes.gate import conversation_facts
    from graph.services import Services
    from graph.state import SupportState
    from shopdesk.profile import load_profile
    from shopdesk.settings import Settings

    def facts_at(when: datetime) -> ConversationFacts:
        settings = Settings(data_dir=tmp_path, clock=when)
        profile = load_profile("demo", settings.profiles_dir)
        return conversation_facts(SupportState(), Services(settings=settings, shop_id="demo", profile=profile))

    sunday = facts_at(datetime(2026, 11, 1, 16, 0, tzinfo=UTC))  # 11:00 in New York: the demo team is off
    assert not sunday.business_hours_open
    assert sunday.next_open is not None and sunday.next_open.startswith("Monday at 09:00")
    assert facts_at(datetime(2026, 11, 2, 16, 0, tzinfo=UTC)).business_hours_open  # Monday 11:00 in New York
