"""Settings: one typed, frozen class, built from the environment when an entry point asks.

Nothing happens at import time (no environment read, no folder created): the CLI and the web
app factory call ``Settings.from_env()`` and pass the result down.

    CALFCOACH_HOME           data folder (default: the platform's user data dir)
    CALFCOACH_DATABASE_URL   database URL (default: SQLite file ``<home>/calfcoach.sqlite3``);
                             ``postgresql://`` and ``postgres://`` mean psycopg 3
    CALFCOACH_SERVER         1: server mode (accounts required; issue 9); default: local
                             single-user mode
    CALFCOACH_SECRET_KEY     server mode: the secret the CSRF tokens are signed with (at
                             least 32 bytes, not a known example value)
    CALFCOACH_MAIL           where reset and invitation messages go: console (default) or
                             file:/path
    CALFCOACH_PUBLIC_URL     server mode: the address people open (https://coach.example.org),
                             the base of reset and invitation links (never the request's Host)
    CALFCOACH_TLS            1: the server speaks HTTPS itself (``serve --ssl-certfile``)
    CALFCOACH_PROXY          the addresses of a TLS-terminating proxy whose X-Forwarded-*
                             headers are trusted (``serve --proxy``), comma-separated
    CALFCOACH_WEB_THREADS    threads per web process that run the routes (``serve --threads``,
                             1-64; default 4 on SQLite, 2 on
                             PostgreSQL; D-133)

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
    "KNOWN_SECRETS",
    "SECRET_MIN_BYTES",
    "SECRET_VARIABLE",
    "check_server_settings",
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
SECRET_VARIABLE = "CALFCOACH_SECRET_KEY"
SECRET_MIN_BYTES = 32
KNOWN_SECRETS = frozenset(
    {
        "changeme",
        "change-me",
        "change_me",
        "secret",
        "secret-key",
        "secret_key",
        "your-secret-key",
        "dev",
        "development",
        "insecure",
        "calfcoach",
        "0" * 32,
        "0" * 64,
        "x" * 32,
        "a" * 32,
        "please-change-this-secret-key-now!",
        "replace-me-with-32-random-bytes-or-more",
    }
)
"""Secrets copied from examples and tutorials: refused however long they are."""
THREADS_VARIABLE = "CALFCOACH_WEB_THREADS"
DEFAULT_WEB_THREADS = {"sqlite": 4, "postgresql": 2}
"""Threads per web process by database when none is set (D-133, measured)."""
MIN_WEB_THREADS = 1
MAX_WEB_THREADS = 64
THREADS_ALLOWED = (
    f"{MIN_WEB_THREADS}-{MAX_WEB_THREADS} (default {DEFAULT_WEB_THREADS['sqlite']} on SQLite, "
    f"{DEFAULT_WEB_THREADS['postgresql']} on PostgreSQL)"
)
_PASSWORD = re.compile(r"^([^:/?#]+://[^/?#@]*?:)[^/?#]*@")


@dataclass(frozen=True, slots=True)
class Settings:
    home: Path
    """Folder for the SQLite database and other per-user data."""
    database_url: str
    """SQLAlchemy URL of the database (already normalised, see ``normalise_database_url``)."""
    server: bool = False
    """Server mode (issue 9): accounts required; False: local single-user mode."""
    secret_key: str = ""
    """Server mode: signs the CSRF tokens (``check_server_settings`` refuses a weak one)."""
    mail: str = "console"
    """Where messages go: ``console`` or ``file:/path`` (``calfcoach.mail``)."""
    public_url: str = ""
    """Server mode: the address people open; the base of the links sent by mail."""
    tls: bool = False
    """The app itself is served over HTTPS (uvicorn's certificate)."""
    proxy: tuple[str, ...] = ()
    """The trusted TLS-terminating proxies (their X-Forwarded-* headers are believed)."""
    web_threads: int | None = None
    """Threads per web process that run the routes (D-133: few, or the event loop starves);
    None: by the database (``DEFAULT_WEB_THREADS``)."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, web: bool = False) -> Settings:
        """Build the settings from ``environ`` (default ``os.environ``); empty values are unset.
        ``web``: also the web server's own settings (``CALFCOACH_WEB_THREADS``), which only
        ``serve`` and the app factory read, so a bad value there never stops a command."""
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
        proxy = tuple(p.strip() for p in env.get("CALFCOACH_PROXY", "").split(",") if p.strip())
        return cls(
            home=home,
            database_url=database_url,
            server=_flag(env.get("CALFCOACH_SERVER", "")),
            secret_key=env.get(SECRET_VARIABLE, ""),
            mail=env.get("CALFCOACH_MAIL", "").strip() or "console",
            public_url=env.get("CALFCOACH_PUBLIC_URL", "").strip().rstrip("/"),
            tls=_flag(env.get("CALFCOACH_TLS", "")),
            proxy=proxy,
            web_threads=web_threads_setting(env.get(THREADS_VARIABLE, "") if web else ""),
        )


def web_threads_setting(value: str, *, name: str = THREADS_VARIABLE) -> int | None:
    """The threads per web process that ``value`` asks for (empty: None, the database's
    default), or an ``InputError`` naming ``name`` and what is allowed."""
    from calfcoach.errors import InputError

    text = value.strip()
    if not text:
        return None
    try:
        threads = int(text)
    except ValueError:
        raise InputError(
            f"{name}: {text!r} is not a whole number; allowed: {THREADS_ALLOWED}"
        ) from None
    return checked_web_threads(threads, name=name)


def checked_web_threads(threads: int, *, name: str = THREADS_VARIABLE) -> int:
    """``threads`` if it is an allowed count, else an ``InputError`` naming ``name``."""
    from calfcoach.errors import InputError

    if not MIN_WEB_THREADS <= threads <= MAX_WEB_THREADS:
        raise InputError(f"{name}: {threads} is out of range; allowed: {THREADS_ALLOWED}")
    return threads


def web_threads_for(settings: Settings, *, sqlite: bool) -> int:
    """The threads a web process runs its routes on: the setting, else its database's
    default (D-133)."""
    if settings.web_threads is not None:
        return settings.web_threads
    return DEFAULT_WEB_THREADS["sqlite" if sqlite else "postgresql"]


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def check_server_settings(settings: Settings, host: str | None = None) -> None:
    """Refuse to serve in server mode with a weak secret or, on an address other machines
    reach (``host``), without TLS or a declared proxy (``InputError`` naming the setting).
    Local single-user mode is not checked."""
    from calfcoach.errors import InputError

    if not settings.server:
        return
    secret = settings.secret_key
    allowed = (
        f"at least {SECRET_MIN_BYTES} random bytes, e.g. the output of "
        "`python3 -c 'import secrets; print(secrets.token_urlsafe(48))'`"
    )
    if not secret.strip():
        raise InputError(
            f"{SECRET_VARIABLE}: is not set (server mode needs it); allowed: {allowed}"
        )
    if secret.strip().lower() in KNOWN_SECRETS:
        raise InputError(
            f"{SECRET_VARIABLE}: is a known example value, not a secret; allowed: {allowed}"
        )
    if len(secret.encode("utf-8")) < SECRET_MIN_BYTES:
        raise InputError(
            f"{SECRET_VARIABLE}: is too short ({len(secret.encode('utf-8'))} bytes); "
            f"allowed: {allowed}"
        )
    if len(set(secret)) < 8:
        raise InputError(
            f"{SECRET_VARIABLE}: repeats too few characters ({len(set(secret))} different) "
            f"to be random; allowed: {allowed}"
        )
    from urllib.parse import urlsplit

    try:
        public = urlsplit(settings.public_url)
        usable = public.scheme in ("http", "https") and bool(public.netloc) and not public.query
    except ValueError:  # "http://[::1": the URL parser itself refuses it
        usable = False
    if not usable:
        raise InputError(
            f"CALFCOACH_PUBLIC_URL: {settings.public_url!r} is not the server's address "
            "(reset and invitation links are built on it, never on a request's Host "
            "header); allowed: https://coach.example.org, or http://127.0.0.1:8000 on this "
            "machine"
        )
    if host is not None and not _is_loopback(host) and not settings.tls and not settings.proxy:
        raise InputError(
            f"--host: {host} is reachable from other machines, and server mode sends "
            "passwords and session cookies: give --ssl-certfile and --ssl-keyfile, or "
            "--proxy ADDRESS for a TLS-terminating proxy; allowed: 127.0.0.1 or ::1 without them"
        )


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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
