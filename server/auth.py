"""Who is calling: a storefront (shop key), a customer in one conversation (signed token), or a person (agent token).

Customer and conversation tokens are standard JWTs (HS256, PyJWT), stateless: a conversation token names exactly one
conversation, so a customer can never read another's, and a customer token (signed by the shop's backend with the
shared secret) names the customer the storefront has already logged in. Both must carry an expiry and their own
audience, so neither can stand in for the other; a conversation token's expiry slides with use (see
`_conversation_access`).
"""

from __future__ import annotations

import functools
import hmac
import json
import threading
import time
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from typing import Annotated, Any

import jwt
from fastapi import Depends, HTTPException, Path, Response, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from jwt.algorithms import HMACAlgorithm
from jwt.utils import base64url_encode
from jwt.warnings import InsecureKeyLengthWarning

from server.config import AgentAccount, ServerSettings
from server.deps import ServerSettingsDep

TOKEN_FORMAT = """\
Customer and conversation tokens are `<body>.<mac>`: `body` is the payload as compact JSON (sorted keys), base64url
without padding; `mac` is the HMAC-SHA256 of `body` (the base64url text) keyed with `SHOPDESK_CUSTOMER_TOKEN_SECRET`,
base64url without padding.

- A **customer token** is signed by the shop's backend for its logged-in customer and sent once, as
  `customer_token` when a conversation is opened; the bot then treats the customer as verified. Payload:
  `{"kind": "customer", "shop": "<shop id>", "sub": "<customer id>", "exp": <unix time>}`. Mint one with
  `python -m server customer-token <customer id> [--shop demo] [--ttl 3600]`.
- A **conversation token** is returned by `POST /v1/conversations` and opens that conversation only. Payload:
  `{"kind": "conversation", "shop": "<shop id>", "cid": "<conversation id>"}`.
- An **agent token** is an opaque bearer token configured per person in `SHOPDESK_AGENT_TOKENS`, with a role
  (`agent` or `supervisor`).
"""

# Three credentials, three schemes: the docs then say which one each route wants (both tokens are bearer tokens).
_shop_key = APIKeyHeader(
    name="X-Shop-Key",
    scheme_name="ShopKey",
    auto_error=False,
    description="The shop's storefront API key (SHOPDESK_STOREFRONT_KEYS), sent by the chat widget on every call.",
)
_conversation_bearer = HTTPBearer(
    scheme_name="ConversationToken",
    auto_error=False,
    description="The conversation token returned when the conversation was opened; it opens that one only.",
)
_agent_bearer = HTTPBearer(
    scheme_name="AgentToken",
    auto_error=False,
    description="A person's token (SHOPDESK_AGENT_TOKENS); deciding approvals needs a supervisor's.",
)

ALGORITHM = "HS256"
AUDIENCES = {"customer": "shopdesk:customer", "conversation": "shopdesk:conversation"}
# What every token must carry (a token that never expires is refused), and what each kind carries besides.
REQUIRED = ["exp", "aud"]
CLAIMS = {"customer": ("sub", "shop"), "conversation": ("cid", "shop")}
# Clocks of the shop's backend and this server may differ a little.
LEEWAY_S = 30
# Where a conversation's renewed token travels (a header, so that every route and client reads it the same way).
RENEWED_TOKEN_HEADER = "X-Conversation-Token"


class TokenError(ValueError):
    """A token that is malformed, forged, expired or of the wrong kind."""


# Every answer on a conversation carries a renewed token, so signing is on every turn's path. PyJWT's own HS256 signs;
# what jwt.encode adds each call is the key's preparation (refusing a secret that is a PEM, DER, SSH or JWK key, by
# trying to parse it as each), which gives the same answer for the same secret: it is done once per secret.
_HS256 = HMACAlgorithm(HMACAlgorithm.SHA256)
_HEADER = base64url_encode(json.dumps({"alg": ALGORITHM, "typ": "JWT"}, separators=(",", ":")).encode())


@functools.lru_cache(maxsize=16)
def _signing_key(secret: str) -> bytes:
    key = _HS256.prepare_key(secret)
    # As jwt.encode does: a secret shorter than the hash is signed with, but said (once per secret here).
    if too_short := _HS256.check_key_length(key):
        warnings.warn(too_short, InsecureKeyLengthWarning, stacklevel=3)
    return key


def sign(payload: dict[str, Any], secret: str) -> str:
    """The JWT jwt.encode(payload, secret, algorithm="HS256") makes, byte for byte (the payload's claims are numbers
    and strings)."""
    body = base64url_encode(json.dumps(payload, separators=(",", ":")).encode())
    signing_input = _HEADER + b"." + body
    return (signing_input + b"." + base64url_encode(_HS256.sign(signing_input, _signing_key(secret)))).decode()


# A client sends the same conversation token turn after turn: its signature and claims are checked once and the
# payload remembered, so a later use checks only the expiry (the one check whose answer changes with time).
VERIFIED_TOKENS = 4096
_verified: OrderedDict[tuple[str, str, str], dict[str, Any]] = OrderedDict()
_verified_lock = threading.Lock()


