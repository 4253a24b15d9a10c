"""One session of the walk: what it holds and at what dose, from the state before its day.

What a session holds is decided in the order of R-SCHED-0 (v2), earlier wins: stop
(R-PAIN-2a/2b) > flare (R-PAIN-2b) > race (R-SCHED-4a) > complaint protocol (R-PAIN-5) >
lighter week (R-PROG-5) > rotation (R-SCHED-3). Its shape follows R-SCHED-8: no exercise twice,
a heavy calf block or a protocol block (never both), a main block of real work, a title that
names what it holds. Doses come from ``core.dosing`` through the tracks of ``State``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from calfcoach.core import dosing, rules
from calfcoach.core.catalog import Catalog
from calfcoach.core.dosing import Amount, Dose
from calfcoach.core.engine import budget
from calfcoach.core.engine.blocks import Choices, protocols_of, steps_of
from calfcoach.core.engine.evidence import judge, outcome_of, projected
from calfcoach.core.engine.skeleton import HEAVY_KINDS, LIGHTER, Slot
from calfcoach.core.engine.state import State, Track
from calfcoach.core.models import (
    ACHILLES_COMPLAINTS,
    CheckIn,
    Exercise,
    LoggedSet,
    Prescription,
    Profile,
    Reason,
    Scheme,
    Session,
    TrainingLog,
)
from calfcoach.core.races import RaceCalendar, RaceDay, describe
from calfcoach.core.safety import DaySafety, SafetyState, assess

Action = Literal["progress", "hold", "regress", "stop", "reduce", "found"]
SOLEUS_START = {"novice": 1, "intermediate": 2, "advanced": 3}  # R-PROG-3
# R-PAIN-4 calf-strain criteria ladder: each step's top (sets, amount).
STRAIN_TOP: dict[int, tuple[int, float]] = {1: (5, 45.0), 2: (3, 20.0), 3: (3, 15.0), 4: (4, 8.0)}
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


def _scheme_reason(scheme: Scheme, ex: Exercise, dose: Dose) -> Reason:
    if scheme == "heavy":
        return Reason(
            "R-SCH-2",
            f"Heavy: {rules.HEAVY_REPS.low}-{rules.HEAVY_REPS.high} reps with the last reps hard "
            "(1-3 in reserve), slow tempo (R-SCH-6).",
        )
    if scheme == "light":
        return Reason(
            "R-SCH-1",
            f"Light: {rules.LIGHT_REPS.low}-{rules.LIGHT_REPS.high} reps or up to a minute of "
            "work, for blood flow, muscle mass and durability.",
        )
    if scheme == "isometric":
        return Reason("R-SCH-4", "Isometric holds of 30-60 s; depth and added load set the load.")
    if scheme == "plyometric":
        total = dosing.total_contacts(dose)
        return Reason(
            "R-SCH-3",
            f"{total} foot contacts ({dosing.plyo_band(total)} band), counted over both feet, "
            "in short bouts (R-SCH-3a).",
        )
    if scheme == "rehab":
        return Reason(
            "R-PAIN-5", "Complaint protocol: its own sets, reps and tempo, every session."
        )
    return Reason(
        "R-SCHED-6",
        "Foot work every week: runners who strengthened their feet had "
        "fewer injuries (Taddei 2020).",
    )


def _catalog_reasons(catalog: Catalog, ex: Exercise, scheme: Scheme) -> tuple[Reason, ...]:
    finder = getattr(catalog, "reasons_for", None)
    found: tuple[Reason, ...] = tuple(finder(ex, scheme)) if finder is not None else ()
    return (Reason("R-WHY", ex.why.strip()),) + found


class SessionMaker:
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
    ) -> None:
        self.p = profile
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
        self._foot_cache: dict[tuple[str, int], budget.Block] = {}
        self._reason_cache: dict[tuple[str, str], tuple[Reason, ...]] = {}
        if state.soleus_step == 0 or state.soleus_step < 1:
            state.soleus_step = SOLEUS_START[profile.level]

    # ------------------------------------------------------------------ evidence

    def sync(self) -> None:
        """Write the safety state into the walk state (before a snapshot)."""
        self.st.safety = self.safety.to_dict() if self.safety is not None else None

    def apply_log(self, date: dt.date, sets: Sequence[LoggedSet], session: Session | None) -> None:
        by_ex: dict[str, list[LoggedSet]] = defaultdict(list)
        for s in sets:
            by_ex[s.exercise].append(s)
        planned = {rx.exercise: rx for rx in session.exercises} if session is not None else {}
        deload = session.deload if session is not None else False
        week = self._week(date)
        for exercise, group in by_ex.items():
            rx = planned.get(exercise)
            scheme = rx.scheme if rx is not None else group[0].scheme
            if scheme is None or scheme == "skill" or deload or _is_hold(rx):
                continue
            key = f"{exercise}|{scheme}"
            track = self.st.tracks.get(key)
            dose = _dose_of(rx) if rx is not None else (track.dose if track is not None else None)
            if dose is None:
                continue
            if track is None:
                track = self.st.tracks[key] = Track(dose, True)
            limit = min(self.safe_pain, rules.PAIN_SAFE_MAX)
            track.pending = outcome_of(group, dose, date, ramp=not track.found, pain_limit=limit)
            track.last_date, track.last_week = date, week
            if scheme == "plyometric":
                self.st.plyo_date = date
            if scheme == "rehab":
                self._count_protocol(week)
        self.st.last_logged = date

    def apply_projection(self, date: dt.date, session: Session) -> None:
        week = self._week(date)
        if session.deload:
            self.st.last_logged = date
            return
        counted = False
        for rx in session.exercises:
            if rx.scheme == "skill" or _is_hold(rx):
                continue
            track = self.st.tracks.get(f"{rx.exercise}|{rx.scheme}")
            if track is None:
                continue
            dose = _dose_of(rx)
            if dose is None:
                continue
            track.pending = projected(dose, date, ramp=not track.found)
            track.last_date, track.last_week = date, week
            if rx.scheme == "plyometric":
                self.st.plyo_date = date
            if rx.scheme == "rehab" and not counted:
                self._count_protocol(week)
                counted = True
        self.st.last_logged = date

    def _count_protocol(self, week: int) -> None:
        st = self.st
        if st.protocol_week != week:
            self._close_protocol_week(week)
        st.protocol_week_sessions += 1

    def _close_protocol_week(self, week: int) -> None:
        """R-PAIN-5: a protocol week counts only with >= 2 logged sessions, not in a flare."""
        st = self.st
        if st.protocol_week and st.protocol_week_sessions >= 2 and not st.protocol_week_flare:
            st.protocol_weeks += 1
        st.protocol_week = week
        st.protocol_week_sessions = 0
        st.protocol_week_flare = False

    def _week(self, date: dt.date) -> int:
        return (date - self.start).days // 7 + 1

    # ------------------------------------------------------------------ one session

    def session(self, slot: Slot, given: Session | None) -> Session | None:
        day = self.calendar.day(slot.date)
        if day.blocked is not None:
            return None  # a race entered for the day withdraws it (R-SCHED-4a, R-HIST)
        safety = self._assess(slot.date)
        if safety.stop is not None:
            return Session(
                slot.date,
                slot.week,
                slot.deload,
                "Stopped: see a clinician" if safety.stop.rule != "R-SCHED-4a" else "Stopped",
                (),
                0,
                status="stopped",
                advice=safety.stop.advice,
            )
        if given is not None:
            return given
        if safety.flare is not None:
            self.st.protocol_week_flare = True
        self._restarts(slot, safety)
        return self._compose(slot, safety, day)

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

    def _restarts(self, slot: Slot, safety: DaySafety) -> None:
        """R-PAIN-2b / R-PAIN-2a lifts and R-PROG-6 gaps: one step lower, hold until a full
        session; after a red-flag clearance the complaint's ladder restarts at the bottom."""
        st = self.st
        if safety.cleared_on is not None and st.clear_seen != safety.cleared_on:
            st.clear_seen = safety.cleared_on
            st.strain_step = 1
            st.protocol_weeks = 0
            for track in st.tracks.values():
                track.found = not (track.dose.load is not None or track.dose.fixed) or track.found
                track.hold_until_full = True
                track.pending = None
        if safety.lifted_on is not None and st.lift_seen != safety.lifted_on:
            st.lift_seen = safety.lifted_on
            self._step_all_down(hold=True)
        if st.last_logged is None or self.today is None or slot.date > self.today:
            return
        gap = (slot.date - st.last_logged).days - self._race_days(st.last_logged, slot.date)
        if gap < rules.GAP_STEP_DOWN_DAYS or st.gap_seen == st.last_logged:
            return
        st.gap_seen = st.last_logged
        self._step_all_down(hold=gap >= rules.GAP_HOLD_DAYS)
        if gap >= rules.GAP_REFIND_DAYS:
            for key, track in st.tracks.items():
                if track.dose.unit == "contacts":
                    track.dose = replace(track.dose, amount=float(rules.PLYO_RESTART_CONTACTS))
                elif track.dose.load is not None and not key.endswith("|light"):
                    track.found = False
        self.issues.append(
            (
                "R-PROG-6",
                slot.week,
                f"{gap} days without training: doses restart one step lower"
                + (
                    ", and hold until one full session is logged"
                    if gap >= rules.GAP_HOLD_DAYS
                    else ""
                ),
            )
        )

    def _race_days(self, a: dt.date, b: dt.date) -> int:
        n = 0
        d = a + dt.timedelta(days=1)
        while d < b and n < 60:
            if self.calendar.day(d).blocked is not None:
                n += 1
            d += dt.timedelta(days=1)
        return n

    def _step_all_down(self, *, hold: bool) -> None:
        for key, track in self.st.tracks.items():
            scheme = key.rsplit("|", 1)[1]
            track.dose = dosing.step_down(track.dose, scheme, None).dose  # type: ignore[arg-type]
            track.pending = None
            track.hold_until_full = track.hold_until_full or hold

    # ------------------------------------------------------------------ composition

    def _compose(self, slot: Slot, safety: DaySafety, day: RaceDay) -> Session:
        blocks: list[budget.Block] = []
        head: list[Reason] = []
        race = self._race_to_name(slot, day)
        if race is not None:
            head.append(race)
        protocol = self._protocol_blocks(slot, safety, day)
        blocks += protocol
        kind = self._main_kind(slot, safety, day, bool(protocol))
        if kind is not None:
            main = self._kind_block(kind, slot, safety, day, "main")
            if main is not None:
                blocks.append(main)
                if main.ex.unit == "distance" and main.rx.scheme != "heavy":
                    nxt = self.c.soleus_next(
                        main.ex
                    )  # R-SCHED-8: a finisher pairs with the next step
                    if nxt is not None:
                        extra = self._ladder_block(nxt, slot, safety, "extra")
                        blocks.append(extra)
        for extra_kind in slot.extras:
            k = self._allowed_kind(extra_kind, slot, safety, day, bool(protocol))
            if k is not None and k not in (kind,):
                b = self._kind_block(k, slot, safety, day, "extra")
                if b is not None:
                    b.rx = replace(b.rx, sets=min(b.rx.sets, 2))
                    blocks.append(b)
        blocks += self._foot_blocks(slot)
        advice = None
        if safety.flare is not None:
            blocks, advice = self._flare(blocks, safety)
        blocks = _unique(blocks)
        blocks, minutes, over = budget.fit(blocks, self.p.session_minutes)
        if over:
            self.issues.append(
                (
                    "R-SCHED-7",
                    slot.week,
                    f"a session needs about {round(minutes)} min, more than the "
                    f"{self.p.session_minutes} min budget, even at the minimum dose",
                )
            )
        blocks.sort(key=lambda b: ORDER.get(b.rx.scheme, 5) + (10 if b.role == "foot" else 0))
        exercises = []
        for i, b in enumerate(blocks):
            rx = b.rx
            if i == 0 and head:
                rx = _with_reasons(rx, tuple(head) + rx.reasons)
            exercises.append(rx)
        exercises_t = self._no_repeat(slot, tuple(exercises))
        title = self._title(slot, blocks, safety)
        return Session(
            slot.date, slot.week, slot.deload, title, exercises_t, round(minutes), advice=advice
        )

    def _race_to_name(self, slot: Slot, day: RaceDay) -> Reason | None:
        race = day.after
        if race is None:
            return None
        if self.st.race_named is None or self.st.race_named < race.date:
            self.st.race_named = race.date
            return Reason(
                "R-SCHED-4a",
                f"First session after {describe(race)}: the recovery window is over; "
                "plyometrics restart at 50 contacts.",
            )
        if day.name_in_reasons is not None:
            return Reason(
                "R-SCHED-4a",
                f"Within 14 days of {describe(day.name_in_reasons)}: recovery comes first.",
            )
        return None

    def _main_kind(self, slot: Slot, safety: DaySafety, day: RaceDay, protocol: bool) -> str | None:
        kind = slot.kind
        if kind is None:
            return None
        if "shin" in self.p.complaints and kind != "plyo" and self.c.soleus_ladder:
            kind = "soleus"  # R-PAIN-4: the soleus ladder is the main block with shin pain
        return self._allowed_kind(kind, slot, safety, day, protocol)

    def _allowed_kind(
        self, kind: str, slot: Slot, safety: DaySafety, day: RaceDay, protocol: bool
    ) -> str | None:
        if kind == "plyo" and not self._plyo_open(slot, safety, day):
            kind = LIGHTER["plyo"]
        if kind in HEAVY_KINDS and (
            protocol
            or day.taper
            or day.light_only
            or (self.p.level == "novice" and slot.week <= rules.NOVICE_LIGHT_ONLY_WEEKS)
        ):
            kind = LIGHTER[kind]
        return kind if self.c.kind_possible(kind) else None

    def _plyo_open(self, slot: Slot, safety: DaySafety, day: RaceDay) -> bool:
        if self.c.plyo is None or day.taper or day.light_only or safety.flare is not None:
            return False
        if slot.before_hard or slot.day_after_hard:
            return False  # R-SCHED-4b
        gate = safety.plyo
        if not gate.open:
            return False
        if gate.since is not None and self.p.complaints & ACHILLES_COMPLAINTS:
            # R-PAIN-3: back in the first allowed session of the NEXT plan week.
            if self._week(gate.since) >= slot.week:
                return False
        return True

    # ------------------------------------------------------------------ blocks

    def _track(self, ex: Exercise, scheme: Scheme, base: Dose, needs_load: bool) -> Track:
        key = f"{ex.id}|{scheme}"
        track = self.st.tracks.get(key)
        if track is None:
            track = self.st.tracks[key] = Track(base, not needs_load)
        return track

    def _dose(
        self,
        ex: Exercise,
        scheme: Scheme,
        slot: Slot,
        safety: DaySafety,
        *,
        base: Dose,
        needs_load: bool,
        hold: Reason | None = None,
    ) -> tuple[Dose, list[Reason], bool]:
        """The dose of ``ex`` in ``scheme`` on the slot's day; reasons; whether it is a ramp."""
        track = self._track(ex, scheme, base, needs_load)
        inc = dosing.increment(ex, self.p.equipment)
        reasons: list[Reason] = []
        projected_day = self.today is None or slot.date > self.today
        if not track.found:
            o = track.pending
            if o is not None and o.found_load is not None:
                track.found = True
                track.dose = replace(track.dose, load=o.found_load)
                track.pending = None
                if not o.projected:
                    reasons.append(
                        dosing.reason(
                            "R-PROG-1a",
                            f"the load found on {o.date.isoformat()} is the base: "
                            f"{o.found_load:g} kg",
                        )
                    )
                    self._decide(ex, slot, "found", reasons[-1])
            else:
                track.pending = None
                return track.dose, reasons, True
        if base.fixed:
            # A protocol's week ladder sets sets and reps; the found load stays (R-PAIN-5).
            track.dose = replace(base, load=track.dose.load)
        hold_all = hold or self._hold_reason(safety, projected_day)
        verdict = judge(
            track,
            scheme,
            inc,
            safe_pain=self.safe_pain,
            stop_pain=safety.limit,
            hold_all=hold_all,
            checkin_ok=projected_day or self._checkin_ok(track, safety),
        )
        track.dose = verdict.dose
        track.pending = None
        if verdict.reason is not None and (not projected_day or verdict.action != "hold"):
            reasons.append(verdict.reason)
            if not projected_day:
                self._decide(ex, slot, verdict.action, verdict.reason)
        return track.dose, reasons, False

    def _hold_reason(self, safety: DaySafety, projected_day: bool) -> Reason | None:
        if safety.flare is not None:
            return dosing.reason(
                "R-PAIN-2b",
                f"a flare since {safety.flare.start.isoformat()}: no dose progresses",
            )
        if projected_day:
            return None
        if safety.morning == "hold":
            return dosing.reason(
                "R-PAIN-2", f"morning pain 1 above your usual ({safety.usual}/10): doses hold"
            )
        if safety.ask_checkin:
            return dosing.reason(
                "R-PAIN-2", "no check-in for 7 days: doses hold until you record one"
            )
        return None

    def _checkin_ok(self, track: Track, safety: DaySafety) -> bool:
        """R-PROG-6: with a complaint, the check-in after the exposure is at most usual + 1."""
        if not self.p.complaints or track.pending is None or track.pending.projected:
            return True
        after = [c for c in self.checkins if c.date > track.pending.date]
        return bool(after) and after[0].pain <= safety.usual + 1

    def _decide(self, ex: Exercise, slot: Slot, action: str, reason: Reason) -> None:
        self.decisions.append(Decision(ex.id, slot.date, action, reason.rule, reason.text))  # type: ignore[arg-type]

    def _finish(
        self,
        ex: Exercise,
        scheme: Scheme,
        dose: Dose,
        reasons: list[Reason],
        slot: Slot,
        safety: DaySafety,
        *,
        role: str,
        ramp: bool,
        tempo: str | None = None,
        lead: Reason | None = None,
    ) -> budget.Block:
        shown = dose
        if slot.deload and role != "foot":
            shown = dosing.deload(dose, scheme)
            if role == "main" and scheme != "plyometric":
                shown = replace(shown, sets=max(shown.sets, rules.MAIN_BLOCK_MIN_SETS))
            reasons.append(Reason("R-PROG-5", "Lighter week: volume about halved, load kept."))
        elif safety.morning == "one_set_fewer" and role != "foot" and not _projected(self, slot):
            shown = dosing.cut_sets(dose, 1)
            reasons.append(
                Reason("R-PAIN-2", "Morning pain was 2 above your usual: one set fewer.")
            )
        rx = _prescription(ex, scheme, shown, tempo=tempo)
        if ramp:
            reasons.insert(0, _ramp_reason(ex, self.p, shown))
            rx = replace(rx, sets=rules.RAMP_MAX_SETS, tempo=tempo or rules.HEAVY_TEMPO)
        all_reasons: tuple[Reason, ...] = ((lead,) if lead else ()) + tuple(reasons)
        all_reasons += (_scheme_reason(scheme, ex, shown),) + self._why(ex, scheme)
        return budget.Block(ex, _with_reasons(rx, all_reasons), role, ex.knee)

    def _why(self, ex: Exercise, scheme: Scheme) -> tuple[Reason, ...]:
        key = (ex.id, scheme)
        found = self._reason_cache.get(key)
        if found is None:
            found = self._reason_cache[key] = _catalog_reasons(self.catalog, ex, scheme)
        return found

    def _kind_block(
        self, kind: str, slot: Slot, safety: DaySafety, day: RaceDay, role: str
    ) -> budget.Block | None:
        if kind == "plyo":
            return self._plyo_block(slot, safety, day, role)
        if kind == "soleus":
            ex = self.c.soleus_step(self.st.soleus_step)
            return self._ladder_block(ex, slot, safety, role) if ex is not None else None
        ex = self.c.by_kind.get(kind)
        if ex is None:
            return None
        if kind in HEAVY_KINDS:
            base = dosing.first_dose(ex, "heavy", self.p.level)
            dose, reasons, ramp = self._dose(ex, "heavy", slot, safety, base=base, needs_load=True)
            return self._finish(
                ex,
                "heavy",
                dose,
                reasons,
                slot,
                safety,
                role=role,
                ramp=ramp,
                tempo=rules.HEAVY_TEMPO,
            )
        scheme: Scheme = "light"
        base = dosing.first_dose(ex, scheme, self.p.level)
        if role == "main":
            base = replace(base, sets=max(base.sets, rules.MAIN_BLOCK_MIN_SETS))
        dose, reasons, _ = self._dose(ex, scheme, slot, safety, base=base, needs_load=False)
        return self._finish(ex, scheme, dose, reasons, slot, safety, role=role, ramp=False)

    def _ladder_block(self, ex: Exercise, slot: Slot, safety: DaySafety, role: str) -> budget.Block:
        """R-PROG-3 soleus ladder: a step whose top dose was done at pain <= 3 moves on."""
        scheme = _ladder_scheme(ex)
        key = f"{ex.id}|{scheme}"
        track = self.st.tracks.get(key)
        lead = None
        if role == "main" and track is not None and track.pending is not None:
            o = track.pending
            b = dosing.band(scheme, track.dose.unit)
            top = b.rungs and track.dose.amount >= b.top and (o.least or 0) >= b.top
            pain_ok = o.max_pain is not None and o.max_pain <= self.safe_pain
            nxt = self.c.soleus_next(ex)
            if top and pain_ok and not o.missing and nxt is not None and safety.flare is None:
                self.st.soleus_step = steps_of(nxt)["soleus"]
                lead = dosing.reason(
                    "R-PROG-3",
                    f"the top dose of {ex.name.lower()} was done at pain <= {self.safe_pain}/10, "
                    f"so the soleus ladder moves on to {nxt.name.lower()}",
                )
                ex, scheme = nxt, _ladder_scheme(nxt)
        base = dosing.first_dose(ex, scheme, self.p.level)
        if role == "main":
            base = replace(base, sets=max(base.sets, rules.MAIN_BLOCK_MIN_SETS))
        dose, reasons, _ = self._dose(ex, scheme, slot, safety, base=base, needs_load=False)
        reasons.insert(
            0, Reason("R-PROG-3", f"Step {steps_of(ex).get('soleus', 1)} of the soleus ladder.")
        )
        return self._finish(
            ex, scheme, dose, reasons, slot, safety, role=role, ramp=False, lead=lead
        )

    def _plyo_block(
        self, slot: Slot, safety: DaySafety, day: RaceDay, role: str
    ) -> budget.Block | None:
        ex = self.c.plyo
        if ex is None:
            return None
        level = self.p.level
        key = f"{ex.id}|plyometric"
        track = self.st.tracks.get(key)
        reasons: list[Reason] = []
        cap = safety.plyo.cap
        if level == "novice" and slot.week <= rules.NOVICE_LIGHT_ONLY_WEEKS:
            cap = min(cap or rules.PLYO_LIGHT_MAX, rules.PLYO_LIGHT_MAX)  # R-PROG-4a
        restart = False
        if track is None:
            total = dosing.plyo_start(level)
            if safety.plyo.since is not None:
                total = rules.PLYO_RESTART_CONTACTS
                reasons.append(safety.plyo.reason)
            track = self.st.tracks[key] = Track(Dose(1, float(total), "contacts"), True)
        elif day.after is not None and (
            self.st.plyo_date is None or self.st.plyo_date < day.after.date
        ):
            restart = True
            reasons.append(
                Reason(
                    "R-SCHED-4a",
                    f"First plyometric block after {describe(day.after)}: 50 contacts.",
                )
            )
        total = dosing.total_contacts(track.dose)
        o = track.pending
        if restart:
            total = rules.PLYO_RESTART_CONTACTS
        elif o is not None and track.last_week < slot.week and safety.flare is None:
            done = int(o.least or 0)
            if o.max_pain is not None and o.max_pain > safety.limit:
                total = max(rules.PLYO_RESTART_CONTACTS, done - rules.PLYO_WEEKLY_STEP)
                reasons.append(
                    dosing.reason("R-PAIN-1", f"pain above {safety.limit}/10: fewer contacts")
                )
            elif o.missing or (o.max_rpe or 0) > rules.RPE_PROGRESS_MAX or done < total:
                total = min(total, max(done, rules.PLYO_RESTART_CONTACTS))
            else:
                new = dosing.plyo_next(done, level, cap)
                if new > total and not o.projected:
                    reasons.append(dosing.reason("R-PROG-4", f"contacts go up to {new} a session"))
                total = new
        if cap is not None:
            total = min(total, cap)
        total = max(total, min(rules.MAIN_BLOCK_MIN_CONTACTS, cap or rules.MAIN_BLOCK_MIN_CONTACTS))
        track.dose = Dose(1, float(total), "contacts")
        track.pending = None
        shown_total = total
        if slot.deload:
            shown_total = max(
                rules.MAIN_BLOCK_MIN_CONTACTS, round(total * rules.DELOAD_VOLUME_FACTOR)
            )
            reasons.append(Reason("R-PROG-5", "Lighter week: contacts cut."))
        b = dosing.bouts(shown_total, ex)
        rx = Prescription(
            ex.id,
            "plyometric",
            b.sets,
            seconds=b.seconds,
            contacts=b.contacts,
            per_side=False,
            rest_seconds=rules.REST_SECONDS["plyometric"],
        )
        shown = Dose(1, float(b.sets * b.contacts), "contacts")
        all_reasons = (
            tuple(reasons)
            + (_scheme_reason("plyometric", ex, shown),)
            + _catalog_reasons(self.catalog, ex, "plyometric")
        )
        return budget.Block(ex, _with_reasons(rx, all_reasons), role, "none")

    def _protocol_blocks(self, slot: Slot, safety: DaySafety, day: RaceDay) -> list[budget.Block]:
        """R-PAIN-3/4/5: the complaint protocol block, every session while the complaint lasts."""
        complaints = self.p.complaints - safety.closed_complaints
        closed = self.p.complaints & safety.closed_complaints
        st = self.st
        if st.protocol_week != slot.week and st.protocol_week:
            self._close_protocol_week(slot.week)
        if not complaints and closed:
            # R-PAIN-4: a closed complaint's protocol runs once a week for 8 more weeks.
            if st.protocol_week_sessions >= 1:
                return []
            complaints = closed
        if day.no_rehab is not None:
            return []
        if "calf_strain" in complaints:
            return self._strain_blocks(slot, safety, day)
        if not complaints & (ACHILLES_COMPLAINTS | {"plantar_heel"}):
            return []
        achilles = bool(complaints & ACHILLES_COMPLAINTS)
        table = rules.ACHILLES_HSR if achilles else rules.PLANTAR_HEEL_RAISE
        step = rules.protocol_step(table, st.protocol_weeks + 1)
        exercises = [self.c.protocol_straight]
        if achilles:
            exercises.append(self.c.protocol_bent)
        blocks = []
        for ex in exercises:
            if ex is None:
                continue
            plantar = "plantar_heel" in protocols_of(ex) and "plantar_heel" in complaints
            tempo = rules.PLANTAR_HEEL_TEMPO if plantar else rules.ACHILLES_HSR_TEMPO
            base = Dose(step.sets, float(step.reps), "reps", None, True)
            needs_load = dosing.increment(ex, self.p.equipment) is not None
            dose, reasons, ramp = self._dose(
                ex, "rehab", slot, safety, base=base, needs_load=needs_load
            )
            if day.taper is not None:
                dose = dosing.cut_sets(dose, 1)
                reasons.append(
                    Reason(
                        "R-SCHED-4a",
                        f"Race week ({describe(day.taper)}): one set fewer, load kept.",
                    )
                )
            names = sorted(complaints & (ACHILLES_COMPLAINTS | {"plantar_heel"}))
            lead = Reason(
                "R-PAIN-5",
                f"{', '.join(n.replace('_', ' ') for n in names).capitalize()} protocol, "
                f"{step.label} ({tempo}); pain up to {safety.limit}/10 is acceptable and must "
                "settle by the next "
                "morning (R-PAIN-1).",
            )
            if "achilles_insertional" in complaints:
                reasons.append(
                    Reason(
                        "R-PAIN-5",
                        "Insertional Achilles pain: on flat ground, never below floor level.",
                    )
                )
            if not needs_load:
                reasons.append(
                    Reason(
                        "R-PROG-1a",
                        "Body weight is enough only while it leaves 2 or fewer reps in reserve; "
                        "slow the tempo further or add a loaded backpack when it does not.",
                    )
                )
            blocks.append(
                self._finish(
                    ex,
                    "rehab",
                    dose,
                    reasons,
                    slot,
                    safety,
                    role="protocol",
                    ramp=ramp,
                    tempo=tempo,
                    lead=lead,
                )
            )
        return blocks

    def _strain_blocks(self, slot: Slot, safety: DaySafety, day: RaceDay) -> list[budget.Block]:
        """R-PAIN-4 calf strain: the criteria ladder, passed at its top dose with pain <= 2 and
        the next check-in at most usual + 1; pain above 2 drops one step."""
        st = self.st
        step = max(1, min(len(self.c.strain_ladder), st.strain_step))
        members = self.c.strain_ladder[step - 1] if self.c.strain_ladder else ()
        lead: Reason | None = None
        top_sets, top_amount = STRAIN_TOP.get(step, (3, 15.0))
        for ex in members:
            track = st.tracks.get(f"{ex.id}|{_strain_scheme(ex, step)}")
            if track is None or track.pending is None or track.pending.projected:
                continue
            o = track.pending
            if o.max_pain is not None and o.max_pain > rules.PAIN_STRICT_MAX and step > 1:
                st.strain_step = step - 1
                lead = Reason(
                    "R-PAIN-4", f"Pain above 2/10 on {o.date.isoformat()}: back to step {step - 1}."
                )
                break
            at_top = (o.least or 0) >= top_amount and o.sets >= top_sets
            if (
                at_top
                and o.max_pain is not None
                and o.max_pain <= rules.PAIN_STRICT_MAX
                and (self._checkin_ok(track, safety))
                and step < len(self.c.strain_ladder)
                and safety.flare is None
            ):
                st.strain_step = step + 1
                lead = Reason(
                    "R-PAIN-4",
                    f"Step {step} of the calf-strain ladder was done at its top dose with pain "
                    "<= 2/10: "
                    f"step {step + 1} begins.",
                )
                break
        step = max(1, min(len(self.c.strain_ladder), st.strain_step))
        members = self.c.strain_ladder[step - 1] if self.c.strain_ladder else ()
        top_sets, top_amount = STRAIN_TOP.get(step, (3, 15.0))
        blocks = []
        for ex in members:
            scheme = _strain_scheme(ex, step)
            first = dosing.first_dose(ex, scheme, self.p.level)
            base = replace(first, sets=min(max(first.sets, 3), top_sets))
            needs_load = step == 4 and dosing.increment(ex, self.p.equipment) is not None
            if step == 4:
                base = Dose(top_sets, top_amount, "reps", None, True)
            dose, reasons, ramp = self._dose(
                ex, scheme, slot, safety, base=base, needs_load=needs_load
            )
            if not base.fixed and dose.amount > top_amount:
                dose = replace(dose, amount=top_amount, sets=min(top_sets, dose.sets + 1))
            if day.taper is not None:
                dose = dosing.cut_sets(dose, 1)
            step_lead = Reason(
                "R-PAIN-4",
                f"Calf strain, step {step} of 4 of the criteria ladder (top {top_sets} x "
                f"{dosing.amount_text(top_amount, dose.unit)}); stop an exercise above 2/10 and "
                "watch for a pop, swelling or pain at rest (R-PAIN-2a).",
            )
            blocks.append(
                self._finish(
                    ex,
                    scheme,
                    dose,
                    ([lead] if lead else []) + reasons,
                    slot,
                    safety,
                    role="protocol",
                    ramp=ramp,
                    tempo=rules.ACHILLES_HSR_TEMPO if step == 4 else None,
                    lead=step_lead,
                )
            )
            lead = None
        return blocks

    def _foot_blocks(self, slot: Slot) -> list[budget.Block]:
        """R-SCHED-6 foot work every session; R-PAIN-4 shin: a dorsiflexor accessory."""
        out: list[budget.Block] = []
        pool = list(self.c.foot)
        if "plantar_heel" in self.p.complaints:
            pool = [e for e in pool if e.region == "foot"] or pool
        if "shin" in self.p.complaints and self.c.dorsi:
            ex = self.c.dorsi[slot.week % len(self.c.dorsi)]
            block = self._foot_block(ex, slot)
            block.rx = _with_reasons(
                block.rx,
                (
                    Reason(
                        "R-PAIN-4",
                        "Shin complaint: dorsiflexor strengthening; the evidence for it is low (L) "
                        "and running load is the main lever.",
                    ),
                )
                + block.rx.reasons,
            )
            out.append(block)
        if pool:
            i = self.st.foot_index
            self.st.foot_index = i + 2
            out.append(self._foot_block(pool[i % len(pool)], slot))
            if len(pool) > 1:
                out.append(self._foot_block(pool[(i + 1) % len(pool)], slot))
        return out

    def _foot_block(self, ex: Exercise, slot: Slot) -> budget.Block:
        key = (ex.id, int(slot.deload))
        cached = self._foot_cache.get(key)
        if cached is None:
            cached = self._foot_cache[key] = self._make_foot_block(ex, slot)
        # A block's prescription may be trimmed by the budget: hand out a fresh block.
        return budget.Block(cached.ex, cached.rx, cached.role, cached.knee)

    def _make_foot_block(self, ex: Exercise, slot: Slot) -> budget.Block:
        d = ex.default_dose
        scheme: Scheme = "skill" if "skill" in ex.schemes else ex.schemes[0]
        sets = max(1, round(d.sets * rules.DELOAD_VOLUME_FACTOR)) if slot.deload else d.sets
        rx = Prescription(
            ex.id,
            scheme,
            sets,
            reps=d.reps,
            seconds=d.seconds,
            distance_m=d.distance_m,
            contacts=d.contacts,
            per_side=d.per_side,
            rest_seconds=rules.REST_SECONDS[scheme],
        )
        reasons = (_scheme_reason("skill", ex, Dose(1, 1, "reps")),) + self._why(ex, scheme)
        return budget.Block(ex, _with_reasons(rx, reasons), "foot", ex.knee)

    def _flare(
        self, blocks: list[budget.Block], safety: DaySafety
    ) -> tuple[list[budget.Block], str]:
        """R-PAIN-2b: every heavy, rehab and light calf block becomes 5 x 30 s two-leg
        mid-range holds at its knee angle; plyometrics stop; ease the running."""
        assert safety.flare is not None
        start = safety.flare.start.isoformat()
        out: list[budget.Block] = []
        knees: set[str] = set()
        for b in blocks:
            if b.role == "foot":
                out.append(b)
                continue
            if b.rx.scheme == "plyometric" or b.ex.region != "calf":
                continue
            knee = b.ex.knee if b.ex.knee in self.c.holds else next(iter(self.c.holds), "")
            if not knee or knee in knees:
                continue
            knees.add(knee)
            hold = self.c.holds[knee]
            d = dosing.flare_hold()
            rx = Prescription(
                hold.id,
                "isometric",
                d.sets,
                seconds=int(d.amount),
                per_side=False,
                rest_seconds=rules.FLARE_HOLD_REST_SECONDS,
            )
            reason = Reason(
                "R-PAIN-2b",
                f"A flare since {start}: 5 x 30 s two-leg holds at mid-range keep the tissue "
                f"loaded at pain <= {self.safe_pain}/10 (whether holds relieve pain is unclear).",
            )
            out.append(
                budget.Block(
                    hold,
                    _with_reasons(rx, (reason, Reason("R-WHY", hold.why.strip()))),
                    "hold",
                    knee,
                )
            )
        advice = (
            f"A pain flare since {start} (R-PAIN-2b): ease the running (shorter, flatter, slower) "
            "until the morning pain settles; see a clinician if it is not better within 2 weeks."
        )
        return out, advice

    # ------------------------------------------------------------------ shape and words

    def _no_repeat(
        self, slot: Slot, exercises: tuple[Prescription, ...]
    ) -> tuple[Prescription, ...]:
        """R-SCHED-3: two consecutive weeks never repeat a session (swap a foot drill)."""
        st = self.st
        if slot.week != st.sig_week:
            st.prev_sigs = st.this_sigs if slot.week == st.sig_week + 1 else []
            st.this_sigs = []
            st.sig_week = slot.week
        sig = sorted(f"{rx.exercise}|{rx.scheme}" for rx in exercises)
        if sig in st.prev_sigs:
            used = {rx.exercise for rx in exercises}
            for pos, rx in enumerate(exercises):
                if rx.scheme != "skill":
                    continue
                for ex in self.c.foot:
                    if ex.id in used:
                        continue
                    alt = self._foot_block(ex, slot).rx
                    cand = exercises[:pos] + (alt,) + exercises[pos + 1 :]
                    csig = sorted(f"{r.exercise}|{r.scheme}" for r in cand)
                    if csig not in st.prev_sigs:
                        exercises, sig = cand, csig
                        break
                else:
                    continue
                break
            else:
                self.issues.append(
                    (
                        "R-SCHED-3",
                        slot.week,
                        "a session repeats one of the week before: the athlete's options allow "
                        "no other",
                    )
                )
        st.this_sigs.append(sig)
        return exercises

    def _title(self, slot: Slot, blocks: list[budget.Block], safety: DaySafety) -> str:
        main = next((b for b in blocks if b.role == "main"), None)
        protocol = [b for b in blocks if b.role == "protocol"]
        if safety.flare is not None:
            title = "Flare: isometric holds and foot work"
        elif main is not None:
            title = _block_title(main)
            if protocol:
                title = f"{_protocol_title(self.p)} + {title[:1].lower()}{title[1:]}"
        elif protocol:
            title = _protocol_title(self.p)
        else:
            title = "Foot and ankle work"
        if slot.after_hard:
            title += " (after your hard run)"
        if slot.deload:
            title = "Lighter week - " + title
        return title


