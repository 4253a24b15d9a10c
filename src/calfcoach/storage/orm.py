"""Tables, as SQLAlchemy 2 declarative models. Storage only: no business rules live here.

The migrations in ``versions/`` (0001 to 0009) spell out the same schema by hand; a test
compares the two (``tests/integration/test_migrations.py``), so change both together.

Times are stored timezone-aware (``AwareDateTime``): UTC in and UTC out on both backends.
The CHECK constraints are a backstop for the ranges the adapters validate first; their
names are readable so a violation can be reported as a sentence (see ``repositories``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from calfcoach.storage.records import CLIENT_ID_LENGTH

__all__ = [
    "AccessTokenRow",
    "AccountRow",
    "AthleteRow",
    "AuthSessionRow",
    "CoachLinkRow",
    "LoginThrottleRow",
    "OneTimeTokenRow",
    "AwareDateTime",
    "Base",
    "CalendarTokenRow",
    "CapacityTestRow",
    "CheckInRow",
    "ClearanceRow",
    "DayAnswerRow",
    "FixedSessionRow",
    "HopTestRow",
    "LoggedSetRow",
    "NoteRow",
    "PlanRow",
    "PlannedEventRow",
    "PlannedSessionRow",
    "RunRow",
    "SessionLogRow",
    "SnapshotRow",
    "json_type",
]

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def json_type() -> Any:
    """JSON everywhere, JSONB on PostgreSQL."""
    return JSON().with_variant(JSONB(), "postgresql")


class AwareDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware datetime, stored in UTC; naive datetimes are refused.

    PostgreSQL keeps the offset (``timestamptz``); SQLite has no datetime type and SQLAlchemy
    drops the offset there, so values are converted to UTC on the way in and marked UTC on
    the way out. Either way the application only ever sees aware UTC datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} (times must carry a timezone)")
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _created_at() -> Mapped[dt.datetime]:
    return mapped_column(AwareDateTime(), nullable=False)


def _athlete_fk() -> Mapped[int]:
    return mapped_column(
        Integer, ForeignKey("athletes.id", ondelete="CASCADE"), nullable=False, index=True
    )


def _range(column: str, low: float, high: float | None = None) -> str:
    column = f'"{column}"'  # quoted: "left" and "right" are SQL keywords
    if high is None:
        return f"{column} >= {low}"
    return f"{column} BETWEEN {low} AND {high}"


class AthleteRow(Base):
    __tablename__ = "athletes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)
    profile: Mapped[dict[str, Any]] = mapped_column(json_type(), nullable=False)
    created_at: Mapped[dt.datetime] = _created_at()
    # Added by 0003 (issue 7, item 20): ``core.names.name_key(name)``, the caseless form two
    # names are compared in; unique, so "Ana" and "ANA" cannot be two athletes.
    name_key: Mapped[str] = mapped_column(String(400), nullable=False)
    # Added by 0006 (issue 8, figures): raised by every write of engine input (the same
    # writes that drop engine snapshots, ``repositories._invalidate``); a stored answer
    # (``DayAnswerRow``) is current only while its revision is the athlete's.
    data_revision: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default="0"
    )

    __table_args__ = (
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        Index("uq_athletes_name_key", "name_key", unique=True),
        # Added by 0013 (D-165): the first athlete added, local mode's pages, by one entry.
        Index("ix_athletes_created_at_id", "created_at", "id"),
    )


class PlanRow(Base):
    """Every plan ever generated, with its inputs. A re-plan deactivates, never deletes."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    created_at: Mapped[dt.datetime] = _created_at()
    start: Mapped[dt.date] = mapped_column(Date, nullable=False)
    weeks: Mapped[int] = mapped_column(Integer, nullable=False)
    inputs: Mapped[dict[str, Any]] = mapped_column(json_type(), nullable=False)
    plan: Mapped[dict[str, Any]] = mapped_column(json_type(), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False)

    __table_args__ = (CheckConstraint(_range("weeks", 1, 52), name="weeks_range"),)


# At most one active plan per athlete, enforced by the database on both backends.
Index(
    "uq_plans_one_active_per_athlete",
    PlanRow.athlete_id,
    unique=True,
    sqlite_where=PlanRow.active,
    postgresql_where=PlanRow.active,
)


