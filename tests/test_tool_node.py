"""The tool node: read calls answered with ToolMessages, arguments checked against the schema the model saw."""

from __future__ import annotations

import json

import pytest
from langchain_core.messages import ToolCall
from sqlalchemy.exc import OperationalError

from graph.nodes.tools import run_read, run_reads
from tests.test_tools_small_shop import Make, make_ctx, small_shop  # noqa: F401
from tools import orders


def call(name: str, **args: object) -> ToolCall:
    return ToolCall(name=name, args=args, id=f"call_{name}", type="tool_call")


def test_a_read_answers_with_its_result_as_json(make_ctx: Make) -> None:  # noqa: F811
    message, verified = run_read(call("get_order_details", order_id="#P1"), make_ctx())
    assert (message.name, message.tool_call_id, message.status) == (
        "get_order_details",
        "call_get_order_details",
        "success",
    )
    assert json.loads(str(message.content))["status"] == "pending"
    assert verified is None


def test_the_shops_refusals_are_data_for_the_model(make_ctx: Make) -> None:  # noqa: F811
    message, _ = run_read(call("get_order_details", order_id="#P1"), make_ctx(None))
    assert message.status == "success"
    assert json.loads(str(message.content)) == {
        "ok": False,
        "error": "Please verify your identity first (email, or full name and zip code).",
        "error_type": "NotVerified",
        "code": "not_verified",
    }


def test_arguments_that_do_not_fit_the_schema_go_back_to_the_model(make_ctx: Make) -> None:  # noqa: F811
    message, _ = run_read(call("list_recent_orders", limit="lots"), make_ctx())
    refusal = json.loads(str(message.content))
    assert refusal["ok"] is False and refusal["error"].startswith("Bad arguments for list_recent_orders: limit:")
    message, _ = run_read(call("get_order_details"), make_ctx())
    assert "order_id: Field required" in json.loads(str(message.content))["error"]
    # Defaults are the function's own: a call that leaves `limit` out gets the usual five.
    message, _ = run_read(call("list_recent_orders"), make_ctx())
    assert json.loads(str(message.content))["customer_id"] == "alice"


def test_an_unknown_tool_is_an_error_naming_the_real_ones(make_ctx: Make) -> None:  # noqa: F811
    message, _ = run_read(call("delete_everything"), make_ctx())
    assert message.status == "error"
    assert "delete_everything is not a valid tool" in str(message.content) and "get_order_details" in str(
        message.content
    )


def test_a_failing_database_is_a_dependency_error(make_ctx: Make, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    def unreachable(*args: object, **kwargs: object) -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    # The declared read runs and the database fails under it (not a refusal of the shop's rules).
    monkeypatch.setattr(orders, "load_own_order", unreachable)
    message, _ = run_read(call("get_order_details", order_id="#P1"), make_ctx())
    assert message.status == "error"
    assert json.loads(str(message.content)) == {
        "error": "the shop's systems could not be reached",
        "kind": "dependency",
    }


def test_a_verification_counts_for_the_calls_after_it(make_ctx: Make) -> None:  # noqa: F811
    calls = [call("get_order_details", order_id="#P1"), call("find_customer_by_email", email="ALICE@example.com")]
    calls.append(call("get_order_details", order_id="#P1"))
    messages, verified = run_reads(calls, make_ctx(None))
    assert verified == {"id": "alice", "name": "Alice Smith", "email": "alice@example.com", "verified_via": "email"}
    before, found, after = (json.loads(str(m.content)) for m in messages)
    assert before["error_type"] == "NotVerified"
    assert found["customer_id"] == "alice"
    assert after["order_id"] == "#P1" and after["customer_id"] == "alice"
    assert [m.tool_call_id for m in messages] == [c["id"] for c in calls]
