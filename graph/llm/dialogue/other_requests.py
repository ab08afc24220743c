"""The queue of the customer's other requests: what else a message asks for, the orders listed together, what was
taken back, and what is done already.
"""

from __future__ import annotations

import re
from dataclasses import replace

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, ToolMessage

from graph.dialogue_state import NEXT_REQUEST, QueuedRequest
from graph.llm.addresses import STREET_START, looks_like_address, parse_address
from graph.llm.dialogue.names import (
    _REQUEST_OF_WRITE,
    CHANGE_DEFAULT_ADDRESS,
    CHANGE_FAMILY,
    CHANGE_ITEMS,
    CHANGE_PAYMENT,
    CONTINUATION_INTENTS,
    IDENTITY_ONLY_READINGS,
    MONEY_MOVING_FLOWS,
    WRITE_OF_REQUEST,
)
from graph.llm.dialogue.plan import last_text
from graph.llm.dialogue.reading import _PAYS_FOR_THE_CHANGE_BESIDE, _PAYS_WHAT_IS_OWED, refine
from graph.llm.matching import payment_mention
from graph.nlu.acts import announces_several_changes
from graph.nlu.confirmation import gives_a_yes, holds_back, only_says_where_money_goes
from graph.nlu.drops import drops_one_request
from graph.nlu.entities import (
    beyond_identity,
    extract_reasons,
    order_mention,
    orders_named_for_reference,
    shared_entities,
)
from graph.nlu.general import asks_about_the_rules, asks_something, asks_without_a_request
from graph.nlu.schema import Entities
from graph.nlu.segment import ANOTHER_ORDER, split_requests
from graph.procedures.loader import ProcedureSet, procedures_for
from graph.procedures.schema import ORDER_KINDS
from graph.state import SupportState
from shopdesk.profile import ShopProfile


def other_requests(state: SupportState, intent: str, profile: ShopProfile | None = None) -> list[QueuedRequest]:
    """The message's requests beside the one in hand ("cancel #W1, and also return the lamp from #W2"), in their
    order, each for a turn of its own once the one in hand is done. Only requests whose procedure ends in a change or
    with a person count: questions asked together are answered together (the answer splits the message itself), and
    the same request in other words, or about items of the same order, is the one in hand (it takes several items)."""
    queued = _requests_beside(state, intent, profile)
    if intent in CHANGE_FAMILY and not any(r["intent"] in CHANGE_FAMILY for r in queued):
        in_hand = split_requests(last_text(state))[0]
        if announces_several_changes(in_hand):
            # "I have a few changes to make to an order, and a return from another one": more to come on the order
            # in hand, asked for once its first change is done, before the return is offered (graph.nodes.answer).
            queued.append({"intent": intent, "text": in_hand, "more_of_the_order": True})
    return [{**request, "text": _without_identity(request["text"])} for request in queued]


# Changing an order's items ends its changes for good (it is then "pending (items modified)"): its address and its
# payment can no longer change. Asked for the same order together with an item change, these come first.
_BEFORE_AN_ITEM_CHANGE = frozenset({"change_address", CHANGE_PAYMENT})


def served_before(state: SupportState, intent: str, queued: list[QueuedRequest]) -> QueuedRequest | None:
    """The request beside the item change in hand that must be carried out before it: a change of the same order's
    payment or address ("switch #W1 to my PayPal, and swap the lamp for the blue one"), which the item change
    would rule out. The same order: no two different orders named by the two requests' own words."""
    if intent != CHANGE_ITEMS:
        return None
    for request in queued:
        if request["intent"] not in _BEFORE_AN_ITEM_CHANGE or request.get("more_of_the_order"):
            continue
        theirs = _ids([*shared_entities(request["text"]).order_ids, *filter(None, [request.get("order_id")])])
        ours = _ids(shared_entities(words_beside(state, queued)).order_ids)
        if not theirs and ANOTHER_ORDER.search(request["text"]):
            continue  # "for my other order, switch the payment": not the order of the item change
        if not (theirs and ours) or theirs & ours:
            return request
    return None


def _pays_the_request_in_hand(words: str) -> bool:
    """A payment clause tied to the request beside it: what that request may cost, or the request itself pointed
    back at. Only a clause with no such tie asks to change how the whole order is paid."""
    return bool(_PAYS_WHAT_IS_OWED.search(words) or _PAYS_FOR_THE_CHANGE_BESIDE.search(words))


def words_beside(state: SupportState, queued: list[QueuedRequest]) -> str:
    """The message without the words of the requests waiting beside the one in hand: the words of that one."""
    return without_requests(last_text(state), [r["text"] for r in queued]) or last_text(state)


