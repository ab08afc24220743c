"""The tool node: runs the read tools the last AI message asked for and answers each call with a ToolMessage.

Both engines call reads here (writes go through confirm / approval / execute instead). Each call's arguments are
checked against the schema the model was shown (the LangChain tool's ``tool_call_schema``), then the plain read
function from ``tools.registry.READ_FUNCTIONS`` runs with the conversation's ToolContext.

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
from pydantic import BaseModel, ValidationError

from graph.context import Context
from graph.llm.dialogue import IDENTITY_TOOLS
from graph.nodes.common import services_of, tool_context
from graph.state import SupportState
from tools.base import ToolContext, ToolError, refusal
from tools.identity import verified_context, verified_customer

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


def _arguments(name: str, args: dict[str, Any]) -> dict[str, Any]:
    """The call's arguments as the tool's schema reads them; a ToolError for the model to correct if they don't fit."""
    from tools.registry import READ_TOOLS_BY_NAME

    schema = READ_TOOLS_BY_NAME[name].tool_call_schema
    if not (isinstance(schema, type) and issubclass(schema, BaseModel)):  # our tools all have pydantic v2 schemas
        return dict(args)
    try:
        parsed = schema.model_validate(args)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}" for e in error.errors())
        raise ToolError(f"Bad arguments for {name}: {problems}") from None
    # Only what the call gave: the function's own defaults apply to the rest.
    return {key: getattr(parsed, key) for key in args if key in schema.model_fields}


def run_read(call: ToolCall, context: ToolContext) -> tuple[ToolMessage, dict[str, Any] | None]:
    """One call's ToolMessage, and the verified customer if the call verified one."""
    from tools.registry import READ_FUNCTIONS

    name, call_id = call["name"], str(call.get("id") or "")
    function = READ_FUNCTIONS.get(name)
    if function is None:
        known = ", ".join(sorted(READ_FUNCTIONS))
        content = f"Error: {name} is not a valid tool, try one of [{known}]."
        return ToolMessage(content, name=name, tool_call_id=call_id, status="error"), None
    try:
        result = function(context, **_arguments(name, dict(call.get("args") or {})))
    except ToolError as refused:
        return ToolMessage(_content(refusal(refused)), name=name, tool_call_id=call_id), None
    except Exception as error:  # the database (or another dependency) failed
        return ToolMessage(dependency_failure(error), name=name, tool_call_id=call_id, status="error"), None
    # An identity read's result becomes the conversation's verified customer.
    verified = name in IDENTITY_TOOLS and isinstance(result, dict) and result.get("customer_id")
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
    messages, verified = await services.run_blocking(run_reads, calls, tool_context(state, runtime, services))
    update: dict[str, Any] = {"messages": messages}
    if verified is not None:
        update["customer"] = verified
    return update
