"""Permission rules of the year's plan (the agency's targets and frequency, SKP), table-driven.

Who exactly approves (the nearest active superior, or the admin OPD for the head) is the
workflow's question, tested in test_skp_rules.py and test_skp_api.py; these rules decide who may
see a plan at all, draft it, and act on it as a superior."""

from __future__ import annotations

import pytest

from kinerja import performance  # noqa: F401 - registers the rules
from kinerja.performance import evaluation, log  # noqa: F401 - register theirs
from tests.permission_table import ALL, NONE, READ, allowed, cases

OWN_DRAFT = {"own": "ve", "subordinate": "", "peer": "", "other_tenant": ""}
SUPERIOR = {"own": "ve", "subordinate": "vm", "peer": "", "other_tenant": ""}
ADMIN = {"own": "vem", "subordinate": "vm", "peer": "vm", "other_tenant": ""}
PERSONAL = ("skp", "work_entry", "evaluation")  # the same shape: own, the line above, the admin
TABLE = {
    "anonymous": {"plan": NONE, "log_policy": NONE, **dict.fromkeys(PERSONAL, NONE)},
    "pegawai": {"plan": READ, "log_policy": READ, **dict.fromkeys(PERSONAL, OWN_DRAFT)},
    "superior": {"plan": READ, "log_policy": READ, **dict.fromkeys(PERSONAL, SUPERIOR)},
    "admin_opd": {"plan": ALL, "log_policy": ALL, **dict.fromkeys(PERSONAL, ADMIN)},
    # counts only, through the city's page
    "admin_kota": {"plan": NONE, "log_policy": NONE, **dict.fromkeys(PERSONAL, NONE)},
    "admin_kota_entered": {"plan": READ, "log_policy": READ, **dict.fromkeys(PERSONAL, READ)},
    "member_elsewhere": {"plan": NONE, "log_policy": NONE, **dict.fromkeys(PERSONAL, NONE)},
}


@pytest.mark.parametrize(("who", "kind", "relation"), cases(TABLE))
def test_performance_permissions(who: str, kind: str, relation: str) -> None:
    assert allowed(who, kind, relation) == TABLE[who][kind][relation]
