"""Permission rules of the TPP.

- TPP_LINE (Resource.employee_id: whose): the employee reads their own line; the admin OPD, the
  agency's head and those it names, and a city admin who entered read the agency's; the admin OPD
  corrects (MANAGE). A superior does not see subordinates' allowances: pay is not part of
  following someone's work.
- TPP_MONTH: the agency's month as a whole. VIEW: the admin OPD, the overseers, a city admin who
  entered; MANAGE (compute, close, import and push attendance): the admin OPD.
- Locking, the city's settings and the city's totals are the city admin's, outside any agency
  (`is_city_admin`): `can` answers inside one agency only, so the city routes ask that question.
"""

from __future__ import annotations

from kinerja import permissions as perm

TPP_LINE = "tpp_line"
TPP_MONTH = "tpp_month"


def _sees_agency(p: perm.Principal) -> bool:
    return perm.is_agency_admin(p) or perm.oversees_agency(p) or perm.is_visiting_city_admin(p)


def _line(p: perm.Principal, action: str, r: perm.Resource) -> bool:
    if action == perm.VIEW:
        return _sees_agency(p) or (perm.is_member(p) and perm.is_self(p, r))
    return perm.is_agency_admin(p)


def _lines_seen(p: perm.Principal) -> perm.Reach:
    if _sees_agency(p):
        return perm.Reach(everyone=True)
    if perm.is_member(p) and p.employee_id is not None:
        return perm.Reach(employee_ids=frozenset({p.employee_id}))
    return perm.NOBODY


def _month(p: perm.Principal, action: str, r: perm.Resource) -> bool:
    if action == perm.VIEW:
        return _sees_agency(p)
    return perm.is_agency_admin(p)


perm.register(TPP_LINE, _line, _lines_seen)
perm.register(TPP_MONTH, _month)


def sees_month(p: perm.Principal) -> bool:
    return p.tenant_id is not None and perm.can(p, perm.VIEW, perm.Resource(TPP_MONTH, p.tenant_id))


def manages_month(p: perm.Principal) -> bool:
    return p.tenant_id is not None and perm.can(
        p, perm.MANAGE, perm.Resource(TPP_MONTH, p.tenant_id)
    )
