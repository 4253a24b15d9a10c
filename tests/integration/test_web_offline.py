"""Installable and usable offline (issue 8, part 2): the manifest, the service worker at the
root path, the drawn icons, and the client-side pieces (guided mode's controllable clock, the
offline queue) run under Node when it is installed."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from calfcoach import __version__
from calfcoach.code_id import code_id
from calfcoach.settings import Settings, sqlite_url
from calfcoach.web.app import STATIC_DIR, create_app


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(home=tmp_path, database_url=sqlite_url(tmp_path / "db.sqlite3")))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_the_manifest_makes_the_app_installable_with_drawn_icons(client: TestClient) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["start_url"] == "/today"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512", "any"} <= sizes
    for icon in manifest["icons"]:
        fetched = client.get(icon["src"])
        assert fetched.status_code == 200, icon["src"]
        assert fetched.headers["content-type"].startswith(icon["type"])


def test_the_service_worker_is_served_from_the_root_named_after_the_code_that_runs(
    client: TestClient,
) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["service-worker-allowed"] == "/"
    assert response.headers["cache-control"] == "no-cache"
    assert f'var VERSION = "{code_id()}"' in response.text
    assert code_id().startswith(f"{__version__}+")
    assert '"/today"' in response.text and "/static/vendor/htmx-2.0.11.min.js" in response.text
    assert 'request.method !== "GET"' in response.text  # posts are never cached


def test_every_file_the_worker_keeps_for_offline_use_exists(client: TestClient) -> None:
    source = (STATIC_DIR / "js" / "sw.js").read_text()
    shell = source.split("var SHELL = [", 1)[1].split("];", 1)[0]
    for url in json.loads("[" + shell + "]"):
        if url.startswith("/static/") or url == "/manifest.webmanifest":
            assert client.get(url).status_code == 200, url


NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")


def run_node(script: str) -> str:
    assert NODE is not None
    done = subprocess.run(
        [NODE, "-e", script], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


STUB_DOM = """
const listeners = {};
global.window = global;
global.performance = { now: () => 0 };
global.navigator = { onLine: true };
global.document = {
  readyState: "complete", visibilityState: "visible",
  addEventListener: (name, fn) => { (listeners[name] = listeners[name] || []).push(fn); },
  querySelector: () => null, querySelectorAll: () => [],
};
global.window.addEventListener = document.addEventListener;
"""


@needs_node
def test_guided_mode_runs_on_a_clock_the_tests_control() -> None:
    guided = (STATIC_DIR / "js" / "guided.js").read_text()
    out = run_node(
        STUB_DOM
        + 'window.calfcoachClock = "manual";\n'
        + guided
        + """
const clock = window.calfcoachClock;
const fired = [];
clock.setTimeout(() => fired.push("b@" + clock.now()), 3000);
clock.setTimeout(() => { fired.push("a@" + clock.now());
                         clock.setTimeout(() => fired.push("c@" + clock.now()), 500); }, 1000);
clock.advance(2000);
fired.push("now " + clock.now());
clock.advance(5000);
const g = window.calfcoachGuided;
console.log(JSON.stringify({fired, phases: g.phases("up:3,hold:2,down:3"),
                            fmt: [g.fmt(45), g.fmt(125), g.fmt(0.2)]}));
"""
    )
    result = json.loads(out)
    assert result["fired"] == ["a@1000", "c@1500", "now 2000", "b@3000"]
    assert result["phases"] == [
        {"name": "up", "seconds": 3},
        {"name": "hold", "seconds": 2},
        {"name": "down", "seconds": 3},
    ]
    assert result["fmt"] == ["0:45", "2:05", "0:01"]


@needs_node
def test_a_queued_set_is_sent_once_when_the_network_returns_and_kept_while_offline() -> None:
    sets = (STATIC_DIR / "js" / "sets.js").read_text()
    out = run_node(
        STUB_DOM
        + """
