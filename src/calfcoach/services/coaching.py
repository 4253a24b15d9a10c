"""The coach's flows (issue 9, part 3): invitations, the athlete's coaches, notes and
comments. Every change a coach makes is recorded through ``services/audit.py``.

    create_invitation(ctx, actor, coach_account_id=None) -> NewInvitation (the link's token)
    invitation_coach(ctx, token)                    -> the inviting coach's name (a page)
    accept_invitation(ctx, actor, token, athlete_id=None) -> CoachOut (a coach_links row)
    coaches_of(ctx, actor, athlete_id)              -> the athlete's coaches
    leave_coach(ctx, actor, athlete_id, coach_id)   the athlete ends the link: access ends
    coached(ctx, actor, coach_account_id=None)      -> the coach's athletes
    add_note(ctx, actor, athlete_id, text, day)     a plan note (day None) or a comment
    check_note / write_note                         the same inside another use case's unit
                                                    of work (a plan change with its note)
    notes_for(ctx, actor, athlete_id, day)          -> DayNotes (the plan note, the comments)

An invitation link is like the password-reset link: a random 256-bit token shown once,
only its SHA-256 stored, single use, valid ``INVITATION_VALID`` (D-108).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from calfcoach.errors import ForbiddenError, InputError, NotFoundError, Problem
from calfcoach.services.access import Actor, ensure_can, ensure_owner
from calfcoach.services.audit import is_coach_change, record
from calfcoach.services.inputs import check_date, check_text

if TYPE_CHECKING:
    from calfcoach.services.context import ServiceContext
    from calfcoach.storage.accounts import StoredAccount
    from calfcoach.storage.coaching import StoredCoachNote
    from calfcoach.storage.uow import AbstractUnitOfWork

__all__ = [
    "INVITATION_VALID",
    "NOTE_MAX",
    "CoachOut",
    "CoachedAthlete",
    "DayNotes",
    "NewInvitation",
    "NoteOut",
    "accept_invitation",
    "add_note",
    "check_note",
    "coached",
    "coaches_of",
    "create_invitation",
    "invitation_coach",
    "inviting_coach",
    "link_claimed",
    "leave_coach",
    "notes_for",
    "usable_invitation",
    "write_note",
]

INVITATION_VALID = dt.timedelta(days=7)
NOTE_MAX = 2000


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class NewInvitation:
    token: str
    """Shown once (the link /coach/join/TOKEN); only its SHA-256 is stored."""
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class CoachOut:
    account_id: int
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class CoachedAthlete:
    athlete_id: int
    name: str


@dataclass(frozen=True, slots=True)
class NoteOut:
    id: int
    coach: str
    day: dt.date | None
    text: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class DayNotes:
    plan_note: NoteOut | None
    """The coach's latest note on the plan (shown on Today and on the plan page)."""
    comments: list[NoteOut]
    """The coaches' comments on the day's session, oldest first."""


def _forbidden(message: str, field: str = "account") -> ForbiddenError:
    return ForbiddenError(Problem("forbidden", message, field=field))


def _coach_account(
    uow: AbstractUnitOfWork, actor: Actor, coach_account_id: int | None
) -> StoredAccount:
    """The coach acting: the actor's own account (signed in or its token), or for the local
    user (the CLI) the account ``coach_account_id``."""
    if actor.kind == "local":
        if coach_account_id is None:  # the API or a page in local mode: no account is asked
            raise InputError.about(
                "coach",
                "the local user is no coach: name the coach's account",
                allowed="a coach's account (server mode)",
            )
        account_id = coach_account_id
    elif actor.account_id is None or (coach_account_id not in (None, actor.account_id)):
        raise _forbidden("only the coach themself may do this")
    else:
        account_id = actor.account_id
    account = uow.accounts.get(account_id)
    if account is None or not account.is_coach or account.disabled_at is not None:
        raise _forbidden("only a coach's account may invite athletes", "coach")
    return account


def create_invitation(
    ctx: ServiceContext, actor: Actor, coach_account_id: int | None = None
) -> NewInvitation:
    """A new single-use, expiring invitation link of the coach for an athlete."""
    token = secrets.token_urlsafe(32)
    expires = _now() + INVITATION_VALID
    with ctx.unit_of_work() as uow:
        if "manage" not in actor.actions:  # a read-only token invites nobody
            raise _forbidden("this token may not invite athletes")
        coach = _coach_account(uow, actor, coach_account_id)
        uow.coaching.add_invitation(_digest(token), coach.id, expires)
        uow.commit()
    return NewInvitation(token, expires)


