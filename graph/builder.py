"""The support graph, wired. No logic here: nodes live in graph.nodes, decisions in graph.routing.

The application compiles `builder` with a persistent checkpointer (see shopdesk.runtime); `langgraph dev` and
Studio serve graph.studio's, compiled without one (the server brings its own).
"""

from __future__ import annotations

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
from graph.routing import Decision
from graph.state import InputState, SupportState
from knowledge.embeddings import preload_runtime

preload_runtime()

builder = StateGraph(SupportState, input_schema=InputState, context_schema=Context)

builder.add_node(understand)
builder.add_node(gate)
builder.add_node(retrieve)
builder.add_node(act)
builder.add_node(tools)
builder.add_node(confirm)
builder.add_node(request_approval)
builder.add_node(approve)
builder.add_node(execute)
builder.add_node(draft)
builder.add_node(critique)
builder.add_node(rewrite)
builder.add_node(respond)
builder.add_node(escalate)
builder.add_node(handoff)

builder.add_edge(START, "understand")
builder.add_edge("understand", "gate")
builder.add_conditional_edges(
    "gate",
    Decision(routing.after_gate),
    ["act", "retrieve", "draft", "escalate", "handoff", "request_approval", "execute"],
)
builder.add_conditional_edges("act", Decision(routing.after_act), ["tools", "confirm", "draft", "escalate"])
builder.add_edge("tools", "act")
builder.add_conditional_edges("confirm", Decision(routing.after_step), ["draft", "escalate"])
builder.add_conditional_edges("retrieve", Decision(routing.after_step), ["draft", "escalate"])
builder.add_edge("request_approval", "approve")
builder.add_conditional_edges("approve", Decision(routing.after_approve), ["execute", "draft"])
builder.add_conditional_edges("execute", Decision(routing.after_step), ["draft", "escalate"])
builder.add_conditional_edges("draft", Decision(routing.after_draft), ["critique", "escalate"])
builder.add_conditional_edges("critique", Decision(routing.after_critique), ["respond", "rewrite", "escalate"])
builder.add_conditional_edges("rewrite", Decision(routing.after_rewrite), ["critique", "escalate"])
builder.add_conditional_edges("respond", Decision(routing.after_respond), ["handoff", END])
builder.add_edge("escalate", "handoff")
builder.add_conditional_edges("handoff", Decision(routing.after_handoff), ["handoff", END])
