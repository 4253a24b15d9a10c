"""One session of the walk: what it holds and at what dose, from the state before its day.

What a session holds is decided in the order of R-SCHED-0 (v2), earlier wins: stop
(R-PAIN-2a/2b) > flare (R-PAIN-2b) > race (R-SCHED-4a) > complaint protocol (R-PAIN-5) >
lighter week (R-PROG-5) > rotation (R-SCHED-3). Its shape follows R-SCHED-8: no exercise twice,
a heavy calf block or a protocol block (never both), a main block of real work, a title that
names what it holds. Doses come from ``core.dosing`` through the tracks of ``State``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import lru_cache
from typing import Final

from calfcoach.core import dosing, rules
from calfcoach.core.dosing import Amount
from calfcoach.core.engine import budget
from calfcoach.core.engine.apply import EvidenceMaker
from calfcoach.core.engine.base import (
    ORDER,
    Decision,
)
from calfcoach.core.engine.blocks import LIGHTER, PROTOCOL_COMPLAINTS, Choices
from calfcoach.core.engine.calf import _block_title
from calfcoach.core.engine.complaints import (
    _protocol_title,
    closed_protocol_end,
    closed_protocol_over,
    dosed_scheme,
    protocol_name,
)
from calfcoach.core.engine.doses import MORNING_SET_REASON, _with_head, restart_reason
from calfcoach.core.engine.evidence import bare_base
from calfcoach.core.engine.skeleton import HEAVY_KINDS, Slot
from calfcoach.core.models import (
    Prescription,
    Reason,
    Scheme,
    Session,
)
from calfcoach.core.races import RaceDay, describe, is_tune_up, light_week_end
from calfcoach.core.safety import DaySafety


class SessionMaker(EvidenceMaker):
    """One session of the walk at a time (see the module doc)."""

    def session(self, slot: Slot, given: Session | None) -> Session | None:
        day = self.calendar.day(slot.date)
        if day.blocked is not None:
            return None  # a race entered for the day withdraws it (R-SCHED-4a, R-HIST)
        safety = self._assess(slot.date)
        self._note_plyo_gate(slot, safety)
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
        if safety.flare is not None:
            self.st.protocol_week_flare = True
        # The state moves on the same way whether the session is made now or was given
        # before (R-HIST): restarts after a gap, a flare or a clearance happen here.
        self._restarts(slot, safety)
        made = self._compose(slot, safety, day)
        if given is not None:
            # R-HIST: the session as given; composing it anyway moves the walk's state on
            # exactly as on its day (foot-drill rotation, ladders, counters).
            return given
        return made

    def _restarts(self, slot: Slot, safety: DaySafety) -> None:
        """R-PAIN-2b / R-PAIN-2a lifts and R-PROG-6 gaps: one step lower, hold until a full
        session; after a red-flag clearance the complaint's ladder restarts at the bottom."""
        st = self.st
        if safety.cleared_on is not None and st.clear_seen != safety.cleared_on:
            st.clear_seen = safety.cleared_on
            st.strain_step = 1
            # The ladder's bottom: the weeks counted before the stop are gone, the week the
            # red flag cut short too (closing it later would count it again: 12RM, not 15RM).
            st.protocol_weeks = 0
            st.protocol_week = 0
            st.protocol_week_sessions = 0
            st.protocol_week_flare = False
            st.pain_restart = "R-PAIN-2a"
            self._step_all_down(hold=True)
            self._notes.append(
                Reason(
                    "R-PAIN-2a",
                    f"Cleared by a clinician on {safety.cleared_on.isoformat()}: the plan restarts "
                    "at the bottom of the complaint's ladder, one step lower, and holds until one "
                    "full session is logged.",
                )
            )
        if safety.lifted_on is not None and st.lift_seen != safety.lifted_on:
            st.lift_seen = safety.lifted_on
            st.pain_restart = "R-PAIN-2b"
            self._step_all_down(hold=True)
            self._notes.append(
                Reason(
                    "R-PAIN-2b",
                    f"The flare ended on {safety.lifted_on.isoformat()}: doses restart one step "
                    "lower and hold until one full session is logged.",
                )
            )
        if st.last_logged is None or self.today is None:
            return
        gap = (slot.date - st.last_logged).days - self._race_days(st.last_logged, slot.date)
        level = _gap_level(gap)
        seen = st.gap_level if st.gap_seen == st.last_logged else 0
        if level <= seen:
            return
        st.gap_seen, st.gap_level = st.last_logged, level
        if seen == 0:
            self._step_all_down(hold=level >= 2)
        elif level >= 2:
            for track in st.tracks.values():
                track.hold_until_full = True
        if level == 3:
            for key, track in st.tracks.items():
                if track.dose.unit == "contacts":
                    track.dose = track.dose.with_amount(float(rules.PLYO_RESTART_CONTACTS))
                elif track.dose.load is not None and not key.endswith("|light"):
                    track.found = False  # R-PROG-1a: find loads again
        text = {
            1: "doses restart one step lower",
            2: "doses restart one step lower and hold until one full session is logged",
            3: "loads are found again"
            + (" and plyometrics restart at 50 contacts" if self._plyo_in_plan(safety) else ""),
        }[level]
        self._notes.append(Reason("R-PROG-6", f"{gap} days since the last logged session: {text}."))
        self.issues.append(("R-PROG-6", slot.week, f"{gap} days without training: {text}"))

    def _race_days(self, a: dt.date, b: dt.date) -> int:
        """Days strictly between ``a`` and ``b`` inside a race window (race day and its
        recovery days, R-SCHED-4a; the day before a race is not part of it): R-PROG-6 leaves
        them out of a gap."""
        n = 0
        d = a + dt.timedelta(days=1)
        while d < b and n < 60:
            race = self.calendar.day(d).blocked
            if race is not None and d >= race.date:
                n += 1
            d += dt.timedelta(days=1)
        return n

    def _step_all_down(self, *, hold: bool) -> None:
        for key, track in self.st.tracks.items():
            scheme = key.rsplit("|", 1)[1]
            o = track.pending
            heavy_bare = scheme == "heavy" and not (o is not None and (o.found_load or 0) > 0)
            if (
                not track.found
                and o is not None
                and o.found_load is not None
                and not heavy_bare
                and not bare_base(o, scheme)  # type: ignore[arg-type]
            ):
                # A logged load-finding session still gives its base (R-PROG-1a); body weight
                # that left more than 2 reps in reserve is none: the ramp repeats.
                track.found = True
                track.dose = track.dose.with_load(o.found_load)
            if track.found:  # a load-finding session still to come has nothing to lower
                # One step below what was last done, not below a dose prescribed but missed.
                base = dosing.lighter_of(track.dose, track.done)
                track.dose = dosing.step_down(base, scheme, None).dose  # type: ignore[arg-type]
            if scheme == "heavy" and not (track.dose.load or 0) > 0:
                track.found = False  # heavy work needs a load: find it again (R-PROG-1a)
            track.pending = None
            track.hold_until_full = track.hold_until_full or hold

    def _compose(self, slot: Slot, safety: DaySafety, day: RaceDay) -> Session:
        decided = len(self.decisions)  # this session's decisions are the ones after it
        blocks: list[budget.Block] = []
        head: list[Reason] = list(self._notes)
        self._notes.clear()
        head += self._race_to_name(slot, day, safety)
        ahead = self._race_ahead(slot, day, safety)
        if ahead is not None:
            head.append(ahead)
        strict = _strict_reason(self.complaints)
        if strict is not None:
            head.append(strict)
        if safety.closed_on is not None and closed_protocol_over(safety, slot.date):
            end = closed_protocol_end(safety.closed_on).isoformat()
            head.append(
                Reason(
                    "R-PAIN-4",
                    f"The complaint closed on {safety.closed_on}; its once-a-week protocol "
                    f"ran for 8 more weeks and ended on {end}.",
                )
            )
        elif safety.closed_on is not None:
            # R-PAIN-4 ("never silently"): a closed complaint's protocol runs once a week and
            # the rotation comes back; every session after the closure says why.
            head += [r for r in safety.reasons if r.rule == "R-PAIN-4" and "closed on" in r.text]
        protocol = self._protocol_blocks(slot, safety, day)
        blocks += protocol
        restart = self._restart_holds_protocol_only(protocol)
        if restart is not None:
            head.append(restart)
        kind = None if restart is not None else self._main_kind(slot, safety, day, bool(protocol))
        if kind is not None:
            main = self._kind_block(kind, slot, safety, day, "main")
            if main is not None:
                blocks.append(main)
                if main.ex.unit == "distance" and main.rx.scheme != "heavy":
                    nxt = self.c.soleus_next(
                        main.ex
                    )  # R-SCHED-8: a finisher pairs with the next step
                    if nxt is not None:
                        # The next step is the session's real work (a main block, 3 sets).
                        blocks.append(self._ladder_block(nxt, slot, safety, "main"))
        for extra_kind in slot.extras if restart is None else ():
            k = self._allowed_kind(extra_kind, slot, safety, day, bool(protocol))
            if k != "plyo" and self._strain_active(safety):
                continue  # D-23
            if k in HEAVY_KINDS and any(b.rx.scheme == "heavy" for b in blocks):
                continue  # R-SCHED-8: one heavy calf block a session
            if k is not None and k not in (kind,):
                b = self._kind_block(k, slot, safety, day, "extra")
                if b is not None:
                    # A short extra block: the fewest sets its scheme allows (R-SCHED-5, D-10).
                    fewest = dosing.min_sets(b.rx.scheme)
                    if b.rx.sets > fewest:
                        note = Reason(
                            "R-SCHED-5",
                            f"A short extra block: {b.rx.sets} -> {fewest} sets, the fewest "
                            f"{b.rx.scheme} work allows.",
                        )
                        b.rx = budget.rx_with(b.rx, sets=fewest, note=note)
                    blocks.append(b)
        blocks += self._foot_blocks(slot)
        advice = None
        if safety.flare is not None:
            blocks, advice = self._flare(blocks, safety)
        if safety.ask_checkin and self.today is not None and slot.date <= self.today:
            # R-PAIN-2: with a complaint and no check-in for 7 days, doses hold and the plan
            # asks for one (a session ahead is not asked: the check-in may still come).
            gap = self.checkin_gap_text(safety, slot.date)
            ask = (
                f"{gap[0].upper()}{gap[1:]}: with a complaint every dose holds until you record "
                "one (R-PAIN-2). Please record this morning's pain and stiffness."
            )
            advice = ask if advice is None else f"{advice} {ask}"
        blocks = _unique(blocks)
        if safety.morning == "one_set_fewer" or any(b.full is not None for b in blocks):
            blocks = _blocks_the_uncut_session_holds(blocks, self.session_minutes, self.c)
        blocks, minutes, over = budget.fit(blocks, self.session_minutes)
        if over:
            self.issues.append(
                (
                    "R-SCHED-7",
                    slot.week,
                    f"a session needs about {round(minutes)} min, more than the "
                    f"{self.session_minutes} min budget, even at the minimum dose",
                )
            )
        # By scheme, foot work last: a stable sort on keys worked out in one pass (a lambda
        # key is a generic call per block in the compiled build).
        # (A calf-strain step, `rehab` by R-PAIN-5, keeps the place of the work it is dosed as.)
        keys = [
            ORDER.get(dosed_scheme(self.c, b.rx.exercise, b.rx.scheme), 5)
            + (10 if b.role in ("foot", "dorsi") else 0)
            for b in blocks
        ]
        blocks = [blocks[i] for i in sorted(range(len(blocks)), key=keys.__getitem__)]
        exercises = []
        for i, b in enumerate(blocks):
            rx = b.rx
            if i == 0 and head:
                rx = _with_head(rx, tuple(head))
            exercises.append(rx)
        exercises_t = self._no_repeat(slot, tuple(exercises))
        if len(self.decisions) > decided:
            # A block the time budget, a flare or R-SCHED-8's one-exercise-once left out made
            # no change the athlete is told of (D-150): its decision goes with it. A decision
            # is told beside its block, so a block given holds its sentence.
            given = {(rx.exercise, r.text) for rx in exercises_t for r in rx.reasons}
            self.decisions[decided:] = [
                d for d in self.decisions[decided:] if (d.exercise, d.message) in given
            ]
        title = self._title(slot, blocks, safety)
        return Session(
            slot.date, slot.week, slot.deload, title, exercises_t, round(minutes), advice=advice
        )

    def _restart_holds_protocol_only(self, protocol: list[budget.Block]) -> Reason | None:
        """R-PAIN-2b (a flare ended) and R-PAIN-2a (a clinician's clearance): the plan restarts
        one step lower and holds until one full session is logged. Until the protocol's tracks
        have that session (``hold_until_full`` spent, judged in ``_protocol_blocks``), a
        session with a complaint protocol holds the protocol and foot work only: no rotation
        block (light, heavy, soleus ladder, plyometrics) comes in, also where the lowered
        protocol leaves minutes free. The reason that says so, or None."""
        st = self.st
        if not st.pain_restart:
            return None
        if not self._restart_holding():
            st.pain_restart = ""
            return None
        if not protocol:
            return None
        what = "flare" if st.pain_restart == "R-PAIN-2b" else "clinician's clearance"
        return restart_reason(st.pain_restart, what)

    def _plyo_in_plan(self, safety: DaySafety) -> bool:
        """Whether the athlete's plan holds plyometrics at all now: a plyometric exercise
        their level and equipment allow, and no complaint gate closed (R-PAIN-3/4). A reason
        mentions plyometrics only then (R-WHY)."""
        return self.c.plyo is not None and safety.plyo.open

    def _race_to_name(self, slot: Slot, day: RaceDay, safety: DaySafety) -> list[Reason]:
        """R-SCHED-4a: the first session after any race names it, and every session within
        14 days of a marathon or longer names that one (both when both hold)."""
        out: list[Reason] = []
        named = self.st.race_named
        # In a marathon's light week plyometrics wait for its end (the block then says 50).
        restart = self._plyo_in_plan(safety) and day.light_only is None
        plyo = "; plyometrics restart at 50 contacts" if restart else ""
        for past in self.p.races:  # every race since the last session, in date order
            if past.date < slot.date and (named is None or past.date > named):
                self.st.race_named = past.date
                # A tune-up has no recovery window (it counts as a hard run, D-16).
                after = (
                    "a tune-up has no recovery window"
                    if is_tune_up(past)
                    else "the recovery window is over"
                )
                text = f"First session after {describe(past)}: {after}{plyo}."
                reason = Reason("R-SCHED-4a", text)
                if reason not in out:  # two races alike on one day are named once (R-WHY)
                    out.append(reason)
        light = day.light_only
        if light is not None:
            # D-149: the light week after a marathon's window holds every dose too.
            end = light_week_end(light)
            out.append(
                Reason(
                    "R-SCHED-4a",
                    f"The week after the recovery window of {describe(light)}: light, foot and "
                    f"rehab work only, and no dose goes up, until {end.isoformat()}.",
                )
            )
        long = day.name_in_reasons
        named_now = {r.text for r in out}
        if long is not None and not any(describe(long) in t for t in named_now):
            out.append(
                Reason("R-SCHED-4a", f"Within 14 days of {describe(long)}: recovery comes first.")
            )
        return out

    def _race_ahead(self, slot: Slot, day: RaceDay, safety: DaySafety) -> Reason | None:
        """R-SCHED-4a in the 7 days before a race (D-147): the session says what the race
        changes. A protocol block names the race itself (one set fewer, load kept); where the
        protocol rests (fewer than 3 days out), the session says why it holds none; else what
        stops until the race, as far as the athlete's plan holds it (R-WHY), and that no dose
        goes up (``doses._RACE_HOLD``)."""
        race = day.taper
        if race is None:
            return None
        protocol = self.c.has_protocol and bool(
            (self.complaints - safety.closed_complaints) & PROTOCOL_COMPLAINTS
        )
        if protocol:
            if day.no_rehab is None:
                return None  # the protocol's blocks carry "Race week (...): one set fewer"
            name = protocol_name(self.p)
            return Reason(
                "R-SCHED-4a",
                f"Race week ({describe(race)}): the {name} rests "
                f"from {rules.RACE_REHAB_LAST_DAYS_OUT} days before the race, so this session "
                "holds none of it.",
            )
        stops = []
        novice = self.level == "novice" and slot.week <= rules.NOVICE_LIGHT_ONLY_WEEKS
        if not novice and not self._strain_active(safety):
            stops.append("heavy")
        if self._plyo_in_plan(safety):
            stops.append("plyometric")
        no = f"no {' or '.join(stops)} work, and " if stops else ""
        return Reason(
            "R-SCHED-4a", f"Race week ({describe(race)}): {no}no dose goes up until the race."
        )

    def _strain_active(self, safety: DaySafety) -> bool:
        """A calf strain still open: its criteria ladder (R-PAIN-4) sets every calf dose."""
        return "calf_strain" in self.complaints and "calf_strain" not in safety.closed_complaints

    def _note_plyo_gate(self, slot: Slot, safety: DaySafety) -> None:
        """Whether the complaint's plyometric gate lets this session's week jump (R-PAIN-3:
        with an Achilles complaint, from the plan week after the clearance), kept in the walk
        state for R-SCHED-5's warnings: a cycle the gate let jump that still holds no
        plyometric block is not waiting for a clearance (D-181)."""
        if slot.week not in self.st.jump_weeks and self._gate_lets_jump(slot, safety):
            self.st.jump_weeks.append(slot.week)

    def _main_kind(self, slot: Slot, safety: DaySafety, day: RaceDay, protocol: bool) -> str | None:
        kind = slot.kind
        if kind is None:
            return None
        allowed = self._allowed_kind(kind, slot, safety, day, protocol)
        if allowed != "plyo" and self._strain_active(safety):
            return None  # D-23: with a calf strain the criteria ladder is all the calf work
        if allowed != "plyo" and self.c.ladder_is_main():
            return "soleus"  # R-PAIN-4: the soleus ladder is the main block with shin pain
        return allowed

    def _allowed_kind(
        self, kind: str, slot: Slot, safety: DaySafety, day: RaceDay, protocol: bool
    ) -> str | None:
        placed = slot.before_hard or (kind == "plyo" and slot.day_after_hard)
        if placed and kind in HEAVY_KINDS | {"plyo"} and self.c.kind_possible(kind):
            # R-SCHED-4b: the skeleton keeps these off such days; a moved session lands here.
            side = "before" if slot.before_hard else "after"
            self.issues.append(
                (
                    "R-SCHED-4b",
                    slot.week,
                    f"the {kind.replace('_', ' ')} block of {slot.date.isoformat()} became light "
                    f"work: it is the day {side} a hard run",
                )
            )
        if kind == "plyo" and not self._plyo_open(slot, safety, day):
            if protocol and safety.morning == "one_set_fewer":
                # D-178: on a morning at usual + 2 the hops wait; beside a complaint protocol,
                # the session's calf work, no light block stands in for them (R-PAIN-2).
                return None
            kind = LIGHTER["plyo"]
        if kind in HEAVY_KINDS and (
            slot.before_hard  # R-SCHED-4b (also for a moved session)
            or protocol
            or day.taper
            or day.light_only
            or (self.level == "novice" and slot.week <= rules.NOVICE_LIGHT_ONLY_WEEKS)
        ):
            kind = LIGHTER[kind]
        return kind if self.c.kind_possible(kind) else None

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
            kept = {e.id for e in self.c.dorsi} if "shin" in self.complaints else set()
            for pos, rx in enumerate(exercises):
                if rx.scheme != "skill" or rx.exercise in kept:
                    continue  # the shin's dorsiflexor accessory stays (R-PAIN-4)
                was_foot = self.catalog.get(rx.exercise).region == "foot"
                for ex in self.c.foot:
                    if ex.id in used or (was_foot and ex.region != "foot"):
                        continue  # R-SCHED-6: a foot drill is swapped for foot work
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
        """R-SCHED-8: the title names what the session holds after adaptation: every calf
        block (the main one, a ladder's next step, a cycle's extra), in the order done."""
        calf = [b for b in blocks if b.role in ("main", "extra")]
        protocol = [b for b in blocks if b.role == "protocol"]
        if safety.flare is not None:
            title = "Flare: isometric holds and foot work"
        elif calf:
            title = _joined_titles([self._title_of(b) for b in calf])
            if protocol:
                title = f"{self._protocol_title()} + {title[:1].lower()}{title[1:]}"
        elif protocol:
            title = self._protocol_title()
        else:
            title = "Foot and ankle work"
        if slot.after_hard:
            title += " (after your hard run)"
        if slot.deload:
            title = "Lighter week - " + title
        return title

    def _title_of(self, b: budget.Block) -> str:
        # A block's title depends on its exercise and scheme only: made once a walk (the
        # prescription names the block's exercise).
        # R-SCHED-8: "Soleus strength" names the soleus ladder (R-PROG-3), not a rotation's
        # light bent-knee block that uses one of its exercises (D-144).
        ladder = any(r.rule == "R-PROG-3" for r in b.rx.reasons)
        key = (b.rx.exercise, b.rx.scheme, ladder)
        found = self._titles.get(key)
        if found is None:
            found = self._titles[key] = _block_title(b, ladder)
        return found

    def _protocol_title(self) -> str:
        if self._protocol_name is None:
            self._protocol_name = _protocol_title(self.p)
        return self._protocol_name


