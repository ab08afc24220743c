"""The tool node: runs the read tools the last AI message asked for and answers each call with a ToolMessage.

Both engines call reads here (writes go through confirm / approval / execute instead), through the one read executor,
``tools.registry.call_read_tool``: each call's arguments are checked against the declared arguments (the schema the
model was shown), then the declared read function runs with the conversation's ToolContext.

LangGraph's prebuilt ToolNode did the same through LangChain's tool machinery: a thread hop per call for our
synchronous functions, a callback run, argument parsing and runtime injection. That cost about 1.9 ms of CPU a call
on top of the read itself (0.66 ms for get_order_details), on most order turns. The messages are the same: name,
call id, JSON content, status, and after a verification the verified customer in the state.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from langchain_core.messages import AIMessage, ToolCall, ToolMessage
from langgraph.runtime import Runtime

from graph.context import Context
from graph.locale import speaker_of
from graph.nodes.common import services_of, tool_context
from graph.state import SupportState
from shopdesk.i18n import speaking
from tools.base import ToolContext, ToolError, refusal
from tools.identity import verified_context, verified_customer
from tools.registry import VERIFYING_TOOLS, UnknownTool, call_read_tool

log = logging.getLogger(__name__)


def dependency_failure(error: Exception) -> str:
    """A read that failed for another reason than the shop's rules: the act node hands the conversation off."""
    log.error("tool failed: %r", error)
    return json.dumps({"error": "the shop's systems could not be reached", "kind": "dependency"})


def _content(result: Any) -> str:
    try:
        return json.dumps(result, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(result)


def run_read(call: ToolCall, context: ToolContext) -> tuple[ToolMessage, dict[str, Any] | None]:
    """One call's ToolMessage, and the verified customer if the call verified one."""
    name, call_id = call["name"], str(call.get("id") or "")
    try:
        result = call_read_tool(name, context, dict(call.get("args") or {}))
    except UnknownTool as unknown:
        content = f"Error: {name} is not a valid tool, try one of [{', '.join(unknown.known)}]."
        return ToolMessage(content, name=name, tool_call_id=call_id, status="error"), None
    except ToolError as refused:
        return ToolMessage(_content(refusal(refused)), name=name, tool_call_id=call_id), None
    except Exception as error:  # the database (or another dependency) failed
        return ToolMessage(dependency_failure(error), name=name, tool_call_id=call_id, status="error"), None
    # An identity read's result becomes the conversation's verified customer.
    verified = name in VERIFYING_TOOLS and isinstance(result, dict) and result.get("customer_id")
    customer = verified_customer(result) if verified else None
    return ToolMessage(_content(result), name=name, tool_call_id=call_id), customer


def run_reads(calls: list[ToolCall], context: ToolContext) -> tuple[list[ToolMessage], dict[str, Any] | None]:
    """The calls in order. A call after a successful verification reads as the verified customer, so a model that
    asks for the verification and the order at once gets both answers."""
    messages: list[ToolMessage] = []
    verified: dict[str, Any] | None = None
    for call in calls:
        message, customer = run_read(call, context)
        messages.append(message)
        if customer is not None:
            verified = customer
            context = verified_context(context, str(customer["id"]))
    return messages, verified


async def tools(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    last = state.messages[-1] if state.messages else None
    calls = list(last.tool_calls) if isinstance(last, AIMessage) else []
    if not calls:
        return {}
    services = await services_of(runtime)
    # A refusal, and what a read says for the customer (why an order can't be returned), in the conversation's
    # language; the data itself stays as the shop records it.
    with speaking(speaker_of(state, services.profile)):
        messages, verified = await services.run_blocking(run_reads, calls, tool_context(state, runtime, services))
    update: dict[str, Any] = {"messages": messages}
    if verified is not None:
        update["customer"] = verified
    return update
