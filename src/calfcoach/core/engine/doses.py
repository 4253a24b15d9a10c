"""Doses and reasons of one block: the tracks of the walk state through ``core.dosing``
and ``evidence.judge`` (R-PROG-1a/2/6/7, R-PAIN-1/2, R-PROG-5 lighter weeks, R-WHY reasons).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Final

from calfcoach.core import dosing, rules
from calfcoach.core.catalog import Catalog
from calfcoach.core.dosing import Amount, Dose
from calfcoach.core.engine import budget
from calfcoach.core.engine.base import (
    SPIKE_RULE,
    Decision,
    MakerBase,
)
from calfcoach.core.engine.evidence import Verdict, bare_base, judge
from calfcoach.core.engine.skeleton import Slot
from calfcoach.core.engine.state import Track
from calfcoach.core.memo import MISSING, IdentityMemo
from calfcoach.core.models import (
    Exercise,
    Prescription,
    Profile,
    Reason,
    Scheme,
)
from calfcoach.core.safety import DaySafety


class DoseMaker(MakerBase):
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
        cap: tuple[int, float, str] | None = None,
    ) -> tuple[Dose, list[Reason], bool]:
        """The dose of ``ex`` in ``scheme`` on the slot's day; reasons; whether it is a ramp.
        ``cap``: (sets, amount, what) a ladder's step allows at most (R-PAIN-4's calf-strain
        steps): a step past its amount adds a set instead, and holds at the step's top."""
        track = self._track(ex, scheme, base, needs_load)
        inc = dosing.increment(ex, self.equipment)
        reasons: list[Reason] = []
        projected_day = self.today is None or slot.date > self.today
        if not track.found:
            o = track.pending
            # R-PROG-1a: body weight alone is a base only for rehab, and only while it leaves
            # 2 or fewer reps in reserve (RPE 8+); heavy work always carries a load.
            bare = o is not None and bare_base(o, scheme)
            if bare and o is not None:
                # R-PROG-1a / R-SCH-2a: heavy work carries a load; only body weight stayed
                # within the limits, so the load-finding session repeats.
                reasons.append(
                    dosing.reason(
                        "R-PROG-1a",
                        f"on {o.date.isoformat()} no set with added load stayed within RPE 9 and "
                        "the pain limit, and body weight left more than 2 reps in reserve, so "
                        "the load-finding session repeats",
                    )
                )
                track.pending = None
                return track.dose, reasons, True
            if o is not None and o.found_load is not None:
                track.found = True
                # The base load, with the scheme's own sets back (a ramp may have lost one).
                least = dosing.band(scheme, track.dose.unit).sets[0]
                sets = max(track.dose.sets, least) if not track.dose.fixed else track.dose.sets
                track.dose = track.dose.with_load(o.found_load, sets=sets)
                track.pending = None
                track.estimated = o.projected
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
                if o is not None and not o.projected:
                    # R-PROG-1a / R-PAIN-1: no ramp set stayed within both limits.
                    worst = o.max_pain if o.max_pain is not None else 0
                    # The complaint's own limit (2/10 for calf strain and shin, R-PAIN-2a).
                    why = (
                        f"pain reached {worst}/10 on {o.date.isoformat()}"
                        if worst > self.safe_pain
                        else f"no set on {o.date.isoformat()} reached the target within RPE 9"
                    )
                    reasons.append(
                        dosing.reason(
                            "R-PAIN-1" if worst > self.safe_pain else "R-PROG-1a",
                            f"{why}, so no load was found: the load-finding session repeats "
                            "from its starting point",
                        )
                    )
                    if worst > rules.PAIN_ACCEPTABLE_MAX:
                        # R-PAIN-2: above 5/10 the exercise regresses: one ramp set fewer.
                        track.dose = dosing.cut_sets(track.dose, 1)
                    self._decide(ex, slot, "regress" if worst > 5 else "hold", reasons[-1])
                track.pending = None
                return track.dose, reasons, True
        if track.estimated and projected_day:
            reasons.append(_ESTIMATED_REASON)
        elif track.estimated:
            track.estimated = False
        hold_all = hold or self._hold_reason(safety, projected_day, slot.date)
        spike = hold_all is not None and hold_all.rule == SPIKE_RULE
        rm_step: Reason | None = None
        if base.fixed:
            # A protocol's week ladder sets sets and reps; the found load stays (R-PAIN-5).
            # Within one step of the ladder a set taken off by a regression stays off.
            if track.dose.fixed and track.step_amount == base.amount:
                track.dose = track.dose.with_amount(
                    min(base.amount, track.dose.amount), sets=min(base.sets, track.dose.sets)
                )
            elif (
                spike
                and hold_all is not None
                and track.dose.fixed
                and (base.amount < track.dose.amount or base.sets > track.dose.sets)
            ):
                # RUN-SPIKE-1: the ladder's next step (fewer reps at a heavier RM, or a set
                # more) waits for a week without a spike (D-99, D-150).
                reasons.append(hold_all)
            else:
                before = track.step_amount
                track.dose = base.with_load(track.dose.load)
                track.step_amount = base.amount
                if before is not None and base.amount < before and track.found:
                    # D-176: a heavier RM step keeps the found load, and says how to read it:
                    # "xRM" means 0-1 reps in reserve (R-PROG-1a), which the old load may not be.
                    rm_step = _rm_step_reason(int(before), int(base.amount))
                    reasons.append(rm_step)
        real = track.pending is not None and not track.pending.projected
        pending = track.pending
        # R-PROG-5 (D-151): a lighter week steps nothing up; a step the sessions before it
        # earned waits for the week after it (its evidence is kept). Pain and missed reps still
        # regress or hold as on any day.
        lighter = hold_all is None and slot.deload and track.dose.unit != "contacts"
        checkin_ok = not real or self._checkin_ok(track, safety, slot.date, assume=projected_day)
        verdict = judge(
            track,
            scheme,
            inc,
            safe_pain=self.safe_pain,
            stop_pain=safety.limit,
            hold_all=_LIGHTER_HOLD if lighter else hold_all,
            # R-PROG-6: with a complaint the check-in after the exposure decides; a session
            # further ahead assumes it will be fine (it is recomputed once it is recorded).
            checkin_ok=checkin_ok,
            # R-PROG-6, R-PAIN-2: no check-in yet after the exposure is a missing value, not a
            # morning above usual + 1; the reason says which.
            checkin_missing=not checkin_ok and not self._checkin_after(track, slot.date),
        )
        if cap is not None and not base.fixed:
            verdict = _capped(verdict, track.dose, cap, projected=not real)
        track.dose = verdict.dose
        if rm_step is not None and verdict.action == "progress":
            # R-PROG-2: the logged sets earned a load step against their own target (judged
            # in ``evidence``): the step to the heavier RM does not keep "the load you had".
            reasons.remove(rm_step)
        # RUN-SPIKE-1 in a lighter week (D-230): the spike's hold is the one shown, but the
        # step the sessions before the lighter week earned waits for the week after it, as it
        # does in a lighter week without a spike (D-151), and its hold is said then.
        spike_in_lighter = spike and slot.deload and track.dose.unit != "contacts"
        kept = verdict.reason is _LIGHTER_HOLD or (spike_in_lighter and verdict.action == "hold")
        track.pending = pending if kept else None
        if hold_all is not None and not projected_day and not base.fixed:
            # "Hold" keeps the dose last done: a step made for a session that was missed is
            # not taken on a morning that holds (R-PAIN-2, R-PAIN-2b).
            track.dose = dosing.lighter_of(track.dose, track.done)
        if scheme == "heavy" and not track.estimated and not (track.dose.load or 0) > 0:
            # R-SCH-2a: a step down took the last of the load off; heavy work needs a load,
            # so the load-finding session repeats (R-PROG-1a).
            track.found = False
            track.dose = track.dose.with_load(None)
            if verdict.reason is not None:
                reasons.append(verdict.reason)
            return track.dose, reasons, True
        shown = (real or not projected_day or verdict.action != "hold") and (
            # said once, in the session's race reason or the lighter week's
            verdict.reason is not _RACE_HOLD and verdict.reason is not _LIGHTER_HOLD
        )
        if verdict.reason is not None and verdict.reason.rule == SPIKE_RULE:
            shown = verdict.reason not in reasons  # a spike's hold is shown ahead too
        if verdict.reason is not None and shown:
            reasons.append(verdict.reason)
            if real or not projected_day:
                self._decide(ex, slot, verdict.action, verdict.reason)
        return track.dose, reasons, False

    def _needs_load(self, ex: Exercise, scheme: str) -> bool:
        """R-PROG-1a: heavy work, and rehab the athlete can load, start with a ramp."""
        if scheme == "heavy":
            return True
        return scheme == "rehab" and dosing.increment(ex, self.equipment) is not None

    def _needs_load_id(self, exercise: str, scheme: str) -> bool:
        return exercise in self.catalog and self._needs_load(self.catalog.get(exercise), scheme)

    def _hold_reason(self, safety: DaySafety, projected_day: bool, day: dt.date) -> Reason | None:
        """Why no dose progresses on ``day``, earliest first: a flare (R-PAIN-2b), morning
        pain or a missing check-in (R-PAIN-2), a running load spike (RUN-SPIKE-1)."""
        if safety.flare is not None:
            return dosing.reason(
                "R-PAIN-2b",
                f"a flare since {safety.flare.start.isoformat()}: no dose progresses",
            )
        # R-SCHED-4a (D-147): in the 7 days before a race nothing new is asked of the legs;
        # the session's head reason says so (this one is not repeated on every block).
        spike = self._spike_hold(day)  # a spike's hold is shown, with its figures
        if spike is None and self._race_holds(day):
            spike = _RACE_HOLD
        if projected_day:
            return spike
        if safety.ask_checkin:
            # R-PAIN-2: with a complaint and no check-in for 7 days, doses hold and the plan
            # asks for one. First: the morning "hold" it sets is no morning pain above usual.
            return dosing.reason(
                "R-PAIN-2",
                f"{self.checkin_gap_text(safety, day)}: the dose holds until you record one",
            )
        if safety.morning in ("hold", "one_set_fewer"):
            return dosing.reason(
                "R-PAIN-2",
                f"morning pain above your usual ({safety.usual}/10): no dose goes up",
            )
        return spike

    def checkin_gap_text(self, safety: DaySafety, day: dt.date) -> str:
        """How long there has been no morning check-in by ``day`` (R-PAIN-2), in words.

        The last check-in is the safety layer's (its fold keeps it however old, R-HIST): the
        log a walk from a snapshot reads holds only the 28 days of check-ins before it, so a
        session made then named no check-in where the same session made from the whole log
        named the last one. The day is the session's, never ``safety.day``: with nothing
        logged one verdict serves every session and keeps the first one's day (D-232)."""
        last = safety.last_checkin
        if last is not None:
            n = (day - last).days
            return f"no check-in for {n} day{'s' if n != 1 else ''} (the last on {last})"
        n = (day - self.start).days
        if n <= 0:
            return "no check-in recorded yet"
        return f"no check-in for {n} day{'s' if n != 1 else ''} (none since the plan started)"

    def _no_new_step(self, slot: Slot) -> bool:
        """Neither ladder moves on: around a race (``_race_holds``) or in a lighter week
        (R-PROG-5, D-151: the step waits for the week after it)."""
        return slot.deload or self._race_holds(slot.date)

    def _race_holds(self, day: dt.date) -> bool:
        """R-SCHED-4a: no dose goes up and no ladder moves on in the 7 days before a race
        (D-147) nor in the light week after a marathon's recovery window (D-149)."""
        race_day = self.calendar.day(day)
        return race_day.taper is not None or race_day.light_only is not None

    def _checkin_ok(
        self, track: Track, safety: DaySafety, day: dt.date, *, assume: bool = False
    ) -> bool:
        """R-PROG-6: with a complaint, the check-in after the exposure is at most usual + 1;
        none yet (by the morning of ``day``: nothing later may change the past, R-HIST) holds
        the dose, unless ``assume`` (a session further ahead)."""
        if not self.complaints or track.pending is None or track.pending.projected:
            return True
        after = [c for c in self.checkins if track.pending.date < c.date <= day]
        if not after:
            return assume
        return after[0].pain <= safety.usual + 1

    def _checkin_after(self, track: Track, day: dt.date) -> bool:
        """A check-in after the pending exposure, by the morning of ``day``."""
        o = track.pending
        return o is not None and any(o.date < c.date <= day for c in self.checkins)

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
        race_cut: bool = False,
    ) -> budget.Block:
        """The block as given. ``race_cut``: a protocol block already one set fewer for race
        week (R-SCHED-4a); a lighter week then cuts nothing more (R-PAIN-5: set cuts never
        stack; R-SCHED-0: the race comes before the lighter week, D-146)."""
        shown = dose
        if role == "main" and scheme not in ("plyometric", "rehab"):
            # R-SCHED-8: a main block is real work, at least 3 working sets.
            shown = shown.with_sets(max(shown.sets, rules.MAIN_BLOCK_MIN_SETS))
        # The dose before a lighter week's or a race week's cut: the session holds no block
        # that this dose would leave out of the time budget (R-PROG-5, D-175).
        full: Dose | None = shown.with_sets(shown.sets + 1) if race_cut else None
        if slot.deload and role not in ("foot", "dorsi") and race_cut:
            reasons.append(_race_cut_is_the_cut(shown))
        elif slot.deload and role not in ("foot", "dorsi"):
            # D-24: a lighter week cuts the volume (R-PROG-5), also below R-SCHED-8's 3 sets.
            # The cut is of the block as a week without it gives it (a main block's 3 sets),
            # the dose its reason names: from a block kept at 2 sets (a short extra block's
            # trim) it cut 3 x 20 to 2 x 10, 67 % less, not R-PROG-5's 40-50 %.
            before, shown = shown, dosing.deload(shown, scheme)
            reasons.append(lighter_week_reason(before, shown, scheme))
            full = before
        if (
            safety.morning == "one_set_fewer"
            and role not in ("foot", "dorsi")
            and not _projected(self, slot)
        ):
            # R-PAIN-2 (D-146): the morning's set is a safety cut, not a lighter or race week's:
            # it applies on top of either (never below 2 sets), and is said only where a set
            # went.
            cut = dosing.cut_sets(shown if slot.deload else dose, 1)
            if cut.sets < shown.sets or not slot.deload:
                shown = cut
                reasons.append(MORNING_SET_REASON)
        if ramp:
            # R-PROG-1a: the ramp shows its starting point in kg (body weight: 0 kg added).
            start = dosing.ramp_start(ex, self.p) or None
            shown = shown.with_load(start, sets=min(rules.RAMP_MAX_SETS, shown.sets))
            if full is not None:
                full = full.with_load(start, sets=min(rules.RAMP_MAX_SETS, full.sets))
        if ramp:
            # D-171: a lighter week eases effort (R-PROG-5) and a race week keeps rehab at a
            # load it knows (R-SCHED-4a): a ramp there stops at RPE 7, not 8-9.
            eased = "lighter week" if slot.deload else ("race week" if race_cut else None)
            reasons.insert(0, _ramp_reason(ex, self.p, shown, eased))
        head: tuple[Reason, ...] = ((lead,) if lead else ()) + tuple(reasons)
        if role == "protocol" and scheme != "rehab":
            # R-WHY, R-PAIN-4: a calf-strain ladder step (holds, two-leg and single-leg raises
            # dosed as light and isometric work) is rehab, not training: it says what the
            # step is for, not what light work builds, and not what the calf does in hard
            # running (those reasons are for training blocks).
            head += (_STRAIN_STEP_REASON,)
            tail, tail_why = _rehab_step_reasons(self._why_entry(ex, scheme)[0])
        else:
            head += (_scheme_reason(scheme, ex, shown),)
            tail, tail_why = self._why_entry(ex, scheme)
        # R-PAIN-5: a complaint protocol's blocks use the scheme `rehab`, the calf-strain
        # ladder's steps too, which are dosed as the isometric or light work they are.
        named: Scheme | None = "rehab" if role == "protocol" else None
        rx = _prescription(
            ex,
            scheme,
            shown,
            tempo=tempo or (rules.HEAVY_TEMPO if ramp else None),
            reasons=head + tail,
            # R-PROG-1a: a ramp shows its starting load, 0 kg at body weight.
            bare=0.0 if ramp else None,
            why=_why_text(head) + " " + tail_why,  # the catalog's reasons' text made once
            shown=named,
        )
        full_rx = None
        if full is not None:
            full_rx = _prescription(ex, scheme, full, tempo=rx.tempo, why="", shown=named)
        return budget.Block(ex, rx, role, ex.knee, full_rx)

    def _why(self, ex: Exercise, scheme: Scheme) -> tuple[Reason, ...]:
        return self._why_entry(ex, scheme)[0]

    def _why_entry(self, ex: Exercise, scheme: Scheme) -> _ReasonsEntry:
        return _catalog_entry(self.catalog, ex, scheme, _SAID_BY_SCHEME.get(scheme, ""))