const store = {};
global.localStorage = { getItem: k => store[k] || null, setItem: (k, v) => { store[k] = v; } };
global.CustomEvent = class {
  constructor(name, init) { this.type = name; this.detail = init && init.detail; }
};
document.dispatchEvent = () => true;
global.DOMParser = class { parseFromString() { return { querySelectorAll: () => [] }; } };
const posts = [];
let online = false;
global.fetch = (url, init) => online
  ? (posts.push(init.body),
     Promise.resolve({ ok: true, status: 200, text: () => Promise.resolve("") }))
  : Promise.reject(new TypeError("network"));
"""
        + sets
        + """
store["calfcoach.queue.v1"] = JSON.stringify([
  { client_id: "a", body: "client_id=a&reps=12" },
  { client_id: "b", body: "client_id=b&reps=10" }]);
(async () => {
  await window.calfcoachSets.flush();  // offline: navigator.onLine says yes, fetch fails
  const kept = window.calfcoachSets.queue().length;
  online = true;
  await window.calfcoachSets.flush();
  await window.calfcoachSets.flush();            // nothing left: nothing sent twice
  console.log(JSON.stringify({ kept, posts, left: window.calfcoachSets.queue().length,
                               uuid: /^[0-9a-f-]{36}$/.test(window.calfcoachSets.uuid()) }));
})();
"""
    )
    result = json.loads(out)
    assert result == {
        "kept": 2,
        "posts": ["client_id=a&reps=12", "client_id=b&reps=10"],
        "left": 0,
        "uuid": True,
    }


@needs_node
def test_a_queued_set_the_server_already_stored_is_shown_as_stored_not_refused(
    tmp_path: Path,
) -> None:
    import uuid

    from tests.integration.web_pages import add_runner, last_session_by_today

    # The server's real answer to a resent set: its post reached the server before, but the
    # phone never saw the answer (the network dropped), so the set is still in the queue.
    app = create_app(Settings(home=tmp_path, database_url=sqlite_url(tmp_path / "db.sqlite3")))
    with TestClient(app, raise_server_exceptions=False) as client:
        session = last_session_by_today(add_runner(app))
        p = session.exercises[0]
        measure = "reps" if p.reps is not None else "seconds" if p.seconds else "contacts"
        form = {
            "date": session.date.isoformat(),
            "exercise": p.exercise,
            "set_number": "1",
            "side": "left" if p.per_side else "both",
            "measure": measure,
            measure: str(getattr(p, measure) or 10),
            "rpe": "6",
            "client_id": str(uuid.uuid4()),
        }
        headers = {"HX-Request": "true"}
        assert client.post("/today/sets", data=form, headers=headers).status_code == 200
        resent = client.post("/today/sets", data=form, headers=headers)
    assert resent.status_code == 200
    sets = (STATIC_DIR / "js" / "sets.js").read_text()
    out = run_node(
        STUB_DOM
        + """
const store = {};
global.localStorage = { getItem: k => store[k] || null, setItem: (k, v) => { store[k] = v; } };
global.CustomEvent = class {
  constructor(name, init) { this.type = name; this.detail = init && init.detail; }
};
let flushed = null;
document.dispatchEvent = (ev) => {
  if (ev.type === "calfcoach:queue-flushed") flushed = ev.detail;
};
const statusLine = { hidden: true, textContent: "" };
let replacedBy = null;
const queuedLine = { replaceWith: (row) => { replacedBy = row; } };
document.querySelector = (sel) =>
  sel === "[data-offline-status]" ? statusLine
  : sel === '[data-queued="ID"]' ? queuedLine : null;
global.DOMParser = class { parseFromString(html) { return {
  querySelectorAll: () => [],
  querySelector: (sel) => sel === "[data-set-logged]" && html.includes("data-set-logged")
    ? { html: html.trim() } : null,
}; } };
const answer = ANSWER;
global.fetch = () =>
  Promise.resolve({ ok: true, status: 200, text: () => Promise.resolve(answer) });
""".replace("ANSWER", json.dumps(resent.text)).replace("ID", form["client_id"])
        + sets
        + """
