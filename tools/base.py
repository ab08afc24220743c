"""What every tool shares: its context, its errors, and the two-step shape of a write.

Reads run freely once the customer is verified. Writes are split into ``preview`` (validate against the shop's
policy, list the details the customer must confirm, say whether a person must approve) and ``apply`` (do it once,
keyed by an idempotency key, and audit it). The graph calls ``preview`` when the model proposes the write, asks the
customer to confirm, routes through the approval interrupt when needed, and only then calls ``apply``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from shop.db import session_factory
from shop.models import AuditEntry
from shopdesk.i18n import _
from shopdesk.profile import ShopProfile


def shop_now() -> datetime:
    """The shop's clock (frozen by SHOPDESK_CLOCK in tests and demos): every policy date check reads this."""
    from shopdesk.settings import get_settings

    return get_settings().now()


class ToolError(Exception):
    """A request the tool cannot serve. The message explains it to the model and the audit; what the customer is
    told comes from the message catalogue, by ``code``: the kind of refusal (the subclasses set their own).

    ``bad_arguments``: details missing or not valid; ``not_found``; ``not_verified``; ``policy``: the shop's rules
    forbid it (the message is the reason, which the reply quotes: a catalogue message, worded in the language of the
    conversation being answered); ``internal``: something on our side failed.
    """

    code = "bad_arguments"

    def __init__(self, message: str = "", *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


def refusal(error: ToolError) -> dict[str, Any]:
    """What a model sees when the shop says no (not verified, not found, not allowed): data to answer from."""
    return {"ok": False, "error": str(error), "error_type": type(error).__name__, "code": error.code}


class PolicyViolation(ToolError):
    """The shop's policy forbids this action (wrong status, outside the window, another customer's order...)."""

    code = "policy"


class NotVerified(ToolError):
    """Personal data or actions need a verified customer first."""

    code = "not_verified"


class NotFound(ToolError):
    code = "not_found"


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
    # Whether money changes hands (a charge or a refund): where it goes is then a detail the customer may correct.
    moves_money: bool = True
    # A refund's figures (tools.views.refund_figures), for the reply to word its line of `details` in the customer's
    # language; None when the write refunds nothing.
    refund: dict[str, Any] | None = None
    # What the reply says once the write is done, worded with the proposal in the conversation's language, for a
    # write whose result alone doesn't say it; empty: the reply words it from the result.
    done: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "args": self.args,
            "summary": self.summary,
            "details": self.details,
            "needs_approval": self.needs_approval,
            "approval_reasons": self.approval_reasons,
            "moves_money": self.moves_money,
            "refund": self.refund,
            "done": self.done,
        }


PlanT = TypeVar("PlanT")


class AlreadyDone(PolicyViolation):
    """The change asked for is already the shop's state: another conversation, worker or machine made it.

    Outside ``run_write`` (a preview) it reads as any refusal; inside, ``run_write`` looks for the audited write
    that made it and answers with that write's result instead of changing anything again.
    """

    def __init__(self, message: str, *, action: str, entity_id: str, done: str) -> None:
        super().__init__(message)
        self.action, self.entity_id, self.done = action, entity_id, done


class NeedsApproval(PolicyViolation):
    """Above a limit of the shop's profile: a person other than the requester has to approve the write."""


@dataclass(frozen=True)
class WriteAction(Generic[PlanT]):
    """A write tool's three halves.

    ``plan`` checks the policy and gathers what the write needs; ``render`` words it for the customer and the
    approver (and says whether a person must approve); ``write`` changes the shop. ``run_write`` calls all three in
    one locked transaction, so the checks hold when the write lands.
    """

    name: str
    plan: Callable[[ToolContext, dict[str, Any], Session], PlanT]
    render: Callable[[ToolContext, dict[str, Any], PlanT], ActionPreview]
    write: Callable[[ToolContext, dict[str, Any], Session, PlanT], dict[str, Any]]

    def preview(self, ctx: ToolContext, args: dict[str, Any]) -> ActionPreview:
        with ctx.session() as session:
            return self.render(ctx, args, self.plan(ctx, args, session))

    def apply(self, ctx: ToolContext, args: dict[str, Any], session: Session) -> dict[str, Any]:
        """Plan and write in the caller's transaction (``run_write`` is the way to call this with its checks)."""
        return self.write(ctx, args, session, self.plan(ctx, args, session))


@contextmanager
def write_transaction(ctx: ToolContext) -> Iterator[Session]:
    """A session whose transaction holds the write lock from its first statement.

    SQLite's Python driver starts a transaction only at the first INSERT/UPDATE, so a status read before it is not
    part of the write: two workers could both read "pending" and both cancel. BEGIN IMMEDIATE takes the database's
    write lock first (others wait, up to the busy timeout), so check and write are one step. PostgreSQL locks the rows
    a write depends on instead (``SELECT ... FOR UPDATE`` in the plans), which lets unrelated writes run in parallel.
    """
    session = ctx.session()
    try:
        if session.get_bind().dialect.name == "sqlite":
            _begin_immediate(session)
        yield session
    finally:
        session.close()


# How long a confirmed write waits in all for another writer's lock. A statement gives up after the short busy
# timeout (a read answers 503 at once), but a write the customer confirmed tries its BEGIN again for this long: a
# slow writer on a loaded host is not a reason to fail it, and nothing has happened before the lock is taken.
WRITE_LOCK_PATIENCE_S = 5.0


