"""What a customer reads when the API refuses or fails a request: a catalogue message by the kind of failure, in
the customer's language (the browser's Accept-Language, within the shop's languages). The technical ``detail``
stays for developers and logs; the widget shows ``message``."""

from __future__ import annotations

import re

from shopdesk.i18n import N_, locale_for, speaker

BY_STATUS = {
    401: N_("This chat has expired. Please reload the page to start a new one."),
    403: N_("This chat has expired. Please reload the page to start a new one."),
    413: N_("That message is too long for me. Could you shorten it and send it again?"),
    422: N_("I couldn't read that message. Could you send it again?"),
    429: N_("There are a lot of messages right now. Please wait a moment and try again."),
    503: N_("I can't answer right now. Please try again in a moment; nothing you wrote is lost."),
}
OTHER = N_("Something went wrong on our side. Please try again.")
_TAG = re.compile(r"\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*")


def preferred_languages(accept_language: str | None) -> list[str]:
    """The languages of an Accept-Language header, most preferred first (``de-DE,de;q=0.9,en;q=0.8`` -> de, en)."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        match = _TAG.fullmatch(part)
        if not match:
            continue
        try:
            quality = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        if quality > 0:
            weighted.append((-quality, index, match.group(1).lower()))
    return list(dict.fromkeys(language for _, _, language in sorted(weighted)))


def customer_message(status_code: int, accept_language: str | None, languages: list[str]) -> str:
    """The message for a failed request: the first preferred language the shop speaks, else the shop's default."""
    chosen = next((lang for lang in preferred_languages(accept_language) if lang in languages), None)
    return speaker(locale_for(chosen, languages)).text(BY_STATUS.get(status_code, OTHER))
