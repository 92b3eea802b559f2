"""Who may do what: the principal, the named questions, and a rule per resource kind.

Each module that owns a kind of object registers its rule here (`register`); a kind without a
rule is denied to everyone. Views, services and templates all ask the same questions (`can`,
`is_agency_admin`, …); none decides on its own. Nothing crosses tenants: another tenant's object
is invisible (the callers answer 404), never "forbidden".

Rules of the identity issue, kept by the registered rules:
- a pegawai sees their own data; a superior also sees the data of direct and indirect
  subordinates (from the hierarchy, not from a role);
- who decides on a plan or an entry is one person: the nearest active superior (through vacant
  posts), or the admin OPD for those nobody rates (`decides`, from `people.raters`);
- an admin_opd manages their own agency (tenant);
- the city admin (admin_kota, BKPSDM) sees aggregates of every agency, and personal data of one
  agency only after explicitly entering it (audited), and then only to read;
- the head of the agency and those the agency names (the sekretaris …) oversee it: its figures,
  the predikat curve and every evaluation's state, read-only (`oversees_agency`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, overload

from sqlalchemy import ColumnElement, false, true

VIEW, EDIT, MANAGE = "view", "edit", "manage"
ACTIONS = (VIEW, EDIT, MANAGE)

T = TypeVar("T")

ROLE_PEGAWAI = "pegawai"  # a member of the agency's staff
ROLE_ADMIN_OPD = "admin_opd"  # the agency's administrator
ROLE_ADMIN_KOTA = "admin_kota"  # the city's personnel agency (BKPSDM); not a tenant role
TENANT_ROLES = (ROLE_PEGAWAI, ROLE_ADMIN_OPD)


class _Lazy(Generic[T]):
    """A principal's field given as its value or as a function that gives it, called the first
    time something asks: the subordinates tree is a recursive query and the rater a walk up the
    hierarchy, which most requests never need (a cached principal brings them already known)."""

    def __init__(self, default: T, convert: Callable[[Any], T] = lambda value: value) -> None:
        self.default = default
        self.convert = convert

    def __set_name__(self, owner: type, name: str) -> None:
        # Kept in the instance's __dict__ under the field's own name (the class's descriptor
        # still answers first), so `Principal(**p.__dict__)` copies a principal as before.
        self.slot = name

    @overload
    def __get__(self, obj: None, objtype: Any = None) -> T: ...
    @overload
    def __get__(self, obj: object, objtype: Any = None) -> T: ...
    def __get__(self, obj: object | None, objtype: Any = None) -> T:
        if obj is None:
            return self.default  # the dataclass's default
        value = obj.__dict__[self.slot]
        if callable(value):
            value = self.convert(value())
            obj.__dict__[self.slot] = value
        return value

    def __set__(self, obj: object, value: T | Callable[[], T]) -> None:
        obj.__dict__[self.slot] = value


@dataclass(frozen=True)
class Principal:
    """Who is asking, as seen from one tenant (or from none, outside the agencies)."""

    user_id: int | None = None
    tenant_id: int | None = None
    roles: frozenset[str] = frozenset()  # roles in `tenant_id`
    employee_id: int | None = None  # their employee record in `tenant_id`
    # direct and indirect; given as a function by `identity.principal`, walked when first asked
    subordinate_ids: _Lazy[frozenset[int]] = _Lazy(frozenset(), frozenset)
    # Whose plan and entries they decide on (`people.raters.decides_for`: those they rate as
    # the nearest active superior, through vacant posts; for the admin OPD, those nobody rates).
    decides_for: frozenset[int] = frozenset()
    city_admin: bool = False
    entered_tenant: bool = False  # city admin explicitly entered `tenant_id` (audited)
    # the head of the agency, or someone the agency names to see it (people/overseers.py)
    oversees: bool = False
    name: str | None = None  # display name, for the header
    # Their own rater (`people.raters.rater_of`: the nearest active superior; None, the admin
    # OPD decides): whom their submitted entries wait for, without a query when cached.
    rater_id: _Lazy[int | None] = _Lazy(None)
    # Built by `identity.principal` from the agency's data (the cache or the database): its
    # `decides_for` and `rater_id` are the hierarchy's answers, and hot paths use them instead
    # of asking again. A principal made by hand (a job, the demo, a test) is not: its workflows
    # work those out themselves.
    complete: bool = False

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
            return ROLE_ADMIN_KOTA
        return None


@dataclass(frozen=True)
class Resource:
    kind: str
    tenant_id: int
    employee_id: int | None = None  # whose data it is (for personal kinds)
    user_id: int | None = None  # whose token or membership it is
    extra: dict[str, object] = field(default_factory=dict)


# --- the named questions -----------------------------------------------------------------------
def is_member(p: Principal) -> bool:
    """Holds a role in the principal's tenant."""
    return p.authenticated and p.tenant_id is not None and bool(p.roles)


def is_agency_admin(p: Principal) -> bool:
    return is_member(p) and ROLE_ADMIN_OPD in p.roles


def is_city_admin(p: Principal) -> bool:
    return p.authenticated and p.city_admin


def is_visiting_city_admin(p: Principal) -> bool:
    """A city admin inside an agency they entered explicitly (read-only, audited)."""
    return is_city_admin(p) and not p.roles and p.tenant_id is not None and p.entered_tenant


def must_enter_first(p: Principal) -> bool:
    """A city admin at an agency's door who has not entered it yet."""
    return is_city_admin(p) and not p.roles and p.tenant_id is not None and not p.entered_tenant


def may_appoint_admin(p: Principal) -> bool:
    """The city admin may give an agency its admin OPD, whether or not they entered it."""
    return is_city_admin(p) and not p.roles and p.tenant_id is not None


