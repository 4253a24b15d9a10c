"""No data lost: a process killed (SIGKILL) while logging, and two processes logging at once.

The writers are real OS processes going through the service layer, as the CLI does. A set is
acknowledged ("ACK n" on stdout) only after its transaction committed; whatever the moment
of the kill, every acknowledged set must be stored, and no session may be half-written.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from typing import Any

import pytest
from tests.integration.test_services import PROFILE, START
from tests.service_calls import local, on

from calfcoach.services import athletes, training, transfer
from calfcoach.storage.db import Database

DAY = dt.date(2026, 3, 4)  # a session day of the demo plan from START
TODAY = dt.date(2026, 6, 1)

SET_WRITER = textwrap.dedent(
    """
    import datetime as dt
    import sys

    from calfcoach.bootstrap import context_for
    from calfcoach.services import training
    from calfcoach.services.access import Actor
    from calfcoach.services.athletes import find_athlete_id
    from calfcoach.storage.db import Database

    def on(database, name):
        ctx = context_for(database)
        return ctx, Actor.local(), find_athlete_id(ctx, Actor.local(), name)

    url, exercise, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    day, today = dt.date.fromisoformat(sys.argv[4]), dt.date.fromisoformat(sys.argv[5])
    database = Database(url)
    with database.engine.connect():
        pass
    print("ready", flush=True)
    sys.stdin.readline()
    for number in range(1, count + 1):
        entry = training.SetInput(
            exercise=exercise, set_number=number, seconds=30, rpe=3, pain=0
        )
        training.log_set(*on(database, None), day, entry, today=today)
        print(f"ACK {number}", flush=True)
    print("done", flush=True)
    """
)

SESSION_WRITER = textwrap.dedent(
    """
    import datetime as dt
    import sys

    from calfcoach.bootstrap import context_for
    from calfcoach.services import training
    from calfcoach.services.access import Actor
    from calfcoach.services.athletes import find_athlete_id
    from calfcoach.storage.db import Database

    def on(database, name):
        ctx = context_for(database)
        return ctx, Actor.local(), find_athlete_id(ctx, Actor.local(), name)

    url, today = sys.argv[1], dt.date.fromisoformat(sys.argv[2])
    database = Database(url)
    plan = training.current_plan(*on(database, None), today).plan
    print("ready", flush=True)
    sys.stdin.readline()
    for session in plan.sessions:
        if session.date > today:
            break
        logged = training.log_session_as_prescribed(*on(database, None), session.date, today=today)
        print(f"ACK {session.date.isoformat()} {len(logged.sets)}", flush=True)
    print("done", flush=True)
    """
)


def start(script: str, *arguments: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", script, *arguments],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    assert line == "ready", process.stderr.read() if process.stderr else line
    return process


def go(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None
    process.stdin.write("go\n")
    process.stdin.flush()


def kill_after(process: subprocess.Popen[str], acks: int) -> list[str]:
    """Let the writer acknowledge ``acks`` writes, SIGKILL it, return every ACK line it sent."""
    assert process.stdout is not None
    lines: list[str] = []
    try:
        while len(lines) < acks:
            line = process.stdout.readline()
            if not line:
                break
            if line.startswith("ACK"):
                lines.append(line.strip())
        os.kill(process.pid, signal.SIGKILL)
        rest, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    lines += [line.strip() for line in rest.splitlines() if line.startswith("ACK")]
    assert process.returncode == -signal.SIGKILL, "the writer finished before it was killed"
    return lines


def sessions_of(database: Database) -> list[dict[str, Any]]:
    sessions: list[dict[str, Any]] = transfer.export_document(*on(database, None))["athletes"][0][
        "sessions"
    ]
    return sessions


@pytest.fixture
def athlete(database: Database) -> str:
    athletes.add_athlete(*local(database), PROFILE, start=START, weeks=8, name="ana")
    return "ana"


def test_every_acknowledged_set_survives_a_kill_in_the_middle_of_logging(
    database: Database, athlete: str
) -> None:
    writer = start(SET_WRITER, database.url, "toe-taps", "50", DAY.isoformat(), TODAY.isoformat())
    go(writer)
    acknowledged = kill_after(writer, acks=25)

    assert len(acknowledged) >= 25
    last = int(acknowledged[-1].split()[1])
    sessions = sessions_of(database)
    assert len(sessions) == 1
    numbers = sorted(s["set_number"] for s in sessions[0]["sets"])
    # Every acknowledged set is there; at most the one in flight committed without its ACK.
    assert numbers[:last] == list(range(1, last + 1))
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) - last in (0, 1)


@pytest.mark.parametrize("acks", [1, 3])
def test_a_killed_whole_session_write_leaves_no_half_written_session(
    database: Database, athlete: str, acks: int
) -> None:
    expected = {
        s.date.isoformat(): sum(p.sets * (2 if p.per_side else 1) for p in s.exercises)
        for s in training.current_plan(*on(database, None), TODAY).plan.sessions
    }
    writer = start(SESSION_WRITER, database.url, TODAY.isoformat())
    go(writer)
    time.sleep(0)  # the kill lands wherever the writer happens to be
    acknowledged = kill_after(writer, acks=acks)

    sessions = sessions_of(database)
    stored = {s["date"]: len(s["sets"]) for s in sessions}
    for line in acknowledged:
        _, date, count = line.split()
        assert stored[date] == int(count) == expected[date]
    # Whatever was written is whole: each stored session has every prescribed set.
    assert all(count == expected[date] for date, count in stored.items())
    assert len(stored) - len(acknowledged) in (0, 1)


def test_two_processes_logging_for_the_same_athlete_at_once_lose_nothing(
    database: Database, athlete: str
) -> None:
    count = 40
    writers = [
        start(SET_WRITER, database.url, exercise, str(count), DAY.isoformat(), TODAY.isoformat())
        for exercise in ("toe-taps", "ankle-rotations")
    ]
    for writer in writers:
        go(writer)
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
        assert out.strip().endswith("done")

    sessions = sessions_of(database)
    assert len(sessions) == 1, "both writers found or created the same session log"
    sets = sessions[0]["sets"]
    for exercise in ("toe-taps", "ankle-rotations"):
        numbers = sorted(s["set_number"] for s in sets if s["exercise"] == exercise)
        assert numbers == list(range(1, count + 1))
