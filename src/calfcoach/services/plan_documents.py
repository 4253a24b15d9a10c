"""The plan and session documents (DTOs) and ``dump``: the part of ``services.schemas`` that
``plan --format json`` and ``today --format json`` need.

``services.schemas`` builds some forty pydantic models at import (every DTO of the API); a cold
``plan`` or ``today`` needs two of them, the public plan JSON's ``Plan`` and ``Session``
(``formats.plan_schema``). This module imports only those, so the cold JSON commands do not
build the other models (issue 6, D-117). ``services.schemas`` re-exports everything
here: the names, the models and the JSON are the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from calfcoach.formats.plan_schema import Plan as PlanDocument
from calfcoach.formats.plan_schema import Session as SessionDocument

if TYPE_CHECKING:
    from pydantic import BaseModel

    from calfcoach.core.models import Plan, Session

__all__ = ["PlanDocument", "SessionDocument", "dump", "plan_document", "session_document"]


def dump(model: BaseModel) -> Any:
    """The model as JSON values (dates as ISO text), fields in the model's order."""
    return model.model_dump(mode="json")


def plan_document(plan: Plan) -> PlanDocument:
    """The plan as the public plan JSON (schema_version 2)."""
    from calfcoach.formats.plan_json import plan_to_dict

    return PlanDocument.model_validate(plan_to_dict(plan))


def session_document(session: Session | None) -> SessionDocument | None:
    """One session in the plan's session shape; None on a rest day."""
    if session is None:
        return None
    from calfcoach.formats.plan_json import session_to_dict

    return SessionDocument.model_validate(session_to_dict(session))
