"""Gate: decide where this turn goes — a person, the tools, the knowledge, or straight to an answer."""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from langgraph.runtime import Runtime

from graph.casefile import last_bot_text
from graph.context import Context
from graph.dialogue_state import DialogueUpdate, QueuedRequest, apply_update
from graph.llm.dialogue.feedback import is_remark, remark_kind
from graph.llm.dialogue.identity import gives_identity
from graph.llm.dialogue.intent import (
    active_intent,
    asks_for_the_list,
    fills_awaited_slot,
    general_question,
    is_continuation,
    leaves_out_some_items,
    names_their_order,
    read_from_the_words,
)
from graph.llm.dialogue.method_identity import asks_if_the_same
from graph.llm.dialogue.names import CHANGE_PAYMENT, CUSTOMER_DETAILS, IDENTIFY, ITEM_PROBLEM, PERSONAL_INTENTS
from graph.llm.dialogue.other_requests import (
    _orders_of,
    other_requests,
    queue_beside,
    same_request,
    served_before,
    takes_back,
    words_beside,
    yes_and_other_requests,
)
from graph.llm.dialogue.plan import customer_turns, last_text
from graph.llm.dialogue.proposal_facts import (
    check_facts,
    checks_only_items,
    checks_the_proposal,
    keeps_what_they_have,
    no_to_something_else,
    puts_off,
    turns_down,
    yes_stands,
)
from graph.llm.dialogue.proposal_items import proposed_items
from graph.llm.dialogue.reading import reads_as_shop_procedure, serves
from graph.llm.dialogue.refund_rules import allows, describes_pending_return, rules_question
from graph.llm.dialogue.repair import corrected_request, restates_the_proposal, wants_another_version
from graph.llm.matching import options_in, payment_mention, refuses_a_method, wished_options
from graph.locale import speaker_of
from graph.nlu.absent_values import without_absent_values
from graph.nlu.acts import first_named_act
from graph.nlu.address_source import orders_set_aside
from graph.nlu.confirmation import (
    asks_about_payment_methods,
    drops_the_request,
    gives_a_yes,
    gives_a_yes_on_a_condition,
    holds_back,
    kept_things,
    mentions_payment_methods,
    only_acknowledges,
    turns_down_every_act,
    withdraws_from_the_order,
)
from graph.nlu.drops import asks_to_cancel, dropped_requests, drops_one_request
from graph.nlu.entities import shared_entities
from graph.nlu.escalation import ConversationFacts, EscalationPolicy, decide_escalation, offers_a_person
from graph.nlu.general import (
    asks_about_progress,
    asks_about_the_rules,
    asks_for_the_choices,
    asks_in_general,
    asks_something,
    asks_without_a_request,
    hangs_on_the_shop,
)
from graph.nlu.order_questions import asks_about_their_order
from graph.nlu.payment_words import METHOD_NAMES, OTHER_WAYS_TO_PAY
from graph.nlu.schema import PRODUCT_INTENTS
from graph.nlu.segment import sentences, split_requests
from graph.nlu.what_was_done import asks_what_was_done
from graph.nodes.common import context_of, services_of
from graph.nodes.understand import understanding_of
from graph.procedures.loader import procedures_for
from graph.services import Services
from graph.state import HUMAN_HELD, Repair, Route, Status, SupportState
from shopdesk.i18n import _, speaker, speaking
from shopdesk.profile import ShopProfile

SMALL_TALK = frozenset({"greeting_thanks", "feedback", "affirm", "deny"})
# What the bot answers while a case waits for the team out of hours: reads and the shop's rules, no writes.
WHILE_WAITING_INTENTS = frozenset(
    {
        "order_status",
        "refund_status",
        "refund_policy",
        "delivery_options",
        "product_question",
        "product_recommendation",
        "invoice",
    }
)


def escalation_policy(runtime: Runtime[Context], services: Services) -> EscalationPolicy:
    context = context_of(runtime)
    values = services.profile.escalation.model_dump()
    if context.confidence_threshold is not None:
        values["confidence_threshold"] = context.confidence_threshold
    if context.emotion_threshold is not None:
        values["emotion_threshold"] = context.emotion_threshold
    return EscalationPolicy.model_validate(values)


def opening_text(moment: datetime, language: str) -> str:
    """When the team is back, as the customer's language says it (the language of the handoff message it goes in)."""
    # Aware datetimes of one instant are equal whatever their zone: the zone's name and offset are part of the key.
    return _opening_text(moment, moment.tzname(), moment.utcoffset(), language)


# Every turn while the team is away words the same opening: each wording is made once.
@functools.lru_cache(maxsize=64)
def _opening_text(moment: datetime, zone_name: str | None, offset: timedelta | None, language: str) -> str:
    time, zone = moment.strftime("%H:%M"), moment.strftime("%Z")
    with speaking(speaker(language)) as say:
        return _("{weekday} at {time} ({zone})", weekday=say.weekday(moment), time=time, zone=zone)