def _joined_titles(parts: list[str]) -> str:
    """Block titles as one: "Heavy bent-knee work: X + soleus strength: Y and Z" (blocks of
    one kind in a row share its words; D-140)."""
    groups: list[tuple[str, list[str]]] = []
    for part in parts:
        head, _, name = part.partition(": ")
        if groups and groups[-1][0] == head:
            if name not in groups[-1][1]:
                groups[-1][1].append(name)
        else:
            groups.append((head, [name]))
    out = [f"{head}: {' and '.join(names)}" for head, names in groups]
    return " + ".join([out[0], *(f"{o[:1].lower()}{o[1:]}" for o in out[1:])])


_STRICT_WORDS: Final = {"calf_strain": "a calf strain", "shin": "shin pain"}


@lru_cache(maxsize=64)
def _strict_reason(complaints: frozenset[str]) -> Reason | None:
    """R-PAIN-2a: the stricter pain limit and the red flags, named in every session of an
    athlete with a strict-pain complaint (the same sentence each time: made once)."""
    strict = sorted(complaints & rules.STRICT_PAIN_COMPLAINTS)
    if not strict:
        return None
    # In words ("With shin pain:", "With a calf strain:"), not the profile key ("With shin:").
    names = " and ".join(_STRICT_WORDS.get(c, c.replace("_", " ")) for c in strict)
    return Reason(
        "R-PAIN-2a",
        f"With {names}: stop an exercise above 2/10 pain (not 5/10). Stop the plan "
        "and see a clinician for a pop, calf swelling, warmth or redness, not being "
        "able to rise on the toes, pain at night or at rest, pain on one spot of a "
        "bone, pain that grows through a run, or numbness.",
    )


