"""The support graph as `langgraph dev` and Studio serve it (langgraph.json's "support").

Compiled without a checkpointer: the LangGraph server brings its own. The demo shop is built here, on import,
when the data folder has none yet: the server imports graphs on a worker thread before it takes requests, so the
seeding (about a second) never runs on its event loop, and the first tool call finds customers and orders. The
knowledge index is built on the first search, on a worker thread too (Settings.offload_blocking, which
langgraph.json sets).
"""

from __future__ import annotations

from graph.builder import builder
from shopdesk.bootstrap import ensure_shop
from shopdesk.settings import get_settings

ensure_shop(get_settings())

graph = builder.compile(name="ShopDesk support")
