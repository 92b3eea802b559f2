"""Permission rules of work units (organisation) and audit entries (audit), table-driven."""

from __future__ import annotations

import pytest

from kinerja import organisation  # noqa: F401 - registers the rule
from kinerja import permissions as perm
from kinerja.audit.service import ENTER_ACTION
from tests.permission_table import ALL, NONE, PRINCIPALS, READ, allowed, cases, resource

OWN_READ = {"own": "v", "subordinate": "", "peer": "", "other_tenant": ""}
ADMIN_READ = {"own": "v", "subordinate": "v", "peer": "v", "other_tenant": ""}
TABLE = {
    "anonymous": {"org_unit": NONE, "audit": NONE},
    "pegawai": {"org_unit": READ, "audit": OWN_READ},
    "superior": {"org_unit": READ, "audit": OWN_READ},
    "admin_opd": {"org_unit": ALL, "audit": ADMIN_READ},  # append-only: nobody edits it
    "admin_kota": {"org_unit": NONE, "audit": NONE},
    "admin_kota_entered": {"org_unit": READ, "audit": NONE},
    "member_elsewhere": {"org_unit": NONE, "audit": NONE},
}
# Overseeing the agency (its head, those it names) adds nothing here: as any pegawai.
TABLE["overseer"] = TABLE["pegawai"]


@pytest.mark.parametrize(("who", "kind", "relation"), cases(TABLE))
def test_record_permissions(who: str, kind: str, relation: str) -> None:
    assert allowed(who, kind, relation) == TABLE[who][kind][relation]


def test_city_admin_who_entered_reads_only_entry_records_in_the_audit_log() -> None:
    p = PRINCIPALS["admin_kota_entered"]
    entry = resource("audit", "peer", action=ENTER_ACTION)
    other = resource("audit", "peer", action="employee.update")
    assert perm.can(p, "view", entry) and not perm.can(p, "view", other)
    assert not perm.can(PRINCIPALS["admin_kota"], "view", entry)
