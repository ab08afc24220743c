"""The LLM engine: any OpenAI-compatible chat model through langchain-openai, on the same core as the local engine.

The model is a better reader and a better writer, not a different product. Per turn it makes one structured-output
call that reads the customer's message against where the conversation stands (graph.nlu.llm); the same dialogue
manager as the local engine (graph.llm.dialogue.policy.plan_next: procedures, grounding in the customer's own data,
tools, policy) then decides the reads and writes, and writes go through the same preview, confirmation and approval.
Replies to routine turns come from the same templates; the model writes only where the local engine composes free text
from evidence (answers from the shop's knowledge) and when the rule critic sends a draft back. Every model failure
falls back to the local analyser or the templates and is logged as such: the conversation never stops on the endpoint.

No tools are bound to the model: reads and writes are the dialogue manager's, so the model cannot call a tool the
procedure did not choose, and a routine turn costs one call instead of a ReAct loop's three or four.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from graph.llm.dialogue.plan import last_text, tool_results
from graph.llm.engine import Critique, Draft, Situation, Step
from graph.llm.local import LocalEngine
from graph.nlu.schema import Understanding
from graph.services import Services
from graph.state import Status, SupportState

log = logging.getLogger(__name__)

# Evidence an answer from the shop's knowledge cites: policy passages, catalogue entries, product facts, the profile.
KNOWLEDGE_KINDS = frozenset({"doc", "product", "facts", "profile"})
# How much of each cited passage the model is shown: the answer quotes a passage's point, not all of it.
PASSAGE_CHARS = 700


def _voice(services: Services, language: str) -> str:
    brand = services.profile.brand
    return (
        f"You are the customer-support assistant of {brand.name}. Voice: {brand.voice}. Reply in the customer's "
        f"language ({language}). Never invent facts, prices, dates or promises."
    )


def _evidence_text(item: dict[str, Any]) -> str:
    if item.get("text"):
        return str(item["text"])[:PASSAGE_CHARS]
    return json.dumps(item.get("data", item), default=str, ensure_ascii=False)[:PASSAGE_CHARS]


def cited_knowledge(state: SupportState, draft: Draft) -> list[dict[str, Any]]:
    """The knowledge a draft cites (passages, product facts), or nothing when it is not an answer from the
    knowledge: a turn that ran a tool, proposed or made a change, or asks the customer for something is routine, and
    its reply comes from the templates alone."""
    if tool_results(state.messages) or state.status == Status.awaiting_confirmation or draft.awaiting:
        return []
    if any(e.get("kind") == "action" for e in state.evidence):
        return []
    known = {str(e.get("id")): e for e in [*state.evidence, *draft.evidence] if e.get("kind") in KNOWLEDGE_KINDS}
    return [known[cited] for cited in dict.fromkeys(draft.cited) if cited in known]


class OpenAIEngine:
    def __init__(self, model: BaseChatModel, model_name: str) -> None:
        self._model = model
        self.name = f"openai:{model_name}"
        # The shared core: dialogue manager, templates, grounded answers and the rule-based rewrite.
        self._core = LocalEngine()

    async def understand(self, text: str, history: list[str], situation: Situation | None = None) -> Understanding:
        from graph.nlu.llm import analyse_with_llm

        return await analyse_with_llm(self._model, text, history, situation)

    async def plan(self, state: SupportState, services: Services) -> Step:
        # The same procedures, grounding and policy as the local engine: the model's reading is in state.understanding.
        return await self._core.plan(state, services)

    async def draft(self, state: SupportState, services: Services) -> Draft:
        grounded = await self._core.draft(state, services)
        knowledge = cited_knowledge(state, grounded)
        if not knowledge:
            return grounded
        language = str(state.understanding.get("language") or "en")
        prompt = (
            _voice(services, language)
            + "\nAnswer the customer's last message from the evidence below only. The draft already states what the "
            + "evidence says: keep every figure, name, date and condition of it exactly, say nothing the evidence "
            + "does not say, and keep it short.\nEvidence:\n"
            + "\n".join(f"[{item.get('id')}] {_evidence_text(item)}" for item in knowledge)
            + "\nDraft from the evidence: "
            + grounded.text
        )
        question = HumanMessage(last_text(state))
        try:
            response = await self._model.ainvoke([SystemMessage(prompt), question])
            text = str(response.content).strip()
        except Exception as error:  # the endpoint failing costs the phrasing, not the answer
            log.warning("LLM answer failed, keeping the answer from the templates: %s", error)
            return grounded
        if not text:
            return grounded
        return Draft(text, cited=grounded.cited, awaiting=grounded.awaiting, evidence=grounded.evidence)

    async def rewrite(self, state: SupportState, services: Services, critique: Critique) -> Draft:
        # The rule-based rewrite first: it keeps what the evidence backs and looks up the parts the draft missed.
        grounded = await self._core.rewrite(state, services, critique)
        evidence = [*state.evidence, *grounded.evidence]
        problems = {"reasons": critique.reasons, "unsupported_claims": critique.unsupported}
        language = str(state.understanding.get("language") or "en")
        prompt = (
            _voice(services, language)
            + "\nRewrite the draft below so it fixes every problem listed, using only the evidence. Remove any claim "
            + "the evidence does not support.\nProblems: "
            + json.dumps(problems)
            + "\nEvidence:\n"
            + "\n".join(f"[{item.get('id')}] {_evidence_text(item)}" for item in evidence if item.get("id"))
            + "\nDraft: "
            # Parts the draft missed are answered in the rule-based rewrite: the model works on that one then.
            + (grounded.text if critique.missing else state.draft)
        )
        try:
            response = await self._model.ainvoke([SystemMessage(prompt)])
            text = str(response.content).strip()
        except Exception as error:
            log.warning("LLM rewrite failed, keeping the rule-based rewrite: %s", error)
            return grounded
        if not text:
            return grounded
        return Draft(text, cited=grounded.cited, evidence=grounded.evidence)
