"""Complaint protocols (R-PAIN-3/4/5): the merged heavy slow resistance / towel heel-raise block
with its week ladder (counted only in weeks with 2 logged sessions outside a flare), and the
calf-strain criteria ladder.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from calfcoach.core import dosing, rules
from calfcoach.core.dosing import Dose
from calfcoach.core.engine import budget
from calfcoach.core.engine.base import (
    STRAIN_TOP,
)
from calfcoach.core.engine.blocks import Choices
from calfcoach.core.engine.calf import CalfMaker, _ladder_scheme
from calfcoach.core.engine.skeleton import Slot
from calfcoach.core.models import (
    ACHILLES_COMPLAINTS,
    LOADED_PROTOCOL_COMPLAINTS,
    Complaint,
    Exercise,
    Prescription,
    Profile,
    Race,
    Reason,
    Scheme,
)
from calfcoach.core.races import RaceDay, describe
from calfcoach.core.safety import DaySafety

# Reasons whose sentence never changes, made once.
_INSERTIONAL_REASON: Final = Reason(
    "R-PAIN-5", "Insertional Achilles pain: on flat ground, never below floor level."
)
_BODY_WEIGHT_REASON: Final = Reason(
    "R-PROG-1a",
    "Body weight is enough only while it leaves 2 or fewer reps in reserve; "
    "slow the tempo further or add a loaded backpack when it does not.",
)


STRAIN_STEP_LEAD: Final = "Calf strain, step "
"""How the lead reason of a calf-strain ladder block begins (R-PAIN-4, ``_strain_blocks``)."""


def is_strain_step(rx: Prescription | None) -> bool:
    """A block of the calf-strain ladder (R-PAIN-4): the complaint's protocol (scheme `rehab`,
    R-PAIN-5; steps 1-3 dosed as isometric and light work, ``dosed_scheme``), told by its lead
    reason."""
    return rx is not None and any(
        r.rule == "R-PAIN-4" and r.text.startswith(STRAIN_STEP_LEAD) for r in rx.reasons
    )


def dosed_scheme(c: Choices, exercise: str, scheme: Scheme) -> Scheme:
    """The scheme a block showing ``scheme`` is dosed under (its track, bands, rungs, rest and
    set cuts). R-PAIN-5: a complaint protocol's blocks use the scheme `rehab`, the calf-strain
    ladder's too; steps 1-3 of that ladder (R-PAIN-4: holds, two-leg and single-leg raises)
    keep their exercise's own work as their dose (isometric holds, light raises: the step's
    doses and criteria), so a `rehab` block of one of those exercises is dosed as that work.
    Every other block is dosed as it shows. Told by the exercise, not by the block's reasons:
    a session stored without them is read the same way (R-HIST)."""
    if scheme != "rehab" or "calf_strain" not in c.complaints:
        return scheme
    for members in c.strain_ladder[: rules.STRAIN_LADDER_REHAB_STEP - 1]:
        for ex in members:
            if ex.id == exercise:
                return _ladder_scheme(ex)
    return scheme


def closed_protocol_end(closed_on: dt.date) -> dt.date:
    """R-PAIN-4: the day a closed complaint's once-a-week protocol ends (8 weeks on)."""
    return closed_on + dt.timedelta(weeks=rules.CLOSED_PROTOCOL_WEEKS)


def closed_protocol_over(safety: DaySafety, day: dt.date) -> bool:
    """R-PAIN-4: the complaint closed more than 8 weeks before ``day``: its protocol is over."""
    return safety.closed_on is not None and day >= closed_protocol_end(safety.closed_on)


def _race_week(race: Race, what: str) -> Reason:
    """R-SCHED-4a: what the 7 days before ``race`` do to a protocol block."""
    return Reason("R-SCHED-4a", f"Race week ({describe(race)}): {what}.")


