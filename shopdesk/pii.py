"""Personal data in free text: card data is masked before anything is stored or sent; other PII is redacted where
the settings say (logs, summaries, webhooks, exports).

Card numbers and CVVs are never kept (house rule), whoever typed them: the customer's message is masked before it
enters the conversation's state, so checkpoints, summaries, learning examples, webhooks and exports never see them.
A card number is a run of 13-19 digits, optionally grouped by spaces or dashes, that passes the Luhn check (the
last four stay, so a person can still tell which card was meant); a CVV is 3-4 digits next to a word that names it.

Emails, phone numbers and street addresses are what a shop needs to serve the customer, so they stay in the state
and reach the people handling the case; `Settings.redact` names which of them are replaced in text that leaves
that circle (webhooks, exported datasets, log lines) or is shown at a glance (the handoff summary).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage

Kind = Literal["email", "phone", "address"]
KINDS: tuple[Kind, ...] = ("email", "phone", "address")

_DIGIT = re.compile(r"\d")
_CARD = re.compile(r"(?<![\d.,])\d(?:[ -]?\d){12,18}(?![\d])")
_CVV_WORDS = (
    r"cvv2?|cvc2?|csc|cvn|cid|security\s+code|card\s+code|verification\s+(?:code|number)|"
    r"sicherheitscode|prüfnummer|kartenprüfnummer|prüfziffer"
)
_CVV_AFTER = re.compile(rf"\b(?:{_CVV_WORDS})\b[^\d\n]{{0,20}}?(?<!\d)(\d{{3,4}})(?![\d\]])", re.IGNORECASE)
_CVV_BEFORE = re.compile(rf"(?<![\d#\w])(\d{{3,4}})(?![\d\]])[^\d\n]{{0,15}}?\b(?:{_CVV_WORDS})\b", re.IGNORECASE)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# International or local numbers of 9-15 digits in groups; order numbers (#W1234567) and prices are not phones.
_PHONE = re.compile(
    r"(?<![\w#$€£.])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,5}(?:[\s.-]?\d{2,5}){1,4}(?!\d|[\w.]\d)"
)
_STREET_SUFFIX = (
    r"street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|ter|square|sq|"
    r"parkway|pkwy|circle|cir|highway|hwy|trail|trl|alley|row"
)
_ADDRESS = re.compile(
    rf"\b\d{{1,6}}[a-z]?\s+(?:[A-Za-z][\w'.-]*\s+){{1,4}}(?:{_STREET_SUFFIX})\b\.?"
    r"(?:,?\s*(?:apt|apartment|suite|ste|unit|#)\.?\s*[\w-]+)?"
    r"|\b[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|weg|allee|platz|gasse|ring|damm)\s+\d{1,4}[a-z]?\b",
    re.IGNORECASE,
)
REPLACEMENT = {"email": "[email]", "phone": "[phone]", "address": "[address]"}


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    if not 13 <= len(digits) <= 19 or not luhn_valid(digits):
        return match.group()
    return f"[card ending {digits[-4:]}]"


def _cvv(match: re.Match[str]) -> str:
    start, end = match.span(1)
    whole = match.group()
    offset = match.start()
    return whole[: start - offset] + "[removed]" + whole[end - offset :]


def mask_payment_data(text: str) -> str:
    """The text with card numbers (Luhn-valid, 13-19 digits) and CVVs masked. Cheap when there are no digits."""
    if not _DIGIT.search(text):
        return text  # every pattern below needs a decimal digit
    text = _CARD.sub(_card, text)
    text = _CVV_AFTER.sub(_cvv, text)
    return _CVV_BEFORE.sub(_cvv, text)


_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")


def _phone(match: re.Match[str]) -> str:
    digits = sum(char.isdigit() for char in match.group())
    if not 9 <= digits <= 15 or _IPV4.fullmatch(match.group()):  # access logs are full of client addresses
        return match.group()
    return REPLACEMENT["phone"]


def redact(text: str, kinds: Collection[str] = KINDS) -> str:
    """Card data masked, and the named kinds of PII replaced by a placeholder."""
    text = mask_payment_data(text)
    if "email" in kinds:
        text = _EMAIL.sub(REPLACEMENT["email"], text)
    if "address" in kinds:
        text = _ADDRESS.sub(REPLACEMENT["address"], text)
    if "phone" in kinds:
        text = _PHONE.sub(_phone, text)
    return text


def scrub(value: Any, clean: Callable[[str], str] = mask_payment_data) -> Any:
    """Every string in a JSON-like value (dict keys left alone) passed through `clean`."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {key: scrub(item, clean) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(scrub(item, clean) for item in value)
    return value


_CUSTOMER_ROLES = frozenset({"human", "user"})
_SCALARS = (str, int, float, bool, type(None), bytes)
_SCALAR_TYPES = frozenset(_SCALARS)


def _customer(role: Any) -> bool:
    return isinstance(role, str) and role in _CUSTOMER_ROLES


def _mask(text: str) -> str:
    """The text masked, or the very same object when there was nothing to mask (callers compare by identity)."""
    masked = _masked_text(text)
    return text if masked == text else masked


# A conversation's messages are written again with every checkpoint: each is read once.
_masked_text = functools.lru_cache(maxsize=2048)(mask_payment_data)


