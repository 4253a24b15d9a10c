"""Output formats: public plan JSON (and its schema), iCalendar, human text for doses.

Every module here turns core results into bytes or text; none of them plans anything.
Heavy libraries (icalendar, pydantic schema models) are imported only by the module that
needs them, so `calfcoach plan --format json` stays fast.
"""
