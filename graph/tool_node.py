"""The tool node for reads, with errors turned into results the engines can act on."""

from __future__ import annotations

import json
import logging
import warnings

from langgraph.prebuilt import ToolNode

from tools.base import ToolError

log = logging.getLogger(__name__)
# ToolRuntime carries our dataclass state and Context where its pydantic schema expects dicts; the values are
# passed through untouched, so the serializer's complaint is noise.
warnings.filterwarnings("ignore", message="Pydantic serializer warnings", category=UserWarning)


def tool_error_result(error: Exception) -> str:
    """Policy refusals reach the customer as they are; anything else is a failing dependency (hand off)."""
    if isinstance(error, ToolError):
        return json.dumps({"error": str(error), "kind": "policy"})
    log.error("tool failed: %r", error)
    return json.dumps({"error": "the shop's systems could not be reached", "kind": "dependency"})


def read_tool_node() -> ToolNode:
    from tools.registry import READ_TOOLS

    return ToolNode(READ_TOOLS, handle_tool_errors=tool_error_result)
