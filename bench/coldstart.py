"""Shared set-up of the cold-process benchmarks (``bench_plan.py``, ``bench_training.py``).

A real installation has bytecode: pip compiles every ``.py`` it installs to ``.pyc``, and an
editable or source checkout writes ``__pycache__`` on first use. The development and CI
environments set ``PYTHONDONTWRITEBYTECODE=1``, so without care every "cold" process would
compile calfcoach, typer, pydantic, SQLAlchemy... from source again, which is not what a user
ever pays. ``cold_env`` therefore returns the environment with that variable removed, and
``compile_bytecode`` writes the bytecode of the calfcoach package (``compileall``) and runs each
cold command once, untimed, so that every module it imports has its ``.pyc`` before timing.
"""

from __future__ import annotations

import compileall
import os
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

import calfcoach


def cold_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) without ``PYTHONDONTWRITEBYTECODE``."""
    env = dict(os.environ if base is None else base)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compile_bytecode(commands: Iterable[list[str]], env: Mapping[str, str]) -> None:
    """Bytecode for the calfcoach package and for everything ``commands`` import."""
    for folder in calfcoach.__path__:
        compileall.compile_dir(Path(folder), quiet=1, workers=0)
    for command in commands:
        subprocess.run(command, env=dict(env), capture_output=True, check=False)
