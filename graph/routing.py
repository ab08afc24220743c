"""Where each node hands over. Pure functions of the state, so they are trivial to test."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal, Protocol, TypeVar, cast

from langchain_core.messages import AIMessage, AnyMessage
from langgraph.graph import add_messages
from langgraph.runtime import Runtime
from langgraph.types import Command

from graph.context import Context
from graph.state import Route, Status, SupportState


# A decision reads the state as its node left it, and only the fields it needs: these types, whose fields are the
# state's fields of the same names (and defaults). Building a SupportState to read a field or two would copy the
# turn's messages and the dialogue.
@dataclass(kw_only=True)
class Turn:
    """What routing reads of the state after a node."""

    route: str = ""
    status: str = Status.bot
    critique: dict[str, Any] = field(default_factory=dict)


@dataclass(kw_only=True)
class TurnWithMessages(Turn):
    """What routing after `act` reads: also the messages, whose last says whether tools are called."""

    messages: list[AnyMessage] = field(default_factory=list)


T = TypeVar("T", bound=Turn)


class Node(Protocol):
    __name__: str

    async def __call__(self, state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]: ...


class RoutedNode(Protocol):
    __name__: str

    async def __call__(self, state: SupportState, runtime: Runtime[Context]) -> Command[str]: ...


def read_after(state: SupportState, update: Mapping[str, Any] | None, reads: type[T]) -> T:
    """What a decision reads of the state once the node's update is applied: the update's value of a field where it
    has one (these fields keep the last value written), the state's otherwise; the messages through their reducer."""
    values: dict[str, Any] = {}
    for name in _field_names(reads):
        if update is not None and name in update:
            written = update[name]
            values[name] = add_messages(cast(list[Any], state.messages), written) if name == "messages" else written
        else:
            values[name] = getattr(state, name)
    return reads(**values)


_FIELD_NAMES: dict[type[Turn], tuple[str, ...]] = {}


def _field_names(reads: type[Turn]) -> tuple[str, ...]:
    """A decision's fields, read once per type (every routed node of every turn asks)."""
    names = _FIELD_NAMES.get(reads)
    if names is None:
        names = _FIELD_NAMES[reads] = tuple(f.name for f in fields(reads))
    return names


def routed(node: Node, decide: Callable[[T], str], reads: type[T]) -> RoutedNode:
    """The node with its decision taken in the same step: it returns its update and where the turn goes next.

    As a conditional edge, the decision ran after the node as a step of its own: LangGraph copied every channel of
    the state to apply the node's writes to the copies and read the decision's fields from them, once per node of
    the turn. Here the decision reads the same values (:func:`read_after`) from the state the node was given and
    the update it returned. The builder declares the node's possible next nodes, which Studio draws as its edges."""

    async def step(state: SupportState, runtime: Runtime[Context]) -> Command[str]:
        update = await node(state, runtime)
        return Command(update=update, goto=decide(read_after(state, update, reads)))

    step.__name__ = step.__qualname__ = node.__name__
    step.__doc__ = node.__doc__
    return step


def after_gate(state: Turn) -> str:
    return state.route or Route.draft


def after_act(state: TurnWithMessages) -> Literal["tools", "confirm", "draft", "escalate"]:
    if state.route == Route.escalate:
        return "escalate"
    last = state.messages[-1] if state.messages else None
    if isinstance(last, AIMessage) and last.tool_calls:
        from tools.registry import is_write_tool

        return "confirm" if any(is_write_tool(c["name"]) for c in last.tool_calls) else "tools"
    return "draft"


def after_step(state: Turn) -> Literal["draft", "escalate"]:
    """After confirm, retrieve and execute: a failed dependency escalates, anything else gets drafted."""
    return "escalate" if state.route == Route.escalate else "draft"


def after_approve(state: Turn) -> Literal["execute", "draft"]:
    return "execute" if state.route == Route.execute else "draft"


def after_draft(state: Turn) -> Literal["critique", "escalate"]:
    return "escalate" if state.route == Route.escalate else "critique"


def after_critique(state: Turn) -> Literal["respond", "rewrite", "escalate"]:
    verdict = state.critique.get("verdict")
    if verdict == "pass":
        return "respond"
    return "escalate" if verdict == "handoff" or state.route == Route.escalate else "rewrite"


def after_rewrite(state: Turn) -> Literal["critique", "escalate"]:
    return "escalate" if state.route == Route.escalate else "critique"


def after_respond(state: Turn) -> Literal["handoff", "__end__"]:
    """A case that waits for the team (the bot answered a question meanwhile) goes back to waiting."""
    return "handoff" if state.status == Status.waiting_human else "__end__"


def after_handoff(state: Turn) -> Literal["handoff", "__end__"]:
    return "handoff" if state.route == Route.handoff else "__end__"
