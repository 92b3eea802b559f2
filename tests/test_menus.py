"""Every menu entry leads somewhere: the agency menu comes from the `kinerja_menu_items` hook
(the core's built-in plugin and every installed plugin, all enabled here), and for each role the
entries it is offered name an endpoint of the app's url_map that answers that role.

The menu the page shows drops entries whose endpoint does not exist (so a typo would hide an
entry rather than break the page); this test reads the hook's own answer, so the typo fails."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, g, template_rendered, url_for

from kinerja import plugins
from kinerja.app import create_app
from kinerja.db import db
from kinerja.identity import tokens as token_service
from kinerja.plugins import core
from kinerja.plugins.types import MenuItem
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
