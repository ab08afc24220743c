"""Who the customer is: identity given in a message, the look-ups made, and whether they are verified enough."""

from __future__ import annotations

import re
from typing import Any

from langchain_core.messages import ToolMessage

from graph.llm.addresses import looks_like_address
from graph.llm.dialogue.names import FIND_BY_EMAIL, FIND_BY_NAME_ZIP, IDENTITY_TOOLS, MAX_IDENTITY_ATTEMPTS
from graph.llm.dialogue.other_requests import _ASKS_FOR_A_CHANGE
from graph.llm.dialogue.plan import Plan, ToolResult, _done, customer_turns, tool_results, turn_messages
from graph.nlu.entities import capitalised_names
from graph.nlu.general import asks_something
from graph.state import SupportState
from shopdesk.profile import ShopProfile


def gives_identity(entities: dict[str, Any]) -> bool:
    """An email, or a name and a zip code: enough to look someone up."""
    return bool(entities.get("emails") or (entities.get("names") and entities.get("zip_codes")))


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
