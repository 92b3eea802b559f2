"""The agency's navigation: gathered from the plugins enabled there through the
`kinerja_menu_items` hook; the core's entries come from its own built-in plugin. Each plugin
decides with the permission questions; no template decides on its own."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, g, request

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
