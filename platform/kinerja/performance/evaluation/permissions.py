"""Permission rules of evaluations and of the agency's achievement."""

from __future__ import annotations

from kinerja import permissions as perm

EVALUATION = "evaluation"  # Resource.employee_id is whose evaluation it is
ACHIEVEMENT = "org_achievement"


def _evaluation(p: perm.Principal, action: str, r: perm.Resource) -> bool:
    own = perm.is_self(p, r)
    above = perm.is_superior_of(p, r.employee_id)
    if action == perm.VIEW:
        return perm.sees_person(p, r.employee_id)
    if action == perm.EDIT:  # realisasi: one's own
        return own and perm.is_member(p)
    return above or perm.is_agency_admin(p)  # rate, review: who exactly is the workflow's


def _achievement(p: perm.Principal, action: str, r: perm.Resource) -> bool:
    if action == perm.VIEW:
        return True
    return perm.is_agency_admin(p) and bool(r.extra.get("agency_may_set"))


perm.register(EVALUATION, _evaluation, perm.people_seen)
perm.register(ACHIEVEMENT, _achievement)