# Reasons whose sentence never changes, made once (they were made for every block).
_ESTIMATED_REASON: Final = Reason(
    "R-PROG-1a",
    "The load is the one your load-finding session finds; the plan shows its "
    "starting point until that session is logged.",
)


def lighter_week_reason(before: Dose, after: Dose, scheme: Scheme) -> Reason:
    """R-PROG-5: what a lighter week did to a block, in its numbers (R-WHY, D-143): the cut
    and its size; a protocol's one set fewer (R-PAIN-5); a dose the band's floor keeps."""
    return _lighter_week_cached(before, after, scheme)


@lru_cache(maxsize=1024)
def _lighter_week_cached(before: Dose, after: Dose, scheme: Scheme) -> Reason:
    was, now = _sets_text(before), _sets_text(after)
    kept = ", load kept" if before.load or before.fixed else ""
    if before.fixed:
        if after.sets < before.sets:
            return Reason(
                "R-PROG-5",
                f"Lighter week: one set fewer ({before.sets} -> {now}){kept}; a "
                f"protocol's set cuts never go below {rules.MIN_CUT_SETS} sets (R-PAIN-5).",
            )
        return Reason(
            "R-PROG-5",
            f"Lighter week: the protocol stays at {now}{kept}: its set cuts never go "
            f"below {rules.MIN_CUT_SETS} sets (R-PAIN-5).",
        )
    volume = before.sets * before.amount
    cut = round(100 * (1 - after.sets * after.amount / volume)) if volume else 0
    if cut <= 0:
        return Reason(
            "R-PROG-5",
            f"Lighter week: {now} is already the floor of the {scheme} band, so it stays{kept}.",
        )
    return Reason("R-PROG-5", f"Lighter week: {was} -> {now} (about {cut} % less volume){kept}.")


