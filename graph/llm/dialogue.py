"""The local engine's dialogue policy: which tool to call next, and which slot to ask for when one is missing.

It fills slots across turns (the order id given two messages ago still counts), verifies the customer before any
personal data, reads before it writes, and proposes writes only with every argument known, so that the graph can
list the details and ask the customer to confirm.

What each routine task collects, reads and writes is declared data: the procedures in graph/procedures/builtin.yaml
(order status and lists, cancel, the shipping address of a pending order and the account's default address, items
of a pending order and exchanges of a delivered one, the payment method of a pending order, returns, refunds,
voucher codes, goodwill credit, identity), overridden or extended per shop (graph/procedures/README.md). This module
reads which procedure a message starts or continues, remembers slots across turns, and implements the grounding
kinds the declarations name: the customer's words read against their own orders, items, variants, payment methods
and addresses. A procedure re-reads the order in the turn it writes, so the reply and the critique have this turn's
evidence, and says so when the order's status rules the change out rather than letting the write fail. The shop's
rules stay in the tools: their refusals reach the customer as worded.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, ToolMessage

from graph.dialogue_state import QueuedRequest
from graph.llm.addresses import completes_address, looks_like_address, missing, parse_address
from graph.llm.matching import (
    DIRECTS_MONEY,
    GOODWILL_CUE,
    Similarity,
    asks_for_the_same_item,
    current_payment_method,
    described_items,
    described_units,
    goodwill_reason,
    ground_orders,
    item_segment,
    matching_items,
    matching_methods,
    matching_variants,
    named_items,
    option_values,
    options_in,
    original_payment_method,
    paid_methods,
    payment_mention,
    refers_to_an_order,
    says_the_same_again,
    split_exclusion,
    the_other_unit,
    voucher_code,
    wishes_per_unit,
)
from graph.nlu.confirmation import gives_a_yes, wants_nothing_more
from graph.nlu.drops import dropped_requests, drops_one_request
from graph.nlu.entities import (
    beyond_identity,
    capitalised_names,
    extract_options,
    order_mention,
    own_reasons,
    shared_entities,
)
from graph.nlu.general import (
    asks_about_progress,
    asks_about_the_rules,
    asks_for_their_orders,
    asks_in_general,
    asks_something,
    points_at_their_order,
)
from graph.nlu.segment import sentences, split_requests
from graph.procedures.interpreter import Grounding, Run, ask_code, run_procedure, split_code
from graph.procedures.loader import ProcedureSet, builtin_procedures, procedures_for
from graph.procedures.reading import procedure_reading
from graph.procedures.schema import ORDER_KINDS, Slot
from graph.state import Repair, SupportState
from shopdesk.profile import ShopProfile
from tools.registry import TOOL_NAMES, VERIFYING_TOOLS

# Tool names, from the tools' declarations: a name no tool declares is an AttributeError at import.
FIND_BY_EMAIL = TOOL_NAMES.find_customer_by_email
FIND_BY_NAME_ZIP = TOOL_NAMES.find_customer_by_name_zip
ORDER_DETAILS = TOOL_NAMES.get_order_details
LIST_ORDERS = TOOL_NAMES.list_recent_orders
CUSTOMER_DETAILS = TOOL_NAMES.get_customer_details
RETURN_STATUS = TOOL_NAMES.get_return_status
RETURN_ELIGIBILITY = TOOL_NAMES.check_return_eligibility
PRODUCT_DETAILS = TOOL_NAMES.get_product_details
SUGGEST_PRODUCTS = TOOL_NAMES.suggest_products
CHECK_VOUCHER = TOOL_NAMES.check_voucher
CANCEL_ORDER = TOOL_NAMES.cancel_order
RETURN_ITEMS = TOOL_NAMES.return_items
MODIFY_ADDRESS = TOOL_NAMES.modify_order_address
MODIFY_DEFAULT_ADDRESS = TOOL_NAMES.modify_default_address
MODIFY_ITEMS = TOOL_NAMES.modify_order_items
MODIFY_PAYMENT = TOOL_NAMES.modify_order_payment
EXCHANGE_ITEMS = TOOL_NAMES.exchange_items
ISSUE_GOODWILL = TOOL_NAMES.issue_goodwill_credit
IDENTITY_TOOLS = VERIFYING_TOOLS
# The customer says who they are before saying what they need ("Hi, I'm Ethan Garcia, 80280"): we look them up.
IDENTIFY = "verify_identity"
ADDRESS_FIELDS = ("address1", "address2", "city", "state", "country", "zip")

# The policy's own readings of a request, finer than the classifier's intents: the gate routes them to the tools.
CHANGE_DEFAULT_ADDRESS = "change_default_address"
CHANGE_ITEMS = "change_items"
CHANGE_PAYMENT = "change_payment"
VOUCHER_CHECK = "voucher_check"
GOODWILL = "goodwill"
ITEM_PROBLEM = "item_problem"
# What can be wrong with a received item that the shop puts right with a return or an exchange.
FAULTS = frozenset({"damaged", "defective", "incomplete", "wrong_item", "not_as_described"})
# Flows that change an order: their replies describe the order in one line, not with its tracking.
ORDER_CHANGES = frozenset({"change_address", CHANGE_ITEMS, CHANGE_PAYMENT, "change_order"})

# Flows whose proposal charges or refunds a difference: a payment method named at their confirmation corrects it.
MONEY_MOVING_FLOWS = frozenset({"return_request", "exchange_request", CHANGE_ITEMS})
# The request each write carries out: a correction at its confirmation goes back to that request.
_REQUEST_OF_WRITE = {
    CANCEL_ORDER: "cancel_order",
    RETURN_ITEMS: "return_request",
    EXCHANGE_ITEMS: "exchange_request",
    MODIFY_ITEMS: CHANGE_ITEMS,
    MODIFY_PAYMENT: CHANGE_PAYMENT,
    MODIFY_ADDRESS: "change_address",
    MODIFY_DEFAULT_ADDRESS: CHANGE_DEFAULT_ADDRESS,
}
# The write each request leads to ("yes, cancel that one too" names the act of the request offered).
WRITE_OF_REQUEST = {request: write for write, request in _REQUEST_OF_WRITE.items()}
# Requests that refine one another ("change my order" -> "the size"): they share what was collected.
CHANGE_FAMILY = frozenset({"change_order", "change_address", CHANGE_DEFAULT_ADDRESS, CHANGE_ITEMS, CHANGE_PAYMENT})

# Intents the built-in procedures serve (the gate sends them to act). All but the voucher check touch a customer's
# own data, so nothing happens before the customer is verified.
PERSONAL_INTENTS = builtin_procedures().intents() - {IDENTIFY}
# How a message that only says who the customer is may read ("hello! Ethan Garcia from 80280" as a greeting).
IDENTITY_ONLY_READINGS = frozenset({"greeting_thanks", "affirm", "deny", "feedback", "out_of_scope", IDENTIFY})
# Every order of the customer can be chosen, not only the latest few (the tool's own maximum).
ALL_ORDERS = {"limit": 50}
# Requests about one particular thing however they are asked: a code to check, the account's own address.
NEVER_GENERAL = frozenset({VOUCHER_CHECK, CHANGE_DEFAULT_ADDRESS})
# Answers to the bot's own questions: they continue the intent in progress rather than start a new one.
CONTINUATION_INTENTS = frozenset({"verify_identity", "affirm", "deny"})
# A policy question that names one of the customer's orders is a question about that order.
ABOUT_AN_ORDER = {"refund_policy": "return_request", "delivery_options": "order_status"}
# A delivery question that points at the order already talked about ("which carrier is it with?", "what shipping
# method is my parcel on?") asks about that order: its status says the carrier, the tracking and the expected date.
# Not a return question ("what's the return window for it?"): the policy answers it, and reading it as a request
# would start a return nobody asked for.
ABOUT_THE_ORDER_IN_HAND = {"delivery_options": "order_status"}
# How the intent model reads a request for the list of one's orders ("show me my orders" reads as a change).
ORDER_LIST_READINGS = frozenset({"order_status", "change_order"})
CANCEL_REASONS = {"no_longer_needed": "no longer needed", "ordered_by_mistake": "ordered by mistake"}
# Slots that belong to one request; a new request starts without them (identity and the order id carry over).
FLOW_SLOTS = (
    "some_item",
    "order_hint",
    "order_choices",
    "address",
    "options",
    "option_values",
    "item_id",
    "product_id",
    "payment",
    "voucher_code",
    "amount",
    "goodwill_reason",
    "item_hint",
    "item_queue",
    "swaps",
    "for_customer",
    "told_same",
    "used_text",
    "payment_chosen",
    "payment_choices",
    "paid_with",
    "address_source",
    "faulty_unit",
    "remedy_asked",
    # What a shop's own procedure collected (its generic grounding kinds), and the last answer to its own question.
    "procedure_values",
    "procedure_answer",
    "item_answer",
    "proposed_items",
    "item_option_values",
    "item_wishes",
    "unit_wishes",
)
# What was settled about the items of one order: another order starts afresh.
ITEM_SLOTS = (
    # Why an order is cancelled is that order's: the next order's cancellation asks again.
    "cancel_reason",
    "some_item",
    "item_id",
    "product_id",
    "item_queue",
    "swaps",
    "item_hint",
    "told_same",
    "used_text",
    "payment_chosen",
    "payment_choices",
    "paid_with",
    "order_items",
    "faulty_unit",
    "remedy_asked",
    "item_answer",
    "item_option_values",
    "item_wishes",
    "unit_wishes",
    "proposed_items",
)
DEFAULT_ADDRESS_CUE = re.compile(r"\b(default|account|profile|on\s+file|billing|i(?:'ve|\s+have)?\s+moved)\b", re.I)
# Requests that name a late parcel and a voucher but want something else done.
NOT_GOODWILL = frozenset({"cancel_order", "return_request", "exchange_request", "change_address", "change_order"})
# Look-ups that found nobody before we stop trying: someone guessing names and zip codes gets no further.
MAX_IDENTITY_ATTEMPTS = 6
# Answers that repeat details already looked up and not found before a person takes over.
STALE_IDENTITY_ANSWERS = 2
# A goodwill credit the bot offers when the customer names no amount, if the profile allows that much.
DEFAULT_GOODWILL = 10.0


@dataclass
class ToolResult:
    name: str
    ok: bool
    data: Any
    call_id: str
    # The arguments it was called with (from the call in this turn's messages).
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    intent: str
    slots: dict[str, Any]
    reads: list[dict[str, Any]] = field(default_factory=list)
    write: dict[str, Any] | None = None
    awaiting: str | None = None
    # Something the reply must say that no tool result says by itself: {"code": ..., facts the reply may state}.
    notice: dict[str, Any] | None = None
    # The dialogue has run out of moves (why, as a reason code), or a procedure ends with a person (its reason code,
    # what the customer is told and the packet the person gets): a person takes over.
    handoff: str | dict[str, Any] | None = None
    # How alike phrases are in meaning (the engine's embedder), for things no word of the customer's matches.
    similar: Similarity | None = field(default=None, repr=False, compare=False)


def turn_messages(messages: list[AnyMessage]) -> list[AnyMessage]:
    """The messages since the customer's last message."""
    for index in range(len(messages) - 1, -1, -1):
        if isinstance(messages[index], HumanMessage):
            return messages[index + 1 :]
    return list(messages)


def tool_results(messages: list[AnyMessage]) -> list[ToolResult]:
    results = []
    calls = {
        str(call.get("id")): dict(call.get("args") or {})
        for message in turn_messages(messages)
        for call in (getattr(message, "tool_calls", None) or [])
    }
    for message in turn_messages(messages):
        if isinstance(message, ToolMessage):
            try:
                data = json.loads(message.content) if isinstance(message.content, str) else message.content
            except json.JSONDecodeError:
                data = message.content
            ok = message.status != "error" and not (isinstance(data, dict) and data.get("error"))
            args = calls.get(str(message.tool_call_id), {})
            results.append(ToolResult(str(message.name), ok, data, message.tool_call_id, args))
    return results


def customer_turns(messages: list[AnyMessage]) -> int:
    return sum(isinstance(m, HumanMessage) for m in messages)


def last_text(state: SupportState) -> str:
    """The words this turn works on: the customer's latest message, or the request of an earlier message that was
    queued and is taken up now on their yes (SupportState.request_text)."""
    if state.request_text:
        return state.request_text
    for message in reversed(state.messages):
        if isinstance(message, HumanMessage):
            return str(message.content)
    return str(state.understanding.get("text", ""))


def closes(state: SupportState) -> bool:
    """ "No, that's all. Thank you!" with nothing proposed and no detail asked for: the customer is done (a no to
    "anything else?"), not answering the request in hand again."""
    awaiting = state.dialogue.get("awaiting")
    return not state.pending_action and awaiting in (None, "clarification") and wants_nothing_more(last_text(state))


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
            DEFAULT_ADDRESS_CUE.search(text)
        )
    if awaiting == "cancel_reason":
        return any(reason in CANCEL_REASONS for reason in entities.get("reasons", []))
    if awaiting == "address":
        partial = (slots or {}).get("address")
        return (
            looks_like_address(text)
            or address_source(text) is not None
            or bool(partial and len(missing(_completed(partial, text))) < len(missing(partial)))
        )
    if awaiting == "item":
        return bool(entities.get("products") or entities.get("options"))
    if awaiting == "options":
        return bool(entities.get("options") or options_in(text, (slots or {}).get("option_values") or {}))
    if awaiting == "payment_method":
        return payment_mention(text, asked=True) is not None
    if awaiting == "voucher_code":
        return voucher_code(text) is not None
    if awaiting == "change_what":
        return bool(entities.get("options") or entities.get("products") or payment_mention(text))
    if awaiting == "remedy":
        return named_remedy(text) is not None
    if awaiting and split_code(awaiting):
        # A question a shop's procedure words itself: whatever the customer says next answers it.
        return bool(text.strip())
    return False


def is_continuation(state: SupportState) -> bool:
    """The message carries on the request in progress rather than starting a new one."""
    if not state.dialogue.get("intent"):
        return False
    understood = str(state.understanding.get("intent", ""))
    entities = state.understanding.get("entities", {})
    if state.dialogue.get("intent") == VOUCHER_CHECK and voucher_code(last_text(state)):
        return True  # "and SUMMER10?" after a code was checked
    return understood in CONTINUATION_INTENTS or fills_awaited_slot(
        state.dialogue.get("awaiting"), entities, last_text(state), state.dialogue.get("slots")
    )


