"""Today, guided mode, logging a set, skip and move, the morning check-in (issue 8, part 2).

Each route reads its form, calls one service function with the app's context, the actor and
the athlete's id (``web.deps``) and renders the result. A refused call (``CalfcoachError``)
shows each typed problem at its field (``views.field_errors``) with status 422, and nothing
is stored: the services validate before they write, in one unit of work.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from calfcoach.errors import CalfcoachError
from calfcoach.services.access import Actor
from calfcoach.services.context import ServiceContext
from calfcoach.web.deps import ActorDep, AthleteIdDep, AthleteRefDep, ContextDep, TemplatesDep
from calfcoach.web.forms import (
    FormProblem,
    check_once,
    optional_float,
    optional_int,
    parse_client_id,
)
from calfcoach.web.forms import parse_date as parse_form_date
from calfcoach.web.views import field_errors, session_view

if TYPE_CHECKING:
    from calfcoach.core.models import Plan, Units

__all__ = ["real_today", "render_day", "router"]

router = APIRouter(include_in_schema=False)


CSRF_PLACEHOLDER = "@@calfcoach-csrf-token@@"
"""Where a stored Today page had its session's CSRF token (see ``today_page``)."""


def real_today() -> dt.date:
    """The real today (the server's local date): the only place these pages read the clock."""
    return dt.date.today()


class _NotStored(Exception):
    """A page that must not be stored as the day's answer (an error page)."""

    def __init__(self, response: HTMLResponse) -> None:
        self.response = response


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _day_context(
    ctx: ServiceContext, actor: Actor, athlete_id: int, day: dt.date
) -> dict[str, Any]:
    """What Today and guided mode show for ``day``: its session (adapted to the log before
    it), or the rest day and the next session, or the plan's end."""
    from calfcoach.services.corrections import plan_ended
    from calfcoach.services.training import day_plan, open_red_flag_checkins

    current = day_plan(ctx, actor, athlete_id, day)
    units = current.athlete.profile.units
    session = current.session_on(day)
    later = [s for s in current.plan.sessions if s.date > day]
    ended = plan_ended(current, day) if session is None else None
    status = None
    if day in current.log.skipped:
        status = "skipped"
    view = session_view(session, units, current.log.sets) if session is not None else None
    if view is not None and status is None and view.sets_done:
        status = "done" if view.sets_done >= view.sets_total else "started"
    decisions = []
    if view is not None and not view.stopped:
        from calfcoach.formats.text import loads_in_units

        # As the CLI's `today`: decisions already explained in a "why" are not repeated.
        whys = " ".join(p.why for p in view.session.exercises)
        decisions = [
            (d.exercise, d.action, d.rule, loads_in_units(d.message, units))
            for d in current.decisions
            if d.date == day and d.message not in whys
        ]
    return {
        "plan": current.plan,
        "plan_why": _plan_why(current.plan),
        "day": day,
        "today": real_today(),
        "athlete": current.athlete.name,
        "units": units,
        "load_unit": "lb" if units == "imperial" else "kg",
        "view": view,
        "status": status,
        "next_session": later[0] if later else None,
        "ended": ended.message if ended is not None else None,
        "decisions": decisions,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        # R-PAIN-2a: a red flag stops the plan until a clinician's clearance is recorded.
        "clearance_due": bool(open_red_flag_checkins(current.log, day))
        or (view is not None and view.stopped and "clearance" in (view.advice or "")),
    }


