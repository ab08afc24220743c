"""The local engine's replies: templates filled only with facts from this turn's evidence.

Every fact a template states comes from a tool result or a retrieved passage, and the reply cites its id, so the
critique can check it. Where the evidence is silent, the reply says so and offers a person. Every sentence is a
message of the catalogue (shopdesk.i18n), said in the conversation's locale; amounts carry their currency and dates
are written as the locale writes them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from graph.dialogue_state import QueuedRequest
from graph.llm.addresses import FIELD_NAMES, missing, one_line
from graph.llm.dialogue.feedback import acknowledgement
from graph.llm.dialogue.method_identity import SameMethod, same_method
from graph.llm.dialogue.names import (
    CHANGE_DEFAULT_ADDRESS,
    CHANGE_ITEMS,
    CHECK_VOUCHER,
    CUSTOMER_DETAILS,
    EXCHANGE_ITEMS,
    FIND_BY_EMAIL,
    FIND_BY_NAME_ZIP,
    GOODWILL,
    ITEM_PROBLEM,
    LIST_ORDERS,
    MODIFY_ITEMS,
    ORDER_CHANGES,
    ORDER_DETAILS,
    PRODUCT_DETAILS,
    RETURN_ELIGIBILITY,
    RETURN_STATUS,
)
from graph.llm.dialogue.plan import ToolResult
from graph.llm.dialogue.proposal_facts import FactCheck
from graph.llm.engine import Draft
from graph.llm.matching import (
    fitting_variants,
    matching_methods,
    original_payment_method,
    payment_mention,
    refused_methods,
)
from graph.nlu.confirmation import asks_what_they_hold
from shopdesk.i18n import N_, _, money, ngettext
from shopdesk.i18n import current as current_speaker
from shopdesk.profile import ShopProfile
from tools.views import duration_said, options_text, refund_line, status_name

# Said in several places; marked here, translated where said (``_(OFFER_PERSON)``).
OFFER_PERSON = N_("If you'd like, I can pass you to a colleague from our team.")
NO_GOODWILL = N_(
    "I'm sorry, I can't issue a coupon, voucher or other compensation here: our shop's policy doesn't provide for "
    "it. {offer_person}"
)
OFFER_ORDER_CHECK = N_("If it's about one of your orders, tell me which one and I'll check.")
# A charge taken twice or wrongly (graph.nlu.billing): none of the shop's writes corrects it, and the order stays.
WRONG_CHARGE = N_(
    "A charge taken twice or by mistake is something I can't correct from here, and your order doesn't need to "
    "change for it: our team checks payments like this. {offer_person}"
)


def _date(value: Any) -> str:
    return current_speaker().day(value)


def format_date(value: Any, with_year: bool = False) -> str:
    """A date as customers read it; with the year for dates that may lie in another year (expiry dates)."""
    return current_speaker().day(value, with_year=with_year)


def order_id_of(data: dict[str, Any]) -> str:
    return str(data.get("order_id") or data.get("id") or "")


# Requests about the order itself: its reply says what is in it and where it goes.
ORDER_QUESTIONS = frozenset({"order_status", "invoice", "payment_issue"})


def describe_order(order: dict[str, Any], contents: bool = True, now: datetime | None = None) -> str:
    """The order's status and parcels, and (``contents``) its items and address; ``now`` (the shop's clock by
    default) tells a late parcel from one on time."""
    order_id = order_id_of(order)
    status = order.get("status", "unknown")
    parts = [_("Your order {order_id} is **{status}**.", order_id=order_id, status=status_name(status))]
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
        split = ngettext("It was split into {count} parcel:", "It was split into {count} parcels:", len(shipments))
        parts.append(split + "\n" + "\n".join(lines))
    if len(shipments) > 1 and any(_late(s, status, now) for s in shipments):
        carrier = next(_carrier(s) for s in shipments if _late(s, status, now))
        parts.append(_("I'm sorry about the wait. {next_steps}", next_steps=late_next_steps(carrier)))
    if status == "pending":
        parts.append(_("It hasn't been processed yet, so it can still be changed or cancelled."))
    text = " ".join(parts)
    # What is in it and where it goes: "what's in order #W...?" is answered by the same reading.
    if contents and (items := describe_items(order)):
        text += "\n\n" + _("It contains:\n{items}", items=items)
    if contents and (address := order.get("shipping_address")):
        text += "\n\n" + _("Shipping address: {address}.", address=one_line(address))
    return text


def _carrier(shipment: dict[str, Any]) -> str:
    return str(shipment.get("carrier") or _("our carrier"))


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
    return _(
        "Late parcels usually still arrive within a few days. If yours hasn't arrived or its tracking hasn't moved by "
        "then, tell us and we'll open an investigation with {carrier}; if it's lost, we send a replacement or "
        "refund you in full.",
        carrier=carrier,
    )


def _one_parcel(shipment: dict[str, Any], status: str, now: datetime | None = None) -> str:
    """The order's only parcel, in the tense of where it is: delivered, on its way, late, or waiting for the carrier."""
    carrier, tracking = _carrier(shipment), _tracking(shipment)
    delivered, estimated = _date(shipment.get("delivered_at")), _date(shipment.get("estimated_delivery"))
    if delivered:
        if tracking:
            return _(
                "It was shipped with {carrier} (tracking number {tracking}) and delivered on {day}.",
                carrier=carrier,
                tracking=tracking,
                day=delivered,
            )
        return _("It was shipped with {carrier} and delivered on {day}.", carrier=carrier, day=delivered)
    if status == "delivered":  # a feed that knows the order arrived but not the day
        if tracking:
            return _("It was shipped with {carrier} (tracking number {tracking}).", carrier=carrier, tracking=tracking)
        return _("It was shipped with {carrier}.", carrier=carrier)
    how = (
        _("with {carrier}, tracking number {tracking}", carrier=carrier, tracking=tracking)
        if tracking
        else _("with {carrier}", carrier=carrier)
    )
    if _late(shipment, status, now):
        # An estimate in the past is not an estimate: say it is late, and what happens next.
        if _left(shipment):
            return _(
                "It is on its way {how}, but it's running late: it was expected on {day}. I'm sorry about the wait. "
                "{next_steps}",
                how=how,
                day=estimated,
                next_steps=late_next_steps(carrier),
            )
        return _(
            "It is packed and labelled for {carrier}, but it's late leaving our warehouse: it was expected to arrive "
            "on {day}. I'm sorry about the wait. {offer_person}",
            carrier=carrier,
            day=estimated,
            offer_person=_(OFFER_PERSON),
        )
    sentence = _("It is on its way {how}.", how=how) if _left(shipment) else _("It will ship {how}.", how=how)
    return sentence + (" " + _("Estimated delivery: {day}.", day=estimated) if estimated else "")