def _protocol_title(p: Profile) -> str:
    if "calf_strain" in p.complaints:
        return "Calf-strain ladder"
    if p.complaints & ACHILLES_COMPLAINTS:
        return "Achilles protocol"
    return "Plantar heel protocol"


def _block_title(b: budget.Block) -> str:
    scheme = b.rx.scheme
    knee = {"straight": "straight-knee", "bent": "bent-knee"}.get(b.ex.knee, "")
    if scheme == "plyometric":
        return f"Plyometrics: {b.ex.name.lower()}"
    if scheme == "heavy":
        return f"Heavy {knee} work: {b.ex.name.lower()}"
    if steps_of(b.ex).get("soleus") is not None:
        return f"Soleus strength: {b.ex.name.lower()}"
    return f"Light {knee} work: {b.ex.name.lower()}".replace("  ", " ")


def _ladder_scheme(ex: Exercise) -> Scheme:
    if ex.unit in ("seconds", "distance"):
        return "isometric" if "isometric" in ex.schemes else ex.schemes[0]
    return "light" if "light" in ex.schemes else ex.schemes[0]


def _strain_scheme(ex: Exercise, step: int) -> Scheme:
    if step == 4:
        return "rehab"
    return _ladder_scheme(ex)


def _safe_pain(p: Profile) -> int:
    strict = p.complaints & rules.STRICT_PAIN_COMPLAINTS
    return rules.PAIN_STRICT_MAX if strict else rules.PAIN_SAFE_MAX


