"""Small helpers every node family uses: the run's context, engine, services and the conversation id."""

from __future__ import annotations

import asyncio
from dataclasses import asdict, is_dataclass
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.runtime import Runtime

from graph.context import Context
from graph.llm.engine import Engine
from graph.llm.factory import engine_spec, get_engine
from graph.services import Services, cached_services, get_services
from graph.state import SupportState
from shopdesk.settings import get_settings
from tools.base import ToolContext


def context_of(runtime: Runtime[Context] | None) -> Context:
    raw: Any = runtime.context if runtime else None
    if isinstance(raw, Context):
        return raw
    if is_dataclass(raw) and not isinstance(raw, type):
        return Context.from_mapping(asdict(raw))
    return Context.from_mapping(raw if isinstance(raw, dict) else None)


# Both are cached after the first call. Building them can read files (the shop profile) or set up a client
# (certificates), which must not happen on the event loop; a cached one is returned directly, since a thread hop for
# a dictionary lookup costs more than the lookup, twice per node.
async def engine_of(runtime: Runtime[Context] | None) -> Engine:
    context = context_of(runtime)
    if engine_spec(context, get_settings()) == "local":  # nothing to load: the local engine is a plain object
        return get_engine(context)
    return await asyncio.to_thread(get_engine, context)


async def services_of(runtime: Runtime[Context] | None) -> Services:
    shop_id = context_of(runtime).shop_id
    found = cached_services(shop_id)
    return found if found is not None else await asyncio.to_thread(get_services, shop_id)


def thread_id_of(runtime: Runtime[Context] | None) -> str:
    info = runtime.execution_info if runtime else None
    return (info.thread_id if info else None) or "no-thread"


def tool_context(
    state: SupportState, runtime: Runtime[Context] | None, services: Services, actor: str | None = None
) -> ToolContext:
    context = context_of(runtime)
    return ToolContext(
        db_url=services.db_url,
        profile=services.profile,
        conversation_id=thread_id_of(runtime),
        # A customer signed in on the storefront is verified before any identity tool has run.
        customer_id=(state.customer or {}).get("id") or context.customer_id,
        actor=actor or context.actor,
    )


def latest_message(state: SupportState) -> str:
    """The customer's latest message as they wrote it (graph.llm.dialogue.plan.last_text is what the turn works on)."""
    for message in reversed(state.messages):
        if isinstance(message, HumanMessage):
            return str(message.content)
    return ""


def customer_history(state: SupportState) -> list[str]:
    """The customer's earlier messages, oldest first, without the current one."""
    texts = [str(m.content) for m in state.messages if isinstance(m, HumanMessage)]
    return texts[:-1]
