"""R-SCHED-7: a session fits the athlete's time budget (D-11).

Minutes are estimated (2 min warm-up; reps at 3 s, slow tempo 6 s, a top hold 8 s; holds as
given; rests between sets; 30 s set-up per exercise). Over budget: long rests shorten to 90 s,
sets are trimmed to the scheme's minimum (foot drills first; a main block keeps the 3 working
sets of R-SCHED-8), then a second foot drill and extra blocks are dropped, and with a complaint
protocol (the session's main work, R-PAIN-5) the rotation's block goes too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from calfcoach.core import dosing, rules
from calfcoach.core.models import Exercise, Prescription

WARM_UP_MINUTES = 2.0


@dataclass(slots=True, eq=False)
class Block:
    ex: Exercise
    rx: Prescription
    role: str  # "main", "extra", "protocol", "foot", "dorsi" (shin accessory), "hold"
    knee: str


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
    """The blocks fitted to ``budget`` minutes; their minutes; whether it still overruns."""
    total = minutes(blocks)
    if total <= budget:
        return blocks, total, False
    for b in blocks:
        if b.role in ("main", "extra") and b.rx.rest_seconds > 90:
            b.rx = replace(b.rx, rest_seconds=90)
    total = minutes(blocks)
    for role in ("foot", "dorsi", "extra", "main"):
        for b in blocks:
            if total <= budget:
                break
            if b.role != role:
                continue
            low = dosing.min_sets(b.rx.scheme)
            if role == "main" and b.rx.scheme != "plyometric":
                low = max(low, rules.MAIN_BLOCK_MIN_SETS)  # R-SCHED-8
            if b.rx.sets > low:
                b.rx = replace(b.rx, sets=low)
                total = minutes(blocks)
    protocol = any(b.role == "protocol" for b in blocks)
    while total > budget:
        foot = [b for b in blocks if b.role == "foot"]
        extra = [b for b in blocks if b.role == "extra"]
        main = [b for b in blocks if b.role == "main"]
        if len(foot) > 1:
            blocks.remove(foot[-1])
        elif extra:
            blocks.remove(extra[-1])
        elif main and protocol:
            # R-SCHED-7 with R-PAIN-5: the complaint protocol is the session's main work.
            blocks.remove(main[-1])
        else:
            break
        total = minutes(blocks)
    return blocks, total, total > budget


__all__ = ["Block", "fit", "minutes", "rx_minutes"]
