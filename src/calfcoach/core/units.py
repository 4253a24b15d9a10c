"""Units of load: calfcoach stores kilograms; an imperial athlete types and reads pounds.

One place for the conversion (the CLI, the import and later the API use it), and for how a
load typed in pounds is stored (D-27): converted to kilograms and rounded to 0.01 kg,
so a load typed in pounds reads back as the same pounds (to the half pound the tables show)
and never drifts through a round trip.
"""

from typing import Final

LB_PER_KG: Final = 2.20462
STORED_KG_DECIMALS: Final = 2


def kg_from_lb(pounds: float) -> float:
    """A load typed in pounds as it is stored: kilograms, to 0.01 kg."""
    return round(pounds / LB_PER_KG, STORED_KG_DECIMALS)


def lb_from_kg(kilograms: float) -> float:
    """A stored load in pounds (not rounded; the presenters round it for display)."""
    return kilograms * LB_PER_KG
