"""The Matriks Peran Hasil of a year, for what the asking person may see (the agency, a unit)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja import permissions as perm
from kinerja.organisation.models import OrgUnit
from kinerja.people.models import Employee
from kinerja.performance import flow, matrix
from kinerja.performance.models import OrgTarget, Skp
from kinerja.performance.permissions import SKP


def unit_subtree(session: Session, unit_id: int) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for uid, parent in session.execute(select(OrgUnit.id, OrgUnit.parent_id)):
        children.setdefault(parent, []).append(uid)
    found, todo = set(), [unit_id]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.add(current)
        todo.extend(children.get(current, []))
    return found


def people_in_view(
    session: Session, principal: perm.Principal, unit_id: int | None
) -> set[int] | None:
    """Employees whose plans are in the view; None: everyone (the whole agency)."""
    seen = perm.reach(principal, SKP)
    people: set[int] | None = None if seen.everyone else set(seen.employee_ids)
    if unit_id is not None:
        units = unit_subtree(session, unit_id)
        in_units = set(session.scalars(select(Employee.id).where(Employee.org_unit_id.in_(units))))
        people = in_units if people is None else people & in_units
    return people


def build(
    session: Session, principal: perm.Principal, year: int, unit_id: int | None = None
) -> tuple[list[matrix.Node], list[matrix.Node]]:
    people = people_in_view(session, principal, unit_id)
    rows = flow.matrix_rows(session, year, people)
    ikis = flow.iki_texts(session, year)
    targets = []
    if people is None:
        targets = [
            (t.id, f"{t.code}: {t.text}")
            for t in session.scalars(
                select(OrgTarget).where(OrgTarget.year == year).order_by(OrgTarget.code)
            )
        ]
    leaders = {
        boss
        for boss in session.scalars(
            select(Employee.superior_id)
            .join(Skp, Skp.employee_id == Employee.id)
            .where(Skp.year == year, Employee.superior_id.is_not(None))
        )
        if boss is not None
    }
    return matrix.build(
        targets,
        (
            matrix.Row(rid, emp, name, status, kind, text, parent, target, tuple(ikis.get(rid, ())))
            for rid, emp, name, status, kind, text, parent, target in rows
        ),
        leaders,
    )
