"""Request-scoped access to what the lifespan built, as Annotated aliases for the routers.

Dependencies here and in server.auth are `async def` although they never await: FastAPI runs a plain `def`
dependency on its thread pool, a thread hop per dependency per request for work that takes microseconds."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from server.config import ServerSettings
from server.desk import Desk


async def get_server_settings_of(request: Request) -> ServerSettings:
    settings: ServerSettings = request.app.state.server_settings
    return settings


async def get_desk(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


ServerSettingsDep = Annotated[ServerSettings, Depends(get_server_settings_of)]
DeskDep = Annotated[Desk, Depends(get_desk)]
