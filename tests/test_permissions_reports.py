"""Permission rules of what agencies add: report submissions (reports) and the agency's plugins
(plugins), table-driven. Who exactly decides a submission is the workflow's question (tested in
test_reports.py); these rules decide who may see one, fill it in, and act on it as a superior."""

from __future__ import annotations

import pytest

from kinerja import plugins, reports  # noqa: F401 - register the rules
from tests.permission_table import ALL, NONE, READ, allowed, cases

OWN = {"own": "ve", "subordinate": "", "peer": "", "other_tenant": ""}
SUPERIOR = {"own": "ve", "subordinate": "vm", "peer": "", "other_tenant": ""}
# The admin OPD reads every submission but decides none: deciding is the line above's.
ADMIN = {"own": "ve", "subordinate": "v", "peer": "v", "other_tenant": ""}
TABLE = {
    "anonymous": {"report": NONE, "plugin": NONE},
    "pegawai": {"report": OWN, "plugin": READ},
    "superior": {"report": SUPERIOR, "plugin": READ},
    "admin_opd": {"report": ADMIN, "plugin": ALL},
    "admin_kota": {"report": NONE, "plugin": NONE},  # the catalogue is /plugins, not an agency's
    "admin_kota_entered": {"report": READ, "plugin": READ},
    "member_elsewhere": {"report": NONE, "plugin": NONE},
}
# Overseeing the agency (its head, those it names) adds nothing here: as any pegawai.
TABLE["overseer"] = TABLE["pegawai"]


@pytest.mark.parametrize(("who", "kind", "relation"), cases(TABLE))
def test_report_and_plugin_permissions(who: str, kind: str, relation: str) -> None:
    assert allowed(who, kind, relation) == TABLE[who][kind][relation]
