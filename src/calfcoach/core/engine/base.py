"""The walk's session maker, its shared state and constants (see ``session.py``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from calfcoach.core import rules
from calfcoach.core.catalog import Catalog
from calfcoach.core.dosing import reason
from calfcoach.core.engine.blocks import Choices
from calfcoach.core.engine.state import State
from calfcoach.core.models import (
    CheckIn,
    Complaint,
    Equipment,
    Exercise,
    Level,
    Profile,
    Reason,
    TrainingLog,
)
from calfcoach.core.races import RaceCalendar
from calfcoach.core.safety import DaySafety, SafetyState, assess

if TYPE_CHECKING:  # a plan without runs never imports the running model (issue 6, cold start)
    from calfcoach.core.running import RunningLoads

Action = Literal["progress", "hold", "regress", "stop", "reduce", "found"]
SPIKE_RULE = "RUN-SPIKE-1"  # docs/running-load.md; the rule is core.running's
SOLEUS_START = {"novice": 1, "intermediate": 2, "advanced": 3}  # R-PROG-3


def soleus_start(profile: Profile) -> int:
    """R-PROG-3: the soleus ladder's first step. A novice starts at the bottom (the wall
    sit), an intermediate runner one step up, an advanced one at the bent-knee heel raise;
    with a complaint every runner starts at the bottom (D-157, the reading that protects)."""
    return 1 if profile.complaints else SOLEUS_START[profile.level]


def _top(top: rules.LadderTop) -> tuple[int, float]:
    if top.seconds is not None:
        return top.sets, float(top.seconds)
    return top.sets, float(top.reps.high if top.reps is not None else 15)


# R-PAIN-4 calf-strain criteria ladder: each step's top (sets, amount), from rules.
STRAIN_TOP: dict[int, tuple[int, float]] = {
    step: _top(top) for step, top in rules.CALF_STRAIN_TOPS.items()
}
ORDER = {"plyometric": 0, "rehab": 1, "heavy": 2, "isometric": 3, "light": 4, "skill": 6}
KIND_TITLE = {
    "plyo": "Plyometrics",
    "heavy_bent": "Heavy bent-knee heel raises",
    "heavy_straight": "Heavy straight-knee heel raises",
    "light_straight": "Light straight-knee heel raises",
    "light_bent": "Light bent-knee heel raises",
    "soleus": "Soleus strength",
    "mini_squat": "One-leg mini-squats",
}


@dataclass(frozen=True, slots=True)
class Decision:
    """One change the log made to a session, and why (rule id + sentence)."""

    exercise: str
    date: dt.date
    action: Action
    rule: str
    message: str


class MakerBase:
    """What every part of the session maker shares: the inputs and the walk state."""

    def __init__(
        self,
        profile: Profile,
        catalog: Catalog,
        choices: Choices,
        calendar: RaceCalendar,
        start: dt.date,
        weeks: int,
        log: TrainingLog,
        today: dt.date | None,
        state: State,
        *,
        running: RunningLoads | None = None,
    ) -> None:
        self.p = profile
        # The profile's fields the sessions read, read once: a pydantic model's attribute is
        # about 5x slower to read than a plain one (its ``__getattr__`` hook), and these were
        # read a few hundred times a plan.
        self.complaints: frozenset[Complaint] = profile.complaints
        self.level: Level = profile.level
        self.equipment: frozenset[Equipment] = profile.equipment
        self.session_minutes: int = profile.session_minutes
        self.running = running
        self._spikes: dict[dt.date, Reason | None] = {}
        self.catalog = catalog
        self.c = choices
        self.calendar = calendar
        self.start = start
        self.weeks = weeks
        self.log = log
        self.today = today
        self.st = state
        self.safety: SafetyState | None = (
            SafetyState.from_dict(state.safety) if state.safety else None
        )
        self.issues: list[tuple[str, int, str]] = []
        self.decisions: list[Decision] = []
        self.checkins: list[CheckIn] = sorted(log.checkins, key=lambda c: c.date)
        self.strict = bool(profile.complaints & rules.STRICT_PAIN_COMPLAINTS)
        self.safe_pain = rules.PAIN_STRICT_MAX if self.strict else rules.PAIN_SAFE_MAX
        self._empty = (
            not (log.sets or log.checkins or log.tests or log.hop_tests or log.clearances)
            and state.safety is None
        )
        self._constant: DaySafety | None = None
        self._foot_pool: list[Exercise] | None = None
        self._notes: list[Reason] = []
        self._titles: dict[tuple[str, str, bool], str] = {}
        self._protocol_name: str | None = None
        self._protocol_leads: dict[tuple[frozenset[str], str, str, int, bool], Reason] = {}
        if state.soleus_step < 1:
            state.soleus_step = soleus_start(profile)

    def _spike_hold(self, day: dt.date) -> Reason | None:
        """RUN-SPIKE-1: the reason that holds every progression on ``day`` (load, reps,
        contacts) when the last 7 days' running load is above 1.5x the average week of the 4
        before, with the figures; None otherwise (no runs known, no spike, too little
        history). The rule is ``running.RunningLoads.spike``; the loads come from the service
        (imported runs), so the engine stays pure."""
        if self.running is None or not self.running.runs:
            return None
        if day not in self._spikes:
            check = self.running.spike(day)
            self._spikes[day] = reason(check.rule, check.message) if check.hold else None
        return self._spikes[day]

    def sync(self) -> None:
        """Write the safety state into the walk state (before a snapshot)."""
        self.st.safety = self.safety.to_dict() if self.safety is not None else None

    def _week(self, date: dt.date) -> int:
        return (date - self.start).days // 7 + 1

    def _assess(self, day: dt.date) -> DaySafety:
        """The safety layer's verdict for ``day``. With nothing logged at all (a plan from a
        profile alone) nothing it reads can change from day to day, so the first verdict
        serves every session (only its day differs)."""
        if self._empty and self._constant is not None:
            return self._constant  # its ``day`` is the first session's; nothing reads it
        safety, self.safety = assess(
            self.p,
            self.log,
            day,
            clearance_exercises=self.c.clearance_ids,
            state=self.safety,
            strain_step=self.st.strain_step,
        )
        if self._empty:
            self._constant = safety
        return safety
