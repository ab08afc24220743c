"""Draft, critique, rewrite, respond: every reply is checked against the evidence before the customer sees it."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime

from graph.context import Context
from graph.dialogue_state import NEXT_REQUEST, QueuedRequest
from graph.llm.critic import critique_draft
from graph.llm.dialogue.other_requests import changed_this_turn, done_already
from graph.llm.dialogue.plan import customer_turns
from graph.llm.engine import Critique
from graph.llm.responses import ask_more_of_the_order, offer_next_request
from graph.locale import speaker_of
from graph.nodes.act import escalate_for_failure
from graph.nodes.common import context_of, engine_of, services_of
from graph.services import Services
from graph.state import Repair, Route, Status, SupportState
from shopdesk.i18n import N_, _, speaking

log = logging.getLogger(__name__)
# Small talk and answers to our own questions are never an unresolved need.
ROUTINE_INTENTS = frozenset({"greeting_thanks", "feedback", "affirm", "deny", "verify_identity", ""})


def max_rewrites(runtime: Runtime[Context], services: Services) -> int:
    override = context_of(runtime).max_rewrites
    return override if override is not None else services.profile.critique.max_rewrites


async def draft(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    try:
        services = await services_of(runtime)
        # The reply is worded in the conversation's language (the catalogue's), whichever engine drafts it.
        with speaking(speaker_of(state, services.profile)):
            result = await (await engine_of(runtime)).draft(state, services)
    except Exception as error:
        log.exception("drafting failed")
        return escalate_for_failure("dependency_failure", f"drafting failed: {type(error).__name__}")
    updates: dict[str, Any] = {"draft": result.text, "cited": result.cited, "route": ""}
    if result.evidence:
        # Facts the draft states that retrieval did not bring (the catalog's, for product answers): the critique
        # checks the draft against them too.
        updates["evidence"] = [*state.evidence, *result.evidence]
    if result.awaiting and result.awaiting != state.dialogue.get("awaiting"):
        updates["dialogue"] = {"awaiting": result.awaiting}
    return updates


async def critique(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    services = await services_of(runtime)
    extra = [state.pending_action] if state.pending_action else []
    understanding = state.understanding
    slots = state.dialogue.get("slots") or {}
    settling = state.dialogue.get("awaiting") == "payment_method" and bool(slots.get("swaps"))
    if state.status == Status.awaiting_confirmation or settling:
        # A reply that puts a proposal to the customer, or asks where an item change's money goes (the change and
        # its difference shown), is a routine turn: the other parts of the message ("I want the difference on my
        # card", "how much is the difference?") are its details, not questions for the knowledge it left unanswered.
        understanding = {**understanding, "intents": []}
    verdict = critique_draft(
        state.draft,
        state.evidence,
        understanding=understanding,
        customer=state.customer,
        min_score=services.profile.critique.min_score,
        extra_evidence=[*extra, state.customer or {}, _profile_facts(services), _dialogue_figures(state)],
        # The shop's own contact address is public: quoting it is not leaking a customer's data.
        shop_emails=[services.profile.human_team.shop_team_email],
    )
    if verdict.verdict != "pass" and state.rewrites >= max_rewrites(runtime, services):
        intent = str(state.dialogue.get("intent") or state.understanding.get("intent", ""))
        if state.unresolved.get(intent, 0) < 1:
            # The bot's own draft failing its check is the bot's problem, not the customer's: it says what it can
            # stand behind, or asks, and offers a colleague; the customer decides. A calm customer is not handed over.
            with speaking(speaker_of(state, services.profile)):
                text = fallback_reply(state.draft, verdict)
            kept = Critique(verdict.score, "pass", [*verdict.reasons, "fallback"], verdict.unsupported)
            cited = state.cited if text == state.draft else []
            return {"critique": kept.as_dict(), "draft": text, "cited": cited}
        # The same need failed before and the draft still fails: the bot has run out of moves.
        verdict = Critique(verdict.score, "handoff", verdict.reasons, verdict.unsupported)
        failure = escalate_for_failure("critique_failed", "; ".join(verdict.reasons))
        failure["escalation"]["priority"] = "low"
        failure["escalation"]["evidence"] = [
            {"reason": "critique_failed", "evidence": "; ".join(verdict.reasons), "priority": "low"}
        ]
        # Said by the escalate node, in the conversation's language.
        failure["escalation"]["customer_message"] = N_(
            "I want to get this exactly right, so I've asked a colleague to take over. They'll see our whole "
            "conversation and reply here."
        )
        return {"critique": verdict.as_dict(), **failure}
    return {"critique": verdict.as_dict()}


FALLBACK = N_(
    "I'm not able to answer that reliably just now, and I'd rather not guess. Could you tell me a little more about "
    "what you need, for example the order it's about? {offer_person}"
)


def fallback_reply(draft: str, verdict: Critique) -> str:
    """What the bot can stand behind once its rewrites are used up: the draft without its unsupported sentences,
    the draft itself when only its tone or completeness was faulted, or an honest question with a colleague on offer.
    Nothing that failed a safety check is ever sent."""
    from graph.llm.critic import strip_unsupported
    from graph.llm.responses import OFFER_PERSON

    honest = _(FALLBACK, offer_person=_(OFFER_PERSON))
    if any(reason.startswith("safety") or reason == "empty_draft" for reason in verdict.reasons):
        return honest
    kept = strip_unsupported(draft, verdict.unsupported).strip() if verdict.unsupported else draft.strip()
    if "promise_outside_policy" in verdict.reasons or not kept:
        return honest
    return kept


def _dialogue_figures(state: SupportState) -> dict[str, Any]:
    """What the dialogue worked out from the shop's own records before anything is proposed: an item change's
    versions and prices (kept from the turn that read them), its price differences and their sum, and this turn's
    notice (a gift card's balance against the difference). The reply may state them: they come from tool results,
    not from the drafter."""
    dialogue = state.dialogue
    swaps = [
        s for s in (dialogue.get("slots") or {}).get("swaps") or [] if isinstance(s, (list, tuple)) and len(s) == 3
    ]
    differences = [round(abs(float(s[2])), 2) for s in swaps]
    return {
        "differences": differences,
        "difference": round(abs(sum(float(s[2]) for s in swaps)), 2),
        "notice": dialogue.get("notice") or {},
        "swap_views": (dialogue.get("slots") or {}).get("swap_views") or {},
    }


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
        services = await services_of(runtime)
        with speaking(speaker_of(state, services.profile)):
            result = await (await engine_of(runtime)).rewrite(state, services, critique_result)
    except Exception as error:
        log.exception("rewrite failed")
        return escalate_for_failure("dependency_failure", f"rewrite failed: {type(error).__name__}")
    updates: dict[str, Any] = {"draft": result.text, "cited": result.cited, "rewrites": state.rewrites + 1}
    if result.evidence:
        updates["evidence"] = [*state.evidence, *result.evidence]
    return updates


def asked_question(state: SupportState) -> str | None:
    """What this reply asks the customer, as a key that is equal only for the same question: the detail awaited,
    and for a confirmation the very proposal (its summary and lines)."""
    awaiting = state.dialogue.get("awaiting")
    if not awaiting:
        return None
    preview = (state.pending_action or {}).get("preview") or {}
    if awaiting != "confirmation" or not preview:
        return str(awaiting)
    proposal = json.dumps([preview.get("summary"), preview.get("details")], sort_keys=True, default=str)
    return f"confirmation:{hashlib.sha1(proposal.encode()).hexdigest()[:12]}"


def _done(state: SupportState) -> bool:
    """The request in hand is done (answered, changed, or declined): nothing asked, nothing proposed."""
    return not state.dialogue.get("awaiting") and not state.pending_action and state.status == Status.bot


def _for_order(request: QueuedRequest, order_id: str) -> bool:
    return str(request.get("order_id") or "").lstrip("#").upper() == order_id.lstrip("#").upper()


def offers_next_request(state: SupportState, waiting: list[QueuedRequest]) -> bool:
    """The request in hand is done and the customer asked for more in the same message: the reply offers to go on
    with the next one."""
    return _done(state) and bool(waiting)


async def respond(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    text = state.draft
    queued = state.dialogue.get("queued") or []
    waiting = [request for request in queued if not done_already(state.messages, request)]
    # "I have a few changes to make to an order": once the first change on it is written, what else on that order
    # is asked (once) before another order's request is offered.
    more = next((r for r in waiting if r.get("more_of_the_order")), None)
    changed = changed_this_turn(state.messages) if more is not None and _done(state) else None
    if changed is not None and any(_for_order(r, changed) for r in waiting if r is not more):
        # What else they want on that order is said already (the item change that waited for its payment change):
        # that is offered, not asked for.
        waiting, changed = [request for request in waiting if request is not more], None
    if changed is not None:
        waiting = [request for request in waiting if request is not more]
    # "Send it all back and get a full refund": the refund was the return just done, not one more request.
    offer = changed is None and offers_next_request(state, [r for r in waiting if not r.get("more_of_the_order")])
    if changed is not None or offer:
        services = await services_of(runtime)
        with speaking(speaker_of(state, services.profile)):
            if changed is not None:
                text = f"{text}\n\n{ask_more_of_the_order(changed)}"
            else:
                first = next(r for r in waiting if not r.get("more_of_the_order"))
                text = f"{text}\n\n{offer_next_request(first)}"
    reply = AIMessage(
        text,
        additional_kwargs={"author": "bot"},
        response_metadata={"evidence_ids": state.cited, "critique": state.critique},
    )
    intent = str(state.dialogue.get("intent") or state.understanding.get("intent", ""))
    unresolved = dict(state.unresolved)
    # Asking again for the same thing counts towards "the same need unresolved twice".
    awaiting = state.dialogue.get("awaiting")
    asked = list(state.dialogue.get("asked", []))
    question = asked_question(state)
    # A need is unresolved when we could not answer it, or had to ask the same question again; asking for the
    # next missing detail is progress, not failure, and so is a proposal the customer has not seen yet (one
    # corrected after a "no, the blue one" is a new question, not the old one again).
    failed = not state.cited and not awaiting
    # ... nor is asking again after the customer told us something new (another email, a corrected zip).
    progress = state.dialogue.get("progress_turn") == customer_turns(state.messages)
    # The proposal put again after answering a question on the way to the yes is the same question, but no failure.
    answered_on_the_way = state.repair in (
        Repair.digression,
        Repair.payment_question,
        Repair.order_question,
        Repair.proposal_fact,
        Repair.acknowledged,
    )
    repeated = question is not None and question in asked and not progress and not answered_on_the_way
    updates: dict[str, Any] = {"messages": [reply], "route": Route.draft}
    if intent not in ROUTINE_INTENTS:
        if failed or repeated:
            unresolved[intent] = unresolved.get(intent, 0) + 1
        elif not awaiting or awaiting == "confirmation" or progress:
            unresolved.pop(intent, None)
        updates["unresolved"] = unresolved
    if question is not None:
        updates["dialogue"] = {"asked": [*asked, question]}
    elif asked:
        updates["dialogue"] = {"asked": []}
    if len(waiting) < len(queued):
        updates["dialogue"] = {**updates.get("dialogue", {}), "queued": waiting}
    if offer:
        updates["dialogue"] = {**updates.get("dialogue", {}), "awaiting": NEXT_REQUEST}
    return updates