class PlannedSessionRow(Base):
    __tablename__ = "planned_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("plans.id", ondelete="CASCADE"), nullable=False
    )
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    week: Mapped[int] = mapped_column(Integer, nullable=False)
    deload: Mapped[bool] = mapped_column(Boolean, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    exercises: Mapped[list[dict[str, Any]]] = mapped_column(json_type(), nullable=False)
    # Added by 0002 (engine v2): a stopped session (R-PAIN-2a/2b) and its advice.
    status: Mapped[str] = mapped_column(
        String(10), nullable=False, default="planned", server_default="planned"
    )
    advice: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (
        Index("ix_planned_sessions_plan_id_date", "plan_id", "date"),
        CheckConstraint(_range("week", 1), name="week_range"),
        CheckConstraint("status IN ('planned', 'stopped')", name="status_values"),
    )


class SessionLogRow(Base):
    """One training day as it went: done, skipped, or moved to another day."""

    __tablename__ = "session_logs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("athletes.id", ondelete="CASCADE"), nullable=False
    )
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    plan_session_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("planned_sessions.id", ondelete="SET NULL"), nullable=True
    )
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    moved_to: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[dt.datetime] = _created_at()

    __table_args__ = (
        CheckConstraint("status IN ('done', 'skipped', 'moved')", name="status_values"),
        CheckConstraint(
            "(status = 'moved' AND moved_to IS NOT NULL) "
            "OR (status <> 'moved' AND moved_to IS NULL)",
            name="moved_to_iff_moved",
        ),
        Index("ix_session_logs_athlete_id_date", "athlete_id", "date"),
    )


_DOSE_COLUMNS = ("reps", "seconds", "distance_m", "contacts", "load_kg")


class LoggedSetRow(Base):
    """One set as done, with the planned dose beside the actual one."""

    __tablename__ = "logged_sets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_log_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("session_logs.id", ondelete="CASCADE"), nullable=False
    )
    exercise: Mapped[str] = mapped_column(String(60), nullable=False)
    set_number: Mapped[int] = mapped_column(Integer, nullable=False)
    side: Mapped[str] = mapped_column(String(5), nullable=False)
    reps: Mapped[int | None] = mapped_column(Integer)
    seconds: Mapped[int | None] = mapped_column(Integer)
    distance_m: Mapped[float | None] = mapped_column(Float)
    contacts: Mapped[int | None] = mapped_column(Integer)
    load_kg: Mapped[float | None] = mapped_column(Float)
    rpe: Mapped[int | None] = mapped_column(Integer)
    pain: Mapped[int | None] = mapped_column(Integer)
    planned_reps: Mapped[int | None] = mapped_column(Integer)
    planned_seconds: Mapped[int | None] = mapped_column(Integer)
    planned_distance_m: Mapped[float | None] = mapped_column(Float)
    planned_contacts: Mapped[int | None] = mapped_column(Integer)
    planned_load_kg: Mapped[float | None] = mapped_column(Float)
    scheme: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = _created_at()
    # Added by 0004 (issue 8): the athlete of the set's session log (kept here for the index
    # below; the rows go with their session log) and the id the client gave the set, so a
    # retried request (an offline phone sending its queue again) stores it once.
    athlete_id: Mapped[int | None] = mapped_column(Integer)
    client_id: Mapped[str | None] = mapped_column(String(CLIENT_ID_LENGTH))

    __table_args__ = (
        # A retried write of the same set cannot duplicate it.
        UniqueConstraint("session_log_id", "exercise", "set_number", "side"),
        Index("uq_logged_sets_athlete_client", "athlete_id", "client_id", unique=True),
        CheckConstraint(_range("set_number", 1), name="set_number_range"),
        CheckConstraint("side IN ('left', 'right', 'both')", name="side_values"),
        CheckConstraint(_range("rpe", 1, 10), name="rpe_range"),
        CheckConstraint(_range("pain", 0, 10), name="pain_range"),
        *(
            CheckConstraint(
                _range(f"{prefix}{column}", 0, 500 if column == "load_kg" else None),
                name=f"{prefix}{column}_range",
            )
            for prefix in ("", "planned_")
            for column in _DOSE_COLUMNS
        ),
    )


class CheckInRow(Base):
    """Next-morning pain and stiffness, one per athlete and day."""

    __tablename__ = "checkins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("athletes.id", ondelete="CASCADE"), nullable=False
    )
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    pain: Mapped[int] = mapped_column(Integer, nullable=False)
    stiffness: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[dt.datetime] = _created_at()
    # Added by 0002 (R-PAIN-2a): the red flags answered yes, a sorted JSON list of names.
    red_flags: Mapped[list[str]] = mapped_column(
        json_type(), nullable=False, default=list, server_default=text("'[]'")
    )

    __table_args__ = (
        UniqueConstraint("athlete_id", "date"),
        CheckConstraint(_range("pain", 0, 10), name="pain_range"),
        CheckConstraint(_range("stiffness", 0, 10), name="stiffness_range"),
    )


