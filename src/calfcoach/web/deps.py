"""What routes depend on, as ``Annotated`` aliases (style notes, 5): one place to change how
a route gets its settings, database or templates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from calfcoach.settings import Settings

if TYPE_CHECKING:
    from calfcoach.bootstrap import Database

__all__ = ["DatabaseDep", "SettingsDep", "TemplatesDep"]


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def _templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


SettingsDep = Annotated[Settings, Depends(_settings)]
DatabaseDep = Annotated["Database", Depends(_database)]
TemplatesDep = Annotated[Jinja2Templates, Depends(_templates)]
