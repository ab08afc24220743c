"""Every tool's declaration, once, and everything the rest of ShopDesk derives from them.

- ``all_langchain_tools()``: the schemas the LLM engine binds (reads and writes; a write the model calls is not run but
  previewed, confirmed, approved and applied by the graph through ``write_action``).
- ``call_read_tool``: the one executor of reads (the graph's tool node, the local engine, the handoff and a person's
  tool run), with the one argument validation.
- ``write_action``: the write a proposal or a person's tool run names (``WRITE_ACTIONS`` is the same as a mapping).
- ``TOOL_NAMES``: the names as attributes (``TOOL_NAMES.cancel_order``), so that a misspelt name is an
  AttributeError where it is written; ``VERIFYING_TOOLS``: the reads whose success verifies the customer.
- ``tool_lists()``: what the agent console offers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from types import MappingProxyType
from typing import Any

from langchain_core.tools import BaseTool

from tools import catalog, discounts, identity, orders, returns
from tools.base import ToolContext, ToolError, WriteAction
from tools.declaration import ReadTool, ToolDeclaration, WriteTool

# Reads first, then writes, each in the order of their modules: the order the model has always seen them in.
_DECLARED: tuple[ToolDeclaration, ...] = (
    *identity.TOOLS,
    *orders.TOOLS,
    *returns.TOOLS,
    *discounts.TOOLS,
    *catalog.TOOLS,
)
TOOLS: tuple[ToolDeclaration, ...] = (
    *(tool for tool in _DECLARED if isinstance(tool, ReadTool)),
    *(tool for tool in _DECLARED if isinstance(tool, WriteTool)),
)


def _by_name() -> dict[str, ToolDeclaration]:
    found: dict[str, ToolDeclaration] = {}
    for tool in TOOLS:
        if tool.name in found:
            raise RuntimeError(f"the tool {tool.name!r} is declared twice")
        found[tool.name] = tool
    return found


BY_NAME: Mapping[str, ToolDeclaration] = MappingProxyType(_by_name())
READS: Mapping[str, ReadTool] = MappingProxyType({t.name: t for t in TOOLS if isinstance(t, ReadTool)})
WRITE_ACTIONS: Mapping[str, WriteAction[Any]] = MappingProxyType(
    {t.name: t.action for t in TOOLS if isinstance(t, WriteTool)}
)
VERIFYING_TOOLS = frozenset(name for name, tool in READS.items() if tool.verifies_customer)


class ToolNames:
    """The declared tools' names as attributes: ``TOOL_NAMES.get_order_details == "get_order_details"``."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self._names = names

    def __getattr__(self, name: str) -> str:
        if name in self.__dict__.get("_names", ()):
            return name
        raise AttributeError(f"no tool is declared as {name!r}")

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __dir__(self) -> list[str]:
        return [*super().__dir__(), *self._names]


TOOL_NAMES = ToolNames(tuple(BY_NAME))


class UnknownTool(ToolError):
    """No read of that name: the error says which ones there are."""

    def __init__(self, name: str) -> None:
        super().__init__(f"Unknown read tool '{name}'.")
        self.name, self.known = name, sorted(READS)


@cache
def _langchain_tools() -> tuple[BaseTool, ...]:
    return tuple(tool.langchain_tool() for tool in TOOLS)


def all_langchain_tools() -> list[BaseTool]:
    """Reads and writes for ``bind_tools``, derived from the declarations."""
    return list(_langchain_tools())


def call_read_tool(name: str, ctx: ToolContext, args: Mapping[str, Any]) -> dict[str, Any]:
    """Run a read by name. Raises ToolError (and its subclasses) with a customer-safe message: NotVerified,
    NotFound, PolicyViolation, UnknownTool, or a ToolError for bad arguments."""
    tool = READS.get(name)
    if tool is None:
        raise UnknownTool(name)
    return tool.run(ctx, args)


def is_write_tool(name: str) -> bool:
    return name in WRITE_ACTIONS


def write_action(name: str) -> WriteAction[Any]:
    """The write a proposal names; a KeyError for a name that is not a declared write."""
    return WRITE_ACTIONS[name]


def tool_lists() -> dict[str, list[str]]:
    """What a person may run from the console, by kind."""
    return {"read": sorted(READS), "write": sorted(WRITE_ACTIONS)}