class CapacityTestRow(Base):
    __tablename__ = "capacity_tests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    knee: Mapped[str] = mapped_column(String(10), nullable=False)
    left: Mapped[int] = mapped_column(Integer, nullable=False)
    right: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[dt.datetime] = _created_at()

    __table_args__ = (
        CheckConstraint("knee IN ('straight', 'bent', 'none')", name="knee_values"),
        CheckConstraint(_range("left", 0, 500), name="left_range"),
        CheckConstraint(_range("right", 0, 500), name="right_range"),
    )


class NoteRow(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[dt.datetime] = _created_at()


# --------------------------------------------------------------------------- 0002: engine v2


class HopTestRow(Base):
    """The hop test (R-TEST-5): hops done per leg and the pain during it."""

    __tablename__ = "hop_tests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    hops: Mapped[int] = mapped_column(Integer, nullable=False)
    pain: Mapped[int] = mapped_column(Integer, nullable=False)
    side: Mapped[str] = mapped_column(String(5), nullable=False)
    created_at: Mapped[dt.datetime] = _created_at()

    __table_args__ = (
        CheckConstraint(_range("hops", 0, 500), name="hops_range"),
        CheckConstraint(_range("pain", 0, 10), name="pain_range"),
        CheckConstraint("side IN ('left', 'right', 'both')", name="side_values"),
    )


class ClearanceRow(Base):
    """A clinician's clearance recorded by the athlete (R-PAIN-2a): lifts a red-flag stop."""

    __tablename__ = "clearances"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = _created_at()

    __table_args__ = (CheckConstraint("note IS NULL OR length(note) <= 2000", name="note_length"),)


class FixedSessionRow(Base):
    """R-HIST: a session as it was given, one row per version (1, 2, ...) of a plan's day.

    Rows are only ever added: a later version (a stop, a race entered for that day) never
    replaces an earlier one. ``session`` is the stored session document (``plan_doc``).
    """

    __tablename__ = "fixed_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    plan_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("plans.id", ondelete="CASCADE"), nullable=False
    )
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    fixed_at: Mapped[dt.datetime] = mapped_column(AwareDateTime(), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    session: Mapped[dict[str, Any]] = mapped_column(json_type(), nullable=False)

    __table_args__ = (
        UniqueConstraint("plan_id", "date", "version"),
        CheckConstraint(_range("version", 1), name="version_range"),
        CheckConstraint("length(reason) > 0", name="reason_not_empty"),
    )


class SnapshotRow(Base):
    """The engine's state per athlete and plan after the day ``as_of`` (one row, replaced).

    Any write of log data dated d drops the athlete's snapshots with ``as_of >= d``
    (``repositories``), so a snapshot never stands for a log it has not seen.
    """

    __tablename__ = "engine_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    plan_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("plans.id", ondelete="CASCADE"), nullable=False
    )
    as_of: Mapped[dt.date] = mapped_column(Date, nullable=False)
    state: Mapped[dict[str, Any]] = mapped_column(json_type(), nullable=False)
    created_at: Mapped[dt.datetime] = _created_at()

    __table_args__ = (UniqueConstraint("athlete_id", "plan_id"),)


class CalendarTokenRow(Base):
    """An athlete's calendar subscription address (``/calendar/{token}.ics``, issue 8 part 2).

    Only the SHA-256 of the random token is kept (like a password: a copy of the database
    does not give the addresses away); one per athlete, replaced when it is rotated. Added
    by 0005."""

    __tablename__ = "calendar_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("athletes.id", ondelete="CASCADE"), nullable=False
    )
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[dt.datetime] = _created_at()

    __table_args__ = (
        UniqueConstraint("athlete_id"),
        UniqueConstraint("token_hash"),
    )


class DayAnswerRow(Base):
    """A computed answer about one day of an athlete (today's session as JSON), kept while
    nothing it was computed from has changed: its ``revision`` is the athlete's
    ``data_revision`` when the computation started, and ``code`` the code that computed it
    (``code_id.answer_code``: the version, a digest of the package's files and what else the
    answer depends on, D-163). Derived data only: dropping every row loses nothing (0006,
    issue 8)."""

    __tablename__ = "day_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)

    __table_args__ = (UniqueConstraint("athlete_id", "date", "kind"),)