def without_requests(text: str, waiting: list[str]) -> str:
    """The parts of the message that are none of the requests waiting (their words as queued), a request queued
    from a clause of a part taken out of that part."""
    kept = ""
    for part in split_requests(text):
        if part in waiting or _without_identity(part) in waiting:
            continue
        rest = part
        for words in waiting:
            if words and words in rest and words != rest:
                rest = rest.replace(words, " ")
        rest = re.sub(r"\s+", " ", rest).strip(" ;,")
        # What is left of a part a clause was taken from reads on from the words before it ("..., credit card for
        # any difference").
        joint = ", " if rest != part and kept else " "
        kept = f"{kept}{joint}{rest}" if kept and rest else kept or rest
    return kept


# How an order is paid, asked to be otherwise without a verb of change, the order itself named in those words (or
# paid as "it"): "pay the order with my paypal instead", "pay it with my card instead", "I'd rather pay for that
# order by credit card", "put #W1 on my visa from now on".
# A bare "pay with my paypal instead" beside an item change says what pays that change, not the order.
# The payment itself moved elsewhere: "move the order's payment over to my card", "put the payment on my visa".
_PAYS_OTHERWISE = re.compile(
    r"\b(?:pay|charge|bill|put|move)\b(?=(?:\s+[\w#'-]+){0,6}?\s+(?:instead|rather|from\s+now\s+on)\b)"
    r"(?:\s+it\b|(?:\s+[\w#'-]+){0,4}?\s+(?:order|#?W\d+)\b)"
    r"|\b(?:rather|prefer\w*)\s+(?:to\s+)?pay\b(?:\s+[\w#'-]+){0,3}?\s+(?:order|#?W\d+)\b"
    r"|\b(?:move|put|transfer|shift)\w*\s+(?:\S+\s+){0,3}?payment\b",
    re.IGNORECASE,
)
# A part that only says what to pay with ("pay with my paypal"), split off the request before it.
_BARE_PAY = re.compile(r"\s*(?:then\s+)?(?:also\s+)?(?:please\s+)?pay\b", re.IGNORECASE)
_NAMES_HOW_TO_PAY = re.compile(r"\b(?:pay|paid|charge|bill)\w*\b", re.IGNORECASE)
# The clauses of one part of a message: "switch the payment to paypal; credit card for any difference".
_CLAUSES = re.compile(r"\s*(?:[;,]|\s-\s|\band\s+(?:then\s+)?|\bbut\s+)\s*", re.IGNORECASE)


def _changes_how_the_order_is_paid(words: str) -> str | None:
    """The clause of the words that asks to change how an order is paid, with a method named and not tied to what
    the change beside it costs ("switch the order's payment to paypal" before "; credit card for any difference");
    None when every clause naming a method says what pays that change."""
    for clause in _CLAUSES.split(words):
        asks = _ASKS_FOR_A_CHANGE.search(clause) or _PAYS_OTHERWISE.search(clause)
        if asks and payment_mention(clause) and not _pays_the_request_in_hand(clause):
            return clause.strip()
    return None


def _ids(order_ids: list[str]) -> set[str]:
    return {str(o).lstrip("#").upper() for o in order_ids}