def _parcel_line(shipment: dict[str, Any], status: str, now: datetime | None = None) -> str:
    """One parcel of several: its carrier and tracking, then where it is."""
    carrier, tracking = _carrier(shipment), _tracking(shipment)
    label = _("{carrier}, tracking number {tracking}", carrier=carrier, tracking=tracking) if tracking else carrier
    if delivered := _date(shipment.get("delivered_at")):
        return _("{parcel}: delivered on {day}.", parcel=label, day=delivered)
    if status == "delivered":
        return _("{parcel}: delivered.", parcel=label)
    estimated = _date(shipment.get("estimated_delivery"))
    left = _left(shipment)
    if _late(shipment, status, now):
        if left:
            return _("{parcel}: on its way, running late (it was expected on {day}).", parcel=label, day=estimated)
        return _("{parcel}: not shipped yet, running late (it was expected on {day}).", parcel=label, day=estimated)
    if estimated:
        if left:
            return _("{parcel}: on its way, estimated delivery {day}.", parcel=label, day=estimated)
        return _("{parcel}: not shipped yet, estimated delivery {day}.", parcel=label, day=estimated)
    return _("{parcel}: on its way.", parcel=label) if left else _("{parcel}: not shipped yet.", parcel=label)


def describe_order_list(data: Any, only: list[str] | None = None) -> str:
    """All the customer's orders, newest first, each with what is in it (or only those in ``only``)."""
    orders = data.get("orders", []) if isinstance(data, dict) else data
    if not orders:
        return _("I can't find any orders on your account.")
    shown = [o for o in orders if not only or order_id_of(o) in only]
    lines = []
    for order in shown:
        created = _date(order.get("created_at"))
        names = [str(i.get("name") if isinstance(i, dict) else i) for i in order.get("items", [])]
        count = order.get("item_count") or len(names)
        what = ", ".join(names[:4])
        if len(names) > 4:
            what = ngettext("{items} and {count} more", "{items} and {count} more", len(names) - 4, items=what)
        line = f"- {order_id_of(order)}: {status_name(order.get('status'))}"
        if created:
            line += _(", placed {day}", day=created)
        if what:
            line += f": {what}"
        elif count:
            line += ngettext(", {count} item", ", {count} items", int(count))
        lines.append(line)
    if only and len(shown) < len(orders):
        return _("These of your orders fit:") + "\n" + "\n".join(lines)
    return _("Here are your orders, most recent first:") + "\n" + "\n".join(lines)


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
        options, price = options_text(variant.get("options") or {}), money(variant.get("price"))
        if variant.get("in_stock"):
            lines.append(f"- {options}: {price}")
        else:
            lines.append("- " + _("{options}: {price}, currently out of stock", options=options, price=price))
    return "\n".join(lines) if lines else "- " + _("(no option can be ordered right now)")


def describe_methods(customer: dict[str, Any], paid_with: str | None = None) -> str:
    """The customer's payment methods, one a line; a card's brand and digits say it is a credit card only to those
    who know the brand ("is the mastercard a credit card?"), so its kind is said too. The one `paid_with` is marked
    as what they paid with (the words they answer with: "the original one", "same as I paid with")."""
    lines = []
    for method in customer.get("payment_methods", []):
        label = str(method.get("label") or _("the payment method you paid with"))
        if method.get("kind") == "gift_card" and method.get("last_four") and method.get("balance") is not None:
            # The shop's label is English data; the customer reads it in the conversation's language.
            label = _(
                "gift card ending {digits} (balance {balance})",
                digits=method["last_four"],
                balance=money(method["balance"]),
            )
        paid = paid_with is not None and method.get("id") == paid_with and method.get("label")
        if method.get("kind") == "credit_card" and paid:
            lines.append(_("- {label} (credit card, what you paid with)", label=label))
        elif method.get("kind") == "credit_card":
            lines.append(_("- {label} (credit card)", label=label))
        else:
            lines.append(_("- {label} (what you paid with)", label=label) if paid else f"- {label}")
    return "\n".join(lines)


# What the money does, as the question which method to use says it (graph.llm.dialogue.payment's choices).
_WHICH_METHOD = {
    "refund": N_("The refund can go to:\n{methods}\n\nWhere would you like it to go?"),
    "pay_difference": N_(
        "There is a price difference to pay. It can be charged to:\n{methods}\n\nWhich one would you like to use?"
    ),
    "refund_difference": N_(
        "There is a price difference to refund to you. It can go to:\n{methods}\n\nWhich one would you like it on?"
    ),
}
# ... when the change shown just above says the difference already ("The price difference is $40.00 to refund to
# you."): the question does not say it again.
_WHICH_METHOD_AFTER_DIFFERENCE = {
    "pay_difference": N_("It can be charged to:\n{methods}\n\nWhich one would you like to use?"),
    "refund_difference": N_("It can go to:\n{methods}\n\nWhich one would you like it on?"),
}


def describe_swaps(slots: dict[str, Any]) -> str:
    """The item change as it stands before its money is settled: each item's new version with its price against the
    one ordered, then what is owed or refunded in all. Asked where the money goes, the customer first sees what they
    pay for (the figures the dialogue kept from the order and the catalog; "" when it kept none)."""
    swaps = [s for s in slots.get("swaps") or [] if isinstance(s, (list, tuple)) and len(s) == 3]
    views = slots.get("swap_views") or {}
    lines, currency = [], None
    for old, new, _difference in swaps:
        view = views.get(f"{old}>{new}")
        if not isinstance(view, dict):
            return ""
        currency = view.get("currency")
        lines.append(
            _(
                "- {product}: {new} for {new_price} (yours: {old} for {old_price})",
                product=view.get("name"),
                new=options_text(view.get("options") or {}),
                new_price=money(view.get("price"), currency),
                old=options_text(view.get("old_options") or {}),
                old_price=money(view.get("old_price"), currency),
            )
        )
    if not lines:
        return ""
    total = round(sum(float(s[2]) for s in swaps), 2)
    if total > 0.005:
        owed = _("The price difference is {amount} to pay.", amount=money(total, currency))
    elif total < -0.005:
        owed = _("The price difference is {amount} to refund to you.", amount=money(-total, currency))
    else:
        owed = _("The prices are the same, so nothing is paid or refunded.")
    return _("The change would be:\n{lines}\n\n{owed}", lines="\n".join(lines), owed=owed)


