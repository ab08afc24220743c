"""The language a conversation is answered in: the customer's, when the shop speaks it; else the shop's default."""

from __future__ import annotations

from langchain_core.messages import HumanMessage

from graph.state import SupportState
from shopdesk.i18n import Speaker, conversation_language, locale_for, speaker
from shopdesk.profile import ShopProfile


def speaker_of(state: SupportState, profile: ShopProfile) -> Speaker:
    """Who words this turn's reply: the locale of the customer's latest message that shows a language (the
    understanding's reading of the current one first), within the shop's languages, with the shop's currency."""
    understood = str(state.understanding.get("language") or "")
    if understood not in ("", "en"):
        language: str | None = understood
    else:
        # Read from the latest message back, only as far as the first that shows a language (usually the latest):
        # several nodes ask each turn, and a long conversation's every message need not be listed each time.
        texts = (str(m.content) for m in reversed(state.messages) if isinstance(m, HumanMessage))
        language = conversation_language(texts)
    return speaker(locale_for(language, profile.languages), profile.currency)