def _requests_beside(state: SupportState, intent: str, profile: ShopProfile | None) -> list[QueuedRequest]:
    segments = split_requests(last_text(state))
    procedures = procedures_for(profile)
    if len(segments) < 2:
        named = list(state.understanding.get("entities", {}).get("order_ids") or [])
        return _the_other_orders(intent, last_text(state), named, procedures)
    parts = state.understanding.get("intents") or []
    read = {str(part.get("segment")): str(part.get("intent")) for part in parts}
    whole = str(state.understanding.get("intent", ""))
    requests: list[tuple[str, str, frozenset[str]]] = []
    why: list[str] = []
    for index, segment in enumerate(segments):
        # With one reading for the whole message, every segment shares it (and must say its request in so many
        # words); with several, a segment the model was unsure of is no request of its own. A request turned down
        # ("and don't cancel #W2") or someone else's ("my sister wants to return hers") is none of theirs to queue.
        asks_a_change = _ASKS_FOR_A_CHANGE.search(segment) or _PAYS_OTHERWISE.search(segment)
        understood = read.get(segment) or (whole if len(parts) <= 1 and asks_a_change else None)
        if understood is None and intent not in MONEY_MOVING_FLOWS and _NAMES_HOW_TO_PAY.search(segment):
            # "Change the address to ..., and pay it with paypal": beside a request that costs nothing, a method
            # to pay with can only be how the order is to be paid.
            understood = "change_order" if payment_mention(segment) else None
        if understood is None or _NOT_A_REQUEST_OF_THEIRS.search(segment) or drops_one_request(segment):
            continue
        said = shared_entities(segment)
        if _asks_about_the_matter_in_hand(segment, said):
            continue  # answered with the request in hand, or moot once it is done: never offered again later
        if segment not in read and index > 0 and _changes_an_item_of_its_own(understood, segment, said):
            understood = "change_order"  # read finely below: the item named makes it a change of items
        if said.reasons and not (said.order_ids or said.products or _ASKS_FOR_A_CHANGE.search(segment)):
            why.append(segment)  # "..., bought by mistake": why, for the request beside it
            continue
        reading = replace(
            state,
            request_text=segment,
            understanding={**state.understanding, "entities": said.model_dump(mode="json")},
        )
        wanted = refine(understood, reading)
        clause = _changes_how_the_order_is_paid(segment) if wanted != CHANGE_PAYMENT and not said.products else None
        if clause and refine("change_order", replace(reading, request_text=clause)) == CHANGE_PAYMENT:
            # "Switch the order's payment to paypal; credit card for any difference" reads as the item change the
            # difference is paid for, and names no item: its own clause changes how the order is paid.
            wanted, segment = CHANGE_PAYMENT, clause
        if wanted == CHANGE_PAYMENT and intent in MONEY_MOVING_FLOWS and not asks_a_change and _BARE_PAY.match(segment):
            # "Swap the lamp for the blue one and pay with my paypal": a method named beside a request that moves
            # money, with no word of changing how the order is paid, pays that request.
            continue
        if wanted == CHANGE_PAYMENT and intent in MONEY_MOVING_FLOWS and _pays_the_request_in_hand(segment):
            # "If there's anything to settle, use my paypal", "switch the payment to my visa for that": how the
            # request in hand is paid (its payment slot), not a change of how an order was paid ("and switch my
            # other order's payment to PayPal" is one). Read so, nothing is written on the order's payment that
            # the customer did not ask for. A clause of its own beside it that does change how the order is paid
            # ("switch the order's payment to paypal; credit card for any difference") is that request, in its
            # own words: the method for the difference stays the request in hand's.
            clause = _changes_how_the_order_is_paid(segment)
            if clause is None:
                continue
            segment = clause
        procedure = procedures.for_intent(wanted)
        if procedure is not None and procedure.end.answer is None:
            requests.append((wanted, segment, frozenset(said.order_ids)))
    in_hand = next((r for r in requests if _same_request(r[0], intent)), None)
    queued: list[QueuedRequest] = []
    seen = {(in_hand[0], in_hand[2])} if in_hand else set()
    for wanted, segment, orders in requests:
        if in_hand is not None and (wanted, segment) == in_hand[:2]:
            continue
        same_kind = _same_request(wanted, intent)
        if same_kind and not (orders and in_hand and in_hand[2] and orders != in_hand[2]):
            continue  # more of the request in hand (another item of the order), not a request of its own
        if (wanted, orders) not in seen:
            seen.add((wanted, orders))
            queued.append({"intent": wanted, "text": segment})
    if in_hand is not None:
        named_alone = {order for wanted, _, orders in requests if len(orders) == 1 for order in orders}
        named = shared_entities(in_hand[1]).order_ids
        words = " ".join([in_hand[1], *why])
        # The same act for its other orders comes first: it was asked for before anything said after it.
        same_act = [
            o for o in _the_other_orders(intent, words, named, procedures) if o.get("order_id") not in named_alone
        ]
        queued = [*same_act, *queued]
    return queued


# A question that points back at what is talked about only with a pronoun ("can it go to my visa instead?", "is there
# anything I can try to get them to pair?"), and says nothing that adds to it ("also", "too", "another order").
_POINTS_BACK = re.compile(r"\b(?:it|its|them|they|that|this|those|these)\b", re.IGNORECASE)
_ADDS_A_REQUEST = re.compile(r"\b(?:also|too|as\s+well|another|else|next|separately)\b", re.IGNORECASE)
# The verbs of an act of its own on an order (money going somewhere is where the matter in hand pays back).
_NAMES_AN_ACT = re.compile(
    r"\b(?:cancel\w*|return\w*|exchang\w*|swap\w*|replac\w*|chang\w*|modify|switch\w*|storn\w*|umtausch\w*)\b",
    re.IGNORECASE,
)


def _asks_about_the_matter_in_hand(segment: str, said: Entities) -> bool:
    """A question about the request in hand, not a request of its own: a question in form that does not ask us to act
    ("could you cancel it?" does), names no order or item of its own and points back at the matter with a pronoun
    ("can it go to my visa instead?", "is there anything I can try first to get them to pair?"). It belongs to this
    turn; queued, it would be offered again after the matter is done ("You also asked: ..."). "Can you also cancel
    #W2?", "could you return the lamp too?" and "can I change the address on that order?" (an act of its own) are
    requests of their own."""
    return (
        asks_about_the_rules(segment)
        and not (said.order_ids or said.products)
        and bool(_POINTS_BACK.search(segment))
        and not _ADDS_A_REQUEST.search(segment)
        and not _NAMES_AN_ACT.search(segment)
        and not ANOTHER_ORDER.search(segment)
    )


