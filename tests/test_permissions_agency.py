"""Permission rules of who sees the agency as a whole, table-driven: its figures (and curve),
and the list of who oversees it (the head is found, the others named by the admin OPD)."""

from __future__ import annotations

import pytest

from kinerja import (
    city,  # noqa: F401 - registers the figures' rule
    people,  # noqa: F401 - registers the list's rule
)
from kinerja import permissions as perm
from tests.permission_table import ALL, NONE, PRINCIPALS, READ, allowed, cases

TABLE = {
    "anonymous": {"agency_figures": NONE, "agency_viewer": NONE},
    "pegawai": {"agency_figures": NONE, "agency_viewer": NONE},
    "superior": {"agency_figures": NONE, "agency_viewer": NONE},  # a team is not the agency
    "overseer": {"agency_figures": READ, "agency_viewer": READ},
    "admin_opd": {"agency_figures": READ, "agency_viewer": ALL},  # made by jobs, read by all
    "admin_kota": {"agency_figures": NONE, "agency_viewer": NONE},  # the city's page, not this
    "admin_kota_entered": {"agency_figures": READ, "agency_viewer": READ},
    "member_elsewhere": {"agency_figures": NONE, "agency_viewer": NONE},
}


@pytest.mark.parametrize(("who", "kind", "relation"), cases(TABLE))
def test_agency_permissions(who: str, kind: str, relation: str) -> None:
    assert allowed(who, kind, relation) == TABLE[who][kind][relation]


@pytest.mark.parametrize("who", sorted(PRINCIPALS))
def test_only_a_member_oversees(who: str) -> None:
    """The flag counts only for a member of the agency: not for a stranger or another's."""
    p = PRINCIPALS[who]
    assert perm.oversees_agency(p) is (who == "overseer")
    flagged = perm.Principal(**{**p.__dict__, "oversees": True})
    assert perm.oversees_agency(flagged) is perm.is_member(p)


def test_the_overseer_reaches_every_evaluation_and_no_other_record() -> None:
    p = PRINCIPALS["overseer"]
    assert perm.reach(p, "evaluation").everyone
    for kind in ("skp", "work_entry", "employee", "report", "talent_result"):
        assert not perm.reach(p, kind).everyone, kind
