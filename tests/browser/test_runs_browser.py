"""The runs pages in a browser (issue 10, the web app's side): activity files uploaded with
the progress display (bytes sent) and each file's outcome shown in place, the same upload
without JavaScript, the training calendar with its events, and the watch card on Today;
axe-core light and dark, screenshots."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Browser, Page, expect
from tests.activity_files import RunSpec, fit_run
from tests.browser.conftest import VIEWPORT, LiveServer, check_axe, screenshot
from tests.integration.test_web_runs import ics
from tests.web_history import LOCAL, add_runner

from calfcoach.bootstrap import context_for
from calfcoach.services import runs

TODAY = dt.date.today()

# What the progress display showed, recorded as it changed (the upload on loopback is
# over in a few milliseconds: the test reads the record, not the screen at one moment).
RECORD_PROGRESS = """() => {
  window.seenProgress = [];
  const form = document.querySelector("form[data-upload]");
  const box = form.querySelector("[data-upload-progress]");
  const bar = form.querySelector("progress");
  const bytes = form.querySelector("[data-upload-bytes]");
  new MutationObserver(() => {
    window.seenProgress.push({hidden: box.hidden, value: bar.value, text: bytes.textContent});
  }).observe(form, {subtree: true, childList: true, characterData: true, attributes: true});
}"""


def run_days_ago(days: int, minutes: float = 45) -> bytes:
    day = TODAY - dt.timedelta(days=days)
    start = dt.datetime(day.year, day.month, day.day, 6, 30, tzinfo=dt.UTC)
    return fit_run(RunSpec(start, minutes=minutes, seed=days))


def files(*named: tuple[str, bytes]) -> list[Any]:
    return [
        {"name": name, "mimeType": "application/octet-stream", "buffer": data}
        for name, data in named
    ]


def test_activity_files_upload_with_progress_and_each_files_outcome_in_place(
    page: Page, live_server: LiveServer
) -> None:
    athlete = add_runner(live_server.database, TODAY)
    page.goto(live_server.url("/runs"))
    expect(page.get_by_text("No runs yet.")).to_be_visible()
    check_axe(page)
    page.evaluate(RECORD_PROGRESS)

    page.get_by_label("Activity files").set_input_files(
        files(
            ("monday.fit", run_days_ago(8)),
            ("wednesday.fit", run_days_ago(6, minutes=70)),
            ("broken.fit", run_days_ago(4)[:400]),
        )
    )
    page.get_by_role("button", name="Upload").click()

    heading = page.get_by_role("heading", name="Upload: 2 runs imported")
    expect(heading).to_be_focused()
    seen: list[dict[str, Any]] = page.evaluate("window.seenProgress")
    shown = [s for s in seen if not s["hidden"]]
    assert shown, seen
    assert any(" sent" in (s["text"] or "") for s in shown), shown  # bytes sent, e.g. 1.2 KB
    assert shown[-1]["value"] == 100 and shown[-1]["text"] == "Sent. Reading the files..."
    outcomes = page.locator(".file-outcomes li")
    expect(outcomes).to_have_count(3)
    expect(outcomes.nth(0)).to_contain_text("monday.fit")
    expect(outcomes.nth(0)).to_contain_text("imported")
    expect(outcomes.nth(2)).to_contain_text("broken.fit")
    expect(outcomes.nth(2)).to_contain_text("error")
    expect(page.locator(".run-list > li")).to_have_count(2)
    assert page.url == live_server.url("/runs")  # shown in place: no navigation
    stored = runs.list_runs(context_for(live_server.database), LOCAL, athlete)
    assert stored.total == 2
    check_axe(page)
    screenshot(page, "runs")

    page.get_by_label("Kind of run").first.select_option("long")
    page.get_by_role("button", name="Save the kind of the run").first.click()
    expect(page.get_by_role("status")).to_contain_text("The run's kind was changed")
    expect(page.locator(".run-list > li").first).to_contain_text("(edited)")


def test_the_upload_works_as_a_plain_form_without_javascript(
    browser: Browser, live_server: LiveServer
) -> None:
    add_runner(live_server.database, TODAY)
    context = browser.new_context(viewport=VIEWPORT, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url("/runs"))
        page.get_by_label("Activity files").set_input_files(
            files(("one.fit", run_days_ago(3)), ("notes.txt", b"hello"))
        )
        page.get_by_role("button", name="Upload").click()
        expect(page.get_by_role("heading", name="Upload: 1 run imported")).to_be_visible()
        assert page.url == live_server.url("/runs/upload")
        expect(page.locator(".file-outcomes li").nth(1)).to_contain_text("error")
    finally:
        context.close()


def test_the_calendar_page_imports_a_plan_and_passes_axe(
    page: Page, live_server: LiveServer
) -> None:
    add_runner(live_server.database, TODAY)
    page.goto(live_server.url("/runs/calendar"))
    expect(page.get_by_text("No planned runs or races from today on.")).to_be_visible()
    check_axe(page)
    soon = [TODAY + dt.timedelta(days=n) for n in (2, 5, 30)]
    plan = ics((soon[0], "Long run 22 km"), (soon[1], "Tempo 4x8 min"), (soon[2], "Spring 10K"))

    page.get_by_label("Calendar file (.ics)").set_input_files(
        files=[{"name": "plan.ics", "mimeType": "text/calendar", "buffer": plan}]
    )
    page.get_by_role("button", name="Import the calendar").click()

    expect(page.get_by_role("heading", name="Imported 2 planned runs and 1 race")).to_be_focused()
    expect(page.locator(".event-list > li")).to_have_count(3)
    check_axe(page)
    screenshot(page, "runs-calendar")


def test_a_bad_calendar_address_is_shown_at_the_field(
    page_for: Callable[[str], Page], live_server: LiveServer
) -> None:
    add_runner(live_server.database, TODAY)
    page = page_for("dark")
    page.goto(live_server.url("/runs/calendar"))
    page.get_by_label("or its address").fill("https://127.0.0.1:1/plan.ics")
    page.get_by_role("button", name="Import the calendar").click()
    error = page.locator("#calendar-error")
    expect(error).to_contain_text("could not fetch the calendar")
    assert page.get_by_label("or its address").get_attribute("aria-invalid") == "true"
    check_axe(page)


def test_today_has_the_watch_card_and_passes_axe(page: Page, live_server: LiveServer) -> None:
    from tests.browser.coaching import session_days

    athlete = add_runner(live_server.database, TODAY, weeks_ago=1)
    day = min(d for d in session_days(live_server.database, athlete, TODAY) if d >= TODAY)
    page.goto(live_server.url(f"/today?date={day.isoformat()}"))
    link = page.get_by_role("link", name="Download for your watch (.fit)")
    expect(link).to_be_visible()
    with page.expect_download() as download_info:
        link.click()
    assert download_info.value.suggested_filename == f"calfcoach-{day.isoformat()}.fit"
    expect(page.get_by_label("Strength activity from your watch (.fit)")).to_be_visible()
    check_axe(page)
    page.locator("#watch-heading").scroll_into_view_if_needed()
    screenshot(page, "today-watch")


def test_files_over_the_servers_limit_are_refused_before_anything_is_sent(
    page_for: Callable[[str], Page], live_server: LiveServer
) -> None:
    add_runner(live_server.database, TODAY)
    page = page_for("light")
    page.goto(live_server.url("/runs"))
    form = page.locator("form[data-upload]")
    assert int(form.get_attribute("data-max-bytes") or 0) == 256 * 1024 * 1024
    form.evaluate("f => f.setAttribute('data-max-bytes', '1000')")  # a limit a run passes
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)

    page.get_by_label("Activity files").set_input_files(files(("big.fit", run_days_ago(2))))
    page.get_by_role("button", name="Upload").click()

    status = page.get_by_role("status")
    expect(status).to_contain_text("at most 1000 B can be sent at once. Nothing was sent")
    expect(page.get_by_role("button", name="Upload")).to_be_enabled()
    assert posts == []


def test_the_runs_pages_fit_a_360_px_phone(
    page_for: Callable[[str], Page], live_server: LiveServer
) -> None:
    athlete = add_runner(live_server.database, TODAY)
    ctx = context_for(live_server.database)
    runs.import_bytes(ctx, LOCAL, athlete, [(f"r{d}.fit", run_days_ago(d)) for d in (2, 9, 16)])
    plan = ics((TODAY + dt.timedelta(days=3), "Long run with a rather long title, 32 km"))
    runs.import_calendar(ctx, LOCAL, athlete, "plan.ics", today=TODAY, data=plan)
    page = page_for("light")
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/runs", "/runs/calendar"):
        page.goto(live_server.url(path))
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 360, (path, width)


def test_a_watch_strength_file_is_logged_from_today_and_the_page_keeps_working(
    page_for: Callable[[str], Page], live_server: LiveServer
) -> None:
    from tests.browser.coaching import session_days
    from tests.unit.test_fit_workout import strength_activity

    athlete = add_runner(live_server.database, TODAY, weeks_ago=1)
    day = max(d for d in session_days(live_server.database, athlete, TODAY) if d < TODAY)
    data = strength_activity([], jump_count=90, start=dt.datetime.combine(day, dt.time(6), dt.UTC))
    page = page_for("light")
    page.goto(live_server.url(f"/today?date={day.isoformat()}"))

    page.get_by_label("Strength activity from your watch (.fit)").set_input_files(
        files=[{"name": "watch.fit", "mimeType": "application/octet-stream", "buffer": data}]
    )
    page.get_by_role("button", name="Log the workout").click()

    heading = page.get_by_role("heading", name=f"Logged 1 set of {day:%a %d %b}")
    expect(heading).to_be_focused()
    expect(page.get_by_text("Jump count: 90.")).to_be_visible()
    check_axe(page)
    # The new content is live: a set form posts through htmx with its client id, in place.
    form = page.locator("[data-set-form]").first
    assert form.locator("input[name=client_id]").input_value()
    form.get_by_role("button", name="Log set").first.click()
    expect(page.locator(".set-logged").first).to_be_visible()
    expect(heading).to_be_visible()  # no page load: the summary is still there
