"""Understanding through one structured-output call of a chat model, with the local analyser as the safety net.

The model reads one message against where the conversation stands (the request in progress, the detail asked for,
a proposal waiting for a yes) and returns a :class:`Reading`: the commands the dialogue manager applies (the request,
the slot values, a yes, a no or a correction to the proposal, dropping the request, a general question for the
knowledge, a request for a person) with language and emotion. It only reads; what happens next (grounding, tools,
policy, escalation) stays in code, the same for both engines. Any failure (network, refusal, invalid JSON) falls
back to the local analyser and says so in `emotion.signals`, so a flaky endpoint degrades the reading of a message
instead of breaking the conversation.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from enum import Enum
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from graph.llm.engine import Situation
from graph.nlu.address_source import address_source, orders_set_aside
from graph.nlu.entities import shared_entities
from graph.nlu.keywords import find_critical_keywords, human_requested
from graph.nlu.local import get_local_understanding
from graph.nlu.schema import INTENTS, Emotion, Entities, IntentScore, Understanding

logger = logging.getLogger(__name__)

FALLBACK_SIGNAL = "llm_fallback"

# How a general question about a request on one's own order is read: as the shop's rules on it, which the knowledge
# answers ("how long does a refund take?" asks no refund of an order). The knowledge searches the question itself;
# the intent only routes it.
_ORDER_REQUESTS = frozenset(
    {
        "order_status",
        "cancel_order",
        "change_order",
        "change_address",
        "return_request",
        "exchange_request",
        "refund_request",
        "refund_status",
    }
)
_RULES_OF = {"order_status": "delivery_options", "change_address": "delivery_options"}
_RULES_DEFAULT = "refund_policy"

# The schema is sent with every call and billed as prompt: the model's view of the contract is kept lean (the
# formats are in the prompt, once) and mapped onto graph.nlu.schema afterwards. An Enum, unlike a Literal, is
# defined once in the schema however often it is used.
IntentName = Enum("IntentName", {name: name for name in INTENTS}, type=str)  # type: ignore[misc]


class Part(BaseModel):
    intent: IntentName  # type: ignore[valid-type]
    segment: str = ""


class Slots(BaseModel):
    order_ids: list[str] = []
    emails: list[str] = []
    names: list[str] = []
    zip_codes: list[str] = []
    products: list[str] = []
    options: dict[str, str] = {}
    amounts: list[str] = []
    dates: list[str] = []
    reasons: list[str] = []


class Feeling(BaseModel):
    anger: float = 0.0
    frustration: float = 0.0
    sarcasm: float = 0.0
    urgency: float = 0.0
    sentiment: float = 0.0


class Reading(BaseModel):
    """What one customer message says, as commands for the dialogue manager."""

    intent: IntentName  # type: ignore[valid-type]
    confidence: float
    intents: list[Part] = Field(default_factory=list, description="One per request when there are several.")
    to_proposal: Literal["none", "affirm", "deny", "correct"] = "none"
    cancel: bool = False
    general_question: bool = False
    entities: Slots = Field(default_factory=Slots)
    emotion: Feeling = Field(default_factory=Feeling)
    language: str = "en"
    critical_keywords: list[str] = []
    human_requested: bool = False


def _lean(schema: Any) -> Any:
    """A JSON schema without the titles and defaults pydantic adds to every field: tokens a model does not need."""
    if isinstance(schema, dict):
        return {key: _lean(value) for key, value in schema.items() if key not in ("title", "default")}
    if isinstance(schema, list):
        return [_lean(value) for value in schema]
    return schema


READING_SCHEMA = {"title": "Reading", **_lean(Reading.model_json_schema())}

SYSTEM_PROMPT = """You read one message from a customer of an online shop and fill the Reading schema.
intent: the customer's request (the first, if several; intents: one per request with its words as segment).
- order_status includes tracking and the list of one's orders; change_order covers items, variants and payment
  method of an order; change_address covers an order's shipping address and the default address; refund_policy
  covers return and refund rules; verify_identity is a bare email, name + zip, or order id given in reply to a
  question; affirm/deny are yes/no answers; out_of_scope is anything a shop cannot help with.
- A message that answers the detail the assistant asked for (an email, an order, a reason, an address) continues
  the request in progress: use that request's intent, or verify_identity for identity details.
confidence: your probability (0..1) that the intent is right.
to_proposal: only while a proposal waits for the customer's yes (see the conversation state): affirm = yes to it as
  it stands; deny = no or never mind; correct = changes one of its details ("yes, but in blue"); else none.
cancel: the customer drops the request in progress. general_question: a question about how the shop works or its
  products in general, not about one of the customer's own orders.
entities: order ids with a leading '#', e.g. '#W1234567'; emails lower-case; names the customer gives for
  themselves; zip codes; products and options ({"color": "blue"}) as the customer names them; amounts like
  '49.99 USD'; reasons as snake_case codes such as no_longer_needed, ordered_by_mistake, damaged, wrong_size.
emotion: anger, frustration, sarcasm, urgency in 0..1 and sentiment in -1..1; read sarcasm as negative.
language: ISO 639-1 code. critical_keywords: canonical phrases among formal complaint, cancel subscription, legal
  action, chargeback, fraud, data protection, consumer protection, police.
