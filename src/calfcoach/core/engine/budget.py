"""R-SCHED-7: a session fits the athlete's time budget (D-11).

Minutes are estimated (2 min warm-up; reps at 3 s, slow tempo 6 s, a top hold 8 s; holds as
given; rests between sets; 30 s set-up per exercise). Over budget: long rests shorten to 90 s,
sets are trimmed to the scheme's minimum (foot drills first; a main block keeps the 3 working
sets of R-SCHED-8), then a second foot drill and extra blocks are dropped, and with a complaint
protocol (the session's main work, R-PAIN-5) the rotation's block goes too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from calfcoach.core import dosing, rules
from calfcoach.core.models import Exercise, Prescription, Reason

WARM_UP_MINUTES = 2.0


@dataclass(slots=True, eq=False)
class Block:
    ex: Exercise
    rx: Prescription
    role: str  # "main", "extra", "protocol", "foot", "dorsi" (shin accessory), "hold"
    knee: str
    full: Prescription | None = None
    """The block before a lighter week's or a race week's cut (None: not cut): the session
    must not hold a block that its full volume would leave out (R-PROG-5, D-175)."""

    def __init__(
        self,
        ex: Exercise,
        rx: Prescription,
        role: str,
        knee: str,
        full: Prescription | None = None,
    ) -> None:
        # Written out: mypyc compiles it to native slot writes (D-130).
        self.ex = ex
        self.rx = rx
        self.role = role
        self.knee = knee
        self.full = full


def rx_with(
    rx: Prescription,
    *,
    sets: int | None = None,
    rest: int | None = None,
    note: Reason | None = None,
) -> Prescription:
    """``rx`` with other sets or rest: ``dataclasses.replace(rx, sets=..., rest_seconds=...)``
    without its walk over the fields (it ran for every trimmed and extra block); ``note``, the
    reason for the change, goes after its reasons (R-WHY: every change carries its reason)."""
    why, reasons = rx.why, rx.reasons
    if sets is not None and sets < rx.sets and "ramp sets" in why:
        # R-PROG-1a, R-SCH-6 (D-18x): a load-finding block cut to fewer sets ramps in those
        # sets: its reason never offers more ramp sets than the prescription holds.
        why, reasons = _ramp_sets_cut(why, reasons, sets)
    if sets is not None and sets != rx.sets and rx.contacts is not None:
        # R-SCH-3a: a plyometric block says its session contacts; after a cut it says the
        # contacts it holds, and their band, not the ones planned before the cut.
        why, reasons = _contacts_cut(why, reasons, sets * rx.contacts)
    if note is not None:
        why = f"{why} {note.rule}: {note.text}" if why else f"{note.rule}: {note.text}"
        reasons = reasons + (note,)
    return Prescription(
        rx.exercise,
        rx.scheme,
        rx.sets if sets is None else sets,
        rx.reps,
        rx.seconds,
        rx.distance_m,
        rx.contacts,
        rx.per_side,
        rx.added_load_kg,
        rx.rest_seconds if rest is None else rest,
        rx.tempo,
        why,
        rx.rule or (reasons[0].rule if reasons else ""),
        reasons,
    )


_RAMP_SETS: Final = re.compile(r"up to (\d+) ramp sets")


def _ramp_sets_cut(
    why: str, reasons: tuple[Reason, ...], sets: int
) -> tuple[str, tuple[Reason, ...]]:
    def cut(text: str) -> str:
        return _RAMP_SETS.sub(lambda m: f"up to {min(int(m.group(1)), sets)} ramp sets", text)

    return cut(why), tuple(
        Reason(r.rule, cut(r.text)) if r.rule == "R-PROG-1a" else r for r in reasons
    )


_CONTACTS: Final = re.compile(r"\b\d+ foot contacts \((?:light|moderate|heavy) band\)")


def _contacts_cut(
    why: str, reasons: tuple[Reason, ...], total: int
) -> tuple[str, tuple[Reason, ...]]:
    said = f"{total} foot contacts ({dosing.plyo_band(total)} band)"

    def cut(text: str) -> str:
        return _CONTACTS.sub(said, text)

    return cut(why), tuple(
        Reason(r.rule, cut(r.text)) if r.rule == "R-SCH-3" else r for r in reasons
    )


def rx_minutes(rx: Prescription, ex: Exercise) -> float:
    if rx.contacts is not None:
        work = rx.contacts * 60 / (ex.contacts_per_minute or rules.DEFAULT_CONTACTS_PER_MINUTE)
    elif rx.seconds is not None:
        work = float(rx.seconds)
    elif rx.distance_m is not None:
        work = 20.0 * rx.distance_m / 3.0
    else:
        per_rep = 6.0 if rx.tempo else 3.0
        if rx.tempo and "hold" in rx.tempo:
            per_rep = 8.0
        work = (rx.reps or 1) * per_rep
    if rx.per_side:
        work *= 2
    rest = rx.rest_seconds * (rx.sets - 1)
    return (rx.sets * work + rest + 30) / 60


def minutes(blocks: list[Block]) -> float:
    return WARM_UP_MINUTES + sum(rx_minutes(b.rx, b.ex) for b in blocks)


def fit(blocks: list[Block], budget: int) -> tuple[list[Block], float, bool]:
    """The blocks fitted to ``budget`` minutes; their minutes; whether it still overruns.

    Each block's minutes are kept beside it and worked out again only when its prescription
    changes; the total is summed in block order as ``minutes`` does (same float result)."""
    each = [rx_minutes(b.rx, b.ex) for b in blocks]
    total = WARM_UP_MINUTES + sum(each)
    if total <= budget:
        return blocks, total, False
    for i, b in enumerate(blocks):
        if b.role in ("main", "extra") and b.rx.rest_seconds > 90:
            note = Reason(
                "R-SCHED-7",
                f"Rest {b.rx.rest_seconds} -> 90 s between sets, to fit the {budget}-min session.",
            )
            b.rx = rx_with(b.rx, rest=90, note=note)
            each[i] = rx_minutes(b.rx, b.ex)
    total = WARM_UP_MINUTES + sum(each)
    for role in ("foot", "dorsi", "extra", "main"):
        for i, b in enumerate(blocks):
            if total <= budget:
                break
            if b.role != role:
                continue
            low = dosing.min_sets(b.rx.scheme)
            if role == "main" and b.rx.scheme != "plyometric":
                low = max(low, rules.MAIN_BLOCK_MIN_SETS)  # R-SCHED-8
            if b.rx.sets > low:
                note = Reason(
                    "R-SCHED-7",
                    f"Sets {b.rx.sets} -> {low}, to fit the {budget}-min session.",
                )
                b.rx = rx_with(b.rx, sets=low, note=note)
                each[i] = rx_minutes(b.rx, b.ex)
                total = WARM_UP_MINUTES + sum(each)
    protocol = any(b.role == "protocol" for b in blocks)
    while total > budget:
        foot = [b for b in blocks if b.role == "foot"]
        extra = [b for b in blocks if b.role == "extra"]
        main = [b for b in blocks if b.role == "main"]
        if len(foot) > 1:
            gone = foot[-1]
        elif extra:
            gone = extra[-1]
        elif main and protocol:
            # R-SCHED-7 with R-PAIN-5: the complaint protocol is the session's main work.
            gone = main[-1]
        else:
            break
        at = next(i for i, b in enumerate(blocks) if b is gone)
        del blocks[at]
        del each[at]
        total = WARM_UP_MINUTES + sum(each)
    return blocks, total, total > budget


__all__ = ["Block", "fit", "minutes", "rx_minutes", "rx_with"]
