"""The FastAPI application: `create_app()` wires settings, the persistent graph, the registry and the routers."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from fastapi_offline import FastAPIOffline
from langchain_core.messages import HumanMessage
from starlette.types import ASGIApp, Receive, Scope, Send

from server.auth import RENEWED_TOKEN_HEADER
from server.balance import ShedWhenBusier, WorkerLoads, attached, publish_busyness
from server.config import ServerSettings, get_server_settings
from server.desk import UNAVAILABLE_ERRORS, Desk, DeskError, TooMany
from server.heap import settle_after_warm_up
from server.messages import customer_message
from server.openapi import DESCRIPTION, require_every_credential
from server.registry import Registry
from server.routers import agents, storefront
from server.turnlock import turn_locks
from server.webhooks import Webhooks, webhook_secret
from shopdesk.conversations import Conversations
from shopdesk.datafiles import make_private
from shopdesk.pii import install_log_filter
from shopdesk.profile import load_profile
from shopdesk.runtime import open_graph
from shopdesk.settings import Settings, get_settings

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
# Far above any legitimate request (messages are capped at a few thousand characters): refuse before parsing.
MAX_BODY_BYTES = 256 * 1024


class LimitBody:
    """Refuse a request whose declared body is over the limit before anything reads it.

    Plain ASGI rather than `@app.middleware("http")`: Starlette's BaseHTTPMiddleware runs every request through an
    extra task and memory streams, which costs more than the rest of the HTTP handling of a chat turn."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            length = next((value for name, value in scope["headers"] if name == b"content-length"), b"")
            if length.isdigit() and int(length) > self.max_bytes:
                response = JSONResponse({"detail": "request body too large"}, status.HTTP_413_CONTENT_TOO_LARGE)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class AsciiJSONResponse(JSONResponse):
    """JSON with every non-ASCII character escaped: a body echoing a client's lone surrogate ("\\ud800"), which
    UTF-8 cannot encode, still renders (the plain response raised, and the connection was reset)."""

    def render(self, content: object) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


RETRY_AFTER_S = 1

WARM_UP_MESSAGES = ("Hi", "What is your return policy?")


async def warm_up(settings: Settings) -> None:
    """Load the models, the knowledge index and every lazy path of a turn before the first customer arrives.

    Otherwise the first conversations pay seconds each, and concurrent first turns race to build the same
    singletons on several threads (memory that is freed afterwards but stays in the process's footprint). With the
    local engine that is two throwaway turns on a graph without a checkpointer (nothing is stored, nothing written);
    a remote model is not called for this, only the knowledge side is loaded. Then every sentence an answer may
    quote is embedded in one batch (a few seconds) instead of during the first customers' turns.
    """
    from graph.builder import builder
    from graph.context import Context
    from graph.services import get_services
    from graph.state import InputState
    from knowledge.answer import prepare_quotes

    try:
        if settings.resolved_engine == "local":
            scratch = builder.compile()
            for text in WARM_UP_MESSAGES:
                message = InputState(messages=[HumanMessage(text)])
                await scratch.ainvoke(message, context=Context(shop_id=settings.shop_id))
        retriever = await asyncio.to_thread(get_services(settings.shop_id).retriever)
        await asyncio.to_thread(retriever.warm_up)
        if settings.embedding_provider == "minilm":  # local and free; a paid embedding API is not called for this
            quotes = await asyncio.to_thread(prepare_quotes, retriever)
            log.info("warm-up: %d quotable sentences embedded", quotes)
    except Exception:  # a warm-up failure is the first customer's problem to report, not a reason not to start
        log.warning("warm-up failed; the first turns will load what they need", exc_info=True)


