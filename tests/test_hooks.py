"""Every hook a plugin can implement has a test that shows its contribution where it belongs.

A test says which hooks it exercises with `@pytest.mark.hook("kinerja_…")`; the walk below reads
the hookspecs from pluggy and the marks from the test sources (the core's and the plugins'), so
a new hook without a test, or a mark naming a hook that is gone, fails here."""

from __future__ import annotations

from collections.abc import Iterator

import pluggy
import pytest
from flask import Flask
from marshmallow import Schema, fields

from kinerja import plugins
from kinerja.db import db
from kinerja.identity import tokens as token_service
from kinerja.plugins import core, hookspecs
from kinerja.plugins.hookspecs import hookimpl
from kinerja.plugins.types import DevelopmentOption, FormField, PluginInfo, ReportForm
from tests.support import csrf_token, put_if_match, sign_in
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
        return PluginInfo(
            self.NAME,
            "Coaching",
            "opsi pengembangan, untuk uji",
            title_en="Coaching",
            description_en="a development option, for tests",
        )

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


# --- kinerja_field_choices ---------------------------------------------------------------------
class Places:
    """A plugin whose form's `place` is one of the agency's places (its setting), given at
    request time; `broken` makes the hook fail, as a plugin's bug would."""

    NAME = "places"
    broken = False

    class Settings(Schema):
        places = fields.String(load_default="", metadata={"label": "Tempat", "label_en": "Places"})

    FORM = ReportForm(
        code="PLC",
        title="Laporan tempat",
        title_en="Place report",
        fields=(
            FormField("place", "Tempat", "choice", "Place", live_choices=True),
            FormField("count", "Jumlah", "integer", "Count", min=0, aggregate="sum"),
        ),
        group_by=("place",),
    )

    @hookimpl
    def kinerja_plugin_info(self) -> PluginInfo:
        return PluginInfo(
            self.NAME,
            "Tempat",
            "formulir dengan tempat instansi",
            "0.1",
            self.Settings,
            "Places",
            "a form with the agency's places",
        )

    @hookimpl
    def kinerja_report_forms(self) -> list[ReportForm]:
        return [self.FORM]

    @hookimpl
    def kinerja_field_choices(self, form_code: str) -> dict[str, list[str]]:
        if self.broken:
            raise RuntimeError("the registry is down")
        from kinerja.plugins import api

        given = str(api.settings(self.NAME)["places"])  # this agency's, read now
        return {"place": [p.strip() for p in given.split(",") if p.strip()]}


@pytest.fixture
def with_places(app: Flask) -> Iterator[Flask]:
    original = app.extensions[plugins.KEY]
    Places.broken = False
    plugins.init_app(app, extra=[Places()])
    yield app
    app.extensions[plugins.KEY] = original


def _member(tenant_id: int, user_id: int, language: str | None = "en") -> dict[str, str]:
    with db.unit_of_work(tenant_id) as session:
        issued = token_service.issue(session, tenant_id, user_id, "pegawai", "t", 5)
    headers = {"Authorization": f"Bearer {issued.token}"}
    return headers | ({"Accept-Language": language} if language else {})


