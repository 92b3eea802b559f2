"""Permission rules of daily entries and the agency's rules for them."""

from __future__ import annotations

from kinerja import permissions as perm

ENTRY = "work_entry"  # a daily entry; Resource.employee_id is whose it is
LOG_POLICY = "log_policy"  # the agency's deadline, late entries, days off, photo location


def _entry(p: perm.Principal, action: str, r: perm.Resource) -> bool:
    if action == perm.VIEW and r.extra.get("draft"):
        # A draft is private until sent: its owner, and the admin OPD (who keeps the agency's
        # records), never the superior chain, who would judge work not yet offered.
        return sees_draft(p, r.employee_id)
    if action == perm.VIEW:  # the owner, their superior chain, the admin OPD
        return perm.sees_person(p, r.employee_id)
    if action == perm.EDIT:
        return perm.is_self(p, r) and perm.is_member(p)
    # MANAGE: approve or reject: the verifier (the rater; the admin OPD for the head), as the
    # workflow's VERIFIER.
    return perm.decides(p, r.employee_id)


def sees_draft(p: perm.Principal, employee_id: int | None) -> bool:
    """Who may see an employee's draft entry: the employee and the agency's admin."""
    if perm.is_agency_admin(p):
        return True
    return perm.is_member(p) and employee_id is not None and employee_id == p.employee_id


def _policy(p: perm.Principal, action: str, r: perm.Resource) -> bool:
    return action == perm.VIEW or perm.is_agency_admin(p)


perm.register(ENTRY, _entry, perm.people_seen)
perm.register(LOG_POLICY, _policy)