def may_be_inside(p: Principal) -> bool:
    """May see anything of the principal's tenant at all: a member, or a city admin who entered."""
    return is_member(p) or is_visiting_city_admin(p)


def oversees_agency(p: Principal) -> bool:
    """The agency's head or someone it names (the sekretaris …): sees the agency as a whole
    (its figures, the curve, every evaluation's state), to read; deciding stays the workflow's."""
    return is_member(p) and p.oversees


def leads(p: Principal) -> bool:
    """Has anyone below them. Asked of the cached `decides_for` first: whoever has a
    subordinate decides on them, so the subordinates tree is seldom walked here."""
    return bool(p.decides_for or p.subordinate_ids)


def has_team(p: Principal) -> bool:
    """Has people whose daily work to follow: those they lead or decide on, or, for the admin
    OPD, the agency's. The team's pages and the menu's "Team" ask this."""
    return is_member(p) and (is_agency_admin(p) or leads(p))


def is_self(p: Principal, r: Resource) -> bool:
    if r.employee_id is not None and r.employee_id == p.employee_id:
        return True
    return r.user_id is not None and r.user_id == p.user_id


def is_superior_of(p: Principal, employee_id: int | None) -> bool:
    if employee_id is None:
        return False
    # Whom one rates is below one (`raters.rated_by` walks down from one's post): a complete
    # principal answers for them from the cached `decides_for`, without walking the subtree
    # (the admin OPD's also holds those nobody rates, who are not below them).
    if p.complete and ROLE_ADMIN_OPD not in p.roles and employee_id in p.decides_for:
        return True
    return employee_id in p.subordinate_ids


def decides(p: Principal, employee_id: int | None) -> bool:
    """Decides on this employee's plan and entries: their rater (Pejabat Penilai), or the admin
    OPD for one nobody rates. The same answer as the workflows' roles (`performance.skp.chain`)
    from the same rule (`people.raters`), so a permission never lets a superior act where the
    workflow would refuse, nor hides from the rater what they must decide."""
    return is_member(p) and employee_id is not None and employee_id in p.decides_for


# --- whose records: one rule, as a question and as a filter ------------------------------------
@dataclass(frozen=True)
class Reach:
    """Whose records of a kind a principal may see: everyone's in the agency, or these
    employees'. The SQL form of a rule's VIEW answer: lists, feeds, counts and exports filter
    with `where`, so they cannot disagree with `can` (a test walks every registered kind)."""

    everyone: bool = False
    employee_ids: frozenset[int] = frozenset()

    def allows(self, employee_id: int | None) -> bool:
        return self.everyone or (employee_id is not None and employee_id in self.employee_ids)

    def where(self, column: Any) -> ColumnElement[bool]:
        if self.everyone:
            return true()
        return column.in_(sorted(self.employee_ids)) if self.employee_ids else false()


NOBODY = Reach()


def sees_person(p: Principal, employee_id: int | None) -> bool:
    """Who may see an employee's records (plan, entries, evaluations, reports, profile): the
    employee, their superiors up the chain, the agency's admin and a city admin who entered."""
    if is_agency_admin(p) or is_visiting_city_admin(p):
        return True
    if not is_member(p) or employee_id is None:
        return False
    return employee_id == p.employee_id or is_superior_of(p, employee_id)


def people_seen(p: Principal) -> Reach:
    """`sees_person` as a filter: the rows of personal kinds `p` may see."""
    if is_agency_admin(p) or is_visiting_city_admin(p):
        return Reach(everyone=True)
    if not is_member(p):
        return NOBODY
    own = {p.employee_id} if p.employee_id is not None else set()
    return Reach(employee_ids=frozenset(p.subordinate_ids) | own)


def decided(p: Principal) -> Reach:
    """`decides` as a filter: the rows waiting for this principal's decision."""
    return Reach(employee_ids=p.decides_for) if is_member(p) else NOBODY


# --- rules per kind ----------------------------------------------------------------------------
Rule = Callable[[Principal, str, Resource], bool]
Rows = Callable[[Principal], Reach]
_RULES: dict[str, Rule] = {}
_ROWS: dict[str, Rows] = {}


def register(kind: str, rule: Rule, rows: Rows | None = None) -> None:
    """Give `kind` its rule, and for kinds listed by whose they are, `rows`: the same rule's
    VIEW answer as a filter. One owner per kind (a second registration is a programming error)."""
    if kind in _RULES and _RULES[kind] is not rule:
        raise ValueError(f"permission rule for {kind!r} is already registered")
    _RULES[kind] = rule
    if rows is not None:
        _ROWS[kind] = rows


def listed_kinds() -> tuple[str, ...]:
    """The kinds with a row filter (`reach`)."""
    return tuple(sorted(_ROWS))


def reach(p: Principal, kind: str) -> Reach:
    """Whose records of `kind` `p` may see, in the principal's tenant; nobody's by default."""
    rows = _ROWS.get(kind)
    if rows is None or not p.authenticated or p.tenant_id is None or not may_be_inside(p):
        return NOBODY
    return rows(p)


def kinds() -> tuple[str, ...]:
    return tuple(sorted(_RULES))


def can(p: Principal, action: str, r: Resource) -> bool:
    """Deny by default: unknown actions and kinds, other tenants and strangers get nothing."""
    rule = _RULES.get(r.kind)
    if rule is None or action not in ACTIONS:
        return False
    if not p.authenticated or p.tenant_id != r.tenant_id or not may_be_inside(p):
        return False
    if is_visiting_city_admin(p) and action != VIEW:
        return False  # entering is for reading
    return rule(p, action, r)