def which_method(choices: dict[str, Any], customer: dict[str, Any] | None, difference_said: bool = False) -> str:
    """The question which of the usable methods to use, listing only them (the one paid with first and marked), or
    "" when there is nothing to list. `difference_said`: the reply says the price difference above it already."""
    ids = [str(i) for i in choices.get("ids") or []]
    purpose = str(choices.get("purpose") or "")
    theirs = {str(m.get("id")): m for m in (customer or {}).get("payment_methods") or []}
    listed = [theirs.get(i, {"id": i}) for i in ids]
    if not listed or purpose not in _WHICH_METHOD:
        return ""
    methods = describe_methods({"payment_methods": listed}, choices.get("paid_with"))
    if difference_said and purpose in _WHICH_METHOD_AFTER_DIFFERENCE:
        return _(_WHICH_METHOD_AFTER_DIFFERENCE[purpose], methods=methods)
    return _(_WHICH_METHOD[purpose], methods=methods)


def ask_for(
    slot: str,
    results: list[ToolResult],
    profile: ShopProfile,
    slots: dict[str, Any] | None = None,
    intent: str = "",
    *,
    change_shown: bool = False,
) -> str:
    """The question for `slot`; `change_shown`: the reply shows the item change already, above what it found."""
    slots = slots or {}
    if (worded := procedure_ask(slot, results, profile, slots, intent)) is not None:
        return worded
    if slot == "identity":
        tried = [r for r in results if r.name in (FIND_BY_EMAIL, FIND_BY_NAME_ZIP)]
        if tried and not tried[-1].ok:
            # The tool's refusal says what was not found: ask for the details again, or the other way in.
            return _(
                "Could you double-check the email address on your account, or give me your full name and zip code?"
            )
        name, zip_code = str(slots.get("name") or ""), slots.get("zip")
        if len(name.split()) >= 2 and not zip_code:
            return _("Thanks, {first_name}. What is the zip code of your address with us?", first_name=name.split()[0])
        if zip_code and not name:
            return _("Thanks. And your first and last name, please?")
        return _(
            "Happy to help with that. First I need to verify it's you: please tell me the email address on your "
            "account, or your full name and zip code."
        )
    if slot == "stronger_identity":
        tried = [r for r in results if r.name in (FIND_BY_EMAIL, FIND_BY_NAME_ZIP)]
        ways = verification_ways(profile)
        if tried:
            return _(
                "Those details didn't let me confirm it's you. Before I change anything on your account I need to "
                "verify you by {ways}.",
                ways=ways,
            )
        return _("Before I change anything on your account I need to verify you by {ways}.", ways=ways)
    if slot == "order_id":
        listing = _latest(results, LIST_ORDERS)
        prefix = describe_order_list(listing.data, slots.get("order_choices")) + "\n\n" if listing else ""
        if intent == "change_address":
            return prefix + _(
                "Which order should go to the new address? The order number starts with #. If you mean the default "
                "address on your account instead, just say so."
            )
        return prefix + _("Which order is this about? The order number starts with #.")
    if slot == "cancel_reason":
        if slots.get("reason_off_list"):
            # Their own reason, which the shop cannot record as it is: the two it can, and which fits.
            return _(
                'Thanks for telling me. For a cancellation I can only record one of two reasons: "no longer '
                'needed" or "ordered by mistake". Which of the two fits best?'
            )
        return _("Could you tell me why you'd like to cancel: is it no longer needed, or was it ordered by mistake?")
    if slot == "address":
        address = slots.get("address") or {}
        gaps = missing(address) if address else []
        if address and gaps:
            have = one_line(address)
            need = ", ".join(_(ADDRESS_FIELDS.get(g, FIELD_NAMES[g])) for g in gaps)
            return _("I have {address} so far. Could you add the {missing}?", address=have, missing=need)
        if intent == CHANGE_DEFAULT_ADDRESS:
            return _(
                "What is your new default address? Please write it in one message: street and number, apartment "
                "(if any), city, state or province (if any), postcode and country."
            )
        return _(
            "What is the new shipping address? Please write it in one message: street and number, apartment "
            "(if any), city, state or province (if any), postcode and country."
        )
    if slot == "item":
        details = _latest(results, ORDER_DETAILS)
        items = describe_items(details.data) if details and isinstance(details.data, dict) else ""
        prefix = _("This order has:\n{items}", items=items) + "\n\n" if items else ""
        if intent == "return_request":
            return prefix + _("Which of them would you like to return?")
        return prefix + _("Which item would you like to change?")
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
            yours = (
                _("Yours is {options}.", options=options_text(current.get("options") or {})) + " " if current else ""
            )
            wished = {str(k): str(v) for k, v in (slots.get("options") or {}).items()}
            fitting = fitting_variants(product.data, wished)
            if 1 < len(fitting) < len([v for v in product.data.get("variants", []) if v.get("available")]):
                # What they said fits several: only those are shown, to choose among by what still tells them apart.
                return yours + _(
                    "These versions have {wanted}:\n{options}\n\nWhich of them would you like?",
                    wanted=options_text(wished),
                    options=describe_variants({**product.data, "variants": fitting}),
                )
            return yours + _(
                "The {product} is available with these options:\n{options}\n\nWhich one would you like instead?",
                product=product.data.get("name"),
                options=describe_variants(product.data),
            )
        return _("Which size, colour or other option would you like instead?")
    if slot == "payment_method":
        customer = _latest(results, CUSTOMER_DETAILS)
        choices = slots.get("payment_choices")
        # Where an item change's money goes is asked with the change itself: new versions, prices, the difference.
        change = "" if change_shown else describe_swaps(slots)
        change = change + "\n\n" if change else ""
        if isinstance(choices, dict) and not choices.get("ids") and choices.get("purpose") == "pay_difference":
            # Nothing of theirs can pay it (a gift card too small, and no other method): no list to choose from,
            # but what they can do instead.
            return change + _(
                "None of the payment methods on your account can pay that difference. You could change fewer items "
                "or choose versions that cost less, so the difference is smaller, or I can pass you to a colleague "
                "from our team. What would you like to do?"
            )
        # The change shown (here or above) ends on its price difference: the question does not say it again.
        said = bool(change) or change_shown
        asked = which_method(choices, customer.data if customer else None, said) if isinstance(choices, dict) else ""
        if asked and customer is not None:
            return change + asked
        methods = describe_methods(customer.data) if customer and isinstance(customer.data, dict) else ""
        prefix = _("These payment methods are on your account:\n{methods}", methods=methods) + "\n\n" if methods else ""
        return change + prefix + _("Which one would you like to use?")
    if slot == "change_what":
        return _(
            "What would you like to change on it: the shipping address, the size or colour of an item, or the "
            "payment method?"
        )
    if slot == "voucher_code":
        return _("Which voucher code would you like me to check? Please type it exactly as you have it.")
    if slot == "remedy":
        return _(
            "I'm sorry it reached you like that. I can take it back and refund you, or exchange it for a new one. "
            "Which would you prefer?"
        )
    return _("Could you tell me a little more so I can help?")