def conversation_facts(state: SupportState, services: Services, intent: str | None = None) -> ConversationFacts:
    team = services.profile.human_team
    # The shop's clock, like every other date the bot reasons about: a shop (or a test) frozen at a Sunday morning
    # has its team off duty whatever the real time. A naive time is the machine's local time.
    now = services.settings.now().astimezone()
    open_now = team.is_open(now)
    # When the team is back is said only while it is away (customer_message): at work, it is not worded at all.
    next_open = None if open_now else team.next_open(now)
    # The language the rest of the reply speaks: a short German "versehentlich bestellt" reads as no language alone.
    language = speaker_of(state, services.profile).locale
    return ConversationFacts(
        clarifications_asked=state.clarifications,
        # Failure counts for the need this message is about: a new question after two misses is a new start.
        unresolved_repeats=state.unresolved.get(intent, 0) if intent else max(state.unresolved.values(), default=0),
        order_total=state.dialogue.get("slots", {}).get("order_total"),
        customer_tier=(state.customer or {}).get("tier"),
        business_hours_open=open_now,
        next_open=opening_text(next_open, language) if next_open else None,
        # A reply that put a proposal to the customer asks for a yes to it: a "yes" then is for the proposal, whatever
        # the reply also said about a colleague.
        person_offered=state.status != Status.awaiting_confirmation and offers_a_person(last_bot_text(state)),
        answers_our_question=bool(state.dialogue.get("awaiting")) and is_continuation(state),
        names_the_method_asked_for=state.dialogue.get("awaiting") == "payment_method"
        and bool(payment_mention(last_text(state), asked=True)),
        language=language,
    )


def asks_about_methods_in_a_question(text: str) -> bool:
    """A sentence of the message asks something about payment methods ("are both of those credit cards?"). A choice
    beside a question about something else ("paypal please. and it's still the leather strap?") asks nothing about
    them, nor does a question beside a choice said plainly ("ok the gift card. is that even enough?"): the choice is
    taken, and what comes next (the proposal, or why that method can't pay) answers the question. A method turned
    away ("I don't want paypal. What else do I have?", "not paypal. which other ones are there?") is no choice: the
    question beside it asks for the others, whatever words it uses."""
    parts = sentences(text)
    if any(not asks_something(sentence) and payment_mention(sentence) for sentence in parts):
        return False
    if refuses_a_method(text) and any(asks_something(sentence) for sentence in parts):
        return True
    return any(asks_something(sentence) and mentions_payment_methods(sentence) for sentence in parts)


def names_one_method(text: str) -> bool:
    """The message names one payment method (by id, brand, last digits...), not just a kind ("credit cards")."""
    return bool(set(payment_mention(text) or {}) - {"kind"})


async def names_a_product(state: SupportState, intent: str, services: Services) -> bool:
    """A product question (by its best guess) that names one of the shop's products or a kind of product it sells."""
    if intent not in PRODUCT_INTENTS:
        return False
    from knowledge.product_answers import mentions_catalog

    # The name list is cached, but refreshed from the database now and then.
    return await services.run_blocking(mentions_catalog, services.db_url, last_text(state))


async def answers_while_waiting(state: SupportState, runtime: Runtime[Context]) -> bool:
    """Out of hours, a case waits in the queue until the team is back; until a person has answered, the bot still
    answers what needs nobody's judgement (where an order is, the rules), and the case stays in the queue."""
    if state.status != Status.waiting_human:
        return False
    services = await services_of(runtime)
    if services.profile.human_team.is_open(services.settings.now().astimezone()):
        return False
    intent = active_intent(state, services.profile)
    if intent not in WHILE_WAITING_INTENTS:
        return False
    understanding = understanding_of(state)
    facts = conversation_facts(state, services, intent)
    decision = decide_escalation(understanding, escalation_policy(runtime, services), facts)
    return not decision.escalate and not decision.clarify


def _asks_what_the_documents_answer(state: SupportState) -> bool:
    """A question in form about how the shop works, in the words of its rules (shipping, returns, refunds,
    warranty, payment; a German one read through the glossary), that names none of the customer's orders and
    answers nothing we asked: the documents answer it ("how many days do I have to report a damaged parcel?",
    "Liefert ihr nach Norwegen?"), so not knowing which procedure it would start is no reason to ask what it is
    about."""
    from graph.nlu.entities import shared_entities
    from knowledge.glossary import in_document_language
    from knowledge.product_answers import POLICY

    if is_continuation(state) or state.dialogue.get("awaiting"):
        return False
    said = last_text(state)
    if shared_entities(said).order_ids or asks_about_progress(said):
        return False
    read = in_document_language(said)
    # Its form is read in its own words too: a German yes/no question opens with its verb and "ihr" or "Sie", which
    # the glossary reads as "you" ("Akzeptiert ihr Klarna?").
    asked = asks_about_the_rules(read) or asks_about_the_rules(said)
    if not (asked and (POLICY.search(read) or _RULE_WORDS.search(read))):
        return False
    # A German question keeps its own word order after the glossary: what is theirs is read by its possessives.
    return not _GERMAN_OWN.search(said) if read != said else asks_in_general(said)


# What the shipping and returns documents speak of beyond the procedures' names, and the ways to pay the payment
# page names, accepted or not ("Akzeptiert ihr Klarna?").
_RULE_WORDS = re.compile(
    r"\b(?:parcels?|packages?|damaged|carriers?|couriers?|customs|duties|tracking|business\s+days|warehouse"
    rf"|countries|abroad|internationally|{METHOD_NAMES}|{OTHER_WAYS_TO_PAY})\b",
    re.IGNORECASE,
)
_GERMAN_OWN = re.compile(r"\b(?:mein|meine[mnrs]?|unser|unsere[mnrs]?|ich\s+habe\s+\w+\s+bestellt)\b", re.IGNORECASE)


def _answered_with_the_rest(segment: str) -> bool:
    """A question about the rules that names none of the customer's orders: the knowledge's answer to the message
    answers it too."""
    from graph.nlu.entities import shared_entities

    return asks_about_the_rules(segment) and not shared_entities(segment).order_ids


