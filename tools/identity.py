"""Verifying who the customer is: by email (with the zip code of one of their addresses, if given), or by first
name + last name + zip code.

A successful look-up is the verification: the graph stores the returned customer id as the conversation's customer,
with how they were verified (`verified_via`), which decides whether the bot may change things for them
(`check_write_identity`, the shop profile's `verification.for_writes`). One customer per conversation: once someone
is verified, a look-up that finds anybody else is refused. Look-ups are rate limited per conversation and per shop
(Settings.identity_lookups_per_minute), so trying addresses or names one after another is slow.
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import func, select

from shop.models import Address, Customer
from shopdesk.i18n import _
from shopdesk.profile import ShopProfile
from shopdesk.ratelimit import RateLimit, SharedBuckets
from tools.base import NotFound, NotVerified, PolicyViolation, ToolContext, ToolError
from tools.declaration import read_tool


class TooManyAttempts(ToolError):
    """Too many identity look-ups in a short time: the customer waits a little."""


# Per shop database: ("conversation" | "shop", db_url) -> its limit.
_lookups: dict[tuple[str, str], RateLimit] = {}
_lookups_lock = threading.Lock()


def reset_rate_limits() -> None:
    """Forget every bucket (and re-read the settings on the next look-up); for tests."""
    with _lookups_lock:
        for limit in _lookups.values():
            limit.clear()
        _lookups.clear()


def _limits(db_url: str) -> tuple[RateLimit, RateLimit]:
    from shopdesk.settings import get_settings

    with _lookups_lock:
        if ("conversation", db_url) not in _lookups:
            settings = get_settings()
            store = SharedBuckets(db_url) if settings.rate_limits == "database" else None
            per_minute, burst = settings.identity_lookups_per_minute, settings.identity_lookups_burst
            _lookups["conversation", db_url] = RateLimit(per_minute, burst, store=store)
            _lookups["shop", db_url] = RateLimit(per_minute * 100, burst * 100, store=store)
        return _lookups["conversation", db_url], _lookups["shop", db_url]


def _check_rate(ctx: ToolContext) -> None:
    conversation, shop = _limits(ctx.db_url)
    if not (
        conversation.allow(f"identity:{ctx.profile.shop_id}:{ctx.conversation_id}")
        and shop.allow(f"identity:{ctx.profile.shop_id}")
    ):
        raise TooManyAttempts(_("That was a lot of attempts in a short time; please wait a minute and try again."))


def check_write_identity(profile: ShopProfile, verified_via: str | None) -> None:
    """Refuse a change for a customer verified in a way the shop does not accept for writes (NotVerified), with
    what would do."""
    if not profile.verification.allows_writes(verified_via):
        raise NotVerified(stronger_identity_request(profile))


def stronger_identity_request(profile: ShopProfile) -> str:
    return f"Before I can change anything on your account I need to verify you by {profile.verification.ways()}."


def _verified(ctx: ToolContext, customer: Customer, method: str) -> dict[str, Any]:
    if ctx.customer_id and ctx.customer_id != customer.id:
        raise PolicyViolation(_("I can only help one customer per conversation."))
    return {"customer_id": customer.id, "name": customer.name, "email": customer.email, "verified_via": method}


def find_customer_by_email(ctx: ToolContext, email: str, zip: str | None = None) -> dict[str, Any]:
    """The customer with this email (case-insensitive); raises NotFound. With a `zip` that one of their addresses
    has, the verification is the stronger `email_zip`; a zip that does not match leaves it at `email` (no more than
    the email alone tells, and a zip remembered from another context does not fail a good email)."""
    email = email.strip().lower()
    if not email:
        raise ToolError("Please tell me the email address of your account.")
    _check_rate(ctx)
    with ctx.session() as session:
        customer = session.scalar(select(Customer).where(func.lower(Customer.email) == email))
        if customer is None:
            raise NotFound("I could not find an account with that email address.")
        if zip and zip.strip() in {address.zip for address in customer.addresses}:
            return _verified(ctx, customer, "email_zip")
        return _verified(ctx, customer, "email")


def find_customer_by_name_zip(ctx: ToolContext, first_name: str, last_name: str, zip: str) -> dict[str, Any]:
    """The customer with this name and an address in this zip code; ambiguity is refused rather than guessed."""
    first, last, zip = first_name.strip().lower(), last_name.strip().lower(), zip.strip()
    if not (first and last and zip):
        raise ToolError("Please tell me your first name, last name and zip code.")
    _check_rate(ctx)
    with ctx.session() as session:
        matches = session.scalars(
            select(Customer)
            .join(Address, Address.customer_id == Customer.id)
            .where(func.lower(Customer.first_name) == first, func.lower(Customer.last_name) == last)
            .where(Address.zip == zip)
            .distinct()
        ).all()
        if not matches:
            raise NotFound("I could not find an account with that name and zip code.")
        if len(matches) > 1:
            raise ToolError("Several accounts match; please verify with your email address instead.")
        return _verified(ctx, matches[0], "name_zip")


def verified_context(ctx: ToolContext, customer_id: str) -> ToolContext:
    """The context after a successful look-up, for callers that keep their own context (local engine, evals)."""
    return dataclasses.replace(ctx, customer_id=customer_id)


def verified_customer(result: dict[str, Any]) -> dict[str, Any]:
    """The conversation's `customer` after a successful look-up (its tier is added by the graph)."""
    customer = {"id": result["customer_id"], "name": result["name"], "email": result["email"]}
    return customer | ({"verified_via": result["verified_via"]} if result.get("verified_via") else {})


TOOLS = (
    read_tool(
        find_customer_by_email,
        "Verify the customer by the email address of their account (and a zip code, if given); returns the customer"
        " id.\n\nDo this before any question about orders, profile or payments (even when the customer gives an id).",
        verifies_customer=True,
        email=Annotated[str, Field(description="The email address of the customer's account.")],
        zip=(
            Annotated[
                str | None, Field(description="The zip code of one of their addresses, when the customer gave it.")
            ],
            None,
        ),
    ),
    read_tool(
        find_customer_by_name_zip,
        "Verify the customer by first name, last name and zip code when they cannot give their email.",
        verifies_customer=True,
        first_name=Annotated[str, Field(description="The customer's first name, e.g. 'John'.")],
        last_name=Annotated[str, Field(description="The customer's last name, e.g. 'Doe'.")],
        zip=Annotated[str, Field(description="The zip code of one of the customer's addresses, e.g. '12345'.")],
    ),
)