def _gap_level(gap: int) -> int:
    """R-PROG-6: 8-13 days -> 1, 14-27 -> 2, 28 or more -> 3, else 0."""
    if gap >= rules.GAP_REFIND_DAYS:
        return 3
    if gap >= rules.GAP_HOLD_DAYS:
        return 2
    return 1 if gap >= rules.GAP_STEP_DOWN_DAYS else 0


def _unique(blocks: list[budget.Block]) -> list[budget.Block]:
    """R-SCHED-8: no exercise twice in one session (the first, more important block stays)."""
    seen: set[str] = set()
    out = []
    for b in blocks:
        exercise = b.rx.exercise  # the block's exercise id, read off its prescription
        if exercise in seen:
            continue
        seen.add(exercise)
        out.append(b)
    return out


__all__ = ["Decision", "SessionMaker"]


def _blocks_the_uncut_session_holds(
    blocks: list[budget.Block], limit: int, c: Choices
) -> list[budget.Block]:
    """A cut never lets in a block the uncut session would leave out of the time budget.

    * R-PAIN-2 (D-167, D-172): a morning at usual + 2 takes one set off each calf block; each
      such block is tried at the most a calm morning could give it: the set given back and,
      since the sore morning holds every dose where a calm one may step it up, one step of
      R-PROG-2 more.
    * R-PROG-5 and R-SCHED-4a (D-175): a lighter week's cut (or race week's one set fewer of a
      protocol) is tried at the dose before the cut (``Block.full``): a lighter week keeps the
      exercises of the week, and never gains a calf block in the minutes its cut frees.

    The blocks kept are those ``budget.fit`` keeps so; their cut doses stay as they are."""
    sore = any(MORNING_SET_REASON in b.rx.reasons for b in blocks)
    rxs = []
    for b in blocks:
        rx = b.full if b.full is not None else b.rx
        if sore and b.role not in ("foot", "dorsi"):
            # Every dose a sore morning holds, cut or not (a plyometric block keeps its sets
            # but not the calm morning's +20 contacts).
            rx = _calm_bound(
                rx,
                set_back=MORNING_SET_REASON in b.rx.reasons,
                scheme=dosed_scheme(c, rx.exercise, rx.scheme),
            )
        rxs.append(rx)
    minutes = budget.WARM_UP_MINUTES
    for b, rx in zip(blocks, rxs, strict=True):
        minutes += budget.rx_minutes(rx, b.ex)
    if minutes <= limit:
        return blocks  # the uncut session fits whole: the cut one holds the same blocks
    # New blocks: ``fit`` trims the blocks it is given in place.
    trial = [budget.Block(b.ex, rx, b.role, b.knee) for b, rx in zip(blocks, rxs, strict=True)]
    kept, _, _ = budget.fit(list(trial), limit)  # fit drops from the list it is given
    survivors = {id(t) for t in kept}
    return [b for b, t in zip(blocks, trial, strict=True) if id(t) in survivors]


def _calm_bound(rx: Prescription, *, set_back: bool, scheme: Scheme) -> Prescription:
    """The longest dose a calm morning could give a block cut by a sore one (D-172): the set
    back, and one step up (R-PROG-2: the next rung, or at the band's top one set more;
    R-PROG-4: 20 contacts more). A load step returns to the band's first rung, shorter.
    ``scheme``: the one the block is dosed under (its band)."""
    sets = rx.sets + 1 if set_back else rx.sets
    if rx.contacts is not None:
        # Contacts are per bout: 20 more in each bout bounds 20 more a session.
        return replace(rx, sets=sets, contacts=rx.contacts + rules.PLYO_WEEKLY_STEP)
    fields: tuple[Amount, ...] = ("reps", "seconds", "distance_m")
    for field in fields:
        amount = getattr(rx, field)
        if amount is None:
            continue
        above = dosing.rung_above(dosing.band(scheme, field).rungs, amount)
        if above is None:
            return replace(rx, sets=sets + 1)
        if field == "reps":
            return replace(rx, sets=sets, reps=int(above))
        if field == "seconds":
            return replace(rx, sets=sets, seconds=int(above))
        return replace(rx, sets=sets, distance_m=above)
    return replace(rx, sets=sets)
