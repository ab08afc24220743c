"""Which request is active: the intent a message starts or continues, an answer to the slot asked for, a general
question, a request for the list of one's orders.
"""

from __future__ import annotations

import re
from typing import Any

from langchain_core.messages import ToolMessage

from graph.llm.addresses import looks_like_address, missing
from graph.llm.dialogue.cancel_reasons import gives_another_reason
from graph.llm.dialogue.identity import asks_beside_identity, gives_identity
from graph.llm.dialogue.items import items_left_out
from graph.llm.dialogue.names import (
    ABOUT_AN_ORDER,
    ABOUT_THE_ORDER_IN_HAND,
    CANCEL_REASONS,
    CHANGE_DEFAULT_ADDRESS,
    CHANGE_ITEMS,
    CHANGE_PAYMENT,
    CONTINUATION_INTENTS,
    FAULTS,
    IDENTIFY,
    IDENTITY_ONLY_READINGS,
    ITEM_PROBLEM,
    NEVER_GENERAL,
    ORDER_LIST_READINGS,
    PERSONAL_INTENTS,
    VOUCHER_CHECK,
)
from graph.llm.dialogue.other_requests import takes_back
from graph.llm.dialogue.plan import last_text, turn_messages, without_their_names
from graph.llm.dialogue.reading import _METHOD_WORDS, _PAYS_FOR_AN_ITEM_CHANGE, refine, serves
from graph.llm.dialogue.remedies import (
    asks_how_to_fix,
    named_remedy,
    restated_item_request,
    wishes_another_version,
)
from graph.llm.dialogue.repair import corrected_request, reports_a_fault, same_again, wants_another_version
from graph.llm.dialogue.slots import _completed
from graph.llm.matching import (
    by_options,
    named_items,
    options_in,
    payment_mention,
    refers_to_an_order,
    refused_methods,
    voucher_code,
)
from graph.nlu.acts import first_named_act
from graph.nlu.address_source import address_source, changes_default_address
from graph.nlu.confirmation import takes_leave, wants_nothing_more, withdraws_and_closes, withdraws_from_the_order
from graph.nlu.drops import dropped_requests
from graph.nlu.entities import beyond_identity
from graph.nlu.general import (
    asks_about_progress,
    asks_for_the_choices,
    asks_for_their_orders,
    asks_in_general,
    asks_something,
    points_at_their_order,
)
from graph.procedures.interpreter import split_code
from graph.procedures.loader import procedures_for
from graph.procedures.reading import procedure_reading
from graph.state import Repair, SupportState
from shopdesk.profile import ShopProfile


def closes(state: SupportState) -> bool:
    """ "No, that's all. Thank you!" with nothing proposed and no detail asked for: the customer is done (a no to
    "anything else?"), not answering the request in hand again."""
    awaiting = state.dialogue.get("awaiting")
    said = last_text(state)
    # A withdrawal of the request in hand said with the closing ("leave the kettle as it is. That's all, thanks")
    # closes too: nothing is left to do on it.
    done = wants_nothing_more(said) or withdraws_and_closes(said)
    if not state.pending_action and awaiting in _ASKS_A_DETAIL and takes_leave(said) and not _answers_a_detail(state):
        # "Thanks, that's all I needed, bye" to "which order?" or "why would you like to cancel?": no answer to it,
        # the customer leaves the request and the conversation.
        return True
    return not state.pending_action and awaiting in (None, "clarification") and done


# Our questions for a detail of a request that a closing cannot answer (unlike "anything else to change?").
_ASKS_A_DETAIL = frozenset({"order_id", "cancel_reason", "change_what", "remedy"})


def _answers_a_detail(state: SupportState) -> bool:
    """The message says something a request goes on with (an order, a reason, an option value, a remedy), whatever
    closing it ends with: "I ordered it by mistake. That's all, thanks!" answers "why?", it does not leave."""
    entities = state.understanding.get("entities", {})
    text = without_their_names(last_text(state), state)
    awaiting = state.dialogue.get("awaiting")
    return (
        fills_awaited_slot(awaiting, entities, text, state.dialogue.get("slots"))
        or any(entities.get(kind) for kind in ("order_ids", "reasons", "options", "products"))
        or named_remedy(text) is not None
    )


