"""The FastAPI application: `create_app()` wires settings, the persistent graph, the registry and the routers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response, status
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse

from server.config import ServerSettings, get_server_settings
from server.desk import Desk, DeskError
from server.registry import Registry
from server.routers import agents, storefront
from server.webhooks import Webhooks
from shopdesk.conversations import Conversations
from shopdesk.runtime import open_graph
from shopdesk.settings import Settings, get_settings

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
# Far above any legitimate request (messages are capped at a few thousand characters): refuse before parsing.
MAX_BODY_BYTES = 256 * 1024


def create_app(settings: Settings | None = None, server_settings: ServerSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    server_settings = server_settings or get_server_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if server_settings.demo_secret_in_use:
            log.warning("using the demo customer-token secret; set SHOPDESK_CUSTOMER_TOKEN_SECRET in production")
        if server_settings.setup_on_start:
            from shopdesk.bootstrap import ensure_ready

            # Seeding and indexing are blocking and take a while on first run; keep the loop responsive.
            await asyncio.to_thread(ensure_ready, settings)
        secret = server_settings.webhook_secret
        webhooks = Webhooks(
            server_settings.webhook_urls,
            server_settings.webhook_timeout_s,
            secret.get_secret_value() if secret else None,
        )
        async with open_graph(settings) as graph:
            registry = Registry(settings.shop_database_url)
            app.state.desk = Desk(Conversations(graph), registry, server_settings, settings.shop_database_url, webhooks)
            app.state.server_settings = server_settings
            try:
                yield
            finally:
                await app.state.desk.drain()
                await webhooks.aclose()

    app = FastAPI(
        title="ShopDesk API",
        summary="Storefront chat and agent desk for the ShopDesk hybrid AI + human support agent.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=server_settings.cors_origins,
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "X-Shop-Key"],
    )

    @app.middleware("http")
    async def limit_body(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_BODY_BYTES:
            return JSONResponse({"detail": "request body too large"}, status.HTTP_413_CONTENT_TOO_LARGE)
        return await call_next(request)

    @app.exception_handler(DeskError)
    async def desk_error(request: Request, error: DeskError) -> JSONResponse:
        return JSONResponse({"detail": error.detail}, error.status_code)

    app.include_router(storefront.router)
    app.include_router(agents.router)

    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse("/docs")

    @app.get("/health", tags=["meta"])
    async def health() -> dict[str, str]:
        return {"status": "ok"}

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
