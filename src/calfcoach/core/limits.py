"""Plain limits of the rule sheet that the adapters check before anything heavy is imported
(a cold `calfcoach today` must not import pydantic just to know them). ``rules`` re-exports
them: they are rule constants, kept here only so the CLI can read them for free."""

from typing import Final

MIN_WEEKS: Final = 1  # a plan is 1-52 weeks (7-day blocks, R-SCHED-0)
MAX_WEEKS: Final = 52