def _without_identity(words: str) -> str:
    """The request's words without the sentence that says who they are ("... from another one. I'm Anya Brown, zip
    10121"): the identity was read in its turn, and the offer quotes the request back, not their details."""
    said = shared_entities(words)
    # A postcode inside an address said for the request ("ship #W1 and #W2 to 12 Elm St, Springfield, IL 62704") is
    # the address's, not who they are: dropped, the next order's address would lack it and be asked again.
    zip_codes = [code for code in said.zip_codes if not _in_an_address(words, code)]
    return beyond_identity(words, said.emails, zip_codes)


def _in_an_address(words: str, code: str) -> bool:
    """The postcode ends an address said from its street line on ("... to 9 Birch Road, Austin, TX 73301")."""
    found = re.search(rf"(?<![\w#-]){re.escape(code)}\b", words)
    streets = [m.start() for m in STREET_START.finditer(words, 0, found.start())] if found else []
    return (
        bool(streets)
        and parse_address(words[streets[-1] :])["zip"] == code
        and looks_like_address(words[streets[-1] :])
    )


# Acts on a whole order: a later part of the message that borrows one of these readings only for its verb ("ship it
# to my other address, and change the desk lamp") but names an item of its own changes that item.
_ORDER_LEVEL_ACTS = frozenset({"change_address", CHANGE_DEFAULT_ADDRESS, CHANGE_PAYMENT, "cancel_order"})
_CHANGES_A_THING = re.compile(r"\b(?:chang|swap|exchang|replac|switch|upgrad|tausch|änder)\w*", re.IGNORECASE)
_SAYS_ITS_OWN_ORDER_LEVEL_ACT = re.compile(
    r"\b(?:address|ship\w*|deliver\w*|cancel\w*|storn\w*|adresse|pay\w*|paid|card|paypal|gift\s*card)\b", re.IGNORECASE
)


def _changes_an_item_of_its_own(whole: str, segment: str, said: Entities) -> bool:
    """A later part of a message read only as a whole ("Two things: ship it to the address of #W2, and change the
    desk lamp"): the whole's act is on the order (its address, its payment, cancelling it), this part changes an item
    it names, and says nothing of the whole's act itself. It is a change of items, its own request."""
    return (
        whole in _ORDER_LEVEL_ACTS
        and bool(said.products or said.options)
        and bool(_CHANGES_A_THING.search(segment))
        and not _SAYS_ITS_OWN_ORDER_LEVEL_ACT.search(segment)
    )


def _the_other_orders(intent: str, words: str, named: list[str], procedures: ProcedureSet) -> list[QueuedRequest]:
    """ "Cancel #W1620235 and #W2918688": one act asked for several orders (`named`, in the order said), while a
    procedure's act works on one. The first is the one in hand; each other one waits with the same words, pinned to
    its order. (An order named as where an address comes from is not among them: `graph.nlu.address_source`.)"""
    procedure = procedures.for_intent(intent)
    acts_on_an_order = any(slot.ground in ORDER_KINDS for slot in procedure.slots) if procedure else False
    if procedure is None or procedure.end.answer is not None or not acts_on_an_order:
        return []
    targets = list(dict.fromkeys(named))
    return [
        {"intent": intent, "text": words, "order_id": order_id} for order_id in _listed_together(words, targets)[1:]
    ]


# What may stand between two orders asked for together: "#W1 and #W2", "#W1, #W2 & #W3", "#W1 as well as order #W2",
# or a clause about the first and a word that goes on ("#W1, I ordered that by mistake. And then #W2"); never a word
# that keeps the second ("#W1, not #W2", "#W1 instead of #W2", "a duplicate of #W2, which I keep").
_TOGETHER = re.compile(
    r"(?:^|[\s,.;])(?:(?:and|&|plus|as\s+well\s+as|then|next|also)\s*)+(?:(?:order|orders)\b)?[#\s]*$"
    r"|^[\s,]*(?:order\b)?[#\s]*$",
    re.IGNORECASE,
)
_KEEPS_THE_OTHER = re.compile(r"\b(?:not|instead|rather|keep|duplicate|except|but\s+not|nicht|außer)\b", re.IGNORECASE)


