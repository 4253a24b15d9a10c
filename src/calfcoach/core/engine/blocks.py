"""Which exercise fills which role for one athlete: main kinds, the soleus and calf-strain
ladders (R-PROG-3, R-PAIN-4), the complaint protocol block (R-PAIN-5), flare holds (R-PAIN-2b),
plyometric tiers (R-SCH-3a), foot and dorsiflexor accessories (R-SCHED-6, R-PAIN-4) and the
athlete's machines (R-PROG-7).

Roles are catalog data (``Exercise.protocols``, ``steps``, ``clearance``, ``flare_hold``,
``heel_drop``, ``dorsiflexor``, ``tier``, ``ladder``): no exercise id is named here. Worked out
once per (catalog, equipment, complaints) and cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from calfcoach.core import dosing, rules
from calfcoach.core.catalog import Catalog
from calfcoach.core.memo import MISSING, IdentityMemo
from calfcoach.core.models import ACHILLES_COMPLAINTS, Complaint, Equipment, Exercise

SOLEUS = rules.SOLEUS_LADDER
CALF_STRAIN = rules.CALF_STRAIN_LADDER
# The light kind of the same knee angle: what a heavy or plyometric kind becomes where it may
# not be done (novice weeks, race weeks, R-SCHED-4b, a complaint protocol, a closed gate, no
# load: R-SCH-2a's slow stand-in).
LIGHTER: dict[str, str] = {
    "heavy_bent": "light_bent",
    "heavy_straight": "light_straight",
    "plyo": "light_straight",
}
STAND_IN = {k: v for k, v in LIGHTER.items() if k.startswith("heavy")}
STRAIN_STEPS = 4
# The complaints with a protocol block every session (R-PAIN-3/4/5).
PROTOCOL_COMPLAINTS: frozenset[Complaint] = ACHILLES_COMPLAINTS | {"plantar_heel", "calf_strain"}


def _role(ex: Exercise, name: str, default: Any) -> Any:
    return getattr(ex, name, default)


@dataclass(frozen=True, slots=True)
class _Roles:
    """An exercise's roles as the engine reads them, worked out once per exercise object."""

    protocols: tuple[str, ...]
    steps: dict[str, int]
    heel_drop: bool
    dorsiflexor: bool
    flare_hold: bool
    clearance: bool


# An exercise's roles and a catalog's index, worked out once per object (core.memo).
_ROLES: Final[IdentityMemo[_Roles]] = IdentityMemo()


def _roles(ex: Exercise) -> _Roles:
    found = _ROLES.get(ex, None, None)
    if found is not MISSING:
        return found
    listed = _role(ex, "protocols", None)
    protocols: tuple[str, ...] = (
        tuple(listed) if listed else ((ex.protocol,) if ex.protocol else ())
    )
    steps = dict(_role(ex, "steps", None) or {})
    if ex.ladder is not None and ex.ladder_step is not None:
        steps.setdefault(ex.ladder, ex.ladder_step)
    roles = _Roles(
        protocols,
        steps,
        bool(_role(ex, "heel_drop", False)),
        bool(_role(ex, "dorsiflexor", False)),
        bool(_role(ex, "flare_hold", False)),
        bool(_role(ex, "clearance", False)),
    )
    return _ROLES.put(ex, None, None, roles)


def protocols_of(ex: Exercise) -> tuple[str, ...]:
    return _roles(ex).protocols


def steps_of(ex: Exercise) -> dict[str, int]:
    """Ladder name -> step of ``ex``. Shared: read it, never change it."""
    return _roles(ex).steps