def refine(understood: str, state: SupportState) -> str:
    """The classifier's intent, read more finely from the message: which change, a code to check, a goodwill ask."""
    text = last_text(state)
    entities = state.understanding.get("entities", {})
    goodwill_asked = GOODWILL_CUE.search(text) and goodwill_reason(text, entities.get("reasons", []))
    if goodwill_asked and understood not in NOT_GOODWILL:
        return GOODWILL
    if understood == "discount_voucher" and voucher_code(text):
        return VOUCHER_CHECK
    faulty = bool(set(entities.get("reasons") or []) & FAULTS)
    if understood == "return_request" and faulty and named_remedy(text) == "exchange":
        # "It stopped working - I'd like the exact same one again": a fault read as a return, asking for a new unit.
        return "exchange_request"
    if understood == "change_address":
        return (
            CHANGE_DEFAULT_ADDRESS if DEFAULT_ADDRESS_CUE.search(text) and not entities.get("order_ids") else understood
        )
    paying = re.search(r"\b(pay|paid|switch|use|instead|change|charge)\b", text, re.IGNORECASE)
    names_an_item = bool(entities.get("options") or entities.get("products"))
    if understood in ("change_order", "exchange_request") and names_an_item:
        # "The watch with a blue dial instead, and the difference on my credit card": an item change that says
        # where its difference goes (the payment slot), not a change of how the whole order is paid.
        return CHANGE_ITEMS
    if understood in ("change_order", "payment_issue", "exchange_request") and payment_mention(text) and paying:
        # "Charge the difference to my other card", "I still want the exchange, paid with my visa": the method pays
        # for an item change, it does not change how the order was paid.
        return CHANGE_ITEMS if _PAYS_FOR_AN_ITEM_CHANGE.search(text) else CHANGE_PAYMENT
    changing = re.search(r"\b(?:change|switch|update|instead|different(?:ly)?|another|other)\b", text, re.IGNORECASE)
    if understood in ("change_order", "payment_issue") and changing and _HOW_IT_IS_PAID.search(text):
        # "I need to change the payment method on #W1", "can I pay for it another way?": how the order is paid.
        return CHANGE_PAYMENT
    if understood in ("change_order", "exchange_request") and (
        entities.get("options") or understood == "exchange_request"
    ):
        return CHANGE_ITEMS
    if understood == "change_order" and entities.get("products"):
        return CHANGE_ITEMS
    moving = re.search(r"\b(ship|send|deliver|change|update)\b", text, re.IGNORECASE)
    if understood in ("change_order", "order_status") and moving and looks_like_address(text):
        return "change_address"
    return understood


# A method named for what the change in hand may cost: "if there's anything to settle", "should anything be owed",
# "for any difference", "whatever it costs", "if anything needs paying".
_PAYS_WHAT_IS_OWED = re.compile(
    r"\b(?:settle|owed?|owing|due|difference|differenz|aufpreis|extra|costs?|pay(?:ing)?\s+for\s+(?:it|that|this)"
    r"|needs?\s+(?:paying|to\s+be\s+paid)|anything|whatever)\b",
    re.IGNORECASE,
)
# The kinds of payment method in a customer's words, to tell one method named (what pays) from two (a switch).
_METHOD_WORDS = re.compile(r"\b(?:paypal|visa|mastercard|amex|gift\s*card|credit\s*card|debit\s*card|apple\s*pay)\b")
# How an order is paid, named without naming a method: "the payment method", "pay another way", "what I paid with".
_HOW_IT_IS_PAID = re.compile(
    r"\b(?:payment\s+(?:method|option|type|card)|(?:pay|paid|paying)\s+(?:for\s+(?:\S+\s+){1,3})?"
    r"(?:with|by|using|another\s+way|differently|some\s+other\s+way)|how\s+(?:i|it)\s+(?:pay|paid|is\s+paid)"
    r"|zahlungs(?:art|methode|mittel))\b",
    re.IGNORECASE,
)
_PAYS_FOR_AN_ITEM_CHANGE = re.compile(
    r"\b(?:exchang\w*|swap\w*|replac\w*|(?:price\s+)?difference|umtausch\w*|tausch\w*|differenz|aufpreis)\b",
    re.IGNORECASE,
)


def serves(intent: str, profile: ShopProfile | None = None) -> bool:
    """Whether an enabled procedure of the shop carries out this request (the gate sends it to the tools)."""
    return intent != IDENTIFY and procedures_for(profile).for_intent(intent) is not None


def reads_as_shop_procedure(state: SupportState, profile: ShopProfile | None = None) -> bool:
    """The message is closer in meaning to an example of one of the shop's own procedures than to any example of the
    intent bank: a clear request, however unsure the intent model (which has no such intent) is."""
    return procedure_reading(last_text(state), procedures_for(profile)) is not None


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
    if in_progress == "change_address" and awaiting == "order_id" and DEFAULT_ADDRESS_CUE.search(last_text(state)):
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
        if looks_like_address(text) or understood == "change_address":
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
    nothing_in_hand = in_progress in (None, ITEM_PROBLEM) or not serves(str(in_progress), profile)
    if nothing_in_hand and reports_a_fault(state) and serves(ITEM_PROBLEM, profile):
        # "The puzzle I got is missing pieces", "my earbuds won't pair": a fault, told without asking for anything
        # (the intent model reads a complaint, or guesses). The shop's remedies are offered, not a policy page.
        return ITEM_PROBLEM
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


_WANTS_IT_OTHERWISE = re.compile(
    r"\b(?:want|wanna|would\s+like|'d\s+like|prefer|rather|instead|make\s+(?:it|that|them)|should\s+be"
    r"|needs?\s+to\s+be|change|swap|switch|möchte|hätte\s+gern\w*|lieber|stattdessen)\b",
    re.IGNORECASE,
)


_QUANTITY = re.compile(
    r"\b\d+(?:[.,]\d+)?\s?(?:l|ml|liters?|litres?|inch(?:es)?|in|ft|feet|foot|gb|tb|mah|w|cm|mm|oz|kg|lbs?|hours?|mp|x)\b",
    re.I,
)
_OPTION_WORDS = re.compile(
    r"\b(?:size|colou?r|material|capacity|length|width|style|version|model|design|finish)\b", re.I
)


# How it should be, in any option's words ("should be leather", "needs to be the mountain one instead"): the
# form says a wish for the item only when what follows is one of its option values or an option word ("should be
# size M", "has to be the 2TB one"); not how its delivery, its working or its price should be ("should be here by
# now", "should be brighter for that price", "should be under warranty").
_SHOULD_BE = re.compile(
    r"\b(?:should|needs?\s+to|has\s+to|must|ought\s+to)\s+be\s+(?:the\s+|an?\s+|in\s+)?((?:[\w.-]+\s*){1,3})",
    re.IGNORECASE,
)
_INSTEAD = re.compile(r"\b(?:instead|rather)\b", re.IGNORECASE)


def said_otherwise(text: str, values: set[str]) -> bool:
    """The message says how an item should be in its options' words: "instead"/"rather", or "should/needs to be"
    followed by one of `values` (the item's option values, lower case) or an option word, size or quantity."""
    if _INSTEAD.search(text):
        return True
    for match in _SHOULD_BE.finditer(text):
        after = match.group(1)
        words = re.findall(r"[\w.-]+", after.lower())
        phrases = {" ".join(words[:n]) for n in range(1, len(words) + 1)} | set(words)
        if phrases & values or _OPTION_WORDS.search(after) or _QUANTITY.search(after) or extract_options(match[0]):
            return True
    return False


def wants_another_version(state: SupportState) -> str | None:
    """ "Then the kettle, I want the 1.5L one, still plastic and white": an item of the order in hand, named with how
    the customer wants it, and not asked about. A change of that item (an exchange once the order is delivered),
    however the intent model read the words (a product question, a remark)."""
    understood = str(state.understanding.get("intent", ""))
    slots = state.dialogue.get("slots", {})
    items = slots.get("order_items") or []
    if understood in PERSONAL_INTENTS or understood in CONTINUATION_INTENTS or not items or not state.customer:
        return None
    text = last_text(state)
    if asks_something(text) or not _WANTS_IT_OTHERWISE.search(text) or _LEFT_OUT.search(text):
        return None
    named = named_items(items, text)
    # How they want it said in options ("the 1.5L one", "medium room size, carbon filter", "in blue"), not "I'd
    # like to know the warranty on the boots".
    own = {str(v).lower() for i in named for v in (i.get("options") or {}).values()}
    said = {str(v).lower() for v in extract_options(text).values()}
    # Its product's option values, once read, tell "should be velvet" from "should be brighter".
    known = slots.get("item_option_values") or {}
    values = own | {
        str(v).lower() for i in named for vs in (known.get(str(i.get("item_id"))) or {}).values() for v in vs
    }
    if not named or not (
        said - own or _QUANTITY.search(text) or _OPTION_WORDS.search(text) or said_otherwise(text, values)
    ):
        return None
    status = slots.get("order_status")
    if status == "delivered":
        return "exchange_request"
    return CHANGE_ITEMS if status in (None, "", "pending") else None


def other_requests(state: SupportState, intent: str, profile: ShopProfile | None = None) -> list[QueuedRequest]:
    """The message's requests beside the one in hand ("cancel #W1, and also return the lamp from #W2"), in their
    order, each for a turn of its own once the one in hand is done. Only requests whose procedure ends in a change or
    with a person count: questions asked together are answered together (the answer splits the message itself), and
    the same request in other words, or about items of the same order, is the one in hand (it takes several items)."""
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
    for segment in segments:
        # With one reading for the whole message, every segment shares it (and must say its request in so many
        # words); with several, a segment the model was unsure of is no request of its own. A request turned down
        # ("and don't cancel #W2") or someone else's ("my sister wants to return hers") is none of theirs to queue.
        understood = read.get(segment) or (whole if len(parts) <= 1 and _ASKS_FOR_A_CHANGE.search(segment) else None)
        if understood is None or _NOT_A_REQUEST_OF_THEIRS.search(segment) or drops_one_request(segment):
            continue
        said = shared_entities(segment)
        if said.reasons and not (said.order_ids or said.products or _ASKS_FOR_A_CHANGE.search(segment)):
            why.append(segment)  # "..., bought by mistake": why, for the request beside it
            continue
        reading = replace(
            state,
            request_text=segment,
            understanding={**state.understanding, "entities": said.model_dump(mode="json")},
        )
        wanted = refine(understood, reading)
        if wanted == CHANGE_PAYMENT and intent in MONEY_MOVING_FLOWS and _PAYS_WHAT_IS_OWED.search(segment):
            # "If there's anything to settle, use my paypal": how the request in hand is paid (its payment slot),
            # not a change of how an order was paid ("and switch my other order's payment to PayPal" is one).
            continue
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


def _the_other_orders(intent: str, words: str, named: list[str], procedures: ProcedureSet) -> list[QueuedRequest]:
    """ "Cancel #W1620235 and #W2918688": one act asked for several orders (`named`, in the order said), while a
    procedure's act works on one. The first is the one in hand; each other one waits with the same words, pinned to
    its order. An order named as where an address comes from is not one to change."""
    procedure = procedures.for_intent(intent)
    acts_on_an_order = any(slot.ground in ORDER_KINDS for slot in procedure.slots) if procedure else False
    if procedure is None or procedure.end.answer is not None or not acts_on_an_order:
        return []
    source = address_source(words)
    targets = [order_id for order_id in dict.fromkeys(named) if order_id != source]
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
    return "change_order" in (one, other) and one in CHANGE_FAMILY and other in CHANGE_FAMILY


def takes_back(dropped: list[str], intent: str) -> bool:
    """One of the requests the customer took back (graph.nlu.drops) is `intent`, or the general change of an order
    that one of them says precisely."""
    return any(_same_request(one, intent) for one in dropped)


def done_already(messages: list[AnyMessage], request: QueuedRequest) -> bool:
    """A request waiting for its turn that this turn's write has just carried out: the same request (a refund is
    what a return or a cancellation gives), about the order written, or naming no order of its own."""
    written = _last_write(messages, this_turn=True)
    if written is None:
        return False
    done = _REQUEST_OF_WRITE[str(written.name)]
    same = _same_request(request["intent"], done) or {request["intent"], done} <= _MONEY_BACK
    if not same:
        return False
    order_id = next(
        (
            str((call.get("args") or {}).get("order_id") or "")
            for message in messages
            if isinstance(message, AIMessage)
            for call in message.tool_calls
            if call.get("id") == written.tool_call_id
        ),
        "",
    )
    said = shared_entities(request["text"])
    named = set(said.order_ids)
    if request.get("order_id"):
        named.add(str(request.get("order_id")))
    if not named:
        # "..., and get a full refund": nothing of its own; "and refund the headphones" may be another order's.
        return not said.products
    return {o.lstrip("#").upper() for o in named} == {order_id.lstrip("#").upper()}


# The requests on an order's items, each by the words that name it; a name after "not a", "no", "instead of" is the
# one they do not want.
_ITEM_REQUEST_WORDS = {
    "return_request": (
        r"return\w*|send\w*\s+(?:\w+\s+){0,3}back|(?:my\s+)?money\s+back|full\s+refund|zurück\w*|retour\w*"
    ),
    "exchange_request": r"exchang\w*|swap\w*|replac\w*|umtausch\w*|tausch\w*",
}
_WANTS = re.compile(
    r"\b(?:want|wanna|would\s+like|'d\s+like|rather|prefer|need|can\s+i|could\s+i|may\s+i|let\s+me|please|instead"
    r"|möchte|will|lieber|bitte|kann\s+ich)\b(?:\s+\S+){0,4}\s*$",
    re.IGNORECASE,
)
_NOT_THIS_ONE = re.compile(
    r"\b(?:not|no|instead\s+of|rather\s+than|forget(?:\s+about)?|drop|skip|never\s*mind|nicht"
    r"|kein\w*|statt)"
    r"\s+(?:an?\s+|to\s+|the\s+)?$",
    re.IGNORECASE,
)


