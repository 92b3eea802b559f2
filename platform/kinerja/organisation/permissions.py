"""Permission rule of the kind organisation owns: work units (unit kerja)."""

from __future__ import annotations

from kinerja import permissions as perm

ORG_UNIT = "org_unit"


def _org_unit(p: perm.Principal, action: str, r: perm.Resource) -> bool:
    # Every member sees the agency's structure; only the admin changes it.
    return action == perm.VIEW or perm.is_agency_admin(p)


perm.register(ORG_UNIT, _org_unit)
