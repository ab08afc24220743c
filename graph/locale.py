"""The language a conversation is answered in: the customer's, when the shop speaks it; else the shop's default."""

from __future__ import annotations

from langchain_core.messages import HumanMessage

from graph.state import SupportState
from shopdesk.i18n import Speaker, conversation_language, locale_for, speaker
from shopdesk.profile import ShopProfile


def speaker_of(state: SupportState, profile: ShopProfile) -> Speaker:
    """Who words this turn's reply: the locale of the customer's latest message that shows a language (the
    understanding's reading of the current one first), within the shop's languages, with the shop's currency."""
    texts = [str(m.content) for m in reversed(state.messages) if isinstance(m, HumanMessage)]
    understood = str(state.understanding.get("language") or "")
    language = understood if understood not in ("", "en") else conversation_language(texts)
    return speaker(locale_for(language, profile.languages), profile.currency)