def _masked_content(content: Any) -> Any:
    """A message's content (a string, or a list of strings and content blocks) with card data masked."""
    if isinstance(content, str):
        return _mask(content)
    if isinstance(content, list):
        masked = [_masked_block(block) for block in content]
        return content if all(new is old for new, old in zip(masked, content, strict=True)) else masked
    return content


def _masked_block(block: Any) -> Any:
    if isinstance(block, str):
        return _mask(block)
    if isinstance(block, dict) and isinstance(block.get("text"), str):
        text = _mask(block["text"])
        return block if text is block["text"] else {**block, "text": text}
    return block


def _masked_messages(value: Any) -> Any:
    """What stands under a "messages" key: a bare string there is a customer's message too (add_messages reads it
    as one)."""
    if isinstance(value, str):
        return _mask(value)
    if isinstance(value, list):
        masked = [_mask(item) if isinstance(item, str) else _walk(item) for item in value]
        return value if all(new is old for new, old in zip(masked, value, strict=True)) else masked
    return _walk(value)


def mask_customer_messages(value: Any) -> Any:
    """`value` with card data masked in every message a customer wrote, wherever it sits in it: message objects,
    their dict form ({"role": "user", "content": ...}), the (role, text) pair, a bare string under "messages".

    Only what a customer (or whoever speaks as one) typed is touched: the bot's replies and tool results carry the
    shop's own numbers (tracking, gift cards) that must reach the checkpoint as they are. Returns `value` itself
    when there was nothing to mask, so callers can tell (and skip copying).
    """
    global _BaseMessage
    if _BaseMessage is None:  # langchain_core is loaded wherever there are messages; log filters need not load it
        from langchain_core.messages import BaseMessage

        _BaseMessage = BaseMessage
    return _walk(value)


_BaseMessage: type[BaseMessage] | None = None


def _walk(value: Any) -> Any:
    # A checkpoint is mostly plain dicts, lists and scalars: their exact types are told apart first, and everything
    # else (subclasses included) goes the general way.
    kind = type(value)
    if kind in _SCALAR_TYPES:
        return value
    if kind is dict:
        return _walk_dict(value)
    if kind is list:
        masked = [item if type(item) in _SCALAR_TYPES else _walk(item) for item in value]
        return value if all(new is old for new, old in zip(masked, value, strict=True)) else masked
    return _walk_other(value)


def _walk_dict(value: dict[Any, Any]) -> Any:
    if (_customer(value.get("role")) or _customer(value.get("type"))) and "content" in value:
        content = _masked_content(value["content"])
        return value if content is value["content"] else {**value, "content": content}
    changed: dict[Any, Any] = {}
    for key, item in value.items():
        if key == "messages":
            new = _masked_messages(item)
        elif type(item) in _SCALAR_TYPES:
            continue
        else:
            new = _walk(item)
        if new is not item:
            changed[key] = new
    return {**value, **changed} if changed else value


def _walk_other(value: Any) -> Any:
    if isinstance(value, _SCALARS):
        return value
    if _BaseMessage is not None and isinstance(value, _BaseMessage):
        if value.type != "human":
            return value
        content = _masked_content(value.content)
        return value if content is value.content else value.model_copy(update={"content": content})
    if isinstance(value, dict):
        return _walk_dict(value)
    if isinstance(value, tuple) and len(value) == 2 and _customer(value[0]) and isinstance(value[1], str):
        text = _mask(value[1])
        return value if text is value[1] else (value[0], text)
    if isinstance(value, list | tuple):
        masked = [_walk(item) for item in value]
        if all(new is old for new, old in zip(masked, value, strict=True)):
            return value
        return type(value)(masked)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {}
        for field in dataclasses.fields(value):
            old = getattr(value, field.name)
            new = _masked_messages(old) if field.name == "messages" else _walk(old)
            if field.init and new is not old:
                changed[field.name] = new
        return dataclasses.replace(value, **changed) if changed else value
    return value


def redactor(kinds: Collection[str]) -> Callable[[str], str]:
    chosen = tuple(kinds)
    return lambda text: redact(text, chosen)


def configured_kinds() -> tuple[str, ...]:
    from shopdesk.settings import get_settings

    return tuple(get_settings().redact)


def redacted(value: Any) -> Any:
    """A JSON-like value as it may leave the people handling the case: card data masked, PII as configured."""
    return scrub(value, redactor(configured_kinds()))


class RedactingFilter(logging.Filter):
    """Log lines with card data masked and the configured PII redacted (install on handlers, see install_log_filter)."""

    def __init__(self, kinds: Collection[str]) -> None:
        super().__init__()
        self.kinds = tuple(kinds)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message, self.kinds)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install_log_filter(kinds: Collection[str]) -> None:
    """Redact every handler's output: the root's and those of loggers that do not propagate (uvicorn's)."""
    names = ("", "uvicorn", "uvicorn.error", "uvicorn.access")
    for logger in (logging.getLogger(name or None) for name in names):
        for handler in logger.handlers:
            if not any(isinstance(f, RedactingFilter) for f in handler.filters):
                handler.addFilter(RedactingFilter(kinds))