def _usable(uow: AbstractUnitOfWork, token: str, *, for_update: bool = False) -> tuple[int, int]:
    stored = (
        uow.coaching.invitation_by_hash(_digest(token), for_update=for_update)
        if token and len(token) <= 100
        else None
    )
    if stored is None or stored.used_at is not None or stored.expires_at <= _now():
        raise NotFoundError(
            Problem(
                "not_found",
                "this invitation is not valid: it was used already, has expired or was mistyped",
                field="token",
                allowed="a coach's invitation link of the last week",
            )
        )
    return stored.id, stored.coach_account_id


def usable_invitation(uow: AbstractUnitOfWork, token: str, *, for_update: bool = False) -> int:
    """The id of the unused, unexpired invitation ``token`` (``NotFoundError`` else), for a
    use case of another module (sign-up through the link, ``services/accounts.py``)."""
    return _usable(uow, token, for_update=for_update)[0]


def inviting_coach(uow: AbstractUnitOfWork, token: str, *, for_update: bool = False) -> CoachOut:
    """The enabled coach who made the usable invitation ``token`` (``NotFoundError`` else)."""
    _, coach_id = _usable(uow, token, for_update=for_update)
    coach = uow.accounts.get(coach_id)
    if coach is None or not coach.is_coach or coach.disabled_at is not None:
        raise NotFoundError.about("token", "the inviting coach's account is gone")
    return CoachOut(coach.id, coach.display_name, coach.email)


def link_claimed(uow: AbstractUnitOfWork, account_id: int, athlete_id: int) -> int:
    """In onboarding's unit of work: the coaches whose invitation the account signed up
    through (D-115) follow the athlete it has just added. A coach disabled or no
    longer a coach meanwhile is skipped (the invitation keeps the athlete, as used). How
    many coaches now follow."""
    linked = 0
    for invitation in uow.coaching.claimed_by(account_id):
        uow.coaching.set_invitation_athlete(invitation.id, athlete_id)
        coach = uow.accounts.get(invitation.coach_account_id)
        if coach is None or not coach.is_coach or coach.disabled_at is not None:
            continue
        if coach.athlete_id == athlete_id:
            continue
        if athlete_id not in uow.accounts.coached_athletes(coach.id):
            uow.accounts.add_coach_link(coach.id, athlete_id)
        linked += 1
    return linked


def invitation_coach(ctx: ServiceContext, token: str) -> CoachOut:
    """The coach who made the invitation ``token`` (``NotFoundError`` if it is not valid)."""
    with ctx.unit_of_work(read_only=True) as uow:
        _, coach_id = _usable(uow, token)
        coach = uow.accounts.get(coach_id)
        if coach is None:
            raise NotFoundError.about("token", "this invitation is not valid")
        return CoachOut(coach.id, coach.display_name, coach.email)


def accept_invitation(
    ctx: ServiceContext, actor: Actor, token: str, athlete_id: int | None = None
) -> CoachOut:
    """The athlete accepts the invitation: the coach follows them (a ``coach_links`` row)
    from now. The athlete's own act (a signed-in athlete; the local user names the
    athlete); a link already active stays as it is; the invitation is used either way."""
    with ctx.unit_of_work() as uow:
        if actor.kind == "token":
            raise _forbidden("accept an invitation signed in, not with a token")
        target = athlete_id if actor.kind == "local" else actor.own_athlete_id
        if target is None:
            raise _forbidden("only an athlete's account accepts a coach", "athlete")
        ensure_owner(actor, target)
        invitation_id, coach_id = _usable(uow, token, for_update=True)
        coach = uow.accounts.get(coach_id)
        if coach is None or not coach.is_coach or coach.disabled_at is not None:
            raise NotFoundError.about("token", "the inviting coach's account is gone")
        if coach.athlete_id == target:
            raise InputError.about("token", "a coach cannot follow their own athlete")
        if not uow.coaching.use_invitation(invitation_id, target, _now()):
            raise NotFoundError.about("token", "this invitation was used already")
        if target not in uow.accounts.coached_athletes(coach.id):
            uow.accounts.add_coach_link(coach.id, target)
        uow.commit()
    return CoachOut(coach.id, coach.display_name, coach.email)


def coaches_of(ctx: ServiceContext, actor: Actor, athlete_id: int) -> list[CoachOut]:
    """The coaches who follow the athlete now."""
    with ctx.unit_of_work(read_only=True) as uow:
        ensure_can(actor, athlete_id, "view")
        uow.athletes.get(athlete_id)
        found = []
        for account_id in uow.coaching.coaches_of(athlete_id):
            account = uow.accounts.get(account_id)
            if account is not None and account.is_coach:
                found.append(CoachOut(account.id, account.display_name, account.email))
        return found


