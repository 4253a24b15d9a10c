"""The roster (issue 9, part 4): a coach's or a clinic's athletes on one page, worst first,
and a printable weekly summary. In local single-user mode the local user sees every athlete
(a physiotherapist with many patients on one laptop); an actor limited to some athletes sees
only those (``services.roster`` filters in the query).

    GET /roster?sort=&dir=&show=&q=      the table: sortable headers (links, ``aria-sort``),
                                         a filter form, an empty state
    GET /roster/summary                  the week's summary per athlete (print CSS)
    GET /roster/view/{id}?to=today       show that athlete on the other pages (a cookie,
                                         D-103), then go to ``to``
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from calfcoach.errors import InputError
from calfcoach.services.context import ServiceContext
from calfcoach.web.deps import VIEW_COOKIE, ActorDep, ContextDep, TemplatesDep, viewed_athlete

__all__ = ["COLUMNS", "router"]

router = APIRouter(include_in_schema=False)

COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Athlete"),
    ("attention", "Status"),
    ("adherence_2w", "2 weeks"),
    ("adherence_6w", "6 weeks"),
    ("last_session", "Last session"),
    ("pain", "Pain"),
    ("next_retest", "Next retest"),
    ("inactive", "Idle"),
)
"""Sort key and header of each column, in order."""
SHOW_LABELS = {"all": "Everyone", "attention": "Needs attention", "stopped": "Stopped plans"}
DESTINATIONS = ("today", "plan", "progress", "profile", "export")
"""Where ``/roster/view/{id}`` may send the browser next (no open redirect)."""


def _today() -> dt.date:
    from calfcoach.web.routes.training import real_today

    return real_today()


def _sort_link(column: str, sort: str, direction: str, show: str, q: str) -> str:
    flip = "desc" if column == sort and direction == "asc" else "asc"
    params = {"sort": column, "dir": flip, "show": show}
    if q:
        params["q"] = q
    return "/roster?" + urlencode(params)


def _row_html(
    ctx: ServiceContext, templates: Jinja2Templates, rows: list[Any], name: str = "_row"
) -> list[Markup]:
    """Each row as HTML (the table's ``roster/_row.html``, the summary's
    ``roster/_summary_row.html``), rendered once per row object.

    The service hands out the same row object while the athlete's data revision and name
    are unchanged (D-112), so a fragment kept with its row object (and checked to be that
    very object: the memo holds it, so its id is not reused) is current; a changed row is a
    new object and is rendered anew."""
    from calfcoach.services.roster import ROW_MEMO_SIZE

    memo = ctx.memo(f"roster.{name}", ROW_MEMO_SIZE)
    template = templates.get_template(f"roster/{name}.html")
    out = []
    for row in rows:
        kept = memo.get(id(row), 0)
        if kept is None or kept[0] is not row:
            kept = (row, Markup(template.render(row=row)))
            memo.put(id(row), 0, kept)
        out.append(kept[1])
    return out


@router.get("/roster", response_class=HTMLResponse)
def roster_page(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    sort: Annotated[str, Query(max_length=20)] = "attention",
    dir: Annotated[str, Query(max_length=4)] = "asc",
    show: Annotated[str, Query(max_length=20)] = "all",
    q: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    """One row per athlete the visitor may see; red flags and stopped plans first."""
    from calfcoach.services.roster import SHOWS, SORTS, roster

    errors: dict[str, str] = {}
    if dir not in ("asc", "desc"):
        errors["dir"] = "Choose ascending or descending."
    if sort not in SORTS:
        errors["sort"] = "Choose one of the columns."
    if show not in SHOWS:
        errors["show"] = "Choose everyone, needs attention or stopped plans."
    rows: list[Any] = []
    if not errors:
        try:
            rows = roster(
                ctx,
                actor,
                as_of=_today(),
                sort=sort,
                descending=dir == "desc",
                show=show,
                name=q or None,
            )
        except InputError as exc:
            for problem in exc.details:
                errors[problem.field or "q"] = problem.message
    shown_sort = sort if sort in SORTS else "attention"
    shown_dir = dir if dir in ("asc", "desc") else "asc"
    shown_show = show if show in SHOWS else "all"
    context = {
        "title": "Roster",
        "rows": rows,
        "row_html": _row_html(ctx, templates, rows),
        "today": _today(),
        "columns": [
            {
                "key": key,
                "label": label,
                "href": _sort_link(key, shown_sort, shown_dir, shown_show, q),
                "aria_sort": (
                    ("ascending" if shown_dir == "asc" else "descending")
                    if key == shown_sort
                    else None
                ),
            }
            for key, label in COLUMNS
        ],
        "sort": shown_sort,
        "dir": shown_dir,
        "show": shown_show,
        "shows": SHOW_LABELS,
        "q": q,
        "errors": errors,
        "filtered": shown_show != "all" or bool(q),
    }
    status = 422 if errors else 200
    return templates.TemplateResponse(request, "roster/roster.html", context, status_code=status)


@router.get("/roster/summary", response_class=HTMLResponse)
def roster_summary(
    request: Request, templates: TemplatesDep, ctx: ContextDep, actor: ActorDep
) -> HTMLResponse:
    """The week so far for every athlete (Monday to today): sessions done of those due,
    morning pain, flags and what to look at, worst first; made to be printed."""
    from calfcoach.services.roster import roster

    today = _today()
    rows = roster(ctx, actor, as_of=today)
    week_start = today - dt.timedelta(days=today.weekday())
    context = {
        "title": "Weekly summary",
        "rows": rows,
        "row_html": _row_html(ctx, templates, rows, "_summary_row"),
        "today": today,
        "week_start": week_start,
    }
    return templates.TemplateResponse(request, "roster/summary.html", context)


@router.get("/roster/view/{athlete_id}", response_model=None)
def view_athlete(
    request: Request,
    ctx: ContextDep,
    actor: ActorDep,
    athlete_id: int,
    to: Annotated[str, Query(max_length=20)] = "today",
) -> Response:
    """Show the athlete ``athlete_id`` on the other pages (until another is chosen), then
    go to ``to`` (one of ``DESTINATIONS``). An athlete the visitor may not see, or that
    does not exist, is the same 404."""
    from fastapi import HTTPException

    if to not in DESTINATIONS:
        raise HTTPException(422, f"to: choose one of {', '.join(DESTINATIONS)}")
    viewed = viewed_athlete(ctx, actor, str(athlete_id))
    if viewed is None:
        raise HTTPException(404, f"No athlete with id {athlete_id} on your roster.")
    response = RedirectResponse(f"/{to}", status_code=303)
    response.set_cookie(
        VIEW_COOKIE,
        str(athlete_id),
        httponly=True,
        samesite="lax",
        path="/",
        secure=request.url.scheme == "https",  # server mode behind TLS (D-86)
    )
    return response
