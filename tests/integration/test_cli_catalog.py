"""`calfcoach exercises` and `calfcoach exercise ID` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from calfcoach.catalog import load_catalog
from calfcoach.cli import app
from calfcoach.core.catalog import Catalog
from calfcoach.core.models import Exercise
from calfcoach.formats.illustration import render_svg

CATALOG = load_catalog()


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


# ---------------------------------------------------------------- calfcoach exercises


def test_the_table_lists_every_exercise_with_its_dose(runner: CliRunner) -> None:
    code, out, _ = run(runner, "exercises")
    assert code == 0
    for ex in CATALOG:
        assert ex.id in out
    assert "3x12/side" in out and f"{len(CATALOG.ids())} exercises" in out


def test_json_lists_every_catalog_field_in_model_order(runner: CliRunner) -> None:
    code, out, _ = run(runner, "exercises", "--format", "json")
    assert code == 0
    exercises = json.loads(out)["exercises"]
    assert [ex["id"] for ex in exercises] == list(CATALOG.ids())
    assert all(list(ex) == list(Exercise.model_fields) for ex in exercises)
    wall_sit = next(ex for ex in exercises if ex["id"] == "soleus-wall-sit")
    assert wall_sit["default_dose"]["seconds"] == 30
    assert wall_sit["schemes"] == ["isometric"]  # tuples become lists
    assert wall_sit["ladder"] == "soleus" and wall_sit["ladder_step"] == 1


def test_equipment_shows_what_the_athlete_can_do_with_it(runner: CliRunner) -> None:
    code, out, _ = run(
        runner, "exercises", "--format", "json", "--equipment", "band", "--region", "foot"
    )
    assert code == 0
    ids = {ex["id"] for ex in json.loads(out)["exercises"]}
    assert "big-toe-press" in ids and "short-foot" in ids  # band needed; nothing needed
    assert {ex.id for ex in CATALOG.filter(region="foot", equipment={"band"})} == ids

    _, out, _ = run(runner, "exercises", "--format", "json", "--equipment", "leg_press")
    ids = {ex["id"] for ex in json.loads(out)["exercises"]}
    assert "bent-knee-heel-raise-leg-press" in ids and "big-toe-press" not in ids


@pytest.mark.parametrize(
    ("args", "option", "bad", "allowed"),
    [
        (["exercises", "--region", "leg"], "--region", "'leg'", "calf, foot, ankle"),
        (["exercises", "--equipment", "kettle"], "--equipment", "'kettle'", "kettlebell"),
        (["exercises", "--format", "xml"], "--format", "'xml'", "table, json"),
        (["exercise", "toe-taps", "--format", "yaml"], "--format", "'yaml'", "table, json"),
    ],
)
def test_a_bad_option_value_exits_2_naming_the_option_the_value_and_the_choices(
    runner: CliRunner, args: list[str], option: str, bad: str, allowed: str
) -> None:
    code, out, err = run(runner, *args)
    assert code == 2
    assert err.startswith(f"error: {option}: {bad} is not allowed; allowed: ")
    assert allowed in err
    assert len(err.splitlines()) == 1 and "Usage:" not in err
    assert "Traceback" not in out + err


def test_no_match_prints_a_friendly_line_and_exits_0(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    leg_press = CATALOG.get("bent-knee-heel-raise-leg-press")
    leg_press_only = Catalog([leg_press.model_copy(update={"regressions": ()})])
    monkeypatch.setattr("calfcoach.catalog.load_catalog", lambda: leg_press_only)
    code, out, _ = run(runner, "exercises", "--equipment", "band")
    assert code == 0
    assert out.strip() == "no exercises match equipment band; try fewer filters"
    code, out, _ = run(runner, "exercises", "--equipment", "band", "--format", "json")
    assert json.loads(out) == {"exercises": []}


# ---------------------------------------------------------------- calfcoach exercise ID


@pytest.mark.parametrize("exercise_id", CATALOG.ids())
def test_every_exercise_has_a_page_with_its_name_steps_dose_and_why(
    runner: CliRunner, exercise_id: str
) -> None:
    ex = CATALOG.get(exercise_id)
    code, out, _ = run(runner, "exercise", exercise_id)
    assert code == 0
    flat = " ".join(out.split())  # the page wraps long lines
    assert ex.name in flat
    for number, step in enumerate(ex.instructions, start=1):
        assert f"{number}. {step}" in flat
    assert "Default dose: " in out
    assert f"Why: {ex.why}" in flat
    if ex.seed:
        assert "Seed article" in out
    else:
        assert f"Why it was added: {ex.extra_reason}" in flat


def test_the_page_shows_the_ladder_position_and_the_neighbours_by_name(
    runner: CliRunner,
) -> None:
    _, out, _ = run(runner, "exercise", "tip-toe-walking")
    flat = " ".join(out.split())
    assert (
        "Ladder: soleus ladder, step 2 of 4: after soleus-wall-sit, before bent-knee-heel-raise"
        in flat
    )
    assert "Progressions: Bent-knee heel raise (standing) [bent-knee-heel-raise]" in flat
    assert "Regressions: Soleus wall sit [soleus-wall-sit]" in flat
    assert "Default dose: 3 sets x 3 m (about 10 ft), rest 60 s" in flat


def test_the_page_says_what_can_load_the_exercise(runner: CliRunner) -> None:
    _, out, _ = run(runner, "exercise", "bent-knee-heel-raise")
    assert "Equipment: none needed" in out
    assert "Load with: dumbbell, kettlebell, barbell, weight vest or backpack" in out
    assert "Default dose: 3 sets x 10 reps per side, rest 60 s" in out


def test_the_exercise_json_has_every_field(runner: CliRunner) -> None:
    code, out, _ = run(runner, "exercise", "jump-rope", "--format", "json")
    assert code == 0
    data = json.loads(out)["exercise"]
    assert list(data) == list(Exercise.model_fields)
    # R-SCH-3a: the default cadence is 220 contacts a minute for two-foot skipping.
    assert data["contacts_per_minute"] == 220 and data["seed"] == ["000", "001"]


def test_an_unknown_id_exits_2_with_suggestions_and_a_hint(runner: CliRunner) -> None:
    code, out, err = run(runner, "exercise", "toe-tap")
    assert code == 2
    assert err.strip() == (
        "error: ID: unknown exercise 'toe-tap'; did you mean 'toe-taps'?; "
        "allowed: an id of `calfcoach exercises` (it lists them)"
    )
    assert out == ""


def test_the_installed_command_reports_a_bad_option_without_a_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "calfcoach", "exercises", "--region", "leg"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "error: --region: 'leg' is not allowed; allowed: calf, foot, ankle" in result.stderr
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------- calfcoach exercise ID --svg


def test_svg_writes_the_exercise_drawing_to_the_file(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "pogo.svg"
    code, out, _ = run(runner, "exercise", "pogo-hops", "--svg", str(target))
    assert code == 0
    assert "Pogo hops" in out  # the page is still shown
    assert target.read_text(encoding="utf-8") == render_svg(CATALOG.get("pogo-hops"))


def test_svg_refuses_to_overwrite_a_file_without_force(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "taken.svg"
    target.write_text("mine", encoding="utf-8")
    code, _, err = run(runner, "exercise", "toe-taps", "--svg", str(target))
    assert code == 2
    assert "--svg" in err and "already exists" in err and "--force" in err
    assert target.read_text(encoding="utf-8") == "mine"
    code, _, _ = run(runner, "exercise", "toe-taps", "--svg", str(target), "--force")
    assert code == 0
    assert target.read_text(encoding="utf-8").startswith("<svg ")


def test_svg_into_a_missing_folder_is_refused_naming_the_folder(
    runner: CliRunner, tmp_path: Path
) -> None:
    code, _, err = run(runner, "exercise", "toe-taps", "--svg", str(tmp_path / "no" / "t.svg"))
    assert code == 2
    assert "--svg" in err and "does not exist" in err
    assert "Traceback" not in err
