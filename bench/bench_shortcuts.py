"""Cold `calfcoach today` with and without each of the CLI's cold-start shortcuts (issue 8,
part 1; D-67): the SQLite read path (``storage.sqlite_reader``, no SQLAlchemy) and
pydantic's plugins turned off (``cli.cold_start_shortcuts``). The third shortcut measured
for D-67, a stand-in module for pydantic's plugin loader, was dropped.

Run: .venv/bin/python bench/bench_shortcuts.py [--runs N]

A demo athlete with two weeks of logged sessions in a fresh SQLite file; each configuration
runs `calfcoach today --date DAY` in a new process (bytecode written first, ``coldstart.py``),
interleaved, N times; the median and the quartiles of the wall time are printed, with the
modules each configuration imported.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from coldstart import cold_env, compile_bytecode  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DAY = dt.date.today()
START = DAY - dt.timedelta(days=14)

RUN = (
    "import sys\n"
    "import calfcoach.cli as cli\n"
    "{patch}"
    "sys.argv = ['calfcoach', 'today', '--date', {day!r}]\n"
    "try:\n"
    "    cli.main()\n"
    "finally:\n"
    "    import os\n"
    "    if os.environ.get('SHOW_MODULES'):\n"
    "        print(sorted({{m.split('.')[0] for m in sys.modules}} & {{'sqlalchemy', "
    "'importlib_metadata'}}), 'importlib.metadata' in sys.modules, file=sys.stderr)\n"
)
CONFIGS = {
    "both shortcuts (the CLI)": ("", {}),
    "without the SQLite reader": ("", {"CALFCOACH_SQLITE_READER": "0"}),
    "plugins scanned": ("cli.cold_start_shortcuts = lambda: None\n", {}),
    "without either": (
        "cli.cold_start_shortcuts = lambda: None\n",
        {"CALFCOACH_SQLITE_READER": "0"},
    ),
}


def setup(env: dict[str, str]) -> None:
    run = [PYTHON, "-c", "from calfcoach.cli import main; main()"]
    for args in (
        ["athlete", "add", "--profile", str(ROOT / "examples" / "demo-profile.json"),
         "--start", START.isoformat()],
        *(["log", "--as-prescribed", "--date", (START + dt.timedelta(days=d)).isoformat(),
           "--rpe", "6", "--pain", "1"] for d in range(0, 14)),
    ):  # fmt: skip
        subprocess.run([*run, *args], env=env, capture_output=True, check=False)


def main() -> None:
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 15
    with tempfile.TemporaryDirectory() as folder:
        env = cold_env({**os.environ, "CALFCOACH_HOME": folder})
        env.pop("CALFCOACH_DATABASE_URL", None)
        setup(env)
        commands = {
            name: ([PYTHON, "-c", RUN.format(patch=patch, day=DAY.isoformat())], {**env, **extra})
            for name, (patch, extra) in CONFIGS.items()
        }
        compile_bytecode([c for c, _ in commands.values()], env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, (command, command_env) in commands.items():
                begin = time.perf_counter()
                done = subprocess.run(command, env=command_env, capture_output=True, text=True)
                times[name].append((time.perf_counter() - begin) * 1000)
                if done.returncode != 0:
                    raise SystemExit(f"{name}: {done.stderr}")
        print(f"cold `calfcoach today`, {runs} runs each, interleaved (ms: median [q1-q3])")
        for name, (command, command_env) in commands.items():
            q1, median, q3 = statistics.quantiles(times[name], n=4)
            shown = subprocess.run(
                command, env={**command_env, "SHOW_MODULES": "1"}, capture_output=True, text=True
            ).stderr.strip()
            print(f"  {name:38} {median:6.0f} [{q1:.0f}-{q3:.0f}]  imported: {shown}")


if __name__ == "__main__":
    main()
