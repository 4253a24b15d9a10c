"""The compiled build of the core (mypyc, D-36) coaches exactly like the pure-Python one.

./test.sh builds it (``bench/build_compiled.py build/compiled``) and sets
``CALFCOACH_COMPILED_CORE`` to that folder; without the variable these tests are skipped with
the reason (a plain ``pytest`` run), and ``CALFCOACH_REQUIRE_COMPILED=1`` makes the skip a
failure. The check runs ``bench/plan_fingerprint.py`` (300 seeded random profiles, 16-week
plans, and 30 simulated athletes with logs, flares, red flags, gaps and tests, through the
forward walk) once in this interpreter (the sources under ``src``) and once in a new process
with the compiled folder first on ``PYTHONPATH``, and compares the plan JSON line by line.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import plan_fingerprint  # noqa: E402

BUILD_WAIT_SECONDS = 1200
"""How long a test waits for ./test.sh's background build (about 70 s of one core)."""


def compiled_folder() -> Path:
    folder = os.environ.get("CALFCOACH_COMPILED_CORE")
    if not folder:
        message = "no compiled core: CALFCOACH_COMPILED_CORE is not set (./test.sh sets it)"
        if os.environ.get("CALFCOACH_REQUIRE_COMPILED") == "1":
            pytest.fail(message + " (CALFCOACH_REQUIRE_COMPILED=1)")
        pytest.skip(message)
    done = os.environ.get("CALFCOACH_COMPILED_CORE_DONE")
    if done:
        wait_for_the_build(Path(done))
    return Path(folder)


def wait_for_the_build(done: Path) -> None:
    """./test.sh builds the compiled core in the background and writes the build's exit
    status to ``done`` when it ends: wait for it, and fail with the build's log if it failed."""
    deadline = time.monotonic() + BUILD_WAIT_SECONDS
    while not done.exists():
        if time.monotonic() > deadline:
            pytest.fail(f"the compiled core's build did not end within {BUILD_WAIT_SECONDS} s")
        time.sleep(1)
    status = done.read_text(encoding="utf-8").strip()
    if status != "0":
        log = done.with_name("compiled.log")
        tail = log.read_text(encoding="utf-8")[-3000:] if log.exists() else "(no log)"
        pytest.fail(f"the compiled core's build failed (exit {status}):\n{tail}")


def compiled_modules() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(config["tool"]["calfcoach"]["mypyc"]["modules"])


def run_compiled(folder: Path, code: str) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(folder), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_every_listed_core_module_is_a_compiled_extension_in_the_compiled_build():
    folder = compiled_folder()
    modules = [m.removesuffix(".py").replace("/", ".") for m in compiled_modules()]
    code = "import importlib\n" + "".join(
        f"print(importlib.import_module({name!r}).__file__)\n" for name in modules
    )
    files = run_compiled(folder, code).split()
    assert len(files) == len(modules)
    not_compiled = [f for f in files if not f.endswith(".so") or not f.startswith(str(folder))]
    assert not_compiled == []


def test_the_compiled_core_gives_plans_byte_identical_to_the_pure_python_core():
    folder = compiled_folder()
    plans, athletes = 300, 30
    pure = plan_fingerprint.fingerprint(plans, athletes)
    code = (
        "import sys; sys.path.insert(0, 'bench'); import plan_fingerprint\n"
        f"print('\\n'.join(plan_fingerprint.fingerprint({plans}, {athletes})))\n"
    )
    compiled = run_compiled(folder, code).splitlines()
    assert pure[0].endswith("walk.py"), pure[0]  # this process runs the sources
    assert compiled[0].endswith(".so"), compiled[0]
    assert len(compiled) == len(pure)
    # Line 0 names the engine's file, which differs by design; the last is a SHA-256 of all.
    pairs = enumerate(zip(pure, compiled, strict=True))
    differing = [i for i, (a, b) in pairs if i > 0 and a != b]
    assert differing == []


def test_the_engines_output_types_are_one_set_compiled_with_the_engine():
    # The output dataclasses live in core/plan_types.py so that mypyc compiles them with the
    # engine (native classes: D-123); models re-exports the very same classes, and
    # plan_types stays free of pydantic (mypyc cannot compile a pydantic model).
    import ast

    from calfcoach.core import models, plan_types

    for name in ("Reason", "PlanWarning", "Prescription", "Session", "Plan", "Scheme"):
        assert getattr(models, name) is getattr(plan_types, name), name
    tree = ast.parse(Path(plan_types.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name if isinstance(node, ast.Import) else node.module or ""
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not any(m.split(".")[0] in ("pydantic", "calfcoach") for m in imported), imported
    assert "calfcoach/core/plan_types.py" in compiled_modules()
