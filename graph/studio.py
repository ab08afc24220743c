"""The support graph as `langgraph dev` and Studio serve it (langgraph.json's "support").

Compiled without a checkpointer: the LangGraph server brings its own. The demo shop is built here, on import,
when the data folder has none yet: the server imports graphs on a worker thread before it takes requests, so the
seeding (about a second) never runs on its event loop, and the first tool call finds customers and orders. The
knowledge index is built on the first search, on a worker thread too (Settings.offload_blocking, which
langgraph.json sets).
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from graph.builder import builder
from shopdesk.bootstrap import ensure_shop
from shopdesk.settings import get_settings

log = logging.getLogger(__name__)

try:
    ensure_shop(get_settings())
except (SQLAlchemyError, OSError):
    # A shop database that is down (or a folder that cannot be written) must not keep Studio from serving the
    # graph: its tools then fail the way they do in production, with a graceful reply and a handoff.
    log.warning("could not check or seed the shop database; serving the graph anyway", exc_info=True)

graph = builder.compile(name="ShopDesk support")