def _asks_on_the_way(state: SupportState, intent: str, profile: ShopProfile | None) -> bool:
    """At a proposal, a question that asks us to do nothing new ("and the refund would be store credit, right?"):
    asked on the way to the yes, whatever the intent model makes of its words, unless it is about another order or
    starts another write ("can I cancel it instead?" is a move away from the proposal, not a question about it)."""
    if not asks_without_a_request(last_text(state)):
        return False
    pending = state.pending_action or {}
    own = str((pending.get("args") or {}).get("order_id") or "").lstrip("#").upper()
    named = {str(o).lstrip("#").upper() for o in understanding_of(state).entities.order_ids}
    if own and named - {own}:
        return False
    procedures = procedures_for(profile)
    asked, in_hand = procedures.for_intent(intent), procedures.for_intent(state.dialogue.get("intent"))
    return asked is None or asked.end.write is None or asked is in_hand


def _takes_back_one_of_theirs(state: SupportState) -> bool:
    """ "Forget the payment switch": the message takes back a request we have, in hand or waiting, and is clear
    enough for that (whatever the intent model makes of the rest)."""
    dropped = dropped_requests(last_text(state))
    ours = [str(r.get("intent")) for r in state.dialogue.get("queued") or []] + [str(state.dialogue.get("intent"))]
    return any(takes_back(dropped, one) for one in ours)


def _still_waiting(state: SupportState, dropped: list[str]) -> list[QueuedRequest]:
    """The queued requests the message does not take back."""
    return [r for r in state.dialogue.get("queued") or [] if not takes_back(dropped, str(r.get("intent")))]


def _drops_the_one_in_hand(state: SupportState) -> bool:
    """ "Never mind" takes back the request in hand, unless it names another one ("never mind the payment change"
    while we ask about an item: the payment change is dropped, the item change goes on)."""
    text = last_text(state)
    dropped = dropped_requests(text)
    if dropped:
        return takes_back(dropped, str(state.dialogue.get("intent") or ""))
    # "Keep it black but in a 10": an option the item does not have yet, said with it, answers our question; its own
    # ("never mind, I'll keep my 1000ml one") is what they keep, and the drop stands.
    values, theirs = state.dialogue.get("slots", {}).get("option_values") or {}, _options_in_hand(state)
    # "I don't see a green one there. Never mind, I'll keep it": a value noted as missing from the list is no wish.
    wishing = without_absent_values(text)
    named = {
        key: value
        for key, value in understanding_of(state).entities.options.items()
        if wishing == text or str(value).lower() in wishing.lower()
    }
    said = {**named, **options_in(wishing, values, theirs)}
    return not wished_options(said, theirs)


# The steps of a request that wait for a detail of it; identity and "what is this about?" have their own readers.
_NOT_A_DETAIL = (None, "identity", "stronger_identity", "clarification")


def _asks_at_a_pending_step(state: SupportState, intent: str, profile: ShopProfile | None) -> bool:
    """While we wait for a detail of the request in hand (a reason, an item, an option), a question about how the
    shop works, or what the customer would do hanging on one ("if you price match I'll keep it"), that answers
    nothing we asked, names no other order and starts no other write: a digression. The request and our question
    stay."""
    awaiting = state.dialogue.get("awaiting")
    in_hand = state.dialogue.get("intent")
    if awaiting in _NOT_A_DETAIL or not in_hand or state.pending_action:
        return False
    said = last_text(state)
    conditional = hangs_on_the_shop(said)
    if not conditional and not (asks_about_the_rules(said) and asks_without_a_request(said)):
        return False
    if asks_for_the_choices(said):
        return False  # "what are my options?": our own question asked again (`is_continuation`)
    if intent == in_hand and not conditional:
        # The request in hand reads the question as its own ("is there a reset I could try?" while we ask refund or
        # new one: the item problem answers it from the item): its procedure answers it.
        return False
    understanding = understanding_of(state)
    if asks_for_the_list(state, understanding.intent) or asks_about_progress(said) or names_their_order(state):
        return False  # "which of my orders are still pending?": their own orders, read from their data
    entities = understanding.entities
    if fills_awaited_slot(str(awaiting), entities.model_dump(), said, state.dialogue.get("slots")) and not conditional:
        return False  # "no longer needed - how long does the refund take?" answers us; the question comes after
    own = str(state.dialogue.get("slots", {}).get("order_id") or "").lstrip("#").upper()
    if {str(o).lstrip("#").upper() for o in entities.order_ids} - {own}:
        return False
    procedures = procedures_for(profile)
    asked, current = procedures.for_intent(intent), procedures.for_intent(in_hand)
    return conditional or asked is None or asked.end.write is None or asked is current


def _asks_a_write_on_another_order(state: SupportState, intent: str, profile: ShopProfile | None) -> bool:
    """ "Leave that order as it is and cancel #W5282037 instead": the message asks a write the shop serves on an order
    of its own, not the one in hand. That request is processed; the one in hand is not merely dropped."""
    procedures = procedures_for(profile)
    asked = procedures.for_intent(intent)
    if asked is None or asked.end.write is None or not serves(intent, profile):
        return False
    own = str(state.dialogue.get("slots", {}).get("order_id") or "").lstrip("#").upper()
    named = {str(o).lstrip("#").upper() for o in understanding_of(state).entities.order_ids}
    return bool(named - {own})


