"""Settings: one typed, frozen class, built from the environment when an entry point asks.

Nothing happens at import time (no environment read, no folder created): the CLI and the web
app factory call ``Settings.from_env()`` and pass the result down.

    CALFCOACH_HOME           data folder (default: the platform's user data dir)
    CALFCOACH_DATABASE_URL   database URL (default: SQLite file ``<home>/calfcoach.sqlite3``);
                             ``postgresql://`` and ``postgres://`` mean psycopg 3

A URL calfcoach cannot keep data in is refused here, naming the variable: an in-memory SQLite
database (``sqlite://``, ``sqlite:///``, ``sqlite:///:memory:``, ``mode=memory``), whose
data would be gone when the command ends, and a URL that does not parse (issue 7, items 2
and 12). The password of a URL never appears in a message.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DATABASE_FILE",
    "URL_VARIABLE",
    "Settings",
    "check_database_url",
    "hide_password",
    "normalise_database_url",
    "sqlite_url",
]

DATABASE_FILE = "calfcoach.sqlite3"
URL_VARIABLE = "CALFCOACH_DATABASE_URL"
URL_ALLOWED = (
    "a SQLite file (sqlite:///path/to/file.sqlite3) or PostgreSQL "
    "(postgresql://user:password@host:5432/dbname); unset it to use the default SQLite file"
)
_PASSWORD = re.compile(r"^([^:/?#]+://[^/?#@]*?:)[^/?#]*@")


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
            check_database_url(url_value)
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


def hide_password(url: str) -> str:
    """``url`` with the password (``user:password@``) replaced by ``***``; no parsing needed,
    so it works on a URL that does not parse."""
    return _PASSWORD.sub(r"\1***@", url)


def check_database_url(url: str, *, variable: str = URL_VARIABLE) -> None:
    """Refuse a database URL calfcoach cannot keep data in (``InputError`` naming ``variable``):
    an in-memory SQLite database, or a URL that does not parse. Standard library only (no
    SQLAlchemy at start-up); ``db.make_engine`` checks the rest."""
    from urllib.parse import urlsplit

    from calfcoach.errors import InputError

    shown = repr(hide_password(url))
    scheme, sep, rest = url.partition("://")
    if not sep or not scheme:
        raise InputError(f"{variable}: {shown} is not a database URL; allowed: {URL_ALLOWED}")
    if scheme.split("+", 1)[0].lower() == "sqlite":
        if _sqlite_in_memory(rest):
            raise InputError(
                f"{variable}: {shown} is an in-memory SQLite database (nothing stored in it "
                f"would be kept after the command); allowed: {URL_ALLOWED}"
            )
        return
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise InputError(
            f"{variable}: {shown} is not a valid database URL ({exc}); allowed: {URL_ALLOWED}"
        ) from None


def _sqlite_in_memory(rest: str) -> bool:
    """``rest`` is a ``sqlite://`` URL after the ``://``: is its database in memory?"""
    path, _, query = rest.partition("?")
    path = path.removeprefix("/")  # sqlite:///x -> x (host part is empty)
    if path in ("", ":memory:") or path.startswith(("file::memory:", ":memory:")):
        return True
    text = (path + "&" + query).lower().replace("%3d", "=")
    return "mode=memory" in text
