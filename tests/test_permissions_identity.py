"""Permission rules of identity's kinds (memberships, API tokens), table-driven."""

from __future__ import annotations

import pytest

from kinerja import identity  # noqa: F401 - registers the rules
from tests.permission_table import ALL, NONE, OWN_ONLY, READ, allowed, cases

TABLE = {
    "anonymous": {"membership": NONE, "token": NONE},
    "pegawai": {"membership": NONE, "token": OWN_ONLY},
    "superior": {"membership": NONE, "token": OWN_ONLY},
    "admin_opd": {"membership": ALL, "token": ALL},
    "admin_kota": {"membership": NONE, "token": NONE},
    "admin_kota_entered": {"membership": READ, "token": READ},
    "member_elsewhere": {"membership": NONE, "token": NONE},
}
# Overseeing the agency (its head, those it names) adds nothing here: as any pegawai.
TABLE["overseer"] = TABLE["pegawai"]


@pytest.mark.parametrize(("who", "kind", "relation"), cases(TABLE))
def test_identity_permissions(who: str, kind: str, relation: str) -> None:
    assert allowed(who, kind, relation) == TABLE[who][kind][relation]