@dataclass(frozen=True, slots=True)
class Choices:
    """An athlete's exercises by role (see the module doc)."""

    usable: tuple[Exercise, ...]
    equipment: frozenset[Equipment]
    complaints: frozenset[Complaint]
    plyo: Exercise | None
    hops: Exercise | None
    foot: tuple[Exercise, ...]
    dorsi: tuple[Exercise, ...]
    soleus_ladder: tuple[Exercise, ...]
    protocol_straight: Exercise | None
    protocol_bent: Exercise | None
    strain_ladder: tuple[tuple[Exercise, ...], ...]
    """Step n (1-4) -> its exercises (R-PAIN-4 calf-strain criteria ladder)."""
    holds: dict[str, Exercise]
    """Knee angle -> the flare hold (R-PAIN-2b)."""
    clearance_ids: frozenset[str]
    can_load: bool
    by_kind: dict[str, Exercise | None]
    has_protocol: bool
    """A complaint protocol block runs every session (R-PAIN-5). A field, not a property:
    the walk asks about ten thousand times per 300 plans."""
    calf_knees: dict[str, str]
    """Exercise id -> knee, of the usable calf exercises (R-SCHED-5's coverage check)."""

    def ladder_is_main(self) -> bool:
        """R-PAIN-4: with shin pain the soleus ladder is every session's main block, plyometrics
        aside. Asked by the skeleton (R-SCHED-5's extra blocks) and the session alike."""
        return "shin" in self.complaints and bool(self.soleus_ladder)

    def kind_possible(self, kind: str) -> bool:
        if kind == "plyo":
            return self.plyo is not None
        if kind == "soleus":
            return bool(self.soleus_ladder)
        return self.exercise_for(kind) is not None

    def exercise_for(self, kind: str) -> Exercise | None:
        """The exercise of a main kind; a heavy kind without load equipment is its slow light
        stand-in of the same knee angle (R-SCH-2a)."""
        found = self.by_kind.get(kind)
        if found is None and kind in STAND_IN and not self.can_load:
            return self.by_kind.get(STAND_IN[kind])
        return found

    def slow_stand_in(self, kind: str) -> bool:
        return kind in STAND_IN and self.by_kind.get(kind) is None and not self.can_load

    def soleus_step(self, step: int) -> Exercise | None:
        fitting = [e for e in self.soleus_ladder if steps_of(e)[SOLEUS] <= step]
        return fitting[-1] if fitting else (self.soleus_ladder[0] if self.soleus_ladder else None)

    def soleus_next(self, ex: Exercise) -> Exercise | None:
        step = steps_of(ex).get(SOLEUS, 0)
        for e in self.soleus_ladder:
            if steps_of(e)[SOLEUS] > step:
                return e
        return None


def _flat_ok(ex: Exercise, complaints: frozenset[Complaint]) -> bool:
    """R-PAIN-5 ``achilles_insertional``: no exercise that takes the heel below floor level."""
    return not ("achilles_insertional" in complaints and _roles(ex).heel_drop)


@dataclass(frozen=True, slots=True)
class _Entry:
    """One exercise of a catalog with what ``choices_for`` asks of it that does not depend on
    the athlete, worked out once per catalog."""

    ex: Exercise
    needs: frozenset[str]
    roles: _Roles
    plyo: bool
    foot: bool
    """A foot or ankle accessory: no protocol, not plyometric (R-SCHED-6)."""
    dorsi: bool
    """A shin dorsiflexor accessory (R-PAIN-4), if ``foot``."""
    hold: bool
    """A calf isometric hold in seconds: a flare hold where the catalog names none."""
    calf: bool
    """A calf exercise a main kind may use: no protocol, not plyometric, not a flare hold."""


@dataclass(frozen=True, slots=True)
class _Index:
    entries: tuple[_Entry, ...]
    """Every exercise, by (priority, id)."""
    clearance: frozenset[str]


_INDEXES: Final[IdentityMemo[_Index]] = IdentityMemo(limit=64)


def _index(catalog: Catalog) -> _Index:
    found = _INDEXES.get(catalog, None, None)
    if found is not MISSING:
        return found
    entries: list[_Entry] = []
    for e in sorted(catalog, key=lambda e: (e.priority, e.id)):
        roles = _roles(e)
        plyo = e.contraction == "plyometric"
        foot = e.region in ("foot", "ankle") and not roles.protocols and not plyo
        entries.append(
            _Entry(
                e,
                frozenset(e.equipment),
                roles,
                plyo,
                foot,
                foot
                and (
                    roles.dorsiflexor
                    or ("tibialis anterior" in e.muscles and e.contraction != "mobility")
                ),
                e.region == "calf" and e.contraction == "isometric" and e.unit == "seconds",
                e.region == "calf" and not roles.protocols and not plyo and not roles.flare_hold,
            )
        )
    clearance = frozenset(
        e.id
        for e in catalog
        if _roles(e).clearance
        or (e.region == "calf" and e.unilateral and e.unit == "reps" and e.knee == "straight")
    )
    return _INDEXES.put(catalog, None, None, _Index(tuple(entries), clearance))


