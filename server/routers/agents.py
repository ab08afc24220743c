"""Agent routes: the queue of conversations waiting for a person, and what a person can do in one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from server.auth import AgentDep, SupervisorDep
from server.deps import DeskDep
from server.openapi import errors
from server.schemas import (
    ActionResult,
    AgentConversation,
    AgentText,
    ApprovalDecision,
    Forward,
    HandBack,
    Queue,
    QueueItem,
    ToolRun,
    Tools,
)

# Every agent call needs a person's token: a missing or unknown one is a 401 on every route.
router = APIRouter(prefix="/v1/agent", tags=["agents"], responses=errors(401))
ConversationId = Annotated[str, Path(max_length=64)]
# A person's action resumes the conversation's graph: the case may not be theirs to act on (409), the text may be
# too long (413), and the run may fail (503).
ACTION_ERRORS = errors(404, 409, 413, 503)


@router.get("/queue")
async def queue(agent: AgentDep, desk: DeskDep, shop_id: Annotated[str | None, Query(max_length=64)] = None) -> Queue:
    """Conversations waiting for a person (an answer or an approval), most urgent and longest waiting first."""
    items = desk.queue(shop_id)
    return Queue(count=len(items), items=items)


@router.get("/conversations")
async def open_cases(
    agent: AgentDep,
    desk: DeskDep,
    mine: Annotated[bool, Query(description="Only the cases you have claimed.")] = False,
) -> Queue:
    """Conversations people hold (waiting, answered, forwarded or awaiting approval), most recently active first."""
    items = desk.open_cases(agent, mine)
    return Queue(count=len(items), items=items)


@router.get("/tools")
async def tools(agent: AgentDep, desk: DeskDep) -> Tools:
    """The shop tools a person can run in a conversation they handle."""
    return Tools(**desk.tools())


@router.get("/conversations/{conversation_id}", responses=errors(404))
async def conversation(conversation_id: ConversationId, agent: AgentDep, desk: DeskDep) -> AgentConversation:
    """Everything a person needs: the handoff packet or approval request, transcript, notes and customer."""
    return await desk.detail(conversation_id)


@router.post("/conversations/{conversation_id}/claim", responses=errors(404, 409))
async def claim(conversation_id: ConversationId, agent: AgentDep, desk: DeskDep) -> QueueItem:
    return desk.queue_item(await desk.claim(conversation_id, agent))


@router.post("/conversations/{conversation_id}/reply", responses=ACTION_ERRORS)
async def reply(conversation_id: ConversationId, body: AgentText, agent: AgentDep, desk: DeskDep) -> ActionResult:
    """Answer the customer as yourself; the conversation stays with you."""
    return await desk.act(conversation_id, agent, {"action": "reply", "text": body.text})


@router.post("/conversations/{conversation_id}/note", responses=ACTION_ERRORS)
async def note(conversation_id: ConversationId, body: AgentText, agent: AgentDep, desk: DeskDep) -> ActionResult:
    """An internal note: colleagues see it, the customer never does."""
    return await desk.act(conversation_id, agent, {"action": "note", "text": body.text})


@router.post("/conversations/{conversation_id}/tool", responses=ACTION_ERRORS)
async def tool(conversation_id: ConversationId, body: ToolRun, agent: AgentDep, desk: DeskDep) -> ActionResult:
    """Run a shop tool under your own name (writes are idempotent by `id` and audited). A write above a limit waits
    for a supervisor other than you in the approval queue (`result.queued_for_approval`)."""
    command = {"action": "tool", "name": body.name, "args": body.args, "id": body.id}
    return await desk.act(conversation_id, agent, command)


@router.post("/conversations/{conversation_id}/forward", responses=ACTION_ERRORS)
async def forward(conversation_id: ConversationId, body: Forward, agent: AgentDep, desk: DeskDep) -> ActionResult:
    """Pass the case to another team (warehouse, payments...)."""
    return await desk.act(conversation_id, agent, {"action": "forward", "text": body.text, "team": body.team})


@router.post("/conversations/{conversation_id}/handback", responses=ACTION_ERRORS)
async def handback(
    conversation_id: ConversationId, agent: AgentDep, desk: DeskDep, body: HandBack | None = None
) -> ActionResult:
    """Give the conversation back to the bot, optionally with a last message."""
    return await desk.act(conversation_id, agent, {"action": "handback", "text": body.text if body else None})


@router.post("/conversations/{conversation_id}/resolve", responses=errors(404, 409, 503))
async def resolve(conversation_id: ConversationId, agent: AgentDep, desk: DeskDep) -> ActionResult:
    return await desk.act(conversation_id, agent, {"action": "resolve"})


@router.post("/conversations/{conversation_id}/approval", responses=errors(403, 404, 409, 413, 503))
async def approval(
    conversation_id: ConversationId, body: ApprovalDecision, agent: SupervisorDep, desk: DeskDep
) -> ActionResult:
    """Approve, edit (change some arguments) or reject the write waiting for approval: the bot's, or a person's
    request above a limit (which needs a supervisor other than its requester). Supervisors only."""
    return await desk.decide(conversation_id, agent, body.model_dump())
