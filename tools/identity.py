"""Verifying who the customer is: by email, or by first name + last name + zip code.

A successful look-up is the verification: the graph stores the returned customer id as the conversation's customer.
One customer per conversation: once someone is verified, a look-up that finds anybody else is refused.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Annotated, Any

from langchain.tools import ToolRuntime, tool
from langchain_core.messages import ToolMessage
from langgraph.types import Command
from pydantic import Field
from sqlalchemy import func, select

from shop.models import Address, Customer
from tools.base import NotFound, PolicyViolation, ToolContext, ToolError, refusal
from tools.context import tool_context_from_runtime


def _verified(ctx: ToolContext, customer: Customer) -> dict[str, Any]:
    if ctx.customer_id and ctx.customer_id != customer.id:
        raise PolicyViolation("I can only help one customer per conversation.")
    return {"customer_id": customer.id, "name": customer.name, "email": customer.email}


def find_customer_by_email(ctx: ToolContext, email: str) -> dict[str, Any]:
    """The customer with this email (case-insensitive); raises NotFound."""
    email = email.strip().lower()
    if not email:
        raise ToolError("Please tell me the email address of your account.")
    with ctx.session() as session:
        customer = session.scalar(select(Customer).where(func.lower(Customer.email) == email))
        if customer is None:
            raise NotFound("I could not find an account with that email address.")
        return _verified(ctx, customer)


def find_customer_by_name_zip(ctx: ToolContext, first: str, last: str, zip: str) -> dict[str, Any]:
    """The customer with this name and an address in this zip code; ambiguity is refused rather than guessed."""
    first, last, zip = first.strip().lower(), last.strip().lower(), zip.strip()
    if not (first and last and zip):
        raise ToolError("Please tell me your first name, last name and zip code.")
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
        return _verified(ctx, matches[0])


def verified_context(ctx: ToolContext, customer_id: str) -> ToolContext:
    """The context after a successful look-up, for callers that keep their own context (local engine, evals)."""
    return dataclasses.replace(ctx, customer_id=customer_id)


def verified_customer(result: dict[str, Any]) -> dict[str, Any]:
    """The conversation's `customer` after a successful look-up (its tier and channel are added by the graph)."""
    return {"id": result["customer_id"], "name": result["name"], "email": result["email"]}


def _verification_command(runtime: ToolRuntime[Any, Any], result: dict[str, Any]) -> Command[Any]:
    # A tool cannot mutate graph state in place; a Command carries the verified customer and the tool's reply.
    return Command(
        update={
            "customer": verified_customer(result),
            "messages": [ToolMessage(content=json.dumps(result), tool_call_id=runtime.tool_call_id or "")],
        }
    )


@tool("find_customer_by_email")
def find_customer_by_email_tool(
    email: Annotated[str, Field(description="The email address of the customer's account.")],
    runtime: ToolRuntime,
) -> Command[Any] | dict[str, Any]:
    """Verify the customer by the email address of their account; returns the customer id.

    Do this before any question about orders, profile or payments (even when the customer gives an id)."""
    try:
        result = find_customer_by_email(tool_context_from_runtime(runtime), email)
    except ToolError as exc:
        return refusal(exc)
    return _verification_command(runtime, result)


@tool("find_customer_by_name_zip")
def find_customer_by_name_zip_tool(
    first_name: Annotated[str, Field(description="The customer's first name, e.g. 'John'.")],
    last_name: Annotated[str, Field(description="The customer's last name, e.g. 'Doe'.")],
    zip: Annotated[str, Field(description="The zip code of one of the customer's addresses, e.g. '12345'.")],
    runtime: ToolRuntime,
) -> Command[Any] | dict[str, Any]:
    """Verify the customer by first name, last name and zip code when they cannot give their email."""
    try:
        result = find_customer_by_name_zip(tool_context_from_runtime(runtime), first_name, last_name, zip)
    except ToolError as exc:
        return refusal(exc)
    return _verification_command(runtime, result)


IDENTITY_TOOLS = [find_customer_by_email_tool, find_customer_by_name_zip_tool]
