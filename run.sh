#!/usr/bin/env bash
# Installs calfcoach into .venv and runs the main job on the embedded default:
# the demo athlete (added to the default SQLite database on first run) and their plan.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e .
exec .venv/bin/calfcoach demo "$@"