@lru_cache(maxsize=256)
def _race_cut_is_the_cut(dose: Dose) -> Reason:
    """R-PROG-5 in race week (D-146): the race's one set fewer is the block's only cut."""
    return Reason(
        "R-PROG-5",
        f"Lighter week: race week's one set fewer is the only cut ({_sets_text(dose)}); a "
        "protocol's set cuts never stack (R-PAIN-5).",
    )


def _sets_text(dose: Dose) -> str:
    amount = dosing.amount_text(dose.amount, dose.unit)
    return amount if dose.unit == "contacts" else f"{dose.sets} x {amount}"


_RACE_HOLD: Final = Reason(
    "R-SCHED-4a", "Around a race (its week before, a marathon's light week after): no dose goes up."
)
_LIGHTER_HOLD: Final = Reason("R-PROG-5", "Lighter week: no dose goes up.")
MORNING_SET_REASON: Final = Reason(
    "R-PAIN-2", "Morning pain was 2 above your usual: one set fewer."
)
"""The reason a block carries when a morning at usual + 2 took one of its sets (R-PAIN-2);
``session._blocks_the_uncut_session_holds`` reads it (D-167)."""
# The scheme reasons that do not depend on the dose, made once (R-SCH-*, R-SCHED-6).
_HEAVY_REASON: Final = Reason(
    "R-SCH-2",
    f"Heavy: {rules.HEAVY_REPS.low}-{rules.HEAVY_REPS.high} reps with the last reps hard "
    "(1-3 in reserve), slow tempo (R-SCH-6).",
)
_LIGHT_REASON: Final = Reason(
    "R-SCH-1",
    f"Light: {rules.LIGHT_REPS.low}-{rules.LIGHT_REPS.high} reps or up to a minute of "
    "work, for blood flow, recovery, muscle mass and durability rather than maximal strength "
    "(seed 001).",
)
_ISOMETRIC_REASON: Final = Reason(
    "R-SCH-4",
    "Isometric holds of 30-60 s load the calf without moving the ankle; depth and added load "
    "set the load (seed 003).",
)
_ISOMETRIC_WALK_REASON: Final = Reason(
    "R-SCH-4",
    "An isometric calf hold on the move: heels up and knees slightly bent through every step; "
    "the distance sets the dose, 10 to 15 ft (about 3 to 4.5 m), then load (R-PROG-2, "
    "seeds 002 and 003).",
)
_REHAB_REASON: Final = Reason(
    "R-PAIN-5", "Complaint protocol: its own sets, reps and tempo, every session."
)
_SKILL_REASON: Final = Reason(
    "R-SCHED-6",
    "Foot work every week: runners who strengthened their feet had fewer injuries (Taddei 2020).",
)
_ANKLE_SKILL_REASON: Final = Reason(
    "R-SCH-5",
    "Lower-leg accessory work for control and endurance, not maximal strength (seed 000).",
)
"""R-WHY: an ankle accessory (toe taps, ankle circles, banded foot pulls: the shin's
dorsiflexors or ankle range) is not the foot strengthening of Taddei 2020."""
# What a block's scheme reason already says: the catalog's reasons that cite the same study or
# make the same claim are not said again (R-WHY, D-142).
_SAID_BY_SCHEME: Final[dict[str, str]] = {
    "skill": _SKILL_REASON.text,
    "light": _LIGHT_REASON.text,
    "isometric": _ISOMETRIC_REASON.text,
}


