"""Permission rule of an agency's own figures (beside the city's average and its rank)."""

from __future__ import annotations

from kinerja import permissions as perm

AGENCY_FIGURES = "agency_figures"  # the agency's figures and its predikat curve, as a whole


def _agency_figures(p: perm.Principal, action: str, r: perm.Resource) -> bool:
    """Read by the admin OPD, the agency's head and those it names, a city admin who entered;
    made by the background jobs, changed by nobody."""
    if action != perm.VIEW:
        return False
    return perm.is_agency_admin(p) or perm.oversees_agency(p) or perm.is_visiting_city_admin(p)


perm.register(AGENCY_FIGURES, _agency_figures)


def sees_figures(p: perm.Principal) -> bool:
    """Whether `p` sees the agency's figures and curve (the menu, the pages and the API ask)."""
    return p.tenant_id is not None and perm.can(
        p, perm.VIEW, perm.Resource(AGENCY_FIGURES, p.tenant_id)
    )
