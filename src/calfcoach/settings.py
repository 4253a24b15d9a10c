"""Settings: one typed, frozen class, built from the environment when an entry point asks.

Nothing happens at import time (no environment read, no folder created): the CLI and the web
app factory call ``Settings.from_env()`` and pass the result down.

    CALFCOACH_HOME           data folder (default: the platform's user data dir)
    CALFCOACH_DATABASE_URL   database URL (default: SQLite file ``<home>/calfcoach.sqlite3``);
                             ``postgresql://`` and ``postgres://`` mean psycopg 3
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DATABASE_FILE", "Settings", "normalise_database_url", "sqlite_url"]

DATABASE_FILE = "calfcoach.sqlite3"


@dataclass(frozen=True, slots=True)
class Settings:
    home: Path
    """Folder for the SQLite database and other per-user data."""
    database_url: str
    """SQLAlchemy URL of the database (already normalised, see ``normalise_database_url``)."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build the settings from ``environ`` (default ``os.environ``); empty values are unset."""
        env = os.environ if environ is None else environ
        home_value = env.get("CALFCOACH_HOME", "").strip()
        if home_value:
            home = Path(home_value).expanduser()
        else:
            # Imported here: platformdirs is only needed when no home is given.
            import platformdirs

            home = Path(platformdirs.user_data_dir("calfcoach", appauthor=False))
        url_value = env.get("CALFCOACH_DATABASE_URL", "").strip()
        if url_value:
            database_url = normalise_database_url(url_value)
        else:
            database_url = sqlite_url(home / DATABASE_FILE)
        return cls(home=home, database_url=database_url)


def sqlite_url(path: Path) -> str:
    """SQLAlchemy URL of a SQLite file (absolute path, so the working folder does not matter)."""
    return f"sqlite:///{path.absolute()}"


def normalise_database_url(url: str) -> str:
    """Make ``postgresql://`` / ``postgres://`` use psycopg 3; leave other URLs as they are."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