def fills_awaited_slot(
    awaiting: str | None, entities: dict[str, Any], text: str = "", slots: dict[str, Any] | None = None
) -> bool:
    """Whether this message answers the question we asked (an email after "please verify", an order id...)."""
    if awaiting == "identity":
        # Any fact of an identity answers it, a piece at a time too ("Ethan Garcia", then "80280"); a name in any
        # case is read as one while we wait for it (graph.nodes.understand).
        return bool(entities.get("emails") or entities.get("names") or entities.get("zip_codes"))
    if awaiting == "stronger_identity":
        return bool(entities.get("emails") or entities.get("zip_codes"))
    if awaiting == "order_id":
        # "#W4967593", "4967593", "the one with the air purifier", "the delivered one", "the second"...
        return refers_to_an_order(text, entities.get("order_ids", []), entities.get("products", [])) or bool(
            changes_default_address(text)
        )
    if awaiting == "cancel_reason":
        # A reason the shop records, or a reason of their own: either answers "why?" (the second is mapped to one
        # of the shop's two, or they are asked which of the two fits: `reason_off_list`).
        return any(reason in CANCEL_REASONS for reason in entities.get("reasons", [])) or gives_another_reason(
            text, entities
        )
    if awaiting == "address":
        partial = (slots or {}).get("address")
        return (
            looks_like_address(text)
            or address_source(text) is not None
            or bool(partial and len(missing(_completed(partial, text))) < len(missing(partial)))
        )
    if awaiting == "item":
        # "notebook, laptop, espresso machine" after "which of them?": the order's own items said bare, with no
        # word the product reader knows, are the answer, not a product question.
        # So are the options that tell one of them apart ("the automatic one" of two espresso machines).
        held = (slots or {}).get("order_items") or []
        return bool(
            entities.get("products")
            or entities.get("options")
            or (held and (named_items(held, text) or by_options(held, text)))
        )
    if awaiting == "options":
        return bool(entities.get("options") or options_in(text, (slots or {}).get("option_values") or {}))
    if awaiting == "payment_method":
        # "Not the gift card": a method of those listed turned away answers too (the others are left to choose).
        return payment_mention(text, asked=True) is not None or bool(refused_methods(text))
    if awaiting == "voucher_code":
        return voucher_code(text) is not None
    if awaiting == "change_what":
        return bool(
            entities.get("options")
            or entities.get("products")
            or payment_mention(text)
            or looks_like_address(text)
            or address_source(text) is not None
        )
    if awaiting == "remedy":
        return named_remedy(text) is not None
    if awaiting and split_code(awaiting):
        # A question a shop's procedure words itself: whatever the customer says next answers it.
        return bool(text.strip())
    return False


# The questions of ours that offer choices: what the customer may pick is what they were asked.
_CHOICES_OFFERED = frozenset({"remedy", "options", "item", "payment_method", "change_what", "cancel_reason"})


# The requests that remedy an item received: a fault told while one is under way is its reason.
_ITEM_REMEDY_REQUESTS = frozenset({"return_request", "exchange_request", CHANGE_ITEMS})


def _fault_without_remedy(state: SupportState) -> bool:
    reasons = set(state.understanding.get("entities", {}).get("reasons") or [])
    return bool(reasons & FAULTS) and named_remedy(last_text(state)) is None


def leaves_out_some_items(state: SupportState) -> bool:
    """ "Never mind the pet bed, I'll keep it" while two items are to be changed: that item is taken out of the
    change and the rest goes on (`items_left_out`); the request is dropped only with its last item, or when the
    whole order is left as it is."""
    slots = state.dialogue.get("slots", {})
    in_play = list(dict.fromkeys([*(s[0] for s in slots.get("swaps") or []), *(slots.get("item_queue") or [])]))
    said = last_text(state)
    if len(in_play) < 2 or withdraws_from_the_order(said):
        return False
    return bool(items_left_out(slots.get("order_items") or [], said, in_play))


