"""The plan engine's public entry: ``build_plan(profile, catalog, start, weeks) -> Plan``.

Since engine v2 (issue 6) the plan and its adaptation to the log are one forward walk
(``calfcoach.core.engine``); ``build_plan`` is that walk with no log, every session projected
as if done as prescribed. Kept as a module so ``calfcoach.core.planner.build_plan`` stays the
stable import for the CLI, the services and the benchmarks.
"""

from calfcoach.core.engine import MAX_WEEKS, build_plan

__all__ = ["MAX_WEEKS", "build_plan"]