def _frame_context(
    ctx: ServiceContext, actor: Actor, athlete_id: int, day: dt.date
) -> dict[str, Any]:
    """``_day_context`` for the plain stored Today page (no welcome: no plan and no reasons
    of the plan): the day's stored frame (``services.training.day_frame``) and its sets,
    so the page after a set on a fixed day needs no walk. A test compares both pages."""
    from calfcoach.services.training import day_frame, day_sets

    frame = day_frame(ctx, actor, athlete_id, day)
    units = cast("Units", frame.units)
    session = frame.session
    status = "skipped" if frame.skipped else None
    view = None
    if session is not None:
        view = session_view(session, units, day_sets(ctx, actor, athlete_id, day))
    if view is not None and status is None and view.sets_done:
        status = "done" if view.sets_done >= view.sets_total else "started"
    decisions = []
    if view is not None and not view.stopped:
        from calfcoach.formats.text import loads_in_units

        whys = " ".join(p.why for p in view.session.exercises)
        decisions = [
            (exercise, action, rule, loads_in_units(message, units))
            for exercise, action, rule, message in frame.decisions
            if message not in whys
        ]
    return {
        "plan": None,
        "plan_why": [],
        "day": day,
        "today": real_today(),
        "athlete": frame.athlete,
        "units": units,
        "load_unit": "lb" if units == "imperial" else "kg",
        "view": view,
        "status": status,
        "next_session": frame.next_session,
        "ended": frame.ended,
        "decisions": decisions,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "clearance_due": frame.red_flags_open
        or (view is not None and view.stopped and "clearance" in (view.advice or "")),
    }


def _plan_why(plan: Plan) -> list[tuple[str, str]]:
    """Why the plan is as it is: each rule behind its first week's sessions once (R-WHY), in
    the order met, then the plan's warnings (a rule that gave way, R-SCHED-0)."""
    seen: dict[str, str] = {}
    first_week = [s for s in plan.sessions if s.week == 1]
    for session in first_week:
        for p in session.exercises:
            for reason in p.reasons:
                seen.setdefault(reason.rule, reason.text)
    return list(seen.items()) + [(w.rule, w.message) for w in plan.warnings]


def _page_day(request: Request, text: str | None) -> tuple[dt.date, str | None]:
    try:
        return parse_form_date("date", text, real_today()), None
    except FormProblem as problem:
        return real_today(), problem.message


def _render_day(
    request: Request,
    templates: Jinja2Templates,
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    day: dt.date,
    template: str,
    *,
    errors: dict[str, Any] | None = None,
    status_code: int = 200,
    values: dict[str, str] | None = None,
    notice: str | None = None,
    welcome: bool = False,
    extra: dict[str, Any] | None = None,
    framed: bool = False,
) -> HTMLResponse:
    try:
        context = (_frame_context if framed else _day_context)(ctx, actor, athlete_id, day)
    except CalfcoachError as error:
        return templates.TemplateResponse(
            request,
            "error.html",
            {"title": "Invalid input", "detail": " ".join(error.problems), "status": 422},
            status_code=422,
        )
    context.update(
        title=f"Today, {day:%a %d %b}" if template.endswith("today.html") else "Guided session",
        errors=errors or {},
        values=values or {},
        notice=notice,
        welcome=welcome,
    )
    context.update(coach_context(ctx, actor, athlete_id, day))
    context.update(extra or {})
    return templates.TemplateResponse(request, template, context, status_code=status_code)


def coach_context(
    ctx: ServiceContext, actor: Actor, athlete_id: int, day: dt.date
) -> dict[str, Any]:
    """The coach's note and the day's comments (issue 9, part 3: shown on Today and the plan
    page), and whether the visitor is the athlete's coach (who may write them)."""
    from calfcoach.services.audit import is_coach_change
    from calfcoach.services.coaching import notes_for

    return {
        "coach_notes": notes_for(ctx, actor, athlete_id, day),
        "may_note": is_coach_change(actor, athlete_id) and actor.may(athlete_id, "manage"),
    }


render_day = _render_day
"""Today (or guided mode) of ``day``, with ``extra`` context (``routes/runs.py``: what a
watch's strength activity logged)."""


PAGE_ANSWER = "page.today"
"""The kind of stored answer the plain Today page is (``services.training.stored_answer``)."""


