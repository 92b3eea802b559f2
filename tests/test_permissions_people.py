"""Permission rules of people's kinds (employees, positions, imports), table-driven."""

from __future__ import annotations

import pytest

from kinerja import people  # noqa: F401 - registers the rules
from tests.permission_table import ALL, NONE, READ, allowed, cases

TABLE = {
    "anonymous": {"employee": NONE, "position": NONE, "import": NONE},
    "pegawai": {
        "employee": {"own": "ve", "subordinate": "", "peer": "", "other_tenant": ""},
        "position": READ,
        "import": NONE,
    },
    "superior": {
        "employee": {"own": "ve", "subordinate": "v", "peer": "", "other_tenant": ""},
        "position": READ,
        "import": NONE,
    },
    "admin_opd": {"employee": ALL, "position": ALL, "import": ALL},
    "admin_kota": {"employee": NONE, "position": NONE, "import": NONE},
    "admin_kota_entered": {"employee": READ, "position": READ, "import": READ},
    "member_elsewhere": {"employee": NONE, "position": NONE, "import": NONE},
}
# Overseeing the agency (its head, those it names) adds nothing here: as any pegawai.
TABLE["overseer"] = TABLE["pegawai"]


@pytest.mark.parametrize(("who", "kind", "relation"), cases(TABLE))
def test_people_permissions(who: str, kind: str, relation: str) -> None:
    assert allowed(who, kind, relation) == TABLE[who][kind][relation]