def _ramp_reason(ex: Exercise, p: Profile, dose: Dose) -> Reason:
    start = dosing.ramp_start(ex, p)
    step = dosing.ramp_step(ex, p)
    where = "body weight" if start == 0 else f"{start:g} kg"
    return Reason(
        "R-PROG-1a",
        f"Load-finding session: up to {rules.RAMP_MAX_SETS} ramp sets of "
        f"{dosing.amount_text(dose.amount, dose.unit)}, from {where} adding about {step:g} kg a "
        f"set; stop at RPE 8-9 or pain above {_safe_pain(p)}/10. "
        f"The shown load is the starting point; the last set within both limits is your base.",
    )


def _prescription(ex: Exercise, scheme: Scheme, dose: Dose, *, tempo: str | None) -> Prescription:
    amount: int | float = (
        round(dose.amount, 2) if dose.unit == "distance_m" else int(round(dose.amount))
    )
    unit = dose.unit
    return Prescription(
        ex.id,
        scheme,
        dose.sets,
        reps=amount if unit == "reps" else None,  # type: ignore[arg-type]
        seconds=amount if unit == "seconds" else None,  # type: ignore[arg-type]
        distance_m=amount if unit == "distance_m" else None,
        contacts=amount if unit == "contacts" else None,  # type: ignore[arg-type]
        per_side=ex.unilateral,
        added_load_kg=dose.load if dose.load else (0.0 if scheme == "heavy" else None),
        rest_seconds=rules.REST_SECONDS[scheme],
        tempo=tempo,
    )


