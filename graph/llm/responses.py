"""The local engine's replies: templates filled only with facts from this turn's evidence.

Every fact a template states comes from a tool result or a retrieved passage, and the reply cites its id, so the
critique can check it. Where the evidence is silent, the reply says so and offers a person.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from graph.llm.dialogue import (
    FIND_BY_EMAIL,
    FIND_BY_NAME_ZIP,
    LIST_ORDERS,
    ORDER_DETAILS,
    RETURN_ELIGIBILITY,
    RETURN_STATUS,
    ToolResult,
)
from graph.llm.engine import Draft
from shopdesk.profile import ShopProfile

OFFER_PERSON = "If you'd like, I can pass you to a colleague from our team."


def _date(value: Any) -> str:
    if not value:
        return ""
    try:
        return datetime.fromisoformat(str(value)).strftime("%A, %B %d").replace(" 0", " ")
    except ValueError:
        return str(value)


def order_id_of(data: dict[str, Any]) -> str:
    return str(data.get("order_id") or data.get("id") or "")


def describe_order(order: dict[str, Any]) -> str:
    order_id = order_id_of(order)
    status = order.get("status", "unknown")
    parts = [f"Your order {order_id} is **{status}**."]
    for shipment in order.get("fulfillments", []):
        carrier = shipment.get("carrier")
        tracking = shipment.get("tracking_number") or ", ".join(shipment.get("tracking_id", []) or [])
        if tracking:
            parts.append(f"It ships with {carrier or 'our carrier'}, tracking number {tracking}.")
        if shipment.get("delivered_at"):
            parts.append(f"It was delivered on {_date(shipment['delivered_at'])}.")
        elif shipment.get("estimated_delivery"):
            parts.append(f"Estimated delivery: {_date(shipment['estimated_delivery'])}.")
    if status == "pending":
        parts.append("It hasn't been processed yet, so it can still be changed or cancelled.")
    return " ".join(parts)


def describe_order_list(data: Any) -> str:
    orders = data.get("orders", []) if isinstance(data, dict) else data
    if not orders:
        return "I can't find any orders on your account."
    lines = []
    for order in list(orders)[:5]:
        created = _date(order.get("created_at"))
        count = order.get("item_count") or len(order.get("items", []))
        lines.append(
            f"- {order_id_of(order)}: {order.get('status')}"
            + (f", placed {created}" if created else "")
            + (f", {count} item(s)" if count else "")
        )
    return "Here are your most recent orders:\n" + "\n".join(lines)


def ask_for(slot: str, results: list[ToolResult], profile: ShopProfile) -> str:
    if slot == "identity":
        tried = [r for r in results if r.name in (FIND_BY_EMAIL, FIND_BY_NAME_ZIP)]
        if tried and not tried[-1].ok:
            return (
                "I couldn't find an account with those details. Could you double-check the email address on your "
                "account, or give me your full name and zip code?"
            )
        return (
            "Happy to help with that. First I need to verify it's you: please tell me the email address on your "
            "account, or your full name and zip code."
        )
    if slot == "order_id":
        listing = next((r for r in reversed(results) if r.name == LIST_ORDERS and r.ok), None)
        prefix = describe_order_list(listing.data) + "\n\n" if listing else ""
        return prefix + "Which order is this about? The order number starts with #."
    if slot == "cancel_reason":
        return "Could you tell me why you'd like to cancel: is it no longer needed, or was it ordered by mistake?"
    return "Could you tell me a little more so I can help?"


def describe_tool_results(results: list[ToolResult]) -> tuple[list[str], list[str]]:
    """Sentences and evidence ids for this turn's successful reads (identity look-ups say nothing by themselves)."""
    sentences: list[str] = []
    cited: list[str] = []
    for result in results:
        if not result.ok:
            sentences.append(str(result.data.get("error") if isinstance(result.data, dict) else result.data))
            continue
        if result.name == ORDER_DETAILS and isinstance(result.data, dict):
            sentences.append(describe_order(result.data))
            cited.append(f"order:{order_id_of(result.data)}")
        elif result.name == RETURN_ELIGIBILITY and isinstance(result.data, dict):
            sentences.append(describe_eligibility(result.data))
            cited.append(f"eligibility:{order_id_of(result.data)}")
        elif result.name == RETURN_STATUS and isinstance(result.data, dict):
            sentences.append(describe_return_status(result.data))
            cited.append(f"returns:{order_id_of(result.data)}")
    return sentences, cited


def describe_eligibility(data: dict[str, Any]) -> str:
    final_sale = [i["name"] for i in data.get("items", []) if i.get("final_sale")]
    parts = []
    if data.get("reasons"):
        parts.append("This order can't be returned: " + "; ".join(data["reasons"]) + ".")
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
    return f"{summary}:\n{details}\n\nShall I go ahead? Please reply yes or no."


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
