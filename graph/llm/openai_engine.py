"""The LLM engine: any OpenAI-compatible chat model through langchain-openai, bound to the same tools."""

from __future__ import annotations

import json
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AnyMessage, SystemMessage

from graph.llm.engine import Critique, Draft
from graph.nlu.schema import Understanding
from graph.services import Services
from graph.state import SupportState


def _system_prompt(state: SupportState, services: Services) -> str:
    profile = services.profile
    customer = state.customer
    who = (
        f"The customer is verified as {customer.get('name')} ({customer.get('id')})."
        if customer
        else "The customer is NOT verified: before any personal data, find them by email or by name and zip code."
    )
    return (
        f"You are the customer-support assistant of {profile.brand.name}. Voice: {profile.brand.voice}.\n"
        f"{who}\nUse the tools for any fact about orders, returns, customers or products; never invent facts, "
        "prices, dates or promises. One customer per conversation. Before any change, the customer must confirm "
        "the details (the system asks them). If the request is outside what you can do, say so and offer a person."
    )


def _evidence_block(state: SupportState) -> str:
    return json.dumps(state.evidence, default=str, ensure_ascii=False)[:12000]


class OpenAIEngine:
    def __init__(self, model: BaseChatModel, model_name: str) -> None:
        self._model = model
        self.name = f"openai:{model_name}"

    async def understand(self, text: str, history: list[str]) -> Understanding:
        from graph.nlu.llm import analyse_with_llm

        return await analyse_with_llm(self._model, text, history)

    async def plan(self, state: SupportState, services: Services) -> AIMessage:
        from tools.registry import all_langchain_tools

        bound = self._model.bind_tools(all_langchain_tools())
        messages: list[AnyMessage] = [SystemMessage(_system_prompt(state, services)), *state.messages]
        response = await bound.ainvoke(messages)
        assert isinstance(response, AIMessage)
        return response

    async def draft(self, state: SupportState, services: Services) -> Draft:
        # The act loop's last answer is the draft when the model already wrote one.
        if state.draft:
            return Draft(state.draft, cited=[e["id"] for e in state.evidence if "id" in e])
        prompt = (
            _system_prompt(state, services)
            + "\nAnswer the customer's last message using only this evidence (JSON). Cite nothing that is not in "
            + "it; if it does not answer the question, say you don't know and offer a person.\nEvidence: "
            + _evidence_block(state)
        )
        if state.pending_action and state.pending_action.get("preview"):
            prompt += "\nAsk the customer to confirm this action (yes/no): " + json.dumps(
                state.pending_action["preview"]
            )
        response = await self._model.ainvoke([SystemMessage(prompt), *state.messages])
        return Draft(str(response.content), cited=[e["id"] for e in state.evidence if "id" in e])

    async def rewrite(self, state: SupportState, services: Services, critique: Critique) -> Draft:
        instructions: dict[str, Any] = {"reasons": critique.reasons, "unsupported_claims": critique.unsupported}
        prompt = (
            _system_prompt(state, services)
            + "\nRewrite the draft below so it fixes every problem listed, using only the evidence. Remove any claim "
            + "the evidence does not support.\nProblems: "
            + json.dumps(instructions)
            + "\nEvidence: "
            + _evidence_block(state)
            + "\nDraft: "
            + state.draft
        )
        response = await self._model.ainvoke([SystemMessage(prompt)])
        return Draft(str(response.content), cited=state.cited)
