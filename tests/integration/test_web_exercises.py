"""The exercise library pages (issue 8, part 2, "Exercises"). They read only the packaged
catalog, never the database, so SQLite alone is enough here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from calfcoach.catalog import load_catalog
from calfcoach.settings import Settings, sqlite_url
from calfcoach.web.app import create_app

HTML = {"accept": "text/html"}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(home=tmp_path, database_url=sqlite_url(tmp_path / "web.sqlite3"))
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def listed(html: str) -> list[str]:
    return re.findall(r'data-exercise="([a-z0-9-]+)"', html)


def test_the_library_lists_every_catalog_exercise_without_filters(client: TestClient) -> None:
    response = client.get("/exercises", headers=HTML)
    assert response.status_code == 200
    assert listed(response.text) == list(load_catalog().ids())
    assert f"{len(load_catalog())} exercises" in response.text


def test_region_knee_and_equipment_filters_combine_as_plain_get_parameters(
    client: TestClient,
) -> None:
    response = client.get(
        "/exercises",
        params={"region": "calf", "knee": "bent", "equipment": ["step", "dumbbell"]},
        headers=HTML,
    )
    assert response.status_code == 200
    ids = listed(response.text)
    assert ids
    for exercise_id in ids:
        exercise = load_catalog().get(exercise_id)
        assert exercise.region == "calf"
        assert exercise.knee == "bent"
        assert set(exercise.equipment) <= {"step", "dumbbell"}
    expected = [
        ex.id
        for ex in load_catalog()
        if ex.region == "calf" and ex.knee == "bent" and set(ex.equipment) <= {"step", "dumbbell"}
    ]
    assert ids == expected
    # The form shows the filters it applied.
    assert '<option value="calf" selected>' in response.text
    assert 'value="step" checked' in response.text


def test_the_no_equipment_filter_keeps_only_exercises_that_need_nothing(
    client: TestClient,
) -> None:
    ids = listed(client.get("/exercises?equipment=none", headers=HTML).text)
    assert ids
    assert all(load_catalog().get(i).equipment == () for i in ids)
    machines = listed(client.get("/exercises?equipment=leg_press", headers=HTML).text)
    assert any("leg_press" in load_catalog().get(i).equipment for i in machines)


def test_an_htmx_request_gets_only_the_results_list(client: TestClient) -> None:
    response = client.get("/exercises?region=foot", headers={**HTML, "HX-Request": "true"})
    assert response.status_code == 200
    assert '<section id="exercise-results"' in response.text
    assert "<html" not in response.text
    foot = [ex for ex in load_catalog() if ex.region == "foot"]
    # The count also goes out of band to the page's live status line.
    assert (
        f'<span id="filter-status" hx-swap-oob="innerHTML">{len(foot)} exercises shown</span>'
        in response.text
    )
    assert "HX-Request" in [v.strip() for v in response.headers["vary"].split(",")]
    assert all(load_catalog().get(i).region == "foot" for i in listed(response.text))


def test_an_unknown_filter_value_is_shown_at_its_field_with_422(client: TestClient) -> None:
    response = client.get("/exercises?region=thigh&knee=up", headers=HTML)
    assert response.status_code == 422
    assert "region: &#39;thigh&#39; is not a region; allowed: calf, foot, ankle" in response.text
    assert 'id="region-error"' in response.text
    assert 'aria-describedby="knee-error"' in response.text
    # The bad filters are not applied: every exercise is still listed.
    assert len(listed(response.text)) == len(load_catalog())


def test_an_unknown_equipment_value_names_the_allowed_ones(client: TestClient) -> None:
    response = client.get("/exercises?equipment=trampoline", headers=HTML)
    assert response.status_code == 422
    assert "equipment: &#39;trampoline&#39; is not known; allowed: none, band" in response.text


def test_each_exercise_page_shows_steps_cues_why_and_its_default_dose(
    client: TestClient,
) -> None:
    from calfcoach.core.catalog import describe_dose

    for exercise in load_catalog():
        response = client.get(f"/exercises/{exercise.id}", headers=HTML)
        assert response.status_code == 200, exercise.id
        text = response.text
        assert f"<h1>{exercise.name}</h1>" in text.replace("&#39;", "'")
        assert describe_dose(exercise) in text
        assert text.count("<li>") >= len(exercise.instructions) + len(exercise.cues)
        assert 'class="why"' in text


def test_an_exercise_on_a_ladder_shows_its_step_among_the_rungs(client: TestClient) -> None:
    catalog = load_catalog()
    ladder = catalog.ladder("soleus")
    exercise = ladder[1]
    step = exercise.steps["soleus"]
    top = max(ex.steps["soleus"] for ex in ladder)
    text = client.get(f"/exercises/{exercise.id}", headers=HTML).text
    assert f"The soleus ladder: step {step} of {top}" in text
    current = re.search(r'<li aria-current="step" class="current">(.*?)</li>', text, re.S)
    assert current is not None and exercise.name in current.group(1)
    for rung in ladder:
        if rung.id != exercise.id:
            assert f'href="/exercises/{rung.id}"' in text


def test_an_unknown_exercise_is_a_404_naming_the_closest_ids(client: TestClient) -> None:
    response = client.get("/exercises/calf-rais", headers=HTML)
    assert response.status_code == 404
    assert "did you mean" in response.text
    assert "single-leg-calf-raise" in response.text


def test_every_exercise_page_shows_its_drawing_inline(client) -> None:
    from calfcoach.catalog import load_catalog

    for exercise in load_catalog():
        page = client.get(f"/exercises/{exercise.id}")
        assert page.status_code == 200
        assert '<figure class="exercise-illustration">' in page.text
        assert 'role="img"' in page.text


def test_an_exercise_drawing_is_served_as_an_svg_image(client) -> None:
    response = client.get("/exercises/seated-soleus-raise.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.text.lstrip().startswith("<svg")
    assert client.get("/exercises/no-such-exercise.svg").status_code == 404
