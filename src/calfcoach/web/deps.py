"""What routes depend on, as ``Annotated`` aliases (style notes, 5): one place to change how
a route gets its settings, database or templates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from calfcoach.settings import Settings

if TYPE_CHECKING:
    from calfcoach.bootstrap import Database

__all__ = ["AthleteNameDep", "DatabaseDep", "NoAthleteYet", "SettingsDep", "TemplatesDep"]


class NoAthleteYet(Exception):
    """No athlete is stored: pages send the visitor to onboarding (``/welcome``)."""


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


def _local_athlete(request: Request) -> str:
    """Local single-user mode: the athlete is the first one stored (by when it was added).
    Accounts and coaches (issue 9) replace this with the signed-in actor's athlete."""
    from calfcoach.services.athletes import list_athletes

    athletes = list_athletes(_database(request))
    if not athletes:
        raise NoAthleteYet
    first = min(athletes, key=lambda a: a.created_at)
    return first.name


AthleteNameDep = Annotated[str, Depends(_local_athlete)]
"""The name of the athlete the pages show (the services take names until issue 8 part 1's
refactor gives them ids; then this becomes the athlete id)."""
