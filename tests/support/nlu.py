"""The local analyser as the escalation and emotion tests call it: text in, understanding out."""

from __future__ import annotations

from collections.abc import Callable

from graph.nlu.escalation import ConversationFacts, EscalationPolicy, decide_escalation
from graph.nlu.schema import Understanding

Analyse = Callable[[str], Understanding]

# The default policy, at the start of a conversation: what a message alone decides.
POLICY = EscalationPolicy()
OPEN = ConversationFacts()


def decision_for(analyse: Analyse, text: str) -> list[str]:
    """The reasons a message alone is handed over for under the default policy; none when it stays with the bot."""
    decision = decide_escalation(analyse(text), POLICY, OPEN)
    return list(decision.reasons) if decision.escalate else []