_STRAIN_STEP_REASON: Final = Reason(
    "R-PAIN-4",
    "A rehab step after a calf strain, not training: each step loads the healing calf a "
    f"little more, within {rules.PAIN_STRICT_MAX}/10 pain, and the next one comes by criteria, "
    "not by the calendar: this step's top dose done within that limit, and the next morning's "
    "pain at most 1 above your usual.",
)


@lru_cache(maxsize=256)
def _rehab_step_reasons(reasons: tuple[Reason, ...]) -> _ReasonsEntry:
    """R-WHY: the catalog reasons a calf-strain ladder step keeps: the exercise's own why and
    the anatomy of the knee angle (R-EX-3), not the claims about running performance (fatigue
    in hard running, running loads, carry-over to the running stride)."""
    kept = tuple(
        r for r in reasons if r.rule == "R-WHY" or (r.rule == "R-EX-3" and "running" not in r.text)
    )
    return kept, _why_text(kept)


def _scheme_reason(scheme: Scheme, ex: Exercise, dose: Dose) -> Reason:
    if scheme == "heavy":
        return _HEAVY_REASON
    if scheme == "light":
        return _LIGHT_REASON
    if scheme == "isometric":
        # R-WHY (D-168): a walk dosed in metres is not a 30-60 s hold.
        return _ISOMETRIC_WALK_REASON if dose.unit == "distance_m" else _ISOMETRIC_REASON
    if scheme == "plyometric":
        total = dosing.total_contacts(dose)
        return Reason(
            "R-SCH-3",
            f"{total} foot contacts ({dosing.plyo_band(total)} band), counted over both feet, "
            "in short bouts (R-SCH-3a).",
        )
    if scheme == "rehab":
        return _REHAB_REASON
    return _SKILL_REASON if ex.region == "foot" else _ANKLE_SKILL_REASON


