"""The local engine: offline, key-less and fast. Understanding, dialogue policy, templated answers, rewrites."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, cast

from langchain_core.messages import AIMessage, HumanMessage

from graph.llm import responses
from graph.llm.critic import strip_unsupported
from graph.llm.dialogue import PERSONAL_INTENTS, plan_next, tool_results
from graph.llm.engine import Critique, Draft
from graph.nlu.schema import Understanding
from graph.services import Services
from graph.state import Status, SupportState

EMPATHY_OPENER = "I'm sorry about the trouble, and I understand how frustrating this is."


def _call(name: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "args": args, "id": f"call_{uuid.uuid4().hex[:16]}", "type": "tool_call"}


class LocalEngine:
    name = "local"

    async def understand(self, text: str, history: list[str]) -> Understanding:
        from graph.nlu.local import get_local_understanding

        # The classifier embeds the message (torch): off the event loop.
        return await asyncio.to_thread(lambda: get_local_understanding().analyse(text, history))

    async def plan(self, state: SupportState, services: Services) -> AIMessage:
        plan = plan_next(state)
        calls = [_call(read["name"], read["args"]) for read in plan.reads]
        if plan.write and not calls:
            calls.append(_call(plan.write["name"], plan.write["args"]))
        dialogue = {"intent": plan.intent, "slots": plan.slots, "awaiting": plan.awaiting}
        return AIMessage(content="", tool_calls=calls, additional_kwargs={"dialogue": dialogue})

    async def draft(self, state: SupportState, services: Services) -> Draft:
        # Grounded answers embed sentences of the evidence: off the event loop.
        return await asyncio.to_thread(self._draft, state, services)

    def _draft(self, state: SupportState, services: Services) -> Draft:
        profile = services.profile
        intent = str(state.dialogue.get("intent") or state.understanding.get("intent", "out_of_scope"))
        results = tool_results(state.messages)

        executed = [e for e in state.evidence if e.get("kind") == "action"]
        if executed:
            return Draft(_describe_action(executed[-1]), cited=[executed[-1]["id"]])
        if state.pending_action and state.status == Status.awaiting_confirmation:
            preview = state.pending_action["preview"]
            return Draft(
                responses.confirmation_request(preview), cited=[f"preview:{preview['action']}"], awaiting="confirmation"
            )
        if state.dialogue.get("cancelled_action"):
            return Draft("No problem, I haven't changed anything. Is there anything else I can help with?")
        if state.dialogue.get("clarify"):
            return Draft(
                "I want to be sure I help with the right thing: is this about an order (status, cancellation, "
                "address), a return or refund, or a question about a product or our policies?",
                awaiting="clarification",
            )

        sentences, cited = responses.describe_tool_results(results)
        awaiting = state.dialogue.get("awaiting")
        if awaiting:
            sentences.append(responses.ask_for(str(awaiting), results, profile))
        if sentences:
            return Draft("\n\n".join(sentences), cited=cited, awaiting=awaiting)

        if intent in ("affirm", "deny"):
            return Draft("Sure. What would you like me to help with next?", awaiting=None)
        if intent == "greeting_thanks":
            first = sum(isinstance(m, HumanMessage) for m in state.messages) <= 1
            return Draft(responses.greeting(profile, first))
        docs = [e for e in state.evidence if e.get("kind") in ("doc", "product")]
        facts = [e for e in state.evidence if e.get("kind") == "facts"]
        if docs or facts:
            from knowledge.answer import grounded_answer
            from knowledge.retriever import Evidence

            answer = grounded_answer(_last_customer_text(state), cast(list[Evidence], docs), [f["data"] for f in facts])
            if answer.supported:
                return Draft(answer.text, cited=list(answer.cited_ids))
        if intent in PERSONAL_INTENTS:
            return Draft("I couldn't complete that just now. " + responses.OFFER_PERSON)
        return responses.not_covered()

    async def rewrite(self, state: SupportState, services: Services, critique: Critique) -> Draft:
        text = strip_unsupported(state.draft, critique.unsupported) if critique.unsupported else state.draft
        if "tone_blame" in critique.reasons:
            text = text.replace("your fault", "not what should have happened")
        if not text.strip():
            return responses.not_covered()
        if "tone_missing_empathy" in critique.reasons:
            text = f"{EMPATHY_OPENER} {text}"
        return Draft(text, cited=state.cited)


def _last_customer_text(state: SupportState) -> str:
    for message in reversed(state.messages):
        if isinstance(message, HumanMessage):
            return str(message.content)
    return ""


def _describe_action(evidence: dict[str, Any]) -> str:
    result = evidence.get("data", {})
    if evidence.get("rejected"):
        return "A colleague reviewed this request and couldn't approve it, so nothing has been changed. " + (
            f"Their note: {evidence['note']}" if evidence.get("note") else responses.OFFER_PERSON
        )
    message = result.get("message") if isinstance(result, dict) else None
    summary = str(evidence.get("summary") or "your request has been processed").rstrip(". ")
    return str(message or f"Done: {summary}.")
