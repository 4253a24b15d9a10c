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


def test_the_service_worker_is_served_from_the_root_with_the_app_version(
    client: TestClient,
) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["service-worker-allowed"] == "/"
    assert response.headers["cache-control"] == "no-cache"
    assert f'var VERSION = "{__version__}"' in response.text
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
