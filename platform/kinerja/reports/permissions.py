"""Permission rule of report submissions: the employee's own, seen and decided by superiors."""

from __future__ import annotations

from kinerja import permissions as perm

REPORT = "report"  # a report form submission; Resource.employee_id is whose it is


def _report(p: perm.Principal, action: str, r: perm.Resource) -> bool:
    own = r.employee_id is not None and r.employee_id == p.employee_id
    above = perm.is_superior_of(p, r.employee_id)
    if action == perm.VIEW:
        return perm.sees_person(p, r.employee_id)
    if action == perm.EDIT:  # fill in, correct and submit: one's own reports only
        return own and perm.is_member(p)
    return above  # MANAGE: approve or reject, by a superior of the employee


perm.register(REPORT, _report, perm.people_seen)