class ComplaintMaker(CalfMaker):
    def _count_protocol(self, week: int) -> None:
        st = self.st
        if st.protocol_week != week:
            self._close_protocol_week(week)
        st.protocol_week_sessions += 1
        st.protocol_step_sessions += 1
        if (
            st.protocol_step_sessions >= rules.PROTOCOL_WEEK_MIN_SESSIONS
            and not st.protocol_week_flare
            and not st.protocol_step_passed
        ):
            st.protocol_step_passed = week  # R-PAIN-5: a week that counts, at this step

    def _close_protocol_week(self, week: int) -> None:
        """R-PAIN-5: a protocol week counts only with >= 2 logged sessions, not in a flare."""
        st = self.st
        if (
            st.protocol_week
            and st.protocol_week_sessions >= rules.PROTOCOL_WEEK_MIN_SESSIONS
            and not st.protocol_week_flare
        ):
            st.protocol_weeks += 1
        st.protocol_week = week
        st.protocol_week_sessions = 0
        st.protocol_week_flare = False
        st.protocol_step_sessions = 0

    def _protocol_blocks(self, slot: Slot, safety: DaySafety, day: RaceDay) -> list[budget.Block]:
        """R-PAIN-3/4/5: the complaint protocol block, every session while the complaint lasts."""
        if not self.c.has_protocol:
            return []
        complaints = self.complaints - safety.closed_complaints
        closed = self.complaints & safety.closed_complaints
        st = self.st
        if st.protocol_week != slot.week and st.protocol_week:
            self._close_protocol_week(slot.week)
        if not complaints and closed:
            # R-PAIN-4: a closed complaint's protocol runs once a week for 8 more weeks, and
            # then ends.
            if st.protocol_week_sessions >= 1 or closed_protocol_over(safety, slot.date):
                return []
            complaints = closed
        if day.no_rehab is not None:
            return []
        if "calf_strain" in complaints:
            return self._strain_blocks(slot, safety, day)
        if not complaints & LOADED_PROTOCOL_COMPLAINTS:
            return []
        achilles = bool(complaints & ACHILLES_COMPLAINTS)
        table = rules.ACHILLES_HSR if achilles else rules.PLANTAR_HEEL_RAISE
        week = st.protocol_weeks + 1
        held = False
        # R-SCHED-4a: in the 7 days before a race rehab keeps its load, so the protocol's step
        # stays where the last session before that week left it (D-139); so in the light week
        # after a marathon's window (D-149) and in a lighter week, whose "load kept" holds
        # the RM too (R-PROG-5, D-153). The days that hold are `_no_new_step`'s; the hold is
        # keyed by its race, else by the lighter week's first day.
        if self._no_new_step(slot):
            race = day.taper or day.light_only
            held_by = (
                race.date if race is not None else self.start + dt.timedelta(weeks=slot.week - 1)
            )
            if st.taper_race != held_by:
                st.taper_race = held_by
                st.taper_step = min(week, st.protocol_step) if st.protocol_step else week
            held = st.taper_step < week
            week = min(week, st.taper_step)
        if st.protocol_step and (
            safety.flare is not None or self._restart_holding() or self._morning_holds(slot, safety)
        ):
            # R-PAIN-2b/2a: no dose progresses in a flare, and the restart after a flare or a
            # clearance is one step lower and holds until one full session is logged: no new
            # (heavier) RM step before that. R-PAIN-2: nor on a morning above usual, whose
            # blocks say "no dose goes up".
            week = min(week, st.protocol_step)
        week = self._one_step_at_most(table, week, slot.week)
        st.protocol_step = week
        step = rules.protocol_step(table, week)
        exercises = [self.c.protocol_straight]
        if achilles:
            exercises.append(self.c.protocol_bent)
        blocks: list[budget.Block] = []
        for ex in exercises:
            if ex is None:
                continue
            # R-PAIN-5: with plantar heel pain the straight-knee raise takes the towel and
            # the 2 s top hold; the bent-knee one keeps heavy slow resistance's tempo.
            plantar = ex.knee == "straight" and "plantar_heel" in complaints
            tempo = rules.PLANTAR_HEEL_TEMPO if plantar else rules.ACHILLES_HSR_TEMPO
            base = Dose(step.sets, float(step.reps), "reps", None, True)
            needs_load = self._needs_load(ex, "rehab")
            dose, reasons, ramp = self._dose(
                ex, "rehab", slot, safety, base=base, needs_load=needs_load
            )
            # The step given: a spike holds the ladder's next week (RUN-SPIKE-1, D-150), and
            # the reasons name the step the dose is at, not the week's.
            given = next((t for t in table if t.reps == dose.amount), step)
            if day.taper is not None:
                dose = dosing.cut_sets(dose, 1)
                kept = f": the {given.reps}RM load until the race" if held else ""
                reasons.append(_race_week(day.taper, f"one set fewer, load kept{kept}"))
            key = (complaints, given.label, tempo, safety.limit, ramp)
            lead = self._protocol_leads.get(key)
            if lead is None:  # the same sentence session after session: made once a walk
                names = sorted(complaints & LOADED_PROTOCOL_COMPLAINTS)
                # D-173: a ramp climbs only while pain stays within the complaint's limit
                # (R-PROG-1a); R-PAIN-1's allowance is for the working sets after it.
                where = " in its working sets, once the load is found" if ramp else ""
                lead = self._protocol_leads[key] = Reason(
                    "R-PAIN-5",
                    f"{', '.join(n.replace('_', ' ') for n in names).capitalize()} protocol, "
                    f"{given.label} ({given.sets} sets of {given.reps} with a load that leaves "
                    f"0-1 reps in reserve; {tempo}); pain up to {safety.limit}/10 is acceptable"
                    f"{where} and must settle by the next morning (R-PAIN-1).",
                )
            # R-WHY, R-PAIN-3/5 (D-18x): the complaint's own reasons from the catalog: Beyer
            # 2015 only for mid-portion `achilles` (the trial studied nothing else), once a
            # session; insertional pain its own flat-ground reason on every block.
            told = {r.text for b in blocks for r in b.rx.reasons}
            own = [r for r in self._complaint_reasons(ex, complaints) if r.text not in told]
            if "achilles_insertional" in complaints and not any(
                "Insertional" in r.text for r in own
            ):
                own.append(_INSERTIONAL_REASON)
            reasons += own
            if not needs_load:
                reasons.append(_BODY_WEIGHT_REASON)
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
                    race_cut=day.taper is not None,
                )
            )
        return blocks

    def _morning_holds(self, slot: Slot, safety: DaySafety) -> bool:
        """R-PAIN-2: the day's own check-in holds every dose (usual + 1, or usual + 2 with one
        set fewer); only known on a day that has come. (A week without a check-in holds the
        doses, not the ladder's week: no morning says the tendon is worse.)"""
        if self.today is None or slot.date > self.today:
            return False
        return not safety.ask_checkin and safety.morning in ("hold", "one_set_fewer")

    def _restart_holding(self) -> bool:
        """A flare's end or a clearance (``pain_restart``) holds the protocol's tracks until
        one full session at the lowered dose is logged (R-PAIN-2b, R-PAIN-2a)."""
        st = self.st
        return bool(st.pain_restart) and any(
            t.hold_until_full for k, t in st.tracks.items() if k.endswith("|rehab")
        )

    def _complaint_reasons(self, ex: Exercise, complaints: frozenset[Complaint]) -> list[Reason]:
        """R-WHY: the catalog's reasons restricted to the athlete's complaints that fit ``ex``
        as rehab work (a mid-portion trial is not cited for insertional pain)."""
        finder = getattr(self.catalog, "reasons_for", None)
        if finder is None:
            return []
        # Only the Achilles reasons: the towel raise's own why already cites Rathleff (D-142).
        achilles = complaints & ACHILLES_COMPLAINTS
        if not achilles:
            return []
        general = set(finder(ex, "rehab"))
        return [r for r in finder(ex, "rehab", achilles) if r not in general]

    def _one_step_at_most(
        self, table: tuple[rules.ProtocolStep, ...], week: int, plan_week: int
    ) -> int:
        """R-PAIN-3, R-PAIN-5: a protocol never skips a step. Held weeks (a lighter week,
        race week: D-139, D-153) still count, so after two of them in a row the counted weeks
        could reach past the step after the last one given (12RM -> 8RM, skipping 10RM). The
        next step is the one after the last given, and it comes only in a later plan week
        than the step before it began: at most one RM step a week. Nor does a step pass
        before it was given in a plan week that counts (2 protocol sessions at it, no flare;
        R-PAIN-5): a step begun in a week a race's recovery cut to one session is given again
        the week after, not left after one session (10RM once, then 8RM: D-187's known gap).
        ``week``: the protocol week the counted weeks (and any hold) allow; the result is at
        most that."""
        st = self.st
        if not st.protocol_step:
            self._new_protocol_step(plan_week)
            return week
        last = rules.protocol_step(table, st.protocol_step)
        nxt = next((t for t in table if t.first_week > last.first_week), None)
        if nxt is not None and week >= nxt.first_week:
            if st.protocol_step_passed and plan_week > st.protocol_step_passed:
                week = min(week, nxt.first_week)
            else:  # the last step began this plan week, or had no week that counts: it stays
                week = min(week, nxt.first_week - 1)
        if rules.protocol_step(table, week) != last:
            self._new_protocol_step(plan_week)
        return week

    def _new_protocol_step(self, plan_week: int) -> None:
        st = self.st
        st.protocol_step_week = plan_week
        st.protocol_step_sessions = 0
        st.protocol_step_passed = 0

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
                and (self._checkin_ok(track, safety, slot.date))
                and step < len(self.c.strain_ladder)
                and safety.flare is None
                and not self._no_new_step(slot)  # R-SCHED-4a, R-PROG-5 (D-147, D-149, D-151)
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
            first = dosing.first_dose(ex, scheme, self.level)
            base = first.with_sets(min(max(first.sets, 3), top_sets))
            needs_load = self._needs_load(ex, scheme)  # step 4 only: rehab
            if step == 4:
                base = Dose(top_sets, top_amount, "reps", None, True)
            dose, reasons, ramp = self._dose(
                ex,
                scheme,
                slot,
                safety,
                base=base,
                needs_load=needs_load,
                cap=(top_sets, top_amount, f"step {step} of the ladder"),
            )
            if not base.fixed and dose.amount > top_amount:  # a first dose above the step
                dose = dose.with_amount(top_amount, sets=min(top_sets, dose.sets + 1))
            if day.taper is not None:
                cut = dosing.cut_sets(dose, 1)
                if cut.sets < dose.sets:
                    reasons.append(_race_week(day.taper, "one set fewer"))
                dose = cut
            # The 2/10 stop and the red flags are the session's R-PAIN-2a reason, said once
            # (D-148).
            running = _strain_running(step) if ex is members[0] else ""
            step_lead = Reason(
                "R-PAIN-4",
                f"{STRAIN_STEP_LEAD}{step} of 4 of the criteria ladder (top {top_sets} x "
                f"{dosing.amount_text(top_amount, dose.unit)}).{running}",
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
                    race_cut=day.taper is not None,
                )
            )
            lead = None
        return blocks


