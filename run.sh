#!/usr/bin/env bash
# Installs calfcoach into .venv and runs the main job on the embedded default: the local
# web app (`calfcoach serve`, http://127.0.0.1:8000) with the demo athlete (added on first
# start). Arguments go to `calfcoach serve` (--host, --port, --workers). The demo's database lives in this
# folder (.demo-home/), not in your own data folder: trying the demo never adds a "Demo
# Runner" to your athletes. Set CALFCOACH_HOME (or CALFCOACH_DATABASE_URL) to choose.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e .
export CALFCOACH_HOME="${CALFCOACH_HOME:-$PWD/.demo-home}"
exec .venv/bin/calfcoach serve "$@"
