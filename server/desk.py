"""The support desk behind the routes: conversations, the agents' queue, and the rules of who may do what when.

Routers stay thin and call this; it runs the graph through shopdesk.conversations, keeps the registry in step after
every turn, serialises turns per conversation, and fires webhooks on the transitions people care about.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import sqlite3
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from fastapi.sse import format_sse_event
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from graph.context import Context
from graph.nodes.handoff import packet, transcript
from graph.state import HUMAN_HELD, Status, SupportState
from server.config import AgentAccount, ServerSettings
from server.registry import Entry, Registry, utcnow
from server.schemas import (
    ActionResult,
    AgentConversation,
    PublicConversation,
    PublicMessage,
    QueueItem,
    Reply,
    TurnOut,
)
from server.turnlock import ConversationLocks
from server.webhooks import Webhooks
from shop.db import session_factory
from shop.models import Customer
from shopdesk.conversations import Conversations, Turn
from shopdesk.pii import mask_payment_data
from shopdesk.ratelimit import RateLimit, SharedBuckets
from shopdesk.settings import get_settings
from tools.registry import BY_NAME, tool_lists

log = logging.getLogger(__name__)
TurnT = TypeVar("TurnT", Turn, Turn | None)

# Where a model writes text meant for the customer (the LLM engine answers from `act` after its tools, or drafts);
# understanding and critique stream JSON and verdicts, which stay internal.
TOKEN_NODES = frozenset({"act", "draft", "rewrite"})
# Nodes whose finished messages are what the customer is told.
MESSAGE_NODES = frozenset({"respond", "escalate", "request_approval", "handoff"})
# The bot holds the conversation: no person's list shows it.
BOT_HELD = frozenset({Status.bot, Status.awaiting_confirmation})
WEBHOOK_EVENTS = {
    Status.waiting_human: "conversation.handoff",
    Status.awaiting_approval: "conversation.approval_requested",
    Status.forwarded: "conversation.forwarded",
    Status.resolved: "conversation.resolved",
}


class DeskError(Exception):
    status_code = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DeskError):
    status_code = 404


class Conflict(DeskError):
    status_code = 409


class TooLong(DeskError):
    status_code = 413


class Invalid(DeskError):
    status_code = 422


class Unauthorized(DeskError):
    status_code = 401


class Unavailable(DeskError):
    status_code = 503


class TooMany(DeskError):
    status_code = 429

    def __init__(self, detail: str, retry_after_s: float) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


# The database is locked by another writer or cannot be reached: a client should retry shortly.
UNAVAILABLE_ERRORS = (OperationalError, PoolTimeout, sqlite3.OperationalError)
# How long a turn's registry row is retried in the background when the database refused it.
RECORD_RETRY_S = 120.0

# What a person's command raises when its arguments cannot be used ("amount": "1e400", a list for a string): their
# mistake, answered 422, not an outage. (Not LookupError: a KeyError is more often our bug than their input.)
BAD_COMMAND_ERRORS = (ValueError, TypeError, ArithmeticError)


@dataclass(frozen=True)
class Started:
    entry: Entry
    verified: bool


def _author(message: AIMessage) -> str:
    return str(message.additional_kwargs.get("author", "bot"))


def _visible(message: BaseMessage) -> bool:
    """Customer-visible: their own words and the bot's or a person's text, never tool calls or tool results."""
    if isinstance(message, HumanMessage):
        return True
    return isinstance(message, AIMessage) and bool(message.content) and not message.tool_calls


class Desk:
    def __init__(
        self,
        conversations: Conversations,
        registry: Registry,
        settings: ServerSettings,
        db_url: str,
        webhooks: Webhooks,
        locks: ConversationLocks,
    ) -> None:
        self.conversations = conversations
        self.registry = registry
        self.settings = settings
        self.db_url = db_url
        self.webhooks = webhooks
        self._agent_names = {account.id: account.name for account in settings.agent_tokens.values()}
        # One turn at a time per conversation, in every worker process (see server.turnlock).
        self._locks = locks
        self._background: set[asyncio.Task[None]] = set()
        # Counted in the shop's database unless told otherwise: every worker and machine draws from one bucket.
        store = SharedBuckets(db_url) if get_settings().rate_limits == "database" else None
        self._new_conversations = RateLimit(
            settings.conversations_per_minute, settings.conversations_burst, store=store
        )

    async def drain(self, timeout_s: float = 30.0) -> None:
        """Let streamed turns whose listeners left finish before the graph's checkpointer closes."""
        if self._background:
            await asyncio.wait(set(self._background), timeout=timeout_s)

    # --- helpers ----------------------------------------------------------------------------------------------

    def _entry(self, conversation_id: str) -> Entry:
        entry = self.registry.get(conversation_id)
        if entry is None:
            raise NotFound(f"no conversation {conversation_id!r}")
        return entry

    async def _run(self, turn: Awaitable[TurnT]) -> TurnT:
        # Nodes turn a failing dependency into a handoff themselves; anything that still escapes is a bug or an
        # outage, answered as 503 so a client knows to retry rather than treat it as its own mistake.
        try:
            return await turn
        except Exception as error:
            log.exception("a graph run failed")
            raise Unavailable("the assistant could not process this request; please try again") from error

    async def _resume(self, entry: Entry, value: dict[str, Any], actor: str) -> Turn:
        """A person's command or decision. One that fails is dropped (Conversations.resume), so it is answered once
        and never replayed into the next action; one whose arguments are unusable is the person's to fix (422)."""
        try:
            return await self.conversations.resume(entry.id, value, self._context(entry, actor))
        except BAD_COMMAND_ERRORS as error:
            log.warning("a person's command on %s failed: %r", entry.id, error)
            raise Invalid(f"the command could not be carried out ({_why(error)}); nothing was changed") from error
        except Exception as error:
            log.exception("a graph run failed")
            raise Unavailable("the assistant could not process this request; please try again") from error

    def _check_length(self, text: str) -> None:
        if len(text) > self.settings.max_message_length:
            raise TooLong(f"message is {len(text)} characters; the limit is {self.settings.max_message_length}")

    def _context(self, entry: Entry, actor: str = "bot") -> Context:
        return Context(shop_id=entry.shop_id, customer_id=entry.customer_id, actor=actor)

    def _reply(self, author: str, text: str, evidence_ids: list[str] | None = None) -> Reply:
        if author.startswith("agent:"):
            name = self._agent_names.get(author.removeprefix("agent:"))
            return Reply(role="agent", text=text, author_name=name, evidence_ids=evidence_ids or [])
        return Reply(role="bot", text=text, evidence_ids=evidence_ids or [])

    def _replies(self, turn_replies: list[dict[str, Any]]) -> list[Reply]:
        return [self._reply(str(r["author"]), str(r["text"]), list(r.get("evidence_ids") or [])) for r in turn_replies]

    async def _record(self, entry: Entry, status: str, request: dict[str, Any] | None, **extra: Any) -> Entry:
        """Bring the registry row in line with the checkpoint after a turn; fire webhooks on transitions.

        The write (and the read-back) run on a worker thread: a SQLite commit waits for the disk (an fsync,
        milliseconds), which on the event loop would stall every other conversation."""
        # A handoff a person has answered waits for the customer: nobody owes anything, it leaves the queue. A
        # person's request waiting for a supervisor puts the case in the queue as an approval.
        asks = (request or {}).get("approval_request")
        owed = request is not None and not (request.get("type") == "handoff" and request.get("answered"))
        pending = "approval" if asks else str(request.get("type")) if request and owed else None
        values: dict[str, Any] = {"status": status, "pending": pending, **extra}
        if request and pending == "handoff":
            values |= {
                "priority": str(request.get("priority") or "normal"),
                "reasons": list(request.get("reasons") or []),
                "summary": str(request.get("summary") or ""),
            }
        elif asks:
            preview = asks.get("preview") or {}
            asker = str(asks.get("requested_by")).removeprefix("agent:")
            values |= {
                "reasons": list(preview.get("approval_reasons") or []),
                "summary": f"{preview.get('summary') or 'Approve ' + str(asks.get('name'))} (asked by {asker})",
            }
        elif request and pending == "approval":
            preview = request.get("preview") or {}
            values |= {
                "reasons": list(request.get("reasons") or []),
                "summary": str(preview.get("summary") or f"Approve {request.get('action')}"),
            }
        customer = (request or {}).get("customer") or {}
        if customer.get("name"):
            values["customer_name"] = str(customer["name"])
        values["waiting_since"] = (entry.waiting_since or utcnow()) if pending else None
        if status in (Status.bot, Status.resolved):
            values["claimed_by"] = None
        if status in BOT_HELD and all(getattr(entry, key) == value for key, value in values.items()):
            # Most turns leave a bot conversation's row as it was. Nobody's list orders those by recency (the queue
            # and people's lists hold only human-held ones), so the write, a commit per turn, is skipped.
            return entry
        updated = await asyncio.to_thread(self._update, entry.id, values)
        event = WEBHOOK_EVENTS.get(status)
        if event and status != entry.status:
            await self.webhooks.emit(
                event,
                {
                    "conversation_id": entry.id,
                    "shop_id": entry.shop_id,
                    "status": status,
                    "priority": updated.priority,
                    "reasons": updated.reasons,
                    "summary": updated.summary,
                },
            )
        return updated

    async def _record_or_later(self, entry: Entry, status: str, request: dict[str, Any] | None) -> Entry:
        """_record, but a customer's finished turn is answered even when the database refuses the row's write.

        The turn is in the checkpoint already (the source of truth); the customer waiting for it gets its reply (a
        handoff's "a colleague will pick this up" included) rather than a 503 that invites a resend. The row, which
        the agents' queue reads, is written in the background as soon as the database takes writes again."""
        try:
            return await self._record(entry, status, request)
        except UNAVAILABLE_ERRORS as error:
            log.warning("registry row of %s not written (%s); retrying in the background", entry.id, error)
            task = asyncio.create_task(self._record_when_possible(entry.id))
            self._background.add(task)
            task.add_done_callback(self._background.discard)
            pending = str(request.get("type")) if request else None
            return replace(entry, status=status, pending=pending)

    async def _record_when_possible(self, conversation_id: str) -> None:
        deadline = asyncio.get_running_loop().time() + RECORD_RETRY_S
        pause = 0.5
        while True:
            await asyncio.sleep(pause)
            try:
                async with self._locks.hold(conversation_id):
                    # What the checkpoint says now: a later turn may have moved the conversation on meanwhile.
                    entry = self._entry(conversation_id)
                    status = str((await self.conversations.values(conversation_id)).get("status", Status.bot))
                    await self._record(entry, status, await self.conversations.pending_interrupt(conversation_id))
                return
            except UNAVAILABLE_ERRORS:
                if asyncio.get_running_loop().time() > deadline:
                    log.error("registry row of %s still not written; the next turn will write it", conversation_id)
                    return
                pause = min(pause * 2, 10.0)

    def _update(self, conversation_id: str, values: dict[str, Any]) -> Entry:
        updated = self.registry.update(conversation_id, **values)
        if updated is None:
            raise NotFound(f"no conversation {conversation_id!r}")
        return updated

    def queue_item(self, entry: Entry) -> QueueItem:
        waited = (utcnow() - entry.waiting_since).total_seconds() if entry.waiting_since else 0.0
        return QueueItem(
            conversation_id=entry.id,
            shop_id=entry.shop_id,
            status=entry.status,
            pending=entry.pending,
            priority=entry.priority,
            reasons=entry.reasons,
            summary=entry.summary,
            customer_id=entry.customer_id,
            customer_name=entry.customer_name,
            claimed_by=entry.claimed_by,
            created_at=_aware(entry.created_at),
            updated_at=_aware(entry.updated_at),
            waiting_since=_aware(entry.waiting_since) if entry.waiting_since else None,
            waiting_seconds=max(waited, 0.0),
        )

    # --- storefront -------------------------------------------------------------------------------------------

    async def start(self, shop_id: str, customer_id: str | None, client: str) -> Started:
        # Off the event loop: a database busy with another writer makes this wait (the rate limit counts there
        # too), and the loop serves everyone.
        return await asyncio.to_thread(self._start, shop_id, customer_id, client)

    def _start(self, shop_id: str, customer_id: str | None, client: str) -> Started:
        key = f"conversations:{shop_id}:{client}"
        if not self._new_conversations.allow(key):
            retry = self._new_conversations.retry_after_s(key)
            raise TooMany("too many new conversations from this address; please wait a moment", retry)
        if customer_id is not None:
            with session_factory(self.db_url)() as session:
                if session.get(Customer, customer_id) is None:
                    raise Unauthorized("the customer token names a customer this shop does not know")
        conversation_id = f"conv_{secrets.token_urlsafe(12)}"
        entry = self.registry.create(conversation_id, shop_id, customer_id, Status.bot)
        return Started(entry=entry, verified=customer_id is not None)

    async def send(self, conversation_id: str, text: str) -> TurnOut:
        self._check_length(text)
        async with self._locks.hold(conversation_id):
            # Read inside the lock: a turn queued behind another must see the row that turn left.
            entry = self._entry(conversation_id)
            turn = await self._run(self.conversations.send(conversation_id, text, self._context(entry)))
            entry = await self._record_or_later(entry, turn.status, turn.interrupt)
        return TurnOut(
            conversation_id=conversation_id,
            status=turn.status,
            replies=self._replies(turn.replies),
            waiting_for_person=entry.pending is not None,
        )

    def stream(self, conversation_id: str, text: str) -> AsyncIterator[bytes]:
        """Check the request now (so errors are plain HTTP errors), then stream the turn as server-sent events."""
        self._check_length(text)
        return self._stream(self._entry(conversation_id), text)

    async def _stream(self, entry: Entry, text: str) -> AsyncIterator[bytes]:
        # The turn runs in its own task and the response only listens: a customer closing the tab mid-turn must not
        # cancel the graph halfway (the reply is then in the history for the next poll).
        events: asyncio.Queue[bytes | None] = asyncio.Queue()
        task = asyncio.create_task(self._streamed_turn(entry, text, events))
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        while (event := await events.get()) is not None:
            yield event

    async def _streamed_turn(self, entry: Entry, text: str, events: asyncio.Queue[bytes | None]) -> None:
        conversation_id = entry.id
        config = self.conversations.config(conversation_id)
        try:
            async with self._locks.hold(conversation_id):
                entry = self._entry(conversation_id)
                events.put_nowait(_sse("status", {"stage": "received"}))
                before = len((await self.conversations.values(conversation_id)).get("messages", []))
                async for mode, chunk in self.conversations.graph.astream(
                    {"messages": [HumanMessage(mask_payment_data(text))]},
                    config,
                    context=self._context(entry),
                    stream_mode=["updates", "messages"],
                    durability=self.conversations.durability,
                ):
                    for event in self._stream_events(mode, chunk):
                        events.put_nowait(event)
                values = await self.conversations.values(conversation_id)
                status = str(values.get("status", Status.bot))
                request = await self.conversations.pending_interrupt(conversation_id)
                entry = await self._record_or_later(entry, status, request)
            new = [m for m in values.get("messages", [])[before + 1 :] if isinstance(m, AIMessage) and _visible(m)]
            out = TurnOut(
                conversation_id=conversation_id,
                status=status,
                replies=[
                    self._reply(_author(m), str(m.content), list(m.response_metadata.get("evidence_ids", [])))
                    for m in new
                ],
                waiting_for_person=entry.pending is not None,
            )
            events.put_nowait(_sse("reply", out.model_dump(mode="json")))
        except Exception:
            log.exception("streamed turn failed in %s", conversation_id)
            events.put_nowait(_sse("error", {"detail": "the assistant could not process this message; try again"}))
        finally:
            events.put_nowait(None)

    def _stream_events(self, mode: str, chunk: Any) -> list[bytes]:
        if mode == "updates":
            return [
                _sse("status", {"stage": "waiting_for_person" if node == "__interrupt__" else "node", "node": node})
                for node in chunk
            ]
        message, metadata = chunk
        node = metadata.get("langgraph_node")
        if not isinstance(message, AIMessage) or not message.content:
            return []
        if isinstance(message, AIMessageChunk):
            # Provisional until the final `reply`: a critique may still send the draft back for a rewrite.
            if node not in TOKEN_NODES or message.tool_call_chunks:
                return []
            return [_sse("token", {"node": node, "text": str(message.content)})]
        if node not in MESSAGE_NODES or message.tool_calls:
            return []
        evidence = list(message.response_metadata.get("evidence_ids", []))
        reply = self._reply(_author(message), str(message.content), evidence)
        return [_sse("message", reply.model_dump(mode="json"))]

    async def public_view(self, conversation_id: str, after: int = -1) -> PublicConversation:
        entry = self._entry(conversation_id)
        values = await self.conversations.values(conversation_id)
        messages: list[PublicMessage] = []
        for message in (m for m in values.get("messages", []) if _visible(m)):
            seq = len(messages)
            if isinstance(message, HumanMessage):
                messages.append(PublicMessage(seq=seq, role="customer", text=str(message.content)))
            else:
                assert isinstance(message, AIMessage)
                reply = self._reply(_author(message), str(message.content))
                messages.append(PublicMessage(seq=seq, role=reply.role, text=reply.text, author_name=reply.author_name))
        return PublicConversation(
            conversation_id=conversation_id,
            status=str(values.get("status", entry.status)),
            waiting_for_person=entry.pending is not None,
            messages=[m for m in messages if m.seq > after],
        )

    # --- agents -----------------------------------------------------------------------------------------------

    def queue(self, shop_id: str | None = None) -> list[QueueItem]:
        return [self.queue_item(entry) for entry in self.registry.waiting(shop_id)]

    def open_cases(self, agent: AgentAccount, mine: bool) -> list[QueueItem]:
        statuses = (*HUMAN_HELD, Status.awaiting_approval)
        entries = self.registry.with_people(statuses, claimed_by=agent.id if mine else None)
        return [self.queue_item(entry) for entry in entries]

    async def detail(self, conversation_id: str) -> AgentConversation:
        entry = self._entry(conversation_id)
        values = await self.conversations.values(conversation_id)
        request = await self.conversations.pending_interrupt(conversation_id)
        if request is None and values.get("handoff") and values.get("status") in HUMAN_HELD:
            # A person replied and the run ended: the case (customer, orders, what they want, the suggested reply)
            # stays on screen until it is handed back or resolved.
            request = packet(SupportState(**_state_fields(values)), conversation_id)
        lines = transcript(SupportState(messages=values.get("messages", []))) if values else []
        return AgentConversation(
            conversation=self.queue_item(entry),
            request=request,
            transcript=lines,
            notes=list(values.get("notes", [])),
            customer=values.get("customer"),
            pending_action=values.get("pending_action"),
        )

    def _check_claim(self, entry: Entry, agent: AgentAccount) -> None:
        if entry.claimed_by and entry.claimed_by != agent.id and agent.role != "supervisor":
            raise Conflict(f"conversation is claimed by {entry.claimed_by}")

    async def claim(self, conversation_id: str, agent: AgentAccount) -> Entry:
        entry = self._entry(conversation_id)
        if entry.pending is None and entry.status not in HUMAN_HELD:
            raise Conflict(f"conversation is {entry.status!r}: nobody needs to take it over")
        self._check_claim(entry, agent)
        override = agent.role == "supervisor"
        claimed = await asyncio.to_thread(self.registry.claim, conversation_id, agent.id, override=override)
        if claimed is None:  # another agent claimed it since we read the row
            raise Conflict(f"conversation is claimed by {self._entry(conversation_id).claimed_by}")
        return claimed

    async def _handoff_request(self, entry: Entry) -> dict[str, Any]:
        """The pending handoff; if a person already answered and the graph ended, pause it at handoff again."""
        # The agent may speak again before the customer does: the graph is paused at the handoff node again first.
        await self.conversations.reopen_handoff(entry.id, self._context(entry))
        request = await self.conversations.pending_interrupt(entry.id)
        if request is None:
            raise Conflict(f"conversation is {entry.status!r}: nothing is waiting for a person")
        if request.get("type") != "handoff":
            raise Conflict("conversation waits for an approval decision; use /approval")
        return request

    async def act(self, conversation_id: str, agent: AgentAccount, command: dict[str, Any]) -> ActionResult:
        """A person's handoff action: reply, note, tool, forward, handback or resolve."""
        if "text" in command and command["text"] is not None:
            self._check_length(str(command["text"]))
        if command["action"] == "tool" and command["name"] not in BY_NAME:
            raise Invalid(f"unknown tool {command['name']!r}; see GET /v1/agent/tools")
        self._entry(conversation_id)
        async with self._locks.hold(conversation_id):
            entry = self._entry(conversation_id)
            self._check_claim(entry, agent)
            await self._handoff_request(entry)
            # The role travels with the command: the tool run applies the approval matrix for it (server-side only;
            # a customer never reaches this path).
            value = {**command, "agent": agent.id, "role": agent.role}
            turn = await self._resume(entry, value, f"agent:{agent.id}")
            # Acting on an unclaimed case claims it; a supervisor stepping in leaves the claim with its owner.
            # Handing back or resolving clears it (_record).
            entry = await self._record(entry, turn.status, turn.interrupt, claimed_by=entry.claimed_by or agent.id)
            result = None
            if command["action"] == "tool":
                audit = (await self.conversations.values(conversation_id)).get("audit") or [{}]
                result = audit[-1].get("result")
        return ActionResult(
            conversation_id=conversation_id,
            status=turn.status,
            replies=self._replies(turn.replies),
            pending=entry.pending,
            claimed_by=entry.claimed_by,
            result=result,
        )

    @staticmethod
    def tools() -> dict[str, list[str]]:
        return tool_lists()

    async def decide(self, conversation_id: str, agent: AgentAccount, decision: dict[str, Any]) -> ActionResult:
        self._entry(conversation_id)
        async with self._locks.hold(conversation_id):
            entry = self._entry(conversation_id)
            request = await self.conversations.pending_interrupt(conversation_id)
            if request is None and entry.pending == "approval":
                return await self._finish_decided(entry, agent, decision)
            if request is not None and request.get("approval_request"):
                # A person's request, decided where the case is held: the person keeps the case.
                command = {**decision, "action": "decide", "agent": agent.id, "role": agent.role}
                turn = await self._resume(entry, command, f"agent:{agent.id}")
                entry = await self._record(entry, turn.status, turn.interrupt)
                values = await self.conversations.values(conversation_id)
                decided: dict[str, Any] = next(
                    (a for a in reversed(values.get("audit") or []) if a.get("type") == "approval"), {}
                )
                return ActionResult(
                    conversation_id=conversation_id,
                    status=turn.status,
                    replies=self._replies(turn.replies),
                    pending=entry.pending,
                    claimed_by=entry.claimed_by,
                    result=decided.get("result"),
                )
            if request is None or request.get("type") != "approval":
                raise Conflict(f"conversation is {entry.status!r}: no approval is pending")
            turn = await self._resume(entry, {**decision, "by": agent.id}, f"agent:{agent.id}")
            entry = await self._record(entry, turn.status, turn.interrupt)
        return ActionResult(
            conversation_id=conversation_id,
            status=turn.status,
            replies=self._replies(turn.replies),
            pending=entry.pending,
            claimed_by=entry.claimed_by,
        )

    async def _finish_decided(self, entry: Entry, agent: AgentAccount, decision: dict[str, Any]) -> ActionResult:
        """The case still shows an approval, but the graph holds none: the decision was taken and the process died
        before the conversation caught up (after the write committed, say). Finish that run, bring the case up to
        date, and tell this decision what really happened rather than answering 409 or pretending to reject."""
        context = self._context(entry, f"agent:{agent.id}")
        turn = await self._run(self.conversations.finish(entry.id, context))
        values = await self.conversations.values(entry.id)
        status = turn.status if turn is not None else str(values.get("status", Status.bot))
        entry = await self._record(entry, status, await self.conversations.pending_interrupt(entry.id))
        audit: list[dict[str, Any]] = list(values.get("audit") or [])
        earlier: dict[str, Any] = next((a for a in reversed(audit) if a.get("type") == "approval"), {})
        written = next((a for a in reversed(audit) if a.get("type") == "write"), None)
        outcome = {
            "already_decided": earlier.get("decision"),
            "decided_by": earlier.get("by"),
            "applied": written is not None,
            "your_decision": decision.get("decision"),
        }
        if written is not None and decision.get("decision") == "reject":
            outcome["note"] = "The write had already been applied before this rejection; it stands."
        return ActionResult(
            conversation_id=entry.id,
            status=status,
            replies=self._replies(turn.replies) if turn is not None else [],
            pending=entry.pending,
            claimed_by=entry.claimed_by,
            result=outcome,
        )


def _why(error: Exception) -> str:
    if isinstance(error, ArithmeticError):  # decimal's messages are class lists, not sentences
        return "a number in it is malformed or out of range"
    return f"{type(error).__name__}: {str(error)[:200]}"


def _state_fields(values: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(SupportState)}
    return {key: value for key, value in values.items() if key in names}


def _aware(moment: datetime) -> datetime:
    # The registry stores naive UTC; say so on the way out.
    return moment.replace(tzinfo=UTC)


def _sse(event: str, data: dict[str, Any]) -> bytes:
    return format_sse_event(event=event, data_str=json.dumps(data, default=str))
