"""The walk's evidence: a logged day (or a projected one) becomes the pending outcome of
each track it touched (R-PROG-6: the logged amounts drive the next dose).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from calfcoach.core import rules
from calfcoach.core.engine.complaints import ComplaintMaker, dosed_scheme, is_strain_step
from calfcoach.core.engine.doses import (
    _dose_of,
    _is_hold,
)
from calfcoach.core.engine.evidence import outcome_of, projected
from calfcoach.core.engine.state import Track
from calfcoach.core.models import (
    LoggedSet,
    Session,
)


class EvidenceMaker(ComplaintMaker):
    def apply_log(self, date: dt.date, sets: Sequence[LoggedSet], session: Session | None) -> None:
        by_ex: dict[str, list[LoggedSet]] = defaultdict(list)
        for s in sets:
            by_ex[s.exercise].append(s)
        planned = {rx.exercise: rx for rx in session.exercises} if session is not None else {}
        deload = session.deload if session is not None else False
        week = self._week(date)
        protocol = False
        for exercise, group in by_ex.items():
            rx = planned.get(exercise)
            shown = rx.scheme if rx is not None else group[0].scheme
            if shown is None or shown == "skill" or _is_hold(rx):
                continue
            # R-PAIN-4/5: the complaint's protocol, the calf-strain ladder's steps too (a
            # closed complaint's protocol runs once a week).
            protocol = protocol or shown == "rehab" or is_strain_step(rx)
            # The track of the work the block is dosed as (a calf-strain step: its isometric
            # or light work, under the scheme `rehab`).
            scheme = dosed_scheme(self.c, exercise, shown)
            key = f"{exercise}|{scheme}"
            track = self.st.tracks.get(key)
            lighter_only = deload and scheme != "plyometric" and (track is None or track.found)
            limit = min(self.safe_pain, rules.PAIN_SAFE_MAX)
            hurt = any(s.pain is not None and s.pain > limit for s in group)
            if lighter_only and (track is None or not hurt):
                continue  # a lighter week is no base for the next dose (R-PROG-5); contacts
                # are: the +20 a session rule holds between any two plyometric sessions (D-3)
            dose = (
                _dose_of(rx, scheme)
                if rx is not None
                else (track.dose if track is not None else None)
            )
            if dose is None:
                continue
            if track is None:
                # The first exposure of loaded work is a load-finding session (R-PROG-1a),
                # also when the session was given earlier (R-HIST) and is not remade now.
                track = self.st.tracks[key] = Track(dose, not self._needs_load_id(exercise, scheme))
            if deload and scheme != "plyometric":
                # R-PROG-1a, R-PROG-5 (D-171): a load-finding ramp logged in a lighter week
                # finds the base (a cautious one, at RPE 7) that the sessions after it carry;
                # it is never found again. Nothing else of a lighter week is a base: the
                # found load is taken and the outcome is spent (``_dose``), no step follows.
                if not track.found:
                    track.pending = outcome_of(group, dose, date, ramp=True, pain_limit=limit)
                elif hurt:
                    # R-PAIN-2, R-PROG-6: pain above the limit is evidence in a lighter week
                    # too. It was skipped, so a step the weeks before had earned came right
                    # after pain of 6/10: the exercise now holds (4-5/10) or regresses.
                    track.pending = outcome_of(group, dose, date, ramp=False, pain_limit=limit)
                continue
            track.pending = outcome_of(group, dose, date, ramp=not track.found, pain_limit=limit)
            track.done = dose
            track.last_date, track.last_week = date, week
            if scheme == "plyometric":
                self.st.plyo_date = date
        if protocol:
            # R-PAIN-5: a logged protocol session counts for its week (lighter weeks too).
            self._count_protocol(week)
        self.st.last_logged = date

    def apply_projection(self, date: dt.date, session: Session) -> None:
        week = self._week(date)
        counted = False
        for rx in session.exercises:
            if rx.scheme == "skill" or _is_hold(rx):
                continue
            if (rx.scheme == "rehab" or is_strain_step(rx)) and not counted:
                self._count_protocol(week)  # R-PAIN-5: lighter weeks count too
                counted = True
            scheme = dosed_scheme(self.c, rx.exercise, rx.scheme)
            track = self.st.tracks.get(f"{rx.exercise}|{scheme}")
            if track is None:
                continue
            if session.deload and rx.scheme != "plyometric" and track.found:
                continue
            dose = _dose_of(rx, scheme)
            if dose is None:
                continue
            if session.deload and rx.scheme != "plyometric":
                # R-PROG-1a: a lighter week's ramp, assumed done, finds the base (see above).
                track.pending = projected(dose, date, ramp=True)
                continue
            track.pending = projected(dose, date, ramp=not track.found)
            track.last_date, track.last_week = date, week
            if rx.scheme == "plyometric":
                self.st.plyo_date = date
        self.st.last_logged = date
