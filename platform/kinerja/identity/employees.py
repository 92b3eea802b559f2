"""Employees (pegawai) and their hierarchy; the session is already scoped to one tenant."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, literal_column, or_, select
from sqlalchemy.orm import Session

from kinerja.db.search import contains
from kinerja.exceptions import Conflict, Invalid, NotFound
from kinerja.identity import audit, classification, nip
from kinerja.identity.models import Employee, Position
from kinerja.organisation.models import OrgUnit

FIELDS = (
    "nip",
    "name",
    "email",
    "asn_type",
    "golongan",
    "position_id",
    "org_unit_id",
    "superior_id",
    "active",
)
SELF_EDITABLE = ("email",)


def snapshot(employee: Employee) -> dict[str, Any]:
    return {key: getattr(employee, key) for key in FIELDS}


def query_employees(
    q: str | None = None, org_unit_id: int | None = None, active: bool | None = None
) -> Select[Any]:
    query = select(Employee).order_by(Employee.name, Employee.id)
    if q:
        pattern = contains(q)
        query = query.where(or_(Employee.name.ilike(pattern), Employee.nip.like(pattern)))
    if org_unit_id is not None:
        query = query.where(Employee.org_unit_id == org_unit_id)
    if active is not None:
        query = query.where(Employee.active == active)
    return query


def restrict_to_visible(query: Select[Any], principal: Any, tenant_id: int) -> Select[Any] | None:
    """Narrow an employee query to what `principal` may see; None when nothing at all.

    Admins (and a city admin who entered) see everyone; a superior sees themself and their
    direct and indirect subordinates; a pegawai, themself.
    """
    from kinerja.identity import permissions as perm

    if perm.can(principal, perm.VIEW, perm.Resource(perm.EMPLOYEE, tenant_id)):
        return query
    if not principal.roles:
        return None
    visible = set(principal.subordinate_ids) | {principal.employee_id or -1}
    return query.where(Employee.id.in_(visible))


def get_employee(session: Session, employee_id: int) -> Employee:
    employee = session.scalar(select(Employee).where(Employee.id == employee_id))
    if employee is None:
        raise NotFound(f"Employee {employee_id} not found")
    return employee


def by_nip(session: Session, value: str) -> Employee | None:
    return session.scalar(select(Employee).where(Employee.nip == value))


def subordinate_ids(session: Session, employee_id: int) -> frozenset[int]:
    """Direct and indirect subordinates, by walking the hierarchy down in the database."""
    tree = (
        select(Employee.id).where(Employee.superior_id == employee_id).cte("below", recursive=True)
    )
    tree = tree.union(select(Employee.id).where(Employee.superior_id == tree.c.id))
    return frozenset(session.scalars(select(tree.c.id)))


def _check_superior(session: Session, employee_id: int | None, superior_id: int | None) -> None:
    if superior_id is None:
        return
    if superior_id == employee_id:
        raise Conflict("An employee cannot be their own superior")
    superior = session.scalar(select(Employee).where(Employee.id == superior_id))
    if superior is None:
        raise Invalid("superior_id", f"Employee {superior_id} does not exist in this agency")
    if employee_id is None:
        return
    # Walk up from the proposed superior: meeting the employee means a cycle.
    chain = (
        select(Employee.id, Employee.superior_id, literal_column("1").label("depth"))
        .where(Employee.id == superior_id)
        .cte("above", recursive=True)
    )
    chain = chain.union_all(
        select(Employee.id, Employee.superior_id, chain.c.depth + 1)
        .where(Employee.id == chain.c.superior_id)
        .where(chain.c.depth < 1000)
    )
    ids = set(session.scalars(select(chain.c.id)))
    if employee_id in ids:
        raise Conflict("This superior would create a cycle: the employee is already above them")


def validate(session: Session, data: Mapping[str, Any], employee_id: int | None = None) -> None:
    """Check every rule on the fields present in `data`; raise `Invalid` naming the field."""
    if "nip" in data:
        try:
            nip.parse(data["nip"])
        except nip.NipError as error:
            raise Invalid("nip", f"{error} (rule: {error.rule})") from None
        existing = by_nip(session, data["nip"].strip())
        if existing is not None and existing.id != employee_id:
            raise Conflict(f"An employee with NIP {data['nip']} already exists")
    asn_type = data.get("asn_type")
    if asn_type is not None and asn_type not in classification.ASN_TYPES:
        raise Invalid("asn_type", "must be PNS or PPPK")
    if data.get("golongan"):
        if asn_type is None and employee_id is not None:
            asn_type = get_employee(session, employee_id).asn_type
        if not classification.golongan_valid(asn_type or "", data["golongan"]):
            raise Invalid("golongan", f"{data['golongan']!r} is not a golongan of {asn_type}")
    if (
        data.get("position_id") is not None
        and session.scalar(select(Position.id).where(Position.id == data["position_id"])) is None
    ):
        raise Invalid("position_id", f"Position {data['position_id']} does not exist here")
    if (
        data.get("org_unit_id") is not None
        and session.scalar(select(OrgUnit.id).where(OrgUnit.id == data["org_unit_id"])) is None
    ):
        raise Invalid("org_unit_id", f"Unit {data['org_unit_id']} does not exist here")
    if "superior_id" in data:
        _check_superior(session, employee_id, data["superior_id"])


def create_employee(session: Session, data: Mapping[str, Any]) -> Employee:
    validate(session, data)
    values = {k: data[k] for k in FIELDS if k in data}
    values["nip"] = values["nip"].strip()
    employee = Employee(**values)
    session.add(employee)
    session.flush()
    audit.record(
        session,
        "employee.create",
        "employee",
        employee.id,
        changes=audit.diff({}, snapshot(employee)),
        subject_employee_id=employee.id,
    )
    return employee


def update_employee(session: Session, employee: Employee, data: Mapping[str, Any]) -> dict:
    """Apply `data`, audit what changed, and return that diff."""
    validate(session, data, employee.id)
    before = snapshot(employee)
    for key in FIELDS:
        if key in data:
            setattr(employee, key, data[key].strip() if key == "nip" else data[key])
    session.flush()
    changes = audit.diff(before, snapshot(employee))
    if changes:
        audit.record(
            session,
            "employee.update",
            "employee",
            employee.id,
            changes=changes,
            subject_employee_id=employee.id,
        )
    return changes