class RunRow(Base):
    """An imported activity (issue 10, item 1): one row per activity file's activity.

    The columns are what lists and totals read; ``activity`` is the whole validated
    ``core.running.Activity`` (pace windows, heart-rate histogram) so the core rules
    (RUN-WEEK-1, RUN-SPIKE-1) can recompute from it. ``fingerprint`` is unique per athlete
    (RUN-DUP-1's exact duplicates). Added by 0007."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    start: Mapped[dt.datetime] = mapped_column(AwareDateTime(), nullable=False)
    local_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    sport: Mapped[str] = mapped_column(String(20), nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    kind_source: Mapped[str] = mapped_column(String(10), nullable=False)
    distance_m: Mapped[float | None] = mapped_column(Float)
    duration_s: Mapped[float] = mapped_column(Float, nullable=False)
    moving_s: Mapped[float] = mapped_column(Float, nullable=False)
    load: Mapped[float] = mapped_column(Float, nullable=False)
    load_basis: Mapped[str] = mapped_column(String(10), nullable=False)
    avg_hr: Mapped[float | None] = mapped_column(Float)
    max_hr: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(500), nullable=False)
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    activity: Mapped[dict[str, Any]] = mapped_column(json_type(), nullable=False)
    created_at: Mapped[dt.datetime] = _created_at()

    __table_args__ = (
        UniqueConstraint("athlete_id", "fingerprint"),
        Index("ix_runs_athlete_id_local_date", "athlete_id", "local_date"),
        CheckConstraint("kind IN ('easy', 'hard', 'long')", name="kind_known"),
        CheckConstraint("kind_source IN ('auto', 'edited')", name="kind_source_known"),
        CheckConstraint("load_basis IN ('rpe', 'trimp', 'estimate')", name="load_basis_known"),
        CheckConstraint(_range("duration_s", 0), name="duration_range"),
        CheckConstraint(_range("moving_s", 0), name="moving_range"),
        CheckConstraint(_range("load", 0), name="load_range"),
    )


class PlannedEventRow(Base):
    """A run or race of the athlete's imported training calendar (issue 10, item 2).

    ``kind`` is easy, hard, long or race; ``source`` names the calendar it came from (a
    re-import of the same calendar replaces its events). Added by 0007."""

    __tablename__ = "planned_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    start: Mapped[dt.datetime | None] = mapped_column(AwareDateTime())
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    detail: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    distance_km: Mapped[float | None] = mapped_column(Float)
    tune_up: Mapped[bool] = mapped_column(Boolean, nullable=False)
    source: Mapped[str] = mapped_column(String(500), nullable=False)
    uid: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = _created_at()

    __table_args__ = (
        CheckConstraint("kind IN ('easy', 'hard', 'long', 'race')", name="kind_known"),
    )


class AccessTokenRow(Base):
    """A personal access token for scripts (``Authorization: Bearer``, issue 8 part 3).

    Only the SHA-256 of the random token is kept; a revoked token keeps its row (the list
    shows when it was revoked) and never authenticates again. ``scopes``: the words of
    ``services.tokens.SCOPES``, space-separated (``read log``). ``account_id`` is for
    issue 9 (accounts): NULL for the tokens of the local user. Added by 0008."""

    __tablename__ = "access_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    scopes: Mapped[str] = mapped_column(String(100), nullable=False)
    account_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = _created_at()
    last_used_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime(), nullable=True)

    __table_args__ = (
        UniqueConstraint("token_hash"),
        CheckConstraint("length(name) > 0", name="token_name_not_empty"),
    )


class AccountRow(Base):
    """A person who signs in (issue 9, server mode). ``email_key`` is the e-mail address in
    lower case: unique, so two spellings of one address are one account. ``password_hash``
    is an argon2id hash (``services.accounts``), NULL until the person sets a password;
    ``athlete_id`` is the athlete account's own athlete (NULL before onboarding, and for a
    coach or an admin without training of their own). A disabled account keeps its row.
    Added by 0009."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    email_key: Mapped[str] = mapped_column(String(254), nullable=False)
    display_name: Mapped[str] = mapped_column(String(100), nullable=False)
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, nullable=False)
    is_coach: Mapped[bool] = mapped_column(Boolean, nullable=False)
    athlete_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("athletes.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[dt.datetime] = _created_at()
    disabled_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime(), nullable=True)

    __table_args__ = (
        UniqueConstraint("email_key"),
        UniqueConstraint("athlete_id"),
        CheckConstraint("length(email) > 2", name="email_not_empty"),
    )


