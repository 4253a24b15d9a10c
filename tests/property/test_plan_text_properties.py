"""Plan text and exercise choice, as properties over random plans (D-18x): a machine block
carries a load and is never light work (R-SCH-6, R-PROG-1a, R-PROG-7, R-WHY); the mid-portion
heavy slow resistance trial is cited only for mid-portion Achilles pain (R-WHY); every reason
speaks the athlete's units (R-WHY, D-27); a load-finding reason offers no more ramp sets than
its block holds (R-PROG-1a); a load step named in percent is R-PROG-2's 2-10 %."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given
from tests.strategies import CATALOG, examples, plan_requests

from calfcoach.core.models import Plan, Profile
from calfcoach.core.planner import build_plan
from calfcoach.formats.text import loads_in_units

MANY = examples(150, 30)
METRIC = re.compile(r"\d(?: | ?\(about )?(?:m|kg|km|cm)\b| m | kg\b| km\b| cm\b")
IMPERIAL = re.compile(r"\d (?:ft|lb|mi)\b")


def make(req: tuple[Profile, dt.date, int], **update: object) -> tuple[Profile, Plan]:
    profile, start, weeks = req
    profile = profile.model_copy(update=update) if update else profile
    return profile, build_plan(profile, CATALOG, start, weeks)


@MANY
@given(plan_requests(max_weeks=12))
def test_a_machine_block_carries_a_load_and_is_never_light_work(req):
    # R-SCH-6, R-PROG-1a (machines start at 25 % of body mass), R-WHY (a light block does not
    # claim what only heavy loads do), D-18x: a light block never takes a machine variant.
    _, plan = make(req)
    for s in plan.sessions:
        for rx in s.exercises:
            if CATALOG.get(rx.exercise).machine:
                assert rx.scheme != "light", (s.date, rx.exercise)
                assert rx.added_load_kg, (s.date, rx.exercise, rx.scheme)


@MANY
@given(plan_requests(max_weeks=6))
def test_the_mid_portion_trial_is_cited_only_for_mid_portion_achilles_pain(req):
    # R-WHY: Beyer 2015 studied mid-portion tendinopathy; its finding is not a reason for
    # anyone else (insertional pain, a calf strain's heavy step, plantar heel pain).
    profile, plan = make(req)
    for s in plan.sessions:
        for rx in s.exercises:
            if "helped mid-portion Achilles" in rx.why or "tendinopathy as much as" in rx.why:
                assert "achilles" in profile.complaints, (s.date, rx.exercise)


@MANY
@given(plan_requests(max_weeks=8))
def test_every_reason_speaks_the_athletes_units(req):
    # R-WHY, D-27, D-18x: as on the dose line, an imperial athlete reads lb, ft and mi in
    # every reason, a metric one kg, m and km.
    for units, wrong in (("imperial", METRIC), ("metric", IMPERIAL)):
        profile, plan = make(req, units=units)
        for s in plan.sessions:
            for rx in s.exercises:
                for r in rx.reasons:
                    shown = loads_in_units(r.text, profile.units)
                    assert not wrong.search(shown), (units, s.date, rx.exercise, shown)
                why = loads_in_units(rx.why, profile.units)
                assert not wrong.search(why), (units, s.date, rx.exercise, why)


@MANY
@given(plan_requests(max_weeks=12))
def test_a_load_step_in_percent_is_r_prog_2s_and_ramps_fit_their_block(req):
    # R-PROG-1a: at most the block's sets as ramp sets (and at most 4); R-PROG-2: a load step
    # said in percent is 2-10 %; the smallest increment is named as such (R-PROG-7).
    _, plan = make(req)
    for s in plan.sessions:
        for rx in s.exercises:
            for m in re.finditer(r"up to (\d+) ramp sets", rx.why):
                assert int(m.group(1)) <= min(rx.sets, 4), (s.date, rx.exercise, rx.why)
            for m in re.finditer(r"load goes up (\d+) %", rx.why):
                assert int(m.group(1)) <= 10, (s.date, rx.exercise, rx.why)
