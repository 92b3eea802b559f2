"""Employees (pegawai) and their hierarchy; the session is already scoped to one tenant."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Select, literal_column, or_, select
from sqlalchemy.orm import Session

from kinerja import audit
from kinerja import permissions as perm
from kinerja.db.load import load_or_404
from kinerja.db.search import contains
from kinerja.exceptions import Conflict, Invalid
from kinerja.i18n import _
from kinerja.organisation.models import OrgUnit
from kinerja.people import addresses, classification, nip
from kinerja.people.events import employee_left, employee_returned
from kinerja.people.models import Employee, Position
from kinerja.people.permissions import EMPLOYEE

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


def resource(employee: Employee) -> perm.Resource:
    """The employee record as the permission rules see it."""
    return perm.Resource(
        EMPLOYEE, employee.tenant_id, employee_id=employee.id, user_id=employee.user_id
    )


def restrict_to_visible(query: Select[Any], principal: perm.Principal) -> Select[Any] | None:
    """Narrow an employee query to what `principal` may see; None when nothing at all.

    Admins (and a city admin who entered) see everyone; a superior sees themself and their
    direct and indirect subordinates; a pegawai, themself.
    """
    seen = perm.reach(principal, EMPLOYEE)
    if not seen.everyone and not seen.employee_ids:
        return None
    return query.where(seen.where(Employee.id))


def get_employee(session: Session, employee_id: int) -> Employee:
    return load_or_404(session, Employee, employee_id)


def by_nip(session: Session, value: str) -> Employee | None:
    return session.scalar(select(Employee).where(Employee.nip == value))


def superior_by_nip(session: Session, value: str) -> int | None:
    """The id of the superior named by NIP (empty: no superior); `Invalid` when unknown."""
    value = value.strip().replace(" ", "")
    if not value:
        return None
    superior = by_nip(session, value[:18]) if len(value) <= 18 else None
    if superior is None:
        raise Invalid("superior_nip", _("No employee of this agency has the superior's NIP."))
    return superior.id


def names(session: Session, employee_ids: Iterable[int]) -> dict[int, str]:
    """Names of the given employees, in one query (for lists that show who)."""
    ids = set(employee_ids)
    if not ids:
        return {}
    rows = session.execute(select(Employee.id, Employee.name).where(Employee.id.in_(ids)))
    return {employee_id: name for employee_id, name in rows}


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
        raise Conflict(_("An employee cannot be their own superior."))
    superior = session.scalar(select(Employee).where(Employee.id == superior_id))
    if superior is None:
        raise Invalid("superior_id", _("This superior is not an employee of this agency."))
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
        raise Conflict(_("This superior would make a cycle: the employee is already above them."))


def validate(session: Session, data: Mapping[str, Any], employee_id: int | None = None) -> None:
    """Check every rule on the fields present in `data`; raise `Invalid` naming the field."""
    if "nip" in data:
        try:
            nip.parse(data["nip"])
        except nip.NipError as error:
            raise Invalid("nip", nip.describe(error.rule)) from None
        existing = by_nip(session, data["nip"].strip())
        if existing is not None and existing.id != employee_id:
            raise Conflict(_("An employee with NIP %(nip)s already exists.", nip=data["nip"]))
    asn_type = data.get("asn_type")
    if asn_type is not None and asn_type not in classification.ASN_TYPES:
        raise Invalid("asn_type", _("Must be PNS or PPPK."))
    if data.get("golongan"):
        if asn_type is None and employee_id is not None:
            asn_type = get_employee(session, employee_id).asn_type
        if not classification.golongan_valid(asn_type or "", data["golongan"]):
            raise Invalid(
                "golongan",
                _("%(g)s is not a golongan of %(t)s.", g=data["golongan"], t=asn_type or "-"),
            )
    if (
        data.get("position_id") is not None
        and session.scalar(select(Position.id).where(Position.id == data["position_id"])) is None
    ):
        raise Invalid("position_id", _("This position does not exist in this agency."))
    if (
        data.get("org_unit_id") is not None
        and session.scalar(select(OrgUnit.id).where(OrgUnit.id == data["org_unit_id"])) is None
    ):
        raise Invalid("org_unit_id", _("This work unit does not exist in this agency."))
    if "superior_id" in data:
        _check_superior(session, employee_id, data["superior_id"])


def _clean_email(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The e-mail by the one rule of `addresses`, whichever edge it came from."""
    if "email" not in data:
        return data
    try:
        return {**data, "email": addresses.clean(data["email"])}
    except ValueError:
        raise Invalid("email", _(addresses.MESSAGE)) from None


def create_employee(session: Session, data: Mapping[str, Any]) -> Employee:
    data = _clean_email(data)
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
    data = _clean_email(data)
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
    announce_activity(session, employee, before["active"])
    return changes


def announce_activity(session: Session, employee: Employee, was_active: bool | None) -> None:
    """Tell the modules that act on it (identity) that the employee left or came back."""
    if was_active and not employee.active:
        employee_left.send(session, employee=employee)
    elif was_active is False and employee.active:
        employee_returned.send(session, employee=employee)
