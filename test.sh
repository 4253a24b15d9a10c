#!/usr/bin/env bash
# Installs calfcoach with its development dependencies into .venv and runs the whole test
# suite: lint (ruff), format check, type check (mypy --strict on the core, the services and the web app), the compiled build
# of the core (mypyc, checked against the pure-Python one by a test; built in the background) and pytest.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
# The compiled core (mypyc, D-36) for tests/unit/test_compiled_core.py builds in the background
# (about 70 s of one core) while the lint, the type check and the first tests run; that test
# runs last and waits for it (CALFCOACH_COMPILED_CORE_DONE holds the build's exit status).
mkdir -p build
rm -f build/compiled.done
echo "== compiled core (mypyc, D-36): building into build/compiled in the background (log: build/compiled.log)"
setsid bash -c '.venv/bin/python bench/build_compiled.py build/compiled >build/compiled.log 2>&1; echo $? >build/compiled.done' &
BUILD_PID=$!
# The build has a process group of its own: a run that stops early stops it too.
trap 'kill -- "-$BUILD_PID" 2>/dev/null || true' EXIT
export CALFCOACH_COMPILED_CORE="$PWD/build/compiled"
export CALFCOACH_COMPILED_CORE_DONE="$PWD/build/compiled.done"
echo "== ruff"
.venv/bin/ruff check src tests bench tools
.venv/bin/ruff format --check src tests bench tools
echo "== mypy --strict (core, services, web)"
.venv/bin/mypy
echo "== pytest"
.venv/bin/python -m pytest -n 2 --dist worksteal -q "$@"
