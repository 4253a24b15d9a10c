"""The coach's flows (issue 9, part 3): invitation -> acceptance -> the roster; a coach's
adjustments with a note; comments; the audit trail; leaving a coach ends access at once."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from tests.integration.server_mode import context, make_account, server_app
from tests.integration.test_services import PROFILE

from calfcoach.errors import ForbiddenError, NotFoundError
from calfcoach.services import accounts, athletes, audit, coaching, privacy, replan, transfer
from calfcoach.services.access import Actor

TODAY = dt.date.today()


class Club:
    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.ctx = context(app)
        local = Actor.local()
        self.ana = athletes.add_athlete(
            self.ctx, local, PROFILE, start=TODAY, name="ana"
        ).athlete.id
        self.bo = athletes.add_athlete(self.ctx, local, PROFILE, start=TODAY, name="bo").athlete.id
        make_account(app, "ana@example.org", "athlete", athlete_id=self.ana)
        make_account(app, "bo@example.org", "athlete", athlete_id=self.bo)
        self.coach_id = make_account(app, "coach@example.org", "coach")
        make_account(app, "other-coach@example.org", "coach")

    def actor(self, email: str) -> Actor:
        """The actor of ``email`` as a request would build it now (from the database)."""
        with self.ctx.unit_of_work(read_only=True) as uow:
            account = uow.accounts.by_email(email)
            assert account is not None
            return accounts.actor_for_account(uow, account)


@pytest.fixture
def club(database_url: str, tmp_path: Path) -> Iterator[Club]:
    app = server_app(database_url, tmp_path)
    try:
        yield Club(app)
    finally:
        app.state.service_context.close()


def _link(club: Club) -> None:
    invitation = coaching.create_invitation(club.ctx, club.actor("coach@example.org"))
    coaching.accept_invitation(club.ctx, club.actor("ana@example.org"), invitation.token)


def test_an_accepted_invitation_puts_the_athlete_on_the_coachs_roster(club: Club) -> None:
    coach = club.actor("coach@example.org")
    assert coaching.coached(club.ctx, coach) == []
    invitation = coaching.create_invitation(club.ctx, coach)
    assert coaching.invitation_coach(club.ctx, invitation.token).email == "coach@example.org"
    coaching.accept_invitation(club.ctx, club.actor("ana@example.org"), invitation.token)
    listed = coaching.coached(club.ctx, club.actor("coach@example.org"))
    assert [a.name for a in listed] == ["ana"]
    assert club.actor("coach@example.org").may(club.ana, "manage")
    assert not club.actor("coach@example.org").may(club.bo, "view")
    names = [
        c.email for c in coaching.coaches_of(club.ctx, club.actor("ana@example.org"), club.ana)
    ]
    assert names == ["coach@example.org"]


def test_an_invitation_works_once_and_is_stored_only_as_its_hash(club: Club) -> None:
    invitation = coaching.create_invitation(club.ctx, club.actor("coach@example.org"))
    with club.ctx.unit_of_work(read_only=True) as uow:
        assert uow.coaching.invitation_by_hash(invitation.token) is None
        digest = hashlib.sha256(invitation.token.encode()).hexdigest()
        assert uow.coaching.invitation_by_hash(digest) is not None
    coaching.accept_invitation(club.ctx, club.actor("ana@example.org"), invitation.token)
    with pytest.raises(NotFoundError):
        coaching.accept_invitation(club.ctx, club.actor("bo@example.org"), invitation.token)
    assert not club.actor("coach@example.org").may(club.bo, "view")


def test_an_expired_invitation_is_refused(club: Club) -> None:
    token = "an-expired-invitation-token-of-enough-length"
    with club.ctx.unit_of_work() as uow:
        digest = hashlib.sha256(token.encode()).hexdigest()
        past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        uow.coaching.add_invitation(digest, club.coach_id, past)
        uow.commit()
    with pytest.raises(NotFoundError):
        coaching.accept_invitation(club.ctx, club.actor("ana@example.org"), token)
    assert not club.actor("coach@example.org").may(club.ana, "view")


def test_only_a_coach_invites_and_only_the_athlete_accepts(club: Club) -> None:
    with pytest.raises(ForbiddenError):
        coaching.create_invitation(club.ctx, club.actor("ana@example.org"))
    invitation = coaching.create_invitation(club.ctx, club.actor("coach@example.org"))
    with pytest.raises(ForbiddenError):  # a coach has no athlete of their own to link
        coaching.accept_invitation(
            club.ctx, club.actor("other-coach@example.org"), invitation.token
        )


def test_a_coachs_profile_change_replans_and_is_in_the_audit_trail_with_before_and_after(
    club: Club,
) -> None:
    _link(club)
    coach = club.actor("coach@example.org")
    old = athletes.get_athlete(club.ctx, coach, club.ana).profile
    minutes = 40 if old.session_minutes != 40 else 30
    changed = old.model_copy(update={"session_minutes": minutes})
    replan.update_profile(club.ctx, coach, club.ana, changed, today=TODAY)
    coaching.add_note(club.ctx, coach, club.ana, "Shorter sessions this week: travel.")
    coaching.add_note(club.ctx, coach, club.ana, "Go easy on the hops.", day=TODAY)
    trail = audit.trail(club.ctx, club.actor("ana@example.org"), club.ana)
    assert [e.what for e in trail] == ["comment", "note", "profile"]
    assert all(e.who == "coach@example.org" for e in trail)
    profile_event = trail[-1]
    assert profile_event.before["session_minutes"] == old.session_minutes
    assert profile_event.after["session_minutes"] == minutes
    notes = coaching.notes_for(club.ctx, club.actor("ana@example.org"), club.ana, TODAY)
    assert notes.plan_note is not None and "travel" in notes.plan_note.text
    assert [c.text for c in notes.comments] == ["Go easy on the hops."]
    tomorrow = coaching.notes_for(
        club.ctx, club.actor("ana@example.org"), club.ana, TODAY + dt.timedelta(days=1)
    )
    assert tomorrow.comments == [] and tomorrow.plan_note is not None


def test_the_athletes_own_changes_are_not_a_coachs_and_are_not_recorded(club: Club) -> None:
    _link(club)
    ana = club.actor("ana@example.org")
    profile = athletes.get_athlete(club.ctx, ana, club.ana).profile
    replan.update_profile(
        club.ctx,
        ana,
        club.ana,
        profile.model_copy(update={"session_minutes": profile.session_minutes + 5}),
        today=TODAY,
    )
    assert audit.trail(club.ctx, ana, club.ana) == []
    with pytest.raises(ForbiddenError):  # notes are a coach's
        coaching.add_note(club.ctx, ana, club.ana, "note to self")


def test_another_coach_can_neither_note_nor_read_the_trail(club: Club) -> None:
    _link(club)
    other = club.actor("other-coach@example.org")
    with pytest.raises(ForbiddenError):
        coaching.add_note(club.ctx, other, club.ana, "hello")
    with pytest.raises(ForbiddenError):
        audit.trail(club.ctx, other, club.ana)
    with pytest.raises(ForbiddenError):
        coaching.notes_for(club.ctx, other, club.ana, TODAY)


def test_leaving_a_coach_ends_their_access_at_once(club: Club) -> None:
    _link(club)
    coach_before = club.actor("coach@example.org")
    assert coach_before.may(club.ana, "manage")
    coaching.leave_coach(club.ctx, club.actor("ana@example.org"), club.ana, club.coach_id)
    coach = club.actor("coach@example.org")
    assert not coach.may(club.ana, "view")
    with pytest.raises(ForbiddenError):
        coaching.add_note(club.ctx, coach, club.ana, "still here?")
    assert coaching.coached(club.ctx, coach) == []
    # leaving again does nothing; a coach who never followed her is not found
    coaching.leave_coach(club.ctx, club.actor("ana@example.org"), club.ana, club.coach_id)
    assert not club.actor("coach@example.org").may(club.ana, "view")
    other_id = club.actor("other-coach@example.org").account_id
    assert other_id is not None
    with pytest.raises(NotFoundError):
        coaching.leave_coach(club.ctx, club.actor("ana@example.org"), club.ana, other_id)


def test_a_coach_cannot_end_the_athletes_link_for_them(club: Club) -> None:
    _link(club)
    with pytest.raises(ForbiddenError):
        coaching.leave_coach(club.ctx, club.actor("coach@example.org"), club.ana, club.coach_id)


def test_notes_and_the_audit_trail_are_exported_and_deleted_with_the_athlete(club: Club) -> None:
    _link(club)
    coach = club.actor("coach@example.org")
    coaching.add_note(club.ctx, coach, club.ana, "Keep the long run easy.")
    ana = club.actor("ana@example.org")
    document = transfer.export_document(club.ctx, ana, club.ana)
    exported = document["athletes"][0]
    assert [n["text"] for n in exported["coach_notes"]] == ["Keep the long run easy."]
    assert [e["what"] for e in exported["audit_trail"]] == ["note"]
    # the file reads back (the notes and the trail are the athlete's record, not imported)
    text = transfer.document_to_json(document).encode()
    read, _ = transfer.read_export(text, source="export.json")
    assert read["athletes"][0]["name"] == "ana"
    privacy.delete_athlete_data(club.ctx, ana, club.ana, confirm="ana")
    with club.ctx.unit_of_work(read_only=True) as uow:
        assert uow.coaching.notes(club.ana) == []
        assert uow.coaching.events(club.ana) == []
        assert club.ana not in uow.accounts.coached_athletes(club.coach_id)
    assert coaching.coached(club.ctx, club.actor("coach@example.org")) == []