class AuthSessionRow(Base):
    """A signed-in browser: the SHA-256 of the session cookie's random token (never the
    token), the session's CSRF secret, and when it was made, last seen and expires. Logout
    deletes the row; logout everywhere deletes the account's rows. Added by 0009."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    account_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    csrf_secret: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[dt.datetime] = _created_at()
    last_seen_at: Mapped[dt.datetime] = mapped_column(AwareDateTime(), nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(AwareDateTime(), nullable=False)

    __table_args__ = (UniqueConstraint("token_hash"),)


class LoginThrottleRow(Base):
    """Failed logins of one key (``email:<address>`` or ``ip:<address>``) since
    ``window_start``, and the end of its lockout. In the database, not in a process: a
    lockout survives a restart and holds for every worker. Added by 0009."""

    __tablename__ = "login_throttle"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), nullable=False)
    failures: Mapped[int] = mapped_column(Integer, nullable=False)
    window_start: Mapped[dt.datetime] = mapped_column(AwareDateTime(), nullable=False)
    locked_until: Mapped[dt.datetime | None] = mapped_column(AwareDateTime(), nullable=True)

    __table_args__ = (UniqueConstraint("key"),)


class OneTimeTokenRow(Base):
    """A single-use link (``password_reset`` or ``invitation``): the SHA-256 of its token,
    the account it sets a password for, or the e-mail address and role an invitation makes an
    account for, who invited, when it expires and when it was used. Added by 0009."""

    __tablename__ = "one_time_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    purpose: Mapped[str] = mapped_column(String(20), nullable=False)
    account_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=True
    )
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    role: Mapped[str | None] = mapped_column(String(20), nullable=True)
    invited_by: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[dt.datetime] = _created_at()
    expires_at: Mapped[dt.datetime] = mapped_column(AwareDateTime(), nullable=False)
    used_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime(), nullable=True)

    __table_args__ = (
        UniqueConstraint("token_hash"),
        CheckConstraint("purpose IN ('password_reset', 'invitation')", name="purpose_known"),
        CheckConstraint("role IS NULL OR role IN ('athlete', 'coach', 'admin')", name="role_known"),
        CheckConstraint("account_id IS NOT NULL OR email IS NOT NULL", name="account_or_email"),
    )


class CoachLinkRow(Base):
    """A coach follows an athlete from ``started_at`` until ``ended_at`` (NULL: still
    does). Only an active link gives the coach access (``services.accounts``); an ended link
    stays for the record. Added by 0009."""

    __tablename__ = "coach_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    coach_account_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    athlete_id: Mapped[int] = _athlete_fk()
    started_at: Mapped[dt.datetime] = mapped_column(AwareDateTime(), nullable=False)
    ended_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime(), nullable=True)


class CoachInvitationRow(Base):
    """A coach's invitation link for an athlete (issue 9, part 3): only the SHA-256 of the
    token, single use (``used_at``), expiring; ``athlete_id`` the athlete who accepted it.
    Added by 0010."""

    __tablename__ = "coach_invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    coach_account_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(AwareDateTime(), nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(AwareDateTime(), nullable=False)
    used_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    athlete_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("athletes.id", ondelete="CASCADE"), nullable=True, index=True
    )
    # Added by 0011: the account that signed up through the link (before it has an athlete;
    # onboarding then links the coach and fills ``athlete_id``).
    account_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=True, index=True
    )


class CoachNoteRow(Base):
    """A coach's note to an athlete: on the plan (``day`` NULL, shown on Today and the plan
    page) or a comment on one day's session. Added by 0010."""

    __tablename__ = "coach_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    coach_account_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    coach_name: Mapped[str] = mapped_column(String(100), nullable=False)
    day: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(AwareDateTime(), nullable=False)


class AuditEventRow(Base):
    """One change a coach made to an athlete (issue 9): who, when, what, before and after.
    Added by 0010."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    actor_account_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    actor_name: Mapped[str] = mapped_column(String(254), nullable=False)
    at: Mapped[dt.datetime] = mapped_column(AwareDateTime(), nullable=False)
    what: Mapped[str] = mapped_column(String(40), nullable=False)
    before: Mapped[Any] = mapped_column(json_type(), nullable=True)
    after: Mapped[Any] = mapped_column(json_type(), nullable=True)