@router.get("/today", response_class=HTMLResponse)
def today_page(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete_ref: AthleteRefDep,
    date: str | None = None,
    done: str | None = None,
    welcome: str | None = None,
) -> Response:
    """The session of the day, each exercise with dose, cues and why; a rest day names the
    next session; a stopped day (R-PAIN-2a/2b) shows only its advice."""
    # The athlete is looked up on this route's thread (D-138), when first asked.
    day, problem = _page_day(request, date)
    if problem is not None:
        return _render_day(
            request, templates, ctx, actor, athlete_ref.id, day, "today/today.html",
            errors={"date": problem}, status_code=422,
        )  # fmt: skip
    notice = {
        "skipped": "Session skipped.",
        "moved": "Session moved to this day.",
        "cleared": "Clearance recorded: the plan restarts at the bottom of its ladder.",
    }.get(done or "")
    if notice is None and welcome is None and not _is_htmx(request):
        # The plain page: stored while nothing it shows has changed (services.training.
        # stored_answer; every logged set, check-in or move makes it anew).
        from calfcoach.services.training import stored_answer
        from calfcoach.web.auth import csrf_value
        from calfcoach.web.compressed import stored_response

        # The page holds the session's CSRF token (server mode): it is stored with a
        # placeholder in its place and each request gets its own token back, so a stored
        # page never carries one session's token to another session or another viewer.
        token = csrf_value(request)

        def render() -> str:
            response = _render_day(
                request, templates, ctx, actor, athlete, day, "today/today.html", framed=True
            )
            if response.status_code != 200:
                raise _NotStored(response)  # an error page is shown, never stored
            text = bytes(response.body).decode("utf-8")
            return text.replace(token, CSRF_PLACEHOLDER) if token else text

        variant = f"{real_today().isoformat()}|{actor.kind}"
        # Local mode: the athlete and the stored page by one statement (D-165).
        stored = athlete_ref.first_answer(day, PAGE_ANSWER, variant)
        athlete = athlete_ref.id
        try:
            body = stored or stored_answer(
                ctx,
                actor,
                athlete,
                day,
                PAGE_ANSWER,
                render,
                # The page names the athlete chosen on the roster (base.html): another text.
                variant=variant + ("|viewing" if getattr(request.state, "viewing", None) else ""),
            )
        except _NotStored as refused:
            return refused.response
        except CalfcoachError:
            # A day the services refuse (out of the date range): the page's own 422 answer.
            return _render_day(request, templates, ctx, actor, athlete, day, "today/today.html")
        # Compressed once per process for each text (web/compressed.py), not per request.
        return stored_response(request, body.replace(CSRF_PLACEHOLDER, token), "text/html")
    return _render_day(
        request, templates, ctx, actor, athlete_ref.id, day, "today/today.html", notice=notice,
        welcome=welcome == "1",
    )  # fmt: skip


@router.get("/today/guided", response_class=HTMLResponse)
def guided_page(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete_ref: AthleteRefDep,
    date: str | None = None,
) -> HTMLResponse:
    """Guided mode: one exercise at a time with its timers (``static/js/guided.js``)."""
    athlete = athlete_ref.id  # on this route's thread (D-138)
    day, problem = _page_day(request, date)
    if problem is not None:
        return _render_day(
            request, templates, ctx, actor, athlete, day, "today/guided.html",
            errors={"date": problem}, status_code=422,
        )  # fmt: skip
    return _render_day(request, templates, ctx, actor, athlete, day, "today/guided.html")


# ---------------------------------------------------------------------------- logging a set

DOSE_FIELDS = ("reps", "seconds", "contacts", "distance_m")


