"""Permission rules of competencies and talent."""

from __future__ import annotations

from kinerja import permissions as perm

STANDARD = "competency_standard"  # the positions' required levels and the talent policy
CAMPAIGN = "assessment_campaign"  # campaigns, their progress, imports
TALENT = "talent_result"  # Resource.employee_id: whose results


def _standard(p: perm.Principal, action: str, r: perm.Resource) -> bool:
    if action == perm.VIEW:
        return perm.is_member(p) or perm.is_visiting_city_admin(p)
    return perm.is_agency_admin(p)


def _campaign(p: perm.Principal, action: str, r: perm.Resource) -> bool:
    if action == perm.VIEW:
        return perm.is_agency_admin(p) or perm.is_visiting_city_admin(p)
    return perm.is_agency_admin(p)


def _talent(p: perm.Principal, action: str, r: perm.Resource) -> bool:
    """Results: who may see the person's records (their own, their superiors', the admin
    OPD's and a city admin's who entered); read only."""
    return action == perm.VIEW and perm.sees_person(p, r.employee_id)


perm.register(STANDARD, _standard)
perm.register(CAMPAIGN, _campaign)
perm.register(TALENT, _talent, perm.people_seen)
