"""The progress page's charts (issue 8, part 2, "Progress"): the progress report put into
chart series, each with the table that is its text alternative.

The figures come from ``services.progress.progress_report`` and the pure ``core.load`` and
``core.capacity``; the one figure the report does not have, adherence per week, is counted
here with ``core.load.adherence`` over each week's planned, done and skipped days. A chart
is plain data (labels, series, a table): the web page hands it to the vendored chart library
as JSON and prints its table under it; an API can return it as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from calfcoach.core import rules
from calfcoach.core.load import LoadTrend, PainWeek, WeekVolume, adherence, week_of
from calfcoach.services.access import Actor

if TYPE_CHECKING:
    from calfcoach.services.context import ServiceContext
    from calfcoach.services.progress import TestLine
    from calfcoach.storage.records import SessionLog, StoredPlan

__all__ = [
    "Chart",
    "ProgressCharts",
    "Series",
    "WeekAdherence",
    "adherence_pain_chart",
    "capacity_chart",
    "contacts_chart",
    "loads_chart",
    "progress_charts",
    "volume_chart",
    "weekly_adherence",
]

ChartKind = Literal["bar", "line"]
Cell = str | int | float | None


@dataclass(frozen=True, slots=True)
class Series:
    """One line or set of bars; ``values`` line up with the chart's ``labels`` (None: no
    value that week). ``role``: how it is drawn ("band-low"/"band-high": the norm band's
    edges, filled between; ``kind`` overrides the chart's kind for a mixed chart; ``axis``
    "y2" is the right-hand axis)."""

    name: str
    values: tuple[float | None, ...]
    role: str = "data"
    kind: ChartKind | None = None
    axis: str = "y"
    stack: str | None = None


@dataclass(frozen=True, slots=True)
class Chart:
    id: str
    title: str
    kind: ChartKind
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    y_title: str
    y2_title: str | None = None
    stacked: bool = False
    y_max: float | None = None
    y2_max: float | None = None
    summary: str = ""
    """One sentence for screen readers: what the chart shows, with its latest figures."""
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Cell, ...], ...] = ()
    """The text alternative: the same figures as a table."""
    empty: str = ""
    """Said instead of the chart when there is nothing to draw yet."""

    @property
    def has_data(self) -> bool:
        return bool(self.rows)


@dataclass(frozen=True, slots=True)
class WeekAdherence:
    week: dt.date
    planned: int
    done: int
    skipped: int
    missed: int

    @property
    def percent(self) -> float | None:
        return round(self.done / self.planned * 100, 1) if self.planned else None


@dataclass(frozen=True, slots=True)
class ProgressCharts:
    as_of: dt.date
    logged_anything: bool
    """False before the first logged set, check-in or test: the page's empty state."""
    total_sets: int
    adherence_rate: float | None
    charts: tuple[Chart, ...] = field(default=())

    def chart_data(self) -> dict[str, Any]:
        """What the page's script draws: each chart with data, by id, as JSON values."""
        return {
            c.id: {
                "kind": c.kind,
                "title": c.title,
                "labels": list(c.labels),
                "series": [asdict(s) for s in c.series],
                "y_title": c.y_title,
                "y2_title": c.y2_title,
                "stacked": c.stacked,
                "y_max": c.y_max,
                "y2_max": c.y2_max,
            }
            for c in self.charts
            if c.has_data
        }


# ------------------------------------------------------------------------- the service


def progress_charts(
    ctx: ServiceContext, actor: Actor, athlete_id: int, as_of: dt.date
) -> ProgressCharts:
    """Every chart of the progress page, for what was logged up to ``as_of``, read in one
    unit of work (``actor`` must be allowed to view the athlete)."""
    from calfcoach.services.inputs import check_date
    from calfcoach.services.progress import progress_report_in

    check_date("date", as_of)
    catalog = ctx.catalog()
    with ctx.unit_of_work(read_only=True) as uow:
        report = progress_report_in(uow, catalog, actor, athlete_id, as_of)
        stored = uow.plans.active(athlete_id)
        logs = uow.logs.session_logs(athlete_id)
    weeks = _weekly_adherence_of(stored, logs, as_of)
    names = {ex.id: ex.name for ex in catalog}
    logged = bool(report.total_sets or report.tests or report.pain_trend)
    charts = (
        volume_chart(report.weekly_volume),
        contacts_chart(report.weekly_volume),
        loads_chart(report.load_trends, names),
        capacity_chart(report.tests),
        adherence_pain_chart(weeks, report.pain_trend),
    )
    return ProgressCharts(
        as_of=as_of,
        logged_anything=logged,
        total_sets=report.total_sets,
        adherence_rate=report.adherence.rate,
        charts=charts,
    )


