"""What a tool is: one declaration (name, typed arguments, description, read or write), and what derives from it.

A read is declared by its function (``ctx`` first, the arguments by keyword): the function's name is the tool's name.
A write is declared by its ``WriteAction`` (policy check, preview with the approval facts, the write itself): the
action's name is the tool's name. Either way the declaration also carries the description and the typed arguments the
model is shown, so the LangChain schema for ``bind_tools``, the argument validation and the executor all come from
the same place and cannot drift apart (``tools.registry`` collects the declarations).

Arguments are given as pydantic field definitions, an annotation (``order_id=OrderId``, required) or an annotation
with its default (``limit=(Limit, 5)``).
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from langchain.tools import ToolRuntime
from langchain_core.messages import ToolMessage
from langchain_core.tools import BaseTool, StructuredTool
from langgraph.types import Command
from pydantic import BaseModel, ValidationError, create_model

from tools.base import ToolContext, ToolError, WriteAction, refusal
from tools.context import propose, tool_context_from_runtime

ReadFunction = Callable[..., dict[str, Any]]


def _arguments_model(name: str, arguments: Mapping[str, Any]) -> type[BaseModel]:
    return create_model(name, **dict(arguments))


@dataclass(frozen=True)
class ToolDeclaration(ABC):
    """What every tool declares; ``ReadTool`` and ``WriteTool`` add how it runs."""

    is_write: ClassVar[bool]
    name: str
    description: str
    arguments: type[BaseModel]

    def check_arguments(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """The arguments as the schema reads them; a ToolError naming what does not fit.

        Only what the call gave comes back (the function's own defaults apply to the rest); keys the schema does not
        know are dropped, as the model's calls have always been read.
        """
        if not isinstance(args, Mapping):
            raise ToolError(f"Bad arguments for {self.name}: expected an object of named arguments.")
        try:
            parsed = self.arguments.model_validate(dict(args))
        except ValidationError as error:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}" for e in error.errors())
            raise ToolError(f"Bad arguments for {self.name}: {problems}") from None
        return {key: getattr(parsed, key) for key in args if key in self.arguments.model_fields}

    def langchain_tool(self) -> BaseTool:
        """The tool as a model sees it through ``bind_tools``, runnable with an injected ``ToolRuntime``."""
        return StructuredTool(
            name=self.name, description=self.description, args_schema=self.arguments, func=self._run_for_langchain
        )

    @abstractmethod
    def _run_for_langchain(self, runtime: ToolRuntime, **arguments: Any) -> Any:
        """What the LangChain tool does when it is run outside the graph."""


@dataclass(frozen=True)
class ReadTool(ToolDeclaration):
    """A read: runs freely (the function itself checks who may see what)."""

    is_write: ClassVar[bool] = False
    function: ReadFunction = field(repr=False)
    # A successful call verifies the customer: its result becomes the conversation's customer.
    verifies_customer: bool = False

    def run(self, ctx: ToolContext, args: Mapping[str, Any]) -> dict[str, Any]:
        """The one way to run a read: validate the arguments, then call the function. Raises ToolError (and its
        subclasses) with a customer-safe message; anything else is a failing dependency."""
        return self.function(ctx, **self.check_arguments(args))

    def _run_for_langchain(self, runtime: ToolRuntime, **arguments: Any) -> Any:
        try:
            result = self.run(tool_context_from_runtime(runtime), arguments)
        except ToolError as exc:
            return refusal(exc)
        if self.verifies_customer and result.get("customer_id"):
            from tools.identity import verified_customer

            # A tool cannot change the graph's state in place; a Command carries the customer and the tool's answer.
            answer = ToolMessage(content=json.dumps(result), tool_call_id=runtime.tool_call_id or "")
            return Command(update={"customer": verified_customer(result), "messages": [answer]})
        return result


@dataclass(frozen=True)
class WriteTool(ToolDeclaration):
    """A write: never run by calling it. The graph previews the action, the customer confirms, a person approves
    above the profile's limits, and ``tools.base.run_write`` applies it once."""

    is_write: ClassVar[bool] = True
    action: WriteAction[Any] = field(repr=False)

    def _run_for_langchain(self, runtime: ToolRuntime, **arguments: Any) -> Any:
        # Run directly (outside the graph), a write only proposes: the checked preview, never the change.
        return propose(self.action, runtime, arguments)


def read_tool(
    function: ReadFunction, description: str, *, verifies_customer: bool = False, **arguments: Any
) -> ReadTool:
    """Declare a read: its function (named as the tool), what the model is told, its arguments."""
    name = function.__name__
    return ReadTool(
        name=name,
        description=description,
        arguments=_arguments_model(name, arguments),
        function=function,
        verifies_customer=verifies_customer,
    )


def write_tool(action: WriteAction[Any], description: str, **arguments: Any) -> WriteTool:
    """Declare a write: its action (named as the tool), what the model is told, its arguments."""
    return WriteTool(
        name=action.name,
        description=description,
        arguments=_arguments_model(action.name, arguments),
        action=action,
    )