@router.post("/today/sets", response_class=HTMLResponse)
async def log_set_post(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete: AthleteIdDep,
) -> Response:
    """Log one set from its form. Valid: the set row shows it as logged (htmx) or Today again.
    Invalid: the form again with the message at the field, status 422, nothing stored.

    The form's ``client_id`` (a UUID made in the browser) names the set and is passed to
    ``log_set``, so a retried or queued post is stored once: a post of a set already stored
    under its client id answers like the first one, with the stored set (D-68)."""
    from calfcoach.services.training import SetInput, log_set

    form = await request.form()
    values = {key: str(value) for key, value in form.items() if isinstance(value, str)}
    units = values.get("units") == "imperial"
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    day = real_today()
    client_id: str | None = None
    try:
        check_once(form, SET_FORM_FIELDS)
        day = parse_form_date("date", values.get("date"), real_today())
        client_id = parse_client_id(values.get("client_id"))
        fields["set_number"] = optional_int("set_number", values.get("set_number"), "1-50")
        fields["reps"] = optional_int("reps", values.get("reps"), "0-500 reps")
        fields["seconds"] = optional_int("seconds", values.get("seconds"), "0-3600 seconds")
        fields["contacts"] = optional_int("contacts", values.get("contacts"), "0-2000 contacts")
        fields["distance_m"] = optional_float("distance_m", values.get("distance_m"), "0-1000 m")
        load = optional_float("load", values.get("load"), "0-500 kg (0-1102 lb)")
        fields["rpe"] = optional_int("rpe", values.get("rpe"), "1-10")
        fields["pain"] = optional_int("pain", values.get("pain"), "0-10")
    except FormProblem as problem:
        errors[problem.field] = problem.message
    exercise = values.get("exercise", "")
    logged = None
    if not errors:
        if fields["set_number"] is None:
            errors["set_number"] = "missing; allowed: 1-50"
        else:
            entry = SetInput(
                exercise=exercise,
                set_number=fields["set_number"],
                reps=fields["reps"],
                seconds=fields["seconds"],
                contacts=fields["contacts"],
                distance_m=fields["distance_m"],
                load_kg=None if units else load,
                load_lb=load if units else None,
                side=values.get("side", "both"),
                rpe=fields["rpe"],
                pain=fields["pain"],
            )
            try:
                logged = log_set(
                    ctx, actor, athlete, day, entry, today=real_today(), client_id=client_id
                )
            except CalfcoachError as error:
                errors = _set_errors(error, values.get("measure", ""))
    if not _is_htmx(request):
        if errors:
            return _render_day(
                request, templates, ctx, actor, athlete, day, "today/today.html",
                errors=errors, status_code=422, values=values,
            )  # fmt: skip
        return RedirectResponse(f"/today?date={day.isoformat()}", status_code=303)
    context = {
        "day": day,
        "values": values,
        "errors": errors,
        "logged": logged,
        "load_unit": "lb" if units else "kg",
    }
    return templates.TemplateResponse(
        request, "today/_set_result.html", context, status_code=422 if errors else 200
    )


SET_FORM_FIELDS = (
    "date", "client_id", "exercise", "set_number", "side", "measure", "units",
    "reps", "seconds", "contacts", "distance_m", "load", "rpe", "pain",
)  # fmt: skip
"""The set form's fields, each sent once."""

SHOWN_FIELDS = frozenset(
    {"form", "load", "rpe", "pain", "set_number", "side", "exercise", "date", "client_id"}
)


def _set_errors(error: CalfcoachError, measure: str) -> dict[str, str]:
    """The service's problems at the set form's fields; one it has no field for (another
    measure than the form's, the dose) at the top of the form, naming its field."""
    return field_errors(error.details, SHOWN_FIELDS | {measure})


# ---------------------------------------------------------------------------- skip and move


def _back(values: dict[str, str]) -> str:
    return "plan" if values.get("back") == "plan" else "today"


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: str(value) for key, value in form.items() if isinstance(value, str)}


