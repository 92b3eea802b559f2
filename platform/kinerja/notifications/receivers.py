"""Who hears of what: receivers of the performance cycle's signals (`kinerja.events`) that
notify the people concerned. Links are paths inside the agency (`skp/12`), so a notification
never names its agency's address twice and works under any host."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja import events
from kinerja.identity.models import Membership
from kinerja.notifications.folding import shorten
from kinerja.notifications.service import notify
from kinerja.people.models import Employee
from kinerja.performance import skp as skps
from kinerja.performance.evaluation.labels import PREDIKAT_WORDS

ADMIN = "admin_opd"


def _name(session: Session, employee_id: int) -> str:
    return session.scalar(select(Employee.name).where(Employee.id == employee_id)) or ""


def admins(session: Session) -> list[int]:
    """The employees who are the agency's admin OPD (they decide where nobody is above)."""
    return list(
        session.scalars(
            select(Employee.id)
            .join(Membership, Membership.user_id == Employee.user_id)
            .where(Membership.role == ADMIN, Employee.active)
            .distinct()
        )
    )


def _or_admins(session: Session, employee_id: int | None) -> list[int]:
    return [employee_id] if employee_id is not None else admins(session)


@events.skp_acted.connect
def _skp(session: Session, skp: Any, action: str, rater_id: int | None) -> None:
    link = f"skp/{skp.id}"
    params = {"name": _name(session, skp.employee_id), "year": skp.year}
    if action == "submit":
        for someone in _or_admins(session, rater_id):
            notify(session, someone, "skp_waiting", params, link, key=f"skp:{skp.id}")
    elif action == "approve":
        notify(session, skp.employee_id, "skp_approved", params, link)
    elif action == "reject":
        notify(
            session, skp.employee_id, "skp_rejected", {**params, "reason": skp.reason or "-"}, link
        )


@events.entry_decided.connect
def _entry(session: Session, entry: Any, action: str) -> None:
    if action == "reject":
        params = {"date": entry.entry_date, "reason": entry.reason or "-"}
        notify(session, entry.employee_id, "entry_rejected", params, f"log/{entry.id}")


@events.evaluation_acted.connect
def _evaluation(session: Session, evaluation: Any, action: str) -> None:
    employee = session.scalar(select(Employee).where(Employee.id == evaluation.employee_id))
    if employee is None:
        return
    chain = skps.chain(session, employee)
    link = f"evaluations/{evaluation.id}"
    params = {"name": employee.name}
    key = f"evaluation:{evaluation.id}"
    rater = chain.rater.id if chain.rater else None
    reviewer = chain.reviewer.id if chain.reviewer else None
    if action in ("submit", "revise"):
        for someone in _or_admins(session, rater):
            notify(session, someone, "evaluation_to_rate", params, link, key=key)
    elif action == "rate":
        for someone in _or_admins(session, reviewer):
            if someone != employee.id:
                notify(session, someone, "evaluation_to_review", params, link, key=key)
    elif action == "return":
        reason = {**params, "reason": evaluation.reason or "-"}
        for someone in _or_admins(session, rater):
            notify(session, someone, "evaluation_returned", reason, link, key=key)
    elif action == "approve":
        period = (
            f"{evaluation.year}"
            if evaluation.period == 0
            else f"{evaluation.year}/{evaluation.period}"
        )
        predikat = PREDIKAT_WORDS.get(evaluation.predikat or "", "-")
        notify(
            session,
            employee.id,
            "evaluation_approved",
            {"period": period, "predikat": predikat},
            link,
        )


@events.feedback_posted.connect
def _feedback(session: Session, thread: Any, message: Any) -> None:
    other = thread.superior_id if message.author_id == thread.employee_id else thread.employee_id
    # A long title is cut at a word, never inside one (folding.shorten).
    params = {"name": _name(session, message.author_id), "title": shorten(thread.title, 60)}
    notify(session, other, "feedback", params, f"feedback/{thread.id}", key=f"thread:{thread.id}")


@events.assessment_opened.connect
def _assessment(session: Session, campaign: Any, raters: dict[int, int]) -> None:
    from kinerja.competency.campaigns import tasks_of  # the campaigns module sends this signal

    # One notification per rater however many campaigns are open (keyed by the rater, not the
    # campaign: two campaigns gave two identical lines "5 colleagues wait ..."), saying all that
    # waits for them.
    for rater in raters:
        count = len(tasks_of(session, rater))
        notify(session, rater, "assessment_task", {"count": count}, "talent", key="assessment")
