"""Permission rules of competencies and talent, table-driven: standards are read by every
member and changed by the admin OPD; campaigns are the admin OPD's; a person's results are
theirs, their superiors' (the whole line above) and the admin OPD's, read-only for all."""

from __future__ import annotations

import pytest

from kinerja import competency  # noqa: F401 - registers the rules
from tests.permission_table import ALL, NONE, READ, allowed, cases

SELF_READ = {"own": "v", "subordinate": "", "peer": "", "other_tenant": ""}
LINE_READ = {"own": "v", "subordinate": "v", "peer": "", "other_tenant": ""}
KINDS = ("competency_standard", "assessment_campaign", "talent_result")
TABLE = {
    "anonymous": dict.fromkeys(KINDS, NONE),
    "pegawai": {
        "competency_standard": READ,
        "assessment_campaign": NONE,
        "talent_result": SELF_READ,
    },
    "superior": {
        "competency_standard": READ,
        "assessment_campaign": NONE,
        "talent_result": LINE_READ,
    },
    "admin_opd": {"competency_standard": ALL, "assessment_campaign": ALL, "talent_result": READ},
    "admin_kota": dict.fromkeys(KINDS, NONE),
    "admin_kota_entered": dict.fromkeys(KINDS, READ),
    "member_elsewhere": dict.fromkeys(KINDS, NONE),
}
# Overseeing the agency (its head, those it names) adds nothing here: as any pegawai.
TABLE["overseer"] = TABLE["pegawai"]


@pytest.mark.parametrize(("who", "kind", "relation"), cases(TABLE))
def test_talent_permissions(who: str, kind: str, relation: str) -> None:
    assert allowed(who, kind, relation) == TABLE[who][kind][relation]
