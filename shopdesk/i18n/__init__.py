"""One message catalogue for everything the bot says to a customer: standard gettext, through Babel.

Code marks customer-facing sentences with ``_()`` (``ngettext()`` where a count varies the wording, ``N_()`` where a
sentence is stored now and translated when it is said) and names its placeholders (``{order_id}``), so translators
can move them. ``shopdesk/i18n/locale/shopdesk.pot`` is the template extracted from the code (``python -m
shopdesk.i18n extract``); ``locale/<lang>/LC_MESSAGES/shopdesk.po`` are the catalogues, compiled when first used
(no build step, no network). A conversation speaks one locale, chosen by ``locale_for``: the customer's language
when the shop offers it, else the shop's first language.
"""

from shopdesk.i18n.catalogue import (
    N_,
    Speaker,
    _,
    available_locales,
    conversation_language,
    current,
    locale_for,
    money,
    ngettext,
    speaker,
    speaking,
)

__all__ = [
    "N_",
    "Speaker",
    "_",
    "available_locales",
    "conversation_language",
    "current",
    "locale_for",
    "money",
    "ngettext",
    "speaker",
    "speaking",
]
