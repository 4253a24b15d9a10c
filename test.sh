#!/usr/bin/env bash
# Installs calfcoach with its development dependencies into .venv and runs the whole test
# suite: lint (ruff), format check, type check (mypy --strict on the core, the services and the web app), the compiled build
# of the core (mypyc, checked against the pure-Python one by a test) and pytest.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
echo "== ruff"
.venv/bin/ruff check src tests bench tools
.venv/bin/ruff format --check src tests bench tools
echo "== mypy --strict (core, services, web)"
.venv/bin/mypy
echo "== compiled core (mypyc, D-36): built into build/compiled for tests/unit/test_compiled_core.py"
.venv/bin/python bench/build_compiled.py build/compiled
export CALFCOACH_COMPILED_CORE="$PWD/build/compiled"
echo "== pytest"
.venv/bin/python -m pytest -n 2 --dist worksteal -q "$@"