def is_continuation(state: SupportState) -> bool:
    """The message carries on the request in progress rather than starting a new one."""
    if not state.dialogue.get("intent"):
        return False
    if leaves_out_some_items(state):
        return True
    understood = str(state.understanding.get("intent", ""))
    entities = state.understanding.get("entities", {})
    if state.dialogue.get("intent") == VOUCHER_CHECK and voucher_code(last_text(state)):
        return True  # "and SUMMER10?" after a code was checked
    if state.dialogue.get("awaiting") in _CHOICES_OFFERED and asks_for_the_choices(last_text(state)):
        # "What are my options here?" while we wait for one of the choices we offered: our question, asked again.
        return True
    return understood in CONTINUATION_INTENTS or fills_awaited_slot(
        state.dialogue.get("awaiting"),
        entities,
        without_their_names(last_text(state), state),
        state.dialogue.get("slots"),
    )


def active_intent(state: SupportState, profile: ShopProfile | None = None) -> str:
    understood = str(state.understanding.get("intent", "out_of_scope"))
    in_progress = state.dialogue.get("intent")
    awaiting = state.dialogue.get("awaiting")
    if (
        in_progress == IDENTIFY
        and state.customer
        and not any(isinstance(m, ToolMessage) for m in turn_messages(state.messages))
    ):
        # They told us who they are and we found them: this message is what they need.
        in_progress = awaiting = None
        if understood == IDENTIFY and state.understanding.get("entities", {}).get("order_ids"):
            return "order_status"  # "W9911714?" / "what's in order W9911714?"
    if (
        in_progress == IDENTIFY
        and serves(understood, profile)
        and state.understanding.get("confidence", 0) >= 0.6
        and not any(isinstance(m, ToolMessage) for m in turn_messages(state.messages))
        and asks_beside_identity(last_text(state), state.understanding.get("entities", {}))
    ):
        # "It's ana@example.com - also, can I exchange something I got?": who they are and what they need, in one
        # answer to our question. The need is the request; the identity in it is read (and checked) all the same.
        in_progress = awaiting = None
    if in_progress and any(isinstance(m, ToolMessage) for m in turn_messages(state.messages)):
        # Mid-way through this turn's tool loop: the intent chosen at its first step stands.
        return str(in_progress)
    if state.repair == Repair.correction and in_progress:
        return str(in_progress)  # the gate found this message correcting the proposal it has let lapse
    if in_progress and takes_back(dropped_requests(last_text(state)), str(in_progress)):
        # "Skip the address change, then swap the lamp" while we ask for the address: the request in hand is taken
        # back, and the rest of the message is what they want now, not an answer to our question.
        in_progress = awaiting = None
    if closes(state):
        return "greeting_thanks"
    if corrected := corrected_request(state):
        # "Not PayPal, my gift card please", "no, the blue one", "yes, but in navy", a new address, while a proposal
        # waits for a yes: the request in hand with one detail changed, neither a new request nor a yes or no to
        # the proposal as it stands (it is put again, changed, for a yes).
        return corrected
    if again := same_again(state):
        return again
    if (
        in_progress == "change_address"
        and awaiting == "order_id"
        and changes_default_address(last_text(state))  # not "the pending one, to my default address"
    ):
        return CHANGE_DEFAULT_ADDRESS
    if in_progress == "change_order" and awaiting in ("change_what", "order_id"):
        # "What would you like to change?" is answered by the change itself, and so may be "which order?" ("It is
        # #W3579467, the electric kettle. I would like it in white instead of black.").
        entities = state.understanding.get("entities", {})
        text = last_text(state)
        switches_methods = len({re.sub(r"\s+", "", word) for word in _METHOD_WORDS.findall(text.lower())}) > 1
        if (entities.get("options") or entities.get("products")) and not switches_methods:
            # "The items: the dumbbell set to 5-25 lbs... Pay with gift card": the method named pays for the item
            # change, as in `refine`. A change of how the order is paid says from which method to which ("the one
            # with the kettle: charge it to my visa instead of PayPal"), the item only says which order.
            return CHANGE_ITEMS
        if payment_mention(text):
            return CHANGE_ITEMS if _PAYS_FOR_AN_ITEM_CHANGE.search(text) else CHANGE_PAYMENT
        if looks_like_address(text) or address_source(text) is not None or understood == "change_address":
            # "The shipping address: 12 Elm St, ...", "to the address my other order #W2 went to".
            return "change_address"
    told = state.understanding.get("entities", {})
    small_talk = understood in IDENTITY_ONLY_READINGS or state.understanding.get("confidence", 0) < 0.6
    if not state.customer and small_talk and gives_identity(told) and not serves(str(in_progress or ""), profile):
        # "hello! Ethan Garcia from 80280", after a greeting or nothing: whatever else it reads as, it tells us who
        # they are (a personal request in progress takes it as its answer below). An order named beside it ("hello,
        # a question about W1701126. chen anderson 19158.") is what they want to know about, once verified.
        return "order_status" if told.get("order_ids") else IDENTIFY
    text = last_text(state)
    if (
        in_progress in (CHANGE_ITEMS, "exchange_request")
        and payment_mention(text)
        and _PAYS_FOR_AN_ITEM_CHANGE.search(text)
    ):
        # "I want the difference refunded to my mastercard": where the item change's money goes, whatever else the
        # words sound like (a refund, a payment change).
        return str(in_progress)
    if in_progress and (restated := restated_item_request(str(in_progress), text)):
        # "No, not a return: I want to exchange it", said while we ask about the return: they said what they want.
        return restated
    # An order of theirs named with the wish, whatever the intent model read ("Die Wall Clock in #W1 hätte ich lieber
    # mit 12 Zoll in white"), unless it is a question about what the shop has.
    of_an_order = understood not in PERSONAL_INTENTS and bool(state.understanding.get("entities", {}).get("order_ids"))
    returning = in_progress == "return_request" or (
        not in_progress and (understood == "return_request" or (of_an_order and not asks_something(text)))
    )
    if returning and wishes_another_version(text):
        # "The perfume I got is the 30ml one; I'd like the 100ml for men instead", read as a return or answering
        # our question for the return's order: another version is wished for, which no return gives. An item
        # change (an exchange once delivered), nothing written before their yes.
        return CHANGE_ITEMS
    if in_progress and is_continuation(state):
        return str(in_progress)
    if in_progress and awaiting and state.understanding.get("confidence", 0) < 0.6:
        # An unsure reading while we wait for an answer is more likely the answer than a new request.
        return str(in_progress)
    if in_progress == ITEM_PROBLEM and awaiting and asks_how_to_fix(text) and named_remedy(text) is None:
        # "Is there anything I can try to get them to pair?" while we ask refund or new one: a question on the way
        # (read as an exchange for the words it shares with one), not the remedy. It is answered, and asked again.
        return ITEM_PROBLEM
    if shop_procedure := procedure_reading(last_text(state), procedures_for(profile)):
        # Closer in meaning to an example of one of the shop's own procedures than to any of the intent bank's.
        return shop_procedure
    unsure = state.understanding.get("confidence", 0) < 0.6
    if (understood not in PERSONAL_INTENTS or unsure) and (act := first_named_act(text)) and serves(act, profile):
        # "I have a few things to sort out: two returns, and some changes", "the second return is from #W1": the acts
        # counted as tasks of theirs (read as feedback, or unsure): the first one named is the request to start.
        # "A few changes" said with the changes themselves ("first #W1: pay it with my paypal instead, and change
        # the umbrella to the blue one") is the change they say, read finely; the rest of them wait beside it.
        return refine(act, state) if act == "change_order" else act
    nothing_in_hand = in_progress in (None, ITEM_PROBLEM) or not serves(str(in_progress), profile)
    if nothing_in_hand and reports_a_fault(state) and serves(ITEM_PROBLEM, profile):
        # "The puzzle I got is missing pieces", "my earbuds won't pair": a fault, told without asking for anything
        # (the intent model reads a complaint, or guesses). The shop's remedies are offered, not a policy page.
        return ITEM_PROBLEM
    guessed = understood in _ITEM_REMEDY_REQUESTS or understood not in PERSONAL_INTENTS
    if in_progress in _ITEM_REMEDY_REQUESTS and guessed and _fault_without_remedy(state):
        # "The lamp is defective, it flickers" while its exchange (or return) is under way: why they asked for it,
        # not another remedy the intent model guesses from the words, nor a complaint to answer from the knowledge
        # base. The request in hand goes on.
        return str(in_progress)
    if wanted := wants_another_version(state):
        return wanted
    entities = state.understanding.get("entities", {})
    if understood == IDENTIFY and state.customer and entities.get("order_ids"):
        return "order_status"  # a signed-in customer's "what did I order in #W...?"
    text = last_text(state)
    if understood not in PERSONAL_INTENTS and understood not in CONTINUATION_INTENTS and names_their_order(state):
        return "order_status"  # "the order that has the headphones", read as a product question
    if understood not in PERSONAL_INTENTS and understood not in CONTINUATION_INTENTS and asks_about_progress(text):
        # "any update on the coffee machine?", "any news about my jacket?": their coffee machine, not the
        # catalogue's, however the intent model read it (a product question, a complaint).
        return "order_status"
    refined = refine(understood, state)
    if refined != understood:
        return refined
    if understood in ABOUT_AN_ORDER and state.understanding.get("entities", {}).get("order_ids"):
        return ABOUT_AN_ORDER[understood]
    in_hand = state.dialogue.get("slots", {}).get("order_id")
    if understood in ABOUT_THE_ORDER_IN_HAND and in_hand and points_at_their_order(last_text(state)):
        return ABOUT_THE_ORDER_IN_HAND[understood]
    if asks_for_the_list(state, understood):
        return "order_status"
    return understood


