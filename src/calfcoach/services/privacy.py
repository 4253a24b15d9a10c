"""Privacy (issue 9, part 5): an athlete's data deleted, all of it.

    delete_athlete_data(ctx, actor, athlete_id, confirm=NAME) -> RemovedAthlete

Every row of every table that refers to the athlete goes, in one transaction
(``storage.repositories.AthleteRepository.remove``: the tables it names and any other table
with an ``athlete_id`` column, so a table added later is covered). On SQLite the removal runs
with ``PRAGMA secure_delete`` (the freed bytes are overwritten with zeros) and the WAL is
checkpointed and emptied after the commit, so the data is not left in the file's free pages
or in the log (D-104). ``calfcoach athlete remove`` goes through the same removal.

The export of everything is ``services.transfer.export_document``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from calfcoach.core.names import name_key
from calfcoach.errors import InputError, Problem
from calfcoach.services.access import Actor, ensure_owner
from calfcoach.services.accounts import forget_own_login
from calfcoach.services.athletes import athlete_in

if TYPE_CHECKING:
    from calfcoach.services.context import ServiceContext
    from calfcoach.services.corrections import RemovedAthlete

__all__ = ["delete_athlete_data"]


def delete_athlete_data(
    ctx: ServiceContext, actor: Actor, athlete_id: int, *, confirm: str | None
) -> RemovedAthlete:
    """Delete the athlete ``athlete_id`` and every row of theirs, once ``confirm`` is their
    name (ignoring case and surrounding spaces): a deletion cannot be undone, so it is never
    made without the name typed. ``ForbiddenError`` unless ``actor`` is the athlete
    themself or the local user (``access.ensure_owner``); ``InputError`` (field
    ``confirm``) and nothing deleted when the name does not match."""
    from calfcoach.services.corrections import RemovedAthlete

    with ctx.unit_of_work() as uow:
        athlete = athlete_in(uow, actor, athlete_id, "manage")
        ensure_owner(actor, athlete.id)  # the athlete's own act, never a coach's
        if confirm is None or name_key(confirm.strip()) != name_key(athlete.name):
            raise InputError(
                Problem(
                    "invalid",
                    "missing" if not confirm else "does not match the athlete's name",
                    field="confirm",
                    value=None if confirm is None else confirm[:100],
                    allowed="the athlete's name, typed to confirm that everything of theirs "
                    "is deleted for good",
                )
            )
        uow.lock_athlete(athlete.id)
        throttled = forget_own_login(uow, athlete.id)  # before its account goes (D-107)
        rows = uow.athletes.remove(athlete.id)
        rows["login_throttle"] = throttled
        uow.commit()
    return RemovedAthlete(athlete.name, rows)
