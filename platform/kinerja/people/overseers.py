"""Who oversees the agency: its head and the people and positions it names (the sekretaris …).

They see the agency as a whole (its figures, the predikat curve, every evaluation's state), to
read; who rates and reviews stays the workflow's. The answer is computed once per request, into
the principal (`Principal.oversees`); the permission rules ask `perm.oversees_agency`.

The head is the person in the agency's top position: an active employee with no superior in
the agency and someone active under them (a record that merely lacks its superior, with nobody
under it, is not a head). When the head's post is vacant, the agency names the acting head (Plt)
in its list, as it names the sekretaris.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from kinerja import audit, workflow
from kinerja.db.load import load_or_404
from kinerja.exceptions import Conflict, Invalid
from kinerja.i18n import _
from kinerja.people.models import AgencyViewer, Employee, Position


def is_head(session: Session, employee_id: int) -> bool:
    """Active, without a superior in the agency, with someone active under them."""
    below = aliased(Employee)
    found = session.scalar(
        select(Employee.id).where(
            Employee.id == employee_id,
            Employee.active,
            Employee.superior_id.is_(None),
            exists().where(below.superior_id == Employee.id, below.active),
        )
    )
    return found is not None


def is_named(session: Session, employee_id: int) -> bool:
    """Named in the agency's list: by name, or by the position they hold."""
    position = select(Employee.position_id).where(Employee.id == employee_id).scalar_subquery()
    found = session.scalar(
        select(AgencyViewer.id)
        .where(or_(AgencyViewer.employee_id == employee_id, AgencyViewer.position_id == position))
        .limit(1)
    )
    return found is not None


def oversees(session: Session, employee_id: int | None) -> bool:
    """Whether the employee oversees the agency (head or named)."""
    if employee_id is None:
        return False
    return is_head(session, employee_id) or is_named(session, employee_id)


@dataclass(frozen=True)
class Named:
    """One line of the agency's list, with what it names."""

    id: int
    employee_id: int | None
    position_id: int | None
    name: str  # the employee's, or the position's
    holders: tuple[str, ...]  # for a position: who holds it now (active)


def heads(session: Session) -> list[str]:
    """The names of who oversee the agency as its head (normally one)."""
    below = aliased(Employee)
    return list(
        session.scalars(
            select(Employee.name)
            .where(
                Employee.active,
                Employee.superior_id.is_(None),
                exists().where(below.superior_id == Employee.id, below.active),
            )
            .order_by(Employee.name)
        )
    )


def listing(session: Session) -> list[Named]:
    """The agency's list: named people, then named positions with who holds them."""
    rows = session.execute(
        select(AgencyViewer, Employee.name, Position.name)
        .outerjoin(Employee, Employee.id == AgencyViewer.employee_id)
        .outerjoin(Position, Position.id == AgencyViewer.position_id)
        .order_by(AgencyViewer.position_id.is_not(None), Employee.name, Position.name)
    ).all()
    positions = [v.position_id for v, _e, _p in rows if v.position_id is not None]
    holders: dict[int, list[str]] = {}
    if positions:
        for position_id, name in session.execute(
            select(Employee.position_id, Employee.name)
            .where(Employee.position_id.in_(positions), Employee.active)
            .order_by(Employee.name)
        ):
            holders.setdefault(position_id or 0, []).append(name)
    return [
        Named(
            v.id,
            v.employee_id,
            v.position_id,
            employee_name or position_name or "",
            tuple(holders.get(v.position_id, ())) if v.position_id is not None else (),
        )
        for v, employee_name, position_name in rows
    ]


def name(session: Session, employee_id: int | None, position_id: int | None) -> AgencyViewer:
    """Add a person or a position (exactly one) to the list; audited."""
    if (employee_id is None) == (position_id is None):
        raise Invalid("employee_id", _("Choose an employee or a position."))
    if employee_id is not None:
        if session.scalar(select(Employee.id).where(Employee.id == employee_id)) is None:
            raise Invalid("employee_id", _("This employee is not of this agency."))
        taken = AgencyViewer.employee_id == employee_id
    else:
        if session.scalar(select(Position.id).where(Position.id == position_id)) is None:
            raise Invalid("position_id", _("This position is not of this agency."))
        taken = AgencyViewer.position_id == position_id
    if session.scalar(select(AgencyViewer.id).where(taken)) is not None:
        raise Conflict(_("Already in the list."))
    row = AgencyViewer(employee_id=employee_id, position_id=position_id)
    try:
        # Two clicks at once both pass the check above: the unique constraint decides, and
        # the loser hears what the check would have said (not a 500).
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise Conflict(_("Already in the list.")) from None
    audit.record(
        session,
        "agency_viewer.named",
        "agency_viewer",
        row.id,
        changes={"employee_id": [None, employee_id], "position_id": [None, position_id]},
    )
    return row


def unname(session: Session, viewer_id: int) -> None:
    """Take a line off the list; audited."""
    # Under its row lock: of two clicks at once one removes it, the other finds it gone (404),
    # and the audit log says it once (both used to record the removal).
    row = workflow.locked(session, load_or_404(session, AgencyViewer, viewer_id))
    audit.record(
        session,
        "agency_viewer.removed",
        "agency_viewer",
        row.id,
        changes={"employee_id": [row.employee_id, None], "position_id": [row.position_id, None]},
    )
    session.delete(row)
    session.flush()