def _weekly_adherence_of(
    stored: StoredPlan | None, logs: Sequence[SessionLog], as_of: dt.date
) -> tuple[WeekAdherence, ...]:
    """Planned, done and skipped session days per week (the plan with its moves applied,
    as the progress report counts them)."""
    from calfcoach.services.training import effective_plan, session_moves

    planned: list[dt.date] = []
    if stored is not None:
        plan, _ = effective_plan(stored.plan, session_moves(logs))
        planned = [s.date for s in plan.sessions]
    done = [log.date for log in logs if log.status == "done"]
    skipped = [log.date for log in logs if log.status == "skipped"]
    return weekly_adherence(planned, done, skipped, as_of)


def weekly_adherence(
    planned: Iterable[dt.date],
    done: Iterable[dt.date],
    skipped: Iterable[dt.date],
    as_of: dt.date,
) -> tuple[WeekAdherence, ...]:
    """``core.load.adherence`` week by week, for the weeks with a planned session up to
    ``as_of`` (a session on ``as_of`` not yet done is still to come, not missed)."""
    by_week: dict[dt.date, tuple[list[dt.date], list[dt.date], list[dt.date]]] = {}
    for index, dates in enumerate((planned, done, skipped)):
        for date in dates:
            if date <= as_of:
                by_week.setdefault(week_of(date), ([], [], []))[index].append(date)
    weeks = []
    for week in sorted(by_week):
        p, d, s = by_week[week]
        counted = adherence(p, d, s, as_of)
        if counted.planned:
            weeks.append(
                WeekAdherence(week, counted.planned, counted.done, counted.skipped, counted.missed)
            )
    return tuple(weeks)


# ------------------------------------------------------------------------- the charts


def _iso(day: dt.date) -> str:
    return day.isoformat()


def volume_chart(volume: Sequence[WeekVolume]) -> Chart:
    """Sets per week, stacked by region and scheme."""
    weeks = sorted({v.week for v in volume})
    groups = sorted({(v.region, v.scheme) for v in volume})
    sets = {(v.week, v.region, v.scheme): v.sets for v in volume}
    series = tuple(
        Series(
            f"{region} · {scheme}",
            tuple(
                float(sets[(w, region, scheme)]) if (w, region, scheme) in sets else None
                for w in weeks
            ),
            stack="sets",
        )
        for region, scheme in groups
    )
    rows = tuple(
        (_iso(v.week), v.region, v.scheme, v.sets, v.reps, v.time_under_load_s, v.contacts)
        for v in sorted(volume, key=lambda v: (v.week, v.region, v.scheme))
    )
    last = weeks[-1] if weeks else None
    summary = ""
    if last is not None:
        total = sum(v.sets for v in volume if v.week == last)
        summary = f"Sets per week by region and scheme; week of {_iso(last)}: {total} sets."
    return Chart(
        id="volume",
        title="Weekly volume by region and scheme",
        kind="bar",
        labels=tuple(_iso(w) for w in weeks),
        series=series,
        y_title="sets",
        stacked=True,
        summary=summary,
        columns=("week", "region", "scheme", "sets", "reps", "time under load (s)", "contacts"),
        rows=rows,
        empty="No sets logged yet.",
    )


def contacts_chart(volume: Sequence[WeekVolume]) -> Chart:
    """Ground contacts (jumps, hops, rope) per week: the plyometric load."""
    per_week: dict[dt.date, int] = {}
    for v in volume:
        if v.contacts:
            per_week[v.week] = per_week.get(v.week, 0) + v.contacts
    weeks = sorted(per_week)
    summary = ""
    if weeks:
        summary = f"Contacts per week; week of {_iso(weeks[-1])}: {per_week[weeks[-1]]}."
    return Chart(
        id="contacts",
        title="Contacts per week",
        kind="bar",
        labels=tuple(_iso(w) for w in weeks),
        series=(Series("contacts", tuple(float(per_week[w]) for w in weeks)),),
        y_title="contacts",
        summary=summary,
        columns=("week", "contacts"),
        rows=tuple((_iso(w), per_week[w]) for w in weeks),
        empty="No jumps, hops or rope contacts logged yet.",
    )


def loads_chart(trends: Sequence[LoadTrend], names: Mapping[str, str]) -> Chart:
    """The heaviest added load per week of each loaded exercise (the main lifts)."""
    weeks = sorted({p.week for t in trends for p in t.points})
    series = []
    rows: list[tuple[Cell, ...]] = []
    for trend in trends:
        name = names.get(trend.exercise, trend.exercise)
        by_week = {p.week: p.max_load_kg for p in trend.points}
        series.append(Series(name, tuple(by_week.get(w) for w in weeks)))
        rows.extend((name, _iso(p.week), p.max_load_kg) for p in trend.points)
    summary = "; ".join(
        f"{names.get(t.exercise, t.exercise)} {t.first_kg:g} to {t.last_kg:g} kg" for t in trends
    )
    return Chart(
        id="loads",
        title="Main lifts: heaviest added load per week",
        kind="line",
        labels=tuple(_iso(w) for w in weeks),
        series=tuple(series),
        y_title="kg added",
        summary=f"Added load per week: {summary}." if summary else "",
        columns=("exercise", "week", "heaviest added load (kg)"),
        rows=tuple(rows),
        empty="No loaded sets logged yet (body-weight work has no load to chart).",
    )


