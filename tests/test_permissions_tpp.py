"""Permission rules of the TPP, table-driven: an employee reads their own line; the admin OPD,
the overseers and a city admin who entered read the agency's; only the admin OPD corrects and
manages the month; a superior sees no subordinate's allowance."""

from __future__ import annotations

import pytest

from kinerja import permissions as perm
from kinerja import tpp  # noqa: F401 - registers the rules
from tests.permission_table import NONE, PRINCIPALS, READ, allowed, cases

OWN_READ = {"own": "v", "subordinate": "", "peer": "", "other_tenant": ""}
MANAGED = {"own": "vem", "subordinate": "vem", "peer": "vem", "other_tenant": ""}
TABLE = {
    "anonymous": {"tpp_line": NONE, "tpp_month": NONE},
    "pegawai": {"tpp_line": OWN_READ, "tpp_month": NONE},
    "superior": {"tpp_line": OWN_READ, "tpp_month": NONE},  # pay is not the team's business
    "overseer": {"tpp_line": READ, "tpp_month": READ},
    "admin_opd": {"tpp_line": MANAGED, "tpp_month": MANAGED},
    "admin_kota": {"tpp_line": NONE, "tpp_month": NONE},  # the city's totals, not the lines
    "admin_kota_entered": {"tpp_line": READ, "tpp_month": READ},
    "member_elsewhere": {"tpp_line": NONE, "tpp_month": NONE},
}


@pytest.mark.parametrize(("who", "kind", "relation"), cases(TABLE))
def test_tpp_permissions(who: str, kind: str, relation: str) -> None:
    assert allowed(who, kind, relation) == TABLE[who][kind][relation]


def test_the_lines_filter_answers_as_the_rule() -> None:
    assert perm.reach(PRINCIPALS["pegawai"], "tpp_line").employee_ids == frozenset({10})
    assert perm.reach(PRINCIPALS["overseer"], "tpp_line").everyone
    assert not perm.reach(PRINCIPALS["superior"], "tpp_line").everyone
