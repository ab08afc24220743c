"""Grounding an address: where an address comes from (a new one, an order's, the profile's) and another destination
named.
"""

from __future__ import annotations

import re

from graph.llm.addresses import looks_like_address, missing
from graph.llm.dialogue.names import (
    ADDRESS_FIELDS,
    ALL_ORDERS,
    CUSTOMER_DETAILS,
    LIST_ORDERS,
    MODIFY_ADDRESS,
    ORDER_DETAILS,
)
from graph.llm.dialogue.other_requests import order_last_done
from graph.nlu.address_source import DONE_ORDER, OTHER_ORDER, address_source
from graph.nlu.confirmation import gives_a_yes
from graph.nlu.segment import sentences
from graph.procedures.interpreter import Run
from graph.procedures.schema import Slot

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


def _the_other_order(run: Run) -> tuple[bool, str | None]:
    """ "The same address as my other order": the order meant, among their orders with the one in hand left out: the
    only other one, or any of the others when they all went to one address. (read yet, order id); None when the
    others went to different addresses (the address is asked for)."""
    listing = run.read(LIST_ORDERS, ALL_ORDERS)
    if listing is None:
        return False, None
    in_hand = str(run.plan.slots.get("order_id") or "").lstrip("#").upper()
    orders = listing.data.get("orders") if listing.ok and isinstance(listing.data, dict) else None
    others = [str(o["order_id"]) for o in orders or [] if str(o["order_id"]).lstrip("#").upper() != in_hand]
    if len(others) <= 1:
        return True, others[0] if others else None
    addresses = []
    for order_id in others:
        details = run.read(ORDER_DETAILS, {"order_id": order_id})
        if details is None:
            continue
        found = details.data.get("shipping_address") if details.ok and isinstance(details.data, dict) else None
        addresses.append(tuple(str((found or {}).get(f) or "").lower() for f in ADDRESS_FIELDS))
    if len(addresses) < len(others):
        return False, None
    return True, others[0] if len(set(addresses)) == 1 else None


def _copied_address(run: Run) -> tuple[bool, dict[str, str] | None]:
    """The address to copy (another of their orders' shipping address, or their default one): (read yet, address).
    A source the tools refuse (not theirs, not found) is forgotten and the address is asked for."""
    source = str(run.plan.slots.get("address_source"))
    if source == OTHER_ORDER:
        ready, other = _the_other_order(run)
        if not ready:
            return False, None
        if other is None:
            run.plan.slots.pop("address_source", None)
            return True, None
        source = other
    elif source.startswith(DONE_ORDER):
        # "The address the one you just cancelled was going to": the order of the last such write of this
        # conversation; none done, and the address is asked for.
        done = order_last_done(run.state.messages, source.removeprefix(DONE_ORDER))
        if done is None:
            run.plan.slots.pop("address_source", None)
            return True, None
        source = done
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
    if looks_like_address(run.text):
        # An address the customer typed this turn is the one they want, even with a city or zip missing: it is
        # completed by asking, never by another order's or the account's address (often the one moved away from).
        run.plan.slots.pop("address_source", None)
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
