"""Understanding through a chat model's structured output, with the local analyser as the safety net.

The model only classifies and extracts; what the graph does with the result (escalation, tools) stays in code. Any
failure (network, refusal, invalid JSON) falls back to the local engine and says so in `emotion.signals`, so a flaky
endpoint degrades answers instead of breaking the conversation.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from graph.nlu.keywords import find_critical_keywords, human_requested
from graph.nlu.local import get_local_understanding
from graph.nlu.schema import INTENTS, Understanding

logger = logging.getLogger(__name__)

FALLBACK_SIGNAL = "llm_fallback"

SYSTEM_PROMPT = f"""You analyse one message from a customer of an online shop and fill the Understanding schema.
intent: exactly one of {", ".join(INTENTS)}.
- order_status includes tracking; change_order covers items, variants and payment method of an order;
  change_address covers an order's shipping address and the default address; refund_policy covers return and refund
  rules; verify_identity is a bare email, name + zip, or order id given in reply to a question; affirm/deny are yes/no
  answers to a confirmation question; out_of_scope is anything a shop cannot help with.
confidence: your probability (0..1) that the intent is right.
intents: one entry per separate request when the message asks for several things, first request first.
entities: order ids normalised to start with '#', e.g. '#W1234567'; emails lower-case; amounts like '49.99 USD';
  reasons as snake_case codes such as no_longer_needed, ordered_by_mistake, damaged, wrong_size.
emotion: anger, frustration, sarcasm, urgency in 0..1 and sentiment in -1..1; read sarcasm as negative.
language: ISO 639-1 code. critical_keywords: canonical phrases among formal complaint, cancel subscription,
legal action, chargeback, fraud, data protection, consumer protection, police.
human_requested: true only if the customer asks for a person.
Earlier messages from the same customer are context only; analyse the last message."""


async def analyse_with_llm(model: BaseChatModel, text: str, history: Sequence[str]) -> Understanding:
    """Understanding of `text` from `model`; the local analyser answers whenever the model cannot."""
    context = "\n".join(f"- {message}" for message in history[-4:]) or "(none)"
    messages = [
        SystemMessage(content=SYSTEM_PROMPT),
        HumanMessage(content=f"Earlier messages:\n{context}\n\nMessage to analyse:\n{text}"),
    ]
    try:
        result = await model.with_structured_output(Understanding).ainvoke(messages)
        understanding = result if isinstance(result, Understanding) else Understanding.model_validate(result)
    except Exception as error:  # any model failure must degrade to the local engine, never crash
        logger.warning("LLM understanding failed, using the local engine: %s", error)
        local = get_local_understanding().analyse(text, history)
        local.emotion.signals.append(FALLBACK_SIGNAL)
        return local
    # Safety-relevant flags are also checked by pattern: a model that misses "chargeback" must not skip escalation.
    keywords = list(dict.fromkeys([*understanding.critical_keywords, *find_critical_keywords(text)]))
    return understanding.model_copy(
        update={
            "text": text,
            "critical_keywords": keywords,
            "human_requested": understanding.human_requested or human_requested(text),
        }
    )
