"""A reply to a proposal that waits for a yes: does it say yes, with whatever else the customer adds?

The intent model reads a message on its own, and a long reply ("yep that's the one, refund to the gift card is fine,
go ahead") looks like a request, not an answer. At a pending confirmation the question is narrower: does some clause
of the reply give the yes, and does no clause take it back? Clauses are read one by one, so a yes buried after a
complaint ("5-7 days is so long though, ugh. go ahead") still counts, and "yes... actually wait" does not.

What the reply changes (another payment method, another colour) and whether it asks something are read by the
caller: those keep the proposal from running even when a yes is in the words.
"""

from __future__ import annotations

import re

_CLAUSES = re.compile(r"[.,;:!\n]+|\s+(?:and|but|so|then|und|aber|dann)\s+", re.IGNORECASE)

# A clause that gives the yes: it opens with one ("yes", "ok", "sure", "ja") or is one of the ways people say "do it".
_YES_OPENER = re.compile(
    r"^\s*(?:yes|yeah|yea|yep|yup|ya|sure|ok|okay|k|alright|all\s+right|absolutely|definitely|of\s+course|correct"
    r"|confirm(?:ed)?|perfect|great|fine|ja|jawohl|genau|gerne|klar|passt|einverstanden|richtig|oui|s[ií])\b",
    re.IGNORECASE,
)
_DO_IT = re.compile(
    r"\b(?:go\s+ahead|go\s+for\s+it|do\s+it|please\s+do|proceed|please\s+proceed|let'?s\s+do\s+(?:it|that)"
    r"|i\s+confirm|confirmed|sounds\s+(?:good|great|right|fine)|that\s+works|works\s+for\s+me"
    r"|(?:that'?s|that\s+is|this\s+is|it'?s)\s+(?:the\s+one|right|correct|fine|good|ok(?:ay)?|perfect|it)"
    r"|(?:is|are|sounds)\s+(?:fine|ok(?:ay)?|good|correct|right)|mach\s+(?:das|es)|bitte\s+(?:ausführen|machen)"
    r"|leg\s+los|in\s+ordnung)\b",
    re.IGNORECASE,
)
# A clause that holds the yes back: a no, a wait, a change of mind.
_HOLDS_BACK = re.compile(
    r"^\s*(?:no|nope|nah|nein|not|don'?t|do\s+not|wait|hold\s+on|hang\s+on|stop|actually|instead|rather|never\s+mind"
    r"|forget\s+it|cancel|moment|warte|halt|doch\s+nicht|lieber\s+nicht|nicht)\b"
    r"|\b(?:not\s+(?:yet|now|that|this|sure)|don'?t\s+(?:do|go)|changed\s+my\s+mind|on\s+second\s+thought"
    r"|keep\s+it|i'?ll\s+keep|noch\s+nicht|doch\s+nicht)\b",
    re.IGNORECASE,
)


def _clauses(text: str) -> list[str]:
    return [clause.strip() for clause in _CLAUSES.split(text) if clause and clause.strip()]


def holds_back(text: str) -> bool:
    """Some clause takes the yes back or puts it off ("ok... actually hang on", "yes, no wait")."""
    return any(_HOLDS_BACK.search(clause) for clause in _clauses(text))


def gives_a_yes(text: str) -> bool:
    """Some clause says yes and none holds it back."""
    clauses = _clauses(text)
    if any(_HOLDS_BACK.search(clause) for clause in clauses):
        return False
    return any(_YES_OPENER.search(clause) or _DO_IT.search(clause) for clause in clauses)
