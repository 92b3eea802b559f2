"""Who decides on whom, from the hierarchy: the one definition behind the SKP's Pejabat Penilai,
the daily entry's verifier, the 360° superior and the principal's `decides_for`.

An employee's rater is their nearest active superior: a vacant (inactive) post above them is
walked through to the next active one up ("acting"). Nobody active above (the head of the
agency): the admin OPD decides. `active_above` walks up for one person; `rated_by` and
`unrated` are the same rule walked down, for whole sets (feeds, counts, permissions), so the
two directions cannot disagree (tests/test_skp_rules.py checks them against each other).
`performance.skp` names them for the domain (`chain`, `rater_of`, `rated_by`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session, aliased

from kinerja.db.scoping import current_tenant_id
from kinerja.people.models import Employee


def employee(session: Session, employee_id: int | None) -> Employee | None:
    """By primary key: an employee loaded earlier in the request costs no query."""
    tenant_id = current_tenant_id(session)
    if employee_id is None or tenant_id is None:
        return None
    return session.get(Employee, {"tenant_id": tenant_id, "id": employee_id})


def active_above(session: Session, person: Employee) -> tuple[Employee | None, bool]:
    """(the nearest active superior or None, whether a vacant post was walked through)."""
    skipped, seen = False, {person.id}
    above = employee(session, person.superior_id)
    while above is not None and above.id not in seen:
        if above.active:
            return above, skipped
        skipped = True
        seen.add(above.id)
        above = employee(session, above.superior_id)
    return None, skipped


def rater_of(session: Session, employee_id: int | None) -> int | None:
    """The id of the employee's rater (`active_above`); None when nobody active is above them
    (the admin OPD decides) or the employee is unknown."""
    person = employee(session, employee_id)
    above = active_above(session, person)[0] if person is not None else None
    return above.id if above is not None else None


def directly_rated(tenant_id: Any, employee_id: Any, rater_id: Any) -> ColumnElement[bool]:
    """SQL: `rater_id` is the employee's direct superior and active, so their rater (the common
    case of `active_above`, the one a cached principal's rater is checked against at the moment
    of a write: a superior moved since the cache was read no longer matches). False says
    nothing either way (a vacant post in between): ask `rater_of`."""
    superior = aliased(Employee, name="rater_now")
    return exists(
        select(superior.id)
        .join(Employee, Employee.superior_id == superior.id)
        .where(
            Employee.id == employee_id,
            superior.id == rater_id,
            superior.active.is_(True),
            Employee.tenant_id == tenant_id,
            superior.tenant_id == tenant_id,
        )
    )


def rates(session: Session, rater_id: int, employee_id: int) -> bool:
    """Whether `rater_id` is the employee's rater now, read from the database: one statement
    when they are the active direct superior; else the walk (`rater_of`)."""
    tenant_id = current_tenant_id(session)
    if session.scalar(select(directly_rated(tenant_id, employee_id, rater_id))):
        return True
    return rater_of(session, employee_id) == rater_id


def _below(session: Session, start: ColumnElement[bool]) -> set[int]:
    """The employees matching `start`, and below each inactive one of them, its subordinates,
    down to (and including) the next active ones."""
    below = select(Employee.id, Employee.active).where(start).cte("below", recursive=True)
    # UNION, not UNION ALL: a loop in the hierarchy ends instead of recursing forever.
    below = below.union(
        select(Employee.id, Employee.active).where(
            Employee.superior_id == below.c.id, below.c.active.is_(False)
        )
    )
    return set(session.scalars(select(below.c.id)))


def rated_by(session: Session, rater_id: int | None) -> set[int]:
    """The employees whose rater is `rater_id`: the inverse of `active_above`. Their direct
    subordinates, and below a vacant (inactive) post under them, the people it would have
    rated, down to the next active one."""
    if rater_id is None:
        return set()
    start = (Employee.superior_id == rater_id) & (Employee.id != rater_id)
    return _below(session, start) - {rater_id}


def unrated(session: Session) -> set[int]:
    """The employees with nobody active above them (the head of the agency; those below a
    vacant top post): the admin OPD decides on them."""
    return _below(session, Employee.superior_id.is_(None))


def decides_for(session: Session, employee_id: int | None, admin: bool) -> frozenset[int]:
    """Whose plan and entries `employee_id` decides on: those they rate, and for the admin
    OPD those nobody rates; never their own."""
    found = rated_by(session, employee_id)
    if admin:
        found |= unrated(session)
    return frozenset(found - {employee_id} if employee_id is not None else found)
