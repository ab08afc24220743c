"""What the OpenAPI description says beyond the routes' signatures: the errors each route can answer, the token
formats, and the server-sent events of a streamed turn. /docs (Swagger UI) and /redoc render it with assets served
by the server itself (fastapi-offline), so the docs work on a machine without internet."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

from server.auth import TOKEN_FORMAT


class ErrorOut(BaseModel):
    """Every error the API answers itself: a sentence saying what is wrong (422s of a malformed body list the
    fields instead, in FastAPI's validation-error shape)."""

    detail: str


# What each status means on this API; a route lists the ones it can answer (see `errors`).
ERRORS: dict[int, str] = {
    401: "Missing or invalid credentials: shop key, conversation token, customer token or agent token.",
    403: "Valid credentials that do not open this: another conversation's token, or an agent who is not a supervisor.",
    404: "No such conversation.",
    409: "Not possible in the conversation's current state: nothing is pending for a person, another agent holds "
    "the case, the conversation is resolved, or an approval (not a handoff) is waiting.",
    413: "A message over the configured limit (SHOPDESK_MAX_MESSAGE_LENGTH, 2,000 characters by default), or a "
    "request body over 256 KB.",
    422: "A malformed request: a field missing or of the wrong type, an unknown tool, an 'edit' without args.",
    503: "The assistant failed to process this turn (an outage or a bug, logged); nothing was lost: retry.",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The `responses` of a route that can answer these errors, each with its meaning and body."""
    return {code: {"model": ErrorOut, "description": ERRORS[code]} for code in codes}


SSE_EVENTS = """\
With `?stream=true` the answer is a stream of server-sent events (`text/event-stream`), each `data` a JSON object:

- `status`: `{"stage": "received"}` first, then `{"stage": "node", "node": "<graph node>"}` as each step of the turn
  finishes, and `{"stage": "waiting_for_person"}` when the turn stops for a person (a handoff or an approval);
- `token`: `{"node": "act" | "draft" | "rewrite", "text": "..."}`, a model's provisional text as it is written (LLM
  engine only; a critique may still send it back for a rewrite);
- `message`: a finished customer-facing message, shaped like a `Reply` (`role`, `text`, `author_name`,
  `evidence_ids`);
- `reply`: the last event of a turn, with the same body as the JSON answer (`TurnOut`);
- `error`: `{"detail": "..."}` instead of `reply` when the turn failed; the customer may send the message again.
"""

DESCRIPTION = f"""\
The storefront chat and the agents' desk of ShopDesk, a hybrid AI + human support agent.

## Who calls what
- **Storefront** routes (`/v1/conversations`) are called by the chat widget on the shop's pages. Every call sends
  the shop's key (`X-Shop-Key`); calls on one conversation also send that conversation's token
  (`Authorization: Bearer <conversation_token>`), returned when it is opened: a token opens exactly one
  conversation.
- **Agent** routes (`/v1/agent`) are called by the console with a person's token
  (`Authorization: Bearer <agent token>`); deciding an approval needs a supervisor's.

## Tokens
{TOKEN_FORMAT}

## Streaming a turn
{SSE_EVENTS}
## Errors
Every error body is `{{"detail": "..."}}`; each route lists the statuses it can answer:
""" + "\n".join(f"- `{code}`: {meaning}" for code, meaning in ERRORS.items())


def require_every_credential(app: FastAPI) -> None:
    """FastAPI lists the security schemes a route depends on as alternatives (any one would do); a conversation's
    routes here need the shop key *and* the conversation token, so each route's schemes become one requirement."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()  # built once and cached by FastAPI; merging again changes nothing
        for operation in (op for path in schema["paths"].values() for op in path.values()):
            requirements = operation.get("security") or []
            if len(requirements) > 1:
                operation["security"] = [{name: scopes for each in requirements for name, scopes in each.items()}]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend the schema
