"""One declaration per tool: every consumer (the model's schemas, the read executor, the write path, the routing, the
agent console, the dialogue's names) derives from it, and no second list of tools remains anywhere in the project."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage
from langchain_core.utils.function_calling import convert_to_openai_tool

import graph.llm.dialogue as dialogue
from graph.casefile import READS as CASEFILE_READS
from graph.llm.dialogue.names import IDENTITY_TOOLS
from graph.nodes.handoff import run_human_tool
from graph.nodes.tools import run_read
from graph.routing import TurnWithMessages, after_act
from server.desk import Desk
from shopdesk.settings import PROJECT_ROOT
from tests.test_tools_small_shop import Make, make_ctx, small_shop  # noqa: F401
from tools.base import ToolError
from tools.declaration import ReadTool, WriteTool
from tools.registry import (
    BY_NAME,
    READS,
    TOOL_NAMES,
    TOOLS,
    VERIFYING_TOOLS,
    WRITE_ACTIONS,
    all_langchain_tools,
    call_read_tool,
    is_write_tool,
    tool_lists,
    write_action,
)

NAMES = [tool.name for tool in TOOLS]
WRITES = [tool for tool in TOOLS if isinstance(tool, WriteTool)]
# Where the project's own code lives (not the virtualenv, data or notebooks).
SOURCE_DIRS = ("graph", "server", "tools", "shopdesk", "evals", "benchmarks", "shop", "knowledge")


def _sources() -> list[Path]:
    return [path for folder in SOURCE_DIRS for path in sorted((PROJECT_ROOT / folder).rglob("*.py"))]


def test_each_tool_is_declared_once_reads_before_writes() -> None:
    assert len(NAMES) == len(set(NAMES)) == len(BY_NAME) == 21
    kinds = [tool.is_write for tool in TOOLS]
    assert kinds == sorted(kinds), "reads first, then writes: the order the model has always seen"
    assert set(READS) | set(WRITE_ACTIONS) == set(NAMES) and not set(READS) & set(WRITE_ACTIONS)
    assert {"find_customer_by_email", "find_customer_by_name_zip"} == VERIFYING_TOOLS


def test_every_tool_has_the_schema_the_model_binds() -> None:
    bound = all_langchain_tools()
    assert [tool.name for tool in bound] == NAMES
    for declared, tool in zip(TOOLS, bound, strict=True):
        assert tool.description == declared.description and declared.description.strip(), declared.name
        function = convert_to_openai_tool(tool)["function"]
        parameters = function["parameters"]
        assert set(parameters.get("properties", {})) == set(declared.arguments.model_fields), declared.name
        assert "runtime" not in parameters.get("properties", {})
        required = {name for name, field in declared.arguments.model_fields.items() if field.is_required()}
        assert set(parameters.get("required", [])) == required, declared.name
        # Every argument tells the model what it is, except the address lines, whose names say it.
        described = {name for name, spec in parameters.get("properties", {}).items() if spec.get("description")}
        assert set(parameters.get("properties", {})) - described <= {
            "address1",
            "address2",
            "city",
            "state",
            "country",
            "zip",
        }, declared.name


def test_every_read_function_takes_exactly_its_declared_arguments() -> None:
    for tool in READS.values():
        parameters = list(inspect.signature(tool.function).parameters.values())
        assert parameters[0].name == "ctx", tool.name
        declared = tool.arguments.model_fields
        accepted = {p.name for p in parameters[1:]}
        assert set(declared) <= accepted, tool.name
        # A parameter the schema does not offer must have a default, or the model could never call the read.
        needed = {p.name for p in parameters[1:] if p.default is inspect.Parameter.empty}
        assert needed == {name for name, field in declared.items() if field.is_required()}, tool.name


def test_bad_arguments_are_a_clear_tool_error_before_anything_runs(make_ctx: Make) -> None:  # noqa: F811
    ctx = make_ctx()
    for tool in READS.values():
        required = [name for name, field in tool.arguments.model_fields.items() if field.is_required()]
        if required:
            with pytest.raises(ToolError, match=rf"^Bad arguments for {tool.name}: {required[0]}: Field required"):
                call_read_tool(tool.name, ctx, {})
    with pytest.raises(ToolError, match=r"^Bad arguments for list_recent_orders: limit: Input should be greater"):
        call_read_tool("list_recent_orders", ctx, {"limit": 0})
    with pytest.raises(ToolError, match=r"^Bad arguments for get_order_details: order_id: Input should be a valid"):
        call_read_tool("get_order_details", ctx, {"order_id": ["#P1"]})
    with pytest.raises(ToolError, match=r"^Bad arguments for get_order_details: expected an object"):
        call_read_tool("get_order_details", ctx, ["#P1"])  # type: ignore[arg-type]
    # Lax where the model is lax: a number as text is read as the number, and the function's default stays.
    assert len(call_read_tool("list_recent_orders", ctx, {"limit": "1"})["orders"]) == 1
    assert len(call_read_tool("list_recent_orders", ctx, {})["orders"]) == len(
        call_read_tool("list_recent_orders", ctx, {"limit": 5})["orders"]
    )


def test_every_write_is_its_declared_action_and_refuses_missing_arguments(make_ctx: Make) -> None:  # noqa: F811
    for tool in WRITES:
        assert isinstance(tool, WriteTool) and not isinstance(tool, ReadTool)
        assert write_action(tool.name) is tool.action and tool.action.name == tool.name
        assert is_write_tool(tool.name)
        with pytest.raises(ToolError):
            tool.action.preview(make_ctx(), {})
    with pytest.raises(KeyError):
        write_action("get_order_details")


def test_every_consumer_reaches_every_tool_by_name(make_ctx: Make) -> None:  # noqa: F811
    for name in NAMES:
        # The graph routes a write proposal to the confirmation and a read to the tool node.
        call = {"name": name, "args": {}, "id": f"call_{name}", "type": "tool_call"}
        state = TurnWithMessages(messages=[AIMessage("", tool_calls=[call])])
        assert after_act(state) == ("confirm" if is_write_tool(name) else "tools"), name
        if name in READS:
            # The tool node and a person's tool run find it (the empty arguments are checked, not unknown).
            message, _ = run_read(call, make_ctx())  # type: ignore[arg-type]
            assert "not a valid tool" not in str(message.content), name
            ran = run_human_tool(make_ctx(), "sam", {"name": name, "args": {}})
            assert "Unknown read tool" not in str(ran["audit"][0]["result"]), name
    # The agent console lists every tool, by kind, and accepts exactly those.
    assert Desk.tools() == tool_lists() == {"read": sorted(READS), "write": sorted(WRITE_ACTIONS)}
    assert set(CASEFILE_READS) <= set(READS)
    unknown = run_human_tool(make_ctx(), "sam", {"name": "drop_tables", "args": {}})
    assert unknown["audit"][0]["result"] == {"error": "Unknown read tool 'drop_tables'."}


def test_the_dialogue_names_only_declared_tools() -> None:
    assert IDENTITY_TOOLS == VERIFYING_TOOLS
    used = {
        node.attr
        for module in Path(dialogue.__file__).parent.glob("*.py")
        for node in ast.walk(ast.parse(module.read_text()))
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "TOOL_NAMES"
    }
    assert len(used) >= 18 and used <= set(NAMES)
    assert getattr(TOOL_NAMES, "cancel_order") == "cancel_order"  # noqa: B009
    with pytest.raises(AttributeError, match="no tool is declared as 'cancel_ordr'"):
        getattr(TOOL_NAMES, "cancel_ordr")  # noqa: B009


def test_no_second_registry_of_tools_remains() -> None:
    """No LangChain ``@tool`` wrappers, no module-level string constants naming a tool, and no literal tool name
    handed to the executors that is not declared."""
    declared = set(NAMES)
    problems: list[str] = []
    for path in _sources():
        where = path.relative_to(PROJECT_ROOT)
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in {"langchain.tools", "langchain_core.tools"}:
                problems += [f"{where}: imports @tool" for alias in node.names if alias.name == "tool"]
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in {
                "call_read_tool",
                "write_action",
            }:
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and first.value not in declared:
                    problems.append(f"{where}:{node.lineno}: undeclared tool {first.value!r}")
        for statement in tree.body:  # module level: a constant that spells a tool's name is a second registry
            if (
                isinstance(statement, ast.Assign)
                and isinstance(statement.value, ast.Constant)
                and statement.value.value in declared
            ):
                problems.append(f"{where}:{statement.lineno}: a tool name as a string constant")
    assert not problems, problems