@lru_cache(maxsize=512)
def choices_for(
    catalog: Catalog, equipment: frozenset[Equipment], complaints: frozenset[Complaint]
) -> Choices:
    index = _index(catalog)
    insertional = "achilles_insertional" in complaints  # R-PAIN-5: no heel below the floor
    fits = [
        en
        for en in index.entries
        if equipment.issuperset(en.needs) and not (insertional and en.roles.heel_drop)
    ]
    usable = tuple(en.ex for en in fits)
    plyos = [en.ex for en in fits if en.plyo]
    plyo = next((e for e in plyos if e.tier == 1), None)
    hops = next((e for e in plyos if e.tier >= 2), None)
    protocol_ex = [en.ex for en in fits if en.roles.protocols]
    foot = [en for en in fits if en.foot]
    dorsi = tuple(en.ex for en in foot if en.dorsi)
    pool = tuple(en.ex for en in foot if not en.dorsi)
    # R-PROG-3/R-SCH-6/R-PROG-1a/R-WHY (D-18x): the soleus ladder's blocks are light, unloaded
    # work, so its machine step (the leg press, built for loading) is not one of them: a light
    # block never takes a machine variant. The leg press carries bent-knee heavy work, with
    # its found load (R-PROG-7); the ladder's light top stays the single-leg standing raise.
    soleus = tuple(
        en.ex
        for en in sorted(
            (en for en in fits if SOLEUS in en.roles.steps and not en.ex.machine),
            key=lambda en: en.roles.steps[SOLEUS],
        )
    )
    plantar = "plantar_heel" in complaints

    def protocol_pick(knee: str) -> Exercise | None:
        wanted = [e for e in protocol_ex if e.knee == knee]
        if knee == "straight" and plantar:
            towel = [e for e in wanted if "plantar_heel" in protocols_of(e)]
            if towel:
                return towel[0]
        achilles = [e for e in wanted if set(protocols_of(e)) & ACHILLES_COMPLAINTS]
        found = achilles or wanted
        if not found:
            return None
        if knee == "bent":
            # R-PROG-7: the athlete's seated calf machine carries bent-knee heavy work, also
            # in the protocol (not with insertional pain: a machine lets the heel drop).
            machines = [
                m
                for m in catalog.machine_variants(found[0].id, equipment)
                if "rehab" in m.schemes and _flat_ok(m, complaints)
            ]
            if machines:
                return machines[0]
        return found[0]

    strain_by_step: dict[int, dict[str, Exercise]] = {}
    for en in fits:
        step = en.roles.steps.get(CALF_STRAIN)
        if step is not None:
            strain_by_step.setdefault(step, {}).setdefault(en.ex.knee, en.ex)
    strain: list[tuple[Exercise, ...]] = []
    for step in range(1, STRAIN_STEPS + 1):
        by_knee = strain_by_step.get(step, {})
        strain.append(tuple(by_knee[k] for k in ("straight", "bent") if k in by_knee))
    holds: dict[str, Exercise] = {}
    for en in fits:
        if en.roles.flare_hold:
            holds.setdefault(en.ex.knee, en.ex)
    if not holds:  # a catalog without flare holds: any calf isometric hold
        for en in fits:
            if en.hold:
                holds.setdefault(en.ex.knee, en.ex)
    can_load = bool(equipment & rules.LOAD_EQUIPMENT)
    calf = [en.ex for en in fits if en.calf]
    by_kind: dict[str, Exercise | None] = {}
    for kind in ("heavy_bent", "heavy_straight", "light_straight", "light_bent", "mini_squat"):
        by_kind[kind] = _find(kind, calf, equipment)
    return Choices(
        usable,
        equipment,
        complaints,
        plyo,
        hops,
        pool,
        dorsi,
        soleus,
        protocol_pick("straight") if protocol_ex else None,
        protocol_pick("bent") if protocol_ex else None,
        tuple(strain),
        holds,
        index.clearance,
        can_load,
        by_kind,
        bool(complaints & PROTOCOL_COMPLAINTS),
        {e.id: e.knee for e in usable if e.region == "calf"},
    )


def _find(kind: str, calf: list[Exercise], equipment: frozenset[Equipment]) -> Exercise | None:
    """The exercise of a main kind among the athlete's calf exercises (by priority)."""
    knee = "bent" if kind in ("heavy_bent", "light_bent", "mini_squat") else "straight"
    candidates = [e for e in calf if e.knee == knee]
    if kind.startswith("heavy"):
        loaded = [
            e
            for e in candidates
            if "heavy" in e.schemes and dosing.load_equipment(e, equipment) is not None
        ]
        # R-PROG-7: equipment the athlete owns is used - a machine first for heavy work.
        machines = [e for e in loaded if dosing.is_machine(e)]
        if machines:
            return machines[0]
        return loaded[0] if loaded else None
    if kind == "mini_squat":
        return next((e for e in candidates if "light" in e.schemes and e.unit == "seconds"), None)
    return next(
        (
            e
            for e in candidates
            if "light" in e.schemes and e.unit == "reps" and not dosing.is_machine(e)
        ),
        None,
    )


__all__ = ["Choices", "choices_for", "protocols_of", "steps_of"]