_AN_ORDER = re.compile(r"\b(?:the|my|this|that|which|what)\s+orders?\b", re.IGNORECASE)


def names_their_order(state: SupportState) -> bool:
    """The message speaks of one of their orders and says which by what it holds, its status or its age ("the order
    that has the headphones", "which order is the lamp in?"), not of ordering in general."""
    text = last_text(state)
    entities = state.understanding.get("entities", {})
    return bool(_AN_ORDER.search(text)) and refers_to_an_order(text, [], entities.get("products", []))


# "the order that has the headphones", "the order with the cycing helmet", "my order containing the lamp": one of
# their orders, picked by what it holds, whatever the item is called (misspelt, or in words the catalogue lacks).
_ORDER_BY_CONTENTS = re.compile(
    r"\b(?:the|my|that|which|what)\s+orders?\s+(?:(?:that|which)\s+)?(?:has|had|have|holds?|contains?|containing|with)\b",
    re.IGNORECASE,
)


def read_from_the_words(state: SupportState, intent: str) -> bool:
    """The request the dialogue goes on with is said by the message's own words, whatever the intent model read:
    "the same for #W2" right after a request was carried out, a question about one of their orders picked by what
    it holds, or an item change said in full (the order, its item and how the item should be). The model's
    confidence in its own reading (another intent, or the right one spread thin over its neighbours: a change and an
    exchange are one request until the order's status tells them apart) then says nothing about whether we
    understood, and must not make us ask what they mean. Nothing is written on it without the customer's yes."""
    if not intent:
        return False
    if intent == same_again(state):
        return True
    text = last_text(state)
    if intent == "order_status":
        return names_their_order(state) or bool(_ORDER_BY_CONTENTS.search(text))
    entities = state.understanding.get("entities", {})
    said_in_full = entities.get("order_ids") and entities.get("products") and entities.get("options")
    return intent == CHANGE_ITEMS and bool(said_in_full) and not asks_something(text)


