"""The one bridge from LangGraph's ToolRuntime to a ToolContext, and what a write returns when run directly.

Keeping the conversion here means the graph's Context and state shapes are read in one place: the shop from
``runtime.context.shop_id`` (falling back to the process settings), the verified customer from
``runtime.state["customer"]["id"]`` (or a storefront-verified ``runtime.context.customer_id``) and the
conversation from the thread id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langchain.tools import ToolRuntime

from shopdesk.profile import load_profile
from shopdesk.settings import get_settings
from tools.base import ToolContext, ToolError, WriteAction, refusal


def _state_customer_id(state: Any) -> str | None:
    customer = state.get("customer") if isinstance(state, Mapping) else getattr(state, "customer", None)
    value = customer.get("id") if isinstance(customer, Mapping) else getattr(customer, "id", None)
    return str(value) if value else None


def tool_context_from_runtime(runtime: ToolRuntime[Any, Any]) -> ToolContext:
    settings = get_settings()
    context = runtime.context
    shop_id = getattr(context, "shop_id", None) or settings.shop_id
    configurable = (runtime.config or {}).get("configurable", {}) or {}
    info = runtime.execution_info
    thread_id = configurable.get("thread_id") or (info.thread_id if info else None)
    # A customer the storefront already authenticated (Context.customer_id) counts as verified too.
    customer_id = _state_customer_id(runtime.state) or getattr(context, "customer_id", None)
    return ToolContext(
        db_url=settings.shop_database_url,
        profile=load_profile(shop_id, settings.profiles_dir),
        conversation_id=str(thread_id or "no-thread"),
        customer_id=customer_id,
        actor=getattr(context, "actor", None) or "bot",
    )


def propose(action: WriteAction, runtime: ToolRuntime[Any, Any], args: dict[str, Any]) -> dict[str, Any]:
    """What a write tool returns to the model: the checked proposal, never the write itself.

    The graph intercepts write calls and runs preview, confirmation, approval and run_write; this is what the model
    sees if a write tool is ever executed directly (and the refusal, if the policy forbids it).
    """
    try:
        preview = action.preview(tool_context_from_runtime(runtime), args)
    except ToolError as exc:
        return refusal(exc)
    return {"ok": True, "status": "awaiting_confirmation", "preview": preview.as_dict()}
