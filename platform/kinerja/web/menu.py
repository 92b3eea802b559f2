"""The agency's navigation: gathered from the plugins enabled there through the
`kinerja_menu_items` hook; the core's entries come from its own built-in plugin. Each plugin
decides with the permission questions; no template decides on its own."""

from __future__ import annotations

from flask import current_app

from kinerja import permissions as perm
from kinerja import plugins
from kinerja.plugins.types import MenuItem


def tenant_menu(p: perm.Principal) -> list[MenuItem]:
    """The agency's pages this principal may open, in the order the plugins give."""
    if not perm.may_be_inside(p):
        return []
    items = [item for _, found in plugins.call("kinerja_menu_items", principal=p) for item in found]
    known = current_app.view_functions
    return sorted((i for i in items if i.endpoint in known), key=lambda i: i.order)