def wants_their_orders(state: SupportState) -> bool:
    """The customer asks for the list of their orders ("list my recent orders"), not about the order in hand."""
    return asks_for_their_orders(last_text(state), state.understanding.get("entities", {}).get("order_ids"))


def asks_for_the_list(state: SupportState, understood: str) -> bool:
    """A request for the list of their orders ("show me my orders"), however the intent model read it."""
    return understood in ORDER_LIST_READINGS and wants_their_orders(state)


def general_question(state: SupportState, intent: str) -> bool:
    """A request the tools serve, asked as a question about how the shop works ("can I exchange shoes for another
    size?"): the knowledge answers it for anyone, with no verification and no order to pick."""
    if intent not in PERSONAL_INTENTS or intent in NEVER_GENERAL:
        return False
    # An identity given with the question ("it's ana@example.com, how long do refunds take?") answers our question
    # for it and asks another: the question is what decides.
    if is_continuation(state) and state.dialogue.get("intent") != IDENTIFY:
        return False
    if corrected_request(state):
        return False  # "back to my credit card is good" corrects the proposal in hand, it asks nothing in general
    entities = state.understanding.get("entities", {})
    asked = beyond_identity(last_text(state), entities.get("emails") or [], entities.get("zip_codes") or [])
    return asks_in_general(asked, entities.get("order_ids"))
