"""The coaching engine v2: one forward walk for the plan and its adaptation (issue 6).

``walk`` builds the skeleton (days and rotation, ``skeleton.py``), then walks forward through
the days: each session is made from the state before its day (``session.py``), doses come from
``core.dosing`` and the evidence from the log (``evidence.py``), the pain and safety layer from
``core.safety`` and the races from ``core.races``. ``build_plan`` is the walk with no log.
"""

from calfcoach.core.engine.base import Decision
from calfcoach.core.engine.state import State
from calfcoach.core.engine.walk import MAX_WEEKS, WalkResult, build_plan, walk

__all__ = ["MAX_WEEKS", "Decision", "State", "WalkResult", "build_plan", "walk"]
