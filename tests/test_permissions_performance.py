"""Permission rules of the year's plan (the agency's targets and frequency, SKP), table-driven.

Who exactly approves (the nearest active superior, or the admin OPD for the head) is the
workflow's question, tested in test_skp_rules.py and test_skp_api.py; these rules decide who may
see a plan at all, draft it, and act on it as a superior."""

from __future__ import annotations

import pytest

from kinerja import performance  # noqa: F401 - registers the rules
from tests.permission_table import ALL, NONE, READ, allowed, cases

OWN_DRAFT = {"own": "ve", "subordinate": "", "peer": "", "other_tenant": ""}
SUPERIOR = {"own": "ve", "subordinate": "vm", "peer": "", "other_tenant": ""}
ADMIN = {"own": "vem", "subordinate": "vm", "peer": "vm", "other_tenant": ""}
TABLE = {
    "anonymous": {"plan": NONE, "skp": NONE},
    "pegawai": {"plan": READ, "skp": OWN_DRAFT},
    "superior": {"plan": READ, "skp": SUPERIOR},
    "admin_opd": {"plan": ALL, "skp": ADMIN},
    "admin_kota": {"plan": NONE, "skp": NONE},  # counts only, through the city's page
    "admin_kota_entered": {"plan": READ, "skp": READ},
    "member_elsewhere": {"plan": NONE, "skp": NONE},
}


@pytest.mark.parametrize(("who", "kind", "relation"), cases(TABLE))
def test_performance_permissions(who: str, kind: str, relation: str) -> None:
    assert allowed(who, kind, relation) == TABLE[who][kind][relation]
