"""Builds the compiled core (mypyc) of the working tree into a folder of its own.

Run: .venv/bin/python bench/build_compiled.py [FOLDER]   (default: build/compiled)

FOLDER then holds a copy of the ``calfcoach`` package in which the modules listed under
``[tool.calfcoach.mypyc]`` in pyproject.toml (the same list setup.py compiles with
``CALFCOACH_MYPYC=1``) are C extensions beside their sources. Put FOLDER first on
``PYTHONPATH`` to run the compiled build; the editable install (the sources under ``src``)
stays pure Python. ./test.sh builds it for ``tests/unit/test_compiled_core.py``, which checks
that both builds coach exactly alike; ``PYTHONPATH=build/compiled .venv/bin/python
bench/bench_plan.py`` measures it. Needs mypy (a development dependency) and a C compiler.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def compiled_modules() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(config["tool"]["calfcoach"]["mypyc"]["modules"])


def build(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    package = folder / "calfcoach"
    if package.exists():
        shutil.rmtree(package)
    for old in folder.glob("*__mypyc*"):
        old.unlink()
    shutil.copytree(
        ROOT / "src" / "calfcoach", package, ignore=shutil.ignore_patterns("__pycache__", "*.so")
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    command = [sys.executable, "-m", "mypyc", *compiled_modules()]
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"mypyc failed:\n{done.stdout[-5000:]}\n{done.stderr[-5000:]}")
    missing = [m for m in compiled_modules() if not list(folder.glob(m[:-3] + ".*.so"))]
    if missing:
        raise SystemExit(f"mypyc built no extension for {', '.join(missing)}")


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build" / "compiled").resolve()
    started = time.perf_counter()
    build(folder)
    print(f"compiled core in {folder} ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
