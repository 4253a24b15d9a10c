"""R-SCHED-5 on the finished sessions: every complete, aligned 2-week cycle (weeks 1-2, 3-4,
...) holds straight- and bent-knee plantarflexion work, a heavy and a light block, and a
plyometric block where the athlete may jump; every gap is a warning that says why (D-10).

A complaint protocol block (scheme ``rehab``: heavy slow resistance, the high-load heel raise,
step 4 of the calf-strain ladder) is the cycle's heavy work: R-SCHED-8 allows a heavy calf block
or a protocol block in a session, never both. Steps 1-3 of the calf-strain ladder, `rehab` too
(R-PAIN-5), count as the isometric or light work they are dosed as.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from calfcoach.core import rules
from calfcoach.core.engine.blocks import Choices
from calfcoach.core.engine.complaints import dosed_scheme, protocol_name
from calfcoach.core.engine.doses import held_for_pain
from calfcoach.core.models import LOADED_PROTOCOL_COMPLAINTS, Profile, Session

_LABEL = {
    "straight": "straight-knee",
    "bent": "bent-knee",
    "heavy": "heavy",
    "light": "light",
    "plyo": "plyometric",
}


def coverage_issues(
    sessions: tuple[Session, ...],
    weeks: int,
    choices: Choices,
    profile: Profile,
    jump_weeks: frozenset[int] = frozenset(),
    held_back: Mapping[tuple[int, str], frozenset[str]] | None = None,
) -> list[tuple[str, int, str]]:
    """``jump_weeks``: the plan weeks a complaint's plyometric gate let jump (the walk's):
    a cycle with one of them is not waiting for a clearance (D-181). ``held_back``: (cycle,
    need) -> why every session day of the cycle held heavy or plyometric work back (races,
    hard-run days; the walk's ``_held_back``, D-184)."""
    held_back = held_back or {}
    knees = choices.calf_knees
    found: dict[int, set[str]] = defaultdict(set)
    # cycle -> whether it holds a session that is not stopped (absent: no session at all)
    planned: dict[int, bool] = {}
    # cycle -> what pain did to it: "flare" (a flare's holds, the first session back after
    # it), "clearance" (the first session back after a red flag's clearance), "stop"; a flare
    # and a clearance in one cycle are both named.
    pained: dict[int, str] = {}
    for s in sessions:
        cycle = (s.week - 1) // rules.CYCLE_WEEKS
        planned[cycle] = planned.get(cycle, False) or s.status != "stopped"
        pain_rules = {rule for rx in s.exercises if (rule := held_for_pain(rx)) is not None}
        if pain_rules:
            was = set(pained.get(cycle, "").split("+")) - {"", "stop"}
            now = was | {"flare" if rule == "R-PAIN-2b" else "clearance" for rule in pain_rules}
            pained[cycle] = "+".join(sorted(now))
        elif s.status == "stopped" and cycle not in pained:
            pained[cycle] = "stop"
        seen = found[cycle]
        for rx in s.exercises:
            knee = knees.get(rx.exercise)
            if knee is None:
                continue
            if rx.scheme == "plyometric":
                seen.add("plyo")
                continue
            if knee in ("straight", "bent"):
                seen.add(knee)
            # A calf-strain step (`rehab`, R-PAIN-5) counts as the work it is dosed as: steps
            # 1-3 isometric or light work, step 4 the cycle's heavy work.
            scheme = dosed_scheme(choices, rx.exercise, rx.scheme)
            if scheme in ("heavy", "rehab"):
                seen.add("heavy")
            elif scheme == "light":
                seen.add("light")
    issues: list[tuple[str, int, str]] = []
    messages: dict[str, str] = {}
    for c in range(0, weeks, rules.CYCLE_WEEKS):
        seen = found.get(c // rules.CYCLE_WEEKS, set())
        if not planned.get(c // rules.CYCLE_WEEKS, False):
            continue  # no session, or a stopped plan: a referral, not a coverage gap
        # A plan's last week alone is half a cycle: it need not hold everything, but a
        # standing block (a gate, the equipment) is still named (R-SCHED-5).
        partial = c + rules.CYCLE_WEEKS > weeks
        cleared = any(w in jump_weeks for w in range(c + 1, c + rules.CYCLE_WEEKS + 1))
        # The first week the gate let jump, when it opened within the cycle (not at its start).
        opened = (
            next((w for w in range(c + 2, c + rules.CYCLE_WEEKS + 1) if w in jump_weeks), 0)
            if cleared and (c + 1) not in jump_weeks
            else 0
        )
        for need in ("straight", "bent", "heavy", "light", "plyo"):
            if need in seen or (partial and not _standing(need, choices, profile, cleared)):
                continue
            # R-PROG-4a explains a missing heavy block only in a novice's first weeks (D-170).
            first_weeks = c < rules.NOVICE_LIGHT_ONLY_WEEKS
            held = held_back.get((c // rules.CYCLE_WEEKS, need), frozenset())
            pain = pained.get(c // rules.CYCLE_WEEKS, "")
            key = f"{need}:{first_weeks}:{cleared}:{sorted(held)}:{pain}:{opened}"
            message = messages.get(key)
            if message is None:  # the same sentence for every cycle: made once a plan
                reason = _why(need, choices, profile, first_weeks, cleared, held, pain, opened)
                message = messages[key] = f"no {_LABEL[need]} block in the 2-week cycle: {reason}"
            for week in range(c + 1, min(c + rules.CYCLE_WEEKS, weeks) + 1):
                issues.append(("R-SCHED-5", week, message))
    return issues


def protocol_week_issues(
    sessions: tuple[Session, ...], weeks: int, profile: Profile
) -> list[tuple[str, int, str]]:
    """R-PAIN-5 (D-152): a protocol's week counts only with 2 logged protocol sessions; a week
    whose schedule holds one session never counts, so the protocol stays at its step. Said
    where it happens (the calf-strain ladder moves by criteria, not weeks)."""
    if "calf_strain" in profile.complaints or not (profile.complaints & LOADED_PROTOCOL_COMPLAINTS):
        return []
    per_week: dict[int, int] = defaultdict(int)
    protocol: dict[int, int] = defaultdict(int)
    for s in sessions:
        if s.status != "planned":
            continue
        per_week[s.week] += 1
        if any(rx.scheme == "rehab" for rx in s.exercises):
            protocol[s.week] += 1
    name = protocol_name(profile)
    return [
        (
            "R-PAIN-5",
            week,
            "only one session in the week: a protocol week counts only with 2 logged protocol "
            f"sessions, so the {name} stays at its step then; two sessions a week let it move on",
        )
        for week in range(1, weeks + 1)
        if per_week.get(week, 0) == 1 and protocol.get(week, 0) == 1
    ]


def _gated(profile: Profile) -> bool:
    """A complaint whose plyometric gate starts closed (R-PAIN-3, R-PAIN-4, R-TEST-5)."""
    return bool(profile.complaints & rules.NO_PLYO_COMPLAINTS) or "plantar_heel" in (
        profile.complaints
    )


def _standing(need: str, choices: Choices, profile: Profile, cleared: bool = False) -> bool:
    """A plyometric block that no week can hold: no exercise fits, or a complaint's gate
    (unless it let this cycle jump)."""
    return need == "plyo" and (choices.plyo is None or (_gated(profile) and not cleared))


def _why(
    need: str,
    choices: Choices,
    profile: Profile,
    first_weeks: bool,
    cleared: bool = False,
    held: frozenset[str] = frozenset(),
    pain: str = "",
    opened: int = 0,
) -> str:
    if need == "heavy" and not choices.can_load:
        return (
            "there is no equipment to load it (dumbbell, kettlebell, barbell, weight vest, "
            "backpack or machine; R-SCH-2a): slow light heel raises stand in"
        )
    if "calf_strain" in profile.complaints and need != "plyo":
        until = "heavy work waits for its step 4" if need == "heavy" else "until it is passed"
        return (
            f"with a calf strain the criteria ladder is all the calf work, {until} (R-PAIN-4, D-23)"
        )
    if need == "heavy" and profile.level == "novice" and first_weeks:
        return "novices do light and isometric work first (R-PROG-4a), and races may stop it"
    if need == "plyo":
        if choices.plyo is None:
            return "no plyometric exercise fits the equipment"
        if _gated(profile) and not cleared:
            return "plyometrics wait for the complaint's clearance (R-PAIN-3, R-PAIN-4, R-TEST-5)"
    if pain and pain != "stop":
        # R-SCHED-0: the rule that gave way is named; a flare and a red flag's stop come
        # before the rotation, each with its own rule.
        why = {
            "flare": (
                "a pain flare in these two weeks held it back: during a flare calf blocks "
                "become mid-range holds and plyometrics stop, and the first session back holds "
                "the protocol and foot work only (R-PAIN-2b)"
            ),
            "clearance": (
                "a red flag's stop in or before these two weeks held it back: after the "
                "clinician's clearance the sessions back hold the protocol and foot work only "
                "until one full session is logged (R-PAIN-2a)"
            ),
        }
        return "; ".join(why[part] for part in pain.split("+"))
    if pain == "stop":
        return "the plan was stopped for part of these two weeks (R-PAIN-2a, R-PAIN-2b)"
    if need in ("heavy", "plyo") and held:
        return _held_back_why(held, need)
    if need == "plyo" and opened and _gated(profile):
        # The gate opened within the cycle: jumps wait for the rotation's next plyometric
        # turn (R-SCHED-3), they are not crowded out by hard-run days (R-SCHED-0).
        return (
            f"the complaint's gate opened only in week {opened}: jumps come back at the "
            "rotation's next plyometric session with room for them (R-PAIN-3, R-PAIN-4, "
            "R-TEST-5)"
        )
    if need == "plyo":
        return (
            "the sessions of these two weeks hold no room for it, or races and hard-run days "
            "left no day for it (R-SCHED-4, R-SCHED-4b)"
        )
    return "the sessions and minutes of these two weeks do not hold it"


def _held_back_why(held: frozenset[str], need: str) -> str:
    """Why every session day of a cycle held heavy or plyometric work back (D-184)."""
    if held == {"race"}:
        return (
            "races left no day for it: the 7 days before a race and the week after a "
            "marathon's recovery hold no heavy or plyometric work (R-SCHED-4, R-SCHED-4a)"
        )
    eve = "the day before a hard run" + (" or the day after one" if need == "plyo" else "")
    if held == {"eve"}:
        return (
            f"every session of these two weeks falls on {eve}, which holds no heavy or "
            "plyometric block (R-SCHED-4b)"
        )
    return (
        "every session of these two weeks falls in a race's taper, in the light week after a "
        f"marathon or on {eve} (R-SCHED-4, R-SCHED-4a, R-SCHED-4b)"
    )


__all__ = ["coverage_issues", "protocol_week_issues"]
