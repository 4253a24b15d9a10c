"""The exercise library (issue 8, part 2, "Exercises"): ``/exercises`` filtered by region,
equipment and knee, and one page per exercise (``/exercises/{id}``).

The filters are plain GET parameters, so the page works without JavaScript; with htmx the
form asks for the same address with ``HX-Request`` and gets only the results list back.
A filter value outside its vocabulary is shown at its field with status 422 (issue 8, "Bad
input"); the list is then not filtered by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from calfcoach.web.deps import TemplatesDep

__all__ = ["NO_EQUIPMENT", "router"]

router = APIRouter(include_in_schema=False)

NO_EQUIPMENT = "none"
"""The equipment filter value for "nothing at all": only exercises that need no equipment."""


@dataclass(frozen=True, slots=True)
class Filters:
    region: str | None
    knee: str | None
    equipment: tuple[str, ...]
    errors: dict[str, str]

    @property
    def active(self) -> bool:
        return bool(self.region or self.knee or self.equipment)


def _vocabularies() -> dict[str, tuple[str, ...]]:
    from typing import get_args

    from calfcoach.core.models import EQUIPMENT, Knee, Region

    return {
        "region": get_args(Region),
        "knee": get_args(Knee),
        "equipment": (NO_EQUIPMENT, *EQUIPMENT),
    }


def _allowed(values: tuple[str, ...]) -> str:
    return ", ".join(values)


def read_filters(region: str | None, knee: str | None, equipment: list[str]) -> Filters:
    """The filters as given, each checked against its vocabulary; a bad one is dropped and
    its message kept for its field."""
    known = _vocabularies()
    errors: dict[str, str] = {}
    region = region or None
    knee = knee or None
    if region is not None and region not in known["region"]:
        errors["region"] = (
            f"region: {region!r} is not a region; allowed: {_allowed(known['region'])}"
        )
        region = None
    if knee is not None and knee not in known["knee"]:
        allowed = _allowed(known["knee"])
        errors["knee"] = f"knee: {knee!r} is not a knee position; allowed: {allowed}"
        knee = None
    kept: list[str] = []
    for item in equipment:
        if not item:
            continue
        if item not in known["equipment"]:
            errors["equipment"] = (
                f"equipment: {item!r} is not known; allowed: {_allowed(known['equipment'])}"
            )
        elif item not in kept:
            kept.append(item)
    return Filters(region, knee, tuple(kept), errors)


def filtered(filters: Filters) -> tuple[Any, ...]:
    """The catalog's exercises that pass the filters, in catalog order. Equipment is what
    the athlete has: an exercise passes when everything it needs is there ("none": it needs
    nothing)."""
    from calfcoach.catalog import load_catalog

    have = None
    if filters.equipment:
        have = frozenset(e for e in filters.equipment if e != NO_EQUIPMENT)
    found = load_catalog().filter(filters.region, have)  # type: ignore[arg-type]
    if filters.knee is not None:
        found = tuple(ex for ex in found if ex.knee == filters.knee)
    return found


@router.get("/exercises", response_class=HTMLResponse)
def exercise_library(
    request: Request,
    templates: TemplatesDep,
    region: str | None = None,
    knee: str | None = None,
    equipment: Annotated[list[str] | None, Query()] = None,
) -> HTMLResponse:
    """The library, filtered; only the results list for an htmx request."""
    from calfcoach.core.catalog import short_dose

    filters = read_filters(region, knee, equipment or [])
    exercises = filtered(filters)
    context = {
        "title": "Exercises",
        "filters": filters,
        "vocabularies": _vocabularies(),
        "no_equipment": NO_EQUIPMENT,
        "exercises": [(ex, short_dose(ex)) for ex in exercises],
    }
    partial = request.headers.get("hx-request") == "true" and not request.headers.get(
        "hx-history-restore-request"
    )
    # The list is swapped in place; the count also goes to the page's status line (an
    # out-of-band swap into a live region that stays), so screen readers hear it.
    context["partial"] = partial
    name = "exercises/_results.html" if partial else "exercises/library.html"
    status = 422 if filters.errors else 200
    response = templates.TemplateResponse(request, name, context, status_code=status)
    response.headers["Vary"] = "HX-Request"
    return response


@router.get("/exercises/{exercise_id}.svg")
def exercise_drawing(exercise_id: str) -> Response:
    """The exercise's drawn illustration as an SVG image (cached a day: the catalog is part of
    the installed version)."""
    from calfcoach.catalog import load_catalog
    from calfcoach.errors import NotFoundError
    from calfcoach.formats.illustration import render_svg

    try:
        exercise = load_catalog().get(exercise_id)
    except NotFoundError as error:
        raise HTTPException(status_code=404, detail=str(error).capitalize()) from None
    return Response(
        render_svg(exercise),
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/exercises/{exercise_id}", response_class=HTMLResponse)
def exercise_page(request: Request, templates: TemplatesDep, exercise_id: str) -> HTMLResponse:
    """One exercise: steps, cues, why, ladder positions, default dose."""
    from calfcoach.catalog import load_catalog
    from calfcoach.core.catalog import describe_dose
    from calfcoach.errors import NotFoundError
    from calfcoach.formats.illustration import render_svg

    catalog = load_catalog()
    try:
        exercise = catalog.get(exercise_id)
    except NotFoundError as error:
        raise HTTPException(status_code=404, detail=str(error).capitalize()) from None
    ladders = []
    for ladder in sorted(exercise.steps):
        rungs = catalog.ladder(ladder)
        steps = sorted({ex.steps[ladder] for ex in rungs})
        ladders.append(
            {
                "name": ladder,
                "step": exercise.steps[ladder],
                "of": steps[-1],
                "rungs": [(ex, ex.steps[ladder]) for ex in rungs],
            }
        )
    context = {
        "title": exercise.name,
        "exercise": exercise,
        "dose": describe_dose(exercise),
        "ladders": ladders,
        "progressions": [catalog.get(i) for i in exercise.progressions],
        "regressions": [catalog.get(i) for i in exercise.regressions],
        # Inline, so the drawing takes the page's text colour (currentColor) in light and dark.
        "illustration": render_svg(exercise) if exercise.illustration is not None else None,
    }
    return templates.TemplateResponse(request, "exercises/exercise.html", context)