def norm_band(norm: int | None) -> tuple[int, int] | None:
    """The norm band of a heel-raise test: the norm (R-TEST-1) give or take the test's noise
    (R-TEST-2, 6 reps); None without a norm (bent knee, or sex unknown)."""
    if norm is None:
        return None
    return max(0, norm - rules.TEST_NOISE_REPS), norm + rules.TEST_NOISE_REPS


def capacity_chart(tests: Sequence[TestLine]) -> Chart:
    """Heel-raise tests to fatigue, left and right, against the norm band (R-TEST-1..3)."""
    labels = tuple(f"{_iso(t.test.date)} {t.test.knee}" for t in tests)
    bands = [norm_band(t.evaluation.norm) for t in tests]
    series: list[Series] = []
    if any(b is not None for b in bands):
        series.append(
            Series("norm band low", tuple(b[0] if b else None for b in bands), "band-low")
        )
        series.append(
            Series(
                f"norm band (norm ± {rules.TEST_NOISE_REPS} reps)",
                tuple(b[1] if b else None for b in bands),
                "band-high",
            )
        )
    series.append(Series("left", tuple(float(t.test.left) for t in tests)))
    series.append(Series("right", tuple(float(t.test.right) for t in tests)))
    rows = tuple(
        (
            _iso(t.test.date),
            t.test.knee,
            t.test.left,
            t.test.right,
            t.evaluation.norm,
            f"{band[0]}-{band[1]}" if band else None,
            t.evaluation.symmetry_index,
        )
        for t, band in zip(tests, bands, strict=True)
    )
    summary = ""
    if tests:
        last = tests[-1]
        summary = (
            f"Heel-raise tests; latest {_iso(last.test.date)}: left {last.test.left}, "
            f"right {last.test.right} reps"
            + (f", norm {last.evaluation.norm}" if last.evaluation.norm else "")
            + "."
        )
    return Chart(
        id="capacity",
        title="Capacity tests: left and right against the norm band",
        kind="line",
        labels=labels,
        series=tuple(series),
        y_title="reps to fatigue",
        summary=summary,
        columns=("date", "knee", "left", "right", "norm", "norm band", "symmetry (%)"),
        rows=rows,
        empty="No heel-raise test recorded yet.",
    )


def adherence_pain_chart(weeks: Sequence[WeekAdherence], pain: Sequence[PainWeek]) -> Chart:
    """Sessions done of those planned per week (bars, %), with pain during sets and next
    morning (lines, 0-10, right axis)."""
    by_week = {w.week: w for w in weeks}
    pain_by_week = {p.week: p for p in pain}
    labels = sorted(set(by_week) | set(pain_by_week))
    series = (
        Series(
            "sessions done (%)",
            tuple(by_week[w].percent if w in by_week else None for w in labels),
            kind="bar",
        ),
        Series(
            "pain during sets (mean)",
            tuple(p.set_pain_mean if (p := pain_by_week.get(w)) else None for w in labels),
            kind="line",
            axis="y2",
        ),
        Series(
            "morning pain (mean)",
            tuple(p.morning_pain_mean if (p := pain_by_week.get(w)) else None for w in labels),
            kind="line",
            axis="y2",
        ),
    )
    rows = []
    for w in labels:
        a, p = by_week.get(w), pain_by_week.get(w)
        rows.append(
            (
                _iso(w),
                a.planned if a else None,
                a.done if a else None,
                a.skipped if a else None,
                a.missed if a else None,
                p.set_pain_mean if p else None,
                p.set_pain_max if p else None,
                p.morning_pain_mean if p else None,
                p.morning_stiffness_mean if p else None,
            )
        )
    summary = ""
    if weeks:
        done = sum(w.done for w in weeks)
        planned = sum(w.planned for w in weeks)
        summary = f"Sessions done per week; {done} of {planned} planned so far."
    return Chart(
        id="adherence",
        title="Adherence and pain",
        kind="bar",
        labels=tuple(_iso(w) for w in labels),
        series=series,
        y_title="sessions done (%)",
        y2_title="pain 0-10",
        y_max=100,
        y2_max=10,
        summary=summary,
        columns=(
            "week",
            "planned",
            "done",
            "skipped",
            "missed",
            "pain during sets (mean)",
            "pain during sets (max)",
            "morning pain (mean)",
            "morning stiffness (mean)",
        ),
        rows=tuple(rows),
        empty="No planned session has come round yet, and no pain was logged.",
    )
