"""Permission rules of evaluations and of the agency's achievement.

The agency's head and those it names (`perm.oversees_agency`) see every evaluation's state, to
read: rating and reviewing stay with the workflow's rater and reviewer (`service.roles`)."""

from __future__ import annotations

from kinerja import permissions as perm

EVALUATION = "evaluation"  # Resource.employee_id is whose evaluation it is
ACHIEVEMENT = "org_achievement"


def _evaluation(p: perm.Principal, action: str, r: perm.Resource) -> bool:
    own = perm.is_self(p, r)
    above = perm.is_superior_of(p, r.employee_id)
    if action == perm.VIEW:  # and the agency's overseers: every evaluation, to read
        return perm.sees_person(p, r.employee_id) or perm.oversees_agency(p)
    if action == perm.EDIT:  # realisasi: one's own
        return own and perm.is_member(p)
    return above or perm.is_agency_admin(p)  # rate, review: who exactly is the workflow's


def _achievement(p: perm.Principal, action: str, r: perm.Resource) -> bool:
    if action == perm.VIEW:
        return True
    return perm.is_agency_admin(p) and bool(r.extra.get("agency_may_set"))


def _evaluation_rows(p: perm.Principal) -> perm.Reach:
    """`_evaluation`'s VIEW as a filter: the people seen, everyone for the overseers."""
    return perm.Reach(everyone=True) if perm.oversees_agency(p) else perm.people_seen(p)


perm.register(EVALUATION, _evaluation, _evaluation_rows)
perm.register(ACHIEVEMENT, _achievement)