# How the customer can verify themselves, by the profile's method names (shopdesk.profile.ASK_FOR, in the catalogue).
VERIFICATION_WAYS = {
    "email": N_("the email address of your account"),
    "email_zip": N_("the email address of your account and the zip code of your address"),
    "name_zip": N_("your full name and the zip code of your address"),
    "storefront": N_("signing in to your account on our shop"),
}
# The parts of an address, as "Could you add the ...?" names them (graph.llm.addresses.FIELD_NAMES's keys).
ADDRESS_FIELDS = {
    "address1": N_("street and number"),
    "city": N_("city"),
    "zip": N_("postcode"),
    "country": N_("country"),
}


def verification_ways(profile: ShopProfile) -> str:
    ways = [_(VERIFICATION_WAYS[method]) for method in profile.verification.for_writes]
    return _(" or ").join(ways)


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
    "processed": N_(" (it has already been packed for shipping)"),
    "shipped": N_(" (it is already with the carrier)"),
    "delivered": N_(" (it has already been delivered)"),
    "cancelled": N_(" (it has been cancelled)"),
}
_RETURN_INSTEAD = N_(
    "What I can do: once it's delivered, you can return it for a refund; just ask me and I'll start the return. "
    "{offer_person}"
)
_INSTEAD = {
    ("cancelled", "processed"): _RETURN_INSTEAD,
    ("cancelled", "shipped"): _RETURN_INSTEAD,
    ("shipped to another address", "shipped"): N_(
        "You can often reroute a parcel yourself on the carrier's tracking page. {offer_person}"
    ),
}
# What the dialogue wanted to do to the order (its code in a wrong_status notice), as "it can't be ... any more".
_DOING = {
    "changed": N_("changed"),
    "cancelled": N_("cancelled"),
    "shipped to another address": N_("shipped to another address"),
    "changed or exchanged": N_("changed or exchanged"),
    "paid with another method": N_("paid with another method"),
}
_METHOD_KINDS = {
    "paypal": N_("I can't find a PayPal account among the payment methods on your account."),
    "gift_card": N_("I can't find a gift card among the payment methods on your account."),
    "credit_card": N_("I can't find a card among the payment methods on your account."),
}


# A question at a proposal that neither the knowledge nor the proposal answers: said plainly, and the proposal stands.
NOT_SURE_AT_A_STEP = N_(
    "I can't answer that one with certainty, so I won't guess; a colleague can tell you more if you need it. "
    "Your request is still open:"
)
# "So nothing has been returned?" when this conversation wrote nothing: what it did, plainly.
NOTHING_DONE = N_(
    "Nothing has been changed in this conversation: no order was cancelled, returned or exchanged, and everything "
    "stays as it was."
)
ANYTHING_ELSE = N_("Is there anything else I can help with?")
NOT_SURE_AT_PROPOSAL = N_(
    "I can't answer that one with certainty, so I won't guess; a colleague can tell you more if you need it. "
    "Your request is still ready:"
)


def offer_next_request(request: QueuedRequest) -> str:
    """The offer to go on with a request the customer made in the same message as the one just done."""
    words = request["text"].strip().rstrip(".!")
    if order_id := request.get("order_id"):
        return _(
            'You also asked about order {order_id} ("{request}"). Shall I go on with that one now?',
            order_id=order_id,
            request=words,
        )
    return _('You also asked: "{request}". Shall I go on with that now?', request=words)


def ask_more_of_the_order(order_id: str) -> str:
    """The question after the first of several changes the customer announced for one order."""
    return _(
        "You mentioned a few changes to this order: what else would you like to change on order {order_id}?",
        order_id=order_id,
    )


