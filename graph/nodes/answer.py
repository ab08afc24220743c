"""Draft, critique, rewrite, respond: every reply is checked against the evidence before the customer sees it."""

from __future__ import annotations

import logging
from typing import Any

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime

from graph.context import Context
from graph.llm.critic import critique_draft
from graph.llm.engine import Critique
from graph.nodes.act import escalate_for_failure
from graph.nodes.common import context_of, engine_of, services_of
from graph.services import Services
from graph.state import Route, SupportState

log = logging.getLogger(__name__)
# Small talk and answers to our own questions are never an unresolved need.
ROUTINE_INTENTS = frozenset({"greeting_thanks", "feedback", "affirm", "deny", "verify_identity", ""})


def max_rewrites(runtime: Runtime[Context], services: Services) -> int:
    override = context_of(runtime).max_rewrites
    return override if override is not None else services.profile.critique.max_rewrites


async def draft(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    try:
        result = await (await engine_of(runtime)).draft(state, await services_of(runtime))
    except Exception as error:
        log.exception("drafting failed")
        return escalate_for_failure("dependency_failure", f"drafting failed: {type(error).__name__}")
    updates: dict[str, Any] = {"draft": result.text, "cited": result.cited, "route": ""}
    if result.evidence:
        # Facts the draft states that retrieval did not bring (the catalog's, for product answers): the critique
        # checks the draft against them too.
        updates["evidence"] = [*state.evidence, *result.evidence]
    if result.awaiting and result.awaiting != state.dialogue.get("awaiting"):
        updates["dialogue"] = {**state.dialogue, "awaiting": result.awaiting}
    return updates


async def critique(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    services = await services_of(runtime)
    extra = [state.pending_action] if state.pending_action else []
    verdict = critique_draft(
        state.draft,
        state.evidence,
        understanding=state.understanding,
        customer=state.customer,
        min_score=services.profile.critique.min_score,
        extra_evidence=[*extra, state.customer or {}, _profile_facts(services)],
        # The shop's own contact address is public: quoting it is not leaking a customer's data.
        shop_emails=[services.profile.human_team.shop_team_email],
    )
    if verdict.verdict != "pass" and state.rewrites >= max_rewrites(runtime, services):
        verdict = Critique(verdict.score, "handoff", verdict.reasons, verdict.unsupported)
        failure = escalate_for_failure("critique_failed", "; ".join(verdict.reasons))
        failure["escalation"]["customer_message"] = (
            "I want to get this exactly right, so I've asked a colleague to take over. They'll see our whole "
            "conversation and reply here."
        )
        return {"critique": verdict.as_dict(), **failure}
    return {"critique": verdict.as_dict()}


def _profile_facts(services: Services) -> dict[str, Any]:
    # Brand facts the bot may always state (window, timing); everything else needs evidence from this turn.
    profile = services.profile
    return {"return_window_days": profile.returns.window_days, "refund_days": profile.returns.refund_processing_days}


async def rewrite(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    found = state.critique
    critique_result = Critique(
        score=float(found.get("score", 0.0)),
        verdict=str(found.get("verdict", "rewrite")),
        reasons=list(found.get("reasons", [])),
        unsupported=list(found.get("unsupported", [])),
        missing=list(found.get("missing", [])),
    )
    try:
        result = await (await engine_of(runtime)).rewrite(state, await services_of(runtime), critique_result)
    except Exception as error:
        log.exception("rewrite failed")
        return escalate_for_failure("dependency_failure", f"rewrite failed: {type(error).__name__}")
    updates: dict[str, Any] = {"draft": result.text, "cited": result.cited, "rewrites": state.rewrites + 1}
    if result.evidence:
        updates["evidence"] = [*state.evidence, *result.evidence]
    return updates


async def respond(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    reply = AIMessage(
        state.draft,
        additional_kwargs={"author": "bot"},
        response_metadata={"evidence_ids": state.cited, "critique": state.critique},
    )
    intent = str(state.dialogue.get("intent") or state.understanding.get("intent", ""))
    unresolved = dict(state.unresolved)
    # Asking again for the same thing counts towards "the same need unresolved twice".
    awaiting = state.dialogue.get("awaiting")
    asked = list(state.dialogue.get("asked", []))
    # A need is unresolved when we could not answer it, or had to ask the same question again; asking for the
    # next missing detail is progress, not failure.
    failed = not state.cited and not awaiting
    repeated = bool(awaiting) and awaiting in asked
    updates: dict[str, Any] = {"messages": [reply], "route": Route.draft}
    if intent not in ROUTINE_INTENTS:
        if failed or repeated:
            unresolved[intent] = unresolved.get(intent, 0) + 1
        elif not awaiting:
            unresolved.pop(intent, None)
        updates["unresolved"] = unresolved
    if awaiting:
        updates["dialogue"] = {**state.dialogue, "asked": [*asked, awaiting]}
    elif asked:
        updates["dialogue"] = {**state.dialogue, "asked": []}
    return updates
