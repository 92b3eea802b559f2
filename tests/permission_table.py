"""Shared principals and objects for the table-driven permission tests of each module."""

from __future__ import annotations

import sys

from kinerja import permissions as perm

A, B = 1, 2  # tenants
ME, SUB, SUBSUB, PEER = 10, 11, 12, 13  # employees in A; SUBSUB reports to SUB
ME_USER, PEER_USER = 100, 101
RELATIONS = ("own", "subordinate", "peer", "other_tenant")

PRINCIPALS = {
    "anonymous": perm.Principal(tenant_id=A),
    "pegawai": perm.Principal(
        user_id=ME_USER, tenant_id=A, roles=frozenset({"pegawai"}), employee_id=ME
    ),
    "superior": perm.Principal(
        user_id=ME_USER,
        tenant_id=A,
        roles=frozenset({"pegawai"}),
        employee_id=ME,
        subordinate_ids=frozenset({SUB, SUBSUB}),
        decides_for=frozenset({SUB}),  # ME rates SUB, SUB rates SUBSUB
    ),
    "admin_opd": perm.Principal(
        user_id=ME_USER, tenant_id=A, roles=frozenset({"pegawai", "admin_opd"}), employee_id=ME
    ),
    "admin_kota": perm.Principal(user_id=ME_USER, tenant_id=A, city_admin=True),
    "admin_kota_entered": perm.Principal(
        user_id=ME_USER, tenant_id=A, city_admin=True, entered_tenant=True
    ),
    # the sekretaris, named by the agency to oversee it (the head too): no team of their own
    "overseer": perm.Principal(
        user_id=ME_USER, tenant_id=A, roles=frozenset({"pegawai"}), employee_id=ME, oversees=True
    ),
    "member_elsewhere": perm.Principal(
        user_id=ME_USER, tenant_id=3, roles=frozenset({"pegawai", "admin_opd"}), employee_id=ME
    ),
}

ALL = {"own": "vem", "subordinate": "vem", "peer": "vem", "other_tenant": ""}
NONE = {"own": "", "subordinate": "", "peer": "", "other_tenant": ""}
READ = {"own": "v", "subordinate": "v", "peer": "v", "other_tenant": ""}
OWN_ONLY = {"own": "vem", "subordinate": "", "peer": "", "other_tenant": ""}


def resource(kind: str, relation: str, **extra: object) -> perm.Resource:
    tenant = B if relation == "other_tenant" else A
    employee = {"own": ME, "subordinate": SUBSUB, "peer": PEER, "other_tenant": PEER}[relation]
    user = ME_USER if relation == "own" else PEER_USER
    return perm.Resource(
        kind=kind, tenant_id=tenant, employee_id=employee, user_id=user, extra=dict(extra)
    )


def allowed(who: str, kind: str, relation: str, **extra: object) -> str:
    target = resource(kind, relation, **extra)
    return "".join(a[0] for a in perm.ACTIONS if perm.can(PRINCIPALS[who], a, target))


# kind -> the test module whose table covers it, filled by `cases` as the test modules load:
# test_permissions.py walks every registered kind against it, so a new kind needs a table.
COVERED: dict[str, str] = {}


def cases(table: dict[str, dict[str, dict[str, str]]]) -> list[tuple[str, str, str]]:
    """Every principal against every kind of the table and every relation; a table must name
    every principal, the same kinds for each, so a new kind cannot forget one."""
    assert set(table) == set(PRINCIPALS)
    kinds = {frozenset(row) for row in table.values()}
    assert len(kinds) == 1, "every principal's row names the same kinds"
    caller = sys._getframe(1).f_globals["__name__"]  # the test module declaring the table
    for kind in next(iter(kinds)):
        owner = COVERED.setdefault(kind, caller)
        assert owner == caller, f"{kind!r} has a table in {owner} already"
    return [
        (who, kind, relation)
        for who, kinds in table.items()
        for kind in kinds
        for relation in RELATIONS
    ]
