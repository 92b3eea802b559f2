"""Permission rules of the performance year: the agency's plan (targets, frequency) and SKP."""

from __future__ import annotations

from kinerja import permissions as perm

PLAN = "plan"  # the agency's targets and evaluation frequency for a year
SKP = "skp"  # an employee's SKP; Resource.employee_id is whose it is


def _plan(p: perm.Principal, action: str, r: perm.Resource) -> bool:
    if action == perm.VIEW:
        return True  # everyone inside the agency reads what their plans cascade from
    return perm.is_agency_admin(p)


def _skp(p: perm.Principal, action: str, r: perm.Resource) -> bool:
    if action == perm.VIEW:
        return perm.sees_person(p, r.employee_id)
    if action == perm.EDIT:  # draft, submit, revise, hand one's results down: one's own plan
        return perm.is_self(p, r) and perm.is_member(p)
    # MANAGE: set the expectations, approve or reject: who decides (the nearest active
    # superior through vacant posts, the admin OPD for the head), as the workflow's RATER.
    return perm.decides(p, r.employee_id)


perm.register(PLAN, _plan)
perm.register(SKP, _skp, perm.people_seen)
