"""Logging offline, then online again, in a browser (issue 8, Tests: "logging offline and
then online again, with each set stored once"): the service worker keeps the page, sets.js
queues the sets with their client ids, and the server stores each client id once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect
from tests.browser.coaching import exercises_on, session_days, stored_sets
from tests.browser.conftest import LiveServer
from tests.web_history import add_runner

QUEUE = "() => calfcoachSets.queue()"


def test_sets_logged_offline_are_queued_kept_over_a_reload_and_stored_once_when_online(
    page_for: Callable[[str], Page], live_server: LiveServer
) -> None:
    today = dt.date.today()
    athlete = add_runner(live_server.database, today, weeks_ago=1)
    day = max(d for d in session_days(live_server.database, athlete, today) if d <= today)
    exercises = exercises_on(live_server.database, athlete, day)
    assert exercises
    first = exercises[0]
    sides = ["left", "right"] if first.prescription.per_side else ["both"]
    slots = [(1, side) for side in sides] if len(sides) == 2 else [(1, "both"), (2, "both")]
    address = live_server.url(f"/today?date={day.isoformat()}")

    page = page_for("light")
    context = page.context
    page.goto(address)
    # The service worker takes the page over (clients.claim) once it is active; a visit
    # after that keeps this day's page in its cache (network first).
    # A function, not an expression string: Playwright evaluates strings with eval, which the
    # app's CSP (no 'unsafe-eval', D-91) refuses.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    assert page.reload().from_service_worker  # type: ignore[union-attr]

    context.set_offline(True)
    for number, side in slots:
        form = page.locator(
            f'#ex-{first.id} [data-set-form][data-set-number="{number}"][data-side="{side}"]'
        )
        form.get_by_role("button", name=f"Log set {number}").click()
        expect(form).to_have_count(0)
    queued: list[dict[str, Any]] = page.evaluate(QUEUE)
    assert len(queued) == 2
    client_ids = [item["client_id"] for item in queued]
    assert len(set(client_ids)) == 2 and all(len(c) == 36 for c in client_ids)
    status = page.locator("#offline-status")
    expect(status).to_have_text(
        "2 sets are saved on this phone and will be sent when the network returns."
    )
    expect(page.locator("[data-queued]")).to_have_count(2)
    assert stored_sets(live_server.database, athlete, day) == []

    # Offline, the page comes from the worker's cache: its own fetch of the page failed.
    failed: list[str] = []
    context.on(
        "requestfailed",
        lambda request: failed.append(request.url) if request.service_worker else None,
    )
    reloaded = page.reload()
    assert reloaded is not None and reloaded.from_service_worker
    assert address in failed
    expect(page.get_by_role("heading", level=1)).to_have_text(day.strftime("%A %d %B %Y"))
    expect(status).to_have_text(
        "2 sets are saved on this phone and will be sent when the network returns."
    )
    assert [item["client_id"] for item in page.evaluate(QUEUE)] == client_ids
    expect(page.locator("[data-queued]")).to_have_count(2)

    context.set_offline(False)
    expect(status).to_have_text("2 queued sets are stored.")
    assert page.evaluate(QUEUE) == []
    expected = sorted((first.id, number, side) for number, side in slots)
    assert stored_sets(live_server.database, athlete, day) == expected
    expect(page.locator(f"#ex-{first.id} [data-set-logged]:not([data-queued])")).to_have_count(2)

    # A retried send (its answer lost, say) of a queued set stores nothing new.
    body = queued[0]["body"]
    for _ in range(2):
        again = page.request.post(
            live_server.url("/today/sets"),
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"},
        )
        assert again.status == 200
        assert "logged" in again.text()
    assert stored_sets(live_server.database, athlete, day) == expected
