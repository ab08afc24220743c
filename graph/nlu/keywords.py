"""Phrases that matter regardless of intent: critical keywords and explicit requests for a person.

These are patterns rather than embeddings because a missed "chargeback" or "I want a human" costs far more than a
false alarm, and patterns are predictable and auditable. Canonical names match the escalation policy's defaults.
"""

from __future__ import annotations

import re

_CRITICAL: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (canonical, re.compile(pattern, re.IGNORECASE))
    for canonical, pattern in (
        (
            "formal complaint",
            r"\b(?:formal|official)\s+complaint\b|\blodge\s+a\s+complaint\b"
            r"|\b(?:offizielle|formelle)\s+beschwerde\b|\b(?:plainte|r[ée]clamation)\s+formelle\b"
            r"|\b(?:reclamaci[oó]n|queja)\s+formal\b|\bformele\s+klacht\b|\breclamo\s+formale\b",
        ),
        (
            "cancel subscription",
            r"\bcancel\s+(?:my\s+|the\s+|your\s+)?(?:subscription|membership|contract|service)\b"
            r"|\bend\s+my\s+(?:subscription|membership)\b|\bk[üu]ndig",
        ),
        (
            "legal action",
            r"\b(?:legal\s+action|lawyers?|attorneys?|solicitors?|su(?:e|ing|ed)\s+(?:you|your|them)"
            r"|i(?:'ll|\s+will)\s+sue|lawsuit|court|small\s+claims|anwalt|avocat|abogado|advocaat"
            r"|avvocato|porter\s+plainte|rechtliche\s+schritte)\b",
        ),
        (
            "chargeback",
            r"\b(?:charge\s?-?backs?|dispute\s+the\s+(?:charge|payment|transaction)|disputing\s+the\s+"
            r"(?:charge|payment)|(?:going|go|contacting|contact|call(?:ing)?)\s+(?:to\s+)?my\s+bank"
            r"|r[üu]ckbuchung)\b",
        ),
        (
            "fraud",
            r"\b(?:fraud\w*|scam\w*|theft|thie(?:f|ves)|stole|stolen|unauthori[sz]ed|betrug|arnaque|estafa"
            r"|oplichting|truffa)\b",
        ),
        (
            "data protection",
            r"\b(?:gdpr|dsgvo|rgpd|data\s+protection|privacy\s+(?:violation|breach|law)"
            r"|data\s+(?:breach|leak)|datenschutz)\b",
        ),
        (
            "consumer protection",
            r"\b(?:consumer\s+(?:protection|rights|ombudsman)|trading\s+standards"
            r"|better\s+business\s+bureau|bbb|ombudsman|verbraucherzentrale|report(?:ing)?\s+you)\b",
        ),
        ("police", r"\b(?:police|polizei)\b"),
    )
)

_HUMAN = re.compile(
    r"\b(?:human|humans|real\s+person|actual\s+person|real\s+human|live\s+(?:agent|person|chat)|agent|representative"
    r"|operator|supervisor|manager|member\s+of\s+staff|staff\s+member|someone\s+from\s+your\s+team"
    r"|(?:speak|talk|chat)\s+(?:to|with)\s+(?:someone|somebody|a\s+person|staff|a\s+real|an?\s+actual|a\s+human)"
    r"|(?:call|ring)\s+me(?:\s+back)?|transfer\s+me|put\s+me\s+through|not\s+(?:a|the)\s+bot|no\s+bots?"
    r"|(?:this|the)\s+(?:bot|robot)|phone\s+number.*\b(?:speak|talk)|anyone\s+(?:actually\s+)?there"
    r"|mit\s+einem\s+(?:menschen|mitarbeiter)|parler\s+[àa]\s+(?:un|une)\s+(?:humain|conseill\w+|agent|personne)"
    r"|hablar\s+con\s+(?:una\s+persona|un\s+agente|alguien)|medewerker|iemand\s+van\s+de\s+klantenservice"
    r"|operatore|persona\s+vera)\b",
    re.IGNORECASE,
)
# Words that mention a person without asking for one ("your delivery agent was rude", "my manager ordered it").
_HUMAN_FALSE = re.compile(
    r"\b(?:delivery|shipping|travel|estate)\s+agent|\bmy\s+manager\b|\bhuman\s+rights\b"
    # A suggestion to offer a live chat is feedback, not a request for a person now.
    r"|\b(?:add|offer|have|introduce|get)\s+(?:a\s+)?live\s+chat\b|\blive\s+chat\b[^.?!]*\b(?:would|could)\s+be\b",
    re.IGNORECASE,
)


def find_critical_keywords(text: str) -> list[str]:
    """Canonical critical keywords present in the text, in the order of the table."""
    return [canonical for canonical, pattern in _CRITICAL if pattern.search(text)]


def human_requested(text: str) -> bool:
    """True when the customer asks for a person, in any of the supported languages."""
    return bool(_HUMAN.search(_HUMAN_FALSE.sub(" ", text)))