def create_app(
    settings: Settings | None = None,
    server_settings: ServerSettings | None = None,
    *,
    settle_heap: bool = False,
    loads: WorkerLoads | None = None,
) -> FastAPI:
    """The API app. `settle_heap` tunes the process's garbage collector after warm-up (see server.heap): right for
    a server process, which the app has to itself, wrong for a process that creates many apps (tests). `loads`:
    this worker's place among several, which then keep about equally busy (see server.balance)."""
    settings = settings or get_settings()
    server_settings = server_settings or get_server_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        server_settings.check_secrets()  # raises InsecureSettings, which says what to set
        if server_settings.demo_values_in_use():
            log.warning("demo mode on %s with the public demo secrets; never expose it", server_settings.host)
        install_log_filter(settings.redact)
        make_private(settings)
        if server_settings.setup_on_start:
            from shopdesk.bootstrap import ensure_ready

            # Seeding and indexing are blocking and take a while on first run; keep the loop responsive.
            await asyncio.to_thread(ensure_ready, settings)
        await warm_up(settings)
        urls = server_settings.webhook_urls
        configured = server_settings.webhook_secret
        webhooks = Webhooks(
            urls,
            server_settings.webhook_timeout_s,
            webhook_secret(configured.get_secret_value() if configured else None, settings.data_dir) if urls else None,
            db_url=settings.shop_database_url,
            max_attempts=server_settings.webhook_max_attempts,
        )
        webhooks.start()
        async with open_graph(settings) as graph:
            registry = Registry(settings.shop_database_url)
            # Checkpoints are written when a turn ends, not after each step (see Conversations for the trade-off).
            conversations = Conversations(graph, durability="exit")
            # Per conversation, across workers: file locks on one machine, advisory locks when PostgreSQL holds the
            # conversations (then any number of machines, no sticky routing).
            locks = turn_locks(settings.checkpoint_url, settings.data_dir / "locks")
            app.state.desk = Desk(conversations, registry, server_settings, settings.shop_database_url, webhooks, locks)
            app.state.server_settings = server_settings
            if settle_heap:
                log.debug("heap settled: %d long-lived objects frozen", settle_after_warm_up())
            publishing = asyncio.create_task(publish_busyness(loads)) if loads is not None else None
            try:
                yield
            finally:
                if publishing is not None:
                    publishing.cancel()
                await app.state.desk.drain()
                await webhooks.aclose()
                await locks.aclose()

    # FastAPI's own /docs and /redoc load Swagger UI and ReDoc from a CDN: a blank page offline. fastapi-offline
    # serves the same pages with the assets from its package (under /static-offline-docs).
    app = FastAPIOffline(
        title="ShopDesk API",
        summary="Storefront chat and agent desk for the ShopDesk hybrid AI + human support agent.",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
    )
    require_every_credential(app)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=server_settings.cors_origins,
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "X-Shop-Key"],
        expose_headers=[RENEWED_TOKEN_HEADER, "Retry-After"],
    )

    app.add_middleware(LimitBody, max_bytes=MAX_BODY_BYTES)
    if loads is not None:
        app.add_middleware(ShedWhenBusier, loads=loads)

    def told(request: Request, status_code: int) -> str:
        """What the customer reads about a failed request (the widget shows it), in their language."""
        languages = load_profile(settings.shop_id, settings.profiles_dir).languages
        return customer_message(status_code, request.headers.get("accept-language"), languages)

    @app.exception_handler(DeskError)
    async def desk_error(request: Request, error: DeskError) -> JSONResponse:
        headers = {"Retry-After": str(max(1, round(error.retry_after_s)))} if isinstance(error, TooMany) else None
        body = {"detail": error.detail, "message": told(request, error.status_code)}
        return AsciiJSONResponse(body, error.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        body = {"detail": jsonable_encoder(error.errors()), "message": told(request, 422)}
        return AsciiJSONResponse(body, status.HTTP_422_UNPROCESSABLE_CONTENT)

    async def database_unavailable(request: Request, error: Exception) -> JSONResponse:
        log.warning("database unavailable for %s %s: %s", request.method, request.url.path, error)
        return AsciiJSONResponse(
            {
                "detail": "the service is busy right now; please try again in a moment",
                "message": told(request, status.HTTP_503_SERVICE_UNAVAILABLE),
            },
            status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )

    for unavailable in UNAVAILABLE_ERRORS:
        app.add_exception_handler(unavailable, database_unavailable)

    app.include_router(storefront.router)
    app.include_router(agents.router)

    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse("/docs")

    @app.get("/health", tags=["meta"], openapi_extra={"security": []})  # public: probes send no credentials
    async def health() -> dict[str, str | int]:
        # The worker that answered: with several worker processes, tells a probe which ones are up.
        return {"status": "ok", "worker": os.getpid()}

    @app.get("/widget.js", include_in_schema=False)
    async def widget() -> FileResponse:
        return FileResponse(STATIC / "widget.js", media_type="text/javascript")

    @app.get("/console", include_in_schema=False)
    async def console() -> FileResponse:
        return FileResponse(STATIC / "console.html", media_type="text/html")

    @app.get("/demo", include_in_schema=False)
    async def demo_storefront() -> FileResponse:
        return FileResponse(STATIC / "demo.html", media_type="text/html")

    return app


def create_server_app() -> FastAPI:
    """The app as `python -m server` runs it in each worker process."""
    return create_app(settle_heap=True, loads=attached())
