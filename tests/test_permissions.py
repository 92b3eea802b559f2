"""The permission module, table-driven: every role against every kind of object, for objects that
are the principal's own, a subordinate's, a peer's, and another tenant's."""

from __future__ import annotations

import pytest

from kinerja.identity import permissions as perm

A, B = 1, 2  # tenants
ME, SUB, SUBSUB, PEER = 10, 11, 12, 13  # employees in A; SUBSUB reports to SUB
ME_USER, PEER_USER = 100, 101

PRINCIPALS = {
    "anonymous": perm.Principal(),
    "pegawai": perm.Principal(
        user_id=ME_USER, tenant_id=A, roles=frozenset({"pegawai"}), employee_id=ME
    ),
    "superior": perm.Principal(
        user_id=ME_USER,
        tenant_id=A,
        roles=frozenset({"pegawai"}),
        employee_id=ME,
        subordinate_ids=frozenset({SUB, SUBSUB}),
    ),
    "admin_opd": perm.Principal(
        user_id=ME_USER, tenant_id=A, roles=frozenset({"pegawai", "admin_opd"}), employee_id=ME
    ),
    "admin_kota": perm.Principal(user_id=ME_USER, tenant_id=A, city_admin=True),
    "admin_kota_entered": perm.Principal(
        user_id=ME_USER, tenant_id=A, city_admin=True, entered_tenant=True
    ),
    "member_elsewhere": perm.Principal(
        user_id=ME_USER, tenant_id=3, roles=frozenset({"pegawai", "admin_opd"}), employee_id=ME
    ),
}


def resource(kind: str, relation: str) -> perm.Resource:
    tenant = B if relation == "other_tenant" else A
    employee = {"own": ME, "subordinate": SUBSUB, "peer": PEER, "other_tenant": PEER}[relation]
    user = ME_USER if relation == "own" else PEER_USER
    return perm.Resource(kind=kind, tenant_id=tenant, employee_id=employee, user_id=user)


# principal -> kind -> relation -> allowed actions ("v"iew, "e"dit, "m"anage)
ALL = {"own": "vem", "subordinate": "vem", "peer": "vem", "other_tenant": ""}
NONE = {"own": "", "subordinate": "", "peer": "", "other_tenant": ""}
PUBLIC_VIEW = {"own": "v", "subordinate": "v", "peer": "v", "other_tenant": "v"}
TENANT_VIEW = {"own": "v", "subordinate": "v", "peer": "v", "other_tenant": ""}
EVERY_TENANT_VIEW = PUBLIC_VIEW

EXPECTED: dict[str, dict[str, dict[str, str]]] = {
    "anonymous": {k: NONE for k in perm.KINDS} | {"org_unit": PUBLIC_VIEW},
    "pegawai": {
        "employee": {"own": "ve", "subordinate": "", "peer": "", "other_tenant": ""},
        "org_unit": PUBLIC_VIEW,
        "position": TENANT_VIEW,
        "membership": NONE,
        "token": {"own": "vem", "subordinate": "", "peer": "", "other_tenant": ""},
        "audit": {"own": "v", "subordinate": "", "peer": "", "other_tenant": ""},
        "import": NONE,
        "aggregate": TENANT_VIEW,
    },
    "superior": {
        "employee": {"own": "ve", "subordinate": "v", "peer": "", "other_tenant": ""},
        "org_unit": PUBLIC_VIEW,
        "position": TENANT_VIEW,
        "membership": NONE,
        "token": {"own": "vem", "subordinate": "", "peer": "", "other_tenant": ""},
        "audit": {"own": "v", "subordinate": "", "peer": "", "other_tenant": ""},
        "import": NONE,
        "aggregate": TENANT_VIEW,
    },
    "admin_opd": {k: ALL for k in perm.KINDS}
    | {"org_unit": {**ALL, "other_tenant": "v"}, "aggregate": TENANT_VIEW},
    "admin_kota": {k: NONE for k in perm.KINDS}
    | {"org_unit": PUBLIC_VIEW, "aggregate": EVERY_TENANT_VIEW},
    "admin_kota_entered": {k: TENANT_VIEW for k in perm.KINDS}
    | {"org_unit": PUBLIC_VIEW, "aggregate": EVERY_TENANT_VIEW, "audit": NONE},
    "member_elsewhere": {k: NONE for k in perm.KINDS} | {"org_unit": PUBLIC_VIEW},
}

CASES = [
    (who, kind, relation)
    for who in PRINCIPALS
    for kind in perm.KINDS
    for relation in ("own", "subordinate", "peer", "other_tenant")
]


@pytest.mark.parametrize(("who", "kind", "relation"), CASES)
def test_permission_table(who: str, kind: str, relation: str) -> None:
    principal = PRINCIPALS[who]
    target = resource(kind, relation)
    allowed = "".join(a[0] for a in perm.ACTIONS if perm.can(principal, a, target))
    assert allowed == EXPECTED[who][kind][relation]


def test_city_admin_who_entered_reads_only_entry_records_in_the_audit_log() -> None:
    p = PRINCIPALS["admin_kota_entered"]
    entry = perm.Resource(kind="audit", tenant_id=A, extra={"action": "city_admin.enter"})
    other = perm.Resource(kind="audit", tenant_id=A, extra={"action": "employee.update"})
    assert perm.can(p, "view", entry) and not perm.can(p, "view", other)
    assert not perm.can(PRINCIPALS["admin_kota"], "view", entry)


def test_unknown_actions_and_kinds_are_refused() -> None:
    p = PRINCIPALS["admin_opd"]
    assert not perm.can(p, "delete_everything", resource("employee", "own"))
    assert not perm.can(p, "view", perm.Resource(kind="secret", tenant_id=A))
