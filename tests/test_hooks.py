"""Every hook a plugin can implement has a test that shows its contribution where it belongs.

A test says which hooks it exercises with `@pytest.mark.hook("kinerja_…")`; the walk below reads
the hookspecs from pluggy and the marks from the test sources (the core's and the plugins'), so
a new hook without a test, or a mark naming a hook that is gone, fails here."""

from __future__ import annotations

from collections.abc import Iterator

import pluggy
import pytest
from flask import Flask

from kinerja import plugins
from kinerja.db import db
from kinerja.identity import tokens as token_service
from kinerja.plugins import core, hookspecs
from kinerja.plugins.hookspecs import hookimpl
from kinerja.plugins.types import DevelopmentOption, PluginInfo
from tests.support import put_if_match
from tests.walks import marked


def hook_names() -> set[str]:
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    return {name for name in vars(manager.hook) if not name.startswith("_")}


def test_every_hook_has_a_test_that_exercises_it() -> None:
    hooks = hook_names()
    assert len(hooks) >= 8  # the walk found the hookspecs
    tested = marked("hook")
    missing = sorted(hooks - set(tested))
    assert not missing, f"hooks no test marks with @pytest.mark.hook(...): {missing}"
    stale = {name: where for name, where in tested.items() if name not in hooks}
    assert not stale, f"tests mark hooks that do not exist: {stale}"


# --- kinerja_development_options --------------------------------------------------------------
class Coaching:
    """A plugin that only suggests a development option for the core's M1 (Integritas)."""

    NAME = "coaching"
    OPTION = DevelopmentOption(
        "M1", "coaching", "Pendampingan oleh inspektorat", "By the inspectorate"
    )

    @hookimpl
    def kinerja_plugin_info(self) -> PluginInfo:
        return PluginInfo(self.NAME, "Coaching", "a development option, for tests")

    @hookimpl
    def kinerja_development_options(self) -> list[DevelopmentOption]:
        return [self.OPTION]


@pytest.fixture
def with_coaching(app: Flask) -> Iterator[Flask]:
    original = app.extensions[plugins.KEY]
    plugins.init_app(app, extra=[Coaching()])
    yield app
    app.extensions[plugins.KEY] = original


def _admin(tenant_id: int, user_id: int) -> dict[str, str]:
    with db.unit_of_work(tenant_id) as session:
        issued = token_service.issue(session, tenant_id, user_id, "admin_opd", "t", 5)
    return {"Authorization": f"Bearer {issued.token}", "Accept-Language": "en"}


@pytest.mark.hook("kinerja_development_options")
def test_a_plugins_development_options_join_the_catalogue_where_it_is_enabled(
    with_coaching, client, people, tenants
) -> None:
    a = _admin(tenants.a, people.users["admin"])
    b = _admin(tenants.b, people.users["outsider"])
    catalogue = "/api/v1/tenants/{}/talent/development"

    def texts(slug: str, headers: dict[str, str]) -> list[str]:
        answer = client.get(catalogue.format(slug), headers=headers)
        assert answer.status_code == 200
        return [o["text"] for o in answer.get_json()["contributed"]]

    core_texts = [o[2] for o in core.DEVELOPMENT]
    assert texts("dinkes", a) == core_texts  # the core's own, through the same hook
    url = "/api/v1/tenants/dinkes/plugins/coaching"
    assert put_if_match(client, url, headers=a, json={"enabled": True}).status_code == 200
    assert texts("dinkes", a) == [Coaching.OPTION.text, *core_texts]  # the plugin's first
    assert texts("disdik", b) == core_texts  # not enabled there