def _begin_immediate(session: Session) -> None:
    deadline = time.monotonic() + WRITE_LOCK_PATIENCE_S
    while True:
        try:
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            session.rollback()
            time.sleep(0.05)


def check_approval(ctx: ToolContext, preview: ActionPreview, approved_by: str | None, self_approval: bool) -> None:
    """One approval matrix for the bot and for people: above a limit, a person other than the requester approves.

    ``self_approval`` is the caller's word that the requester may approve their own write (a supervisor, where the
    profile allows it); the audit log then shows the same name as requester and approver.
    """
    if not preview.needs_approval:
        return
    reasons = "; ".join(preview.approval_reasons)
    if not approved_by:
        raise NeedsApproval(f"This needs a supervisor's approval ({reasons}); nothing has been changed.")
    if approved_by in (ctx.actor, ctx.actor.removeprefix("agent:")) and not self_approval:
        raise NeedsApproval(
            f"This needs the approval of a supervisor other than the requester ({reasons}); nothing has been changed."
        )


def _audited(session: Session, key: str) -> AuditEntry | None:
    return session.scalar(select(AuditEntry).where(AuditEntry.idempotency_key == key))


def _is_rejection(entry: AuditEntry) -> bool:
    """A person's rejection, audited under the write's own key by record_decision ("<action>:reject")."""
    return entry.action.endswith(":reject")


def _replay(entry: AuditEntry) -> dict[str, Any]:
    if _is_rejection(entry):
        # The same key carries a person's rejection: the write must never run after it.
        raise PolicyViolation(_("A colleague rejected this request, so nothing has been changed."))
    return {**entry.result, "replayed": True}


def _earlier_write(session: Session, already: AlreadyDone) -> AuditEntry | None:
    """The audited write that left the shop in the state asked for, newest first."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.action == already.action, AuditEntry.entity_id == already.entity_id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def run_write(
    action: WriteAction[Any],
    ctx: ToolContext,
    args: dict[str, Any],
    idempotency_key: str,
    approved_by: str | None = None,
    *,
    self_approval: bool = False,
    edited_by: str | None = None,
) -> dict[str, Any]:
    """Apply a write exactly once, as one checked state transition.

    In one transaction that holds the locks the write depends on: a replay with the same key returns the recorded
    result; the policy is checked on the rows as they are now (the order may have changed since the preview); a
    change another conversation already made is answered with that write's result (``already_done``) and changes
    nothing; a write above a limit needs an approver other than the requester; then the write and its audit entry
    (who asked, who approved, who changed the details of the request if a person did) commit together.
    """
    with write_transaction(ctx) as session:
        done = _audited(session, idempotency_key)
        if done is not None:
            return _replay(done)
        try:
            plan = action.plan(ctx, args, session)
        except AlreadyDone as already:
            earlier = _earlier_write(session, already)
            if earlier is None:
                raise  # the shop's own state, not a write of ours: a plain refusal
            told = (
                _("That was already done: {done}. Nothing was changed a second time.", done=already.done)
                if earlier.conversation_id == ctx.conversation_id
                else _(
                    "That was already done (in another conversation): {done}. Nothing was changed a second time.",
                    done=already.done,
                )
            )
            return {**earlier.result, "replayed": True, "already_done": True, "message": told}
        preview = action.render(ctx, args, plan)
        check_approval(ctx, preview, approved_by, self_approval)
        result = action.write(ctx, args, session, plan)
        session.add(
            AuditEntry(
                actor=ctx.actor,
                action=action.name,
                entity=str(result.get("entity", "order")),
                entity_id=str(result.get("entity_id", args.get("order_id", ""))),
                conversation_id=ctx.conversation_id,
                idempotency_key=idempotency_key,
                approved_by=approved_by,
                edited_by=edited_by,
                details=json.loads(json.dumps(args, default=str)),
                result=json.loads(json.dumps(result, default=str)),
            )
        )
        try:
            session.commit()
        except IntegrityError:
            # Another worker used the same key first; its write stands and ours is rolled back whole.
            session.rollback()
            done = _audited(session, idempotency_key)
            if done is None:
                raise
            return _replay(done)
        return result


def record_decision(
    ctx: ToolContext, action: str, args: dict[str, Any], decision: str, approver: str, note: str, key: str
) -> dict[str, Any] | None:
    """Audit a person's decision that changes nothing in the shop (a rejection) under the write's own key.

    One key for the write and its rejection: whichever commits first stands, so a write can never follow its
    rejection, and a rejection that comes after the write (a retry after a crash) is told the truth. Returns the
    applied write's result in that case, else None.
    """
    with write_transaction(ctx) as session:
        done = _audited(session, key)
        if done is not None:
            return None if _is_rejection(done) else {**done.result, "replayed": True}
        session.add(
            AuditEntry(
                actor=ctx.actor,
                action=f"{action}:{decision}",
                entity="order",
                entity_id=str(args.get("order_id", "")),
                conversation_id=ctx.conversation_id,
                idempotency_key=key,
                # The person who decided, as for an approval; the action's ":reject" says which way.
                approved_by=approver,
                details=json.loads(json.dumps(args, default=str)),
                result={"decision": decision, "note": note},
            )
        )
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            done = _audited(session, key)
            if done is not None and not _is_rejection(done):
                return {**done.result, "replayed": True}
        return None
