"""Understand: what the customer's message wants, how they feel, what they named."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.runtime import Runtime

from graph.context import Context
from graph.dialogue_state import NEXT_REQUEST, DialogueUpdate, QueuedRequest
from graph.llm.dialogue.asked_before import only_says_who, request_asked, waits_for_no_answer
from graph.llm.dialogue.names import (
    CHANGE_DEFAULT_ADDRESS,
    CHANGE_ITEMS,
    CHANGE_PAYMENT,
    PERSONAL_INTENTS,
    VOUCHER_CHECK,
    WRITE_OF_REQUEST,
)
from graph.llm.dialogue.other_requests import changes_places, put_ahead
from graph.llm.dialogue.reading import serves
from graph.llm.engine import Situation, situation_of
from graph.nlu.confirmation import gives_a_yes, holds_back, yes_with_details
from graph.nlu.entities import (
    beyond_identity,
    name_in_reply,
    own_reasons,
    reasons_for_several_orders,
    shared_entities,
)
from graph.nlu.general import asks_something
from graph.nlu.precedence import put_first
from graph.nlu.schema import INTENTS, Understanding
from graph.nlu.segment import beyond_the_opening
from graph.nodes.common import context_of, customer_history, engine_of, latest_message, services_of
from graph.state import SupportState
from shopdesk.pii import mask_payment_data

log = logging.getLogger(__name__)


def _masked_last_message(state: SupportState) -> HumanMessage | None:
    """The customer's latest message with card data masked, under the same id (add_messages then replaces it), or
    None when there is nothing to mask. The API masks before a message enters the state; this covers whatever
    reaches the graph without it (Studio, `langgraph dev`, an SDK client), for the state from this step on."""
    last = state.messages[-1] if state.messages else None
    if not isinstance(last, HumanMessage) or not isinstance(last.content, str):
        return None
    masked = mask_payment_data(last.content)
    return None if masked == last.content else HumanMessage(masked, id=last.id)


async def understand(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    masked = _masked_last_message(state)
    if masked is not None:
        state = replace(state, messages=[*state.messages[:-1], masked])
    text = latest_message(state)
    history = customer_history(state)
    situation = situation_of(state)
    understanding = await _read_the_need(await _read(text, history, situation, runtime), history, situation, runtime)
    understanding = await _about_a_product(understanding, runtime)
    understanding = await _names_of_people(understanding, state, runtime)
    queued = state.dialogue.get("queued") or []
    request_text = ""
    dialogue: DialogueUpdate = {}
    ahead = put_ahead(state, put_first(text)) if state.pending_action and queued else None
    if ahead is not None:
        # "Do the payment switch first", "erst die Zahlung ändern": a request waiting in line is put ahead of the one
        # proposed. This turn works on its words, as on a yes to our offer to go on with it (below); the proposal
        # lapses (graph.nodes.gate) and its request waits first in line behind it.
        chosen, waiting = ahead
        request_text = chosen["text"]
        dialogue = {"queued": waiting}
        understanding = await _taken_up(understanding, chosen, history, runtime)
    elif queued and state.dialogue.get("awaiting") == NEXT_REQUEST:
        # We offered to go on with a request they made earlier beside another ("..., and also cancel #W2"). A yes
        # takes it up: this turn works on its words, as if they had just said them. Anything else drops the offer
        # (a no, or something new they want first: their own words lead).
        dialogue = {"awaiting": None, "queued": []}
        details = more_of_the_request(understanding, text)
        if details is not None or takes_up(understanding, text, queued[0]["intent"]):
            # "Yes please. The order is #W8296441, I no longer need it.": the request's words and what they add now.
            request_text = queued[0]["text"] if details is None else f"{queued[0]['text']}. {details}"
            dialogue = {"awaiting": None, "intent": None, "queued": queued[1:]}
            # Read on its own, as a request that opens a turn: our offer is not what it answers. How they feel and
            # what a person must see are what they said now ("sure"): the earlier words were read in their turn, and
            # read again they look like a request repeated.
            request = await _read(request_text, history, Situation(), runtime)
            said_now = {key: getattr(understanding, key) for key in _SAID_NOW}
            # The same words may name several orders: this turn is for the one it waited for, or the one the yes
            # names itself ("yes, but do #W9 instead").
            named_now = shared_entities(details).order_ids if details else []
            pinned = queued[0].get("order_id")
            if request.intent != queued[0]["intent"] and request.confidence < _SURE_ALONE and details is None:
                # "... and change the desk lamp": a part of a message, read unsure on its own, keeps the request it
                # was read as beside the rest of its message (graph.llm.dialogue.other_requests).
                said_now["intent"] = _as_read(queued[0]["intent"], request.intent)
                said_now["confidence"] = _SURE_ALONE
            if focus := named_now or ([pinned] if pinned else []):
                if pinned and not named_now:
                    # The act was read when it was asked for; read again, "And then #W2, which I no longer need"
                    # names no act.
                    said_now["intent"] = _as_read(queued[0]["intent"], request.intent)
                    said_now["confidence"] = max(request.confidence, 0.9)
                update: dict[str, Any] = {"order_ids": focus}
                if not named_now and (own := own_reasons(request_text, focus[0])):
                    # "#W1, I ordered that by mistake. And then #W2, which I no longer need": #W2's own reason.
                    update["reasons"] = own
                elif not request.entities.reasons and (shared := _reasons_said_for_several(history, queued[0]["text"])):
                    # "Ordered by mistake, that goes for both" when we asked why for the first of them: the second's
                    # reason too, not a question to put again.
                    update["reasons"] = shared
                said_now["entities"] = request.entities.model_copy(update=update)
            understanding = request.model_copy(update=said_now)
    elif (line := changes_places(state)) is not None:
        # "#W2 because I ordered it by mistake" when we asked why for #W1, #W2 waiting for the same act: #W2 is
        # worked on now (its order and reason read as usual), and #W1's request waits in its place.
        dialogue = {"queued": line}
    else:
        carried = await _asked_before_verifying(state, understanding, history, runtime)
        if carried is not None:
            understanding, dialogue = carried
    data = understanding.model_dump(mode="json")
    # The turn's intent rides along: the handoff's case reads the conversation's needs from it.
    emotion = {**data["emotion"], "turn": len(history) + 1, "intent": data["intent"]}
    updates: dict[str, Any] = {
        "understanding": data,
        "emotion_history": [emotion],
        # Per-turn working state starts empty; the conversation's memory (dialogue, customer) carries over.
        "evidence": [],
        "draft": "",
        "cited": [],
        "critique": {},
        "rewrites": 0,
        "route": "",
        "repair": "",
        "request_text": request_text,
    }
    if dialogue:
        updates["dialogue"] = dialogue
    if masked is not None:
        updates["messages"] = [masked]
    return updates


async def _taken_up(
    understanding: Understanding, chosen: QueuedRequest, history: list[str], runtime: Runtime[Context]
) -> Understanding:
    """The reading of a waiting request's own words, put ahead now: its act as it was read in its message, how the
    customer feels as they say it now."""
    request = await _read(chosen["text"], history, Situation(), runtime)
    said_now = {key: getattr(understanding, key) for key in _SAID_NOW}
    said_now["intent"] = _as_read(chosen["intent"], request.intent)
    said_now["confidence"] = max(request.confidence, _SURE_ALONE)
    if pinned := chosen.get("order_id"):
        said_now["entities"] = request.entities.model_copy(update={"order_ids": [pinned]})
    return request.model_copy(update=said_now)


async def _asked_before_verifying(
    state: SupportState, understanding: Understanding, history: list[str], runtime: Runtime[Context]
) -> tuple[Understanding, DialogueUpdate] | None:
    """ "Can the puzzle I got still be refunded?" answered from the rules, then only "I'm ana@example.com": the
    request the question names (graph.llm.dialogue.asked_before) is the one that waits for this identity, and what
    it names (the item, the order) is read beside who they are. Its words are not read again as this turn's: the
    question was answered already. None when the message says more than who they are, or the message before it
    named no request on a thing of theirs."""
    if not history or context_of(runtime).customer_id or not waits_for_no_answer(state):
        return None
    if not only_says_who(understanding):
        return None
    earlier = await _read(history[-1], history[:-1], Situation(), runtime)
    intent = request_asked(earlier)
    if intent is None or not serves(intent, (await services_of(runtime)).profile):
        return None
    # The order, options and reasons it names are read beside who they are; the items it names are kept as the
    # request's own reading keeps them (read against their orders once they may be read), with the words they were
    # named in: this message's words name none.
    named = {key: getattr(earlier.entities, key) for key in ("order_ids", "options", "reasons")}
    carried = understanding.model_copy(update={"entities": understanding.entities.model_copy(update=named)})
    slots = dict(state.dialogue.get("slots") or {})
    if earlier.entities.products:
        slots.update(products=list(earlier.entities.products), item_hint=history[-1], order_hint=history[-1])
    return carried, {"intent": intent, "awaiting": "identity", "slots": slots}


def _as_read(wanted: str, read: str) -> str:
    """The message reading that stands for a request waiting in line: the request itself when the intent model
    knows it, or the reading the policy refines into it ("change_order" for a change of payment or of items, read
    finely again from the request's words); the words' own reading for one it cannot stand for."""
    return wanted if wanted in INTENTS else _READ_AS.get(wanted, read)


# The readings the dialogue policy refines into its own finer requests (graph.llm.dialogue.reading.refine).
_READ_AS = {
    CHANGE_ITEMS: "change_order",
    CHANGE_PAYMENT: "change_order",
    CHANGE_DEFAULT_ADDRESS: "change_address",
    VOUCHER_CHECK: "discount_voucher",
}
# How sure the reading of a queued request's words alone must be to overrule what they were read as in their message.
_SURE_ALONE = 0.6
# Readings of a message that may only be its opening words ("hi!", "hope you're well", "love your shop").
_PLEASANTRIES = frozenset({"greeting_thanks", "feedback"})
# How many opening sentences may go before the need ("Hi! Hope you're well. I'd like to...").
_OPENING_SENTENCES = 2
# What a taken-up request keeps of the reply that took it up.
_SAID_NOW = ("emotion", "critical_keywords", "human_requested", "topics")


async def _read(text: str, history: list[str], situation: Situation, runtime: Runtime[Context]) -> Understanding:
    try:
        return await (await engine_of(runtime)).understand(text, history, situation)
    except Exception:
        # The model endpoint failing must not cost the customer their turn: the local analyser always works.
        log.exception("understanding failed with engine %s; using the local analyser", context_of(runtime).engine)
        from graph.nlu.local import get_local_understanding

        return await asyncio.to_thread(lambda: get_local_understanding().analyse(text, history))


async def _read_the_need(
    whole: Understanding, history: list[str], situation: Situation, runtime: Runtime[Context]
) -> Understanding:
    """ "Hi, my email is ana@example.com. How long does a refund take?": the sentence that says who they are tells
    nothing of what they want, and read with it the message is an identity. The other sentences are read for the
    need; what the whole message names, its safety keywords, a person asked for and its tone stay the whole's."""
    pleasantry = whole.intent in _PLEASANTRIES
    if not pleasantry and whole.intent != "verify_identity" and whole.confidence >= 0.6:
        return whole  # the need was read clearly already (a model engine is asked again only when it was not)
    rest = beyond_identity(whole.text, whole.entities.emails, whole.entities.zip_codes)
    if rest == whole.text and pleasantry:
        # "Hey there! Hope your day is going great :) I'd like to send back a couple of things": the opening
        # pleasantry reads as the whole; what follows it says the need, when it asks for something we do.
        found = None
        for _ in range(_OPENING_SENTENCES):
            shorter = beyond_the_opening(rest)
            if shorter == rest:
                break
            rest = shorter
            need = await _read(rest, history, situation, runtime)
            if need.intent in PERSONAL_INTENTS and need.confidence >= 0.6:
                found = need
                break
        if found is None:
            return whole
        need = found
    elif rest == whole.text:
        return whole
    else:
        need = await _read(rest, history, situation, runtime)
    return need.model_copy(
        update={
            "text": whole.text,
            "entities": whole.entities,
            "emotion": whole.emotion,
            "language": whole.language,
            "critical_keywords": whole.critical_keywords,
            "human_requested": whole.human_requested or need.human_requested,
            "topics": whole.topics,
        }
    )


# Below this confidence a reading of the need yields to the catalog's: the message names a product of the shop, and
# says it calmly (a grievance about a product stays a complaint, however unsure the reading).
PRODUCT_OVER = 0.75
# Calm as a case summary and the escalation evaluation count it: below what reads as upset (a sentence model's faint
# reading of "once it's packed down" is no grievance).
CALM = 0.3
# Readings that carry the conversation on, or that the shop's products never answer.
_NOT_A_SHOPPING_READING = frozenset({"verify_identity", "affirm", "deny", "greeting_thanks", "human_request"})


async def _about_a_product(understanding: Understanding, runtime: Runtime[Context]) -> Understanding:
    """A question the reading of the need is unsure about (or takes for out of scope) that names one of the shop's
    products and asks about it, or asks for a kind of product it sells, is a product question: "Can I order the
    Insulated Steel Bottle in 1000 ml, Glacier?" is not an exchange, whatever its words share with one."""
    from graph.nlu.schema import PRODUCT_INTENTS

    intent = understanding.intent
    unsure = understanding.confidence < PRODUCT_OVER or intent == "out_of_scope"
    feeling = understanding.emotion
    calm = feeling.sentiment >= 0 and max(feeling.anger, feeling.frustration, feeling.sarcasm) < CALM
    if intent in PRODUCT_INTENTS or intent in _NOT_A_SHOPPING_READING or not unsure or not calm:
        return understanding
    if understanding.entities.order_ids:
        return understanding
    services = await services_of(runtime)
    found = await services.run_blocking(_shopping_intent, services, understanding.text, knowledge=True)
    # A product named in a statement ("the Stormline arrived") asks nothing; a request for a kind of product may be
    # one ("I'm after a pair of waterproof pants").
    if not found or (found == "product_question" and not asks_something(understanding.text)):
        return understanding
    scores = [score.model_copy(update={"intent": found}) for score in understanding.intents[:1]]
    return understanding.model_copy(update={"intent": found, "intents": [*scores, *understanding.intents[1:]]})


async def _names_of_people(
    understanding: Understanding, state: SupportState, runtime: Runtime[Context]
) -> Understanding:
    """The names the message gives: those read from its words, or, asked for their name, the words of the answer
    that are only a name whatever their case ("yusuf jackson. already said it"); none made only of words of the
    shop's products ("hiking boots 94152" reads like a name beside a postcode, but the shop sells hiking boots)."""
    names = understanding.entities.names
    if not names and state.dialogue.get("awaiting") == "identity" and not state.customer:
        names = [found] if (found := name_in_reply(understanding.text)) else []
    if not names:
        return understanding
    services = await services_of(runtime)
    things = await services.run_blocking(_product_words, services)
    people = [name for name in names if not all(word in things for word in name.lower().split())]
    if people == understanding.entities.names:
        return understanding
    return understanding.model_copy(update={"entities": understanding.entities.model_copy(update={"names": people})})


def _product_words(services: Any) -> frozenset[str]:
    from knowledge.catalog import sqlite_file_missing
    from knowledge.product_answers import product_words

    if not services.db_url or sqlite_file_missing(services.db_url):
        return frozenset()
    return product_words(services.db_url)


def _shopping_intent(services: Any, text: str) -> str:
    from knowledge.catalog import sqlite_file_missing
    from knowledge.product_answers import catalog_facts, shopping_intent

    if not services.db_url or sqlite_file_missing(services.db_url):
        return ""
    return shopping_intent(text, catalog_facts(services.db_url), services.retriever().document_terms())


def takes_up(understanding: Understanding, text: str, request: str = "") -> bool:
    """A yes to our offer to go on with their other request ("yes please", "sure, cancel that one too"), not a yes
    that holds back, asks something first, or brings something a person must see (the message then goes its own
    way: a request for a person, a legal word, a topic that needs one)."""
    act = WRITE_OF_REQUEST.get(request, "")
    yes = understanding.intent == "affirm" or (understanding.intent != "deny" and gives_a_yes(text, act))
    escalating = understanding.human_requested or understanding.critical_keywords or understanding.topics
    return yes and not holds_back(text, act) and not asks_something(text) and not escalating


def more_of_the_request(understanding: Understanding, text: str) -> str | None:
    """A yes to our offer that goes on to say more of that request ("yes. the 34 inch one with a graphic design"):
    what it adds, unless it asks something first or brings something a person must see."""
    escalating = understanding.human_requested or understanding.critical_keywords or understanding.topics
    if escalating or asks_something(text):
        return None
    details = yes_with_details(text)
    if details is None and gives_a_yes(text) and shared_entities(text).order_ids:
        # "ugh ok. yeah do the return then. order #W1763367, the espresso machine": a yes somewhere in the reply,
        # and the order it names is the request's, whatever words come first.
        return text
    return details


def understanding_of(state: SupportState) -> Understanding:
    return Understanding.model_validate(state.understanding)


def _reasons_said_for_several(history: list[str], request: str) -> list[str]:
    """The reasons the customer last said for several orders at once, since they asked for the waiting request (its
    words are part of that message): "both" said of other orders earlier in the conversation is not said of it."""
    since = next((i for i in range(len(history) - 1, -1, -1) if request and request in history[i]), 0)
    for said in reversed(history[since:]):
        if found := reasons_for_several_orders(said):
            return found
    return []