def _listed_together(words: str, order_ids: list[str]) -> list[str]:
    """The orders listed together with the first one ("cancel #W1 and #W2"), up to the first that is not ("cancel
    #W1, not #W2", "#W1 instead of #W2", "#W1, a duplicate of #W2")."""
    places = []
    for order_id in order_ids:
        found = order_mention(words, order_id)
        places.append((found.start(), found.end()) if found else None)
    listed = order_ids[:1]
    for previous, current, order_id in zip(places, places[1:], order_ids[1:], strict=False):
        between = words[previous[1] : current[0]] if previous and current else ""
        if previous is None or current is None or not _TOGETHER.search(between) or _KEEPS_THE_OTHER.search(between):
            break
        listed.append(order_id)
    return listed


# The verbs of a change to an order, for the queue's two readers: a request asked for, and one turned down.
_CHANGE_VERBS = (
    r"cancel\w*|return\w*|exchang\w*|swap\w*|replac\w*|change\w*|modify|switch|refund\w*|storn\w*|zurück\w*"
    r"|umtausch\w*|ändern"
)
_ASKS_FOR_A_CHANGE = re.compile(rf"\b(?:{_CHANGE_VERBS}|send\s+\w+\s+back)\b", re.IGNORECASE)
_NOT_A_REQUEST_OF_THEIRS = re.compile(
    r"\b(?:don'?t|do\s+not|never\s*mind|no\s+need\s+to|not|nicht|kein\w*)\s+(?:\w+\s+){0,2}?"
    rf"(?:{_CHANGE_VERBS}|send)\b"
    r"|\b(?:my|her|his|our)\s+(?:sister|brother|wife|husband|mother|mom|mum|father|dad|friend|neighbou?r|son|daughter"
    r"|partner|colleague|boss)\b|\b(?:she|he)(?:'ll|\s+will|\s+wants?|\s+would)\b",
    re.IGNORECASE,
)


# Money back is what a return or a cancellation gives: "send it all back and get a full refund" is one request.
_MONEY_BACK = frozenset({"refund_request", "return_request", "cancel_order"})


def _same_request(one: str, other: str) -> bool:
    """The same request, or one of them the general "change my order" the other says precisely."""
    if one == other:
        return True
    if {one, other} == {"exchange_request", CHANGE_ITEMS}:
        return True  # a swap of an item is one request whether the order is delivered (exchange) or pending (change)
    return "change_order" in (one, other) and one in CHANGE_FAMILY and other in CHANGE_FAMILY


def same_request(one: str, other: str) -> bool:
    """Two readings of one request ("swap the kettle" read as an exchange while an item change is in hand)."""
    return _same_request(one, other)


def takes_back(dropped: list[str], intent: str) -> bool:
    """One of the requests the customer took back (graph.nlu.drops) is `intent`, or the general change of an order
    that one of them says precisely."""
    return any(_same_request(one, intent) for one in dropped)


def done_already(messages: list[AnyMessage], request: QueuedRequest) -> bool:
    """A request waiting for its turn that this turn's write has just carried out: the same request (a refund is
    what a return or a cancellation gives), about the order written, or naming no order of its own."""
    written = _last_write(messages, this_turn=True)
    if written is None or request.get("more_of_the_order"):
        return False  # more of the order is asked for after a write, not done by it
    done = _REQUEST_OF_WRITE[str(written.name)]
    same = _same_request(request["intent"], done) or {request["intent"], done} <= _MONEY_BACK
    if not same:
        return False
    order_id = _order_of(messages, written)
    said = shared_entities(request["text"])
    named = set(said.order_ids)
    if request.get("order_id"):
        named.add(str(request.get("order_id")))
    if not named:
        # "..., and get a full refund": nothing of its own; "and refund the headphones" may be another order's.
        return not said.products
    return {o.lstrip("#").upper() for o in named} == {order_id.lstrip("#").upper()}


def changed_this_turn(messages: list[AnyMessage]) -> str | None:
    """The order a change of this turn was written on (its address, payment or items), if any."""
    written = _last_write(messages, this_turn=True)
    if written is None or _REQUEST_OF_WRITE[str(written.name)] not in CHANGE_FAMILY:
        return None
    return _order_of(messages, written) or None


def _order_of(messages: list[AnyMessage], written: ToolMessage) -> str:
    """The order the write was called for."""
    return next(
        (
            str((call.get("args") or {}).get("order_id") or "")
            for message in messages
            if isinstance(message, AIMessage)
            for call in message.tool_calls
            if call.get("id") == written.tool_call_id
        ),
        "",
    )


def _last_write(messages: list[AnyMessage], *, this_turn: bool = False) -> ToolMessage | None:
    """The result of the last write carried out (in the conversation, or only since the customer's last message)."""
    for message in reversed(messages):
        if this_turn and isinstance(message, HumanMessage):
            return None
        if not isinstance(message, ToolMessage) or str(message.name) not in _REQUEST_OF_WRITE:
            continue
        if message.status == "error" or '"error"' in str(message.content)[:200]:
            continue
        return message
    return None