def restated_item_request(in_progress: str, text: str) -> str | None:
    """While one request on an order's items is in hand (a return), the message names another one plainly (an
    exchange) and not the one in hand: the request they want. A request named to be refused does not count."""
    kinds = {
        "return_request": "return_request",
        "exchange_request": "exchange_request",
        CHANGE_ITEMS: "exchange_request",
    }
    current = kinds.get(in_progress)
    if current is None:
        return None
    mentioned, wanted, refused = set(), set(), set()
    for kind, words in _ITEM_REQUEST_WORDS.items():
        for match in re.finditer(rf"\b(?:{words})\b", text, re.IGNORECASE):
            before = text[max(0, match.start() - 40) : match.start()]
            if _NOT_THIS_ONE.search(before[-20:]):
                refused.add(kind)
                continue
            mentioned.add(kind)
            if _WANTS.search(before):
                wanted.add(kind)
    named = mentioned - {current} if current in refused else wanted
    # Only a request wanted in so many words ("I'd rather swap it", "can I send it back?") or set against the one in
    # hand ("not a return, an exchange") changes it; "yes, I'll send it back on Monday" describes the exchange's own
    # step, and a yes is never a change of kind.
    if len(named) != 1 or current in named or (current not in refused and gives_a_yes(text)):
        return None
    kind = named.pop()
    return CHANGE_ITEMS if kind == "exchange_request" and in_progress != "exchange_request" else kind


# The remedies for a faulty item a customer received, by the words that ask for each: money back, or a new unit.
_REMEDY_WORDS = {
    "return": rf"{_ITEM_REQUEST_WORDS['return_request']}|refund\w*|reimburs\w*|erstatt\w*|geld\s+zurück",
    "exchange": (
        rf"{_ITEM_REQUEST_WORDS['exchange_request']}|(?:a|another|different)\s+(?:new\s+|working\s+)?(?:one|unit|set|pair)"
        r"|new\s+(?:one|unit|set|pair)|ersatz\w*|neue\w*"
        # Their own item again: "the exact same one again", "an identical one".
        r"|(?:the\s+)?(?:exact(?:ly)?\s+)?same\s+(?:one|model|item|thing|unit)(?:\s+again)?|identical\s+(?:one|unit)"
    ),
}


# "A refund over an exchange": the remedy after "over" is the one passed over ("send over a new one" is none).
_PREFERRED_OVER = re.compile(
    r"\b(?:refund|money\s+back|return|exchange|replacement|new\s+one|swap)\w*\s+over\s+(?:an?\s+|the\s+)?$",
    re.IGNORECASE,
)
_DO_NOT_WANT = re.compile(r"\b(?:don'?t|dont|do\s+not)\s+(?:want|need)\s+(?:an?\s+|to\s+)?$", re.IGNORECASE)


def named_remedy(text: str) -> str | None:
    """Which remedy the customer asks for ("just refund me", "can you send me a new one?", "not an exchange, my money
    back"): one named and not refused, else None (both, or neither)."""
    wanted: set[str] = set()
    refused: set[str] = set()
    for remedy, words in _REMEDY_WORDS.items():
        for match in re.finditer(rf"\b(?:{words})\b", text, re.IGNORECASE):
            before = text[max(0, match.start() - 20) : match.start()]
            refuses = _NOT_THIS_ONE.search(before) or _DO_NOT_WANT.search(before) or _PREFERRED_OVER.search(before)
            (refused if refuses else wanted).add(remedy)
    named = wanted - refused or (set(_REMEDY_WORDS) - refused if refused and not wanted - refused else set())
    return named.pop() if len(named) == 1 else None