_ONE = Dose(1, 1.0, "reps")
_CITATION = re.compile(r"[A-Z][A-Za-z-]+(?: et al\.)? \d{4}")


# (reasons, their why text) per catalog, exercise, scheme and what is already cited (core.memo).
_ReasonsEntry = tuple[tuple[Reason, ...], str]
_REASONS: Final[IdentityMemo[_ReasonsEntry]] = IdentityMemo()


def _catalog_reasons(
    catalog: Catalog, ex: Exercise, scheme: Scheme, cited: str = ""
) -> tuple[Reason, ...]:
    """The exercise's own reason, then the catalog's reasons that fit it (R-WHY), less those
    whose every source (author and year) is already cited by the ones before: a coach reads
    each study once. A pure function of its inputs, worked out once per input (the citation
    regex over every reason was about 5 % of a plan)."""
    return _catalog_entry(catalog, ex, scheme, cited)[0]


def _catalog_entry(catalog: Catalog, ex: Exercise, scheme: Scheme, cited: str) -> _ReasonsEntry:
    """The cache entry of ``_catalog_reasons``: (reasons, why text)."""
    key = (scheme, cited)
    found = _REASONS.get(catalog, ex, key)
    if found is not MISSING:
        return found
    reasons = _work_out_reasons(catalog, ex, scheme, cited)
    return _REASONS.put(catalog, ex, key, (reasons, _why_text(reasons)))


