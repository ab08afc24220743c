"""The support graph, wired. No logic here: nodes live in graph.nodes, decisions in graph.routing.

The application compiles `builder` with a persistent checkpointer (see shopdesk.runtime); `langgraph dev` and
Studio serve graph.studio's, compiled without one (the server brings its own).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langgraph.graph import END, START, StateGraph

from graph import routing
from graph.context import Context
from graph.nodes.act import act, confirm
from graph.nodes.answer import critique, draft, respond, rewrite
from graph.nodes.approve import approve, execute, request_approval
from graph.nodes.gate import gate
from graph.nodes.handoff import escalate, handoff
from graph.nodes.retrieve import retrieve
from graph.nodes.tools import tools
from graph.nodes.understand import understand
from graph.routing import Node, Turn, TurnWithMessages, routed
from graph.state import InputState, SupportState
from knowledge.embeddings import preload_runtime

preload_runtime()

builder = StateGraph(SupportState, input_schema=InputState, context_schema=Context)

# A node with more than one way on decides it in its own step (graph.routing.routed): the decisions are those of
# graph.routing, and Studio draws each node's possible next nodes as its edges.
GATE_TO = ("act", "retrieve", "draft", "escalate", "handoff", "request_approval", "execute")
builder.add_node(understand)
builder.add_node(routed(gate, routing.after_gate, Turn), destinations=GATE_TO)
ROUTED: tuple[tuple[Node, Callable[[Any], str], type[Turn], tuple[str, ...]], ...] = (
    (retrieve, routing.after_step, Turn, ("draft", "escalate")),
    (act, routing.after_act, TurnWithMessages, ("tools", "confirm", "draft", "escalate")),
    (confirm, routing.after_step, Turn, ("draft", "escalate")),
    (approve, routing.after_approve, Turn, ("execute", "draft")),
    (execute, routing.after_step, Turn, ("draft", "escalate")),
    (draft, routing.after_draft, Turn, ("critique", "escalate")),
    (critique, routing.after_critique, Turn, ("respond", "rewrite", "escalate")),
    (rewrite, routing.after_rewrite, Turn, ("critique", "escalate")),
    (respond, routing.after_respond, Turn, ("handoff", END)),
    (handoff, routing.after_handoff, Turn, ("handoff", END)),
)
for node, decide, reads, ways_on in ROUTED:
    builder.add_node(routed(node, decide, reads), destinations=ways_on)
builder.add_node(tools)
builder.add_node(request_approval)
builder.add_node(escalate)

builder.add_edge(START, "understand")
builder.add_edge("understand", "gate")
builder.add_edge("tools", "act")
builder.add_edge("request_approval", "approve")
builder.add_edge("escalate", "handoff")
