"""Storefront routes: what the chat widget on a shop's pages calls, on behalf of one customer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import StreamingResponse
from fastapi.sse import EventSourceResponse

from server.auth import RENEWED_TOKEN_HEADER, ConversationDep, ShopDep, conversation_token, verified_customer
from server.deps import DeskDep, ServerSettingsDep
from server.openapi import SSE_EVENTS, errors
from server.schemas import ConversationCreated, ConversationStart, MessageIn, PublicConversation, TurnOut

# Every storefront call needs the shop's key: a missing or unknown one is a 401 on every route.
router = APIRouter(prefix="/v1/conversations", tags=["storefront"], responses=errors(401))
STREAMED = {
    "description": "The turn: its replies and the conversation's status as JSON (`TurnOut`), or with "
    "`?stream=true` as server-sent events.\n\n" + SSE_EVENTS,
    "content": {
        "text/event-stream": {
            "schema": {"type": "string"},
            "example": 'event: status\ndata: {"stage": "received"}\n\nevent: reply\ndata: {"conversation_id": '
            '"conv_...", "status": "bot", "replies": [...], "waiting_for_person": false}\n\n',
        }
    },
}


@router.post("", status_code=status.HTTP_201_CREATED, responses=errors(413))
async def start_conversation(
    shop_id: ShopDep,
    desk: DeskDep,
    settings: ServerSettingsDep,
    request: Request,
    body: ConversationStart | None = None,
) -> ConversationCreated:
    """Open a conversation; with a customer token from the shop's backend the customer counts as verified."""
    token = body.customer_token if body else None
    customer_id = verified_customer(settings, shop_id, token) if token else None
    started = await desk.start(shop_id, customer_id, request.client.host if request.client else "unknown")
    return ConversationCreated(
        conversation_id=started.entry.id,
        conversation_token=conversation_token(settings, shop_id, started.entry.id),
        status=started.entry.status,
        verified=started.verified,
    )


@router.post(
    "/{conversation_id}/messages",
    response_model=TurnOut,
    responses={200: STREAMED, **errors(403, 404, 413, 503)},
)
async def send_message(
    access: ConversationDep,
    desk: DeskDep,
    body: MessageIn,
    stream: Annotated[bool, Query(description="Stream status, token and message events, then the reply.")] = False,
) -> TurnOut | StreamingResponse:
    """The customer's message; the answer is the bot's (or a person's) replies and the conversation's status."""
    if stream:
        response = EventSourceResponse(desk.stream(access.conversation_id, body.text))
        # A response returned as is does not get the headers the dependencies set.
        response.headers[RENEWED_TOKEN_HEADER] = access.renewed_token
        return response
    return await desk.send(access.conversation_id, body.text)


@router.get("/{conversation_id}", responses=errors(403, 404))
async def get_conversation(
    access: ConversationDep,
    desk: DeskDep,
    after: Annotated[int, Query(ge=-1, description="Only messages with a larger seq (for polling).")] = -1,
) -> PublicConversation:
    """What the customer may see: their messages and the bot's and agents' replies, never internal notes or tools."""
    return await desk.public_view(access.conversation_id, after)
