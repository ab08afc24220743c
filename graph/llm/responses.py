"""The local engine's replies: templates filled only with facts from this turn's evidence.

Every fact a template states comes from a tool result or a retrieved passage, and the reply cites its id, so the
critique can check it. Where the evidence is silent, the reply says so and offers a person.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from graph.llm.addresses import FIELD_NAMES, missing, one_line
from graph.llm.dialogue import (
    CHANGE_DEFAULT_ADDRESS,
    CHECK_VOUCHER,
    CUSTOMER_DETAILS,
    EXCHANGE_ITEMS,
    FIND_BY_EMAIL,
    FIND_BY_NAME_ZIP,
    GOODWILL,
    LIST_ORDERS,
    MODIFY_ITEMS,
    ORDER_CHANGES,
    ORDER_DETAILS,
    PRODUCT_DETAILS,
    RETURN_ELIGIBILITY,
    RETURN_STATUS,
    ToolResult,
)
from graph.llm.engine import Draft
from graph.llm.matching import options_text
from shopdesk.profile import ShopProfile

OFFER_PERSON = "If you'd like, I can pass you to a colleague from our team."
OFFER_ORDER_CHECK = "If it's about one of your orders, tell me which one and I'll check."


def _date(value: Any) -> str:
    if not value:
        return ""
    try:
        return datetime.fromisoformat(str(value)).strftime("%A, %B %d").replace(" 0", " ")
    except ValueError:
        return str(value)


def format_date(value: Any, with_year: bool = False) -> str:
    """A date as customers read it; with the year for dates that may lie in another year (expiry dates)."""
    if with_year and value:
        try:
            return datetime.fromisoformat(str(value)).strftime("%B %d, %Y").replace(" 0", " ")
        except ValueError:
            return str(value)
    return _date(value)


def order_id_of(data: dict[str, Any]) -> str:
    return str(data.get("order_id") or data.get("id") or "")


# Requests about the order itself: its reply says what is in it and where it goes.
ORDER_QUESTIONS = frozenset({"order_status", "invoice", "payment_issue"})


def describe_order(order: dict[str, Any], contents: bool = True, now: datetime | None = None) -> str:
    """The order's status and parcels, and (``contents``) its items and address; ``now`` (the shop's clock by
    default) tells a late parcel from one on time."""
    order_id = order_id_of(order)
    status = order.get("status", "unknown")
    parts = [f"Your order {order_id} is **{status}**."]
    shipments = [
        s
        for s in order.get("fulfillments", [])
        if _tracking(s) or _date(s.get("estimated_delivery")) or _date(s.get("delivered_at"))
    ]
    if len(shipments) == 1:
        parts.append(_one_parcel(shipments[0], status, now))
    elif shipments:
        # One line per parcel: "It ships with UPS ... It ships with UPS ..." reads as the same parcel twice.
        lines = [f"- {_parcel_line(s, status, now)}" for s in shipments]
        parts.append(f"It was split into {len(shipments)} parcels:\n" + "\n".join(lines))
    if len(shipments) > 1 and any(_late(s, status, now) for s in shipments):
        carrier = next(str(s.get("carrier") or "our carrier") for s in shipments if _late(s, status, now))
        parts.append(f"I'm sorry about the wait. {late_next_steps(carrier)}")
    if status == "pending":
        parts.append("It hasn't been processed yet, so it can still be changed or cancelled.")
    text = " ".join(parts)
    # What is in it and where it goes: "what's in order #W...?" is answered by the same reading.
    if contents and (items := describe_items(order)):
        text += f"\n\nIt contains:\n{items}"
    if contents and (address := order.get("shipping_address")):
        text += f"\n\nShipping address: {one_line(address)}."
    return text


def _tracking(shipment: dict[str, Any]) -> str:
    return str(shipment.get("tracking_number") or ", ".join(shipment.get("tracking_id", []) or []))


def _left(shipment: dict[str, Any]) -> bool:
    """Whether the parcel has left us. Our shop records when ("shipped_at"; a processed order has a label, not yet a
    carrier scan); a feed without that field (tau-bench) is taken as shipped, as the tracking number suggests."""
    return bool(shipment.get("shipped_at")) or "shipped_at" not in shipment


def _late(shipment: dict[str, Any], status: str, now: datetime | None = None) -> bool:
    """Not delivered, and its estimated delivery day has passed (by the shop's clock unless told)."""
    if shipment.get("delivered_at") or status in ("delivered", "cancelled"):
        return False
    try:
        estimated = datetime.fromisoformat(str(shipment.get("estimated_delivery") or ""))
    except ValueError:
        return False
    if now is None:
        from tools.base import shop_now

        now = shop_now()
    return estimated.date() < now.date()


def late_next_steps(carrier: str) -> str:
    """What happens with a late parcel, by the shipping policy: wait a little, then an investigation."""
    return (
        f"Late parcels usually still arrive within a few days. If yours hasn't arrived or its tracking hasn't moved by "
        f"then, tell us and we'll open an investigation with {carrier}; if it's lost, we send a replacement or "
        "refund you in full."
    )


def _one_parcel(shipment: dict[str, Any], status: str, now: datetime | None = None) -> str:
    """The order's only parcel, in the tense of where it is: delivered, on its way, late, or waiting for the carrier."""
    carrier, tracking = shipment.get("carrier") or "our carrier", _tracking(shipment)
    delivered, estimated = _date(shipment.get("delivered_at")), _date(shipment.get("estimated_delivery"))
    with_tracking = f" (tracking number {tracking})" if tracking else ""
    if delivered:
        return f"It was shipped with {carrier}{with_tracking} and delivered on {delivered}."
    if status == "delivered":  # a feed that knows the order arrived but not the day
        return f"It was shipped with {carrier}{with_tracking}."
    how = f"with {carrier}" + (f", tracking number {tracking}" if tracking else "")
    if _late(shipment, status, now):
        # An estimate in the past is not an estimate: say it is late, and what happens next.
        if _left(shipment):
            return (
                f"It is on its way {how}, but it's running late: it was expected on {estimated}. I'm sorry about "
                f"the wait. {late_next_steps(str(carrier))}"
            )
        return (
            f"It is packed and labelled for {carrier}, but it's late leaving our warehouse: it was expected to "
            f"arrive on {estimated}. I'm sorry about the wait. {OFFER_PERSON}"
        )
    sentence = f"It is on its way {how}." if _left(shipment) else f"It will ship {how}."
    return sentence + (f" Estimated delivery: {estimated}." if estimated else "")


def _parcel_line(shipment: dict[str, Any], status: str, now: datetime | None = None) -> str:
    """One parcel of several: its carrier and tracking, then where it is."""
    carrier, tracking = shipment.get("carrier") or "our carrier", _tracking(shipment)
    label = f"{carrier}, tracking number {tracking}" if tracking else str(carrier)
    if delivered := _date(shipment.get("delivered_at")):
        return f"{label}: delivered on {delivered}."
    if status == "delivered":
        return f"{label}: delivered."
    estimated = _date(shipment.get("estimated_delivery"))
    where = "on its way" if _left(shipment) else "not shipped yet"
    if _late(shipment, status, now):
        return f"{label}: {where}, running late (it was expected on {estimated})."
    return f"{label}: {where}" + (f", estimated delivery {estimated}." if estimated else ".")


def describe_order_list(data: Any, only: list[str] | None = None) -> str:
    """All the customer's orders, newest first, each with what is in it (or only those in ``only``)."""
    orders = data.get("orders", []) if isinstance(data, dict) else data
    if not orders:
        return "I can't find any orders on your account."
    shown = [o for o in orders if not only or order_id_of(o) in only]
    lines = []
    for order in shown:
        created = _date(order.get("created_at"))
        names = [str(i.get("name") if isinstance(i, dict) else i) for i in order.get("items", [])]
        count = order.get("item_count") or len(names)
        what = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        lines.append(
            f"- {order_id_of(order)}: {order.get('status')}"
            + (f", placed {created}" if created else "")
            + (f": {what}" if what else f", {count} item(s)" if count else "")
        )
    if only and len(shown) < len(orders):
        return "These of your orders fit:\n" + "\n".join(lines)
    return "Here are your orders, most recent first:\n" + "\n".join(lines)


def _latest(results: list[ToolResult], name: str) -> ToolResult | None:
    return next((r for r in reversed(results) if r.name == name and r.ok and isinstance(r.data, (dict, list))), None)


def describe_items(order: dict[str, Any]) -> str:
    lines = []
    for item in order.get("items", []):
        options = options_text(item.get("options") or {})
        lines.append(f"- {item.get('name')}" + (f" ({options})" if options else ""))
    return "\n".join(lines)


def describe_variants(product: dict[str, Any]) -> str:
    """The product's options that can be ordered now, one line each, with their price."""
    lines = []
    for variant in product.get("variants", []):
        if not variant.get("available"):
            continue
        stock = "" if variant.get("in_stock") else ", currently out of stock"
        lines.append(f"- {options_text(variant.get('options') or {})}: ${variant.get('price'):.2f}{stock}")
    return "\n".join(lines) if lines else "- (no option can be ordered right now)"


def describe_methods(customer: dict[str, Any]) -> str:
    return "\n".join(f"- {method.get('label')}" for method in customer.get("payment_methods", []))


def ask_for(
    slot: str, results: list[ToolResult], profile: ShopProfile, slots: dict[str, Any] | None = None, intent: str = ""
) -> str:
    slots = slots or {}
    if (worded := procedure_ask(slot, results, profile, slots, intent)) is not None:
        return worded
    if slot == "identity":
        tried = [r for r in results if r.name in (FIND_BY_EMAIL, FIND_BY_NAME_ZIP)]
        if tried and not tried[-1].ok:
            # The tool's refusal says what was not found: ask for the details again, or the other way in.
            return "Could you double-check the email address on your account, or give me your full name and zip code?"
        name, zip_code = str(slots.get("name") or ""), slots.get("zip")
        if len(name.split()) >= 2 and not zip_code:
            return f"Thanks, {name.split()[0]}. What is the zip code of your address with us?"
        if zip_code and not name:
            return "Thanks. And your first and last name, please?"
        return (
            "Happy to help with that. First I need to verify it's you: please tell me the email address on your "
            "account, or your full name and zip code."
        )
    if slot == "stronger_identity":
        tried = [r for r in results if r.name in (FIND_BY_EMAIL, FIND_BY_NAME_ZIP)]
        again = "Those details didn't let me confirm it's you. " if tried else ""
        ways = profile.verification.ways()
        return f"{again}Before I change anything on your account I need to verify you by {ways}."
    if slot == "order_id":
        listing = _latest(results, LIST_ORDERS)
        prefix = describe_order_list(listing.data, slots.get("order_choices")) + "\n\n" if listing else ""
        if intent == "change_address":
            return prefix + (
                "Which order should go to the new address? The order number starts with #. If you mean the default "
                "address on your account instead, just say so."
            )
        return prefix + "Which order is this about? The order number starts with #."
    if slot == "cancel_reason":
        return "Could you tell me why you'd like to cancel: is it no longer needed, or was it ordered by mistake?"
    if slot == "address":
        address = slots.get("address") or {}
        what = "your new default address" if intent == CHANGE_DEFAULT_ADDRESS else "the new shipping address"
        gaps = missing(address) if address else []
        if address and gaps:
            have = one_line(address)
            need = ", ".join(FIELD_NAMES[g] for g in gaps)
            return f"I have {have} so far. Could you add the {need}?"
        return (
            f"What is {what}? Please write it in one message: street and number, apartment (if any), city, "
            "state or province (if any), postcode and country."
        )
    if slot == "item":
        details = _latest(results, ORDER_DETAILS)
        items = describe_items(details.data) if details and isinstance(details.data, dict) else ""
        return (f"This order has:\n{items}\n\n" if items else "") + "Which item would you like to change?"
    if slot == "options":
        product = _latest(results, PRODUCT_DETAILS)
        details = _latest(results, ORDER_DETAILS)
        current = next(
            (
                i
                for i in (details.data.get("items", []) if details and isinstance(details.data, dict) else [])
                if i.get("item_id") == slots.get("item_id")
            ),
            None,
        )
        if product and isinstance(product.data, dict):
            yours = f"Yours is {options_text(current.get('options') or {})}. " if current else ""
            return (
                f"{yours}The {product.data.get('name')} is available with these options:\n"
                f"{describe_variants(product.data)}\n\nWhich one would you like instead?"
            )
        return "Which size, colour or other option would you like instead?"
    if slot == "payment_method":
        customer = _latest(results, CUSTOMER_DETAILS)
        methods = describe_methods(customer.data) if customer and isinstance(customer.data, dict) else ""
        return (f"These payment methods are on your account:\n{methods}\n\n" if methods else "") + (
            "Which one would you like to use?"
        )
    if slot == "change_what":
        return (
            "What would you like to change on it: the shipping address, the size or colour of an item, or the "
            "payment method?"
        )
    if slot == "voucher_code":
        return "Which voucher code would you like me to check? Please type it exactly as you have it."
    return "Could you tell me a little more so I can help?"


def procedure_ask(
    slot: str, results: list[ToolResult], profile: ShopProfile, slots: dict[str, Any], intent: str
) -> str | None:
    """A question as the shop's procedure words it (a slot's `ask_text`), after the orders or items it is about;
    None when the procedure leaves the wording to the questions above."""
    from graph.procedures.interpreter import ask_code, split_code
    from graph.procedures.loader import procedures_for

    procedures = procedures_for(profile)
    custom = split_code(slot)
    procedure = procedures.procedures.get(custom[0]) if custom else procedures.for_intent(intent)
    if procedure is None:
        return None
    declared = next((s for s in procedure.slots if s.ask_text and ask_code(procedure, s) == slot), None)
    if declared is None or declared.ask_text is None:
        return None
    listing, details = _latest(results, LIST_ORDERS), _latest(results, ORDER_DETAILS)
    prefix = ""
    if slot == "order_id" and listing:
        prefix = describe_order_list(listing.data, slots.get("order_choices")) + "\n\n"
    elif declared.ground == "order_item" and details and isinstance(details.data, dict):
        prefix = f"{describe_items(details.data)}\n\n"
    return prefix + declared.ask_text


# Why a status forbids a change, and what the customer can do instead (the orders policy's alternatives).
_WHY_NOT = {
    "processed": " (it has already been packed for shipping)",
    "shipped": " (it is already with the carrier)",
    "delivered": " (it has already been delivered)",
    "cancelled": " (it has been cancelled)",
}
_INSTEAD = {
    ("cancelled", "processed"): (
        "What I can do: once it's delivered, you can return it for a refund; just ask me and I'll start the return. "
        + OFFER_PERSON
    ),
    ("cancelled", "shipped"): (
        "What I can do: once it's delivered, you can return it for a refund; just ask me and I'll start the return. "
        + OFFER_PERSON
    ),
    ("shipped to another address", "shipped"): (
        "You can often reroute a parcel yourself on the carrier's tracking page. " + OFFER_PERSON
    ),
}


def describe_notice(notice: dict[str, Any]) -> str:
    """What the policy found that no tool result says by itself: a status that forbids the change, no such option."""
    code = notice.get("code")
    if code == "also_changes":
        return (
            f"Please note: the {notice.get('name')} with {options_text(notice.get('wanted', {}))} is available only "
            f"with {options_text(notice.get('also', {}))}, so that changes too."
        )
    if code == "no_order_fits":
        what = " or ".join(f"the {p}" for p in notice.get("products") or []) or "that"
        return f"I couldn't find {what} in your orders."
    if code == "verified":
        name = f", {notice['name']}" if notice.get("name") else ""
        return f"Thanks{name}, I've found your account. What can I help you with today?"
    if code == "wrong_status":
        allowed = " or ".join(notice.get("allowed", ["pending"]))
        status = str(notice.get("status"))
        why = _WHY_NOT.get(status, "")
        instead = _INSTEAD.get((str(notice.get("doing")), status)) or OFFER_PERSON
        return (
            f"As it is **{status}**{why}, it can't be {notice.get('doing')} any more: only a {allowed} order can. "
            f"{instead}"
        )
    if code == "no_variant":
        return f"I'm sorry, the {notice.get('name')} isn't available with {options_text(notice.get('wanted', {}))}."
    if code == "several_variants":
        return f"The {notice.get('name')} comes in more than one version with {options_text(notice.get('wanted', {}))}."
    if code == "same_variant":
        return f"Your {notice.get('name')} is already {options_text(notice.get('wanted', {}))}."
    if code == "no_such_method":
        kind = {"paypal": "PayPal account", "gift_card": "gift card", "credit_card": "card"}.get(
            str(notice.get("kind")), "payment method like that"
        )
        return f"I can't find a {kind} among the payment methods on your account."
    if code == "gift_card_short":
        return (
            f"The price difference would be paid with {notice.get('label')}, and its balance doesn't cover it, so "
            "another payment method is needed for the difference."
        )
    if code == "several_methods":
        return "You have more than one of those on your account."
    if code == "already_paid_with":
        return f"Order {notice.get('order_id')} is already paid with that method, so there is nothing to change."
    if code == "refund_means_cancel":
        return (
            f"Order {notice.get('order_id')} hasn't shipped yet, so the way to get your money back is to cancel it; "
            "the payment is then refunded to where it came from."
        )
    return ""


WRITE_REFUSAL = "I couldn't set that up: "


def describe_error(result: ToolResult) -> str:
    """A tool's refusal as the customer reads it; the tools word their refusals for customers already."""
    text = str(result.data.get("error") if isinstance(result.data, dict) else result.data)
    if text.startswith("There is no order"):
        # The id the customer typed is not evidence of anything: don't repeat it back as a fact.
        text = "I couldn't find an order with that number on your account."
    from tools.registry import WRITE_ACTIONS

    return WRITE_REFUSAL + text[:1].lower() + text[1:] if result.name in WRITE_ACTIONS else text


def describe_tool_results(results: list[ToolResult], intent: str = "") -> tuple[list[str], list[str]]:
    """Sentences and evidence ids for this turn's successful reads (identity look-ups say nothing by themselves)."""
    sentences: list[str] = []
    cited: list[str] = []
    for index, result in enumerate(results):
        if not result.ok:
            if any(r.name == result.name and r.ok for r in results[index + 1 :]):
                continue  # a later read of the same kind found it ("9232383" read again as "#W9232383")
            error = describe_error(result)
            if error not in sentences:
                sentences.append(error)
            continue
        if result.name == ORDER_DETAILS and isinstance(result.data, dict):
            brief = intent in ORDER_CHANGES or intent == GOODWILL
            # What is in it and where it goes when the order itself is the question ("what's in order #W...?"), not
            # in a return or a cancellation, whose proposal lists what it touches.
            contents = intent in ORDER_QUESTIONS
            sentences.append(
                describe_order_briefly(result.data) if brief else describe_order(result.data, contents=contents)
            )
            cited.append(f"order:{order_id_of(result.data)}")
        elif result.name == RETURN_ELIGIBILITY and isinstance(result.data, dict):
            sentences.append(describe_eligibility(result.data))
            cited.append(f"eligibility:{order_id_of(result.data)}")
        elif result.name == RETURN_STATUS and isinstance(result.data, dict):
            sentences.append(describe_return_status(result.data))
            cited.append(f"returns:{order_id_of(result.data)}")
        elif result.name == CHECK_VOUCHER and isinstance(result.data, dict):
            sentences.append(describe_voucher(result.data))
            cited.append(f"tool:{result.name}:{result.call_id}")
    return sentences, cited


def describe_order_briefly(order: dict[str, Any]) -> str:
    return f"Your order {order_id_of(order)} is **{order.get('status', 'unknown')}**."


def describe_voucher(data: dict[str, Any]) -> str:
    code = data.get("code")
    if not data.get("valid"):
        return (
            f"I'm sorry, the code {code} can't be used: " + "; ".join(data.get("problems") or ["it is not valid"]) + "."
        )
    value = data.get("value") or 0
    worth = f"{value:g}% off" if data.get("kind") == "percent" else f"${value:.2f} off"
    parts = [f"Good news: the code {code} is valid and gives you {worth}."]
    if data.get("min_order_total"):
        parts.append(f"It needs an order total of at least ${data['min_order_total']:.2f}.")
    if data.get("expires_at"):
        parts.append(f"It is valid until {format_date(data['expires_at'], with_year=True)}.")
    if data.get("single_use"):
        parts.append("It can be used once.")
    return " ".join(parts)


def describe_eligibility(data: dict[str, Any]) -> str:
    final_sale = [i["name"] for i in data.get("items", []) if i.get("final_sale")]
    parts = []
    if data.get("reasons"):
        parts.append("I'm sorry, this order can't be returned: " + "; ".join(data["reasons"]) + ".")
        if any("window" in str(reason) for reason in data["reasons"]):
            # Past the window is not the end: a defect is still covered, and a person can look at the case.
            parts.append(
                "If something is faulty, it may still be covered by our warranty: tell me what's wrong and I'll "
                f"pass it to our team. {OFFER_PERSON}"
            )
    elif not data.get("eligible"):
        parts.append("Nothing on this order can be returned.")
    elif data.get("return_by"):
        parts.append(f"You can return items from this order until {_date(data['return_by'])}.")
    if final_sale:
        parts.append(
            f"{', '.join(final_sale)} {'is' if len(final_sale) == 1 else 'are'} final sale and can't be returned."
        )
    return " ".join(parts)


def describe_return_status(data: dict[str, Any]) -> str:
    returns = data.get("requests", [])
    refunds = [refund for request in returns for refund in request.get("refunds", [])]
    if not returns and not refunds:
        return f"There is no return or refund on order {order_id_of(data)} yet."
    parts = []
    for ret in returns:
        parts.append(f"Your {ret.get('kind', 'return')} request is **{ret.get('status')}**.")
    if returns and not refunds and data.get("refund_processing"):
        parts.append(f"Refunds are issued once the items are back, within {data['refund_processing']}.")
    for refund in refunds:
        when = _date(refund.get("expected_by"))
        parts.append(
            f"A refund of ${refund.get('amount')} is {refund.get('status')}"
            + (f", expected by {when}." if when else ".")
        )
    return " ".join(parts)


def confirmation_request(preview: dict[str, Any]) -> str:
    details = "\n".join(f"- {line}" for line in preview.get("details", []))
    summary = str(preview.get("summary") or "Here is what I will do").rstrip(".: ")
    note = ""
    if preview.get("action") in (MODIFY_ITEMS, EXCHANGE_ITEMS):
        note = (
            "\n\nPlease note: items on an order can be changed only once, so if anything else on it should change "
            "too, tell me before you say yes."
        )
    if preview.get("needs_approval"):
        note += "\n\nA colleague will need to approve this before it goes through."
    return f"{summary}:\n{details}{note}\n\nShall I go ahead? Please reply yes or no."


def greeting(profile: ShopProfile, first_message: bool) -> str:
    if first_message:
        return (
            f"Hi, I'm the {profile.brand.name} assistant. I can check an order, help with a return or cancellation, "
            "and answer questions about our products and policies. What can I do for you?"
        )
    return "You're welcome! Is there anything else I can help with?"


def not_covered() -> Draft:
    return Draft(
        "I'm sorry, I don't have reliable information about that, and I'd rather not guess. " + OFFER_PERSON,
        cited=[],
    )
