"""plan_next: the step each turn takes, from the active request, its slots and the procedure that serves it."""

from __future__ import annotations

from typing import Any

from graph.llm.dialogue.groundings import GROUNDINGS
from graph.llm.dialogue.identity import _failed_lookups, _identity_call, _verified_enough, gives_identity
from graph.llm.dialogue.intent import active_intent
from graph.llm.dialogue.names import MAX_IDENTITY_ATTEMPTS, ORDER_DETAILS, STALE_IDENTITY_ANSWERS
from graph.llm.dialogue.plan import Plan, ToolResult, _done, _read, last_text, tool_results, without_their_names
from graph.llm.dialogue.slots import merged_slots
from graph.llm.matching import Similarity
from graph.procedures.interpreter import Run, run_procedure
from graph.procedures.loader import procedures_for
from graph.state import SupportState
from shopdesk.profile import ShopProfile


def plan_next(state: SupportState, profile: ShopProfile | None = None, similar: Similarity | None = None) -> Plan:
    """The next step of the request in hand: the reads to run, the write to propose, or the question to ask."""
    return _verified_enough(_plan(state, profile, similar), state, profile)


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

    # The request's words without the people's names in them: a surname is no colour or item ("Lucas Brown").
    words = without_their_names(last_text(state), state)
    run = Run(plan, state, results, profile, procedures, procedure, read, words)
    return run_procedure(run, GROUNDINGS)