def describe_notice(notice: dict[str, Any]) -> str:
    """What the policy found that no tool result says by itself: a status that forbids the change, no such option."""
    code = notice.get("code")
    name, wanted = notice.get("name"), options_text(notice.get("wanted", {}))
    if code == "remark":
        return acknowledgement(str(notice.get("kind") or "criticism"))
    if code == "return_withheld":
        return _("So I have not set up the return.")
    if code == "cannot_fix_here":
        if name:
            return _("I'm sorry, I can't help get the {product} working from here.", product=name)
        return _("I'm sorry, I can't help get it working from here.")
    if code == "also_changes":
        return _(
            "Please note: the {product} with {wanted} is available only with {also}, so that changes too.",
            product=name,
            wanted=wanted,
            also=options_text(notice.get("also", {})),
        )
    if code == "kept_yours":
        # The wish fits several versions: the one that keeps theirs is proposed, and the others are named.
        others = {key: _(" or ").join(values) for key, values in (notice.get("others") or {}).items()}
        kept = _(
            "The {product} with {wanted} also comes with {others}; I kept {kept}, as yours has.",
            product=name,
            wanted=wanted,
            others=options_text(others),
            kept=options_text(notice.get("kept") or {}),
        )
        if not notice.get("also"):
            return kept
        also = _("It is available only with {also}, so that changes too.", also=options_text(notice["also"]))
        return f"{kept} {also}"
    if code == "no_order_fits":
        products = [_("the {product}", product=p) for p in notice.get("products") or []]
        if not products:
            return _("I couldn't find that in your orders.")
        return _("I couldn't find {products} in your orders.", products=_(" or ").join(products))
    if code == "verified":
        if notice.get("name"):
            return _("Thanks, {first_name}, I've found your account. What can I help you with today?", first_name=name)
        return _("Thanks, I've found your account. What can I help you with today?")
    if code == "wrong_status":
        allowed = _(" or ").join(status_name(s) for s in notice.get("allowed", ["pending"]))
        status = str(notice.get("status"))
        why = _(_WHY_NOT[status]) if status in _WHY_NOT else ""
        doing = str(notice.get("doing"))
        instead = _INSTEAD.get((doing, status))
        return _(
            "As it is **{status}**{why}, it can't be {doing} any more: only a {allowed} order can. {instead}",
            status=status_name(status),
            why=why,
            doing=_(_DOING[doing]) if doing in _DOING else doing,
            allowed=allowed,
            instead=_(instead, offer_person=_(OFFER_PERSON)) if instead else _(OFFER_PERSON),
        )
    if code == "edited_by_colleague":
        return _(
            "A colleague has looked at your request and changed it a little. Here it is as it would go through now."
        )
    if code == "no_variant":
        return _("I'm sorry, the {product} isn't available with {wanted}.", product=name, wanted=wanted)
    if code == "options_declined":
        return _(
            "No problem. Is there another version of the {product} you'd like (tell me the colour, size or other "
            "option you have in mind), or would you rather keep yours as it is?",
            product=name,
        )
    if code == "several_variants":
        return _("The {product} comes in more than one version with {wanted}.", product=name, wanted=wanted)
    if code == "same_variant":
        return _("Your {product} is already {wanted}.", product=name, wanted=wanted)
    if code == "no_such_method":
        kind = str(notice.get("kind"))
        if kind in _METHOD_KINDS:
            return _(_METHOD_KINDS[kind])
        return _("I can't find a payment method like that among the payment methods on your account.")
    if code == "no_other_method":
        only = list(notice.get("only") or [])
        if len(only) == 1:
            return _("{method} is the only one of those on your account.", method=only[0])
        return _(_METHOD_KINDS.get(str(notice.get("kind")), _METHOD_KINDS["credit_card"]))
    if code == "method_by_id":
        return _("{named} is your {method}.", named=notice.get("named"), method=notice.get("label"))
    if code == "gift_card_short" and notice.get("balance") is not None and notice.get("difference") is not None:
        # What it has against what is owed: the customer sees why, not only that it won't do.
        if notice.get("others") is False:
            return _(
                "Your gift card ending {digits} has {balance}, and the price difference is {difference}, so it "
                "cannot pay it.",
                digits=notice.get("digits"),
                balance=money(notice["balance"], notice.get("currency")),
                difference=money(notice["difference"], notice.get("currency")),
            )
        return _(
            "Your gift card ending {digits} has {balance}, and the price difference is {difference}, so it cannot "
            "pay it. Another payment method is needed for the difference.",
            digits=notice.get("digits"),
            balance=money(notice["balance"], notice.get("currency")),
            difference=money(notice["difference"], notice.get("currency")),
        )
    if code == "gift_card_short":
        return _(
            "The price difference would be paid with {method}, and its balance doesn't cover it, so another payment "
            "method is needed for the difference.",
            method=notice.get("label"),
        )
    if code == "several_methods":
        return _("You have more than one of those on your account.")
    if code == "not_a_refund_method":
        refund_methods = set(notice.get("allowed") or ())
        if not refund_methods & {"original_payment", "gift_card"}:
            return _(
                "A refund for a return can't be made to any of your payment methods here. {offer_person}",
                offer_person=_(OFFER_PERSON),
            )
        if "gift_card" not in refund_methods:
            return _("A refund can only go back to the payment method you paid with.")
        if "original_payment" not in refund_methods:
            return _("A refund can only go to a gift card.")
        return _("A refund can only go back to the payment method you paid with or to a gift card.")
    if code == "already_paid_with":
        return _(
            "Order {order_id} is already paid with that method, so there is nothing to change.",
            order_id=notice.get("order_id"),
        )
    if code == "refund_means_cancel":
        return _(
            "Order {order_id} hasn't shipped yet, so the way to get your money back is to cancel it; the payment is "
            "then refunded to where it came from.",
            order_id=notice.get("order_id"),
        )
    return ""


# What a refusal's kind (tools.base.ToolError.code) tells the customer. A policy refusal and details that don't fit
# give the shop's reason as the tool worded it; what was not found is named by what the tool looked for.
_NOT_FOUND_BY_TOOL = {
    FIND_BY_EMAIL: N_("I could not find an account with that email address."),
    FIND_BY_NAME_ZIP: N_("I could not find an account with that name and zip code."),
}


def refusal_code(data: Any) -> str:
    """The kind of a tool's refusal: its code, or (a refusal recorded without one) read from its exception type."""
    if not isinstance(data, dict):
        return "internal"
    if data.get("code"):
        return str(data["code"])
    if data.get("kind") == "dependency":
        return "internal"
    by_type = {"NotFound": "not_found", "NotVerified": "not_verified", "PolicyViolation": "policy"}
    return by_type.get(str(data.get("error_type") or ""), "policy" if data.get("error") else "internal")


