"""Permission rule of the kind plugins own: an agency's plugins and their settings."""

from __future__ import annotations

from kinerja import permissions as perm

PLUGIN = "plugin"


def _plugin(p: perm.Principal, action: str, r: perm.Resource) -> bool:
    # Everyone inside sees what the agency has enabled; its admin turns plugins on and off.
    return action == perm.VIEW or perm.is_agency_admin(p)


perm.register(PLUGIN, _plugin)
