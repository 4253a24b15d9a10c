"""The forward walk's state: everything the next session depends on, and nothing else.

It is a plain value (dicts, numbers, dates) that turns into JSON-safe data and back
(``to_dict``/``from_dict``), so a service can keep a snapshot per athlete and the cost of a
``today`` or a logged set does not grow with the years of history (issue 6, item 2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

from calfcoach.core.dosing import Amount, Dose

STATE_VERSION = 14
# 14: a running spike in a lighter week keeps the step earned before it (``Track.pending``,
# RUN-SPIKE-1 with R-PROG-5, D-230); 13: pain above the limit logged in a lighter week holds or
# regresses (``apply``); 12:
# a protocol's one-session set cut is no base for a hold or a restart
# (``Track.dose`` keeps the protocol's sets, R-PAIN-5), and a morning above usual holds its next
# RM step (``protocol_step``, R-PAIN-2); 11: calf-strain ladder steps are
# `rehab` blocks (R-PAIN-5): the week's
# session signatures (``prev_sigs``, ``this_sigs``, R-SCHED-3) name them so;
# 10: a protocol's RM step passes only after a plan week
# that counts at it (``protocol_step_sessions``, ``protocol_step_passed``); a restart after a
# flare or a clearance holds the protocol without other calf work (``pain_restart``);
# 9: the weeks a complaint's plyometric gate let jump (D-181);
# 8: a protocol's RM step never skips one after held weeks
# (``protocol_step_week``); 7: D-177 (plyometrics climb at most 20 above the last session given);
# 6: D-167 (a morning at usual + 2 admits no block a calm one would not);
# 5: D-164 (a test on a day R-TEST-5 keeps free never raises the LSI)


@dataclass(slots=True)
class Outcome:
    """How one logged exposure of a track went, against what was prescribed that day."""

    date: dt.date
    planned: Dose
    sets: int
    least: float | None
    """The smallest amount logged in a set (reps, seconds, metres; contacts: the total)."""
    max_rpe: int | None
    max_pain: int | None
    missing: bool
    """RPE or pain missing on some set: the dose holds (R-PROG-6)."""
    found_load: float | None
    """Load-finding session (R-PROG-1a): the heaviest set within both limits, if any."""
    projected: bool = False
    """Not logged: the walk assumed the session done as prescribed (a projection)."""

    def __init__(
        self,
        date: dt.date,
        planned: Dose,
        sets: int,
        least: float | None,
        max_rpe: int | None,
        max_pain: int | None,
        missing: bool,
        found_load: float | None,
        projected: bool = False,
    ) -> None:
        # Written out: mypyc compiles it to native slot writes (D-130).
        self.date = date
        self.planned = planned
        self.sets = sets
        self.least = least
        self.max_rpe = max_rpe
        self.max_pain = max_pain
        self.missing = missing
        self.found_load = found_load
        self.projected = projected


@dataclass(slots=True)
class Track:
    """One exercise in one scheme: its current dose and the last evidence not yet judged."""

    dose: Dose
    found: bool
    """The working load is known (found in a ramp, R-PROG-1a), or none is needed."""
    pending: Outcome | None = None
    hard_streak: int = 0
    hold_until_full: bool = False
    """After a gap of 14+ days or a stop: hold until one full session is logged."""
    last_date: dt.date | None = None
    last_week: int = 0
    estimated: bool = False
    """The load is a projection's stand-in (no ramp logged yet): it is the ramp's start."""
    done: Dose | None = None
    """The dose of the last logged exposure (a restart after a gap starts below it)."""
    step_amount: float | None = None
    """A protocol dose: the reps of the ladder step it came from (a regression inside the
    step stays until the ladder moves on, R-PAIN-5)."""

    def __init__(
        self,
        dose: Dose,
        found: bool,
        pending: Outcome | None = None,
        hard_streak: int = 0,
        hold_until_full: bool = False,
        last_date: dt.date | None = None,
        last_week: int = 0,
        estimated: bool = False,
        done: Dose | None = None,
        step_amount: float | None = None,
    ) -> None:
        # Written out: mypyc compiles it to native slot writes (D-130).
        self.dose = dose
        self.found = found
        self.pending = pending
        self.hard_streak = hard_streak
        self.hold_until_full = hold_until_full
        self.last_date = last_date
        self.last_week = last_week
        self.estimated = estimated
        self.done = done
        self.step_amount = step_amount


@dataclass(slots=True)
class State:
    day: dt.date | None = None
    """Evidence is applied up to and including this day."""
    tracks: dict[str, Track] = field(default_factory=dict)
    soleus_step: int = 0
    """The soleus ladder's step (R-PROG-3); 0 until the walk starts it at the level's step."""
    strain_step: int = 1
    protocol_weeks: int = 0
    """Plan weeks with at least 2 logged protocol sessions, outside a flare (R-PAIN-5)."""
    protocol_week: int = 0
    protocol_week_sessions: int = 0
    protocol_week_flare: bool = False
    protocol_step: int = 0
    """The protocol week (``rules.protocol_step``) the last protocol session was given at."""
    protocol_step_week: int = 0
    """The plan week in which the protocol's current RM step was first given: the next step
    comes in a later plan week, and never more than one step at a time (R-PAIN-3/5)."""
    protocol_step_sessions: int = 0
    """Protocol sessions given (logged, or assumed done ahead) at the current RM step in the
    current plan week (flare sessions are holds and never count)."""
    protocol_step_passed: int = 0
    """The plan week in which the current RM step was given in a way that counts (2 protocol
    sessions at it, no flare, R-PAIN-5), 0 while it was not: the next step comes only in a
    later plan week."""
    taper_race: dt.date | None = None
    taper_step: int = 0
    """R-SCHED-4a: the protocol week held through the race week of ``taper_race`` (rehab
    keeps its load: its step does not advance before the race; D-139)."""
    last_logged: dt.date | None = None
    gap_seen: dt.date | None = None
    gap_level: int = 0
    """R-PROG-6: the gap level already applied since ``gap_seen`` (1: 8-13 days, 2: 14-27,
    3: 28+)."""
    lift_seen: dt.date | None = None
    clear_seen: dt.date | None = None
    pain_restart: str = ""
    """The rule of a restart after a flare (R-PAIN-2b) or a clearance (R-PAIN-2a) still on:
    until one full protocol session at the lowered dose is logged, a session with a complaint
    protocol adds no other calf block. "" when none is."""
    race_named: dt.date | None = None
    plyo_date: dt.date | None = None
    plyo_given: int | None = None
    """The contacts of the last plyometric session given, done or not (D-3, D-177)."""
    plyo_gate_week: int | None = None
    """R-PAIN-3: the plan week from which plyometrics return after the gate opened."""
    jump_weeks: list[int] = field(default_factory=list)
    """The plan weeks whose sessions a complaint's plyometric gate let jump, for R-SCHED-5's
    warnings: a cycle with one is not waiting for a clearance (D-181)."""
    foot_index: int = 0
    prev_sigs: list[list[str]] = field(default_factory=list)
    this_sigs: list[list[str]] = field(default_factory=list)
    sig_week: int = 0
    safety: dict[str, Any] | None = None

    # ------------------------------------------------------------------ snapshots

    def evidence_since(self) -> dt.date | None:
        """The first day of the log a walk from this state must be given (check-ins from 28
        days before it): the day after ``day`` for the tracks, or the safety layer's own day
        when it is earlier (it reads that day's sets in the afternoon, R-PAIN-2/3)."""
        through = self.safety.get("through") if self.safety else None
        if self.day is None or not isinstance(through, str):
            # The safety layer has read nothing yet: evidence before ``day`` may still be
            # unread by it, so the walk must start from scratch (None).
            return None
        return min(self.day + dt.timedelta(days=1), dt.date.fromisoformat(through))

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "day": _d(self.day),
            "tracks": {k: _track_out(t) for k, t in self.tracks.items()},
            "soleus_step": self.soleus_step,
            "strain_step": self.strain_step,
            "protocol_weeks": self.protocol_weeks,
            "protocol_week": self.protocol_week,
            "protocol_week_sessions": self.protocol_week_sessions,
            "protocol_week_flare": self.protocol_week_flare,
            "protocol_step": self.protocol_step,
            "protocol_step_week": self.protocol_step_week,
            "protocol_step_sessions": self.protocol_step_sessions,
            "protocol_step_passed": self.protocol_step_passed,
            "taper_race": _d(self.taper_race),
            "taper_step": self.taper_step,
            "last_logged": _d(self.last_logged),
            "gap_seen": _d(self.gap_seen),
            "gap_level": self.gap_level,
            "lift_seen": _d(self.lift_seen),
            "clear_seen": _d(self.clear_seen),
            "pain_restart": self.pain_restart,
            "race_named": _d(self.race_named),
            "plyo_date": _d(self.plyo_date),
            "plyo_given": self.plyo_given,
            "plyo_gate_week": self.plyo_gate_week,
            "jump_weeks": list(self.jump_weeks),
            "foot_index": self.foot_index,
            "prev_sigs": [list(s) for s in self.prev_sigs],
            "this_sigs": [list(s) for s in self.this_sigs],
            "sig_week": self.sig_week,
            "safety": self.safety,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> State | None:
        """The state of a snapshot; None for a snapshot of another version (rebuild)."""
        if data.get("version") != STATE_VERSION:
            return None
        return cls(
            day=_p(data["day"]),
            tracks={k: _track_in(v) for k, v in data["tracks"].items()},
            soleus_step=int(data["soleus_step"]),
            strain_step=int(data["strain_step"]),
            protocol_weeks=int(data["protocol_weeks"]),
            protocol_week=int(data["protocol_week"]),
            protocol_week_sessions=int(data["protocol_week_sessions"]),
            protocol_week_flare=bool(data["protocol_week_flare"]),
            protocol_step=int(data["protocol_step"]),
            protocol_step_week=int(data["protocol_step_week"]),
            protocol_step_sessions=int(data["protocol_step_sessions"]),
            protocol_step_passed=int(data["protocol_step_passed"]),
            taper_race=_p(data["taper_race"]),
            taper_step=int(data["taper_step"]),
            last_logged=_p(data["last_logged"]),
            gap_seen=_p(data["gap_seen"]),
            gap_level=int(data.get("gap_level", 0)),
            lift_seen=_p(data["lift_seen"]),
            clear_seen=_p(data["clear_seen"]),
            pain_restart=str(data["pain_restart"]),
            race_named=_p(data["race_named"]),
            plyo_date=_p(data["plyo_date"]),
            plyo_given=data["plyo_given"],
            plyo_gate_week=data["plyo_gate_week"],
            jump_weeks=[int(w) for w in data["jump_weeks"]],
            foot_index=int(data["foot_index"]),
            prev_sigs=[list(s) for s in data["prev_sigs"]],
            this_sigs=[list(s) for s in data["this_sigs"]],
            sig_week=int(data["sig_week"]),
            safety=data["safety"],
        )


def _d(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _p(value: object) -> dt.date | None:
    return dt.date.fromisoformat(cast(str, value)) if value else None


def _dose_out(d: Dose) -> list[Any]:
    return [d.sets, d.amount, d.unit, d.load, d.fixed]


def _dose_in(v: list[Any]) -> Dose:
    return Dose(int(v[0]), float(v[1]), cast(Amount, v[2]), v[3], bool(v[4]))


def _track_out(t: Track) -> dict[str, Any]:
    pending = None
    if t.pending is not None:
        o = t.pending
        pending = [
            o.date.isoformat(),
            _dose_out(o.planned),
            o.sets,
            o.least,
            o.max_rpe,
            o.max_pain,
            o.missing,
            o.found_load,
            o.projected,
        ]
    return {
        "dose": _dose_out(t.dose),
        "found": t.found,
        "pending": pending,
        "hard_streak": t.hard_streak,
        "hold_until_full": t.hold_until_full,
        "last_date": _d(t.last_date),
        "last_week": t.last_week,
        "estimated": t.estimated,
        "step_amount": t.step_amount,
        "done": _dose_out(t.done) if t.done is not None else None,
    }


def _track_in(v: dict[str, Any]) -> Track:
    pending = None
    if v["pending"] is not None:
        p = v["pending"]
        pending = Outcome(
            dt.date.fromisoformat(p[0]),
            _dose_in(p[1]),
            int(p[2]),
            p[3],
            p[4],
            p[5],
            bool(p[6]),
            p[7],
            bool(p[8]),
        )
    return Track(
        _dose_in(v["dose"]),
        bool(v["found"]),
        pending,
        int(v["hard_streak"]),
        bool(v["hold_until_full"]),
        _p(v["last_date"]),
        int(v["last_week"]),
        estimated=bool(v.get("estimated", False)),
        done=_dose_in(v["done"]) if v.get("done") is not None else None,
        step_amount=v.get("step_amount"),
    )


__all__ = ["Outcome", "STATE_VERSION", "State", "Track"]