def describe_error(result: ToolResult, profile: ShopProfile | None = None) -> str:
    """A tool's refusal as the customer reads it: a catalogue message for its kind, never the tool's raw text
    (a policy refusal quotes the shop's reason)."""
    from tools.registry import WRITE_ACTIONS

    data = result.data if isinstance(result.data, dict) else {"error": str(result.data)}
    reason = str(data.get("error") or "").strip()
    code = refusal_code(data)
    if code == "not_found":
        if result.name in _NOT_FOUND_BY_TOOL:
            return _(_NOT_FOUND_BY_TOOL[result.name])
        if result.args.get("order_id"):
            # The id the customer typed is not evidence of anything: don't repeat it back as a fact.
            return _("I couldn't find an order with that number on your account.")
        if result.name == CHECK_VOUCHER and result.args.get("code"):
            return _("There is no voucher {code}.", code=result.args["code"])
        if result.args.get("product_id"):
            return _("I couldn't find that product in our catalog.")
        return _("I couldn't find what you asked about on your account.")
    if code == "not_verified":
        if result.name in WRITE_ACTIONS and profile is not None:
            # Verified, but not in a way the shop accepts for changes: the ways it does.
            return _(
                "I couldn't set that up: before I can change anything on your account I need to verify you by {ways}.",
                ways=verification_ways(profile),
            )
        return _("Please verify your identity first (email, or full name and zip code).")
    if code == "internal" or not reason:
        return _("I couldn't complete that just now. {offer_person}", offer_person=_(OFFER_PERSON))
    if code == "bad_arguments":
        # The tool's words about its arguments are for the model, not the customer. A name and zip code that fit
        # no single account (several match) call for the email instead.
        if result.name == FIND_BY_NAME_ZIP:
            return _(
                "I couldn't tell which account is yours from a name and zip code alone. Could you give me the email "
                "address on your account instead?"
            )
        return _("Some of the details for that didn't fit, so I couldn't go ahead. Could you check them for me?")
    # A reason that is itself a catalogue message (the graph's own refusals) is said in the customer's language.
    reason = _(reason)
    if result.name in WRITE_ACTIONS:
        return _("I couldn't set that up: {reason}", reason=_lowered(reason))
    # Translators: the reason is the shop's own sentence (why its policy does not allow this), in its language.
    return _("{reason}", reason=reason)


def _lowered(sentence: str) -> str:
    """A sentence continued after a colon: English lowers its first letter, German (nouns capitalised, and a whole
    sentence after a colon) keeps it."""
    if current_speaker().locale != "en":
        return sentence
    return sentence[:1].lower() + sentence[1:]


def describe_tool_results(
    results: list[ToolResult], intent: str = "", profile: ShopProfile | None = None
) -> tuple[list[str], list[str]]:
    """Sentences and evidence ids for this turn's successful reads (identity look-ups say nothing by themselves)."""
    sentences: list[str] = []
    cited: list[str] = []
    for index, result in enumerate(results):
        if not result.ok:
            if any(r.name == result.name and r.ok for r in results[index + 1 :]):
                continue  # a later read of the same kind found it ("9232383" read again as "#W9232383")
            error = describe_error(result, profile)
            if error not in sentences:
                sentences.append(error)
            continue
        if result.name == ORDER_DETAILS and isinstance(result.data, dict):
            # A change, a return, a goodwill ask, a fault told: the order's parcels are not the point (the tracking
            # line read as an answer to "my earbuds won't pair").
            brief = intent in ORDER_CHANGES or intent in (GOODWILL, ITEM_PROBLEM, "return_request", "exchange_request")
            # What is in it and where it goes when the order itself is the question ("what's in order #W...?"), not
            # in a return or a cancellation, whose proposal lists what it touches.
            contents = intent in ORDER_QUESTIONS
            sentences.append(
                describe_order_briefly(result.data) if brief else describe_order(result.data, contents=contents)
            )
            cited.append(f"order:{order_id_of(result.data)}")
        elif result.name == RETURN_ELIGIBILITY and isinstance(result.data, dict):
            if intent in (CHANGE_ITEMS, "exchange_request") and not result.data.get("window_closed"):
                continue  # read to check the window before an exchange: its options are the answer, not the date
            if intent == "cancel_order":
                continue  # money back for an order not shipped, read as a return: it is cancelled instead
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
    return _(
        "Your order {order_id} is **{status}**.",
        order_id=order_id_of(order),
        status=status_name(order.get("status", "unknown")),
    )


def describe_voucher(data: dict[str, Any]) -> str:
    code = data.get("code")
    if not data.get("valid"):
        # The problems are the voucher tool's own words (its checks), joined as one sentence.
        problems = "; ".join(data.get("problems") or [_("it is not valid")])
        return _("I'm sorry, the code {code} can't be used: {problems}.", code=code, problems=problems)
    value = data.get("value") or 0
    worth = (
        _("{percent}% off", percent=format(value, "g"))
        if data.get("kind") == "percent"
        else _("{amount} off", amount=money(value, data.get("currency")))
    )
    parts = [_("Good news: the code {code} is valid and gives you {worth}.", code=code, worth=worth)]
    if data.get("min_order_total"):
        minimum = money(data["min_order_total"], data.get("currency"))
        parts.append(_("It needs an order total of at least {amount}.", amount=minimum))
    if data.get("expires_at"):
        parts.append(_("It is valid until {day}.", day=format_date(data["expires_at"], with_year=True)))
    if data.get("single_use"):
        parts.append(_("It can be used once."))
    return " ".join(parts)


def describe_eligibility(data: dict[str, Any]) -> str:
    final_sale = [i["name"] for i in data.get("items", []) if i.get("final_sale")]
    parts = []
    if data.get("reasons"):
        # The reasons are the return tool's own words (the policy's checks).
        reasons = "; ".join(data["reasons"])
        parts.append(_("I'm sorry, this order can't be returned or exchanged: {reasons}.", reasons=reasons))
        if data.get("window_closed") or any("window" in str(reason) for reason in data["reasons"]):
            # Past the window is not the end: a defect is still covered, and a person can look at the case.
            parts.append(
                _(
                    "If something is faulty, it may still be covered by our warranty: tell me what's wrong and I'll "
                    "pass it to our team. {offer_person}",
                    offer_person=_(OFFER_PERSON),
                )
            )
    elif not data.get("eligible"):
        parts.append(_("Nothing on this order can be returned."))
    elif data.get("return_by"):
        parts.append(_("You can return items from this order until {day}.", day=_date(data["return_by"])))
    if final_sale:
        parts.append(
            ngettext(
                "{items} is final sale and can't be returned.",
                "{items} are final sale and can't be returned.",
                len(final_sale),
                items=", ".join(final_sale),
            )
        )
    return " ".join(parts)