def _strain_running(step: int) -> str:
    """R-PAIN-4: the calf-strain ladder's running advice, said on its first block (D-183)."""
    if step < rules.STRAIN_RUNNING_STEP:
        return (
            f" Running waits for step {rules.STRAIN_RUNNING_STEP}; walk as far as walking is "
            "pain-free."
        )
    return (
        " Running may start again from this step, once walking is pain-free: begin with short "
        f"easy walk-run intervals, and stop if the calf hurts above "
        f"{rules.CALF_STRAIN_STEP_PAIN_MAX}/10."
    )


def _strain_scheme(ex: Exercise, step: int) -> Scheme:
    """The scheme a calf-strain ladder step is dosed under (``dosed_scheme``); every step's
    block shows `rehab` (R-PAIN-5)."""
    if step >= rules.STRAIN_LADDER_REHAB_STEP:
        return "rehab"
    return _ladder_scheme(ex)


def protocol_name(p: Profile) -> str:
    """The protocol's name inside a sentence: "Achilles protocol", "plantar heel protocol",
    "calf-strain ladder"."""
    title = _protocol_title(p)
    return title if title.startswith("Achilles") else title[:1].lower() + title[1:]


def _protocol_title(p: Profile) -> str:
    if "calf_strain" in p.complaints:
        return "Calf-strain ladder"
    if p.complaints & ACHILLES_COMPLAINTS:
        return "Achilles protocol"
    return "Plantar heel protocol"
