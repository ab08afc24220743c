"""Values the customer notes are missing from what we listed: "I don't see a green one there", "there's no 3 liter".

At an option picker a customer often says what they looked for and did not find before giving up ("I don't see a
green one. Never mind, I'll keep it."). The value named so is no wish: it is what the list lacks. Read by the clause
that notes an absence (not seeing it, there being none, it not being listed or available), in English and German.
"""

from __future__ import annotations

import re

_ABSENT = re.compile(
    r"\b(?:i\s+)?(?:don'?t|do\s+not|can'?t|cannot|didn'?t|did\s+not)\s+(?:see|find|spot)\s+[^.;!?,]{0,40}"
    r"|\bthere(?:'s|\s+is|\s+are)\s+no\s+[^.;!?,]{0,40}"
    r"|\bthere\s+(?:isn'?t|aren'?t|is\s+not|are\s+not)\s+[^.;!?,]{0,40}"
    r"|\bno\s+[\w-]+(?:\s+[\w-]+)?\s+(?:one\s+)?(?:there|listed|on\s+(?:the|that|your)\s+list|available|in\s+stock)\b"
    r"|\b[\w-]+(?:\s+one)?\s+(?:isn'?t|is\s+not|wasn'?t|aren'?t)\s+(?:there|listed|on\s+(?:the|that|your)\s+list"
    r"|available|an\s+option)\b"
    r"|\b(?:ich\s+)?sehe\s+(?:da\s+)?(?:kein\w*|nicht)\s+[^.;!?,]{0,40}|\bes\s+gibt\s+(?:da\s+)?kein\w*\s+[^.;!?,]{0,40}",
    re.IGNORECASE,
)


def without_absent_values(text: str) -> str:
    """The message with the clauses that note a value missing from the list blanked: what is left may wish one."""
    return _ABSENT.sub(" ", text)
