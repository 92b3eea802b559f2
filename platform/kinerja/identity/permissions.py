"""The one place that decides who may do what. Views ask `can`/`require`; they never decide.

Rules (issue: identity):
- a pegawai sees their own data; a superior also sees the data of direct and indirect
  subordinates (from the hierarchy, not from a role);
- an admin_opd manages their own agency (tenant);
- the city admin (admin_kota, BKPSDM) sees aggregates of every agency, and personal data of one
  agency only after explicitly entering it (audited), and then only to read;
- nothing crosses tenants: another tenant's object is invisible (404), never "forbidden".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kinerja.identity.models import ROLE_ADMIN_OPD, ROLE_PEGAWAI

VIEW, EDIT, MANAGE = "view", "edit", "manage"
ACTIONS = (VIEW, EDIT, MANAGE)

# Kinds of object, and whether they are someone's personal data.
EMPLOYEE = "employee"  # the employee record (profile)
ORG_UNIT = "org_unit"
POSITION = "position"
MEMBERSHIP = "membership"
TOKEN = "token"
AUDIT = "audit"  # an audit entry
IMPORT = "import"  # employee imports
AGGREGATE = "aggregate"  # counts and distributions, no personal rows
KINDS = (EMPLOYEE, ORG_UNIT, POSITION, MEMBERSHIP, TOKEN, AUDIT, IMPORT, AGGREGATE)
PERSONAL = {EMPLOYEE, MEMBERSHIP, TOKEN, AUDIT, IMPORT}


@dataclass(frozen=True)
class Principal:
    """Who is asking, as seen from one tenant."""

    user_id: int | None = None
    tenant_id: int | None = None
    roles: frozenset[str] = frozenset()  # roles in `tenant_id`
    employee_id: int | None = None  # their employee record in `tenant_id`
    subordinate_ids: frozenset[int] = frozenset()  # direct and indirect
    city_admin: bool = False
    entered_tenant: bool = False  # city admin explicitly entered `tenant_id` (audited)

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def role(self) -> str | None:
        """The strongest role here, for the audit log."""
        if ROLE_ADMIN_OPD in self.roles:
            return ROLE_ADMIN_OPD
        if ROLE_PEGAWAI in self.roles:
            return ROLE_PEGAWAI
        if self.city_admin:
            return "admin_kota"
        return None


@dataclass(frozen=True)
class Resource:
    kind: str
    tenant_id: int
    employee_id: int | None = None  # whose data it is (for personal kinds)
    user_id: int | None = None  # whose token or membership it is
    actor_user_id: int | None = None  # for audit entries: who acted
    extra: dict[str, object] = field(default_factory=dict)


def _is_self(p: Principal, r: Resource) -> bool:
    if r.employee_id is not None and r.employee_id == p.employee_id:
        return True
    return r.user_id is not None and r.user_id == p.user_id


def can(p: Principal, action: str, r: Resource) -> bool:
    if action not in ACTIONS or r.kind not in KINDS:
        return False
    if r.kind == AGGREGATE:
        return action == VIEW and (p.city_admin or (p.tenant_id == r.tenant_id and bool(p.roles)))
    if r.kind == ORG_UNIT and action == VIEW:
        return True  # an agency's structure is public, like the list of agencies
    if not p.authenticated or p.tenant_id != r.tenant_id:
        return False
    if ROLE_ADMIN_OPD in p.roles:
        return True
    if p.city_admin and not p.roles:
        # Entered explicitly: read personal data and structure; the audit log shows only the
        # entries about city admins' own entries.
        if not p.entered_tenant or action != VIEW:
            return False
        if r.kind == AUDIT:
            return r.extra.get("action") == "city_admin.enter"
        return True
    if ROLE_PEGAWAI not in p.roles:
        return False
    own = _is_self(p, r)
    below = r.employee_id is not None and r.employee_id in p.subordinate_ids
    if r.kind == EMPLOYEE:
        return (action == VIEW and (own or below)) or (action == EDIT and own)
    if r.kind == POSITION:
        return action == VIEW
    if r.kind == TOKEN:
        return r.user_id == p.user_id
    if r.kind == AUDIT:
        return action == VIEW and r.employee_id is not None and r.employee_id == p.employee_id
    return False  # memberships and imports are the admin's
