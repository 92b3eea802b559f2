"""The agency's navigation: what the signed-in person can do there, decided by the permission
questions (no template decides on its own). The plugin platform will feed this through a hook;
the core's items are its built-in entries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kinerja import permissions as perm
from kinerja.i18n import _


@dataclass(frozen=True)
class Item:
    endpoint: str
    label: Any
    description: Any


def tenant_menu(p: perm.Principal) -> list[Item]:
    """The agency's pages this principal may open, in the order people need them."""
    if not perm.may_be_inside(p):
        return []
    items = [Item("tenant.home", _("Home"), _("What you can do in this agency"))]
    if perm.is_member(p) and p.employee_id is not None:
        items.append(Item("people.my_record", _("My record"), _("Your employee record")))
    items.append(
        Item("people.directory", _("Employees"), _("You, your team and, for admins, everyone"))
    )
    items.append(Item("admin.units_page", _("Work units"), _("The agency's structure")))
    items.append(Item("admin.positions_page", _("Positions"), _("Jabatan and their grades")))
    if perm.is_agency_admin(p) or perm.is_visiting_city_admin(p):
        items.append(Item("admin.memberships_page", _("Roles"), _("Who administers the agency")))
    if perm.is_agency_admin(p):
        items.append(Item("admin.import_page", _("Import"), _("Employees from SIASN or Excel")))
    if perm.is_member(p):
        items.append(Item("admin.token_page", _("API tokens"), _("Keys for other applications")))
    items.append(Item("admin.audit_page", _("Audit log"), _("Who changed what, and when")))
    return items