def _keeps_what_it_names(said: str, products: list[str]) -> bool:
    """ "Never mind, I'll keep the kettle", "I'm keeping the lamp and everything else": the items the message names
    are what the customer keeps, not items to act on (the intent model reads an item change in the item's name), or
    the whole order is left as it is."""
    if withdraws_from_the_order(said, products):
        return True
    kept = kept_things(said)
    return bool(kept) and all(any(p in k or k in p for k in kept) for p in products)


def _acted_on(said: str, products: list[str]) -> list[str]:
    """The products a message names that it does not keep ("I changed my mind, I'm keeping my bottle" acts on none)."""
    kept = kept_things(said)
    return [p for p in products if not any(p in k or k in p for k in kept)]


def _options_in_hand(state: SupportState) -> dict[str, Any]:
    """The options of the item we ask about, as the customer has it (none when we do not know which item)."""
    slots = state.dialogue.get("slots", {})
    item_id = slots.get("item_id")
    held = [item for item in slots.get("order_items") or [] if item_id and item.get("item_id") == item_id]
    return dict(held[0].get("options") or {}) if held else {}


def _asks_about_the_order_in_hand(state: SupportState) -> bool:
    """ "What's in that order again?", "which card did I pay with?" about the order the conversation is on (no other
    order named): answered from the order, and whatever waits (a proposal, our question) keeps waiting."""
    pending = (state.pending_action or {}).get("args") or {}
    own = str(pending.get("order_id") or state.dialogue.get("slots", {}).get("order_id") or "")
    named = {str(o).lstrip("#").upper() for o in understanding_of(state).entities.order_ids}
    if not state.customer or not (own or len(named) == 1) or (own and named - {own.lstrip("#").upper()}):
        return False
    return asks_about_their_order(last_text(state)) is not None


def _their_methods(state: SupportState, services: Services) -> list[dict[str, Any]]:
    """The verified customer's payment methods as the shop has them now (none when the read fails)."""
    from tools.base import ToolContext, ToolError
    from tools.registry import call_read_tool

    customer = str((state.customer or {}).get("id") or "")
    if not customer:
        return []
    context = ToolContext(
        db_url=services.db_url, profile=services.profile, conversation_id="proposal-check", customer_id=customer
    )
    try:
        found = call_read_tool(CUSTOMER_DETAILS, context, {})
    except ToolError:
        return []
    return list(found.get("payment_methods") or []) if isinstance(found, dict) else []


# The repairs that answer a question at a proposal and put the proposal again.
_ANSWERS_AT_A_PROPOSAL = frozenset(
    {Repair.digression, Repair.payment_question, Repair.order_question, Repair.rules_question, Repair.proposal_fact}
)