def _refused(
    request: Request,
    templates: Jinja2Templates,
    ctx: ServiceContext,
    actor: Actor,
    athlete: int,
    values: dict[str, str],
    day: dt.date,
    errors: dict[str, str],
) -> HTMLResponse:
    if _back(values) == "plan":
        from calfcoach.web.routes.plan import render_plan

        return render_plan(
            request, templates, ctx, actor, athlete, errors=errors, values=values, status_code=422
        )
    return _render_day(
        request, templates, ctx, actor, athlete, day, "today/today.html",
        errors=errors, status_code=422, values=values,
    )  # fmt: skip


def _done(values: dict[str, str], day: dt.date, what: str) -> RedirectResponse:
    """Back to the page the form was on, saying what was done (``?done=skipped|moved``:
    a word the page looks up, never text from the query shown as it is)."""
    if _back(values) == "plan":
        return RedirectResponse(f"/plan?done={what}&day={day.isoformat()}", status_code=303)
    return RedirectResponse(f"/today?date={day.isoformat()}&done={what}", status_code=303)


@router.post("/sessions/skip", response_class=HTMLResponse)
async def skip_post(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete: AthleteIdDep,
) -> Response:
    """Mark a planned session skipped (the progression engine reads it as missed)."""
    from calfcoach.services.training import skip_session

    values = await _form(request)
    try:
        day = parse_form_date("date", values.get("date"))
    except FormProblem as problem:
        return _refused(
            request, templates, ctx, actor, athlete, values, real_today(),
            {"skip_date": problem.message},
        )  # fmt: skip
    try:
        skip_session(ctx, actor, athlete, day, today=real_today())
    except CalfcoachError as error:
        # The skip form has one field, its day: every problem is shown there.
        errors = field_errors(
            error.details, {"skip_date"}, default="skip_date", rename={"date": "skip_date"}
        )
        return _refused(request, templates, ctx, actor, athlete, values, day, errors)
    return _done(values, day, "skipped")


@router.post("/clearance", response_class=HTMLResponse)
async def clearance_post(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete: AthleteIdDep,
) -> Response:
    """Record a clinician's clearance after a red flag (R-PAIN-2a): the plan restarts at the
    bottom of its ladder. Refused (422, at the field) when there is nothing to clear."""
    from calfcoach.services.training import record_clearance

    values = await _form(request)
    today = real_today()
    try:
        day = parse_form_date("date", values.get("date"), today)
    except FormProblem as problem:
        return _refused(
            request, templates, ctx, actor, athlete, values, today,
            {"clearance_date": problem.message},
        )  # fmt: skip
    note = (values.get("note") or "").strip() or None
    try:
        record_clearance(ctx, actor, athlete, day, today=today, note=note)
    except CalfcoachError as error:
        errors = field_errors(
            error.details,
            {"clearance_date", "clearance_note"},
            default="clearance_date",
            rename={"date": "clearance_date", "note": "clearance_note"},
        )
        return _refused(request, templates, ctx, actor, athlete, values, today, errors)
    return _done(values, day, "cleared")


MOVE_FIELDS = frozenset({"from_date", "to_date"})


@router.post("/sessions/move", response_class=HTMLResponse)
async def move_post(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete: AthleteIdDep,
) -> Response:
    """Move a session to another day if the scheduling rules still hold; refused with the
    rule's message otherwise (R-SCHED-*, D-29)."""
    from calfcoach.services.training import move_session

    values = await _form(request)
    source = real_today()
    try:
        source = parse_form_date("from_date", values.get("from_date"))
        target = parse_form_date("to_date", values.get("to_date"))
    except FormProblem as problem:
        return _refused(
            request, templates, ctx, actor, athlete, values, source,
            {problem.field: problem.message},
        )  # fmt: skip
    try:
        moved = move_session(ctx, actor, athlete, source, target, today=real_today())
    except CalfcoachError as error:
        # A problem of the move itself (a rule that refuses the new day) is the new day's.
        errors = field_errors(
            error.details, MOVE_FIELDS, default="to_date", rename={"date": "from_date"}
        )
        return _refused(request, templates, ctx, actor, athlete, values, source, errors)
    return _done(values, moved.date, "moved")
