"""The catalog's R-WHY reasons model: `Fits` and `CatalogReason` (R-WHY v2, D-20).

One reason of the catalog's ``reasons:`` list is a sentence with its source and what it fits
(muscles, schemes, contractions, optionally complaints and knee angles). Parsing and checking
the list is in `calfcoach.core.catalog_checks`; `calfcoach.core.catalog` re-exports both names.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from calfcoach.core.models import Complaint, Contraction, Exercise, ExerciseId, Knee, Reason, Scheme

__all__ = ["CatalogReason", "Fits"]


class Fits(BaseModel):
    """What a reason fits (R-WHY v2): it is attached only to a block whose exercise shares a
    muscle with ``muscles`` and whose scheme and contraction are listed; with ``complaints``,
    only when the athlete has one of them; with ``knees``, only at those knee angles (a
    reason about bent-knee work does not fit a straight-knee raise that also works the soleus,
    D-20)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    muscles: tuple[str, ...] = Field(min_length=1)
    schemes: tuple[Scheme, ...] = Field(min_length=1)
    contractions: tuple[Contraction, ...] = Field(min_length=1)
    complaints: tuple[Complaint, ...] = ()
    knees: tuple[Knee, ...] = ()


class CatalogReason(BaseModel):
    """One reason of the catalog's ``reasons:`` list: one sentence with its source (R-WHY)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: ExerciseId
    rule: str = Field(pattern=r"^R-[A-Z]+(-[0-9]+[a-z]?)?$")
    text: str = Field(min_length=10)
    fits: Fits
    mentions: tuple[str, ...] = ()
    """Phrases (any case) that make this claim. An exercise's own ``why`` that contains one
    must fit this reason in every scheme it is prescribed in (R-WHY: a light block does not
    claim what only heavy loads do)."""

    @property
    def reason(self) -> Reason:
        return Reason(self.rule, self.text)

    def fits_exercise(self, ex: Exercise, scheme: str) -> bool:
        """Muscle overlap, scheme, contraction (and knee, when listed) all match; complaints
        are not looked at."""
        fits = self.fits
        return (
            scheme in fits.schemes
            and ex.contraction in fits.contractions
            and not set(fits.muscles).isdisjoint(ex.muscles)
            and (not fits.knees or ex.knee in fits.knees)
        )

    def claimed_by(self, text: str) -> str | None:
        """The first of ``mentions`` that ``text`` contains, if any."""
        low = text.lower()
        return next((m for m in self.mentions if m.lower() in low), None)
