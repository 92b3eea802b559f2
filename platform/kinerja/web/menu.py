"""The navigation: the agency's menu gathered from the plugins enabled there through the
`kinerja_menu_items` hook (the core's entries come from its own built-in plugin; each plugin
decides with the permission questions, no template decides on its own), and the city admin's
own pages outside the agencies.

What people do every day sits in a bar of at most four entries plus "Menu" (the phone's bottom
bar); everything, the bar's entries included, is listed by group (the phone's menu sheet, the
sidebar of a wide screen), so nothing is cut or scrolled out of sight at any width."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app, g, request

from kinerja import permissions as perm
from kinerja import plugins
from kinerja.i18n import N_, _
from kinerja.plugins.types import MENU_GROUPS, MenuItem

OTHER = MENU_GROUPS[-1]
CITY = "kota"  # the city admin's pages: a group of their own, outside any agency

GROUP_LABELS = {
    "kinerja": N_("Performance"),
    "tim": N_("Team"),
    "talenta": N_("Talent"),
    "administrasi": N_("Administration"),
    OTHER: N_("Other"),
    CITY: N_("City"),
}

# The bar: (endpoint, short label), shown when the menu offers the endpoint (so "Team" only to
# those with a team), in this order. The agency's and the city admin's.
AGENCY_BAR = (
    ("tenant.home", N_("Home")),
    ("log.index", N_("Daily work")),
    ("skp.index", N_("SKP")),
    ("log.team", N_("Team")),
)
CITY_BAR = (
    ("web.profile", N_("Home")),
    ("comparison.compare", N_("Compare")),
)


@dataclass(frozen=True)
class Link:
    endpoint: str
    label: Any  # a lazy string: in the request's language


@dataclass(frozen=True)
class Group:
    key: str
    label: Any
    items: tuple[MenuItem, ...]


@dataclass(frozen=True)
class Navigation:
    bar: tuple[Link, ...] = ()
    groups: tuple[Group, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.groups)


def grouped(items: Iterable[MenuItem], order: Sequence[str] = MENU_GROUPS) -> list[Group]:
    """The entries by group, groups in `order` (a group not in it, or none, is "other"), each
    sorted by its entries' order; empty groups are left out."""
    by_group: dict[str, list[MenuItem]] = {}
    for item in items:
        key = item.group if item.group in order else OTHER
        by_group.setdefault(key, []).append(item)
    return [
        Group(
            key, _(GROUP_LABELS.get(key, key)), tuple(sorted(by_group[key], key=lambda i: i.order))
        )
        for key in order
        if key in by_group
    ]


def bar(items: Iterable[MenuItem], wanted: Sequence[tuple[str, str]]) -> tuple[Link, ...]:
    offered = {item.endpoint for item in items}
    return tuple(Link(endpoint, _(label)) for endpoint, label in wanted if endpoint in offered)


def tenant_menu(p: perm.Principal) -> list[MenuItem]:
    """The agency's pages this principal may open, in the order the plugins give."""
    if not perm.may_be_inside(p):
        return []
    items = [item for _, found in plugins.call("kinerja_menu_items", principal=p) for item in found]
    known = current_app.view_functions
    return sorted((i for i in items if i.endpoint in known), key=lambda i: i.order)


def city_menu(p: perm.Principal) -> list[MenuItem]:
    """The city admin's own pages (the same ones the profile page lists)."""
    if not perm.is_city_admin(p):
        return []
    return [
        MenuItem("web.profile", _("My profile"), _("Your agencies; enter any agency"), 0, CITY),
        MenuItem("comparison.compare", _("Agencies compared"), "", 10, CITY),
        MenuItem("city_plan.tpp_totals", _("TPP per agency"), "", 15, CITY),
        MenuItem("city_plan.tpp_settings", _("TPP amounts and tables"), "", 16, CITY),
        MenuItem("city_plan.years_page", _("Performance years"), "", 20, CITY),
        MenuItem("city_plan.competency_defaults", _("Required competency levels"), "", 30, CITY),
        MenuItem("plugin_catalogue.catalogue", _("Plugins of the deployment"), "", 40, CITY),
        MenuItem("guidance.edit", _("Guidance"), "", 50, CITY),
    ]


def navigation(p: perm.Principal | None, items: list[MenuItem]) -> Navigation:
    """The layout's navigation: inside an agency its menu, outside the city admin's pages."""
    if p is None:
        return Navigation()
    if g.get("tenant") is not None:
        return Navigation(bar(items, AGENCY_BAR), tuple(grouped(items)))
    city = city_menu(p)
    return Navigation(bar(city, CITY_BAR), tuple(grouped(city, (CITY,))))


# Endpoints whose menu entry shows a count (things waiting for the person), registered by the
# page modules that own them; each is asked once per request, only when the entry is shown.
_COUNTERS: dict[str, Callable[[perm.Principal], int]] = {}


def count(endpoint: str, counter: Callable[[perm.Principal], int]) -> None:
    _COUNTERS[endpoint] = counter


def badge(endpoint: str) -> int:
    counter = _COUNTERS.get(endpoint)
    principal = g.get("principal")
    if counter is None or principal is None:
        return 0
    # Once per request, kept in the request (`g` can outlive one: a count would go stale).
    cache = request.environ.setdefault("kinerja.menu_counts", {})
    if endpoint not in cache:
        cache[endpoint] = counter(principal)
    return int(cache[endpoint])
