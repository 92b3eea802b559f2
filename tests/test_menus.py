"""Every menu entry leads somewhere: the agency menu comes from the `kinerja_menu_items` hook
(the core's built-in plugin and every installed plugin, all enabled here), and for each role the
entries it is offered name an endpoint of the app's url_map that answers that role.

The menu the page shows drops entries whose endpoint does not exist (so a typo would hide an
entry rather than break the page); this test reads the hook's own answer, so the typo fails."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask, g, template_rendered, url_for

from kinerja import plugins
from kinerja.app import create_app
from kinerja.db import db
from kinerja.identity import tokens as token_service
from kinerja.plugins import core
from kinerja.plugins.types import MenuItem
from kinerja.web import menu
from tests.support import app_config, csrf_token, put_if_match, sign_in

ROLES = {  # role: the account of tests/support.py's people who holds it in dinkes
    "pegawai": "staff",
    "superior": "boss",
    "admin_opd": "admin",
    "admin_kota": "kota",  # the city admin, after entering the agency
}


@pytest.fixture(scope="module")
def plugged(database, redis_url) -> Flask:  # type: ignore[no-untyped-def]
    return create_app(app_config(database, redis_url, PLUGINS="all"))


@pytest.fixture
def every_plugin_on(plugged: Flask, app, people, tenants) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    """Every installed plugin enabled in dinkes (through the API, as its admin would)."""
    with plugged.app_context():
        client = plugged.test_client()
        with db.unit_of_work(tenants.a) as session:
            issued = token_service.issue(
                session, tenants.a, people.users["admin"], "admin_opd", "t", 5
            )
        admin = {"Authorization": f"Bearer {issued.token}"}
        installed = set(plugins.get(plugged).infos) - {core.NAME}
        assert installed, "no plugin installed: the walk would test the core alone"
        for name in sorted(installed):
            url = f"/api/v1/tenants/dinkes/plugins/{name}"
            assert (
                put_if_match(client, url, headers=admin, json={"enabled": True}).status_code == 200
            )
        yield plugged


def _menu_of(client: Any, app: Flask) -> list[tuple[MenuItem, str]]:
    """The hook's answer for the signed-in principal on the agency's home page, each entry with
    the address the menu links to (`url_for` inside that request, as the template builds it)."""
    found: list[tuple[MenuItem, str]] = []

    def capture(sender: Flask, template: Any, context: dict[str, Any], **extra: Any) -> None:
        if found or "principal" not in g:
            return
        for _plugin, items in plugins.call("kinerja_menu_items", principal=g.principal):
            for item in items:
                known = item.endpoint in sender.view_functions
                found.append((item, url_for(item.endpoint) if known else ""))

    with template_rendered.connected_to(capture, app):
        assert client.get("/t/dinkes/").status_code == 200
    return found


@pytest.mark.hook("kinerja_menu_items")
@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_menu_entry_exists_and_answers_its_role(every_plugin_on: Flask, role: str) -> None:
    app = every_plugin_on
    client = app.test_client()
    sign_in(client, ROLES[role])
    if role == "admin_kota":
        token = csrf_token(client, "/me")
        assert client.post("/t/dinkes/enter", data={"csrf_token": token}).status_code == 303
    menu = _menu_of(client, app)
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert len(menu) >= 10, [item.endpoint for item, _ in menu]
    plugins_of = {item.endpoint.split(".")[0] for item, _ in menu}
    assert "dinkes" in plugins_of  # the enabled plugin's entry is offered too
    problems = []
    for item, url in menu:
        if item.endpoint not in endpoints:
            problems.append(f"{item.endpoint}: not in the url_map")
            continue
        answer = client.get(url, follow_redirects=True)  # "my record" leads to one's record
        if answer.status_code != 200 or answer.request.path.startswith("/auth/"):
            problems.append(f"{item.endpoint} ({url}): {answer.status_code} {answer.request.path}")
    assert not problems, f"{role}: {problems}"


# --- every page a role may open is within two taps of the navigation ----------------------------
class _Links(HTMLParser):
    """The same-site paths a page links to: all of them, and those inside its navigation
    (the elements marked data-menu: the bottom bar, its menu sheet, the wide screen's sidebar)."""

    def __init__(self) -> None:
        super().__init__()
        self.all: set[str] = set()
        self.menu: set[str] = set()
        self._depth = 0  # how deep inside a data-menu element we are (0: outside)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if self._depth:
            self._depth += 1
        elif "data-menu" in found:
            self._depth = 1
        href = found.get("href") if tag == "a" else None
        if href and href.startswith("/"):
            path = urlsplit(href).path
            self.all.add(path)
            if self._depth:
                self.menu.add(path)

    def handle_endtag(self, tag: str) -> None:
        if self._depth:
            self._depth -= 1


def _links(client: Any, path: str) -> _Links:
    parser = _Links()
    parser.feed(client.get(path).get_data(as_text=True))
    return parser


def _pages_they_open(app: Flask, client: Any, inside: bool) -> set[str]:
    """The HTML pages of the url_map (GET, no argument but the agency) that answer 200 to this
    client: inside the agency dinkes, or outside any agency (the city admin's own pages)."""
    found = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or set(rule.arguments) - {"tenant"}:
            continue
        if ("tenant" in rule.arguments) != inside or rule.rule.startswith(("/api", "/auth")):
            continue
        path = rule.rule.replace("<tenant>", "dinkes")
        answer = client.get(path)
        html = answer.mimetype == "text/html" and answer.get_data(as_text=True)
        if answer.status_code == 200 and html and "<nav" in html:  # a page, not a fragment
            found.add(path)
    return found


PERSONAS = [  # (role, account, where they start, pages inside an agency or the city's own)
    ("pegawai", "staff", "/t/dinkes/", True),
    ("superior", "boss", "/t/dinkes/", True),
    ("admin_opd", "admin", "/t/dinkes/", True),
    ("admin_kota inside", "kota", "/t/dinkes/", True),
    ("admin_kota", "kota", "/me", False),
]


@pytest.mark.parametrize(
    ("role", "login", "start", "inside"), PERSONAS, ids=[p[0] for p in PERSONAS]
)
def test_every_page_a_role_opens_is_two_taps_from_the_menu(
    every_plugin_on: Flask, role: str, login: str, start: str, inside: bool
) -> None:
    app = every_plugin_on
    client = app.test_client()
    sign_in(client, login)
    if role == "admin_kota inside":
        token = csrf_token(client, "/me")
        assert client.post("/t/dinkes/enter", data={"csrf_token": token}).status_code == 303
    menu = _links(client, start).menu
    assert len(menu) >= 5, menu  # the bar, the sheet and the sidebar are there
    reachable = set(menu)
    for path in menu:
        reachable |= _links(client, path).all
    pages = _pages_they_open(app, client, inside)
    assert len(pages) >= 5, pages
    unreachable = sorted(pages - reachable)
    assert not unreachable, f"{role}: not within two taps of the menu: {unreachable}"
    if role == "admin_opd":  # the rules of daily work are where the admin sets things
        assert "/t/dinkes/log/policy" in menu


# --- the grouping, as pure functions ------------------------------------------------------------
def test_entries_are_grouped_in_the_menus_order_and_an_unknown_group_is_other(app) -> None:
    items = [
        MenuItem("b", "B", order=5, group="administrasi"),
        MenuItem("a", "A", order=9, group="kinerja"),
        MenuItem("c", "C", order=1, group="kinerja"),
        MenuItem("old", "Before groups", order=3),  # a plugin written before groups
        MenuItem("odd", "Odd", order=2, group="no-such-group"),
    ]
    with app.test_request_context():
        groups = menu.grouped(items)
    assert [g.key for g in groups] == ["kinerja", "administrasi", "other"]
    assert [i.endpoint for i in groups[0].items] == ["c", "a"]  # by order inside a group
    assert [i.endpoint for i in groups[2].items] == ["odd", "old"]


def test_the_bar_holds_only_what_the_menu_offers_in_the_bars_order(app) -> None:
    offered = [MenuItem("skp.index", "SKP"), MenuItem("tenant.home", "Home")]
    with app.test_request_context():
        bar = menu.bar(offered, menu.AGENCY_BAR)
    assert [link.endpoint for link in bar] == ["tenant.home", "skp.index"]  # no team: no "Tim"
