"""The indexer as a LangGraph graph, so Studio and the LangGraph server can (re)index a shop's knowledge.

One node: indexing is a single blocking job, run in a worker thread so the server's event loop stays free. Listed
in langgraph.json as "indexer"; compiled without a checkpointer, as the server brings its own.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from langgraph.graph import END, START, StateGraph

from knowledge.ingest import index_knowledge
from shopdesk.settings import get_settings


@dataclass(kw_only=True)
class IndexerState:
    shop_id: str = field(default="", metadata={"description": "Shop to index; empty means the configured shop."})
    rebuild: bool = field(default=False, metadata={"description": "Drop the collection and embed everything again."})
    include_catalog: bool = field(default=True, metadata={"description": "Index the shop database's products too."})
    report: dict[str, Any] = field(default_factory=dict)
    error: str = ""


async def index(state: IndexerState) -> dict[str, Any]:
    settings = get_settings()
    try:
        report = await asyncio.to_thread(
            index_knowledge,
            settings,
            shop_id=state.shop_id or None,
            rebuild=state.rebuild,
            include_catalog=state.include_catalog,
            progress=False,
        )
    except (OSError, ValueError) as exc:
        # A missing folder or a malformed document is reported, not raised: the run shows what to fix.
        return {"error": f"{type(exc).__name__}: {exc}", "report": {}}
    # The running server's retrievers mirror the collection in memory; they must see the new chunks.
    from knowledge.retriever import refresh_retrievers

    refresh_retrievers()
    return {"report": report.as_dict(), "error": ""}


builder = StateGraph(IndexerState)
builder.add_node("index", index)
builder.add_edge(START, "index")
builder.add_edge("index", END)
graph = builder.compile()
graph.name = "indexer"