def _work_out_reasons(
    catalog: Catalog, ex: Exercise, scheme: Scheme, cited: str
) -> tuple[Reason, ...]:
    finder = getattr(catalog, "reasons_for", None)
    found: tuple[Reason, ...] = tuple(finder(ex, scheme)) if finder is not None else ()
    claims = {c.text: c for c in getattr(catalog, "reasons", ())}
    why = ex.why.strip()
    said = why + " " + cited
    seen = set(_CITATION.findall(ex.why + " " + cited))
    kept = []
    for r in found:
        sources = set(_CITATION.findall(r.text))
        if sources and sources <= seen:
            continue
        # R-WHY: a reason whose claim the exercise's own why (or a reason before it) already
        # makes says it twice ("Slow ankle circles ..." as R-WHY and again as R-EX-1; D-142).
        claim = claims.get(r.text)
        if r.text.strip() == why or (claim is not None and claim.claimed_by(said)):
            continue
        seen |= sources
        said += " " + r.text
        kept.append(r)
    return (Reason("R-WHY", why),) + tuple(kept)


def _safe_pain(p: Profile) -> int:
    strict = p.complaints & rules.STRICT_PAIN_COMPLAINTS
    return rules.PAIN_STRICT_MAX if strict else rules.PAIN_SAFE_MAX