@pytest.mark.hook("kinerja_field_choices")
def test_a_plugin_gives_a_fields_choices_per_agency_at_request_time(
    with_places, client, people, tenants
) -> None:
    a = _admin(tenants.a, people.users["admin"])
    b = _admin(tenants.b, people.users["outsider"])
    url = "/api/v1/tenants/{}/plugins/places"
    settings = {"places": "Alpha, Beta"}
    on = {"enabled": True, "settings": settings}
    assert put_if_match(client, url.format("dinkes"), headers=a, json=on).status_code == 200
    on_b = {"enabled": True, "settings": {"places": "Gamma"}}
    assert put_if_match(client, url.format("disdik"), headers=b, json=on_b).status_code == 200

    def listed(slug: str, headers: dict[str, str]) -> list[str]:
        [form] = client.get(f"/api/v1/tenants/{slug}/forms", headers=headers).get_json()
        place = form["fields"][0]
        assert place["type"] == "choice" and place["live_choices"] is True
        return list(place["choices"])

    assert listed("dinkes", a) == ["Alpha", "Beta"]
    assert listed("disdik", b) == ["Gamma"]  # the other agency's own list
    staff = _member(tenants.a, people.users["staff"])
    sent = "/api/v1/tenants/dinkes/forms/PLC/submissions"
    ok = client.post(sent, headers=staff, json={"place": "Alpha", "count": 3})
    assert ok.status_code == 201, ok.get_json()
    for unknown in ("Gamma", "Alfa", "alpha"):  # another agency's, a typo, another spelling
        refused = client.post(sent, headers=staff, json={"place": unknown, "count": 3})
        assert refused.status_code == 422
        assert refused.get_json()["errors"]["json"] == {"place": ["Choose one from the list."]}
    indonesian = _member(tenants.a, people.users["staff"], None)
    refused = client.post(sent, headers=indonesian, json={"place": "Alfa", "count": 3})
    assert refused.get_json()["errors"]["json"] == {"place": ["Pilih salah satu dari daftar."]}
    # The list is read at request time: the admin's change applies to the next submission.
    renamed = {"enabled": True, "settings": {"places": "Alfa"}}
    assert put_if_match(client, url.format("dinkes"), headers=a, json=renamed).status_code == 200
    assert client.post(sent, headers=staff, json={"place": "Alfa", "count": 1}).status_code == 201
    assert client.post(sent, headers=staff, json={"place": "Alpha", "count": 1}).status_code == 422
    # The web form: a select of the agency's places; an unknown one refused naming the field.
    browser = client.application.test_client()
    sign_in(browser, "staff")
    page = browser.get("/t/dinkes/reports/PLC/new").get_data(as_text=True)
    assert '<select id="f-place" name="place"' in page and "<option >Alfa</option>" in page
    form = {"place": "Gamma", "count": "2", "csrf_token": csrf_token(browser, "/t/dinkes/")}
    shown = browser.post("/t/dinkes/reports/PLC/new", data=form)
    assert shown.status_code == 422
    html = shown.get_data(as_text=True)
    assert "Pilih salah satu dari daftar." in html.split('id="f-place"')[1].split("<label")[0]
    listed_now = client.get(f"{sent}?status=submitted", headers=staff).get_json()
    assert sorted(s["data"]["place"] for s in listed_now) == ["Alfa", "Alpha"]


def test_a_failing_choices_hook_refuses_the_submission_and_stores_nothing(
    with_places, client, people, tenants
) -> None:
    a = _admin(tenants.a, people.users["admin"])
    on = {"enabled": True, "settings": {"places": "Alpha"}}
    enabled = put_if_match(client, "/api/v1/tenants/dinkes/plugins/places", headers=a, json=on)
    assert enabled.status_code == 200
    Places.broken = True
    staff = _member(tenants.a, people.users["staff"])
    sent = "/api/v1/tenants/dinkes/forms/PLC/submissions"
    answer = client.post(sent, headers=staff, json={"place": "Alpha", "count": 3})
    assert answer.status_code == 503  # nothing to check against: try again, never a 500
    [form] = client.get("/api/v1/tenants/dinkes/forms", headers=staff).get_json()
    assert form["fields"][0]["choices"] == []  # the listing still answers
    Places.broken = False
    assert client.get(sent, headers=staff).get_json() == []


def test_live_choices_are_checked_at_start_up() -> None:
    from kinerja.plugins.manager import Plugins, StartupError, form_problem

    fixed = FormField("place", "Tempat", "choice", choices=("a",), live_choices=True)
    assert form_problem(ReportForm("X", "x", (fixed,))) is not None
    typed = FormField("place", "Tempat", "text", live_choices=True)
    assert form_problem(ReportForm("X", "x", (typed,))) is not None
    assert form_problem(Places.FORM) is None

    class Mute(Places):
        NAME = "mute"
        kinerja_field_choices = None  # type: ignore[assignment]

    with pytest.raises(StartupError, match="kinerja_field_choices"):
        Plugins.load("none", 2, [Mute()])
