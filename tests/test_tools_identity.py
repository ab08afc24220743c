"""Identity: verification by email or name + zip, one customer per conversation, and the LangChain wrappers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from langchain.tools import ToolRuntime
from langgraph.types import Command
from sqlalchemy import select

from shop.db import session_scope
from shop.models import Address, Customer
from shopdesk.profile import Verification
from shopdesk.settings import get_settings
from tests.test_tools_small_shop import Make, demo_profile, make_ctx, small_shop  # noqa: F401
from tools.base import NotFound, NotVerified, PolicyViolation, ToolContext, ToolError
from tools.identity import (
    TooManyAttempts,
    check_write_identity,
    find_customer_by_email,
    find_customer_by_name_zip,
    verified_context,
)
from tools.registry import all_langchain_tools

LANGCHAIN_TOOLS = {tool.name: tool for tool in all_langchain_tools()}


def runtime(state: dict[str, Any] | None = None, thread: str = "t-1") -> ToolRuntime[Any, Any]:
    return ToolRuntime(
        state=state or {},
        context=None,
        config={"configurable": {"thread_id": thread}},
        stream_writer=lambda _chunk: None,
        tool_call_id="call-1",
        store=None,
    )


@pytest.fixture
def settings_on(small_shop: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:  # noqa: F811
    """Point the process settings (what LangChain wrappers read) at the small shop."""
    monkeypatch.setenv("SHOPDESK_DATABASE_URL", small_shop)
    monkeypatch.setenv("SHOPDESK_SHOP_ID", "demo")
    get_settings.cache_clear()
    yield small_shop
    get_settings.cache_clear()


def test_email_lookup_is_case_insensitive_and_returns_the_id(make_ctx: Make) -> None:  # noqa: F811
    found = find_customer_by_email(make_ctx(None), "  Alice@Example.COM ")
    assert found == {
        "customer_id": "alice",
        "name": "Alice Smith",
        "email": "alice@example.com",
        "verified_via": "email",
    }


def test_unknown_email_and_wrong_zip_are_not_found(make_ctx: Make) -> None:  # noqa: F811
    with pytest.raises(NotFound):
        find_customer_by_email(make_ctx(None), "nobody@example.com")
    with pytest.raises(NotFound):
        find_customer_by_name_zip(make_ctx(None), "Alice", "Smith", "20002")
    with pytest.raises(ToolError):
        find_customer_by_email(make_ctx(None), "  ")


def test_name_and_zip_lookup(make_ctx: Make) -> None:  # noqa: F811
    assert find_customer_by_name_zip(make_ctx(None), "bob", "SMITH", "20002")["customer_id"] == "bob"


def test_one_customer_per_conversation(make_ctx: Make) -> None:  # noqa: F811
    ctx = make_ctx(None)
    ctx = verified_context(ctx, find_customer_by_email(ctx, "alice@example.com")["customer_id"])
    assert ctx.customer_id == "alice"
    # The same customer again is fine; anybody else is refused.
    assert find_customer_by_name_zip(ctx, "Alice", "Smith", "10001")["customer_id"] == "alice"
    with pytest.raises(PolicyViolation):
        find_customer_by_email(ctx, "bob@example.com")


def test_wrapper_sets_the_conversation_customer(settings_on: str) -> None:
    by_email = LANGCHAIN_TOOLS["find_customer_by_email"]
    result = by_email.func(email="bob@example.com", runtime=runtime())  # type: ignore[attr-defined]
    assert isinstance(result, Command)
    customer = result.update["customer"]  # type: ignore[index]
    assert customer == {"id": "bob", "name": "Bob Smith", "email": "bob@example.com", "verified_via": "email"}
    assert result.update["messages"][0].tool_call_id == "call-1"  # type: ignore[index]


def test_wrapper_refuses_a_second_customer_as_data(settings_on: str) -> None:
    state = {"customer": {"id": "alice"}}
    result = LANGCHAIN_TOOLS["find_customer_by_name_zip"].func(  # type: ignore[attr-defined]
        first_name="Bob", last_name="Smith", zip="20002", runtime=runtime(state)
    )
    assert result == {
        "ok": False,
        "error": "I can only help one customer per conversation.",
        "error_type": "PolicyViolation",
        "code": "policy",
    }


def test_identity_on_the_seeded_demo_shop(demo_db_url: str) -> None:
    with session_scope(demo_db_url) as session:
        customer = session.scalars(select(Customer).order_by(Customer.id).limit(1)).one()
        email, first, last = customer.email, customer.first_name, customer.last_name
        zip_code = session.scalars(select(Address.zip).where(Address.customer_id == customer.id)).first()
        expected = customer.id
    ctx = ToolContext(db_url=demo_db_url, profile=demo_profile(), conversation_id="demo")
    assert find_customer_by_email(ctx, email.upper())["customer_id"] == expected
    assert zip_code is not None
    assert find_customer_by_name_zip(ctx, first, last, zip_code)["customer_id"] == expected


def test_email_and_zip_is_a_stronger_verification(make_ctx: Make) -> None:  # noqa: F811
    alice = make_ctx(None)
    with session_scope(alice.db_url) as session:
        zip_code = session.scalars(select(Address.zip).where(Address.customer_id == "alice")).first()
    assert zip_code
    assert find_customer_by_email(alice, "alice@example.com", zip_code)["verified_via"] == "email_zip"
    # A zip that is not theirs does not fail a good email; it just verifies no more than the email does.
    assert find_customer_by_email(alice, "alice@example.com", "00000")["verified_via"] == "email"
    assert find_customer_by_name_zip(alice, "Alice", "Smith", zip_code)["verified_via"] == "name_zip"


def test_the_profile_says_which_verification_allows_writes() -> None:
    profile = demo_profile()
    for method in ("email", "email_zip", "name_zip", "storefront", "find_customer_by_email", "identity_tool"):
        check_write_identity(profile, method)  # the default: every way of verifying, as before the setting
    strict = profile.model_copy(update={"verification": Verification(for_writes=["email_zip", "storefront"])})
    check_write_identity(strict, "email_zip")
    check_write_identity(strict, "storefront")
    for weak in ("email", "find_customer_by_email", "identity_tool", "name_zip", None):
        with pytest.raises(NotVerified, match="email address of your account and the zip code"):
            check_write_identity(strict, weak)


def test_identity_lookups_are_rate_limited_per_conversation(make_ctx: Make) -> None:  # noqa: F811
    attempts = make_ctx(None, conversation="guessing")
    for _ in range(get_settings().identity_lookups_burst):
        with pytest.raises(NotFound):
            find_customer_by_email(attempts, "guess@example.com")
    with pytest.raises(TooManyAttempts, match="wait a minute"):
        find_customer_by_email(attempts, "alice@example.com")
    with pytest.raises(TooManyAttempts):
        find_customer_by_name_zip(attempts, "Alice", "Smith", "10001")
    # Another conversation is not slowed down by this one.
    assert find_customer_by_email(make_ctx(None, conversation="honest"), "alice@example.com")["customer_id"] == "alice"
