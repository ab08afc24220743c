"""A node that decides where the turn goes in its own step reads the state as its update leaves it."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.types import Command

from graph.routing import Turn, TurnWithMessages, after_act, after_critique, after_respond, read_after, routed
from graph.state import Route, Status, SupportState

# The nodes here read no services.
NO_RUNTIME: Any = None


def test_a_field_the_update_writes_is_read_from_the_update_the_others_from_the_state() -> None:
    state = SupportState(route=Route.escalate, status=Status.waiting_human, critique={"verdict": "pass"})
    seen = read_after(state, {"route": "", "critique": {"verdict": "rewrite"}}, Turn)
    assert (seen.route, seen.status, seen.critique) == ("", Status.waiting_human, {"verdict": "rewrite"})
    assert read_after(state, None, Turn).route == Route.escalate


def test_messages_are_read_as_their_reducer_merges_them() -> None:
    question = HumanMessage("cancel my order", id="h1")
    call = AIMessage("", tool_calls=[{"name": "get_order_details", "args": {}, "id": "c1"}])
    state = SupportState(messages=[question])
    seen = read_after(state, {"messages": [call]}, TurnWithMessages)
    assert [m.id for m in seen.messages][:1] == ["h1"] and seen.messages[-1] is call
    assert after_act(seen) == "tools"
    # Nothing written: the state's own messages decide, and the state is left as it was.
    assert after_act(read_after(state, {"route": ""}, TurnWithMessages)) == "draft"
    assert state.messages == [question]


async def test_a_routed_node_returns_its_update_and_the_decision_on_it() -> None:
    async def critique(state: SupportState, runtime: Any) -> dict[str, Any]:
        return {"critique": {"verdict": "handoff"}}

    step = routed(critique, after_critique, Turn)
    assert step.__name__ == "critique"
    command = await step(SupportState(critique={"verdict": "pass"}), NO_RUNTIME)
    assert command == Command(update={"critique": {"verdict": "handoff"}}, goto="escalate")


async def test_a_reply_while_the_team_holds_the_case_goes_back_to_waiting() -> None:
    async def respond(state: SupportState, runtime: Any) -> dict[str, Any]:
        return {"messages": [AIMessage("Your parcel is on its way.")]}

    step = routed(respond, after_respond, Turn)
    assert (await step(SupportState(status=Status.waiting_human), NO_RUNTIME)).goto == "handoff"
    assert (await step(SupportState(status=Status.bot), NO_RUNTIME)).goto == "__end__"