store["calfcoach.queue.v1"] = JSON.stringify([{ client_id: "ID", body: "client_id=ID" }]);
(async () => {
  await window.calfcoachSets.flush();
  console.log(JSON.stringify({ flushed, status: statusLine.textContent,
                               row: replacedBy && replacedBy.html,
                               left: window.calfcoachSets.queue().length }));
})();
""".replace("ID", form["client_id"])
    )
    result = json.loads(out)
    assert result["flushed"] == {"refused": [], "stored": [form["client_id"]]}
    assert result["status"] == "1 queued set is stored."
    assert result["left"] == 0
    assert "data-set-logged" in result["row"] and "logged:" in result["row"]


@needs_node
def test_a_queued_set_resent_with_other_values_is_refused_and_the_queue_goes_on(
    tmp_path: Path,
) -> None:
    """The server's real answers: a queued set whose client id was stored before with other
    values is a conflict shown at the form (422); the queue reports it refused, drops it and
    sends the next set, which is stored."""
    import uuid

    from tests.integration.web_pages import add_runner, last_session_by_today

    app = create_app(Settings(home=tmp_path, database_url=sqlite_url(tmp_path / "db.sqlite3")))
    with TestClient(app, raise_server_exceptions=False) as client:
        session = last_session_by_today(add_runner(app))
        p = session.exercises[0]
        measure = "reps" if p.reps is not None else "seconds" if p.seconds else "contacts"
        form = {
            "date": session.date.isoformat(),
            "exercise": p.exercise,
            "set_number": "1",
            "side": "left" if p.per_side else "both",
            "measure": measure,
            measure: "10",
            "rpe": "6",
            "client_id": str(uuid.uuid4()),
        }
        headers = {"HX-Request": "true"}
        assert client.post("/today/sets", data=form, headers=headers).status_code == 200
        changed = client.post("/today/sets", data={**form, measure: "15"}, headers=headers)
        following = {**form, "set_number": "2", "client_id": str(uuid.uuid4())}
        stored = client.post("/today/sets", data=following, headers=headers)
        app.state.service_context.close()
    assert (changed.status_code, stored.status_code) == (422, 200)
    sets = (STATIC_DIR / "js" / "sets.js").read_text()
    out = run_node(
        STUB_DOM
        + """
const store = {};
global.localStorage = { getItem: k => store[k] || null, setItem: (k, v) => { store[k] = v; } };
global.CustomEvent = class {
  constructor(name, init) { this.type = name; this.detail = init && init.detail; }
};
let flushed = null;
document.dispatchEvent = (ev) => {
  if (ev.type === "calfcoach:queue-flushed") flushed = ev.detail;
};
const statusLine = { hidden: true, textContent: "" };
document.querySelector = (sel) => sel === "[data-offline-status]" ? statusLine : null;
global.DOMParser = class { parseFromString(html) { return {
  querySelectorAll: (sel) => sel !== ".field-error" ? [] : Array.from(
    html.matchAll(/<p class="field-error"[^>]*>([^<]*)<\\/p>/g), (m) => ({ textContent: m[1] })),
  querySelector: () => null,
}; } };
const answers = ANSWERS;
const posts = [];
global.fetch = (url, init) => {
  const answer = answers[posts.length];
  posts.push(init.body);
  return Promise.resolve({ ok: answer.status < 300, status: answer.status,
                           text: () => Promise.resolve(answer.text) });
};
""".replace(
            "ANSWERS",
            json.dumps(
                [
                    {"status": changed.status_code, "text": changed.text},
                    {"status": stored.status_code, "text": stored.text},
                ]
            ),
        )
        + sets
        + """
store["calfcoach.queue.v1"] = JSON.stringify([
  { client_id: "A", body: "client_id=A" }, { client_id: "B", body: "client_id=B" }]);
(async () => {
  await window.calfcoachSets.flush();
  console.log(JSON.stringify({ flushed, status: statusLine.textContent, posts: posts.length,
                               left: window.calfcoachSets.queue().length }));
})();
"""
    )
    result = json.loads(out)
    assert result["posts"] == 2 and result["left"] == 0
    assert result["flushed"]["stored"] == ["B"]
    (refused,) = result["flushed"]["refused"]
    assert f"this request differs in {measure} 15 (stored: 10)" in refused
    assert result["status"] == f"A queued set was not stored: {refused}"
