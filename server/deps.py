"""Request-scoped access to what the lifespan built, as Annotated aliases for the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from server.config import ServerSettings
from server.desk import Desk


def get_server_settings_of(request: Request) -> ServerSettings:
    settings: ServerSettings = request.app.state.server_settings
    return settings


def get_desk(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


ServerSettingsDep = Annotated[ServerSettings, Depends(get_server_settings_of)]
DeskDep = Annotated[Desk, Depends(get_desk)]