def leave_coach(ctx: ServiceContext, actor: Actor, athlete_id: int, coach_account_id: int) -> None:
    """The athlete ends the coach's link: from the next request on, the coach (and the
    coach's tokens: their actor is built anew on every request) no longer reaches them.
    The athlete's own act (``ensure_owner``); leaving a coach already left does nothing;
    ``NotFoundError`` when the coach never followed the athlete."""
    with ctx.unit_of_work() as uow:
        ensure_owner(actor, athlete_id)
        ended = uow.accounts.end_coach_link(coach_account_id, athlete_id)
        if ended == 0 and not uow.coaching.followed_once(coach_account_id, athlete_id):
            raise NotFoundError.about(
                "coach", "this coach does not follow the athlete", value=coach_account_id
            )
        uow.commit()


def coached(
    ctx: ServiceContext, actor: Actor, coach_account_id: int | None = None
) -> list[CoachedAthlete]:
    """The athletes the coach follows now, by name."""
    with ctx.unit_of_work(read_only=True) as uow:
        coach = _coach_account(uow, actor, coach_account_id)
        found = [
            CoachedAthlete(a.id, a.name)
            for a in (uow.athletes.get(i) for i in uow.accounts.coached_athletes(coach.id))
        ]
    return sorted(found, key=lambda a: a.name.lower())


def _note_out(note: StoredCoachNote) -> NoteOut:
    return NoteOut(note.id, note.coach_name, note.day, note.text, note.created_at)


def check_note(actor: Actor, athlete_id: int, text: str, day: dt.date | None = None) -> str:
    """The note's text, trimmed, once ``actor`` may write the athlete a note: a coach who may
    ``manage`` the athlete (or the local user). Who first: a refused actor learns nothing
    from the text's checks (an athlete's note to herself is 403, not 422). The text is the
    clearance note's (``inputs.check_text``: no NUL nor other control character but newlines
    and tabs, valid Unicode; a CR LF is a newline); a comment's ``day`` keeps the one date
    rule (D-25)."""
    ensure_can(actor, athlete_id, "manage")
    if actor.kind != "local" and not is_coach_change(actor, athlete_id):
        raise _forbidden("only the athlete's coach writes notes", "athlete")
    # A form's textarea sends its line ends as CR LF: a note keeps them as newlines.
    body = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not body:
        raise InputError.about("text", "is empty", allowed=f"1 to {NOTE_MAX} characters")
    if len(body) > NOTE_MAX:
        raise InputError.about("text", "is too long", allowed=f"1 to {NOTE_MAX} characters")
    check_text("text", body, max_chars=NOTE_MAX, multiline=True)
    if day is not None:
        check_date("date", day)
    return body


def write_note(
    uow: AbstractUnitOfWork,
    actor: Actor,
    athlete_id: int,
    body: str,
    day: dt.date | None = None,
) -> NoteOut:
    """Store a note checked by ``check_note`` and its audit record in ``uow`` (the caller's
    unit of work: with a plan change, the change, its record and the note commit together)."""
    account = uow.accounts.get(actor.account_id) if actor.account_id is not None else None
    name = account.display_name if account is not None else "coach"
    note = uow.coaching.add_note(athlete_id, actor.account_id, name, day, body)
    what = "comment" if day is not None else "note"
    after = {"day": None if day is None else day.isoformat(), "text": body}
    record(uow, actor, athlete_id, what, None, after)
    return _note_out(note)


def add_note(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    text: str,
    day: dt.date | None = None,
) -> NoteOut:
    """A coach's note on the athlete's plan (``day`` None: shown on Today and the plan
    page) or comment on the session of ``day``; recorded in the audit trail. A coach who
    may ``manage`` the athlete (or the local user) writes it; the athlete does not write
    notes to themself."""
    with ctx.unit_of_work() as uow:
        body = check_note(actor, athlete_id, text, day)
        uow.athletes.get(athlete_id)
        note = write_note(uow, actor, athlete_id, body, day)
        uow.commit()
    return note


def notes_for(ctx: ServiceContext, actor: Actor, athlete_id: int, day: dt.date) -> DayNotes:
    """The coach's latest plan note and the comments on ``day`` (the athlete, their coach)."""
    with ctx.unit_of_work(read_only=True) as uow:
        ensure_can(actor, athlete_id, "view")
        notes = uow.coaching.notes(athlete_id, day)
    plan = [n for n in notes if n.day is None]
    return DayNotes(
        _note_out(plan[-1]) if plan else None,
        [_note_out(n) for n in notes if n.day == day],
    )
