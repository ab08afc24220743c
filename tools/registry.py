"""Every tool in one place: LangChain tools for bind_tools, write actions for the graph, reads by name.

The graph binds ``all_langchain_tools()``; when the model calls a write tool the graph does not execute its wrapper
(which would only propose) but looks the action up in ``WRITE_ACTIONS`` and runs preview -> confirmation ->
approval -> ``run_write``. The local engine calls reads by name through ``call_read_tool``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.tools import BaseTool

from tools import catalog, discounts, identity, orders, returns
from tools.base import ToolContext, ToolError, WriteAction

READ_TOOLS: list[BaseTool] = [
    *identity.IDENTITY_TOOLS,
    *orders.ORDER_READ_TOOLS,
    *returns.RETURN_READ_TOOLS,
    *discounts.DISCOUNT_READ_TOOLS,
    *catalog.CATALOG_READ_TOOLS,
]

READ_TOOLS_BY_NAME: dict[str, BaseTool] = {tool.name: tool for tool in READ_TOOLS}

WRITE_TOOLS: list[BaseTool] = [*orders.ORDER_WRITE_TOOLS, *returns.RETURN_WRITE_TOOLS, *discounts.DISCOUNT_WRITE_TOOLS]

WRITE_ACTIONS: dict[str, WriteAction] = {
    action.name: action
    for action in (*orders.ORDER_WRITE_ACTIONS, *returns.RETURN_WRITE_ACTIONS, *discounts.DISCOUNT_WRITE_ACTIONS)
}

# The plain functions behind the read tools, by the same names; they take the ToolContext and keyword arguments.
READ_FUNCTIONS: dict[str, Callable[..., dict[str, Any]]] = {
    "find_customer_by_email": lambda ctx, email, zip=None: identity.find_customer_by_email(ctx, email, zip),
    "find_customer_by_name_zip": lambda ctx, first_name, last_name, zip: identity.find_customer_by_name_zip(
        ctx, first_name, last_name, zip
    ),
    "get_order_details": orders.get_order_details,
    "list_recent_orders": orders.list_recent_orders,
    "get_customer_details": orders.get_customer_details,
    "check_return_eligibility": returns.check_return_eligibility,
    "get_return_status": returns.get_return_status,
    "check_voucher": discounts.check_voucher,
    "get_product_details": catalog.get_product_details,
    "find_products": catalog.find_products,
    "list_product_types": catalog.list_product_types,
    "suggest_products": catalog.suggest_products,
}


def all_langchain_tools() -> list[BaseTool]:
    """Reads and writes for ``bind_tools``; write tools only ever propose (see the module docstring)."""
    return [*READ_TOOLS, *WRITE_TOOLS]


def is_write_tool(name: str) -> bool:
    return name in WRITE_ACTIONS


def call_read_tool(name: str, ctx: ToolContext, args: dict[str, Any]) -> dict[str, Any]:
    """Run a read tool by name for the local engine. Raises ToolError (and its subclasses) with a customer-safe
    message: NotVerified, NotFound, PolicyViolation, or a ToolError for an unknown tool or bad arguments."""
    function = READ_FUNCTIONS.get(name)
    if function is None:
        raise ToolError(f"Unknown read tool '{name}'.")
    try:
        return function(ctx, **args)
    except TypeError as exc:
        # Wrong or missing arguments from a slot-filling engine: a clear error instead of a crash.
        raise ToolError(f"Bad arguments for {name}: {exc}") from None