def last_done_request(messages: list[AnyMessage]) -> str | None:
    """The request of the last write carried out in the conversation, if any."""
    written = _last_write(messages)
    return _REQUEST_OF_WRITE[str(written.name)] if written is not None else None


# The writes whose payment method is the customer's free choice, not bound to the order (a return's refund goes back
# to what that order was paid with): "the same for #W2" means that method again.
_CHOSEN_METHOD_WRITES = frozenset({"modify_order_payment", "modify_order_items", "exchange_items"})


def last_chosen_method(messages: list[AnyMessage]) -> str | None:
    """The payment method the customer chose for the last write carried out, when that write's method is a choice."""
    written = _last_write(messages)
    if written is None or str(written.name) not in _CHOSEN_METHOD_WRITES:
        return None
    found = _last_done_args(messages, written).get("payment_method_id")
    return str(found) if found else None


def order_last_done(messages: list[AnyMessage], request: str) -> str | None:
    """The order of the last write of this request carried out in the conversation ("the one you just cancelled")."""
    for message in reversed(messages):
        if not isinstance(message, ToolMessage) or _REQUEST_OF_WRITE.get(str(message.name)) != request:
            continue
        if message.status == "error" or '"error"' in str(message.content)[:200]:
            continue
        found = _last_done_args(messages, message).get("order_id")
        return str(found) if found else None
    return None


def _last_done_args(messages: list[AnyMessage], written: ToolMessage) -> dict[str, object]:
    for message in messages:
        for call in getattr(message, "tool_calls", None) or []:
            if isinstance(message, AIMessage) and call.get("id") == written.tool_call_id:
                return dict(call.get("args") or {})
    return {}


# Two names of one request on an order's items: a swap is an exchange once delivered and an item change before.
_ITEM_SWAPS = frozenset({CHANGE_ITEMS, "exchange_request"})


def _names_the_request(named: str, request: str) -> bool:
    return _same_request(named, request) or {named, request} <= _ITEM_SWAPS


def _words_of_the_request_in_hand(state: SupportState, queued: list[QueuedRequest]) -> str:
    """The customer's own words for the request in hand: the message the waiting ones were split from, without
    them (or the latest earlier message, when none of theirs is found)."""
    earlier = [str(m.content) for m in state.messages[:-1] if isinstance(m, HumanMessage)]
    waiting = [r["text"] for r in queued]
    for message in reversed(earlier):
        if any(text in message for text in waiting):
            return without_requests(message, waiting) or message
    return earlier[-1] if earlier else ""


def put_ahead(state: SupportState, named: str | None) -> tuple[QueuedRequest, list[QueuedRequest]] | None:
    """At a proposal with other requests waiting, the message asks that the waiting one it names (`named`, by
    graph.nlu.precedence) be done first: that request, and the line behind it (the one in hand first, then the
    rest, so nothing is lost); None when it names none of the waiting ones."""
    queued = list(state.dialogue.get("queued") or [])
    in_hand = str(state.dialogue.get("intent") or "")
    if not (named and state.pending_action and queued and in_hand) or _names_the_request(named, in_hand):
        return None
    chosen = next((r for r in queued if _names_the_request(named, str(r["intent"]))), None)
    if chosen is None:
        return None
    words = _words_of_the_request_in_hand(state, queued)
    behind: list[QueuedRequest] = []
    if words:
        behind = [{"intent": in_hand, "text": words}]
        if order_id := (state.dialogue.get("slots") or {}).get("order_id"):
            behind[0]["order_id"] = str(order_id)  # the order it was proposed for, whatever the words name
    return chosen, [*behind, *(r for r in queued if r is not chosen)]


def changes_places(state: SupportState) -> list[QueuedRequest] | None:
    """While we ask a detail of the request in hand for one order ("why cancel #W1?"), the answer is said for another
    order waiting in line for the same act ("#W2 because I ordered it by mistake"): that order is worked on now, and
    the one in hand takes its place in line, pinned to its order, so that neither request is lost. The new line, or
    None when the message names no such order (or names the one in hand, or several)."""
    queued = list(state.dialogue.get("queued") or [])
    in_hand = str(state.dialogue.get("intent") or "")
    order_id = str((state.dialogue.get("slots") or {}).get("order_id") or "")
    if state.pending_action or not (queued and in_hand and order_id) or state.dialogue.get("awaiting") == NEXT_REQUEST:
        return None
    named = {o.lstrip("#").upper() for o in shared_entities(last_text(state)).order_ids}
    if len(named) != 1 or order_id.lstrip("#").upper() in named:
        return None
    for index, waiting in enumerate(queued):
        pinned = str(waiting.get("order_id") or "").lstrip("#").upper()
        if pinned in named and _same_request(str(waiting["intent"]), in_hand):
            words = _words_of_the_request_in_hand(state, queued) or waiting["text"]
            behind: QueuedRequest = {"intent": in_hand, "text": words, "order_id": order_id}
            return [*queued[:index], behind, *queued[index + 1 :]]
    return None