def _rm_step_reason(before: int, now: int) -> Reason:
    return Reason(
        "R-PAIN-5",
        f"The protocol moves from {before}RM to {now}RM with the load you had: if {now} reps "
        "leave more than 1 in reserve, add load until they do not (0-1 in reserve), and log "
        "what you used; the next session's load follows your log.",
    )


def _ramp_reason(ex: Exercise, p: Profile, dose: Dose, eased: str | None = None) -> Reason:
    start = dosing.ramp_start(ex, p)
    step = dosing.ramp_step(ex, p)
    where = "body weight" if start == 0 else f"{start:g} kg"
    if eased is None:
        rpe, base = "RPE 8-9", "your base."
    else:
        rpe = f"RPE {rules.RAMP_EASED_RPE} (not 8-9: effort is eased in a {eased})"
        base = "your base, a cautious one the sessions after it build on."
    return Reason(
        "R-PROG-1a",
        f"Load-finding session: up to {dose.sets} ramp sets of "
        f"{dosing.amount_text(dose.amount, dose.unit)}, from {where} adding about {step:g} kg a "
        f"set; stop at {rpe} or pain above {_safe_pain(p)}/10. "
        f"The shown load is the starting point; the last set within both limits is {base}",
    )


def _prescription(
    ex: Exercise,
    scheme: Scheme,
    dose: Dose,
    *,
    tempo: str | None,
    reasons: tuple[Reason, ...] = (),
    bare: float | None = None,
    why: str | None = None,
    shown: Scheme | None = None,
) -> Prescription:
    """The prescription of ``dose`` with its reasons (``why`` their text joined, ``rule`` the
    first id); ``bare``: the added load shown when the dose has none (heavy work: 0 kg);
    ``why``: the reasons' text when the caller has it already; ``shown``: the scheme the
    prescription names when it is not the one it is dosed under (a calf-strain ladder step
    dosed as isometric or light work is `rehab`, R-PAIN-5; its rest stays its dose's)."""
    amount: int | float = (
        round(dose.amount, 2) if dose.unit == "distance_m" else int(round(dose.amount))
    )
    unit = dose.unit
    load = dose.load if dose.load else (0.0 if scheme == "heavy" else None)
    return Prescription(
        ex.id,
        scheme if shown is None else shown,
        dose.sets,
        amount if unit == "reps" else None,  # type: ignore[arg-type]
        amount if unit == "seconds" else None,  # type: ignore[arg-type]
        amount if unit == "distance_m" else None,
        amount if unit == "contacts" else None,  # type: ignore[arg-type]
        ex.unilateral,
        bare if load is None else load,
        rules.REST_SECONDS[scheme],
        tempo,
        _why_text(reasons) if why is None else why,
        reasons[0].rule if reasons else "",
        reasons,
    )


def _why_text(reasons: tuple[Reason, ...]) -> str:
    """A prescription's ``why``: its reasons as "rule: text", joined by spaces (R-WHY)."""
    return " ".join([f"{r.rule}: {r.text}" for r in reasons])


def _with_head(rx: Prescription, head: tuple[Reason, ...]) -> Prescription:
    """``rx`` with ``head`` before its own reasons (its ``why`` is their text already)."""
    if not head or not rx.reasons:
        return _with_reasons(rx, head + rx.reasons)
    return _with_reasons(rx, head + rx.reasons, _why_text(head) + " " + rx.why)


def _with_reasons(
    rx: Prescription, reasons: tuple[Reason, ...], why: str | None = None
) -> Prescription:
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
        _why_text(reasons) if why is None else why,
        reasons[0].rule if reasons else "",
        reasons,
    )


