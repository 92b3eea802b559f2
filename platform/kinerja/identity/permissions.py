"""Permission rules of the kinds identity owns: memberships (roles) and API tokens."""

from __future__ import annotations

from kinerja import permissions as perm

MEMBERSHIP = "membership"  # a role of a user in an agency
TOKEN = "token"  # a personal API token


def _membership(p: perm.Principal, action: str, r: perm.Resource) -> bool:
    if perm.is_agency_admin(p):
        return True
    return action == perm.VIEW and perm.is_visiting_city_admin(p)


def _token(p: perm.Principal, action: str, r: perm.Resource) -> bool:
    if perm.is_agency_admin(p):
        return True
    if perm.is_visiting_city_admin(p):
        return True  # reads only (the core allows nothing else when visiting)
    return r.user_id is not None and r.user_id == p.user_id


perm.register(MEMBERSHIP, _membership)
perm.register(TOKEN, _token)
