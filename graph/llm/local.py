"""The local engine: offline, key-less and fast. Understanding, dialogue policy, templated answers, rewrites."""

from __future__ import annotations

import asyncio
import functools
import re
import uuid
from typing import Any, cast

from langchain_core.messages import HumanMessage
from langchain_core.messages.tool import ToolCall, tool_call

from graph.dialogue_state import DialogueUpdate
from graph.llm import responses
from graph.llm.addresses import one_line
from graph.llm.critic import strip_unsupported
from graph.llm.dialogue.feedback import acknowledgement
from graph.llm.dialogue.identity import brought_new_facts
from graph.llm.dialogue.intent import closes
from graph.llm.dialogue.names import (
    CHANGE_ITEMS,
    CHANGE_PAYMENT,
    CUSTOMER_DETAILS,
    GOODWILL,
    ITEM_PROBLEM,
    ORDER_DETAILS,
    PERSONAL_INTENTS,
    RETURN_ELIGIBILITY,
)
from graph.llm.dialogue.plan import ToolResult, customer_turns, last_text, tool_results
from graph.llm.dialogue.policy import plan_next
from graph.llm.dialogue.proposal_facts import check_facts, proposed_method, puts_off
from graph.llm.dialogue.proposal_items import proposed_items
from graph.llm.dialogue.proposal_reach import reach_answered
from graph.llm.dialogue.reading import serves
from graph.llm.engine import Critique, Draft, Situation, Step
from graph.nlu.billing import tells_of_a_wrong_charge
from graph.nlu.confirmation import ends_with_a_closing, says_only_no, says_thanks
from graph.nlu.general import asks_if_it_can_be_done
from graph.nlu.schema import Understanding
from graph.services import Services
from graph.state import Repair, Status, SupportState
from shopdesk.i18n import N_, _, current, money, ngettext

# "Which cards do you take?" has no order behind it: no offer to look one up.
PAYMENT_INTENTS = frozenset({"payment_issue", CHANGE_PAYMENT})
ASKS = re.compile(r"\?|^\s*(?:what|which|how|is|are|does|do|can|could|will|would|has|have|where|when)\b", re.I)
EMPATHY_OPENER = N_("I'm sorry about the trouble, and I understand how frustrating this is.")


