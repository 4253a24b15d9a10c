"""Build hook. The package is declared in pyproject.toml; this file only adds the optional
compiled build of the coaching core (D-36 in docs/decisions.md).

Default (``pip install .``, ``pip install -e .``, ./run.sh, ./test.sh): pure Python, nothing
compiled. With ``CALFCOACH_MYPYC=1`` the modules listed under ``[tool.calfcoach.mypyc]`` in
pyproject.toml are compiled with mypyc into C extensions installed beside their ``.py``
sources (faster plans; figures in bench/README.md). mypyc comes with mypy, which must be
importable by the build, so build without isolation:

    CALFCOACH_MYPYC=1 pip install --no-build-isolation .      # needs mypy, setuptools>=77

Do not combine it with an editable install (``-e``): the compiled modules would shadow the
sources being edited.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).resolve().parent


def compiled_modules() -> list[str]:
    """The source files of the compiled build, relative to ``src``."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(config["tool"]["calfcoach"]["mypyc"]["modules"])


def ext_modules() -> list:  # type: ignore[type-arg]
    if os.environ.get("CALFCOACH_MYPYC") != "1":
        return []
    from mypyc.build import mypycify

    return mypycify([f"src/{module}" for module in compiled_modules()], opt_level="3")


if __name__ == "__main__":
    setup(ext_modules=ext_modules())