def _orders_of(request: QueuedRequest) -> set[str]:
    """The orders a waiting request is for: the one it is pinned to, or those its words name."""
    pinned = request.get("order_id")
    return {str(pinned)} if pinned else set(shared_entities(request["text"]).order_ids)


def queue_beside(queued: list[QueuedRequest], request: QueuedRequest) -> list[QueuedRequest]:
    """The line of waiting requests with `request` in it. Said again while it waits ("yes go ahead. Also cancel #W2,
    ordered it by mistake", the cancellation of #W2 already waiting), it is the same request: it keeps its place and
    takes the new words beside its own (a reason, a detail), and is not queued a second time. The same procedure for
    another order is a request of its own; one of the two naming no order is taken for the other's."""
    orders = _orders_of(request)
    for index, waiting in enumerate(queued):
        if not _same_request(str(waiting["intent"]), str(request["intent"])):
            continue
        theirs = _orders_of(waiting)
        if orders and theirs and not orders & theirs:
            continue
        # The general "change my order" gives way to the change said precisely.
        intent = request["intent"] if waiting["intent"] == "change_order" else waiting["intent"]
        merged: QueuedRequest = {"intent": intent, "text": waiting["text"]}
        if request["text"] not in waiting["text"]:
            merged["text"] = f"{waiting['text'].rstrip(' .')}. {request['text']}"
        if pinned := waiting.get("order_id") or (next(iter(orders)) if len(orders) == 1 and not theirs else None):
            merged["order_id"] = pinned
        return [*queued[:index], merged, *queued[index + 1 :]]
    return [*queued, request]


# Where a yes ends and another request may begin: a sentence, a clause set off by a dash, or one opened by "also"
# ("yes go ahead, and also cancel #W2", "ja, bitte. Und dann storniere noch #W2").
_AFTER_THE_YES = re.compile(
    r"(?<=[.!?;])\s+|\s[-–—]+\s|,?\s+(?:and\s+)?also\s+|,\s*(?:and\s+)?(?:then|plus)\s+|,\s*und\s+(?:dann\s+|auch\s+)+"
    # "yes please, and do the same for #W2", "ok, and #W2 too": an "and" that turns to another order; "sure, do the
    # same for #W2": the act again, after a comma alone.
    r"|,\s*(?=(?:please\s+|bitte\s+)?(?:do|mach\w*)\s+(?:the\s+)?(?:same|dasselbe|das\s+gleiche)\b)"
    r"|,?\s+(?:and|und)\s+(?=(?:please\s+|bitte\s+)?(?:do\s+|mach\w*\s+)?(?:the\s+)?(?:same|dasselbe|das\s+gleiche)\b"
    r"|(?:(?:order|for|für|bestellung)\s+)?#?\s?W\d)",
    re.IGNORECASE,
)
# The proposal's act again, said for another order after the yes: "also #W2, same thing", "do the same for #W2", "#W2
# as well", "für #W2 auch". The "same" or "too" sits by the order's id or by the act ("the same for #W2", "#W2 too",
# "also #W2"); apart from both it says something else of that order ("is #W2 still pending as well?", "the refund
# goes to the same card as #W2").
_ID = r"(?:(?:order|bestellung)\s+)?#?\s?W?\d{4,8}\b"
_SAME_ACT_AGAIN = re.compile(
    r"\b(?:(?:do|the|same|dasselbe|das\s+gleiche|genauso|ebenso)\s+)?(?:same|likewise|ditto|dasselbe|das\s+gleiche"
    r"|genauso|ebenso)(?:\s+(?:thing|procedure|please|bitte))?\s+(?:for|with|to|on|für|bei|mit)\s+(?:the\s+|die\s+)?"
    + _ID
    + r"|"
    + _ID
    + r"\s*[,:]?\s*(?:please\s+|bitte\s+)?(?:too|as\s+well|also|likewise|the\s+same|same(?:\s+thing)?|ditto|auch"
    r"|ebenso|genauso|dasselbe|das\s+gleiche)\b"
    r"|\b(?:also|too|auch)\s+(?:(?:for|für|with|mit)\s+)?(?:the\s+|die\s+)?" + _ID,
    re.IGNORECASE,
)
# Readings that are no request of their own: the rest of a yes read as one of them may still be the proposal's act.
_NO_REQUEST_OF_ITS_OWN = CONTINUATION_INTENTS | IDENTITY_ONLY_READINGS


