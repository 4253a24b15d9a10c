"""The calf, plyometric and foot blocks of a session: rotation kinds, the soleus ladder
(R-PROG-3), plyometric contacts and bouts (R-SCH-3/3a, R-PROG-4, R-SCHED-4a), foot work (R-SCHED-6)
and flare holds (R-PAIN-2b).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from calfcoach.core import dosing, rules
from calfcoach.core.dosing import Dose
from calfcoach.core.engine import budget
from calfcoach.core.engine.blocks import steps_of
from calfcoach.core.engine.doses import (
    DoseMaker,
    _catalog_reasons,
    _scheme_reason,
    _with_reasons,
    flare_hold_reason,
    lighter_week_reason,
)
from calfcoach.core.engine.skeleton import HEAVY_KINDS, Slot
from calfcoach.core.engine.state import Track
from calfcoach.core.memo import MISSING, IdentityMemo
from calfcoach.core.models import (
    ACHILLES_COMPLAINTS,
    Exercise,
    Prescription,
    Reason,
    Scheme,
)
from calfcoach.core.races import RaceDay, describe
from calfcoach.core.safety import DaySafety

# Reasons whose sentence never changes, made once.
_STAND_IN_REASON: Final = Reason(
    "R-SCH-2a",
    "No equipment to load heavy work, so slow light heel raises stand in (3 s up, 3 s down).",
)
_SHIN_REASON: Final = Reason(
    "R-PAIN-4",
    "Shin complaint: dorsiflexor strengthening; the evidence for it is low (L) "
    "and running load is the main lever.",
)


# A foot drill's block (R-SCHED-6) depends on its catalog, its exercise and the lighter week
# only, so it is made once per catalog and exercise (core.memo), not once per walk.
_FOOT_BLOCKS: Final[IdentityMemo[budget.Block]] = IdentityMemo()


@lru_cache(maxsize=16)
def _soleus_step_reason(step: int) -> Reason:
    return Reason("R-PROG-3", f"Step {step} of the soleus ladder.")


class CalfMaker(DoseMaker):
    def _kind_block(
        self, kind: str, slot: Slot, safety: DaySafety, day: RaceDay, role: str
    ) -> budget.Block | None:
        if kind == "plyo":
            return self._plyo_block(slot, safety, day, role)
        if kind == "soleus":
            ex = self.c.soleus_step(self.st.soleus_step)
            return self._ladder_block(ex, slot, safety, role) if ex is not None else None
        ex = self.c.exercise_for(kind)
        if ex is None:
            return None
        if self.c.slow_stand_in(kind):
            # R-SCH-2a: no load to make it heavy: slow light heel raises stand in (warned).
            base = dosing.first_dose(ex, "light", self.level)
            dose, reasons, _ = self._dose(ex, "light", slot, safety, base=base, needs_load=False)
            reasons.insert(0, _STAND_IN_REASON)
            return self._finish(
                ex,
                "light",
                dose,
                reasons,
                slot,
                safety,
                role=role,
                ramp=False,
                tempo=rules.SLOW_LIGHT_TEMPO,
            )
        if kind in HEAVY_KINDS:
            base = dosing.first_dose(ex, "heavy", self.level)
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
        base = dosing.first_dose(ex, scheme, self.level)
        if role == "main":
            base = base.with_sets(max(base.sets, rules.MAIN_BLOCK_MIN_SETS))
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
            taper = self._no_new_step(slot)  # R-SCHED-4a, R-PROG-5 (D-147, D-149, D-151)
            if (
                top
                and pain_ok
                and not o.missing
                and nxt is not None
                and safety.flare is None
                and not taper
            ):
                self.st.soleus_step = steps_of(nxt)["soleus"]
                if o.projected:
                    # A session not given yet (D-141, D-158): the step is planned on the one
                    # before it being done; the log decides when that session comes.
                    text = (
                        f"the soleus ladder moves on to {nxt.name.lower()}, planned on the top "
                        f"dose of {ex.name.lower()} being done at pain <= {self.safe_pain}/10 "
                        "(what you log decides)"
                    )
                else:
                    text = (
                        f"the top dose of {ex.name.lower()} was done at pain <= "
                        f"{self.safe_pain}/10, so the soleus ladder moves on to {nxt.name.lower()}"
                    )
                lead = dosing.reason("R-PROG-3", text)
                ex, scheme = nxt, _ladder_scheme(nxt)
        base = dosing.first_dose(ex, scheme, self.level)
        if role == "main":
            base = base.with_sets(max(base.sets, rules.MAIN_BLOCK_MIN_SETS))
        dose, reasons, _ = self._dose(ex, scheme, slot, safety, base=base, needs_load=False)
        reasons.insert(0, _soleus_step_reason(steps_of(ex).get("soleus", 1)))
        return self._finish(
            ex, scheme, dose, reasons, slot, safety, role=role, ramp=False, lead=lead
        )

    def _plyo_open(self, slot: Slot, safety: DaySafety, day: RaceDay) -> bool:
        if self.c.plyo is None or day.taper or day.light_only or safety.flare is not None:
            return False
        if slot.before_hard or slot.day_after_hard:
            return False  # R-SCHED-4b
        return self._gate_lets_jump(slot, safety)

    def _gate_lets_jump(self, slot: Slot, safety: DaySafety) -> bool:
        """The complaint's plyometric gate (R-PAIN-3, R-PAIN-4, R-TEST-5) lets ``slot`` jump."""
        gate = safety.plyo
        if not gate.open:
            return False
        if gate.since is not None and self.complaints & ACHILLES_COMPLAINTS:
            # R-PAIN-3: back in the first allowed session of the NEXT plan week.
            if self._week(gate.since) >= slot.week:
                return False
        return True

    def _plyo_block(
        self, slot: Slot, safety: DaySafety, day: RaceDay, role: str
    ) -> budget.Block | None:
        ex = self.c.plyo
        if ex is None:
            return None
        level = self.level
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
        cleared = self.st.clear_seen
        if (
            track.last_date is not None
            and cleared is not None
            and safety.plyo.since is not None
            and (self.st.plyo_date is None or self.st.plyo_date < cleared)
        ):
            # R-PAIN-3 / R-PAIN-2a: a clearance voids the gate's evidence; the first jumps since
            # it come back at 50 contacts, and the reason says why (the first block ever says
            # the gate's reason above).
            restart = True
            reasons.append(
                Reason(
                    safety.plyo.reason.rule,
                    f"Back after the clinician's clearance of {cleared.isoformat()}: "
                    f"{safety.plyo.reason.text[0].lower()}{safety.plyo.reason.text[1:-1]}; "
                    f"jumps restart at {rules.PLYO_RESTART_CONTACTS} contacts.",
                )
            )
        if day.after is not None and (
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
            elif o.missing or (o.max_rpe or 0) > rules.RPE_PROGRESS_MAX or done < o.planned.amount:
                total = min(total, max(done, rules.PLYO_RESTART_CONTACTS))
            else:
                # R-PROG-4 (D-3): at most 20 more than the last session prescribed, however
                # many contacts were done.
                new = dosing.plyo_next(min(done, int(o.planned.amount)), level, cap)
                spike = self._spike_hold(slot.date)
                if new > total and spike is not None:
                    reasons.append(spike)  # RUN-SPIKE-1: contacts stay this week
                    new = total
                if new > total and not o.projected:
                    reasons.append(dosing.reason("R-PROG-4", f"contacts go up to {new} a session"))
                total = new
        given = self.st.plyo_given
        most = None if given is None or restart else given + rules.PLYO_WEEKLY_STEP
        if most is not None and total > most:
            # R-PROG-4 (D-3, D-177): at most 20 above the last session given, also when that
            # one (a lighter week's) was not done and nothing since says more.
            total = most
        if cap is not None:
            total = min(total, cap)
            most = cap if most is None else min(most, cap)
        total = max(total, min(rules.MAIN_BLOCK_MIN_CONTACTS, cap or rules.MAIN_BLOCK_MIN_CONTACTS))
        if most is not None:
            most = max(most, total)  # R-SCHED-8's smallest main block wins, as before
        track.dose = Dose(1, float(total), "contacts")
        track.pending = None
        shown_total = total
        if slot.deload:
            shown_total = max(
                rules.MAIN_BLOCK_MIN_CONTACTS, round(total * rules.DELOAD_VOLUME_FACTOR)
            )
        b = dosing.bouts(shown_total, ex, most)  # whole bouts never above the +20 (D-216)
        if slot.deload:  # the contacts given, in whole bouts
            reasons.append(
                lighter_week_reason(
                    Dose(1, float(total), "contacts"),
                    Dose(1, float(b.sets * b.contacts), "contacts"),
                    "plyometric",
                )
            )
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

    def _foot_blocks(self, slot: Slot) -> list[budget.Block]:
        """R-SCHED-6 foot work every session; R-PAIN-4 shin: a dorsiflexor accessory."""
        out: list[budget.Block] = []
        pool = self._foot_pool
        if pool is None:  # the same for every session of the walk
            pool = list(self.c.foot)
            if "plantar_heel" in self.complaints:
                pool = [e for e in pool if e.region == "foot"] or pool
            self._foot_pool = pool
        if "shin" in self.complaints and self.c.dorsi:
            ex = self.c.dorsi[slot.week % len(self.c.dorsi)]
            block = self._foot_block(ex, slot)
            block.rx = _with_reasons(
                block.rx,
                (_SHIN_REASON,) + block.rx.reasons,
            )
            block.role = "dorsi"  # kept by the budget and by R-SCHED-3's foot-drill swap
            out.append(block)
        if pool:
            i = self.st.foot_index
            self.st.foot_index = i + 2
            picks = [pool[i % len(pool)]]
            if len(pool) > 1:
                picks.append(pool[(i + 1) % len(pool)])
            # R-SCHED-6: foot work is a foot exercise (ankle mobility is not the foot
            # strengthening of Taddei 2020). A foot drill goes first: the budget drops the
            # last drill (R-SCHED-7), so the one kept is foot work.
            picks.sort(key=lambda e: e.region != "foot")
            out.extend(self._foot_block(ex, slot) for ex in picks)
        return out

    def _foot_block(self, ex: Exercise, slot: Slot) -> budget.Block:
        cached = _FOOT_BLOCKS.get(self.catalog, ex, slot.deload)
        if cached is MISSING:
            made = self._make_foot_block(ex, slot)
            cached = _FOOT_BLOCKS.put(self.catalog, ex, slot.deload, made)
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
            if b.role in ("foot", "dorsi"):
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
            reason = flare_hold_reason(start, self.safe_pain)
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


def _ladder_scheme(ex: Exercise) -> Scheme:
    if ex.unit in ("seconds", "distance"):
        return "isometric" if "isometric" in ex.schemes else ex.schemes[0]
    return "light" if "light" in ex.schemes else ex.schemes[0]


def _block_title(b: budget.Block, ladder: bool) -> str:
    scheme = b.rx.scheme
    knee = {"straight": "straight-knee", "bent": "bent-knee"}.get(b.ex.knee, "")
    if scheme == "plyometric":
        return f"Plyometrics: {b.ex.name.lower()}"
    if scheme == "heavy":
        return f"Heavy {knee} work: {b.ex.name.lower()}"
    if ladder:
        return f"Soleus strength: {b.ex.name.lower()}"
    return f"Light {knee} work: {b.ex.name.lower()}".replace("  ", " ")
