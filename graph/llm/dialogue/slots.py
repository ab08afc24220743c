"""The slots remembered across turns: what a message adds to a request, and what a new request or order starts
without.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import replace
from typing import Any

from langchain_core.messages import ToolMessage

from graph.llm.addresses import completes_address, looks_like_address, missing, parse_address
from graph.llm.dialogue.addresses import names_another_destination
from graph.llm.dialogue.cancel_reasons import gives_another_reason
from graph.llm.dialogue.identity import _without_identity, identity_facts
from graph.llm.dialogue.items import _EVERY_ITEM
from graph.llm.dialogue.names import CANCEL_REASONS, CHANGE_FAMILY, CHANGE_PAYMENT, FLOW_SLOTS, ITEM_SLOTS
from graph.llm.dialogue.other_requests import _same_request, last_chosen_method, without_requests
from graph.llm.dialogue.plan import last_text, turn_messages, without_their_names
from graph.llm.dialogue.reading import refine
from graph.llm.dialogue.repair import _ADDS, _KEEPS, same_again
from graph.llm.matching import (
    goodwill_reason,
    named_items,
    options_in,
    payment_mention,
    refers_to_an_order,
    voucher_code,
)
from graph.nlu.address_source import address_source, orders_set_aside, without_orders_not_acted_on
from graph.nlu.entities import (
    extract_reasons,
    own_items_words,
    reasons_for_order,
    says_the_reason_holds,
    shared_entities,
)
from graph.nlu.segment import (
    ADDRESSES_ANOTHER_ORDER,
    ANOTHER_ORDER,
    POINTS_AT_THE_ORDER_IN_HAND,
    split_requests,
)
from graph.procedures.interpreter import split_code
from graph.procedures.loader import ProcedureSet
from graph.state import SupportState


def _collects_an_address(state: SupportState, intent: str | None, procedures: ProcedureSet | None) -> bool:
    """Whether an address in this message can be what the request in hand needs: its procedure collects one, we
    asked for one, or the request is not known yet. A return's "Sophia Hernandez, 76197. Need to return ..." holds a
    name, a zip and a number-first phrase, and an address reader would take them all for a street line and a town."""
    if intent is None or procedures is None or state.dialogue.get("awaiting") == "address":
        return True
    procedure = procedures.for_intent(intent)
    return procedure is None or any(slot.ground == "address" for slot in procedure.slots)


def merged_slots(
    state: SupportState, intent: str | None = None, procedures: ProcedureSet | None = None
) -> dict[str, Any]:
    """Slots remembered from earlier turns, overwritten by what this message says."""
    slots = dict(state.dialogue.get("slots", {}))
    address_expected = _collects_an_address(state, intent, procedures)
    previous = state.dialogue.get("intent")
    related = previous in CHANGE_FAMILY and intent in CHANGE_FAMILY
    if intent is not None and intent != previous and not related:
        # A new request: what the last one collected (an address, options...) does not carry over.
        slots = {k: v for k, v in slots.items() if k not in FLOW_SLOTS}
    entities = state.understanding.get("entities", {})
    text = last_text(state)
    # The same request for another order: the one just done is not it. How it was done (a cancellation's reason)
    # is the same only when they say so ("same reason", with "same thing" or not): a reason is each order's own,
    # asked when not given.
    again = same_again(state) is not None
    kept = {"cancel_reason"} if says_the_reason_holds(text) else set()
    if again:
        slots = {k: v for k, v in slots.items() if k not in ITEM_SLOTS or k in kept}
        slots.pop("order_id", None)
        carried = last_chosen_method(state.messages)
        if carried and not payment_mention(text):
            # "Next is #W2, same thing": the method the last one was done with is the one meant (a method named
            # in the message is read below and overrides it).
            slots["payment"] = {"id": carried, "carried": "1"}
    source = address_source(text)
    if names_another_destination(text):
        # Somewhere else than the address we have: it is asked for again.
        slots.pop("address", None)
    if source is not None:
        # "Ship it to the same address as my other order #W2": that order gives the address (the entity reader
        # leaves it out of the orders named), it is not the one being changed.
        slots["address_source"] = source
        slots.pop("address", None)
    elif looks_like_address(text):
        # An address written out without a source: a source noted in an earlier turn is no longer what they want.
        slots.pop("address_source", None)
    # Of a message with several requests, the words of the one in hand say which order and items it is about
    # ("return a keyboard and also do something about a smart watch on another order").
    own = _words_of_the_request(state, intent) if intent else text
    focus = list(entities.get("order_ids") or [])
    if own != text and (its_own := shared_entities(own).order_ids):
        # "Change the payment on #W2 and swap the lamp on #W1": the order named by the request in hand's own words,
        # not the first order of the message (which is another request's).
        focus = [*its_own, *(o for o in focus if o not in its_own)]
    if excluded := orders_set_aside(own):
        # "Not #W2", "anything but #W2" (at "which order?" or beside another order): the orders set aside narrow the
        # ones to pick from, never become the order in hand (`graph.llm.dialogue.orders`).
        slots["orders_set_aside"] = list(dict.fromkeys([*(slots.get("orders_set_aside") or []), *excluded]))
        focus = [o for o in focus if o not in excluded]
        if slots.get("order_id") in excluded:
            slots = {k: v for k, v in slots.items() if k not in ITEM_SLOTS or k in kept}
            slots.pop("order_id", None)
    if focus:
        if slots.get("order_id") and focus[0] != slots["order_id"]:
            # Another order than the one in hand: what was said of that one is not this one's. (Said before any
            # order was named, "I ordered it by mistake" is the reason of the order named next.)
            slots = {k: v for k, v in slots.items() if k not in ITEM_SLOTS or k in kept}
        slots["order_id"] = focus[0]
        # An order named by its id is the one meant: "not the one in hand" from an earlier "my other order" is over.
        slots.pop("other_than_order", None)
    slots.update(identity_facts(state, text, address_expected))
    part = own_items_words(own, str(slots["order_id"])) if slots.get("order_id") else None
    if part:
        # "#W1: the notebook and the laptop, and from #W2 the puzzle and the bottle": the items said with the order in
        # hand are its own (a puzzle both orders hold goes with the order it was said with); "everything from #W1 and
        # the kettle from #W2": every item of #W1, not the kettle. (The part is there only when each order's words
        # name items or "everything".)
        own = part
    if own != text:
        entities = {**entities, "products": shared_entities(own).products}
    # An order set aside names no order to pick ("not #W2": its number picks nothing).
    about_order = _without_identity(without_orders_not_acted_on(own), entities)
    turns_elsewhere = (
        not entities.get("order_ids")
        and source is None
        and ADDRESSES_ANOTHER_ORDER.search(own)
        and not POINTS_AT_THE_ORDER_IN_HAND.search(own)
    )
    if (
        turns_elsewhere
        and slots.get("order_id")
        # "The status of my older order with the skateboard": the order in hand was picked by these very words (a
        # later step of the same turn reads them again), so they point at it, not at another.
        and slots.get("order_hint") != about_order
        and (not entities.get("products") or not named_items(slots.get("order_items") or [], about_order))
    ):
        # "For my other order, switch the payment to my visa", said beside a change of the order in hand: any order
        # of theirs but that one, picked among the rest (or asked for), never the one in hand.
        slots = {k: v for k, v in slots.items() if k not in ITEM_SLOTS or k in kept}
        slots["other_than_order"] = slots.pop("order_id")
        slots["order_hint"] = about_order
    if not entities.get("order_ids") and refers_to_an_order(about_order, [], entities.get("products", [])):
        # What the customer said about the order ("the one with the tablet"): it picks the order once we may
        # read their orders, after verification too.
        slots["order_hint"] = about_order
        held = slots.get("order_items") or []
        elsewhere = ANOTHER_ORDER.search(about_order)
        if (
            slots.get("order_id")
            and held
            and elsewhere
            and entities.get("products")
            and not named_items(held, about_order)
            # "Cancel it please, it's a duplicate of my earlier order": the act is the order in hand's, the other
            # order only its reason's.
            and not POINTS_AT_THE_ORDER_IN_HAND.search(own)
        ):
            # "Now the smart watch on my other order": the order in hand holds nothing they name; the words pick it.
            slots = {k: v for k, v in slots.items() if k not in ITEM_SLOTS or k in kept}
            slots.pop("order_id", None)
            slots["order_hint"] = about_order
    elif not entities.get("order_ids") and not slots.get("order_id") and not slots.get("order_hint") and own.strip():
        # "I ordered some wireless earbuds, can I still change them?": no word the product reader knows, but the
        # words may still name an item of theirs. Kept to be read against their orders once we may read them (the
        # order holding what they name is picked; words that name nothing there narrow nothing).
        slots["order_hint"] = about_order
    reasons = entities.get("reasons", [])
    if slots.get("order_id") and shared_entities(text).order_ids and set(reasons) <= set(extract_reasons(text)):
        # "#W1, I ordered that by mistake. And then #W2, which I no longer need", "the first one by mistake, and #W2
        # because I no longer need it": each order's own reason, never another order's (one said for "both" is
        # both's). None of its own: it is asked. Reasons these words do not give were said elsewhere for this order
        # ("ordered by mistake, that goes for both" when a waiting request is taken up): they stand.
        reasons = reasons_for_order(text, str(slots["order_id"]))
    for reason in reasons:
        if reason in CANCEL_REASONS:
            slots["cancel_reason"] = CANCEL_REASONS[reason]
        slots.setdefault("reason", reason.replace("_", " "))
    asked_why = state.dialogue.get("awaiting") == "cancel_reason" and not slots.get("cancel_reason")
    if asked_why and gives_another_reason(text, entities):
        # "Because of your spam emails": a reason of their own, which the shop cannot record as it is. The question
        # is put again saying which two it can record (`graph.llm.responses.ask_for`).
        slots["reason_off_list"] = "1"
    said = without_their_names(text, state)
    named = {**entities.get("options", {}), **options_in(said, slots.get("option_values") or {})}
    if named:
        slots["options"] = {**slots.get("options", {}), **named}
    if entities.get("products"):
        slots.pop("some_item", None)
        slots["products"] = [*_proposed_items(state, text), *entities["products"]]
        # The words that named the items ("the keyboard and the thermostat"): read against the order's items.
        slots["item_hint"] = _without_identity(own, entities)
    elif _SOME_ITEM.search(own) and not _EVERY_ITEM.search(own):
        # "I need to return something from one of my orders": which item is still theirs to say, after they have
        # told us who they are and the order is found.
        slots["some_item"] = True
    elif state.dialogue.get("intent") == "return_request" and _EVERY_ITEM.search(text):
        # "Everything in the order, all 3 items": the items named before no longer narrow what goes back.
        slots.pop("products", None)
        slots.pop("item_hint", None)
    if address_expected and looks_like_address(text):
        # Of several requests, the address is in the words of the one in hand ("ship it to 12 Elm St, Denver, CO
        # 80218 and swap the camera for the 30MP one": the swap is no part of the state line).
        found = parse_address(own if own != text and looks_like_address(own) else text)
        earlier = slots.get("address") or {}
        slots["address"] = {k: found.get(k) or (earlier.get(k, "") if not found["address1"] else "") for k in found}
    elif slots.get("address") and missing(slots["address"]) and completes_address(text):
        # "Germany" after "which country?": fill the gap in the address we have.
        slots["address"] = _completed(slots["address"], text)
    # "The original one" answers our question which method to use; said out of the blue, it names nothing.
    if mention := payment_mention(
        _payment_words(state, text, intent), asked=state.dialogue.get("awaiting") == "payment_method"
    ):
        slots["payment"] = mention
    if code := voucher_code(text):
        slots["voucher_code"] = code
    if entities.get("amounts"):
        with contextlib.suppress(ValueError):
            slots["amount"] = float(str(entities["amounts"][0]).split()[0])
    if reason := goodwill_reason(text, entities.get("reasons", [])):
        slots["goodwill_reason"] = reason
    awaiting = str(state.dialogue.get("awaiting") or "")
    if split_code(awaiting) and not any(isinstance(m, ToolMessage) for m in turn_messages(state.messages)):
        # The answer to a question a shop's procedure words itself: kept for the turn's tool loop, whose later steps
        # no longer know what was asked.
        slots["procedure_answer"] = {"code": awaiting, "text": text.strip()}
    if awaiting == "item" and not any(isinstance(m, ToolMessage) for m in turn_messages(state.messages)):
        # The answer to "which item?": read for the item it describes even when it names no product.
        slots["item_answer"] = text
        if not entities.get("products") and named_items(slots.get("order_items") or [], text):
            # "notebook, laptop, espresso machine": the order's own items said bare are the items meant.
            slots["item_hint"] = text
    return slots


def _payment_words(state: SupportState, text: str, intent: str | None) -> str:
    """The words that may name how the request in hand is paid: not those of a change of an order's payment that
    waits beside it ("swap the lamp for the blue one, and move #W2 over to my PayPal": PayPal pays no difference)."""
    if intent == CHANGE_PAYMENT:
        return text
    waiting = [r["text"] for r in state.dialogue.get("queued") or [] if r["intent"] == CHANGE_PAYMENT]
    kept = without_requests(text, waiting) if waiting else text
    segments = split_requests(kept)
    if len(segments) < 2 or state.request_text:
        return kept
    # A clause that turns to another order ("..., and on my other order move the payment to my visa") says how that
    # order is paid, whatever it was read as: never how the request in hand is paid.
    own = set(shared_entities(_words_of_the_request(state, intent or "")).order_ids)
    return " ".join(
        segment
        for segment in segments
        if not ANOTHER_ORDER.search(segment)
        and not ((ids := set(shared_entities(segment).order_ids)) and own and not ids & own)
    )


def _words_of_the_request(state: SupportState, intent: str) -> str:
    """The part of the message that asks for the request in hand, when it asks for several ("..., and also ..."):
    the first segment read as that request; the whole message otherwise."""
    text = last_text(state)
    segments = split_requests(text)
    if len(segments) < 2 or state.request_text:
        return text
    read = {str(part.get("segment")): str(part.get("intent")) for part in state.understanding.get("intents") or []}
    # A segment whose own words read finely as the request in hand is its words ("change the payment on #W2 and
    # swap the lamp on #W1": both read as a change of the order, only the second is the item change).
    for segment in segments:
        if (understood := read.get(segment)) and refine(understood, _reading_of(state, segment)) == intent:
            return segment
    for segment in segments:
        if (understood := read.get(segment)) and (
            _same_request(understood, intent) or _same_request(refine(understood, state), intent)
        ):
            return segment
    return text


def _reading_of(state: SupportState, segment: str) -> SupportState:
    """The state as if the message were only the segment, for the finer reading of its own words."""
    said = shared_entities(segment).model_dump(mode="json")
    return replace(state, request_text=segment, understanding={**state.understanding, "entities": said})


def _proposed_items(state: SupportState, text: str) -> list[str]:
    """The names of the items the return last proposed when the message adds to them ("add the dumbbell set too",
    "the wristwatch is missing"): they stay in the return beside the ones now named. (The proposal itself has
    lapsed by now: a reply that changes it is planned again.)"""
    if state.dialogue.get("intent") != "return_request" or not _ADDS.search(text) or _KEEPS.search(text):
        return []
    return list(state.dialogue.get("slots", {}).get("proposed_items") or [])


# Every item of the order: "everything", "all 3 items", "all of them", "the whole order", "return them all", "both".
# A bare "all" stands for the items only on its own ("all, please"): not in "I tried all that" or "all day".
# An item not named yet: "something", "an item", "one of the things", "a few items"; a number of items not named
# ("a couple of items", "two things", "several products", "3 of the items"): which ones is theirs to say, never all.
_SOME_ITEM = re.compile(
    r"\b(?:something|some\s+(?:things|items|stuff|of\s+(?:it|them|the\s+\w+))|an?\s+(?:item|thing|product|few\s+"
    r"(?:things|items|products|pieces|of\s+(?:them|the\s+\w+)))|one\s+(?:of\s+(?:the|my|its)\s+)?(?:item|thing|product)s?"
    r"|(?:a\s+)?couple(?:\s+of)?\s+(?:(?:the|my|its|those|these)\s+)?(?:items|things|products|pieces|them)"
    # A number said after "the", "these", "my", "both", "all" or "ordered" counts the items there are ("the 2 items in
    # my order", "I only ordered two things"), not an unnamed few of them: _COUNTED_ITEMS reads it.
    r"|(?<!\bthe\s)(?<!\bthese\s)(?<!\bthose\s)(?<!\bmy\s)(?<!\bboth\s)(?<!\ball\s)(?<!\bordered\s)(?<!\bbought\s)"
    r"(?:two|three|four|five|several|[2-9])\s+(?:of\s+(?:the|my|its|them)\s+)?(?:items|things|products|pieces)"
    r"|(?:two|three|four|five|several|[2-9])\s+of\s+(?:them|those|these)"
    # Items pointed at, their names said where the entity reader may miss them ("sending back these items: bottle,
    # puzzle"): which they are is read, or asked, never every item of the order.
    r"|(?:this|these|that|those)\s+(?:items?|things|products)"
    # "one of them" is what goes back only as the verb's object ("..., one of them arrived late" says what happened);
    # German "etwas" is mostly "somewhat" ("etwas zu klein"), something only with "aus".
    r"|(?:return|send\s+back|refund)\w*\s+one\s+of\s+(?:them|those|these)|etwas\s+aus|einen?\s+(?:artikel|teil))\b",
    re.IGNORECASE,
)
# "The 2 items", "these three things", "my 2 products", "I ordered two things": the items counted, every item of the
# order when the count is the order's own, some of them (which, theirs to say) when it is not.
_COUNTED_ITEMS = re.compile(
    r"\b(?:the|these|those|my|both|all|ordered|bought)\s+(?:of\s+(?:the|my)\s+)?(two|three|four|five|six|[2-9])\s+"
    r"(?:items|things|products|pieces)\b",
    re.IGNORECASE,
)
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def items_counted(text: str) -> int | None:
    """How many items the words count ("the 2 items", "these three things"); None when they count none."""
    found = _COUNTED_ITEMS.search(text)
    if found is None:
        return None
    word = found.group(1).lower()
    return _NUMBERS.get(word) or int(word)


# The order itself as what goes back: "return this order", "return #W1234567".
_THE_ORDER_ITSELF = re.compile(
    r"\b(?:return|send\s+back|refund)\w*\s+(?:the\s+|my\s+|this\s+|that\s+)?(?:order\b|#?W\d{5,})"
    r"|\b(?:die\s+|meine\s+)?(?:ganze\s+)?bestellung\s+(?:#?W?\d{5,}\s+)?(?:\w+\s+)?zur[üu]ck",
    re.IGNORECASE,
)


def _completed(address: dict[str, str], text: str) -> dict[str, str]:
    """The address with the gaps that ``text`` fills ("France", "75001") filled."""
    fill = parse_address(f"{address.get('address1', '')}, {text}")
    return {k: address.get(k) or fill.get(k, "") for k in fill}