def _only_a_yes(part: str, action: str) -> bool:
    """The clause gives the yes to the proposal, unheld, and asks nothing."""
    return gives_a_yes(part, action) and not holds_back(part, action) and not asks_something(part)


def yes_and_other_requests(state: SupportState, intent: str, action: str) -> list[QueuedRequest]:
    """ "Yes please go ahead. Also cancel #W2, I ordered it by mistake": the reply opens with a yes to the proposal,
    given whole in its own clauses, and goes on to a request of another procedure (`intent`, as the message was
    read): that request, for its own turn once the proposal is carried out (the proposal's act for each other order
    named: "yes. also #W2 and #W3"); none otherwise. What follows the yes must not give a yes itself, nor be the
    proposal's own request again (a detail of it is the correction reader's)."""
    text = last_text(state)
    parts = [part.strip() for part in _AFTER_THE_YES.split(text) if part and part.strip()]
    opening = 0
    while opening < len(parts) and _only_a_yes(parts[opening], action):
        opening += 1
    if opening == 0 or opening == len(parts):
        return []
    rest = " ".join(parts[opening:])
    named = {o.lstrip("#").upper() for o in shared_entities(rest).order_ids}
    if named and named <= {o.lstrip("#").upper() for o in orders_named_for_reference(rest)}:
        # "Yes. The refund goes to the same card as #W2": another order named only for what it has (a card, an
        # address) is a detail of the proposal, read by the correction reader; no request for that order.
        return []
    if only_says_where_money_goes(rest):
        # "ok. if anything gets charged use my credit card": where the proposal's money goes, a detail of it (read by
        # the correction reader), not a request to go on with once it is done.
        return []
    # Read as a request of its own where the message was read in parts ("yes please go ahead" / "I want to cancel
    # #W2"): the reading of the part in the rest, not of the whole, which the yes may carry.
    for part in state.understanding.get("intents") or []:
        if str(part.get("segment") or "") and str(part.get("segment")) in rest:
            intent = str(part.get("intent") or "")
            break
    proposed = _REQUEST_OF_WRITE.get(action, "")
    if again := _same_act_for_other_orders(state, rest, intent, proposed, action):
        return again
    if not intent or _names_the_request(intent, proposed) or gives_a_yes(rest, action):
        return []
    if holds_back(rest, WRITE_OF_REQUEST.get(intent, "")):
        # "Yes. But I want the refund, not store credit": a reservation about the proposal (a no, a wait, a
        # condition, beyond the new request's own act), no request of its own: the yes is not taken whole.
        return []
    return [{"intent": intent, "text": rest}]


def _same_act_for_other_orders(
    state: SupportState, rest: str, intent: str, proposed: str, action: str
) -> list[QueuedRequest]:
    """ "Yes. Also #W2, same thing", "yes please, and do the same for #W2 and #W3": after the yes, the proposal's own
    act for other orders. Each is that order's request, waiting for its own proposal and yes once this one is carried
    out (never dropped, never written on this yes, none of them left out). Orders named by their ids, and no
    reservation."""
    if not proposed or not state.pending_action:
        return []
    in_hand = str((state.pending_action.get("args") or {}).get("order_id") or "").lstrip("#").upper()
    # Orders named for what they have ("..., and refund it to the card of #W3") are no orders to act on.
    referenced = {o.lstrip("#").upper() for o in orders_named_for_reference(rest)}
    others = list(
        dict.fromkeys(o for o in shared_entities(rest).order_ids if o.lstrip("#").upper() not in {in_hand, *referenced})
    )
    if not others or holds_back(rest, action):
        return []
    if "?" in rest and asks_without_a_request(rest):
        # "Is #W2 still pending as well?": a question about that order, answered; no act on it. (Asked as a question,
        # "could you do the same for #W2?" asks us to act; "do the same for #W2" opens with "do" and asks nothing.)
        return []
    # "#W2 too, also ordered by mistake": a value only the proposal's act takes (a reason to cancel) says that act
    # again, however the words were read on their own (a complaint).
    its_values = proposed == "cancel_order" and bool(extract_reasons(rest))
    if intent and intent not in _NO_REQUEST_OF_ITS_OWN and not _names_the_request(intent, proposed) and not its_values:
        return []  # a request of its own about that order, not this act again
    if not (_names_the_request(intent, proposed) or _SAME_ACT_AGAIN.search(rest)):
        return []
    return [{"intent": proposed, "text": rest, "order_id": other} for other in others]
