"""The permission core: deny by default, one rule per kind, and the named questions."""

from __future__ import annotations

import pytest

from kinerja import permissions as perm
from tests.permission_table import COVERED, PRINCIPALS, resource
from tests.walks import import_everything, import_tests


@pytest.fixture(scope="module", autouse=True)
def _every_rule() -> None:
    import_everything()  # every module that registers a rule, wherever it is imported from


def test_every_registered_kind_has_a_table_test() -> None:
    """Walks the registry: a kind registered anywhere (core or installed plugin) without a table
    in a test_permissions_* module fails here, naming it."""
    modules = import_tests("test_permissions_*.py")
    assert len(modules) >= 5
    kinds = set(perm.kinds())
    assert len(kinds) >= 18  # a walk that imported nothing would find nothing missing
    missing = sorted(kinds - set(COVERED))
    assert not missing, f"kinds without a table in tests/test_permissions_*.py: {missing}"
    assert not set(COVERED) - kinds, "a table for a kind nobody registers"


def test_unknown_actions_and_kinds_are_refused() -> None:
    p = PRINCIPALS["admin_opd"]
    assert not perm.can(p, "delete_everything", resource("employee", "own"))
    assert not perm.can(p, "view", perm.Resource(kind="secret", tenant_id=1))


def test_a_kind_has_one_owner() -> None:
    with pytest.raises(ValueError, match="already registered"):
        perm.register("employee", lambda p, a, r: True)


@pytest.mark.parametrize(
    ("who", "member", "admin", "visiting", "must_enter"),
    [
        ("anonymous", False, False, False, False),
        ("pegawai", True, False, False, False),
        ("admin_opd", True, True, False, False),
        ("admin_kota", False, False, False, True),
        ("admin_kota_entered", False, False, True, False),
    ],
)
def test_named_questions(who: str, member: bool, admin: bool, visiting: bool, must_enter: bool):
    p = PRINCIPALS[who]
    assert perm.is_member(p) is member
    assert perm.is_agency_admin(p) is admin
    assert perm.is_visiting_city_admin(p) is visiting
    assert perm.must_enter_first(p) is must_enter
    assert perm.may_be_inside(p) is (member or visiting)


def test_a_visiting_city_admin_only_reads_whatever_a_rule_says(monkeypatch) -> None:
    monkeypatch.setattr(perm, "_RULES", dict(perm._RULES))  # the throwaway kind goes afterwards
    perm.register("test_kind_everything", lambda p, a, r: True)
    target = perm.Resource(kind="test_kind_everything", tenant_id=1)
    entered = PRINCIPALS["admin_kota_entered"]
    assert perm.can(entered, "view", target)
    assert not perm.can(entered, "edit", target) and not perm.can(entered, "manage", target)
    assert not perm.can(PRINCIPALS["member_elsewhere"], "view", target)


def test_every_listed_kind_filters_rows_as_its_rule_answers() -> None:
    """`reach` (the SQL filter of lists, feeds and counts) and `can` (one record) are one rule:
    for every kind with a filter, every principal and every employee, they agree."""
    from tests.permission_table import ME, PEER, SUB, SUBSUB, A

    listed = perm.listed_kinds()
    assert {"skp", "work_entry", "evaluation", "report", "employee"} <= set(listed)
    for kind in listed:
        for name, principal in PRINCIPALS.items():
            seen = perm.reach(principal, kind)
            for employee in (ME, SUB, SUBSUB, PEER, 999):
                tenant = principal.tenant_id or A  # reach is within the principal's agency
                one = perm.Resource(kind=kind, tenant_id=tenant, employee_id=employee)
                assert perm.can(principal, perm.VIEW, one) == seen.allows(employee), (
                    kind,
                    name,
                    employee,
                )
