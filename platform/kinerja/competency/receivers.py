"""What moves a stored talent result marks it stale (`stored.mark_stale`; pushed after the
change commits). Noticed at flush on the rows themselves, so every path that writes them (the
pages, the API, imports, the demo) marks them:

- a rating stored (a rater's answers, an assessment centre's import): its subject;
- a campaign whose state changed (closed: its results appear), a position's standard, the
  talent policy, a position's type or grade: everyone;
- an employee added, moved to another position, or leaving or returning: that employee;
- an evaluation whose state changed (the predikat, the kinerja axis): its employee."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, attributes

from kinerja.competency import stored
from kinerja.competency.models import (
    AssessmentCampaign,
    AssessmentRating,
    CompetencyStandard,
    TalentPolicy,
)
from kinerja.people.models import Employee, Position
from kinerja.performance.evaluation.models import Evaluation

EVERYONE_WHEN = (AssessmentCampaign, CompetencyStandard, TalentPolicy, Position)


def init_app(app: Any) -> None:
    """Nothing per app: importing the module connected the listener."""


def _changed(obj: Any, *names: str) -> bool:
    state = attributes.instance_state(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "after_flush")
def _noticed(session: Session, _context: Any) -> None:
    people: set[int] = set()
    everyone = False
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, AssessmentRating):
            people.add(obj.subject_id)
        elif isinstance(obj, EVERYONE_WHEN):
            if isinstance(obj, AssessmentCampaign) and obj in session.dirty:
                everyone |= _changed(obj, "status")
            elif isinstance(obj, Position) and obj in session.dirty:
                everyone |= _changed(obj, "type", "grade")
            else:
                everyone = True
        elif isinstance(obj, Employee):
            if obj not in session.dirty or _changed(obj, "position_id", "active"):
                people.add(obj.id)
        elif isinstance(obj, Evaluation) and (
            obj not in session.dirty or _changed(obj, "status", "predikat")
        ):
            people.add(obj.employee_id)
    if everyone:
        stored.mark_stale(session, None)
    elif people:
        stored.mark_stale(session, people)