_RETURN_KINDS = {"return": N_("return"), "exchange": N_("exchange")}
# The shop's return and refund status codes (shop.models.ReturnStatus, RefundStatus).
_REQUEST_STATUS = {
    "requested": N_("requested"),
    "received": N_("received"),
    "refunded": N_("refunded"),
    "exchanged": N_("exchanged"),
    "rejected": N_("rejected"),
}
_REFUND_STATUS = {"pending": N_("pending"), "completed": N_("completed")}


def _word(words: dict[str, str], code: Any) -> str:
    """A status or kind code as the customer reads it; a code the catalogue doesn't know is shown as it is."""
    return _(words[str(code)]) if str(code) in words else str(code)


def describe_return_status(data: dict[str, Any]) -> str:
    returns = data.get("requests", [])
    refunds = [refund for request in returns for refund in request.get("refunds", [])]
    if not returns and not refunds:
        return _("There is no return or refund on order {order_id} yet.", order_id=order_id_of(data))
    parts = []
    for ret in returns:
        kind, status = _word(_RETURN_KINDS, ret.get("kind", "return")), _word(_REQUEST_STATUS, ret.get("status"))
        parts.append(_("Your {kind} request is **{status}**.", kind=kind, status=status))
    if returns and not refunds and data.get("refund_processing"):
        parts.append(
            _(
                "Refunds are issued once the items are back, within {duration}.",
                duration=duration_said(data["refund_processing"]),
            )
        )
    for refund in refunds:
        when = _date(refund.get("expected_by"))
        amount = money(refund.get("amount"), refund.get("currency"))
        status = _word(_REFUND_STATUS, refund.get("status"))
        if when:
            parts.append(
                _("A refund of {amount} is {status}, expected by {day}.", amount=amount, status=status, day=when)
            )
        else:
            parts.append(_("A refund of {amount} is {status}.", amount=amount, status=status))
    return " ".join(parts)


def describe_payment_methods_asked(customer: dict[str, Any], text: str, orders: list[dict[str, Any]]) -> str:
    """The answer to a question about the customer's own payment methods, from their profile: whether the method they
    name is theirs, the methods on file, and what the order in question was paid with."""
    methods = list(customer.get("payment_methods") or [])
    sentences: list[str] = []
    if (same := same_method(text, methods)) is not None:
        # "Is the card ending 1374 my mastercard?": two names of theirs, told whether they meet in one method.
        return _same_method_answer(same, customer)
    mention = payment_mention(text) or {}
    # A method named precisely is confirmed or not; "a credit card", "my other card" only ask for the list.
    precise = mention.get("kind") in ("paypal", "gift_card") or any(
        mention.get(k) for k in ("id", "last_four", "brand")
    )
    named = matching_methods(methods, mention) if precise else []
    # "Is the visa the only card I have?" asks for them all: the list answers it, the visa among them.
    holdings = asks_what_they_hold(text)
    if precise and not holdings:
        if len(named) == 1 and mention.get("id"):
            sentences.append(_("{named} is your {method}.", named=mention["id"], method=named[0]["label"]))
        elif len(named) == 1:
            sentences.append(
                _("Yes: {method} is one of the payment methods on your account.", method=named[0]["label"])
            )
        elif not named:
            sentences.append(_("I can't find that one among the payment methods on your account."))
    # "Is the mastercard my credit card?" is answered by that one method; the whole list is for a question about the
    # methods in general, or a method we could not pin down to one.
    turned_away = {str(m.get("id")) for refused in refused_methods(text) for m in matching_methods(methods, refused)}
    others = [m for m in methods if str(m.get("id")) not in turned_away]
    if turned_away and not mention:
        # "Not the visa. Which other cards?": the others, without the one turned away.
        if others:
            rest = describe_methods({**customer, "payment_methods": others})
            sentences.append(_("Besides that one, these payment methods are on your account:") + "\n" + rest)
        else:
            sentences.append(_("That is the only payment method on your account."))
    elif methods and (len(named) != 1 or holdings):
        sentences.append(_("These payment methods are on your account:") + "\n" + describe_methods(customer))
    labels = {str(m.get("id")): str(m.get("label")) for m in methods}
    for order in orders[-1:]:
        original = original_payment_method(order)
        if original in labels:
            sentences.append(
                _("Order {order_id} was paid with {method}.", order_id=order_id_of(order), method=labels[original])
            )
    return "\n\n".join(sentences)


def _same_method_answer(same: SameMethod, customer: dict[str, Any]) -> str:
    """Whether two names of a payment method mean one of theirs; the list of their methods where it is not one."""
    if same.holds:
        return _("Yes: that is one and the same payment method, {method}.", method=same.first)
    if same.holds is False:
        return _(
            "No: those are two different payment methods. {method} is not {others}.",
            method=_capitalised(same.first),
            others=_(" or ").join(same.second),
        )
    listed = _("These payment methods are on your account:") + "\n" + describe_methods(customer)
    if not same.second:
        return (
            _(
                "No: {method} is on your account, but I can't find the other one among your payment methods.",
                method=same.first,
            )
            + "\n\n"
            + listed
        )
    return _("{method} is one of them, but you have more than one of that kind.", method=_capitalised(same.first)) + (
        "\n\n" + listed
    )


def _capitalised(words: str) -> str:
    return words[:1].upper() + words[1:]


def method_in_words(method_id: str, customer: dict[str, Any]) -> str:
    """A payment method of the customer's as they know it ("visa ending 1234"), never its internal id."""
    for method in customer.get("payment_methods") or []:
        if str(method.get("id")) == method_id and method.get("label"):
            return str(method["label"])
    return _("a payment method that is no longer on your account")


def describe_payments(order: dict[str, Any], customer: dict[str, Any]) -> str:
    """What the order was paid with and any money sent back, from its payment history, each with its amount."""
    currency = order.get("currency")
    lines = []
    for entry in order.get("payment_history") or []:
        method = method_in_words(str(entry.get("payment_method_id") or ""), customer)
        amount = money(entry.get("amount"), currency)
        if entry.get("transaction_type") == "payment":
            lines.append("- " + _("paid {amount} with {method}", amount=amount, method=method))
        elif entry.get("transaction_type") == "refund":
            lines.append("- " + _("refunded {amount} to {method}", amount=amount, method=method))
    if not lines:
        return _("I can't find a payment recorded on order {order_id}.", order_id=order_id_of(order))
    return _("Order {order_id} was paid like this:\n{payments}", order_id=order_id_of(order), payments="\n".join(lines))


