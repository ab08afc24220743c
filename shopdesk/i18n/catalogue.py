"""The catalogues at run time: compiled from the shipped .po files when first used, one speaker per locale.

A ``Speaker`` says catalogue messages in one locale: ``text`` fills a message's named placeholders after
translating it, ``plural`` chooses the form by the count, ``money`` writes an amount with its currency and ``day``
a date, both as the locale writes them. The speaker of the conversation being answered is set with ``speaking``
around the code that words the reply (a context variable, so it follows the turn into worker threads and never
leaks into another conversation); ``_``, ``ngettext`` and ``money`` speak through it, English when none is set.
The .po files are the source; the .mo files next to them are their compiled form, loaded at import.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency
from babel.support import NullTranslations, Translations

DOMAIN = "shopdesk"
LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE_LOCALE = "en"


def N_(message: str) -> str:
    """Marks a message for the catalogue without translating it: it is stored now and said later with ``_``."""
    return message


# Translators: CLDR date patterns (https://unicode.org/reports/tr35/tr35-dates.html), not sentences.
DAY = N_("EEEE, MMMM d")
DAY_WITH_YEAR = N_("MMMM d, y")


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_po(path: Path, locale: str) -> bytes:
    """A .po file compiled to the binary .mo form gettext reads (fuzzy entries are not used)."""
    with path.open("rb") as source:
        catalog = read_po(source, locale=locale, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    return compiled.getvalue()


def _load(locale: str) -> Translations:
    """The locale's shipped .mo (``python -m shopdesk.i18n compile`` builds it; a test checks it matches the .po),
    or, where none is built yet, its .po compiled in memory."""
    source = po_path(locale)
    built = source.with_suffix(".mo")
    data = built.read_bytes() if built.is_file() else compile_po(source, locale)
    return Translations(io.BytesIO(data), domain=DOMAIN)


# Loaded once, when the module is imported (about a millisecond each): a turn never reads a file, so nothing blocks
# the event loop of a server that answers many conversations.
_CATALOGUES: dict[str, Translations] = {
    path.parent.parent.name: _load(path.parent.parent.name)
    for path in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
}
_NONE = NullTranslations()


def available_locales() -> list[str]:
    """The locales the project ships a catalogue for (the source language always)."""
    return sorted(set(_CATALOGUES) | {SOURCE_LOCALE})


def translations(locale: str) -> NullTranslations:
    return _CATALOGUES.get(locale, _NONE)


@dataclass(frozen=True)
class Speaker:
    """Catalogue messages, money and dates in one locale; ``currency`` is the shop's, for amounts without one."""

    locale: str = SOURCE_LOCALE
    currency: str = "USD"

    def text(self, message: str, /, **fields: Any) -> str:
        translated = translations(self.locale).gettext(message)
        return translated.format(**fields) if fields else translated

    def plural(self, singular: str, plural: str, count: int, /, **fields: Any) -> str:
        translated = translations(self.locale).ngettext(singular, plural, count)
        return translated.format(count=count, **fields)

    def money(self, amount: Any, currency: str | None = None) -> str:
        return format_currency(float(amount or 0), currency or self.currency, locale=self.locale)

    def day(self, value: Any, with_year: bool = False) -> str:
        """A date as the customer's locale writes it (the year only where it may be another year); a value that is
        not a date is returned as it came."""
        if not value:
            return ""
        moment = value if isinstance(value, date) else None
        if moment is None:
            try:
                moment = datetime.fromisoformat(str(value))
            except ValueError:
                return str(value)
        pattern = self.text(DAY_WITH_YEAR if with_year else DAY)
        return format_date(moment, pattern, locale=self.locale)

    def weekday(self, moment: date) -> str:
        return format_date(moment, "EEEE", locale=self.locale)


@cache
def speaker(locale: str = SOURCE_LOCALE, currency: str = "USD") -> Speaker:
    return Speaker(locale if locale in available_locales() else SOURCE_LOCALE, currency)


def locale_for(language: str | None, languages: Iterable[str]) -> str:
    """The conversation's locale: the customer's language when the shop speaks it and a catalogue exists, else the
    shop's first language (its default), else the source language."""
    offered = [lang for lang in languages if lang in available_locales()]
    if language and language in offered:
        return language
    return offered[0] if offered else SOURCE_LOCALE


def conversation_language(texts: Iterable[str]) -> str | None:
    """The language the customer writes in: that of their latest message that shows one. An email address, a zip
    code or "ok" shows none, so a German conversation stays German through them; None when no message shows one."""
    from graph.nlu.language import _WORDS, detect_language

    for text in texts:
        detected = detect_language(text)
        if detected != "en":
            return detected
        if any(word in _WORDS["en"] for word in text.lower().split()):
            return "en"
    return None


ENGLISH = Speaker()
_current: ContextVar[Speaker | None] = ContextVar("shopdesk_speaker", default=None)


def current() -> Speaker:
    """The speaker of the conversation being answered (English outside any ``speaking``)."""
    return _current.get() or ENGLISH


@contextmanager
def speaking(who: Speaker) -> Iterator[Speaker]:
    """Word everything inside in ``who``'s locale (and the threads started inside, which copy the context)."""
    token = _current.set(who)
    try:
        yield who
    finally:
        _current.reset(token)


def _(message: str, /, **fields: Any) -> str:
    """A catalogue message in the current conversation's locale, its named placeholders filled."""
    return current().text(message, **fields)


def ngettext(singular: str, plural: str, count: int, /, **fields: Any) -> str:
    """The form of a message for ``count`` (``{count}`` is filled), in the current conversation's locale."""
    return current().plural(singular, plural, count, **fields)


def money(amount: Any, currency: str | None = None) -> str:
    return current().money(amount, currency)