human_requested: true only if the customer asks for a person.
Earlier messages are context only; read the last message."""


def situation_lines(situation: Situation | None) -> str:
    """The conversation state the model reads the message against, one fact a line."""
    if situation is None:
        return "(none)"
    lines = []
    if situation.request:
        lines.append(f"request in progress: {situation.request}")
    if situation.awaiting and situation.awaiting != "confirmation":
        lines.append(f"the assistant asked for: {situation.awaiting}")
    if situation.proposal:
        lines.append(f"proposal waiting for the customer's yes: {situation.proposal}")
    if situation.last_reply:
        lines.append(f"the assistant's last message: {situation.last_reply[:400]}")
    return "\n".join(lines) or "(none)"


async def analyse_with_llm(
    model: BaseChatModel, text: str, history: Sequence[str], situation: Situation | None = None
) -> Understanding:
    """Understanding of `text` from `model`; the local analyser answers whenever the model cannot."""
    context = "\n".join(f"- {message}" for message in history[-4:]) or "(none)"
    messages = [
        SystemMessage(content=SYSTEM_PROMPT),
        HumanMessage(
            content=f"Conversation state:\n{situation_lines(situation)}\n\nEarlier messages:\n{context}\n\n"
            f"Message to read:\n{text}"
        ),
    ]
    try:
        result = await model.with_structured_output(READING_SCHEMA).ainvoke(messages)
        reading = result if isinstance(result, Reading) else Reading.model_validate(_as_mapping(result))
        return understanding_of(reading, text, situation)
    except Exception as error:  # any model failure must degrade to the local analyser, never crash
        logger.warning("LLM understanding failed, using the local analyser: %s", error)
        local = get_local_understanding().analyse(text, list(history))
        local.emotion.signals.append(FALLBACK_SIGNAL)
        return local


def _as_mapping(result: object) -> object:
    return result.model_dump() if isinstance(result, BaseModel) else result


def understanding_of(reading: Reading, text: str, situation: Situation | None = None) -> Understanding:
    """The commands of a reading as the understanding the gate and the dialogue manager read (the same contract as
    the local analyser's): a yes, a no and a dropped request become affirm / deny, a general question becomes the
    rules' topic, and identifiers spelled out in the message are checked by pattern."""
    situation = situation or Situation()
    intent: str = reading.intent.value
    waiting = situation.proposal is not None
    model_ids = [_order_id(found) for found in reading.entities.order_ids]
    entities = _checked_entities(Entities(**{**reading.entities.model_dump(), "order_ids": model_ids}), text)
    if waiting and reading.to_proposal == "affirm":
        intent = "affirm"
    elif (waiting and reading.to_proposal == "deny") or (reading.cancel and (waiting or situation.request)):
        intent = "deny"
    elif reading.to_proposal == "correct" and intent in ("affirm", "deny"):
        # "Yes, but the blue one" changes the proposal: the request it belongs to, planned again with the detail.
        intent = situation.request if situation.request in INTENTS else "change_order"
    elif reading.general_question and intent in _ORDER_REQUESTS and not entities.order_ids:
        intent = _RULES_OF.get(intent, _RULES_DEFAULT)
    confidence = _within(reading.confidence, 0.0, 1.0)
    # Safety-relevant flags are also checked by pattern: a model that misses "chargeback" must not skip escalation.
    keywords = list(dict.fromkeys([*reading.critical_keywords, *find_critical_keywords(text)]))
    feeling = reading.emotion
    return Understanding(
        text=text,
        intent=intent,  # type: ignore[arg-type]  # one of INTENTS: the reading's own or a fixed one above
        confidence=confidence,
        intents=[
            IntentScore(intent=part.intent.value, confidence=confidence, segment=part.segment)
            for part in reading.intents
        ],
        entities=entities,
        emotion=Emotion(
            anger=_within(feeling.anger, 0.0, 1.0),
            frustration=_within(feeling.frustration, 0.0, 1.0),
            sarcasm=_within(feeling.sarcasm, 0.0, 1.0),
            urgency=_within(feeling.urgency, 0.0, 1.0),
            sentiment=_within(feeling.sentiment, -1.0, 1.0),
        ),
        language=reading.language or "en",
        critical_keywords=keywords,
        human_requested=reading.human_requested or human_requested(text),
    )


def _within(value: float, low: float, high: float) -> float:
    return min(max(float(value), low), high)


def _checked_entities(entities: Entities, text: str) -> Entities:
    """The model's entities with the identifiers the message spells out (order ids, emails, zip codes) read by
    pattern as well: a look-up needs them exactly as written, normalised the way the tools expect."""
    spelled = shared_entities(text)
    # An order named as where an address comes from is that address, not an order to act on (as the pattern reader).
    source = address_source(text)
    # So is an order set aside ("not #W2", "anything but #W2"): no order to act on, whatever the model read.
    aside = {source, *orders_set_aside(text)}
    return entities.model_copy(
        update={
            "order_ids": list(dict.fromkeys([*spelled.order_ids, *(o for o in entities.order_ids if o not in aside)])),
            "emails": list(dict.fromkeys([*spelled.emails, *(email.lower() for email in entities.emails)])),
            "zip_codes": list(dict.fromkeys([*entities.zip_codes, *spelled.zip_codes])),
        }
    )


def _order_id(raw: str) -> str:
    return "#" + raw.replace("#", "").replace(" ", "").upper()
