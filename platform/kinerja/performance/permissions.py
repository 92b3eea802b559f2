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
    own = perm.is_self(p, r)
    above = perm.is_superior_of(p, r.employee_id)
    if action == perm.VIEW:
        return perm.sees_person(p, r.employee_id)
    if action == perm.EDIT:  # draft, submit, revise: one's own plan
        return own and perm.is_member(p)
    # MANAGE: hand results down, set expectations, decide. Who exactly decides (the nearest
    # active superior, or the admin OPD for the head) is the workflow's question.
    return above or perm.is_agency_admin(p)


perm.register(PLAN, _plan)
perm.register(SKP, _skp, perm.people_seen)