def _dose_of(rx: Prescription | None, scheme: Scheme | None = None) -> Dose | None:
    """The dose ``rx`` gives; ``scheme``: the one it is dosed under (``complaints.dosed_scheme``;
    default its own): only a `rehab` dose is a protocol's fixed one (R-PAIN-5)."""
    if rx is None:
        return None
    fixed = (rx.scheme if scheme is None else scheme) == "rehab"
    if rx.contacts is not None:
        return Dose(1, float(rx.contacts * rx.sets), "contacts")
    units: tuple[Amount, ...] = ("reps", "seconds", "distance_m")
    for unit in units:
        value = getattr(rx, unit)
        if value is not None:
            return Dose(rx.sets, float(value), unit, rx.added_load_kg or None, fixed)
    return None


FLARE_HOLD_LEAD: Final = "A flare since "
"""How the reason of a flare's hold block begins (R-PAIN-2b, ``calf._flare``)."""


def flare_hold_reason(start: str, safe_pain: int) -> Reason:
    """R-PAIN-2b: the reason a flare's 5 x 30 s hold block carries."""
    return Reason(
        "R-PAIN-2b",
        f"{FLARE_HOLD_LEAD}{start}: 5 x 30 s two-leg holds at mid-range keep the tissue "
        f"loaded at pain <= {safe_pain}/10 (whether holds relieve pain is unclear).",
    )


RESTART_LEAD: Final = "Back after the "
"""How the reason of a session held to the protocol after a flare or a clearance begins
(R-PAIN-2b, R-PAIN-2a; ``session._restart_holds_protocol_only``)."""


def restart_reason(rule: str, what: str) -> Reason:
    """R-PAIN-2b / R-PAIN-2a: the first session back holds the protocol and foot work only."""
    return Reason(
        rule,
        f"{RESTART_LEAD}{what}: the protocol and foot work only, until one full session at "
        "the lowered dose is logged; other calf work comes back after it.",
    )


def held_for_pain(rx: Prescription) -> str | None:
    """The rule that made ``rx`` hold less calf work because of pain: "R-PAIN-2b" for a block
    of a flare session (its hold) or of the first session back after a flare, "R-PAIN-2a" for
    one of the first session back after a clinician's clearance (a red flag is no flare,
    R-SCHED-0 names the rule that gave way); None otherwise."""
    if _is_hold(rx):
        return "R-PAIN-2b"
    return next(
        (
            r.rule
            for r in rx.reasons
            if r.rule in ("R-PAIN-2a", "R-PAIN-2b") and r.text.startswith(RESTART_LEAD)
        ),
        None,
    )


def _is_hold(rx: Prescription | None) -> bool:
    """A flare's hold block (R-PAIN-2b): no evidence for any track. Told by its own reason,
    not by the block's first rule: the first block after a flare leads with "the flare
    ended" (R-PAIN-2b too), and that protocol session's logged sets are evidence (R-PROG-6)."""
    if rx is None:
        return False
    if not rx.reasons:  # a prescription stored without its reasons: its rule and why
        return rx.rule == "R-PAIN-2b" and rx.why.startswith(FLARE_HOLD_LEAD)
    return any(r.rule == "R-PAIN-2b" and r.text.startswith(FLARE_HOLD_LEAD) for r in rx.reasons)


def _projected(maker: MakerBase, slot: Slot) -> bool:
    return maker.today is None or slot.date > maker.today


def _capped(
    verdict: Verdict, before: Dose, cap: tuple[int, float, str], *, projected: bool
) -> Verdict:
    """A step that went past ``cap``'s amount (D-141): the amount stays at the cap and a set
    is added instead, up to the cap's sets; at both, the dose holds. The reason says what is
    prescribed (R-WHY), not the step the band alone would take."""
    sets, amount, what = cap
    if verdict.dose.amount <= amount + 1e-9 or verdict.action != "progress":
        return verdict
    top = dosing.amount_text(amount, before.unit)
    if before.sets >= sets and before.amount >= amount - 1e-9:
        return Verdict(
            before.with_amount(amount),
            "hold",
            dosing.reason(
                "R-PAIN-4", f"the dose is at the top of {what}, {sets} x {top}, and holds there"
            ),
        )
    new_sets = min(sets, before.sets + 1) if before.amount >= amount - 1e-9 else before.sets
    dose = verdict.dose.with_amount(amount, sets=new_sets)
    done = dosing.PLANNED_STEP if projected else "every set was done"
    change = (
        f"a set is added ({before.sets} -> {new_sets} x {top})"
        if new_sets > before.sets
        else f"the dose goes to {new_sets} x {top}"
    )
    return Verdict(
        dose,
        "progress",
        dosing.reason("R-PAIN-4", f"{change}, {done}: {what} goes no higher than {top}"),
    )
