"""Permission rules of the year's plan (the agency's targets and frequency, SKP), table-driven.

Who decides (MANAGE on a plan or an entry) is the principal's `decides_for`: the nearest active
superior, or the admin OPD for those nobody rates (`people.raters`, the workflow's own rule;
the vacant post end to end in test_skp_rules.py); the evaluation's rater and reviewer are
still the workflow's question, so any superior may act on it."""

from __future__ import annotations

import pytest

from kinerja import performance  # noqa: F401 - registers the rules
from kinerja.performance import evaluation, log  # noqa: F401 - register theirs
from tests.permission_table import ALL, NONE, PRINCIPALS, READ, allowed, cases

OWN_DRAFT = {"own": "ve", "subordinate": "", "peer": "", "other_tenant": ""}
SUPERIOR = {"own": "ve", "subordinate": "vm", "peer": "", "other_tenant": ""}
ADMIN = {"own": "vem", "subordinate": "vm", "peer": "vm", "other_tenant": ""}
# The superior's "subordinate" is SUBSUB, rated by SUB: seen, not decided; the admin OPD
# decides on nobody here (everyone has a rater), never on their own.
SEEN = {"own": "ve", "subordinate": "v", "peer": "", "other_tenant": ""}
ADMIN_SEEN = {"own": "ve", "subordinate": "v", "peer": "v", "other_tenant": ""}
DECIDED = ("skp", "work_entry")  # MANAGE: who decides, exactly
PERSONAL = (*DECIDED, "evaluation")  # the same shape: own, the line above, the admin
AGENCY = ("plan", "log_policy", "org_achievement")  # the agency's own: read inside, the admin sets
TABLE = {
    "anonymous": {**dict.fromkeys(AGENCY, NONE), **dict.fromkeys(PERSONAL, NONE)},
    "pegawai": {**dict.fromkeys(AGENCY, READ), **dict.fromkeys(PERSONAL, OWN_DRAFT)},
    "superior": {
        **dict.fromkeys(AGENCY, READ),
        **dict.fromkeys(DECIDED, SEEN),
        "evaluation": SUPERIOR,
    },
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
        **dict.fromkeys(DECIDED, ADMIN_SEEN),
        "evaluation": ADMIN,
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


@pytest.mark.parametrize("kind", DECIDED)
@pytest.mark.parametrize("who", ["pegawai", "superior", "admin_opd"])
def test_whoever_decides_manages_and_nobody_else(who: str, kind: str) -> None:
    """MANAGE follows `decides_for` alone: the one they rate (also below a vacant post), or
    for the admin OPD one nobody rates; being higher up the line is not enough."""
    from dataclasses import replace

    from kinerja import permissions as perm
    from tests.permission_table import PEER, SUBSUB, resource

    for relation, employee_id in (("subordinate", SUBSUB), ("peer", PEER)):
        target = resource(kind, relation)
        deciding = replace(PRINCIPALS[who], decides_for=frozenset({employee_id}))
        assert perm.can(deciding, perm.MANAGE, target)
        assert perm.decided(deciding).allows(employee_id)
        assert not perm.can(PRINCIPALS[who], perm.MANAGE, target)  # they decide on others
    visiting = replace(PRINCIPALS["admin_kota_entered"], decides_for=frozenset({PEER}))
    assert not perm.can(visiting, perm.MANAGE, resource(kind, "peer"))