def _with_reasons(rx: Prescription, reasons: tuple[Reason, ...]) -> Prescription:
    return Prescription(
        rx.exercise,
        rx.scheme,
        rx.sets,
        rx.reps,
        rx.seconds,
        rx.distance_m,
        rx.contacts,
        rx.per_side,
        rx.added_load_kg,
        rx.rest_seconds,
        rx.tempo,
        " ".join([f"{r.rule}: {r.text}" for r in reasons]),
        reasons[0].rule if reasons else "",
        reasons,
    )


def _dose_of(rx: Prescription | None) -> Dose | None:
    if rx is None:
        return None
    if rx.contacts is not None:
        return Dose(1, float(rx.contacts * rx.sets), "contacts")
    units: tuple[Amount, ...] = ("reps", "seconds", "distance_m")
    for unit in units:
        value = getattr(rx, unit)
        if value is not None:
            return Dose(rx.sets, float(value), unit, rx.added_load_kg or None, rx.scheme == "rehab")
    return None


def _is_hold(rx: Prescription | None) -> bool:
    return rx is not None and rx.rule == "R-PAIN-2b"


def _projected(maker: SessionMaker, slot: Slot) -> bool:
    return maker.today is None or slot.date > maker.today


def _unique(blocks: list[budget.Block]) -> list[budget.Block]:
    """R-SCHED-8: no exercise twice in one session (the first, more important block stays)."""
    seen: set[str] = set()
    out = []
    for b in blocks:
        if b.ex.id in seen:
            continue
        seen.add(b.ex.id)
        out.append(b)
    return out


__all__ = ["Decision", "SessionMaker"]
