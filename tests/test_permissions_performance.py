"""Permission rules of the year's plan (the agency's targets and frequency, SKP), table-driven.

Who exactly approves (the nearest active superior, or the admin OPD for the head) is the
workflow's question, tested in test_skp_rules.py and test_skp_api.py; these rules decide who may
see a plan at all, draft it, and act on it as a superior."""

from __future__ import annotations

import pytest

from kinerja import performance  # noqa: F401 - registers the rules
from kinerja.performance import evaluation, log  # noqa: F401 - register theirs
from tests.permission_table import ALL, NONE, PRINCIPALS, READ, allowed, cases

OWN_DRAFT = {"own": "ve", "subordinate": "", "peer": "", "other_tenant": ""}
SUPERIOR = {"own": "ve", "subordinate": "vm", "peer": "", "other_tenant": ""}
ADMIN = {"own": "vem", "subordinate": "vm", "peer": "vm", "other_tenant": ""}
PERSONAL = ("skp", "work_entry", "evaluation")  # the same shape: own, the line above, the admin
AGENCY = ("plan", "log_policy", "org_achievement")  # the agency's own: read inside, the admin sets
TABLE = {
    "anonymous": {**dict.fromkeys(AGENCY, NONE), **dict.fromkeys(PERSONAL, NONE)},
    "pegawai": {**dict.fromkeys(AGENCY, READ), **dict.fromkeys(PERSONAL, OWN_DRAFT)},
    "superior": {**dict.fromkeys(AGENCY, READ), **dict.fromkeys(PERSONAL, SUPERIOR)},
    # the agency's head or someone it names: every evaluation, to read; the rest as a pegawai
    "overseer": {
        **dict.fromkeys(AGENCY, READ),
        **dict.fromkeys(PERSONAL, OWN_DRAFT),
        "evaluation": {"own": "ve", "subordinate": "v", "peer": "v", "other_tenant": ""},
    },
    # The agency's achievement is the city's to set unless the city lets the agency (below).
    "admin_opd": {
        "plan": ALL,
        "log_policy": ALL,
        "org_achievement": READ,
        **dict.fromkeys(PERSONAL, ADMIN),
    },
    # counts only, through the city's page
    "admin_kota": {**dict.fromkeys(AGENCY, NONE), **dict.fromkeys(PERSONAL, NONE)},
    "admin_kota_entered": {**dict.fromkeys(AGENCY, READ), **dict.fromkeys(PERSONAL, READ)},
    "member_elsewhere": {**dict.fromkeys(AGENCY, NONE), **dict.fromkeys(PERSONAL, NONE)},
}


@pytest.mark.parametrize(("who", "kind", "relation"), cases(TABLE))
def test_performance_permissions(who: str, kind: str, relation: str) -> None:
    assert allowed(who, kind, relation) == TABLE[who][kind][relation]


@pytest.mark.parametrize("who", sorted(PRINCIPALS))
def test_the_agency_sets_its_achievement_only_where_the_city_lets_it(who: str) -> None:
    """With the city's leave (`agency_may_set`) the admin OPD sets it; nobody else ever does."""
    expected = ALL if who == "admin_opd" else TABLE[who]["org_achievement"]
    for relation in expected:
        assert allowed(who, "org_achievement", relation, agency_may_set=True) == expected[relation]