# "Do the same for #W2", "same with the one that has the keyboard", "and the other one too": the request just carried
# out, again, for another order.
_SAME_AGAIN = re.compile(
    r"\b(?:(?:do|did|doing)\s+(?:the\s+)?same(?:\s+thing)?|(?:the\s+)?same\s+(?:thing\s+)?(?:for|with|goes\s+for|on)"
    r"|(?:the\s+)?other\s+(?:one|order)\s+(?:too|as\s+well)|(?:that|this)\s+one\s+(?:too|as\s+well)"
    r"|(?:dasselbe|das\s+gleiche|genauso)\s+(?:für|mit|bei))\b",
    re.IGNORECASE,
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


def same_again(state: SupportState) -> str | None:
    """Between requests, "the same for the other order": the request last carried out, for the order they name."""
    text = last_text(state)
    if state.dialogue.get("intent") or state.pending_action or not _SAME_AGAIN.search(text):
        return None
    if asks_about_the_rules(text):
        return None  # "is it the same for returns?" asks how things work, it asks for nothing again
    return last_done_request(state.messages)


_NOT_GOODS = re.compile(
    r"\b(?:password|log\s?in|sign\s?in|link|code|coupon|voucher|discount|promo|app|account|website|site|page|checkout"
    r"|email|tracking|portal|payment|card|order\s+status)\b",
    re.IGNORECASE,
)
_RECEIVED = re.compile(
    r"\b(?:arrived|came|delivered|received|got|package|parcel|box|delivery|shipment)\b", re.IGNORECASE
)


def reports_a_fault(state: SupportState) -> bool:
    """The message tells of a fault with something the customer received and asks for nothing we do by name (no
    return, refund or exchange requested, no question about the rules): what they want is still to be asked."""
    understood = str(state.understanding.get("intent", ""))
    text = last_text(state)
    # "My earbuds that came last week won't pair" may read as a delivery question, or as the return or exchange the
    # intent model guesses is wanted while the words ask for neither; any other request is theirs.
    guessed_remedy = understood in ("return_request", "exchange_request") and named_remedy(text) is None
    if (understood in PERSONAL_INTENTS and understood != "order_status" and not guessed_remedy) or (
        understood in CONTINUATION_INTENTS
    ):
        return False
    entities = state.understanding.get("entities", {})
    reasons = set(entities.get("reasons") or [])
    if not reasons & FAULTS or asks_about_the_rules(text) or _ASKS_FOR_A_CHANGE.search(text):
        return False
    # Something they received: a thing named that is no login, link or code ("my password isn't working", "the
    # tracking link is broken" are no faulty goods), or a delivery that came so ("it arrived damaged").
    things = [p for p in entities.get("products") or [] if not _NOT_GOODS.search(str(p))]
    return bool(things) or bool(_RECEIVED.search(text) and not _NOT_GOODS.search(text))


def gives_identity(entities: dict[str, Any]) -> bool:
    """An email, or a name and a zip code: enough to look someone up."""
    return bool(entities.get("emails") or (entities.get("names") and entities.get("zip_codes")))


_AN_ORDER = re.compile(r"\b(?:the|my|this|that|which|what)\s+orders?\b", re.IGNORECASE)


def names_their_order(state: SupportState) -> bool:
    """The message speaks of one of their orders and says which by what it holds, its status or its age ("the order
    that has the headphones", "which order is the lamp in?"), not of ordering in general."""
    text = last_text(state)
    entities = state.understanding.get("entities", {})
    return bool(_AN_ORDER.search(text)) and refers_to_an_order(text, [], entities.get("products", []))


def corrected_request(state: SupportState) -> str | None:
    """At a proposal waiting for a yes, the request it belongs to when the message changes one of its details (where
    the money goes, an option, the address) rather than answering yes or no to the whole of it; else None.

    Read from the proposed write itself, not from how the conversation named the request ("change my order")."""
    pending = state.pending_action or {}
    request = _REQUEST_OF_WRITE.get(str(pending.get("name")))
    if request is None:
        return None
    text = last_text(state)
    mention = payment_mention(text)
    # With no money changing hands, where it would go is no detail of the proposal ("yes, and if anything needs
    # paying, use my credit card" to a swap at the same price is a yes).
    moves_money = (pending.get("preview") or {}).get("moves_money", True)
    # A bare "card" names where money goes only with words that send it there ("to my card", "use a card"): "fyi I
    # got a new card" changes nothing.
    specific = bool(mention) and (bool(set(mention or {}) - {"kind"}) or (mention or {}).get("kind") != "credit_card")
    directed = specific or bool(DIRECTS_MONEY.search(text))
    pays = request in MONEY_MOVING_FLOWS | {CHANGE_PAYMENT} and moves_money and directed
    paid_with = state.dialogue.get("slots", {}).get("paid_with")
    if pays and mention and not _proposal_says(pending, mention, paid_with):
        return request
    if restated := restated_item_request(request, text):
        # "No, not a return: I want to exchange it": the proposal's kind is what they correct.
        return restated
    if request in (CHANGE_ITEMS, "exchange_request"):
        order_items = state.dialogue.get("slots", {}).get("order_items") or []
        slots = state.dialogue.get("slots", {})
        # Every proposed item's option values, not only the last one settled ("the 10 hour battery" is the speaker's
        # though the t-shirt was settled after it).
        known = _every_value([slots.get("option_values") or {}, *(slots.get("item_option_values") or {}).values()])
        # "The black watch stays as it is, black silicone LCD": options said of an item left alone change nothing.
        changing = " ".join(
            sentence
            for sentence in sentences(text)
            if not (_LEFT_OUT.search(sentence) and matching_items(order_items, [sentence]))
        )
        proposed = [str(i) for i in (pending.get("args") or {}).get("item_ids") or []]
        if asks_what_a_variant_costs(changing):
            # "How much is the white one in wireless?": a question about another variant, asked on the way to the
            # yes; it changes nothing until they ask for it.
            return None
        said = {**shared_entities(changing).options, **options_in(changing, known)}
        # "Only the silver one changes": a proposed item's own options say which item is meant, they change nothing.
        own = {
            (str(key).lower(), str(value).lower())
            for item in order_items
            if str(item.get("item_id")) in proposed
            for key, value in (item.get("options") or {}).items()
        }
        asked = asks_about_the_rules(changing) and not _INSTEAD.search(changing)
        if not asked and any((str(k).lower(), str(v).lower()) not in own for k, v in said.items()):
            # ("Is the red one in stock?" asks about the proposal; it changes nothing, and is answered.)
            return request
        if _adds_an_item(state, pending, changing) or the_other_unit(order_items, changing, proposed):
            # "Also the perfume", "and the other one in blue": another item, or the other unit of one proposed.
            return request
        if len(proposed) > 1 and items_left_out(order_items, text, proposed):
            return request  # "leave the boots as they are": the change without them
        return None
    if request == "return_request":
        # "Add the dumbbell set too", "the wristwatch is missing", "all three: the X, the Y and the Z": the items.
        return request if _adds_an_item(state, pending, text) or _names_other_items(state, pending, text) else None
    if request in ("change_address", CHANGE_DEFAULT_ADDRESS):
        # A new address, or another place still to be named ("ship it to my office instead"): the address changes.
        return request if looks_like_address(text) or names_another_destination(text) else None
    return None


_INSTEAD = re.compile(r"\b(?:instead|rather|change|switch|swap|make\s+it|stattdessen|lieber)\b", re.IGNORECASE)


def _every_value(option_lists: list[dict[str, list[str]]]) -> dict[str, list[str]]:
    """Several products' option values as one: each option with the values any of them has."""
    merged: dict[str, list[str]] = {}
    for values in option_lists:
        for key, listed in values.items():
            merged[key] = list(dict.fromkeys([*merged.get(key, []), *listed]))
    return merged


# What a variant costs or whether it is there, asked: "how much is it in wireless?", "is the black one in stock?".
_ASKS_PRICE_OR_STOCK = re.compile(
    r"\b(?:how much|price|prices|cost|costs|costing|pricier|cheaper|in stock|available|availability)\b", re.IGNORECASE
)
# ... and asked for: "make it the wireless one", "I'd rather have black, how much is that?".
_ASKS_FOR_IT = re.compile(
    r"\b(?:instead|make it|change (?:it|that)|switch|swap|i(?:'d| would) (?:rather|prefer|like|want)|i want|let'?s do"
    r"|go with|take the)\b",
    re.IGNORECASE,
)


def asks_what_a_variant_costs(text: str) -> bool:
    """The message asks what a variant costs or whether it is in stock, and asks for no change: every part of it
    is the question ("red please, is that in stock?" asks for red, then asks)."""
    parts = [part.strip() for part in re.split(r"[,;:.!?]+|\s+-\s+|\s+(?:and|but|then)\s+", text) if part.strip()]
    if any(not asks_something(part) for part in parts):
        return False
    return asks_about_the_rules(text) and bool(_ASKS_PRICE_OR_STOCK.search(text)) and not _ASKS_FOR_IT.search(text)


def restates_the_proposal(state: SupportState) -> bool:
    """At a proposal of an item change, the reply says what stays and what changes, as the proposal already has it
    ("the black watch stays as it is, only the silver one changes"): no correction, no yes yet; it is put again."""
    pending = state.pending_action or {}
    if _REQUEST_OF_WRITE.get(str(pending.get("name"))) not in (CHANGE_ITEMS, "exchange_request"):
        return False
    text = last_text(state)
    order_items = state.dialogue.get("slots", {}).get("order_items") or []
    proposed = [str(i) for i in (pending.get("args") or {}).get("item_ids") or []]
    named = matching_items(order_items, [text])
    if not (_LEFT_OUT.search(text) or _ONLY.search(text)) or not named:
        return False
    in_play = list(dict.fromkeys([*proposed, *(str(i.get("item_id")) for i in named)]))
    return not _left_alone(order_items, text, in_play) & set(proposed)


def _adds_an_item(state: SupportState, pending: dict[str, Any], text: str) -> bool:
    """The reply to an item change names another item of the same order ("wait, also the perfume, to oriental"):
    the change is to take it too (it can be made only once)."""
    order_items = state.dialogue.get("slots", {}).get("order_items") or []
    proposed = set((pending.get("args") or {}).get("item_ids") or [])
    # Said to be added ("also", "as well", "too"), not kept ("the socks stay as they are", "not the perfume").
    if not _ADDS.search(text) or _KEEPS.search(text):
        return False
    return any(item.get("item_id") not in proposed for item in named_items(order_items, text))


# Said to be added, or missing from what we proposed ("the wristwatch is missing", "you forgot the mat").
def _names_other_items(state: SupportState, pending: dict[str, Any], text: str) -> bool:
    """The reply says which items of the order they mean: others than proposed, or the same ones again without a
    yes ("I need all three in one return: the X, the Y and the Z"), which puts the proposal again."""
    order_items = state.dialogue.get("slots", {}).get("order_items") or []
    proposed = set((pending.get("args") or {}).get("item_ids") or [])
    named = {item.get("item_id") for item in named_items(order_items, text)}
    return bool(named) and (named != proposed or not gives_a_yes(text, str(pending.get("name"))))


_ADDS = re.compile(r"\b(?:also|as\s+well|too|add|plus|another|missing|forgot(?:ten)?|auch|noch|fehlt)\b", re.IGNORECASE)
_KEEPS = re.compile(
    r"\b(?:stays?|keep|not\s+(?:the|my|that|this)|no\s+change|as\s+it\s+is|as\s+they\s+are|leave|love|bleibt|behalte"
    r"|nicht\s+(?:die|den|das))\b",
    re.IGNORECASE,
)


def _proposal_says(pending: dict[str, Any], mention: dict[str, str], paid_with: str | None = None) -> bool:
    """The proposal already sends the money where the customer says ("yes, PayPal is fine" to a refund to PayPal):
    a yes, not a correction. Read from the lines the customer was shown, or for "the one I paid with", from the
    method the proposal uses and the one the order was paid with (`paid_with`)."""
    if mention.get("other"):
        return False  # "my other card": not the one shown
    proposed = str((pending.get("args") or {}).get("payment_method_id", ""))
    if mention.get("original"):
        return paid_with is not None and proposed == paid_with
    if mention.get("id"):
        return proposed.lower() == mention["id"]
    shown = " ".join(str(line) for line in (pending.get("preview") or {}).get("details", [])).lower()
    if mention.get("last_four"):
        return mention["last_four"] in shown
    if mention.get("brand"):
        return mention["brand"] in shown
    # The lines are in the conversation's language: a gift card is named in each.
    words = {"paypal": ("paypal",), "gift_card": ("gift card", "gift_card", "geschenkkarte")}.get(
        mention.get("kind", ""), ("visa", "mastercard", "amex", "discover", "card ending", "credit card")
    )
    if mention.get("kind") not in ("paypal", "gift_card"):
        # A gift card is no credit card: "gift card ending 1047" must not read as the card the customer names.
        shown = re.sub(r"gift\s*card\s+ending|geschenkkarte\s+mit\s+endziffern", "", shown)
    return any(word in shown for word in words)


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
    # The same request for another order: the one just done is not it; how it was done (a cancellation's reason)
    # is the same.
    again = same_again(state) is not None
    kept = {"cancel_reason"} if again else set()
    if again:
        slots = {k: v for k, v in slots.items() if k not in ITEM_SLOTS or k in kept}
        slots.pop("order_id", None)
    source = address_source(text)
    if names_another_destination(text):
        # Somewhere else than the address we have: it is asked for again.
        slots.pop("address", None)
    if source is not None:
        # "Ship it to the same address as my other order #W2": that order gives the address, it is not the one
        # being changed.
        slots["address_source"] = source
        slots.pop("address", None)
    focus = [order_id for order_id in entities.get("order_ids") or [] if order_id != source]
    if focus:
        if slots.get("order_id") and focus[0] != slots["order_id"]:
            # Another order than the one in hand: what was said of that one is not this one's. (Said before any
            # order was named, "I ordered it by mistake" is the reason of the order named next.)
            slots = {k: v for k, v in slots.items() if k not in ITEM_SLOTS or k in kept}
        slots["order_id"] = focus[0]
    slots.update(identity_facts(state, text, address_expected))
    # Of a message with several requests, the words of the one in hand say which order and items it is about
    # ("return a keyboard and also do something about a smart watch on another order").
    own = _words_of_the_request(state, intent) if intent else text
    if own != text:
        entities = {**entities, "products": shared_entities(own).products}
    about_order = _without_identity(own, entities)
    if not entities.get("order_ids") and refers_to_an_order(about_order, [], entities.get("products", [])):
        # What the customer said about the order ("the one with the tablet"): it picks the order once we may
        # read their orders, after verification too.
        slots["order_hint"] = about_order
        held = slots.get("order_items") or []
        elsewhere = _ANOTHER_ORDER.search(about_order)
        if (
            slots.get("order_id")
            and held
            and elsewhere
            and entities.get("products")
            and not named_items(held, about_order)
        ):
            # "Now the smart watch on my other order": the order in hand holds nothing they name; the words pick it.
            slots = {k: v for k, v in slots.items() if k not in ITEM_SLOTS or k in kept}
            slots.pop("order_id", None)
            slots["order_hint"] = about_order
    reasons = entities.get("reasons", [])
    if len(entities.get("order_ids") or []) > 1 and slots.get("order_id"):
        # "#W1, I ordered that by mistake. And then #W2, which I no longer need": each order's own reason.
        reasons = own_reasons(text, str(slots["order_id"])) or reasons
    for reason in reasons:
        if reason in CANCEL_REASONS:
            slots["cancel_reason"] = CANCEL_REASONS[reason]
        slots.setdefault("reason", reason.replace("_", " "))
    named = {**entities.get("options", {}), **options_in(text, slots.get("option_values") or {})}
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
        found = parse_address(text)
        earlier = slots.get("address") or {}
        slots["address"] = {k: found.get(k) or (earlier.get(k, "") if not found["address1"] else "") for k in found}
    elif slots.get("address") and missing(slots["address"]) and completes_address(text):
        # "Germany" after "which country?": fill the gap in the address we have.
        slots["address"] = _completed(slots["address"], text)
    # "The original one" answers our question which method to use; said out of the blue, it names nothing.
    if mention := payment_mention(text, asked=state.dialogue.get("awaiting") == "payment_method"):
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
    return slots


# "On my other order", "another order", "the second order": not the order in hand.
_ANOTHER_ORDER = re.compile(
    r"\b(?:(?:my|the|an)\s+(?:other|second|previous|older|earlier|newer)|another|a\s+different|the\s+different)\s+order\b",
    re.IGNORECASE,
)


def _words_of_the_request(state: SupportState, intent: str) -> str:
    """The part of the message that asks for the request in hand, when it asks for several ("..., and also ..."):
    the first segment read as that request; the whole message otherwise."""
    text = last_text(state)
    segments = split_requests(text)
    if len(segments) < 2 or state.request_text:
        return text
    read = {str(part.get("segment")): str(part.get("intent")) for part in state.understanding.get("intents") or []}
    for segment in segments:
        if (understood := read.get(segment)) and (
            _same_request(understood, intent) or _same_request(refine(understood, state), intent)
        ):
            return segment
    return text


def _proposed_items(state: SupportState, text: str) -> list[str]:
    """The names of the items the return last proposed when the message adds to them ("add the dumbbell set too",
    "the wristwatch is missing"): they stay in the return beside the ones now named. (The proposal itself has
    lapsed by now: a reply that changes it is planned again.)"""
    if state.dialogue.get("intent") != "return_request" or not _ADDS.search(text) or _KEEPS.search(text):
        return []
    return list(state.dialogue.get("slots", {}).get("proposed_items") or [])


# Every item of the order: "everything", "all 3 items", "all of them", "the whole order", "return them all", "both".
# A bare "all" stands for the items only on its own ("all, please"): not in "I tried all that" or "all day".
# An item not named yet: "something", "an item", "one of the things", "a few items".
_SOME_ITEM = re.compile(
    r"\b(?:something|some\s+(?:things|items|stuff|of\s+(?:it|them|the\s+\w+))|an?\s+(?:item|thing|product|few\s+"
    r"(?:things|items))|one\s+(?:of\s+(?:the|my|its)\s+)?(?:item|thing|product)s?"
    # "one of them" is what goes back only as the verb's object ("..., one of them arrived late" says what happened);
    # German "etwas" is mostly "somewhat" ("etwas zu klein"), something only with "aus".
    r"|(?:return|send\s+back|refund)\w*\s+one\s+of\s+(?:them|those|these)|etwas\s+aus|einen?\s+(?:artikel|teil))\b",
    re.IGNORECASE,
)
# The order itself as what goes back: "return this order", "return #W1234567".
_THE_ORDER_ITSELF = re.compile(
    r"\b(?:return|send\s+back|refund)\w*\s+(?:the\s+|my\s+|this\s+|that\s+)?(?:order\b|#?W\d{5,})"
    r"|\b(?:die\s+|meine\s+)?(?:ganze\s+)?bestellung\s+(?:#?W?\d{5,}\s+)?(?:\w+\s+)?zur[üu]ck",
    re.IGNORECASE,
)
_EVERY_ITEM = re.compile(
    r"\b(?:everything|all\s+(?:of\s+)?(?:the\s+|my\s+|its\s+|these\s+|those\s+)?(?:\d+|two|three|four|five|six)?\s*"
    r"(?:items|things|products|of\s+them|of\s+it)|all\s+(?:\d+|two|three|four|five|six)\b|(?:the\s+)?(?:whole|entire)"
    r"\s+order|(?:return|refund|send)\s+(?:them\s+|it\s+)?all|both|alles|beide)\b"
    r"|^\s*all\b\s*(?:[,.!?]|please|$)",
    re.IGNORECASE,
)


def identity_facts(state: SupportState, text: str, address_expected: bool = True) -> dict[str, str]:
    """The email, name and zip code this message gives, each replacing the one given before (a corrected zip, a
    second email). While we wait for the customer's identity, a message that is only a name is their name (read so
    by graph.nodes.understand). Once they are verified, only a stronger verification asked for (the zip code after
    an email) still takes them."""
    if state.customer and state.dialogue.get("awaiting") != "stronger_identity":
        return {}
    entities = state.understanding.get("entities", {})
    facts: dict[str, str] = {}
    if entities.get("emails"):
        facts["email"] = entities["emails"][0]
    address = address_expected and looks_like_address(text)
    names = [] if address else list(entities.get("names") or [])
    if not names and not address and entities.get("zip_codes"):
        # A postcode and, somewhere, two capitalised words: "Ethan Garcia from Denver, zip 80280".
        names = capitalised_names(text)[:1]
    if names:
        facts["name"] = names[0]
    if entities.get("zip_codes") and not address:
        facts["zip"] = entities["zip_codes"][0]
    if facts:
        # Which look-up to try first when both are possible: the one the customer's latest facts allow.
        facts["identity_latest"] = "email" if "email" in facts else "name"
    return facts


def asks_beside_identity(text: str, entities: dict[str, Any]) -> bool:
    """Besides who they are, the message asks for something in so many words: a change ("and could I send back...")
    or a question ("...and where is my parcel?"), not "it might be under my old address"."""
    rest = _without_identity(text, entities)
    return bool(_ASKS_FOR_A_CHANGE.search(rest)) or (asks_something(rest) and bool(re.search(r"\w+\s+\w+\s+\w+", rest)))


def _without_identity(text: str, entities: dict[str, Any]) -> str:
    """The message without the email, names and zip codes in it: what is left may say something about an order."""
    for value in [*entities.get("emails", []), *entities.get("names", []), *entities.get("zip_codes", [])]:
        text = re.sub(re.escape(str(value)), " ", text, flags=re.IGNORECASE)
    return text


# Slots the dialogue keeps for itself: a change in them is no news from the customer.
BOOKKEEPING_SLOTS = frozenset(
    {
        "identity_failed",
        "identity_latest",
        "identity_stale",
        "option_values",
        "order_total",
        "order_status",
        "told_same",
        "used_text",
        "payment_chosen",
        "payment_choices",
        "paid_with",
        "order_items",
        "faulty_unit",
        "remedy_asked",
    }
)


def brought_new_facts(state: SupportState, slots: dict[str, Any]) -> bool:
    """Whether the customer's message told us something new (another email, a corrected zip, the item): progress,
    not the same need failing again, however often we have to ask. A caller guessing identities gets no credit
    beyond the allowed look-ups."""
    if len(slots.get("identity_failed") or []) >= MAX_IDENTITY_ATTEMPTS:
        return False
    if any(isinstance(m, ToolMessage) for m in turn_messages(state.messages)):
        # Mid-way through the turn's tool loop: decided at its first step.
        return state.dialogue.get("progress_turn") == customer_turns(state.messages)
    before = state.dialogue.get("slots", {})
    return any(slots.get(key) != before.get(key) for key in slots.keys() - BOOKKEEPING_SLOTS)


def _completed(address: dict[str, str], text: str) -> dict[str, str]:
    """The address with the gaps that ``text`` fills ("France", "75001") filled."""
    fill = parse_address(f"{address.get('address1', '')}, {text}")
    return {k: address.get(k) or fill.get(k, "") for k in fill}


def _identity_key(call: dict[str, Any]) -> str:
    args = call["args"]
    if call["name"] == FIND_BY_EMAIL:
        return f"email:{str(args['email']).lower()}"
    return f"name:{args['first_name']} {args['last_name']}|{args['zip']}".lower()


def _identity_calls(slots: dict[str, Any]) -> list[dict[str, Any]]:
    """The look-ups the identity facts allow, the one given most recently first, without those that failed."""
    calls: list[dict[str, Any]] = []
    if slots.get("email"):
        # With the zip code too when the customer gave it: a stronger verification (the profile may ask for it).
        zip_code = {"zip": slots["zip"]} if slots.get("zip") else {}
        calls.append({"name": FIND_BY_EMAIL, "args": {"email": slots["email"], **zip_code}})
    name_parts = str(slots.get("name", "")).split()
    if len(name_parts) >= 2 and slots.get("zip"):
        # "Mary Ann Smith": Mary + Ann Smith, then Mary Ann + Smith (a particle stays with the last name).
        for cut in range(1, len(name_parts)):
            first, last = " ".join(name_parts[:cut]), " ".join(name_parts[cut:])
            if cut > 1 and name_parts[cut - 1].islower():
                continue
            args = {"first_name": first, "last_name": last, "zip": slots["zip"]}
            calls.append({"name": FIND_BY_NAME_ZIP, "args": args})
    if slots.get("identity_latest") == "name" and calls and calls[0]["name"] == FIND_BY_EMAIL:
        calls = [*calls[1:], calls[0]]
    failed = set(slots.get("identity_failed") or [])
    return [call for call in calls if _identity_key(call) not in failed]


def _identity_call(slots: dict[str, Any]) -> dict[str, Any] | None:
    calls = _identity_calls(slots)
    return calls[0] if calls else None


def _failed_lookups(results: list[ToolResult]) -> list[str]:
    """The keys of this turn's identity look-ups that found nobody."""
    return [_identity_key({"name": r.name, "args": r.args}) for r in results if r.name in IDENTITY_TOOLS and not r.ok]


def _done(results: list[ToolResult], name: str, args: dict[str, Any] | None = None) -> ToolResult | None:
    """This turn's latest result of the tool (called with these arguments, when given)."""
    return next((r for r in reversed(results) if r.name == name and (args is None or r.args == args)), None)


def _read(plan: Plan, results: list[ToolResult], name: str, args: dict[str, Any]) -> ToolResult | None:
    """This turn's result of a read, or None after adding the read to the plan."""
    done = _done(results, name, args)
    if done is None:
        plan.reads.append({"name": name, "args": args})
    return done


def _order(plan: Plan, results: list[ToolResult]) -> dict[str, Any] | None:
    """The order the request is about, read this turn (so the reply and the critique have it as evidence).

    Without an order id: list the customer's orders and ask. An order the tools refuse (not found, another
    customer's) is forgotten, its refusal is shown, and the customer is asked again.
    """
    details = _done(results, ORDER_DETAILS)
    if details is not None and not details.ok:
        plan.slots.pop("order_id", None)
    order_id = plan.slots.get("order_id")
    if not order_id:
        _read(plan, results, LIST_ORDERS, ALL_ORDERS)
        plan.awaiting = "order_id"
        return None
    details = _read(plan, results, ORDER_DETAILS, {"order_id": order_id})
    if details is None or not isinstance(details.data, dict):
        return None
    # Its items, kept for later turns: a reply to a proposal may name another of them ("also the perfume").
    plan.slots["order_items"] = remembered_items(details.data)
    return details.data


def remembered_items(order: dict[str, Any]) -> list[dict[str, Any]]:
    """An order's items as the dialogue keeps them between turns (the `order_items` slot): enough to tell which item a
    later message names, by its name or its options."""
    return [
        {"item_id": i.get("item_id"), "name": i.get("name"), "options": i.get("options") or {}}
        for i in order.get("items") or []
    ]


def _grounded_order(plan: Plan, results: list[ToolResult], state: SupportState) -> bool:
    """Whether the order the request is about is now known, found among all of the customer's orders by what the
    customer said about it (this message, or earlier: before verification, say). Otherwise the plan reads the
    orders or asks which one, listing only those that fit what was said."""
    listing = _done(results, LIST_ORDERS)
    if listing is None:
        plan.reads.append({"name": LIST_ORDERS, "args": ALL_ORDERS})
        return False
    orders = list(listing.data.get("orders", [])) if listing.ok and isinstance(listing.data, dict) else []
    hint = str(plan.slots.get("order_hint") or "")
    named = shared_entities(hint)
    candidates = ground_orders(orders, hint, named.order_ids, named.products, plan.similar) if hint else orders
    offered = [o for o in orders if o.get("order_id") in (plan.slots.get("order_choices") or [])]
    if hint and offered and (among := ground_orders(offered, hint, named.order_ids, named.products, plan.similar)):
        # An answer to "which of these?" ("the pending one") picks among the orders we offered first.
        candidates = among if len(among) < len(candidates) or not candidates else candidates
    if len(orders) == 1 and not hint:
        candidates = orders  # their only order
    if len(candidates) == 1:
        plan.slots["order_id"] = candidates[0].get("order_id")
        plan.slots.pop("order_choices", None)
        return True
    plan.slots["order_choices"] = [o.get("order_id") for o in candidates] if len(candidates) < len(orders) else []
    if hint and orders and not candidates:
        plan.notice = {"code": "no_order_fits", "products": list(named.products)}
    plan.awaiting = "order_id"
    return False


def _not_allowed(plan: Plan, order: dict[str, Any], doing: str, allowed: tuple[str, ...] = ("pending",)) -> bool:
    if order.get("status") in allowed:
        return False
    plan.notice = {"code": "wrong_status", "order_id": order.get("order_id"), "status": order.get("status")}
    plan.notice |= {"doing": doing, "allowed": list(allowed)}
    return True


def plan_next(state: SupportState, profile: ShopProfile | None = None, similar: Similarity | None = None) -> Plan:
    """The next step of the request in hand: the reads to run, the write to propose, or the question to ask."""
    return _verified_enough(_plan(state, profile, similar), state, profile)


def _verified_enough(plan: Plan, state: SupportState, profile: ShopProfile | None) -> Plan:
    """A write only for a customer verified the way the shop's profile accepts for changes (verification.for_writes):
    otherwise verify again with what was given (the email with a zip code, a name with a zip code), or ask for it."""
    if not plan.write or profile is None or state.customer is None:
        return plan
    verification = profile.verification
    if verification.allows_writes(state.customer.get("verified_via") or "storefront"):
        return plan
    plan.write = None
    identity = _identity_call(plan.slots)
    stronger = {FIND_BY_EMAIL: "email_zip" if identity and "zip" in identity["args"] else "email"}
    method = stronger.get(identity["name"], "name_zip") if identity else None
    tried = _done(tool_results(state.messages), identity["name"]) if identity else None
    if identity and verification.allows_writes(method) and tried is None:
        plan.reads.append(identity)
        return plan
    plan.awaiting = "stronger_identity"
    return plan


def _plan(state: SupportState, profile: ShopProfile | None, similar: Similarity | None = None) -> Plan:
    procedures = procedures_for(profile)
    intent = active_intent(state, profile)
    slots = merged_slots(state, intent, procedures)
    plan = Plan(intent=intent, slots=slots, similar=similar)
    results = tool_results(state.messages)
    procedure = procedures.for_intent(intent)
    if procedure is None:
        return plan

    if procedure.verified and not state.customer:
        failed = _failed_lookups(results)
        if failed:
            slots["identity_failed"] = list(dict.fromkeys([*(slots.get("identity_failed") or []), *failed]))
        identity = _identity_call(slots)
        tries = len(slots.get("identity_failed") or [])
        if identity and tries < MAX_IDENTITY_ATTEMPTS:
            # Each look-up the facts allow, once: a second email, or a name and zip after a mistyped email.
            plan.reads.append(identity)
            return plan
        told = gives_identity(state.understanding.get("entities", {})) and not results
        if told and tries:
            # Details given again that were already looked up and not found: no new move from them.
            slots["identity_stale"] = int(slots.get("identity_stale") or 0) + 1
        if tries >= MAX_IDENTITY_ATTEMPTS or int(slots.get("identity_stale") or 0) >= STALE_IDENTITY_ANSWERS:
            # Out of moves: every look-up allowed is spent, or the same details keep coming. A person takes over.
            plan.handoff = "identity_not_verified"
            return plan
        # Not given, or given and not found: either way we ask (the draft says which).
        plan.awaiting = "identity"
        return plan

    if procedure.verified:
        refused = _done(results, ORDER_DETAILS, {"order_id": slots.get("order_id")})
        if refused is not None and not refused.ok:
            # An id the shop does not know as written ("9232383" for "#W9232383"): look for it among the customer's
            # orders by its digits before saying it is not theirs (the refused read is not repeated).
            slots["order_hint"] = str(slots.pop("order_id")).lstrip("#")

    def read(name: str, args: dict[str, Any]) -> ToolResult | None:
        return _read(plan, results, name, args)

    run = Run(plan, state, results, profile, procedures, procedure, read, last_text(state))
    return run_procedure(run, GROUNDINGS)


# ------------------------------------------------------------------------------- grounding kinds of the procedures
# Each grounds one slot of a declared procedure (graph/procedures/builtin.yaml, a shop's own): True when grounded
# (its value in run.values), False when this turn's plan is complete (a read first, a question, a notice).


def _from_words(run: Run) -> bool:
    """No order id yet: the order is found among all of the customer's orders by what they said about it. A request
    for the list of their orders has none to find."""
    listing_asked = run.plan.intent == "order_status" and wants_their_orders(run.state)
    if run.plan.slots.get("order_id") or listing_asked:
        return True
    return _grounded_order(run.plan, run.results, run.state)


def _ground_order(run: Run, slot: Slot) -> bool:
    """The order, read this turn, in a status the procedure allows (`options.allowed`, what it does: `doing`)."""
    if not _from_words(run):
        return False
    order = _order(run.plan, run.results)
    if order is None:
        return False
    allowed = tuple(str(status) for status in slot.options.get("allowed") or ())
    if allowed and _not_allowed(run.plan, order, str(slot.options.get("doing") or "changed"), allowed):
        return False
    if slot.options.get("return_window") and order.get("status") == "delivered" and _window_closed(run, order):
        return False
    run.values[slot.name] = run.order = order
    return True


def _window_closed(run: Run, order: dict[str, Any]) -> bool:
    """Whether the return window of a delivered order has closed, read with the order's return eligibility (whose
    reply says so, and what is left: the warranty, a colleague) before options are collected for an exchange the
    tool would refuse. Until the read is done, the slot waits for it."""
    eligibility = _read(run.plan, run.results, RETURN_ELIGIBILITY, {"order_id": order.get("order_id")})
    if eligibility is None:
        return True
    return bool(eligibility.ok and isinstance(eligibility.data, dict) and eligibility.data.get("window_closed"))


def _ground_listed_order(run: Run, slot: Slot) -> bool:
    """The order's id; without one, the customer's orders are listed and they are asked which."""
    if not _from_words(run):
        return False
    order_id = run.plan.slots.get("order_id")
    if not order_id:
        if not _done(run.results, LIST_ORDERS):
            run.plan.reads.append({"name": LIST_ORDERS, "args": ALL_ORDERS})
        run.ask(slot)
        return False
    run.values[slot.name] = order_id
    return True


def _ground_order_lookup(run: Run, slot: Slot) -> bool:
    """The order asked about, read; or, none named (or the list asked for), the list of the customer's orders."""
    if not _from_words(run):
        return False
    listing_asked = run.plan.intent == "order_status" and wants_their_orders(run.state)
    # Asked for the list, the order in hand stays in hand but is not what this turn reads.
    order_id = None if listing_asked else run.plan.slots.get("order_id")
    if order_id and not _done(run.results, ORDER_DETAILS, {"order_id": order_id}):
        run.plan.reads.append({"name": ORDER_DETAILS, "args": {"order_id": order_id}})
    elif not order_id and not _done(run.results, LIST_ORDERS):
        run.plan.reads.append({"name": LIST_ORDERS, "args": ALL_ORDERS})
    elif not order_id:
        run.ask(slot)
    else:
        details = _done(run.results, ORDER_DETAILS, {"order_id": order_id})
        run.values[slot.name] = details.data if details is not None and isinstance(details.data, dict) else None
        return True
    return False


def _ground_cancel_reason(run: Run, slot: Slot) -> bool:
    if not run.plan.slots.get("cancel_reason"):
        run.ask(slot)
        return False
    run.values[slot.name] = run.plan.slots["cancel_reason"]
    return True


def _ground_return_items(run: Run, slot: Slot) -> bool:
    """The items to return and where the refund goes, once the order's details and eligibility are read."""
    plan, results = run.plan, run.results
    order_id = plan.slots["order_id"]
    details, eligibility = _done(results, ORDER_DETAILS), _done(results, RETURN_ELIGIBILITY)
    if details is None:
        plan.reads.append({"name": ORDER_DETAILS, "args": {"order_id": order_id}})
    if eligibility is None:
        plan.reads.append({"name": RETURN_ELIGIBILITY, "args": {"order_id": order_id}})
    if plan.reads:
        return False
    assert details is not None and eligibility is not None
    if not (details.ok and eligibility.ok) or not isinstance(eligibility.data, dict):
        return False
    run.order = details.data if isinstance(details.data, dict) else None
    wanted, left_out = split_exclusion(str(plan.slots.get("item_hint") or ""))
    phrases = [p for p in plan.slots.get("products", []) if str(p).lower() not in left_out.lower()]
    args = _return_args(details.data, eligibility.data, wanted, phrases, plan.similar, left_out)
    # Only for an order the customer named for it (one still in hand from another request is no order to cancel),
    # and only for all of it, to where it was paid from: a cancellation can do no less.
    named = any(order_mention(words, order_id) for words in (run.text, last_text(run.state)))
    # (Final-sale items are left out of "every returnable item", but a cancellation takes them too.)
    final_sale = {i.get("item_id") for i in eligibility.data.get("items", []) if i.get("final_sale")}
    every_item = {i.get("item_id") for i in (run.order or {}).get("items", [])}
    whole = not args["named_items"] and set(args["item_ids"]) | final_sale == every_item
    pending = eligibility.data.get("status") == "pending"
    if pending and named and whole and not plan.slots.get("payment") and _cancel_instead(run, order_id):
        return False
    told_of_a_fault = str(plan.slots.get("reason") or "").replace(" ", "_") in FAULTS
    said = f"{plan.slots.get('item_hint') or ''} {run.text}"
    whole_said = _EVERY_ITEM.search(said) or _THE_ORDER_ITSELF.search(said)
    unnamed = not args["named_items"] and len(args["item_ids"]) > 1 and not whole_said
    if unnamed and (told_of_a_fault or plan.slots.get("some_item") or _SOME_ITEM.search(said)):
        # "My order arrived damaged", then "my money back"; "I need to return something from one of my orders":
        # which of its items goes back is theirs to say, not every item of the order.
        run.ask(slot)
        return False
    if eligibility.data.get("eligible") and (args["item_ids"] or args["named_items"]):
        # The refund goes where the customer says ("to my gift card"), among where the shop's rules let it go; with
        # a choice left and none said, they are asked (a refund put silently on the wrong method is theirs to undo).
        method = _refund_method(run, details.data)
        if method is None:
            plan.slots["order_items"] = remembered_items(details.data)
            return False
        args["payment_method_id"] = method
        # Named items that are not on the order still go to the tool, whose refusal says so.
        run.values[slot.name] = args
        # What is proposed, for a reply that adds to it ("add the dumbbell set too").
        ids = set(args["item_ids"])
        items = details.data.get("items", [])
        names = [str(i.get("name")) for i in items if i.get("item_id") in ids]
        plan.slots["order_items"] = remembered_items(details.data)
        plan.slots["proposed_items"] = list(dict.fromkeys([*names, *args["named_items"]]))
        return True
    if left_out:
        run.ask(slot)  # everything was excepted: which items, then?
    return False


def _cancel_instead(run: Run, order_id: str) -> bool:
    """Money back for an order that has not shipped ("I'd rather not receive it at all and get my money back", read
    as a return): it comes by cancelling the order, as the refund procedure's own switch does. The cancellation is
    planned in the return's place, with a word on why."""
    cancel = run.procedures.procedures.get("cancel_order")
    if cancel is None or not cancel.enabled:
        return False
    run.procedure = cancel
    run.plan.intent = cancel.name
    run_procedure(run, GROUNDINGS)
    if run.plan.notice is None:
        run.plan.notice = {"code": "refund_means_cancel", "order_id": order_id}
    return True


def _return_args(
    order: dict[str, Any],
    eligibility: dict[str, Any],
    wanted: str,
    phrases: list[str],
    similar: Similarity | None = None,
    left_out: str = "",
) -> dict[str, Any]:
    """The items the customer named (by name, synonym, options or meaning, in this message or before, e.g. before
    they were verified), or every returnable item when they named none; refund to the original payment. A named item
    is never swapped for another: "return the earrings" passes the earrings (final sale, so the tool refuses) and the
    tool checks the ids against the names passed; words that name nothing on the order go to the tool as said, whose
    refusal says so. "Everything except the backpack" keeps the items named after the exception."""
    final_sale = {i["item_id"] for i in eligibility.get("items", []) if i.get("final_sale")}
    items = order.get("items", [])
    mentioned = [m for m in [wanted, *phrases] if m.strip()]
    # A one-item order is matched too: "return the camera" must name what it holds, or the tool says it does not.
    chosen = matching_items(items, mentioned, similar) if mentioned else []
    grounded = bool(chosen)
    named: list[str] = []
    if not chosen:
        # Nothing of the order named: the phrases, as said (the tool refuses what the order does not hold), or
        # every returnable item.
        named = [p for p in phrases if p.strip()]
        chosen = [] if named else [i for i in items if i.get("item_id") not in final_sale]
    if left_out:
        # "Everything except the backpack": what is kept never goes back, even when nothing else is left to return
        # (then nothing is proposed and the customer is asked which items they mean).
        kept = {i.get("item_id") for i in matching_items(items, [left_out], similar)}
        chosen = [i for i in chosen if i.get("item_id") not in kept]
    # Several units of one variant: all of them go back.
    chosen = [i for i in items if i.get("item_id") in {c.get("item_id") for c in chosen}]
    if grounded:
        # The names of the items the customer's words found: the tool checks the ids against them.
        named = list(dict.fromkeys(str(i.get("name")) for i in chosen))
    return {
        "order_id": order.get("order_id"),
        "item_ids": [i.get("item_id") for i in chosen],
        "payment_method_id": original_payment_method(order),
        "named_items": named,
    }


# Whose account a request names: "the default address of jane@example.com", "for Jane Doe", "Jane Doe's address".
_WHOSE = re.compile(
    r"\b(?:of|for)\s+([\w.+-]+@[\w-]+\.[\w.-]+|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+)|\b([A-Z][a-z]+\s+[A-Z][a-z]+)'s\b"
)


def _ground_account_owner(run: Run, slot: Slot) -> bool:
    # Someone named is passed on as named: the tool refuses anyone but the verified customer, and the speaker's own
    # address is never changed in their stead.
    if whose := _WHOSE.search(run.text):
        run.plan.slots["for_customer"] = whose.group(1) or whose.group(2)
    run.values[slot.name] = run.plan.slots.get("for_customer") or None
    return True


# "Could you ship it to my office instead?", "a different address, please": somewhere else than the address in hand,
# not said yet (the address itself follows, or is asked for).
_ANOTHER_DESTINATION = re.compile(
    r"\b(?:ship|send|sent|deliver|mail|post|forward|redirect|go(?:es)?|going|come)\w*\s+"
    r"(?:(?:it|them|this|that|everything|the\s+\w+)\s+)?(?:to|at)\s+(?:my|our|a|the)\s+(?:work\s+|office\s+)?"
    r"(?:office|work(?:place)?|job|(?:(?:parents?|mo[mt]h?er|mum|mom|dad|father|friend|neighbou?r|sister|brother"
    r"|partner|boyfriend|girlfriend|wife|husband)'?s?(?:\s+(?:place|house|home|flat|apartment|address))?))\b"
    r"|\b(?:another|a\s+different|an?\s+other|some\s+other|my\s+other)\s+(?:shipping\s+|delivery\s+)?address\b",
    re.IGNORECASE,
)


# "Is it going to my home?", "where does it go?": a question about where it goes, not a wish for another place.
_ASKS_WHERE_IT_GOES = re.compile(
    r"^\W*(?:(?:so|and|but|ok(?:ay)?|h+m+|u+m+|wait)\W+)*(?:is|are|does|do|did|will|where|which|what)\b", re.IGNORECASE
)


def names_another_destination(text: str) -> bool:
    """The message asks for the order to go somewhere else without giving that address."""
    if looks_like_address(text) or address_source(text) is not None or gives_a_yes(text, MODIFY_ADDRESS):
        return False  # "yes, send it to my new address" confirms the one proposed
    return any(_ANOTHER_DESTINATION.search(s) and not _ASKS_WHERE_IT_GOES.search(s) for s in sentences(text))


def address_source(text: str) -> str | None:
    """Where the customer says the address is to be copied from: another order ("same address as #W2"), or their
    account's default address ("my default address") as "default"; None when they say neither."""
    if match := _ADDRESS_FROM_ORDER.search(text) or _WHERE_AN_ORDER_WENT.search(text):
        return None if _REFUSED_SOURCE.search(text[: match.start()]) else f"#W{match.group(1)}"
    if match := _ADDRESS_FROM_PROFILE.search(text):
        return None if _REFUSED_SOURCE.search(text[: match.start() + 4]) else "default"
    return None


# Words that make an order the source of the address ("same address as #W2", "copy it from #W2", "use the address
# of #W2"), where "change the address of #W1" makes it the order to change.
_ADDRESS_FROM_ORDER = re.compile(
    r"\b(?:same\s+(?:shipping\s+|delivery\s+)?(?:address|place|one|location)\s+(?:as|like)|copy\s+(?:it\s+|the\s+address\s+)?from"
    r"|(?:use|take|reuse)\s+the\s+(?:shipping\s+|delivery\s+)?address\s+(?:of|on|from|for)"
    r"|address\s+(?:of|on|from|for)\s+(?:my\s+)?(?:other|previous|earlier|last)\s+order)\s+"
    r"(?:(?:my|the|that|other|another|order|one|previous|earlier)\s+)*#?\s?W?(\d{7})\b",
    re.IGNORECASE,
)
# "Send it to where my order #W2 went": a destination, not a question about where a parcel is.
_WHERE_AN_ORDER_WENT = re.compile(
    r"\b(?:to|same\s+place\s+as)\s+where(?:ver)?\s+(?:my\s+)?(?:other\s+)?(?:order\s+)?#?\s?W?(\d{7})\s+"
    r"(?:went|goes|was\s+(?:sent|shipped|delivered))",
    re.IGNORECASE,
)
# "Not to the same address as #W2", "don't use my default address", "I moved away from my saved address".
_REFUSED_SOURCE = re.compile(
    r"\b(?:not|don'?t|do\s+not|never|no\s+longer|away\s+from|instead\s+of|rather\s+than|nicht|kein\w*)\b[^.?!]{0,30}$",
    re.IGNORECASE,
)
_ADDRESS_FROM_PROFILE = re.compile(
    r"\b(?:to|use|using|same\s+as|from)\s+(?:my|the)\s+(?:default|account'?s?|profile'?s?|saved)\s+(?:shipping\s+)?"
    r"address\b|\b(?:to|use|using|same\s+as|from)\s+the\s+address\s+(?:on|in)\s+(?:my\s+)?(?:file|account|profile)\b",
    re.IGNORECASE,
)


def _copied_address(run: Run) -> tuple[bool, dict[str, str] | None]:
    """The address to copy (another of their orders' shipping address, or their default one): (read yet, address).
    A source the tools refuse (not theirs, not found) is forgotten and the address is asked for."""
    source = str(run.plan.slots.get("address_source"))
    name, key = (CUSTOMER_DETAILS, "default_address") if source == "default" else (ORDER_DETAILS, "shipping_address")
    result = run.read(name, {} if source == "default" else {"order_id": source})
    if result is None:
        return False, None
    found = result.data.get(key) if result.ok and isinstance(result.data, dict) else None
    if isinstance(found, dict):
        return True, {field: str(found.get(field) or "") for field in ADDRESS_FIELDS}
    run.plan.slots.pop("address_source", None)
    return True, None


def _ground_address(run: Run, slot: Slot) -> bool:
    address = run.plan.slots.get("address")
    if (not address or missing(address)) and run.plan.slots.get("address_source"):
        ready, copied = _copied_address(run)
        if not ready:
            return False
        if copied is not None:
            run.plan.slots["address"] = address = copied
    if not address or missing(address):
        run.ask(slot)
        return False
    run.values[slot.name] = {key: address.get(key, "") for key in ADDRESS_FIELDS}
    return True


def _ground_target_variants(run: Run, slot: Slot) -> bool:
    """Another option of the same product: modify a pending order, exchange a delivered one. Several items named
    ("the keyboard and the thermostat") are settled one after the other and changed in one write."""
    plan, order = run.plan, run.order or {}
    items = order.get("items", [])
    settled = [s[0] for s in plan.slots.get("swaps") or []]
    in_play = list(dict.fromkeys([*settled, *(plan.slots.get("item_queue") or [])]))
    if len(in_play) > 1 and (out := items_left_out(items, run.text, in_play)):
        # "Leave the electric kettle as it is", "I only want the boots and the speaker changed": the items in play
        # that the customer takes out of this change; the rest stays as settled or still to be settled.
        plan.slots["swaps"] = [s for s in plan.slots.get("swaps") or [] if s[0] not in out]
        plan.slots["item_queue"] = [i for i in in_play if i not in out]
        settled = [s[0] for s in plan.slots["swaps"]]
        waiting = [i for i in plan.slots["item_queue"] if i not in settled]
        if plan.slots.get("item_id") in out or not waiting:
            plan.slots.pop("options", None)
            plan.slots.pop("option_values", None)
        if waiting:
            plan.slots["item_id"] = waiting[0]
        elif settled:
            swaps = plan.slots["swaps"]
            run.values[slot.name] = {"item_ids": [s[0] for s in swaps], "new_item_ids": [s[1] for s in swaps]}
            plan.slots["used_text"] = [settled[-1], run.text]
            return True
    named_now = [str(i.get("item_id")) for i in matching_items(items, [run.text])] if settled else []
    again = [item_id for item_id in named_now if item_id in settled]
    # Read once, at the turn's start: a later step of the turn finds the item to settle again still waiting.
    waiting = [i for i in plan.slots.get("item_queue") or [] if i not in settled]
    correcting = run.state.repair == Repair.correction and bool(settled) and not waiting
    if correcting and not again and not the_other_unit(items, run.text, settled):
        # "Sorry, the 10 hour battery, not the 20 hour one" names no item: the option names it, the one item
        # proposed whose product has the value said, other than its own.
        again = _items_an_option_names(
            items, run.text, settled, plan.slots.get("item_option_values") or {}, plan.slots.get("item_wishes") or {}
        )
    if correcting and again and (plan.slots.get("item_id") not in again or len(settled) > 1):
        # "No, the bookshelf should be 3 ft" at a proposal of two items: the item named is settled again with these
        # words and what was asked for it before; the others keep what was settled for them.
        plan.slots["swaps"] = [s for s in plan.slots.get("swaps") or [] if s[0] not in again]
        plan.slots["item_queue"] = again
        plan.slots["item_id"] = again[0]
        plan.slots["options"] = dict((plan.slots.get("item_wishes") or {}).get(again[0]) or {})
        plan.slots.pop("option_values", None)
        plan.slots.pop("used_text", None)
        settled = [s[0] for s in plan.slots["swaps"]]
    # Items of one name are told apart by the options said: naming the one settled is no other one.
    # Read once, as the words arrive: a later step of the same turn finds them already used to settle an item, and
    # its option values ("electric" for a kettle's stovetop) would name other items ("Electric Kettle").
    fresh = (plan.slots.get("used_text") or [])[1:] != [run.text]
    more = _newly_named(matching_items(items, [run.text]), settled, run.text) if settled and fresh else []
    if settled and fresh and not more:
        # "And the other one in blue" after the red speaker was settled: the other unit of that product.
        more = the_other_unit(items, run.text, settled)
    if more and not any(i.get("item_id") == plan.slots.get("item_id") for i in more):
        # "Also the perfume, to oriental": the items already settled stay, those still waiting keep their turn, and
        # the newly named ones are settled next.
        waiting = [i for i in plan.slots.get("item_queue") or [] if i not in settled]
        queue = [*settled, *(i.get("item_id") for i in more), *waiting]
        plan.slots["item_queue"] = list(dict.fromkeys(queue))
        plan.slots["item_id"] = more[0].get("item_id")
        plan.slots.pop("options", None)
        plan.slots.pop("option_values", None)
    if not plan.slots.get("item_id"):
        # Several units of one variant are one choice: the first unit is changed.
        named = [str(plan.slots.get("item_hint") or ""), *plan.slots.get("products", [])]
        # Items named without "the" or "my" ("Air purifier -> small room. Perfume -> woody") are still named: the
        # order's own item names are read in the message itself.
        chosen = matching_items(items, [n for n in named if n], plan.similar) or named_items(items, run.text)
        names = [str(i.get("name")) for i in chosen]
        alike = [i for i in chosen if names.count(str(i.get("name"))) > 1]
        if alike and len(described_units(alike, run.text)) == len(_distinct(alike)):
            # Each unit described in its own words ("the red one to blue, and the black one in white"): all of them,
            # each settled with the words about it.
            names = list(dict.fromkeys(names))
        elif len(set(names)) < len(names) or (not chosen and plan.slots.get("item_answer") == run.text):
            # Alike by name, or none named in the answer to "which item?": told apart by the options said, the
            # place in the list shown, "the other one" or the price ("the 60% one", "the last one on that list").
            alike = [i for i in chosen if names.count(str(i.get("name"))) > 1] or _distinct(items)
            chosen = described_items(alike, run.text, items, _last_item(plan)) or chosen
            names = [str(i.get("name")) for i in chosen]
        if not chosen or len(set(names)) < len(names):
            # None named, or two of one product that the words said do not tell apart: ask which.
            plan.awaiting = "item"
            return False
        plan.slots["item_queue"] = [i.get("item_id") for i in chosen]
        plan.slots["item_id"] = chosen[0].get("item_id")
        units = sum(i.get("item_id") == chosen[0].get("item_id") for i in items)
        # The item's option values known so far (its own, and its product's once read) tell a wish said by the
        # value alone ("one wired, the other wireless").
        known = (plan.slots.get("item_option_values") or {}).get(str(chosen[0].get("item_id"))) or {}
        values = {str(v) for v in (chosen[0].get("options") or {}).values()}
        values |= {str(v) for vs in known.values() for v in vs}
        wishes = wishes_per_unit(run.text, frozenset(values)) if len(chosen) == 1 and units > 1 else []
        if 1 < len(wishes) <= units:
            # "Both hoses, one in vinyl and one in latex": units of one variant, each with its own wish, in turn.
            plan.slots["item_queue"] = [chosen[0].get("item_id")] * len(wishes)
            plan.slots["unit_wishes"] = wishes
    if not _settle_item(plan, run.results, order, run.text):
        return False
    swaps = plan.slots.get("swaps") or []
    run.values[slot.name] = {"item_ids": [s[0] for s in swaps], "new_item_ids": [s[1] for s in swaps]}
    return True


# Words that take an item out of a change: "leave it as it is", "don't touch the kettle", "remove the lamp", "I never
# asked for that", "that line is wrong", "stays the same".
_LEFT_OUT = re.compile(
    r"\b(?:leave\s+(?:\S+\s+){0,6}?(?:as\s+(?:it|they)\s+(?:is|are)|alone|unchanged|out|be)"
    r"|(?:remove|drop|delete|exclude|take\s+(?:\w+\s+){0,3}?(?:out|off))\b"
    r"|(?:don'?t|do\s+not|did\s+not|didn'?t|never)\s+(?:touch|change|swap|modify"
    r"|(?:want(?:ed)?|ask(?:ed)?)\s+(?:\S+\s+){0,5}?(?:changed|swapped|touched|to\s+(?:change|swap|be\s+changed)|for\b))"
    r"|line\s+is\s+(?:wrong|not\s+right)"
    r"|stays?\s+(?:as\s+(?:it\s+is|is)|the\s+same|unchanged|as\s+they\s+are)|keep\s+(?:\S+\s+){0,6}?as\s+(?:it|they)\s+(?:is|are)"
    r"|nicht\s+(?:ändern|anfassen|tauschen)|so\s+lassen|bleibt\s+(?:so|wie))",
    re.IGNORECASE,
)
_ONLY = re.compile(
    r"\b(?:only|nur)\s+(?:(?:want|need|wanted)\s+)?(?:(?:to\s+)?(?:change|swap|exchange)\s+)?(?:the|my|that|this|den|die|das)\b",
    re.IGNORECASE,
)


def _left_alone(items: list[dict[str, Any]], text: str, in_play: list[str]) -> set[str]:
    out: set[str] = set()
    for sentence in sentences(text):
        named = [i for i in matching_items(items, [sentence]) if i.get("item_id") in in_play]
        names = [str(i.get("name")) for i in named]
        if len(set(names)) < len(names):
            # Two of one product: the options said tell which ("the black smart watch stays as it is").
            named = described_items(named, sentence, items) or named
        ids = {str(i.get("item_id")) for i in named}
        keys = {str(key).lower() for i in named for key in (i.get("options") or {})}
        keys |= {"colour" for key in keys if key == "color"}
        if not ids or any(re.search(rf"\b{re.escape(key)}\b", sentence, re.IGNORECASE) for key in keys):
            continue  # "don't change the size of the jacket": an option left alone, not the item
        if _WANTS_IT_OTHERWISE.search(sentence) and not _ONLY.search(sentence) and extract_options(sentence):
            continue  # "I don't want the kettle in white, make it black": another wish for the item, not none
        if only := _ONLY.search(sentence):
            # What follows "only" is kept ("the speaker stays as it is, I only need the kettle and the boots").
            kept = {str(i.get("item_id")) for i in named if i in matching_items(items, [sentence[only.start() :]])}
            out |= set(in_play) - (kept or ids)
        elif _LEFT_OUT.search(sentence):
            out |= ids
    return out


def items_left_out(items: list[dict[str, Any]], text: str, in_play: list[str]) -> set[str]:
    """The items in play (settled or still to settle) that the message takes out of the change, sentence by
    sentence: those named beside words that leave them alone, or all but those named beside "only". None when that
    would leave nothing: a change without any item is no change, and it is said as a no."""
    out = _left_alone(items, text, in_play)
    return out if out != set(in_play) else set()


def _items_an_option_names(
    items: list[dict[str, Any]],
    text: str,
    settled: list[str],
    values: dict[str, dict[str, list[str]]],
    wishes: dict[str, dict[str, str]],
) -> list[str]:
    """The one settled item whose product has an option value the message names, other than the item's own ("the
    10 hour battery" of the speaker beside a t-shirt). Of several, the one whose wish named that option ("red, not
    blue" corrects the item asked to be blue, though both come in red). None when that leaves no single item."""
    meant: dict[str, set[str]] = {}
    for item in _distinct([i for i in items if str(i.get("item_id")) in settled]):
        own = {str(k).lower(): str(v).lower() for k, v in (item.get("options") or {}).items()}
        said = options_in(text, values.get(str(item.get("item_id"))) or {}, item.get("options") or {})
        if any(own.get(str(k).lower()) != str(v).lower() for k, v in said.items()):
            meant[str(item.get("item_id"))] = {str(k).lower() for k in said}
    if len(meant) > 1:
        wished = {i: keys for i, keys in meant.items() if keys & {str(k).lower() for k in wishes.get(i) or {}}}
        meant = wished
    return list(meant) if len(meant) == 1 else []


def _newly_named(named: list[dict[str, Any]], settled: list[str], text: str) -> list[dict[str, Any]]:
    """The items a message names beyond those already settled. A word shared with a settled item the message also
    names is that item's ("for the kettle: glass, 1 liter, electric" settles the Tea Kettle; the Electric Kettle
    of the same order is not named by "kettle", nor by an option value that happens to be in its name)."""
    said = set(re.findall(r"[\w-]+", text.lower()))
    words = {str(i.get("item_id")): set(str(i.get("name", "")).lower().split()) & said for i in named}
    held = set().union(*(words[str(i.get("item_id"))] for i in named if i.get("item_id") in settled))
    # Named apart from the settled items only by a word of its own ("the smart thermostat" beside the Smart Watch).
    return [i for i in named if i.get("item_id") not in settled and not words[str(i.get("item_id"))] <= held]


def _what_still_fits(
    product: dict[str, Any], item: dict[str, Any], now: dict[str, str], before: dict[str, str]
) -> dict[str, str] | None:
    """The most of the options asked before that, with those asked now, still name one variant; None when none do,
    or when two different choices of them would (which of the earlier wishes to keep is then theirs to say)."""
    for size in range(len(before), -1, -1):
        fitting = []
        for keys in itertools.combinations(sorted(before), size):
            subset = {key: before[key] for key in keys}
            variants, _ = matching_variants(product, item, {**subset, **now})
            if len(variants) == 1:
                fitting.append(subset)
        if len(fitting) == 1:
            return fitting[0]
        if fitting:
            return None
    return None


def _distinct(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return list({str(i.get("item_id")): i for i in items}.values())


def _last_item(plan: Plan) -> str | None:
    """The item last settled in this request: "the other one" is another."""
    swaps = plan.slots.get("swaps") or []
    return str(swaps[-1][0]) if swaps else None


def _settle_item(plan: Plan, results: list[ToolResult], order: dict[str, Any], text: str) -> bool:
    """The new variant of the item in hand; then the next named item, until every named item has one."""
    items = order.get("items", [])
    item = next((i for i in items if i.get("item_id") == plan.slots.get("item_id")), None)
    if item is None:
        plan.slots.pop("item_id", None)
        plan.awaiting = "item"
        return False
    queue = plan.slots.get("item_queue") or []
    alike_units = queue.count(item.get("item_id")) if len(queue) > 1 else 0
    settled_units = [s for s in plan.slots.get("swaps") or [] if s[0] == item.get("item_id")]
    if alike_units > 1 and len(settled_units) >= alike_units:
        return True  # every unit of this variant already has its own new variant
    used = plan.slots.get("used_text") or []
    # [the item the words settled, the words]: only another item leaves them alone (a re-plan of the same item in
    # the same turn reads them again).
    if text and used[1:] == [text] and used[0] != item.get("item_id") and not named_items([item], text):
        # The words that just settled another item are not this one's unless they name it too ("the gold one with
        # the leather band" settles the watch; the camera's options come in the next message), nor are the
        # options read from them.
        text = ""
        plan.slots.pop("options", None)
    plan.slots["product_id"] = item.get("product_id")
    product = _read(plan, results, PRODUCT_DETAILS, {"product_id": item.get("product_id")})
    if product is None or not product.ok or not isinstance(product.data, dict):
        return False
    plan.slots["option_values"] = option_values(product.data)
    # Each item's own option values, kept past the next item's: a correction at the proposal ("the 10 hour battery")
    # is read against every item proposed, and goes to the one whose product has what it names.
    remembered = plan.slots.get("item_option_values") or {}
    plan.slots["item_option_values"] = {**remembered, str(item.get("item_id")): plan.slots["option_values"]}
    # The part of the message about this item, when it names several.
    segment = item_segment(text, item, list(plan.slots.get("products") or []), items)
    unit_wishes = plan.slots.get("unit_wishes") or []
    if alike_units > 1 and len(settled_units) < len(unit_wishes):
        # The next of several units of one variant: the words of its own wish ("one in latex").
        segment = unit_wishes[len(settled_units)]
    if len(plan.slots.get("item_queue") or []) > 1:
        # Several items named: each takes the options said next to it ("the jacket in XL and the speaker in black").
        have = item.get("options") or {}
        said_options = {**extract_options(segment), **options_in(segment, plan.slots["option_values"], have)}
        wanted = said_options if segment != text else {**(plan.slots.get("options") or {}), **said_options}
        fresh_wish = said_options
    else:
        # Read the message again against this product's own options ("300 ml" is its volume, "Stone" its colour).
        earlier = plan.slots.get("options") or {}
        have = {str(k).lower(): str(v).lower() for k, v in (item.get("options") or {}).items()}
        said = options_in(text, plan.slots["option_values"], item.get("options") or {})
        # The item's own values said after another was asked for describe which item it is ("the clicky, RGB, 60%
        # one" after "in 80% instead"): they do not take the wish back.
        said = {k: v for k, v in said.items() if not (k in earlier and have.get(str(k).lower()) == str(v).lower())}
        wanted = {**earlier, **said}
        fresh_wish = said
    # Options of another product ("clicky" said for the keyboard) are not this one's.
    keys = {key.lower() for key in plan.slots["option_values"]}
    own = {key: value for key, value in wanted.items() if key.lower() in keys}
    if wanted and not own and not plan.slots.get("swaps"):
        plan.notice = {"code": "no_variant", "wanted": wanted, "name": item.get("name")}
    wanted = own
    own_values = {str(k).lower(): str(v).lower() for k, v in (item.get("options") or {}).items()}
    # "The exact same one again, the 5000mAh USB-C in white": their own options said with words of sameness.
    restates_own = bool(wanted) and all(own_values.get(str(k).lower()) == str(v).lower() for k, v in wanted.items())
    same_asked = (
        asks_for_the_same_item(segment)
        or bool(plan.slots.get("faulty_unit"))
        or (restates_own and says_the_same_again(segment))
    )
    describes_theirs = restates_own and len(wanted) < len(own_values) and not same_asked
    if describes_theirs and plan.slots.get("told_same") != item.get("item_id"):
        # "My phone, the gold one I got": a part of their own options says which item it is, it asks for no other
        # variant (read as a wish, it found the gold ones they do not have, and told them gold is not available).
        wanted = {}
        plan.slots.pop("options", None)
    if not wanted and same_asked:
        # "The same one again": the item's own options are what is wanted.
        wanted = {str(k): str(v) for k, v in (item.get("options") or {}).items()}
    if wanted:
        plan.slots["options"] = wanted
    if not wanted:
        plan.awaiting = "options"
        return False
    variants, relevant = matching_variants(product.data, item, wanted)
    now = {key: value for key, value in fresh_wish.items() if key.lower() in keys}
    if not variants and now and set(wanted) - set(now):
        # "Actually, the 1.5L glass one instead" after "a 1L black one": what is said now is the wish, with as much
        # of what was asked before as still fits it (the black goes; a size asked before stays when it can).
        kept = _what_still_fits(product.data, item, now, {k: v for k, v in wanted.items() if k not in now})
        if kept is not None:
            wanted = plan.slots["options"] = {**kept, **now}
            variants, relevant = matching_variants(product.data, item, wanted)
    own_variant = len(variants) == 1 and variants[0].get("item_id") == item.get("item_id")
    # Their own variant again, asked for in so many words or insisted on after we said it is the one they have:
    # a new unit of the same item, which the shop allows.
    # (What we told them stays remembered for the turn's later steps: the read of a payment method re-plans the item.)
    insisted = plan.slots.get("told_same") == item.get("item_id")
    if own_variant and (same_asked or insisted):
        # Settled as their own variant again: a re-plan of the request (a corrected payment method) keeps it so.
        plan.slots["told_same"] = item.get("item_id")
    elif len(variants) != 1 or own_variant:
        code = "same_variant" if variants and variants[0].get("item_id") == item.get("item_id") else "no_variant"
        if len(variants) > 1:
            code = "several_variants"
        plan.notice = {"code": code, "wanted": relevant or wanted, "name": item.get("name")}
        if code == "same_variant":
            plan.slots["told_same"] = item.get("item_id")
        plan.slots.pop("options", None)
        plan.awaiting = "options"
        return False
    # The closest variant may differ in options not asked about ("XL" comes only in navy): say so, never silently.
    also = {
        key: value
        for key, value in (variants[0].get("options") or {}).items()
        if key not in relevant and str((item.get("options") or {}).get(key)) != str(value)
    }
    if also:
        plan.notice = {"code": "also_changes", "name": item.get("name"), "wanted": relevant, "also": also}
    difference = float(variants[0].get("price") or 0) - float(item.get("price") or 0)
    # A unit of a variant the order holds several of, each with its own wish, adds its swap beside the others'.
    swaps = [s for s in plan.slots.get("swaps") or [] if alike_units > 1 or s[0] != item.get("item_id")]
    plan.slots["swaps"] = [*swaps, [item.get("item_id"), variants[0].get("item_id"), difference]]
    # What was asked for this item: a correction of one of its options later keeps the rest of the wish.
    plan.slots["item_wishes"] = {**(plan.slots.get("item_wishes") or {}), str(item.get("item_id")): wanted}
    if text:
        plan.slots["used_text"] = [item.get("item_id"), text]
    # What is still to settle, unit by unit: a variant queued twice needs two swaps.
    rest = list(plan.slots.get("item_queue") or [])
    for swap in plan.slots["swaps"]:
        if swap[0] in rest:
            rest.remove(swap[0])
    if rest:
        # The next item named: its own options, read from what the customer says next (or said already).
        plan.slots["item_id"] = rest[0]
        plan.slots.pop("options", None)
        plan.slots.pop("option_values", None)
        return _settle_item(plan, results, order, text)
    return True


def _ground_difference_payment(run: Run, slot: Slot) -> bool:
    """Where the price difference of the swaps goes (with an exchange's return label): the method the customer
    names, else the only one that can take it, else they are asked which; a gift card must cover what it pays."""
    plan, results, order = run.plan, run.results, run.order or {}
    difference = sum(float(s[2]) for s in plan.slots.get("swaps") or [])
    if order.get("status") == "delivered" and run.profile is not None:
        # An exchange settles the return label with the difference (the profile's cost for where the order went).
        country = str((order.get("shipping_address") or {}).get("country") or "")
        difference += float(run.profile.returns.label_cost(country))
    # "What I paid with" is where the order's money sits now ("I just moved it to PayPal" before "and the boots in a
    # 10"), and with no money changing hands it is the method the change is recorded with.
    paid_with = current_payment_method(order)
    plan.slots["paid_with"] = paid_with
    if not plan.slots.get("payment") and abs(difference) < 0.005:
        run.values[slot.name] = paid_with
        return True
    customer = _read(plan, results, CUSTOMER_DETAILS, {})
    if customer is None:
        return False
    methods = _methods_of(customer)

    def covers(method: dict[str, Any]) -> bool:
        # A gift card pays a difference at once and must cover it; any method can receive one.
        return method.get("kind") != "gift_card" or difference <= 0 or float(method.get("balance") or 0) >= difference

    usable = _paid_with_first([m for m in methods if covers(m)], paid_with)
    purpose = "pay_difference" if difference > 0 else "refund_difference"
    method = _chosen_method(plan, methods, usable, paid_with, purpose)
    if method is None:
        return False
    chosen = next((m for m in methods if m.get("id") == method), {})
    if not covers(chosen):
        plan.notice = {
            "code": "gift_card_short",
            "label": chosen.get("label", "your gift card"),
            "digits": chosen.get("last_four") or str(chosen.get("id") or "")[-4:],
            "balance": float(chosen.get("balance") or 0),
            "difference": round(difference, 2),
            "currency": order.get("currency"),
        }
        _ask_which_method(plan, usable, paid_with, purpose)
        return False
    run.values[slot.name] = method
    return True


def _refund_method(run: Run, order: dict[str, Any]) -> str | None:
    """Where a return's refund goes: where the shop's rules let it (`returns.refund_methods`: the original payment,
    the customer's gift cards), the method they named or, with one choice, that one; else None, and they are asked
    which (or told where it cannot go)."""
    plan = run.plan
    allowed = set(run.profile.returns.refund_methods) if run.profile is not None else {"original_payment", "gift_card"}
    paid_with = original_payment_method(order)
    plan.slots["paid_with"] = paid_with
    if not allowed & {"original_payment", "gift_card"}:
        # The shop refunds to none of the customer's methods: nothing to propose, and nothing to ask them.
        plan.notice = {"code": "not_a_refund_method", "allowed": sorted(allowed)}
        return None
    if allowed & {"original_payment", "gift_card"} == {"original_payment"} and not plan.slots.get("payment"):
        return paid_with  # the original payment is the only place it can go
    customer = _read(plan, run.results, CUSTOMER_DETAILS, {})
    if customer is None:
        return None
    methods = _methods_of(customer)
    usable = _paid_with_first(
        [
            m
            for m in methods
            if (m.get("id") == paid_with and "original_payment" in allowed)
            or (m.get("kind") == "gift_card" and "gift_card" in allowed)
        ],
        paid_with,
    )
    if paid_with and "original_payment" in allowed and not any(m.get("id") == paid_with for m in usable):
        # Paid with a method no longer on their account: it still takes the refund.
        usable.insert(0, {"id": paid_with})
    method = _chosen_method(plan, methods, usable, paid_with, "refund")
    if method is not None and usable and not any(m.get("id") == method for m in usable):
        plan.notice = {"code": "not_a_refund_method", "allowed": sorted(allowed)}
        _ask_which_method(plan, usable, paid_with, "refund")
        return None
    return method


def _methods_of(customer: ToolResult) -> list[dict[str, Any]]:
    data = customer.data if customer.ok and isinstance(customer.data, dict) else {}
    return list(data.get("payment_methods") or [])


def _paid_with_first(methods: list[dict[str, Any]], paid_with: str | None) -> list[dict[str, Any]]:
    return sorted(methods, key=lambda m: m.get("id") != paid_with)


def _chosen_method(
    plan: Plan, methods: list[dict[str, Any]], usable: list[dict[str, Any]], paid_with: str | None, purpose: str
) -> str | None:
    """The method the customer named (this message or earlier in the request); none named, the only usable one, or
    None after asking which of the usable ones (`purpose`: what the money does, for the question's words)."""
    if plan.slots.get("payment"):
        method = _named_method(plan, methods, paid_with)
        if method is None:
            _ask_which_method(plan, usable, paid_with, purpose)
        return method
    if len(usable) == 1:
        return str(usable[0].get("id"))
    if not usable:
        return paid_with  # nothing of theirs can take it: the tool's refusal says why
    _ask_which_method(plan, usable, paid_with, purpose)
    return None


def _ask_which_method(plan: Plan, usable: list[dict[str, Any]], paid_with: str | None, purpose: str) -> None:
    """Ask which method, listing only the usable ones (what was paid with marked as such)."""
    plan.slots["payment_choices"] = {
        "ids": [str(m.get("id")) for m in usable],
        "paid_with": paid_with,
        "purpose": purpose,
    }
    plan.slots.pop("payment", None)
    plan.awaiting = "payment_method"


def _named_method(plan: Plan, methods: list[dict[str, Any]], paid_with: str | None) -> str | None:
    """The one method of the customer's their words name, remembered as chosen ("my other card" afterwards means
    another than it, and than the one paid with); None with a notice of why when the words name none or several."""
    mention = plan.slots.get("payment") or {}
    if mention.get("original") and paid_with:
        plan.slots["payment_chosen"] = paid_with
        return paid_with
    in_play = {str(m) for m in (paid_with, plan.slots.get("payment_chosen")) if m}
    found = matching_methods(methods, mention, in_play, paid_with)
    if len(found) == 1:
        plan.slots["payment_chosen"] = str(found[0]["id"])
        if mention.get("id") and plan.notice is None:
            # Named by the id of the shop's records: say which of theirs it is, in the words they know it by.
            plan.notice = {"code": "method_by_id", "named": mention["id"], "label": found[0].get("label")}
        return str(found[0]["id"])
    if not found and mention.get("other"):
        # "My other card" with no other one of that kind: say which one is the only one.
        only = [str(m.get("label")) for m in methods if m.get("kind") == mention.get("kind") and m.get("id") in in_play]
        plan.notice = {"code": "no_other_method", "kind": mention.get("kind"), "only": only}
    else:
        plan.notice = {"code": "no_such_method" if not found else "several_methods", "kind": mention.get("kind")}
    plan.slots.pop("payment", None)
    plan.awaiting = "payment_method"
    return None


def _ground_payment_method(run: Run, slot: Slot) -> bool:
    """A method of the customer's the order is not paid with already. "The one I paid with" names the method that
    goes, not the one that comes: the question is asked."""
    plan, order = run.plan, run.order or {}
    if (plan.slots.get("payment") or {}).get("original"):
        plan.slots.pop("payment", None)
    if not plan.slots.get("payment"):
        _read(plan, run.results, CUSTOMER_DETAILS, {})
        run.ask(slot)
        return False
    customer = _read(plan, run.results, CUSTOMER_DETAILS, {})
    if customer is None or not customer.ok:
        return False
    method = _named_method(plan, _methods_of(customer), original_payment_method(order))
    if method is None:
        return False
    if method in paid_methods(order):
        plan.notice = {"code": "already_paid_with", "order_id": order.get("order_id")}
        return False
    run.values[slot.name] = method
    return True


def _ground_goodwill_amount(run: Run, slot: Slot) -> bool:
    """The amount named, else the slot's default within the profile's goodwill limit (the tool checks it again)."""
    default = float(slot.options.get("default") or DEFAULT_GOODWILL)
    limit = float(run.profile.refunds.goodwill_max_amount) if run.profile is not None else default
    run.values[slot.name] = float(run.plan.slots.get("amount") or min(default, limit))
    return True


def _ground_goodwill_reason(run: Run, slot: Slot) -> bool:
    run.values[slot.name] = str(run.plan.slots.get("goodwill_reason") or slot.options.get("default") or "")
    return True


def _ground_voucher_code(run: Run, slot: Slot) -> bool:
    plan = run.plan
    identity = _identity_call(plan.slots) if run.state.customer is None else None
    if identity and not (_done(run.results, FIND_BY_EMAIL) or _done(run.results, FIND_BY_NAME_ZIP)):
        # A personal voucher is only shown to its owner: verify first when the customer has told us who they are.
        plan.reads.append(identity)
        return False
    code = plan.slots.get("voucher_code")
    if not code:
        run.ask(slot)
        return False
    run.values[slot.name] = code
    return True


# The generic kinds: what a shop's own procedure collects. Their values are remembered across turns in
# slots["procedure_values"] (a new request starts without them).


def _remembered(run: Run, slot: Slot) -> Any:
    return (run.plan.slots.get("procedure_values") or {}).get(slot.name)


def _remember(run: Run, slot: Slot, value: Any) -> None:
    run.plan.slots["procedure_values"] = {**(run.plan.slots.get("procedure_values") or {}), slot.name: value}
    run.values[slot.name] = value


def _answer(run: Run, slot: Slot) -> str:
    """The customer's answer to our question for this slot, or "" when this turn answers no such question."""
    answer = run.plan.slots.get("procedure_answer") or {}
    return str(answer.get("text") or "") if answer.get("code") == ask_code(run.procedure, slot) else ""


def _ground_order_item(run: Run, slot: Slot) -> bool:
    """One item of the order in hand, by its name, type or options in the customer's words (this answer, or said
    before); an order of one product needs no question."""
    items = list((run.order or {}).get("items", []))
    remembered = _remembered(run, slot)
    found = next((i for i in items if remembered and i.get("item_id") == remembered.get("item_id")), None)
    if found is None:
        named = [str(run.plan.slots.get("item_hint") or ""), *run.plan.slots.get("products", [])]
        named.append(_answer(run, slot))
        chosen = matching_items(items, [n for n in named if n.strip()], run.plan.similar)
        if len({str(i.get("name")) for i in chosen}) != 1 and len({str(i.get("name")) for i in items}) == 1:
            chosen = items
        if len({str(i.get("name")) for i in chosen}) != 1:
            run.ask(slot)
            return False
        found = chosen[0]
    _remember(run, slot, {k: found.get(k) for k in ("item_id", "name", "options", "product_id")})
    return True


def _ground_free_text(run: Run, slot: Slot) -> bool:
    """What the customer answers to the slot's question, as they said it."""
    value = _remembered(run, slot) or _answer(run, slot)
    if not value:
        run.ask(slot)
        return False
    _remember(run, slot, value)
    return True


def _ground_amount(run: Run, slot: Slot) -> bool:
    value = _remembered(run, slot) or run.plan.slots.get("amount")
    if not value:
        run.ask(slot)
        return False
    _remember(run, slot, float(value))
    return True


def _ground_remedy(run: Run, slot: Slot) -> bool:
    """Money back or a new unit for the faulty item, as the customer asks for it (this message or earlier)."""
    value = _remembered(run, slot) or named_remedy(run.text)
    if not value:
        if run.plan.slots.get("remedy_asked") and asks_how_to_fix(run.text):
            # A question of how to fix it: nothing we can do from here but take it back or send a new one.
            run.plan.notice = {"code": "cannot_fix_here", "name": _faulty_item_name(run)}
        run.plan.slots["remedy_asked"] = True
        run.ask(slot)
        return False
    _remember(run, slot, value)
    if value == "exchange":
        # A new unit for a faulty one: their own variant again, unless they name other options.
        run.plan.slots["faulty_unit"] = True
    return True


_HOW_TO_FIX = re.compile(
    r"\b(?:try|reset|fix|troubleshoot|repair|get\s+(?:it|them)\s+(?:to|working)|make\s+(?:it|them)\s+work|setting|pair"
    r"|turn\s+(?:it|them)\s+on|update|firmware|reparier\w*|zurücksetzen)\b",
    re.IGNORECASE,
)


def asks_how_to_fix(text: str) -> bool:
    """ "Is there anything I can try to get them to pair?": a question of how to fix it ourselves."""
    return asks_something(text) and bool(_HOW_TO_FIX.search(text))


def _faulty_item_name(run: Run) -> str:
    items = (run.order or {}).get("items") or []
    named = matching_items(items, [str(run.plan.slots.get("item_hint") or ""), *run.plan.slots.get("products", [])])
    return str(named[0].get("name")) if len(named) == 1 else ""


def _ground_choice(run: Run, slot: Slot) -> bool:
    """One of the slot's choices, named in the customer's words (this message or an earlier one of the request)."""
    value = _remembered(run, slot)
    if not value:
        choices = [str(choice) for choice in slot.options.get("choices") or []]
        said = [c for c in choices if re.search(rf"\b{re.escape(c)}\b", run.text, re.IGNORECASE)]
        value = said[0] if len(said) == 1 else None
    if not value:
        run.ask(slot)
        return False
    _remember(run, slot, value)
    return True


GROUNDINGS: dict[str, Grounding] = {
    "order": _ground_order,
    "listed_order": _ground_listed_order,
    "order_lookup": _ground_order_lookup,
    "order_item": _ground_order_item,
    "return_items": _ground_return_items,
    "target_variants": _ground_target_variants,
    "difference_payment": _ground_difference_payment,
    "payment_method": _ground_payment_method,
    "address": _ground_address,
    "account_owner": _ground_account_owner,
    "cancel_reason": _ground_cancel_reason,
    "voucher_code": _ground_voucher_code,
    "goodwill_amount": _ground_goodwill_amount,
    "goodwill_reason": _ground_goodwill_reason,
    "amount": _ground_amount,
    "choice": _ground_choice,
    "remedy": _ground_remedy,
    "free_text": _ground_free_text,
}