def verify(token: str, secret: str, kind: str) -> dict[str, Any]:
    """The payload of a valid token of this kind; TokenError says what is wrong, in words a client can act on."""
    key = (token, secret, kind)
    with _verified_lock:
        known = _verified.get(key)
        if known is not None:
            _verified.move_to_end(key)
    if known is not None:
        # PyJWT's own test: expired once the expiry is at or before now less the leeway.
        if int(known["exp"]) <= time.time() - LEEWAY_S:
            raise TokenError("token expired")
        return dict(known)
    payload = _verify(token, secret, kind)
    with _verified_lock:
        _verified[key] = payload
        while len(_verified) > VERIFIED_TOKENS:
            _verified.popitem(last=False)
    return dict(payload)


def _verify(token: str, secret: str, kind: str) -> dict[str, Any]:
    try:
        payload: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=AUDIENCES[kind],
            leeway=LEEWAY_S,
            options={"require": REQUIRED},
        )
    except jwt.ExpiredSignatureError as error:
        raise TokenError("token expired") from error
    except jwt.MissingRequiredClaimError as error:
        raise TokenError(f"the token has no {error.claim!r} claim") from error
    except jwt.InvalidAudienceError as error:
        raise TokenError(f"not a {kind} token") from error
    except jwt.InvalidSignatureError as error:
        raise TokenError("bad signature") from error
    except jwt.InvalidTokenError as error:  # malformed, or a claim of the wrong type ("exp": "never")
        raise TokenError(f"malformed token ({error})") from error
    for claim in CLAIMS[kind]:
        if not isinstance(payload.get(claim), str) or not payload[claim]:
            raise TokenError(f"the token has no {claim!r} claim")
    return payload


def customer_token(settings: ServerSettings, shop_id: str, customer_id: str, ttl_s: int | None = None) -> str:
    """What the shop's backend hands its logged-in customer's widget (here for the CLI, tests and the docs)."""
    now = int(time.time())
    expires = now + (ttl_s if ttl_s is not None else settings.customer_token_ttl_s)
    payload = {"aud": AUDIENCES["customer"], "shop": shop_id, "sub": customer_id, "iat": now, "exp": expires}
    return sign(payload, settings.customer_token_secret.get_secret_value())


def conversation_token(settings: ServerSettings, shop_id: str, conversation_id: str) -> str:
    now = int(time.time())
    payload = {
        "aud": AUDIENCES["conversation"],
        "shop": shop_id,
        "cid": conversation_id,
        "iat": now,
        "exp": now + settings.conversation_token_ttl_s,
    }
    return sign(payload, settings.customer_token_secret.get_secret_value())


def verified_customer(settings: ServerSettings, shop_id: str, token: str) -> str:
    """The customer id a customer token vouches for, or 401."""
    try:
        payload = verify(token, settings.customer_token_secret.get_secret_value(), "customer")
    except TokenError as error:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, f"invalid customer token: {error}") from error
    if payload.get("shop") != shop_id or not isinstance(payload.get("sub"), str) or not payload["sub"]:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "customer token is not for this shop")
    return str(payload["sub"])


async def _shop_of_key(settings: ServerSettingsDep, key: Annotated[str | None, Depends(_shop_key)]) -> str:
    if not key:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing X-Shop-Key header")
    # Compare against every key so the time taken says nothing about which prefix matched.
    found = [shop for shop, known in settings.storefront_keys.items() if hmac.compare_digest(known, key)]
    if not found:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown shop key")
    return found[0]


ShopDep = Annotated[str, Depends(_shop_of_key)]
ConversationBearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_conversation_bearer)]
AgentBearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_agent_bearer)]


@dataclass(frozen=True)
class ConversationAccess:
    shop_id: str
    conversation_id: str
    renewed_token: str


async def _conversation_access(
    settings: ServerSettingsDep,
    shop_id: ShopDep,
    credentials: ConversationBearerDep,
    conversation_id: Annotated[str, Path(max_length=64)],
    response: Response,
) -> ConversationAccess:
    if credentials is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing conversation token (Authorization: Bearer ...)")
    try:
        payload = verify(credentials.credentials, settings.customer_token_secret.get_secret_value(), "conversation")
    except TokenError as error:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, f"invalid conversation token: {error}") from error
    if payload.get("shop") != shop_id or payload.get("cid") != conversation_id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this token does not open that conversation")
    # Sliding expiry: a conversation in use never locks its customer out, an abandoned one's token runs out.
    renewed = conversation_token(settings, shop_id, conversation_id)
    response.headers[RENEWED_TOKEN_HEADER] = renewed
    return ConversationAccess(shop_id=shop_id, conversation_id=conversation_id, renewed_token=renewed)


ConversationDep = Annotated[ConversationAccess, Depends(_conversation_access)]


async def _agent(settings: ServerSettingsDep, credentials: AgentBearerDep) -> AgentAccount:
    if credentials is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing agent token (Authorization: Bearer ...)")
    token = credentials.credentials
    found = [account for known, account in settings.agent_tokens.items() if hmac.compare_digest(known, token)]
    if not found:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown agent token")
    return found[0]


AgentDep = Annotated[AgentAccount, Depends(_agent)]


async def _supervisor(agent: AgentDep) -> AgentAccount:
    if agent.role != "supervisor":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only a supervisor may decide approvals")
    return agent


SupervisorDep = Annotated[AgentAccount, Depends(_supervisor)]
