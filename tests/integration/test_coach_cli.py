"""The CLI twins of the coach's flows (issue 9, part 3): invite, accept, athletes, note,
audit, leave; a bad link is exit 2 with the option it is about, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.integration.cli_harness import DEMO, make_cli


def test_the_coach_commands_invite_link_note_and_leave(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = make_cli(database_url, tmp_path, monkeypatch)
    assert cli("athlete", "add", "--profile", str(DEMO), "--name", "ana").code == 0
    assert cli("account", "add", "coach@example.org", "--role", "coach").code == 0
    made = cli("coach", "invite", "--coach", "coach@example.org", "--url", "https://club.example")
    assert made.code == 0, made.err
    link = made.out.strip()
    assert link.startswith("https://club.example/coach/join/")
    assert "follows no athlete" in cli("coach", "athletes", "--coach", "coach@example.org").out
    accepted = cli("coach", "accept", link, "--athlete", "ana")
    assert accepted.code == 0, accepted.err
    again = cli("coach", "accept", link, "--athlete", "ana")
    assert again.code == 2 and "token" in again.err and "Traceback" not in again.err
    assert "ana" in cli("coach", "athletes", "--coach", "coach@example.org").out
    noted = cli("coach", "note", "Easy week.", "--athlete", "ana")
    assert noted.code == 0, noted.err
    assert cli("coach", "note", "   ", "--athlete", "ana").code == 2
    assert cli("coach", "note", "x", "--date", "someday", "--athlete", "ana").code == 2
    assert "No coach has changed" in cli("coach", "audit", "--athlete", "ana").out  # local
    left = cli("coach", "leave", "coach@example.org", "--athlete", "ana")
    assert left.code == 0, left.err
    assert "follows no athlete" in cli("coach", "athletes", "--coach", "coach@example.org").out
