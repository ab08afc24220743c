"""The dialogue policy's names: the tools it calls, its own readings of a request, and the slots a request collects."""

from __future__ import annotations

from graph.procedures.loader import builtin_procedures
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
    "other_than_order",
    "orders_set_aside",
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
    "item_words",
    "swaps",
    "swap_views",
    "for_customer",
    "told_same",
    "used_text",
    "payment_chosen",
    "payment_choices",
    "paid_with",
    "address_source",
    "faulty_unit",
    "remedy_asked",
    "reason_off_list",
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
    "reason_off_list",
    "some_item",
    "item_id",
    "product_id",
    "item_queue",
    "item_words",
    "swaps",
    "swap_views",
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
# Requests that name a late parcel and a voucher but want something else done.
NOT_GOODWILL = frozenset({"cancel_order", "return_request", "exchange_request", "change_address", "change_order"})
# Look-ups that found nobody before we stop trying: someone guessing names and zip codes gets no further.
MAX_IDENTITY_ATTEMPTS = 6
# Answers that repeat details already looked up and not found before a person takes over.
STALE_IDENTITY_ANSWERS = 2
# A goodwill credit the bot offers when the customer names no amount, if the profile allows that much.
DEFAULT_GOODWILL = 10.0