async def gate(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    decided = await _gate(state, runtime)
    if decided.get("repair") in _ANSWERS_AT_A_PROPOSAL and state.pending_action and "pending_action" not in decided:
        # The proposal waits after an answer: the next "ok thanks" is read as taking in the answer (see _gate).
        answered: DialogueUpdate = {"answered_turn": customer_turns(state.messages)}
        decided["dialogue"] = {**(decided.get("dialogue") or {}), **answered}
    return decided


async def _gate(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    if state.status in HUMAN_HELD and not await answers_while_waiting(state, runtime):
        # While a person holds the conversation, the customer's messages go to that person, not the bot.
        return {"route": Route.handoff}

    understanding = understanding_of(state)
    services = await services_of(runtime)
    signed_in = context_of(runtime).customer_id
    if state.customer is None and signed_in:
        # A storefront customer is known before act loads their record: the reading of the message may rely on it.
        state = replace(state, customer={"id": signed_in})
    intent = active_intent(state, services.profile)
    facts = conversation_facts(state, services, intent)  # the profile loaded its time zone already: no file I/O here
    # A general question on a personal topic ("how long does a refund take?") is for the knowledge, not the tools.
    general = general_question(state, intent)
    if general:
        # It is about the rules, not about an order: no order's value, nor the customer's tier, is at stake.
        facts = facts.model_copy(update={"order_total": None, "customer_tier": None})
    decision = decide_escalation(understanding, escalation_policy(runtime, services), facts)
    unsure = decision.clarify or decision.reasons == ["low_confidence"]
    rules_asked = False
    waiting_for_a_yes = bool(state.pending_action) and state.status == Status.awaiting_confirmation
    # A request waiting in line put ahead of the proposal ("do the payment switch first": graph.nodes.understand
    # takes its words up for this turn): the proposal is not answered, it lapses below and its request waits.
    put_ahead = waiting_for_a_yes and bool(state.request_text)
    proposing = waiting_for_a_yes and not put_ahead
    items = proposed_items(state) if proposing else ()
    # "Still the 1.5 liters one, right?": a value of the proposal's items supposed in a question checks it, it
    # corrects nothing (a value other than the proposal's is told as such, below, and nothing is written).
    # "I'll keep the kettle and everything else. No return or exchange.", "I don't want to return anything": said of
    # the acts themselves, a no to whatever is proposed. The act named in it is what they decline, never a
    # correction of the proposal's kind, and nothing else is proposed in its place.
    withdrawn = proposing and (
        turns_down_every_act(last_text(state))
        or withdraws_from_the_order(last_text(state), understanding.entities.products)
    )
    corrected = (
        corrected_request(state)
        if proposing and not withdrawn and not checks_only_items(last_text(state), items)
        else None
    )
    if unsure and (
        is_continuation(state)
        or corrected is not None
        or (proposing and checks_the_proposal(last_text(state), items))
        or asks_for_the_list(state, understanding.intent)
        or await names_a_product(state, understanding.intent, services)
        or reads_as_shop_procedure(state, services.profile)
        or intent == ITEM_PROBLEM
        or (intent is not None and intent == first_named_act(last_text(state)))
        or read_from_the_words(state, intent)
        or _takes_back_one_of_theirs(state)
        or (intent == wants_another_version(state) and intent is not None)
        or (intent == IDENTIFY and not state.customer and gives_identity(understanding.entities.model_dump()))
        or (rules_asked := _asks_what_the_documents_answer(state))
    ):
        # An answer to our own question ("by mistake", an email) or a correction of our proposal ("not PayPal, my
        # visa", "not a return, an exchange") is understood through what we asked or proposed; a
        # request for the list of one's orders, the request just done asked again for another order, a question
        # about one of their orders picked by what it holds, a product question that names a product of the
        # catalog, or a message close to an example of the shop's own procedures, a fault told plainly ("it won't
        # turn on"), a request taken back by name, or an item of the order in hand said as it should be ("the chair
        # should be leather"), is clear enough to act on; so is a check of the proposal's own total or method ("it's
        # $52.01 in all?"), read against the proposal. Who they are, told beside words we are unsure of, is checked
        # first: the question what they want can wait for an account to ask it about.
        decision = decision.model_copy(update={"escalate": False, "clarify": False, "reasons": []})
    if rules_asked:
        # Whatever the intent model made of it, a question about the shop's rules is the documents' to answer, for
        # anyone: no order to pick and no one to verify.
        general = True
    base: dict[str, Any] = {"status": Status.bot} if state.status == Status.resolved else {}
    if state.clarifications and not (decision.clarify or "low_confidence" in decision.reasons):
        # Understood: the clarifying question did its work. A later unclear message is a new start with a question of
        # its own, not proof that the bot has run out of moves.
        base["clarifications"] = 0
    if decision.escalate:
        return {
            **base,
            "route": Route.escalate,
            "escalation": {
                "reasons": list(decision.reasons),
                "priority": decision.priority,
                "customer_message": decision.customer_message,
                "evidence": [t.model_dump() for t in decision.evidence],
                "approval": [t.model_dump() for t in decision.approval],
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
            },
        }

    if state.status == Status.awaiting_approval:
        return {**base, "route": Route.request_approval}

    said = last_text(state)
    if proposing and (kept := _waiting_orders_set_aside(state, said)) is not None:
        # "Don't cancel #W2, just the first" while #W1's cancellation is proposed and #W2's waits: the proposal
        # stands (put again, or carried out on a yes said beside: "yes, but not #W2"), the request waiting for the
        # order set aside is dropped. Nothing is written for it.
        assert state.pending_action is not None  # proposing says so
        action = str(state.pending_action.get("name") or "")
        kept_waiting: DialogueUpdate = {"queued": kept}
        if (understanding.intent == "affirm" or gives_a_yes(said, action)) and not asks_something(said):
            needs = state.pending_action["preview"].get("needs_approval")
            return {**base, "route": Route.request_approval if needs else Route.execute, "dialogue": kept_waiting}
        return {**base, "route": Route.draft, "dialogue": kept_waiting}
    # A no read by the model is no no to the proposal when it is said of anything more ("nope, that's everything -
    # how long does the refund take?"): it answers an "anything else?", and the customer asks on.
    # "No, I'll keep the white one after all" at a proposal is a no however the model reads it (the item stays).
    keeps = proposing and keeps_what_they_have(said, str((state.pending_action or {}).get("name") or ""))
    denied = withdrawn or ((understanding.intent == "deny" or keeps) and not (proposing and no_to_something_else(said)))
    # A check of the proposal's own figures or method ("the refund goes back to my amex? then yes") is the
    # proposal's to answer, below, before any question of the shop's rules.
    checks_proposal = proposing and checks_the_proposal(said, items)
    rules = rules_question(said) if not corrected and not denied and not checks_proposal else None
    # Where a refund goes and how long it takes, asked outside any request, are the knowledge's (its documents say
    # so with their own citation); during a request they are answered from the profile and the order in focus.
    in_a_request = proposing or bool(state.dialogue.get("intent"))
    if rules is not None and asks_without_a_request(said) and (rules.asked == "condition" or in_a_request):
        # "Can I still get a full refund though I rode it once?", "will the refund go to my paypal?": answered from the
        # shop's own rules. A proposed return the rule does not allow lapses (nothing is returned against the rules);
        # otherwise the proposal, or the question we were waiting on, is put again.
        answered: dict[str, Any] = {**base, "route": Route.draft, "repair": Repair.rules_question}
        pending = str((state.pending_action or {}).get("name") or "")
        if proposing and describes_pending_return(pending) and not allows(rules, services.profile):
            withheld: DialogueUpdate = {
                "intent": None,
                "awaiting": None,
                "notice": {"code": "return_withheld"},
                "notice_turn": customer_turns(state.messages),
            }
            answered.update(pending_action=None, status=Status.bot, dialogue=withheld)
        return answered
    if put_ahead:
        # Nothing is written on it: its request waits first in line (the queue understand left), and this turn
        # serves the one put ahead.
        lapsed_for_now: DialogueUpdate = {"awaiting": None, "intent": None}
        base.update(pending_action=None, status=Status.bot, dialogue=lapsed_for_now)
    if proposing:
        assert state.pending_action is not None  # proposing says so
        action = str(state.pending_action.get("name") or "")
        if not corrected and checks_proposal:
            # "$52.01 is everything? then yes", "no, not yet - that goes to my paypal?": checks of the proposal's
            # own figures or method, answered from it. A yes given on checks that all hold is a yes to exactly
            # what was shown; otherwise (a no, a "not yet", a check that fails or can't be told) the proposal
            # keeps waiting and is asked again in one line.
            methods = await services.run_blocking(_their_methods, state, services)
            checks = check_facts(said, state.pending_action["preview"], methods, items)
            if checks is not None:
                if not denied and yes_stands(said, action, checks):
                    needs = state.pending_action["preview"].get("needs_approval")
                    return {**base, "route": Route.request_approval if needs else Route.execute}
                return {**base, "route": Route.draft, "repair": Repair.proposal_fact}
        # "No, not yet - how long does the refund take?": put off, not turned down; the question is answered and
        # the proposal keeps waiting.
        # A no, read by the model or opening the words ("no, forget it. how long do refunds take?"), turns the
        # proposal down: it lapses and the question is answered on its own.
        not_a_no = (not denied and not turns_down(said, action)) or puts_off(said)
        also = [] if corrected else yes_and_other_requests(state, understanding.intent, action)
        if also and all(serves(request["intent"], services.profile) for request in also):
            # "Yes go ahead. Also cancel #W2, I ordered it by mistake": the yes is given whole before the other
            # request begins. The proposal is carried out, and each new request waits for its own turn.
            needs = state.pending_action["preview"].get("needs_approval")
            queued = list(state.dialogue.get("queued") or [])
            for request in also:
                queued = queue_beside(queued, request)
            waits: DialogueUpdate = {"queued": queued}
            return {**base, "route": Route.request_approval if needs else Route.execute, "dialogue": waits}
        if not corrected and not_a_no and _asks_about_the_order_in_hand(state):
            return {**base, "route": Route.draft, "repair": Repair.order_question}
        if (asks_about_payment_methods(said) or asks_if_the_same(said)) and not_a_no and not corrected:
            # "Which cards do I have on file?", "is the visa ending 7285 my credit card?": a question on the way to
            # the yes, not a change. It is answered from the customer's own data and the proposal keeps waiting.
            # ("Not that one, my other card: which do I have?" changes the proposal: the new one lists them.)
            return {**base, "route": Route.draft, "repair": Repair.payment_question}
        # A yes in a longer reply counts ("yep that's the one, the gift card is fine, go ahead"), unless the reply
        # changes a detail of the proposal (read by corrected_request) or asks something.
        # The words never overrule a no: a reply read as "deny" (by the intent model or the LLM's reading of the
        # proposal) is a no, whatever assent it opens with.
        # A yes on a condition ("ok, if any charge is under $20") is held back below and the proposal put again.
        yes_words = understanding.intent == "affirm" or (
            not denied and (gives_a_yes(said, action) or gives_a_yes_on_a_condition(said, action))
        )
        digression = (
            not corrected
            and not_a_no
            and (asks_about_the_rules(said) or _asks_on_the_way(state, intent, services.profile))
        )
        if digression and payment_mention(said):
            # "Cool, is mastercard 4629 my credit card 2327218?": a question about their payment methods.
            return {**base, "route": Route.draft, "repair": Repair.payment_question}
        if digression:
            # "Will I get an email?", "before I say yes, is it complicated?", "is that the cheaper one?": a question
            # on the way to the yes, not a move away from it. It is answered (the knowledge, the proposal's own
            # lines), and the proposal keeps waiting and is put again.
            return {**base, "route": Route.retrieve, "repair": Repair.digression}
        dropped = dropped_requests(said)
        if (
            not corrected
            and dropped
            and not takes_back(dropped, str(state.dialogue.get("intent") or ""))
            and len(_still_waiting(state, dropped)) < len(state.dialogue.get("queued") or [])
            and all(drops_one_request(part) for part in split_requests(said))
        ):
            # "Actually forget the cancellation" while the return is proposed and the cancellation waits: the
            # waiting one is taken back, and the proposal (a request they still want) stands and is put again.
            return {**base, "route": Route.draft, "dialogue": {"queued": _still_waiting(state, dropped)}}
        just_answered = state.dialogue.get("answered_turn") == customer_turns(state.messages) - 1
        if not corrected and not denied and only_acknowledges(said) and (just_answered or not yes_words):
            # "Thanks", "ok, got it": said to the answer just given to their question (no yes to the proposal even
            # when it opens with "ok"), or taking in the proposal without a yes or a no. The proposal is not moved
            # away from: it stands, and is put again in one line after the thanks is returned.
            return {**base, "route": Route.draft, "repair": Repair.acknowledged}
        if yes_words and not corrected:
            if asks_something(said) or holds_back(said, action):
                # "ok... actually hang on" mentions a yes without giving one: nothing is written on it. The proposal
                # stands and is put again.
                return {**base, "route": Route.draft}
            needs = state.pending_action["preview"].get("needs_approval")
            return {**base, "route": Route.request_approval if needs else Route.execute}
        if not corrected and not denied and restates_the_proposal(state):
            # "The black watch stays as it is, only the silver one changes": what the proposal does already.
            return {**base, "route": Route.draft}
        lapsed: DialogueUpdate = {"awaiting": None}
        if denied and not corrected:
            return {
                **base,
                "route": Route.draft,
                "pending_action": None,
                "status": Status.bot,
                "dialogue": {**lapsed, "intent": None},
                "repair": Repair.cancelled,
            }
        if corrected:
            # A detail of the proposal changed: the same request is planned again, with it, for a new yes.
            lapsed["intent"] = corrected
            base["repair"] = Repair.correction
        # Otherwise the customer moved on to something else. Either way the unconfirmed action lapses.
        base.update(pending_action=None, status=Status.bot, dialogue=lapsed)

    elif asks_what_was_done(said) and not any(entry.get("type") == "write" for entry in state.audit):
        # "So just to be sure: nothing has been exchanged?" after a proposal turned down: a question about this
        # conversation's own writes, and there were none. Said plainly, not read as an order's status.
        return {**base, "route": Route.draft, "repair": Repair.nothing_done}

    elif (
        state.dialogue.get("intent")
        and state.dialogue.get("slots", {}).get("order_id")
        and _asks_about_the_order_in_hand(state)
    ):
        # The same question while a request is under way: answered, and what we were asking stays asked.
        return {**base, "route": Route.draft, "repair": Repair.order_question}

    elif (
        state.customer
        and not decision.escalate
        and (
            (
                (asks_about_payment_methods(said) or asks_if_the_same(said))
                and (intent not in PERSONAL_INTENTS or intent in (CHANGE_PAYMENT, "payment_issue"))
            )
            # "Are both of those credit cards?" while we ask which method to use: a question on the way to the
            # answer, not a new request (the request and our question stay).
            or (
                state.dialogue.get("awaiting") == "payment_method"
                and asks_about_methods_in_a_question(said)
                and not names_one_method(said)
            )
        )
    ):
        # The same question with nothing proposed ("what cards do I have saved?"): answered from their profile, and
        # whatever we were asking stays asked.
        if signed_in and not (base.get("customer") or state.customer).get("verified_via"):
            # A storefront customer the act node has not loaded yet: the answer reads their profile by this id.
            base["customer"] = {"id": signed_in, "verified_via": "storefront"}
        return {**base, "route": Route.draft, "repair": Repair.payment_question}

    elif _asks_at_a_pending_step(state, intent, services.profile):
        # "Do you price match? If so I'd keep it" while we ask why they cancel: a question on the way, not the answer
        # nor a drop (what they would do hangs on the answer). It is answered, and our question is asked again.
        return {**base, "route": Route.retrieve, "repair": Repair.digression}

    elif (
        state.dialogue.get("awaiting") not in (None, "identity", "stronger_identity", "clarification")
        and state.dialogue.get("intent")
        and (
            same_request(str(intent), str(state.dialogue.get("intent")))
            or not serves(intent, services.profile)
            or _keeps_what_it_names(said, understanding.entities.products)
        )
        and drops_the_request(said)
        # "W2307204. Cancel it." at a step of a cancellation asks for it, it withdraws nothing.
        and not asks_to_cancel(said, str(state.dialogue.get("intent") or ""))
        and (
            len(_acted_on(said, understanding.entities.products)) <= 1
            or withdraws_from_the_order(said, understanding.entities.products)
        )
        and _drops_the_one_in_hand(state)
        and not leaves_out_some_items(state)
        and not _asks_a_write_on_another_order(state, intent, services.profile)
    ):
        # "I don't want a different one", "none of those", "never mind, I'll keep it" while we ask which variant or
        # item: the request is dropped, nothing is changed, and whatever they want next is theirs to say ("forget the
        # kettle, let's do the keyboard" names another item: not a drop of everything).
        return {
            **base,
            "route": Route.draft,
            "dialogue": {"intent": None, "awaiting": None},
            "repair": Repair.cancelled,
        }

    if (
        _takes_back_one_of_theirs(state)
        and all(drops_one_request(part) for part in split_requests(said))
        and not asks_to_cancel(said, str(state.dialogue.get("intent") or ""))
    ):
        # "Never mind the address change" and nothing else: that request only is dropped, nothing is changed.
        in_hand = str(state.dialogue.get("intent") or "")
        dropped = dropped_requests(said)
        dialogue: DialogueUpdate = {"queued": _still_waiting(state, dropped)}
        if takes_back(dropped, in_hand):
            dialogue["intent"], dialogue["awaiting"] = None, None
        return {**base, "route": Route.draft, "dialogue": dialogue, "repair": Repair.cancelled}

    if decision.offer_person:
        return {**base, "route": Route.draft, "repair": Repair.offer_person}

    if decision.clarify:
        return {
            **base,
            "route": Route.draft,
            "repair": Repair.clarify,
            "clarifications": state.clarifications + 1,
        }

    if (
        not proposing
        and not state.dialogue.get("awaiting")
        and not facts.person_offered
        and is_remark(understanding.intent, understanding.emotion.sentiment, said)
        and not serves(intent, services.profile)  # a fault told plainly is the item_problem procedure's
        and not other_requests(state, intent, services.profile)
    ):
        # "You should fix that checkout page", "not happy with one of my orders": a remark, not a question for the
        # knowledge. It is noted for the team and acknowledged; a complaint about an unnamed order asks what went wrong.
        # While we wait for an answer of theirs, the message answers it, whatever the intent model reads in it.
        kind = remark_kind(
            understanding.intent, understanding.emotion.sentiment, said, understanding.entities.model_dump()
        )
        note = {"by": "bot", "kind": kind, "text": said, "at": datetime.now(UTC).isoformat(timespec="seconds")}
        remark: DialogueUpdate = {
            "intent": understanding.intent,
            "awaiting": "clarification" if kind == "vague_order" else None,
            "notice": {"code": "remark", "kind": kind},
            "notice_turn": customer_turns(state.messages),
        }
        return {**base, "route": Route.draft, "repair": Repair.feedback, "notes": [note], "dialogue": remark}

    # Whatever follows our "what is this about?" answers it: that question is no longer open.
    answers_clarification = state.dialogue.get("awaiting") == "clarification"
    if serves(intent, services.profile) and not general:
        route = Route.act
    elif (
        intent == IDENTIFY
        and state.customer is None
        and (told := understanding.entities)
        and (told.emails or told.names or told.zip_codes)
    ):
        # "Hi, I'm Ethan Garcia, 80280": the look-up is a tool call, and what they need comes next.
        route = Route.act
    elif intent in SMALL_TALK and not (intent == "feedback" and asks_something(last_text(state))):
        # A question read as feedback ("when is your team reachable?", "how fast do you answer emails?") is not a
        # remark (those were acknowledged above): the documents may answer it, and say so when they do not.
        route = Route.draft
    else:
        route = Route.retrieve
    new_request = route != Route.act and intent not in ("affirm", "deny") and intent != state.dialogue.get("intent")
    if general or answers_clarification or new_request:
        # A new kind of request: the draft must not answer the previous one. Slots (the order talked about) stay.
        # A general question also drops the question we were waiting on: it is answered instead.
        base["dialogue"] = {**base.get("dialogue", {}), "intent": intent, "awaiting": None}
    dropped = dropped_requests(said)
    if dropped:
        # "Forget the payment switch, then ...": that request only is taken back, waiting or in hand.
        base["dialogue"] = {**base.get("dialogue", {}), "queued": _still_waiting(state, dropped)}
        if takes_back(dropped, str(state.dialogue.get("intent") or "")) and not takes_back(dropped, intent):
            base["dialogue"] = {**base["dialogue"], "intent": intent, "awaiting": None}
    more = other_requests(state, intent, services.profile)
    if route == Route.retrieve:
        # The knowledge answers every question of the message, in order ("Can I cancel a shipped order? Can I change
        # the address then?"): only a request to act on one of their orders waits for a turn of its own.
        more = [request for request in more if not _answered_with_the_rest(request["text"])]
    if route == Route.act and (first := served_before(state, intent, more)) is not None:
        more = _served_first(state, first, intent, more, base, services.profile)
    if more:
        # "..., and also cancel #W2": this turn serves the first request; the others wait for theirs, in order.
        waiting = list(base.get("dialogue", {}).get("queued", state.dialogue.get("queued") or []))
        # The act in hand for its other orders ("cancel #W1 and #W2") is the rest of the request in hand: it comes
        # before what was asked for earlier ("... and change something in another one"), not after it.
        same_act = [r for r in more if r.get("order_id") and r["intent"] == intent and r not in waiting]
        later = [r for r in more if r not in waiting and r not in same_act]
        queued = [*same_act, *waiting, *later]
        base["dialogue"] = {**base.get("dialogue", {}), "queued": queued}
    return {**base, "route": route}


def _served_first(
    state: SupportState,
    first: QueuedRequest,
    intent: str,
    more: list[QueuedRequest],
    base: dict[str, Any],
    profile: ShopProfile,
) -> list[QueuedRequest]:
    """ "Switch #W1 to my PayPal and swap the lamp for the blue one": the payment change is served now, on its own
    words (`request_text`, and what they name), and the item change, which would rule it out, waits first in line
    for the same order. Only when its words alone read as that request; otherwise the message is served as read."""
    words = first["text"]
    parts = {str(p.get("segment")): str(p.get("intent")) for p in state.understanding.get("intents") or []}
    said = shared_entities(words)
    items_words = words_beside(state, more)
    if not said.order_ids:
        # "For #W1 the lamp in blue. Also, can the payment method be changed to my visa?": the order is the one the
        # item change names (served_before: both are for the same order).
        said = said.model_copy(update={"order_ids": shared_entities(items_words).order_ids})
    reading = {
        **state.understanding,
        "intent": parts.get(words, state.understanding.get("intent")),
        "intents": [],
        "entities": said.model_dump(mode="json"),
    }
    # What the payment words alone would start, asked of a scratch state whose record has no request in hand.
    fresh = apply_update(state.dialogue, {"intent": None, "awaiting": None})
    now = replace(state, request_text=words, understanding=reading, dialogue=fresh)
    if active_intent(now, profile) != first["intent"]:
        return more
    rest = [r for r in more if r is not first]
    order = first.get("order_id") or next(iter(said.order_ids), None)
    if order is None:
        order = state.dialogue.get("slots", {}).get("order_id")
    waiting: QueuedRequest = {"intent": intent, "text": items_words}
    if order and not shared_entities(items_words).order_ids:
        waiting["order_id"] = str(order)
    base["request_text"] = words
    base["understanding"] = reading
    base["dialogue"] = {**base.get("dialogue", {}), "intent": None, "awaiting": None}
    return [waiting, *rest]


def _id(order_id: object) -> str:
    return str(order_id or "").lstrip("#").upper()


def _waiting_orders_set_aside(state: SupportState, said: str) -> list[QueuedRequest] | None:
    """The requests still to wait once the message sets orders aside beside the proposal ("don't cancel #W2, just the
    first", "not #W2, only this one"): those for the orders set aside are dropped. None when it sets none aside, sets
    the proposal's own order aside (a no, or a correction: other readers'), or acts on another order."""
    aside = {_id(o) for o in orders_set_aside(said)}
    if not aside:
        return None
    proposed = _id(((state.pending_action or {}).get("args") or {}).get("order_id"))
    named = {_id(o) for o in shared_entities(said).order_ids}
    if proposed in aside or named - {proposed}:
        return None
    queued = state.dialogue.get("queued") or []
    return [r for r in queued if not ((orders := {_id(o) for o in _orders_of(r)}) and orders <= aside)]
