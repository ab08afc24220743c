"""What every tool shares: its context, its errors, and the two-step shape of a write.

Reads run freely once the customer is verified. Writes are split into ``preview`` (validate against the shop's
policy, list the details the customer must confirm, say whether a person must approve) and ``apply`` (do it once,
keyed by an idempotency key, and audit it). The graph calls ``preview`` when the model proposes the write, asks the
customer to confirm, routes through the approval interrupt when needed, and only then calls ``apply``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shop.db import session_factory
from shop.models import AuditEntry
from shopdesk.profile import ShopProfile


def shop_now() -> datetime:
    """The shop's clock (frozen by SHOPDESK_CLOCK in tests and demos): every policy date check reads this."""
    from shopdesk.settings import get_settings

    return get_settings().now()


class ToolError(Exception):
    """A request the tool cannot serve; the message is safe to show the customer."""


def refusal(error: ToolError) -> dict[str, Any]:
    """What a model sees when the shop says no (not verified, not found, not allowed): data to answer from."""
    return {"ok": False, "error": str(error), "error_type": type(error).__name__}


class PolicyViolation(ToolError):
    """The shop's policy forbids this action (wrong status, outside the window, another customer's order...)."""


class NotVerified(ToolError):
    """Personal data or actions need a verified customer first."""


class NotFound(ToolError):
    pass


@dataclass(frozen=True)
class ToolContext:
    db_url: str
    profile: ShopProfile
    conversation_id: str
    customer_id: str | None = None
    actor: str = "bot"

    def session(self) -> Session:
        return session_factory(self.db_url)()

    def require_customer(self) -> str:
        if not self.customer_id:
            raise NotVerified("Please verify your identity first (email, or full name and zip code).")
        return self.customer_id


@dataclass
class ActionPreview:
    """What the customer confirms and whether a person must approve before ``apply``."""

    action: str
    args: dict[str, Any]
    summary: str
    details: list[str] = field(default_factory=list)
    needs_approval: bool = False
    approval_reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "args": self.args,
            "summary": self.summary,
            "details": self.details,
            "needs_approval": self.needs_approval,
            "approval_reasons": self.approval_reasons,
        }


@dataclass(frozen=True)
class WriteAction:
    """A write tool's two halves; ``apply`` must be safe to call again with the same idempotency key."""

    name: str
    preview: Callable[[ToolContext, dict[str, Any]], ActionPreview]
    apply: Callable[[ToolContext, dict[str, Any], Session], dict[str, Any]]


PlanT = TypeVar("PlanT")


def plan_preview(
    plan: Callable[[ToolContext, dict[str, Any], Session], PlanT],
    render: Callable[[ToolContext, dict[str, Any], PlanT], ActionPreview],
) -> Callable[[ToolContext, dict[str, Any]], ActionPreview]:
    """A ``preview`` from a write's two pure halves: ``plan`` checks the policy and gathers what the write needs (the
    same function ``apply`` calls inside its transaction), ``render`` words it for the customer and the approver."""

    def preview(ctx: ToolContext, args: dict[str, Any]) -> ActionPreview:
        with ctx.session() as session:
            return render(ctx, args, plan(ctx, args, session))

    return preview


def run_write(
    action: WriteAction,
    ctx: ToolContext,
    args: dict[str, Any],
    idempotency_key: str,
    approved_by: str | None = None,
) -> dict[str, Any]:
    """Apply a write exactly once: a replay with the same key returns the recorded result and changes nothing.

    The policy is checked again inside the transaction: the order may have changed since the preview.
    """
    with ctx.session() as session:
        done = session.scalar(select(AuditEntry).where(AuditEntry.idempotency_key == idempotency_key))
        if done is not None:
            return {**done.result, "replayed": True}
        action.preview(ctx, args)
        result = action.apply(ctx, args, session)
        session.add(
            AuditEntry(
                actor=ctx.actor,
                action=action.name,
                entity=str(result.get("entity", "order")),
                entity_id=str(result.get("entity_id", args.get("order_id", ""))),
                conversation_id=ctx.conversation_id,
                idempotency_key=idempotency_key,
                approved_by=approved_by,
                details=json.loads(json.dumps(args, default=str)),
                result=json.loads(json.dumps(result, default=str)),
            )
        )
        try:
            session.commit()
        except IntegrityError:
            # Another worker applied the same key first; its write stands and ours is rolled back whole.
            session.rollback()
            done = session.scalar(select(AuditEntry).where(AuditEntry.idempotency_key == idempotency_key))
            if done is None:
                raise
            return {**done.result, "replayed": True}
        return result


def record_decision(
    ctx: ToolContext, action: str, args: dict[str, Any], decision: str, approver: str, note: str, key: str
) -> None:
    """Audit a person's decision that changes nothing in the shop (a rejection), once per key."""
    with ctx.session() as session:
        if session.scalar(select(AuditEntry).where(AuditEntry.idempotency_key == key)) is not None:
            return
        session.add(
            AuditEntry(
                actor=ctx.actor,
                action=f"{action}:{decision}",
                entity="order",
                entity_id=str(args.get("order_id", "")),
                conversation_id=ctx.conversation_id,
                idempotency_key=key,
                approved_by=approver,
                details=json.loads(json.dumps(args, default=str)),
                result={"decision": decision, "note": note},
            )
        )
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