def describe_order_asked(order: dict[str, Any], customer: dict[str, Any], asked: str) -> str:
    """The answer to a question about the order in hand, from the order itself: what it was paid with ("payment"), or
    its items with their options and prices, its total and its payment ("contents")."""
    if asked == "payment":
        return describe_payments(order, customer)
    currency = order.get("currency")
    lines = []
    for item in order.get("items", []):
        options = options_text(item.get("options") or {})
        name = f"{item.get('name')}" + (f" ({options})" if options else "")
        lines.append(f"- {name}: {money(item.get('price'), currency)}")
    text = _(
        "Order {order_id} ({status}) contains:\n{items}\n\nTotal: {total}.",
        order_id=order_id_of(order),
        status=status_name(order.get("status", "unknown")),
        items="\n".join(lines),
        total=money(order.get("total"), currency),
    )
    return f"{text}\n\n{describe_payments(order, customer)}"


def _shown_lines(preview: dict[str, Any]) -> list[str]:
    """The proposal's lines as the customer reads them: a refund's line is worded from its figures in the
    conversation's language (the tool's own line is English, for the team)."""
    lines = [str(line) for line in preview.get("details", [])]
    refund = preview.get("refund")
    if isinstance(refund, dict) and isinstance(refund.get("line"), int) and 0 <= refund["line"] < len(lines):
        lines[refund["line"]] = refund_line(refund, current_speaker())
    return lines


def confirmation_request(preview: dict[str, Any]) -> str:
    details = "\n".join(f"- {line}" for line in _shown_lines(preview))
    summary = str(preview.get("summary") or _("Here is what I will do")).rstrip(".: ")
    note = ""
    if preview.get("action") in (MODIFY_ITEMS, EXCHANGE_ITEMS):
        note = "\n\n" + _(
            "Please note: items on an order can be changed only once, so if anything else on it should change too, "
            "tell me before you say yes."
        )
    if preview.get("needs_approval"):
        note += "\n\n" + _("A colleague will need to approve this before it goes through.")
    question = _("Shall I go ahead? Please reply yes or no.")
    return f"{summary}:\n{details}{note}\n\n{question}"


def greeting(profile: ShopProfile, first_message: bool) -> str:
    if first_message:
        return _(
            "Hi, I'm the {brand} assistant. I can check an order, help with a return or cancellation, and answer "
            "questions about our products and policies. What can I do for you?",
            brand=profile.brand.name,
        )
    return _("You're welcome! Is there anything else I can help with?")


def not_covered() -> Draft:
    return Draft(
        _(
            "I'm sorry, I don't have reliable information about that, and I'd rather not guess. {offer_person}",
            offer_person=_(OFFER_PERSON),
        ),
        cited=[],
    )


# What a check of the proposal's own facts comes out as (graph.llm.dialogue.proposal_facts), by fact and outcome.
_FACT_ANSWERS = {
    ("total", True): N_("Yes, {value} is the total of what I proposed."),
    ("total", False): N_("No, the total of what I proposed is {value}."),
    ("total", None): N_("The total of what I proposed is {value}."),
    ("method", True): N_("Yes, the payment method in what I proposed is {value}."),
    ("method", False): N_("No, the payment method in what I proposed is {value}."),
    ("method", None): N_("The payment method in what I proposed is {value}."),
    ("methods", None): N_("What I proposed refunds to more than one payment method: {value}, as listed."),
    ("items", True): N_("Yes, that is what I proposed: {value}."),
    ("items", False): N_("No, that is not what I proposed. What I proposed is: {value}."),
    ("items", None): N_("To be exact, what I proposed is: {value}."),
    ("scope", True): N_("Yes: what I proposed touches only order {value}. Your other orders stay as they are."),
    ("scope", None): N_("What I proposed touches only order {value}. Your other orders stay as they are."),
    ("timing", True): N_("Yes: it takes effect right away, as soon as you say yes."),
}
# Whether the act can be undone once done, by act (graph.llm.dialogue.proposal_reach.undo_answer).
_UNDO_ANSWERS = {
    "cancel_order": N_(
        "No: a cancellation can't be undone. Once the order is cancelled it stays cancelled, and it can't be changed "
        "any more."
    ),
    "return_items": N_(
        "No: once you confirm, the order is marked as return requested, and that can't be undone or changed here."
    ),
    "exchange_items": N_(
        "No: once you confirm, the order is marked as exchange requested, and that can't be undone. An order can be "
        "exchanged only once."
    ),
    "modify_order_items": N_(
        "No: items can be changed only once per order, and after that the order can no longer be changed or cancelled."
    ),
    "modify_order_payment": N_(
        "It can't be undone as such: once you confirm, the new payment method is charged and the old one refunded. "
        "But while the order is still pending, you can ask me to change its payment method again."
    ),
    "modify_order_address": N_(
        "It can't be undone as such, but while the order is still pending, you can ask me to change its shipping "
        "address again."
    ),
    "modify_default_address": N_("Yes: you can change your default address again at any time."),
}


def ask_again_briefly() -> str:
    """The proposal just shown, asked again in one line after an answer or a "not yet"."""
    return _("Nothing is done yet. Shall I go ahead as proposed? Please reply yes or no, or tell me what to change.")


def reach_answers(checks: list[tuple[str, bool | None, str]]) -> str:
    """The answers to checks of what the act reaches and when, given beside its result."""
    return "\n\n".join(dict.fromkeys(_(_FACT_ANSWERS[(fact, holds)], value=value) for fact, holds, value in checks))


def describe_fact_checks(checks: list[FactCheck]) -> str:
    """The answers to checks of the proposal's facts, and the proposal asked again in one line."""
    answers = [
        _(_UNDO_ANSWERS[c.value]) if c.fact == "undo" else _(_FACT_ANSWERS[(c.fact, c.holds)], value=c.value)
        for c in checks
    ]
    return "\n\n".join([*dict.fromkeys(answers), ask_again_briefly()])
