"""The understanding layer: intent, entities, emotion, language and keywords of a customer message, plus the
escalation policy that decides when a person takes over. See README.md in this package for the taxonomy."""

from graph.nlu.escalation import ConversationFacts, EscalationDecision, EscalationPolicy, decide_escalation
from graph.nlu.local import LocalUnderstanding, get_local_understanding
from graph.nlu.schema import INTENTS, Emotion, Entities, Intent, IntentScore, Understanding

__all__ = [
    "INTENTS",
    "ConversationFacts",
    "Emotion",
    "Entities",
    "EscalationDecision",
    "EscalationPolicy",
    "Intent",
    "IntentScore",
    "LocalUnderstanding",
    "Understanding",
    "decide_escalation",
    "get_local_understanding",
]
