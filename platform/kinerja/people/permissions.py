"""Permission rules of the kinds people owns: employees, positions and employee imports."""

from __future__ import annotations

from kinerja import permissions as perm

EMPLOYEE = "employee"  # the employee record (profile)
POSITION = "position"  # a jabatan
IMPORT = "import"  # employee imports
VIEWERS = "agency_viewer"  # the people and positions named to see the agency (its overseers)

# What an employee may change on their own record.
SELF_EDITABLE = ("email",)


def _employee(p: perm.Principal, action: str, r: perm.Resource) -> bool:
    if action == perm.VIEW:
        return perm.sees_person(p, r.employee_id)
    if perm.is_agency_admin(p) or perm.is_visiting_city_admin(p):
        return True
    return action == perm.EDIT and perm.is_self(p, r)


def _position(p: perm.Principal, action: str, r: perm.Resource) -> bool:
    return action == perm.VIEW or perm.is_agency_admin(p)


def _import(p: perm.Principal, action: str, r: perm.Resource) -> bool:
    return perm.is_agency_admin(p) or perm.is_visiting_city_admin(p)


def _viewers(p: perm.Principal, action: str, r: perm.Resource) -> bool:
    """The list of who oversees the agency: kept by the admin OPD, read by them, by the
    overseers themselves and by a city admin who entered."""
    if action == perm.VIEW:
        return perm.is_agency_admin(p) or perm.oversees_agency(p) or perm.is_visiting_city_admin(p)
    return perm.is_agency_admin(p)


perm.register(EMPLOYEE, _employee, perm.people_seen)
perm.register(POSITION, _position)
perm.register(IMPORT, _import)
perm.register(VIEWERS, _viewers)


def may_see_everyone(p: perm.Principal) -> bool:
    """Sees every employee of the agency (the admin, or a city admin who entered)."""
    return perm.can(p, perm.VIEW, perm.Resource(EMPLOYEE, p.tenant_id or 0))


def editable_fields(p: perm.Principal, all_fields: tuple[str, ...]) -> tuple[str, ...]:
    """The employee fields `p` may change: all for the admin, the e-mail on their own record."""
    return all_fields if perm.is_agency_admin(p) else SELF_EDITABLE