def meaning_similarity(phrase: str, names: list[str]) -> list[float]:
    """Cosine similarity of a phrase to each name, with the understanding's own MiniLM embedder (loaded already)."""
    import numpy as np

    from graph.nlu.local import get_local_understanding

    vectors = np.asarray(get_local_understanding().embedder.embed([phrase, *names]), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    return [float(score) for score in vectors[1:] @ vectors[0]]


def _call(name: str, args: dict[str, Any]) -> ToolCall:
    return tool_call(name=name, args=args, id=f"call_{uuid.uuid4().hex[:16]}")


class LocalEngine:
    name = "local"

    async def understand(self, text: str, history: list[str], situation: Situation | None = None) -> Understanding:
        from graph.nlu.local import get_local_understanding

        # The classifier embeds the message (MiniLM): off the event loop. The dialogue manager reads its answer
        # against the situation itself.
        return await asyncio.to_thread(lambda: get_local_understanding().analyse(text, history))

    async def plan(self, state: SupportState, services: Services) -> Step:
        plan = plan_next(state, services.profile, similar=meaning_similarity)
        calls = [_call(read["name"], read["args"]) for read in plan.reads]
        if plan.write and not calls:
            calls.append(_call(plan.write["name"], plan.write["args"]))
        turn = customer_turns(state.messages)
        dialogue: DialogueUpdate = {
            "intent": plan.intent,
            "slots": plan.slots,
            "awaiting": plan.awaiting,
            # The customer gave something new this turn: asking again is progress, not a repeated failure.
            "progress_turn": turn if brought_new_facts(state, plan.slots) else None,
            # Said in this turn's reply only: the turn it belongs to is remembered with it.
            "notice": plan.notice,
            "notice_turn": turn,
        }
        return Step(calls=calls, dialogue=dialogue, handoff=plan.handoff)

    async def draft(self, state: SupportState, services: Services) -> Draft:
        return await services.run_blocking(self._draft, state, services, knowledge=True)

    def _draft(self, state: SupportState, services: Services) -> Draft:
        profile = services.profile
        intent = str(state.dialogue.get("intent") or state.understanding.get("intent", "out_of_scope"))
        results = tool_results(state.messages)

        executed = [e for e in state.evidence if e.get("kind") == "action"]
        if executed:
            done = _describe_action(executed[-1])
            # "Yes. And it's cancelled right away?": the yes was taken on a check of the act's reach; its answer
            # comes with the result.
            action = str(executed[-1].get("id", "")).split(":")[1] if ":" in str(executed[-1].get("id", "")) else ""
            order = str((executed[-1].get("data") or {}).get("entity_id") or "")
            message = last_text(state)
            reach = reach_answered(message, action, order) if order else []
            if shown_for_yes := executed[-1].get("preview"):
                # "Is that my credit card? If so, yes": the yes stood on the check, whose answer comes first.
                theirs = (_customer_read(state, services, results) or {}).get("payment_methods") or []
                held = check_facts(message, shown_for_yes, list(theirs)) or []
                reach = [(c.fact, c.holds, c.value) for c in held if c.holds and c.fact in ("total", "method")] + reach
            answers = responses.reach_answers(reach)
            return Draft(f"{answers}\n\n{done}" if answers else done, cited=[executed[-1]["id"]])
        if state.pending_action and state.status == Status.awaiting_confirmation:
            preview = state.pending_action["preview"]
            text = responses.confirmation_request(preview)
            notice = state.dialogue.get("notice")
            if notice and state.dialogue.get("notice_turn") == customer_turns(state.messages):
                # What the proposal does that the customer did not ask for comes before the question.
                text = f"{responses.describe_notice(notice)}\n\n{text}"
            shown = Draft(text, cited=[f"preview:{preview['action']}"], awaiting="confirmation")
            if state.repair == Repair.proposal_fact:
                # A check of the proposal's own figures or method: answered from it, and asked again in one line.
                methods = (_customer_read(state, services, results) or {}).get("payment_methods") or []
                checks = check_facts(last_text(state), preview, list(methods), proposed_items(state))
                if checks:
                    shown.text = responses.describe_fact_checks(checks)
                    return shown
            if state.repair == Repair.acknowledged:
                # "Thanks" at a proposal: returned, and the proposal asked again in one line.
                again = responses.ask_again_briefly()
                welcome = _("You're welcome!")
                shown.text = f"{welcome} {again}" if says_thanks(last_text(state)) else again
                return shown
            if state.repair in (
                Repair.digression,
                Repair.payment_question,
                Repair.order_question,
                Repair.rules_question,
            ) and puts_off(last_text(state)):
                # "No, not yet - ...?": the proposal was just shown and the customer put it off; the answer comes
                # with the proposal asked again in one line, not the whole of it as if nothing was said.
                text = responses.ask_again_briefly()
                shown.text = text
            if state.repair == Repair.digression and asks_if_it_can_be_done(last_text(state)):
                # "Is that possible?" of the proposal itself: the tools checked it against the shop's rules.
                shown.text = f"{_('Yes, that can be done, as shown here:')}\n\n{text}"
            elif state.repair == Repair.digression:
                # Another question on the way to the yes: what the knowledge says, or plainly that we can't say.
                docs = [e for e in state.evidence if e.get("kind") in ("doc", "product", "facts")]
                answered = _knowledge_answer(state, services, intent, docs, offer_order_check=False) if docs else None
                if answered is not None:
                    shown.text = f"{answered.text}\n\n{text}"
                    shown.cited = [*answered.cited, *shown.cited]
                    shown.evidence = answered.evidence
                else:
                    shown.text = f"{_(responses.NOT_SURE_AT_PROPOSAL)}\n\n{text}"
            # A question on the way to the yes, about the order in hand ("what's in that order again?") or the
            # customer's payment methods: answered from their own data first, and the proposal is put again.
            answerer = {
                Repair.order_question: _order_answer,
                Repair.payment_question: _payment_methods_answer,
                Repair.rules_question: _rules_answer,
            }.get(state.repair)
            if answerer is not None:
                answer = answerer(state, services, results)
                if answer.text:
                    shown.text = f"{answer.text}\n\n{text}"
                    shown.cited = [*answer.cited, *shown.cited]
                    shown.evidence = answer.evidence
            rule = _rule_with_proposal(state, services, intent, results) if not state.repair else None
            if rule is not None:
                # "If I return it, how much is the label?": what it costs or until when, before the proposal.
                shown.text = f"{rule.text}\n\n{shown.text}"
                shown.cited = [*rule.cited, *shown.cited]
                shown.evidence = [*shown.evidence, *rule.evidence]
            return shown
        if state.repair == Repair.digression and state.dialogue.get("awaiting"):
            # A question while we wait for a detail of the request (graph.nodes.gate): what the knowledge says, or
            # plainly that we can't say, and our question asked again: the request goes on where it was.
            step = str(state.dialogue.get("awaiting"))
            docs = [e for e in state.evidence if e.get("kind") in ("doc", "product", "facts")]
            answered = _knowledge_answer(state, services, intent, docs, offer_order_check=False) if docs else None
            ask = responses.ask_for(step, results, profile, state.dialogue.get("slots", {}), intent)
            if answered is not None:
                text = f"{answered.text}\n\n{ask}"
                return Draft(text, cited=answered.cited, awaiting=step, evidence=answered.evidence)
            return Draft(f"{_(responses.NOT_SURE_AT_A_STEP)}\n\n{ask}", awaiting=step)
        if state.repair in (Repair.payment_question, Repair.order_question, Repair.rules_question):
            # Asked with nothing proposed: answered, and the question we were waiting on (if any) is put again.
            if state.repair == Repair.order_question:
                answer = _order_answer(state, services, results)
            elif state.repair == Repair.rules_question:
                answer = _rules_answer(state, services, results)
            else:
                answer = _payment_methods_answer(state, services, results)
            awaiting = state.dialogue.get("awaiting")
            ask = responses.ask_for(str(awaiting), results, profile, state.dialogue.get("slots", {}), intent)
            text = "\n\n".join(part for part in (answer.text, ask if awaiting else "") if part)
            if text:
                return Draft(text, cited=answer.cited, awaiting=awaiting, evidence=answer.evidence)
        if state.repair == Repair.feedback:
            kind = str((state.dialogue.get("notice") or {}).get("kind") or "criticism")
            said = {"id": "customer:message", "kind": "customer", "text": last_text(state)}
            awaiting = "clarification" if kind == "vague_order" else None
            return Draft(acknowledgement(kind), cited=[said["id"]], evidence=[said], awaiting=awaiting)
        if state.repair == Repair.nothing_done:
            # Nothing was written in this conversation: said plainly, and what we were asking (if anything) stays asked.
            waiting = state.dialogue.get("awaiting")
            if waiting:
                ask = responses.ask_for(str(waiting), results, profile, state.dialogue.get("slots", {}), intent)
                return Draft(f"{_(responses.NOTHING_DONE)}\n\n{ask}", awaiting=str(waiting))
            return Draft(f"{_(responses.NOTHING_DONE)} {_(responses.ANYTHING_ELSE)}")
        if state.repair == Repair.cancelled:
            # A bare "no" turns down what was proposed; it closes nothing: the customer may be mid-task.
            reply = last_text(state)
            if ends_with_a_closing(reply) and not says_only_no(reply):
                # "Keep it as it is. That's all, bye!": nothing changed, and no question after their goodbye.
                return Draft(
                    _("No problem, I haven't changed anything. Thanks for getting in touch, and have a great day!")
                )
            return Draft(_("No problem, I haven't changed anything. Is there anything else I can help with?"))
        if intent == GOODWILL and not serves(GOODWILL, profile):
            # The shop's policy gives no goodwill credit: said plainly, a person offered for an exception.
            return Draft(_(responses.NO_GOODWILL, offer_person=_(responses.OFFER_PERSON)))
        if state.repair == Repair.offer_person:
            # Out of hours, still unclear after our question: the customer decides whether the team should look.
            return responses.not_covered()
        # Unsure what the message is about, the gate asks; a question naming one of the shop's products by its own
        # name is clear enough to answer (the gate's own rule for product questions, with the catalog's names).
        if state.repair == Repair.clarify and not _names_a_product(state, services):
            return Draft(
                _(
                    "I want to be sure I help with the right thing: is this about an order (status, cancellation, "
                    "address), a return or refund, or a question about a product or our policies?"
                ),
                awaiting="clarification",
            )

        sentences, cited = responses.describe_tool_results(results, intent, profile)
        if intent == "payment_issue" and tells_of_a_wrong_charge(last_text(state)):
            sentences.append(_(responses.WRONG_CHARGE, offer_person=_(responses.OFFER_PERSON)))
        awaiting = state.dialogue.get("awaiting")
        slots = state.dialogue.get("slots", {})
        # Asked where an item change's money goes, the customer first reads the change and its difference, then
        # what this turn found about it (a gift card too small), then the question.
        change = responses.describe_swaps(slots) if awaiting == "payment_method" else ""
        if change:
            sentences.append(change)
        notice = state.dialogue.get("notice")
        if notice and state.dialogue.get("notice_turn") == customer_turns(state.messages):
            sentences.append(responses.describe_notice(notice))
        found: list[dict[str, Any]] = []
        if awaiting:
            rule = _rule_before_verifying(state, services, intent, str(awaiting), results)
            if rule is None and awaiting in ("payment_method", "order_id"):
                # "If I send it back, what does the label cost me?": the step before the proposal, where the money
                # goes or which order, is asked after the answer (for the customer's own country once verified).
                rule = _rule_with_proposal(state, services, intent, results)
            if rule is not None:
                # "I got it 40 days ago, can I still return it?": the rule answers now; their order needs them first.
                sentences.append(rule.text)
                cited = [*cited, *rule.cited]
                found = rule.evidence
            declined = (
                awaiting == "options"
                and (notice or {}).get("code") == "options_declined"
                and state.dialogue.get("notice_turn") == customer_turns(state.messages)
            )
            if not declined:
                # (A bare "no" to the versions listed is answered by the notice's own question, not the list again.)
                sentences.append(
                    responses.ask_for(str(awaiting), results, profile, slots, intent, change_shown=bool(change))
                )
        if sentences and not awaiting and (rule := _rule_with_proposal(state, services, intent, results)):
            # "Is returning order #W... free?" read as a question about the order: what it is, then the rule asked.
            sentences.append(rule.text)
            cited = [*cited, *rule.cited]
            found = [*found, *rule.evidence]
        # A read with nothing to say for this request (an eligibility already shown) leaves no empty paragraph, and
        # a rule the reads said already (the order's return date) is not said twice.
        sentences = list(dict.fromkeys(sentence for sentence in sentences if sentence.strip()))
        if sentences:
            return Draft("\n\n".join(sentences), cited=cited, awaiting=awaiting, evidence=found)

        if intent in ("affirm", "deny", "greeting_thanks") and closes(state):
            return Draft(_("You're welcome. Thanks for getting in touch, and have a great day!"), awaiting=None)
        if intent in ("affirm", "deny"):
            return Draft(_("Sure. What would you like me to help with next?"), awaiting=None)
        if intent == "greeting_thanks":
            first = sum(isinstance(m, HumanMessage) for m in state.messages) <= 1
            return Draft(responses.greeting(profile, first))
        docs = [e for e in state.evidence if e.get("kind") in ("doc", "product")]
        facts = [e for e in state.evidence if e.get("kind") == "facts"]
        if docs or facts:
            answered = _knowledge_answer(state, services, intent, docs)
            if answered is not None:
                return _not_done_here(state, intent, answered)
            if docs:
                # The knowledge was asked and has no answer: no tool was tried, so nothing "couldn't complete".
                return _not_done_here(state, intent, responses.not_covered())
        elif intent not in PERSONAL_INTENTS and _budget_for_earlier_request(state, services, last_text(state)):
            # "Only up to $140 though" after a request for a kind of product: no search was asked for a budget alone,
            # and the catalog answers the request with it.
            answered = _knowledge_answer(state, services, intent, [])
            if answered is not None:
                return answered
        elif intent not in PERSONAL_INTENTS and _names_a_product(state, services):
            # Read as small talk or out of scope, yet it names one of the shop's products by its own name ("which
            # colours can I get the Trailhead 28 Daypack in?"): the catalog answers what the search was not asked.
            answered = _knowledge_answer(state, services, intent, [])
            if answered is not None:
                return answered
        elif intent not in PERSONAL_INTENTS and ASKS.search(last_text(state)):
            # Read as small talk, yet a question ("when is your support team available?"): the knowledge answers
            # when a passage is clearly about it.
            answered = _searched_answer(state, services, intent)
            if answered is not None:
                return answered
        if intent in PERSONAL_INTENTS and not results and ASKS.search(last_text(state)):
            # Read as a request of theirs while unsure, yet nothing was looked up and the message asks how things
            # work ("I bought a tent last week and now it's cheaper: can I get the difference?"): the knowledge
            # answers when a passage is clearly about it. Nothing was tried, so nothing "couldn't complete".
            answered = _searched_answer(state, services, intent)
            return answered if answered is not None else responses.not_covered()
        if intent in PERSONAL_INTENTS:
            return Draft(_("I couldn't complete that just now. {offer_person}", offer_person=_(responses.OFFER_PERSON)))
        return responses.not_covered()

    async def rewrite(self, state: SupportState, services: Services, critique: Critique) -> Draft:
        return await services.run_blocking(self._rewrite, state, services, critique, knowledge=True)

    def _rewrite(self, state: SupportState, services: Services, critique: Critique) -> Draft:
        """Rebuild from templates: keep what the evidence backs, add what was missing, soften where upset."""
        text = strip_unsupported(state.draft, critique.unsupported) if critique.unsupported else state.draft
        if critique.unsupported:
            # The templates state only what tool results say: rebuilt, the reply carries the supported facts.
            rebuilt = self._draft(state, services)
            if rebuilt.text and rebuilt.text != state.draft:
                text = rebuilt.text
        if "tone_blame" in critique.reasons:
            # The rule critic reads English blame; the rewrite words it as the catalogue does.
            text = text.replace("your fault", _("not what should have happened"))
        added: list[dict[str, Any]] = []
        cited = list(state.cited)
        for part in critique.missing:
            answer, found = _answer_part(part, services)
            if answer.text in text:
                continue  # answered by an earlier rewrite of this turn
            text = f"{text}\n\n{answer.text}" if text.strip() else answer.text
            cited += list(answer.cited_ids)
            added += found
        if not text.strip():
            return responses.not_covered()
        if "tone_missing_empathy" in critique.reasons:
            text = f"{_(EMPATHY_OPENER)} {text}"
        return Draft(text, cited=cited, evidence=added)


# Requests whose customers often ask the rule with them ("can I still return it?", "do I pay for the label?").
# Named by the policy's own finer readings too: "can I swap the jacket for a tent?" is read as an item change, "the
# box came crushed, how long do I have to report it?" as an item problem.
RULE_INTENTS = frozenset(
    {
        "return_request",
        "exchange_request",
        "refund_request",
        "refund_status",
        "cancel_order",
        "change_order",
        "change_address",
        CHANGE_ITEMS,
        ITEM_PROBLEM,
    }
)


def _rule_before_verifying(
    state: SupportState, services: Services, intent: str, awaiting: str, results: list[Any]
) -> Draft | None:
    """The shop's rule for a question asked with a request about the customer's own order, before we ask who they
    are: "I washed it once, can I still return it?" is answered by the return conditions for anyone. Only a question
    (not "I want to return my boots"), about the rules (not where a parcel is), on the first ask."""
    from graph.nlu.general import asks_about_progress, asks_about_the_rules
    from knowledge.answer import RETURNING

    text = last_text(state)
    about_rules = intent in RULE_INTENTS or (intent == "order_status" and RETURNING.search(text))
    if awaiting != "identity" or state.customer or results or not about_rules:
        return None
    if not asks_about_the_rules(text) or asks_about_progress(text):
        return None
    answered = _searched_answer(state, services, intent, offer_order_check=False)
    return answered if answered is not None and (answered.cited or answered.evidence) else None


# What an action costs, until when it can be done, or whether it still can: "how much is the label?", "is it
# free?", "until when...?", "until what date...?", "can I still return it?", "is it too late to...?".
_COST_OR_TIME = re.compile(
    r"\b(?:until|by|till)\s+(?:when|what\s+(?:date|day))\b|\bwhat(?:'s|\s+is)?\s+the\s+last\s+day\b|\bdeadline\b"
    r"|\bhow\s+(?:much|long)\b|\bcan\s+i\s+still\b|\btoo\s+late\b|\bstill\s+(?:possible|eligible|in\s+time)\b"
    r"|\bcosts?\b|\bfree\b|\bpay\b|\bcharged?\b|\bfee\b",
    re.IGNORECASE,
)
# ... of which these ask what it costs: the shop's rule with the customer's figures answers, not the order's date.
_ASKS_COST = re.compile(r"\bcosts?\b|\bfree\b|\bpay\b|\bpaying\b|\bcharged?\b|\bfees?\b", re.IGNORECASE)


def _rule_with_proposal(
    state: SupportState, services: Services, intent: str, results: list[ToolResult]
) -> Draft | None:
    """The answer to a question about what the proposed action costs or until when it can be done, asked with the
    request ("if I return #W..., how much does the label cost me?"): the order's own return date when it was read,
    else the shop's rule with the customer's figures (their country's label)."""
    from knowledge.answer import RETURNING

    text = last_text(state)
    about_the_rules = intent in RULE_INTENTS or (intent == "order_status" and RETURNING.search(text))
    if not about_the_rules or "?" not in text or not _COST_OR_TIME.search(text):
        return None
    from knowledge.policy_focus import asks_amount

    if intent == "order_status" and not asks_amount(text) and not _ASKS_COST.search(text):
        return None  # until when: the order's own return date, which only a return's reading of it gives
    eligibility = next(
        (r for r in reversed(results) if r.name == RETURN_ELIGIBILITY and r.ok and isinstance(r.data, dict)), None
    )
    asks_cost = asks_amount(text) or bool(_ASKS_COST.search(text))
    if eligibility is not None and not asks_cost and eligibility.data.get("return_by"):
        return Draft(responses.describe_eligibility(eligibility.data), cited=[f"eligibility:{eligibility.call_id}"])
    from knowledge.answer import SUPPORT_THRESHOLD

    # A question about the rules of the request in hand, as the knowledge's own questions are.
    answered = _searched_answer(state, services, intent, offer_order_check=False, support=SUPPORT_THRESHOLD)
    return answered if answered is not None and (answered.cited or answered.evidence) else None


def _knowledge_answer(
    state: SupportState,
    services: Services,
    intent: str,
    docs: list[dict[str, Any]],
    *,
    offer_order_check: bool = True,
) -> Draft | None:
    """Each question of the customer's message answered from the catalog's facts or the policies (None when
    nothing answers), with the upsell where it fits."""
    from graph.nlu.segment import split_requests
    from knowledge.answer import answer_message, questions_of
    from knowledge.translations import translation

    question = last_text(state)
    retriever = services.retriever()
    segments = questions_of(split_requests(question))
    if len(segments) == 1 and (request := _budget_for_earlier_request(state, services, question)):
        # "My budget is $160 though" after "I'm looking for hiking boots": the request with its budget.
        segments = [request]
    answer = answer_message(
        segments,
        docs,
        services.db_url,
        embedder=retriever.embedder,
        general=retriever.document_terms(),
        window_days=services.profile.returns.window_days,
        intent=intent,
        home_country=lambda: _home_country(state, services),
        # A shop that wrote its policies in the customer's language too is quoted in it.
        translation=translation(services.settings.knowledge_dir / services.shop_id, current().locale),
    )
    if not answer.supported:
        return None
    text = answer.text
    if _upsell_fits(state, answer.kinds):
        shown = [e for e in answer.evidence if e.get("kind") == "facts"]
        text += _suggestions(services, str(shown[0]["data"].get("product_id", ""))) if shown else ""
    if (
        offer_order_check
        and intent in PERSONAL_INTENTS
        and intent not in PAYMENT_INTENTS
        and answer.kinds == ["policy"]
    ):
        # A personal topic asked in general (the gate sent it to the knowledge): the customer may have an order
        # in mind, and we can look at it.
        text += "\n\n" + _(responses.OFFER_ORDER_CHECK)
    # What the customer said backs what the answer repeats of it ("nothing under $150").
    said = {"id": "customer:message", "kind": "customer", "text": question}
    return Draft(text, cited=list(answer.cited_ids), evidence=[*answer.evidence, said])


def _budget_for_earlier_request(state: SupportState, services: Services, question: str) -> str | None:
    """The customer's previous message with this one's budget, when this one only states a budget."""
    from knowledge.catalog import sqlite_file_missing
    from knowledge.product_answers import catalog_facts, with_earlier_request

    said = [str(m.content) for m in state.messages if isinstance(m, HumanMessage)]
    if len(said) < 2 or not services.db_url or sqlite_file_missing(services.db_url):
        return None
    catalog = catalog_facts(services.db_url)
    return with_earlier_request(question, said[-2], catalog, services.retriever().document_terms())


# How close a passage must be to answer a question the gate did not send to the knowledge (MiniLM cosine; the
# support threshold for questions it did send is 0.39).
UNROUTED_SUPPORT = 0.45


def _searched_answer(
    state: SupportState,
    services: Services,
    intent: str,
    *,
    offer_order_check: bool = True,
    support: float = UNROUTED_SUPPORT,
) -> Draft | None:
    from graph.nodes.retrieve import gather_for
    from knowledge.answer import dense_score

    found = gather_for(services.retriever(), services.db_url, last_text(state), intent)
    docs = [e for e in found if e.get("kind") in ("doc", "product") and dense_score(cast(Any, e)) >= support]
    if not docs:
        return None
    answered = _knowledge_answer(state, services, intent, docs, offer_order_check=offer_order_check)
    if answered is None:
        return None
    return Draft(answered.text, cited=answered.cited, evidence=[*docs, *answered.evidence])


def _home_country(state: SupportState, services: Services) -> str:
    """The verified customer's country (their default address), for the figures that depend on it. An email said in
    the message is not enough: any address can be typed, and the figure would tell whose country it is (and that an
    account exists) before anyone is verified."""
    customer_id = (state.customer or {}).get("id")
    if not customer_id:
        return ""
    from shop.db import engine_for

    # A plain connection, not an ORM session: one column of one row does not need the session's bookkeeping.
    with engine_for(services.db_url).connect() as connection:
        country = connection.execute(_home_country_query(), {"customer_id": customer_id}).scalar()
    return str(country or "")


@functools.cache
def _home_country_query() -> Any:
    """Built once, with a bound parameter: SQLAlchemy then only binds the customer's id."""
    from sqlalchemy import bindparam, select

    from shop.models import Address

    query = select(Address.country).where(Address.customer_id == bindparam("customer_id"))
    return query.order_by(Address.is_default.desc())


def _names_a_product(state: SupportState, services: Services) -> bool:
    from knowledge.catalog import sqlite_file_missing
    from knowledge.product_answers import catalog_facts, names_product_or_kind

    if not services.db_url or sqlite_file_missing(services.db_url):
        return False
    text = last_text(state)
    if not ASKS.search(text):
        return False  # "the Stormline is great, thanks!" is feedback, not a question
    return names_product_or_kind(text, catalog_facts(services.db_url), services.retriever().document_terms())


def _answer_part(question: str, services: Services) -> tuple[Any, list[dict[str, Any]]]:
    """A grounded answer to one part of the message, or an honest "don't know" for it."""
    from knowledge.answer import GroundedAnswer, grounded_answer

    hits = services.retriever().search(question, k=5)
    answer = grounded_answer(question, hits)
    if not answer.supported:
        # The customer's words are not quoted back at them: said plainly, with the offer of a colleague.
        text = _(
            "On part of what you asked, I don't have reliable information. {offer_person}",
            offer_person=_(responses.OFFER_PERSON),
        )
        return GroundedAnswer(text=text, cited_ids=[], supported=False), []
    return answer, [dict(hit) for hit in hits]


# Upsell belongs after a need is met: a product found or its price and stock given. Never after a comparison (the
# customer is still choosing), a "nothing fits", a care or material question (often about something they own), a
# message with several questions, or to an upset customer. Nor after a recommendation within a stated budget
# ("within_budget"): the customer said what they mean to spend, and an add-on spends more.
UPSELL_KINDS = frozenset({"recommendation", "buying"})


def _read_theirs(state: SupportState, services: Services, name: str, args: dict[str, Any]) -> dict[str, Any] | None:
    """A read of the verified customer's own data, now (None for anyone not verified, or when the read fails)."""
    if not (state.customer and state.customer.get("id")):
        return None
    from tools.base import ToolContext, ToolError
    from tools.registry import call_read_tool

    context = ToolContext(
        db_url=services.db_url,
        profile=services.profile,
        conversation_id="question-on-the-way",
        customer_id=str(state.customer["id"]),
    )
    try:
        found = call_read_tool(name, context, args)
    except ToolError:
        return None
    return found if isinstance(found, dict) else None


def _order_in_hand(state: SupportState) -> str | None:
    """The order the conversation is about: the one proposed for, else the one its request is on, else the one the
    message names."""
    pending = (state.pending_action or {}).get("args") or {}
    named = state.understanding.get("entities", {}).get("order_ids") or []
    found = pending.get("order_id") or state.dialogue.get("slots", {}).get("order_id") or (named[0] if named else None)
    return str(found) if found else None


def _customer_read(state: SupportState, services: Services, results: list[ToolResult]) -> dict[str, Any] | None:
    customer = next(
        (r.data for r in reversed(results) if r.name == CUSTOMER_DETAILS and r.ok and isinstance(r.data, dict)), None
    )
    return customer if customer is not None else _read_theirs(state, services, CUSTOMER_DETAILS, {})


def _order_answer(state: SupportState, services: Services, results: list[ToolResult]) -> Draft:
    """What the customer asked about the order in hand (what is in it, what it was paid with), from the order as the
    shop has it now and their methods by name."""
    from graph.nlu.order_questions import asks_about_their_order

    order_id = _order_in_hand(state)
    asked = asks_about_their_order(last_text(state))
    order = _read_theirs(state, services, ORDER_DETAILS, {"order_id": order_id}) if order_id and asked else None
    if order is None or asked is None:
        return Draft("")
    customer = _customer_read(state, services, results) or {}
    found, methods = f"order:{order_id}", "customer:payment_methods"
    # The order and the methods it names are the facts the critique checks the reply against.
    evidence = [
        {"id": found, "kind": "tool", "tool": ORDER_DETAILS, "data": order},
        {"id": methods, "kind": "tool", "tool": CUSTOMER_DETAILS, "data": customer},
    ]
    return Draft(responses.describe_order_asked(order, customer, asked), cited=[found, methods], evidence=evidence)


# Requests about the customer's account that no tool of ours carries out: the shop's pages (or its team) do.
NOT_DONE_HERE = frozenset({"newsletter", "account_delete", "account_create", "account_edit", "password_recovery"})
CANNOT_DO_HERE = N_("I can't do that for you from this chat, but this is how it's done:")


def _not_done_here(state: SupportState, intent: str, answered: Draft) -> Draft:
    """ "Unsubscribe me", "delete my account": asked of us, not how it is done. We say plainly that we can't do it
    from the chat, then how it is done (the knowledge's answer), or, when the knowledge has none, a colleague."""
    from graph.nlu.general import asks_without_a_request

    if intent not in NOT_DONE_HERE or asks_without_a_request(last_text(state)):
        return answered
    if not answered.cited:
        text = _(
            "I'm sorry, that's not something I can do from this chat. {offer_person}",
            offer_person=_(responses.OFFER_PERSON),
        )
        return Draft(text, cited=[], evidence=answered.evidence)
    text = f"{_(CANNOT_DO_HERE)} {answered.text}"
    return Draft(text, cited=answered.cited, evidence=answered.evidence, awaiting=answered.awaiting)


def _rules_answer(state: SupportState, services: Services, results: list[ToolResult]) -> Draft:
    """A question of the shop's return and refund rules, answered from its profile; where a refund goes, for the
    order in focus, from what that order was paid with."""
    from graph.llm.dialogue.refund_rules import (
        condition_answer,
        method_answer,
        rules_question,
        timing_answer,
    )

    question = rules_question(last_text(state))
    if question is None:
        return Draft("")
    profile = services.profile
    rules = {"id": "profile:returns", "kind": "profile", "data": profile.returns.model_dump(mode="json")}
    evidence: list[dict[str, Any]] = [rules]
    if question.asked == "condition":
        text = condition_answer(question, profile)
        notice = state.dialogue.get("notice") or {}
        if notice.get("code") == "return_withheld" and state.dialogue.get("notice_turn") == customer_turns(
            state.messages
        ):
            text = f"{text} {responses.describe_notice(notice)}"
    elif question.asked == "timing":
        text = timing_answer(profile)
    elif state.pending_action and (
        shown := proposed_method(
            state.pending_action["preview"],
            list((_customer_read(state, services, results) or {}).get("payment_methods") or []),
        )
    ):
        # Where the refund of the proposal in hand goes is what the proposal says (a cancellation refunds only to
        # what the order was paid with; a return to the method chosen), not every method the rules allow.
        text = _("In what I proposed, the refund goes to {method}.", method=shown)
    else:
        order_id = _order_in_hand(state)
        order = _read_theirs(state, services, ORDER_DETAILS, {"order_id": order_id}) if order_id else None
        customer = _customer_read(state, services, results) if order else None
        paid = next(
            (
                str(p.get("payment_method_id"))
                for p in (order or {}).get("payment_history") or []
                if p.get("transaction_type") == "payment"
            ),
            None,
        )
        paid_with = responses.method_in_words(paid, customer or {}) if paid else None
        if order:
            evidence += [{"id": f"order:{order_id}", "kind": "tool", "tool": ORDER_DETAILS, "data": order}]
        text = method_answer(profile, paid_with, responses.order_id_of(order) if order and paid_with else None)
    return Draft(text, cited=["profile:returns"], evidence=evidence)


def _payment_methods_answer(state: SupportState, services: Services, results: list[ToolResult]) -> Draft:
    """What the customer asked about their payment methods, from their profile as this conversation read it (or
    read now, for the verified customer only)."""
    customer = _customer_read(state, services, results)
    if not isinstance(customer, dict):
        return Draft("")
    orders = [r.data for r in results if r.name == ORDER_DETAILS and r.ok and isinstance(r.data, dict)]
    if not orders and (order_id := _order_in_hand(state)):
        # "Is PayPal what I paid with?" of the order in hand, read in an earlier turn: what it was paid with is said.
        orders = [order] if (order := _read_theirs(state, services, ORDER_DETAILS, {"order_id": order_id})) else []
    text = responses.describe_payment_methods_asked(customer, last_text(state), orders)
    # The methods it lists are facts of the customer's profile: the critique checks the reply against them.
    found = "customer:payment_methods"
    evidence = {"id": found, "kind": "tool", "tool": CUSTOMER_DETAILS, "data": customer}
    return Draft(text, cited=[found], evidence=[evidence])


def _upsell_fits(state: SupportState, kinds: list[str]) -> bool:
    emotion = state.understanding.get("emotion", {}) or {}
    upset = max((float(emotion.get(k, 0) or 0) for k in ("anger", "frustration", "sarcasm")), default=0.0)
    return len(kinds) == 1 and kinds[0] in UPSELL_KINDS and upset < 0.4


def _suggestions(services: Services, product_id: str) -> str:
    """Products that go with the one asked about, by the shop's upsell rules (in stock only), as one sentence."""
    if not product_id or not services.profile.upsell.enabled:
        return ""
    from tools.base import ToolContext, ToolError
    from tools.registry import call_read_tool

    context = ToolContext(db_url=services.db_url, profile=services.profile, conversation_id="suggestions")
    try:
        found = call_read_tool("suggest_products", context, {"product_id": product_id})
    except ToolError:
        return ""
    names = [str(s["name"]) for s in found.get("suggestions", [])][: services.profile.upsell.max_suggestions]
    if not names:
        return ""
    return "\n\n" + _(
        "If it helps, these go well with it and are in stock: {products}.", products=_(" and ").join(names)
    )


def _describe_action(evidence: dict[str, Any]) -> str:
    result = evidence.get("data", {})
    if evidence.get("rejected"):
        # Only the reviewer's message for the customer: their audit note is internal and never in the evidence.
        if evidence.get("message"):
            return _(
                "A colleague reviewed this request and couldn't approve it, so nothing has been changed. They added: "
                "{message}",
                message=evidence["message"],
            )
        return _(
            "A colleague reviewed this request and couldn't approve it, so nothing has been changed. {offer_person}",
            offer_person=_(responses.OFFER_PERSON),
        )
    message = result.get("message") if isinstance(result, dict) else None
    if message:
        return str(message)
    action = str(evidence.get("id", "")).split(":")[1] if ":" in str(evidence.get("id", "")) else ""
    described = _action_text(action, result) if isinstance(result, dict) else None
    if described:
        return described
    if evidence.get("done"):
        return str(evidence["done"])
    summary = str(evidence.get("summary") or "").rstrip(". ")
    return _("Done: {summary}.", summary=summary) if summary else _("Done: your request has been processed.")


def _exchange_settled(result: dict[str, Any], currency: Any) -> str:
    """What an exchange charges or refunds once the items are back: the price difference, plus the return label
    where the shop charges one for the order's country."""
    difference = float(result.get("price_difference") or 0)
    label = float(result.get("return_label_cost") or 0)
    method = _method_of(result)
    if label:
        settles = float(result.get("settles") or 0)
        if settles > 0:
            return _(
                "With the return label ({label}), {amount} will be charged to {method}.",
                label=money(label, currency),
                amount=money(settles, currency),
                method=method,
            )
        if settles < 0:
            return _(
                "With the return label ({label}) deducted, {amount} will be refunded to {method}.",
                label=money(label, currency),
                amount=money(-settles, currency),
                method=method,
            )
        return _("The return label ({label}) and the price difference cancel out.", label=money(label, currency))
    if difference > 0:
        return _(
            "The price difference of {amount} will be charged to {method}.",
            amount=money(difference, currency),
            method=method,
        )
    if difference < 0:
        return _(
            "The price difference of {amount} will be refunded to {method}.",
            amount=money(-difference, currency),
            method=method,
        )
    return ""


def _method_of(result: dict[str, Any]) -> str:
    """The method a write charged or refunded, in words: the bot may have picked it (the only usable one), so "the
    payment method you chose" would not be true."""
    return str(result.get("payment_method") or _("the payment method you chose"))


def _action_text(action: str, result: dict[str, Any]) -> str | None:
    order = result.get("entity_id")
    method = _method_of(result)
    difference = float(result.get("price_difference") or 0)
    currency = result.get("currency")
    if action == "modify_order_address" and result.get("shipping_address"):
        return _(
            "Done: order {order_id} will now ship to {address}.",
            order_id=order,
            address=one_line(result["shipping_address"]),
        )
    if action == "modify_default_address" and result.get("default_address"):
        return _(
            "Done: your default address is now {address}. Orders you've already placed keep the address they were "
            "placed with.",
            address=one_line(result["default_address"]),
        )
    if action == "modify_order_items":
        if difference > 0:
            settled = _(
                "The price difference of {amount} is charged to {method}.",
                amount=money(difference, currency),
                method=method,
            )
        elif difference < 0:
            settled = _(
                "The price difference of {amount} is refunded to {method}.",
                amount=money(-difference, currency),
                method=method,
            )
        else:
            settled = ""
        return ngettext(
            "Done: the item on order {order_id} has been changed.{price_difference} Its items can't be changed again.",
            "Done: the {count} items on order {order_id} have been changed.{price_difference} Its items can't be "
            "changed again.",
            int(result.get("items_changed") or 1),
            order_id=order,
            price_difference=" " + settled if settled else "",
        )
    if action == "return_items" and result.get("refund_amount") is not None:
        amount = money(result.get("refund_amount"), currency)
        if float(result.get("return_label_cost") or 0):
            return _(
                "Done: your return for order {order_id} is requested. {amount} ({items} for the items less {label} "
                "for the return label) will be refunded to {method} once the items are back; "
                "you'll get an email on how to send them.",
                order_id=order,
                amount=amount,
                items=money(result.get("items_amount"), currency),
                label=money(result.get("return_label_cost"), currency),
                method=method,
            )
        return _(
            "Done: your return for order {order_id} is requested. {amount} will be refunded to {method} once the "
            "items are back; you'll get an email on how to send them.",
            order_id=order,
            amount=amount,
            method=method,
        )
    if action == "exchange_items":
        settled = _exchange_settled(result, currency)
        return ngettext(
            "Done: your exchange for order {order_id} is requested. You'll get an email on how to send the item back; "
            "the new one goes out once it's on its way.{price_difference}",
            "Done: your exchange of {count} items for order {order_id} is requested. You'll get an email on how to "
            "send them back; the new ones go out once they're on their way.{price_difference}",
            int(result.get("items_changed") or 1),
            order_id=order,
            price_difference=" " + settled if settled else "",
        )
    if action == "modify_order_payment":
        return _(
            "Done: order {order_id} is now paid with the new payment method, and {amount} goes back to the previous "
            "one.",
            order_id=order,
            amount=money(result.get("amount"), currency),
        )
    if action in ("issue_goodwill_credit", "issue_voucher") and result.get("code"):
        value = float(result.get("value") or 0)
        worth = (
            _("{percent}% off", percent=format(value, "g"))
            if result.get("kind") == "percent"
            else _("{amount} off", amount=money(value, currency))
        )
        until = responses.format_date(result.get("expires_at"), with_year=True)
        if until:
            return _(
                "Done: here is your voucher code **{code}**, worth {worth} your next order, valid until {day}.",
                code=result["code"],
                worth=worth,
                day=until,
            )
        return _(
            "Done: here is your voucher code **{code}**, worth {worth} your next order.",
            code=result["code"],
            worth=worth,
        )
    return None
