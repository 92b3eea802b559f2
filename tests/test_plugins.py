"""The plugin platform: per-agency enablement, isolation of failures, start-up checks, the
competency dictionary, and the hooks' documentation."""

from __future__ import annotations

import ast
import inspect
import re
import threading
import time
from pathlib import Path

import pytest
from marshmallow import Schema, fields
from sqlalchemy import text

from kinerja import plugins
from kinerja.db import db
from kinerja.identity import tokens as token_service
from kinerja.plugins import hookspecs
from kinerja.plugins.hookspecs import hookimpl
from kinerja.plugins.manager import Plugins, StartupError
from kinerja.plugins.types import Competency, MenuItem, PluginInfo
from tests.support import csrf_token, put_if_match, sign_in

LEVELS = ("satu", "dua", "tiga", "empat", "lima")
LEVELS_EN = ("one", "two", "three", "four", "five")


class Settings(Schema):
    region = fields.String(required=True, metadata={"label": "Wilayah", "label_en": "Region"})


class Throwaway:
    """A plugin made for one test: a technical competency and a menu entry."""

    NAME = "throwaway"

    @hookimpl
    def kinerja_plugin_info(self) -> PluginInfo:
        return PluginInfo(
            self.NAME, "Throwaway", "untuk uji", "0.1", Settings, "Throwaway", "for tests"
        )

    @hookimpl
    def kinerja_competencies(self) -> list[Competency]:
        return [
            Competency(
                "TX1",
                "Uji Teknis",
                "teknis",
                "uji",
                LEVELS,
                (),
                "Technical test",
                "test",
                LEVELS_EN,
            )
        ]

    @hookimpl
    def kinerja_menu_items(self, principal) -> list[MenuItem]:  # type: ignore[no-untyped-def]
        return [MenuItem("plugins.competencies", "Throwaway page", "", 55)]


class Broken:
    """Sound at start-up; then raises in one hook and answers the wrong type in another."""

    NAME = "broken"
    armed = False

    @hookimpl
    def kinerja_plugin_info(self) -> PluginInfo:
        return PluginInfo(self.NAME, "Broken", "", title_en="Broken")

    @hookimpl
    def kinerja_competencies(self) -> list[Competency]:
        if self.armed:
            raise RuntimeError("the plugin's own bug")
        return []

    @hookimpl
    def kinerja_menu_items(self, principal) -> str:  # type: ignore[no-untyped-def]
        return "not a list"

    @hookimpl
    def kinerja_report_forms(self) -> list:  # type: ignore[type-arg]
        if self.armed:
            raise ValueError("forms broke")
        return []


@pytest.fixture
def with_plugins(app):  # type: ignore[no-untyped-def]
    original = app.extensions[plugins.KEY]
    Broken.armed = False
    plugins.init_app(app, extra=[Throwaway(), Broken()])
    yield app
    app.extensions[plugins.KEY] = original


def admin_token(tenant_id: int, user_id: int) -> dict[str, str]:
    with db.unit_of_work(tenant_id) as session:
        token = token_service.issue(session, tenant_id, user_id, "admin_opd", "t", 5).token
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


def enable(client, headers, name: str, enabled: bool = True, settings=None):  # type: ignore[no-untyped-def]
    body = {"enabled": enabled, "settings": settings}
    return put_if_match(
        client, f"/api/v1/tenants/dinkes/plugins/{name}", headers=headers, json=body
    )


def codes(client, headers, slug: str = "dinkes") -> set[str]:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1/tenants/{slug}/competencies", headers=headers)
    return {c["code"] for c in response.get_json()}


@pytest.mark.hook("kinerja_competencies")
def test_the_core_delivers_its_competencies_through_the_same_hook(client, people) -> None:
    headers = admin_token(people_tenant(people), people.users["admin"])
    found = client.get("/api/v1/tenants/dinkes/competencies", headers=headers).get_json()
    groups = {(c["group"], c["plugin"]) for c in found}
    assert groups == {("manajerial", "kinerja-core"), ("sosial_kultural", "kinerja-core")}
    assert len([c for c in found if c["group"] == "manajerial"]) == 8
    assert all(len(c["levels"]) == 5 for c in found)


@pytest.mark.hook("kinerja_competencies", "kinerja_menu_items")
def test_a_plugin_enabled_for_one_agency_shows_there_and_nowhere_else(
    client, people, with_plugins, tenants
) -> None:
    a = admin_token(tenants.a, people.users["admin"])
    b = admin_token(tenants.b, people.users["outsider"])
    assert "TX1" not in codes(client, a)
    assert enable(client, a, "throwaway", settings={"region": "Medan"}).status_code == 200
    assert "TX1" in codes(client, a)  # on the next request, without a restart
    assert "TX1" not in codes(client, b, "disdik")
    sign_in(client, "admin")
    assert "Throwaway page" in client.get("/t/dinkes/").get_data(as_text=True)
    other = client.application.test_client()
    sign_in(other, "outsider")
    assert "Throwaway page" not in other.get("/t/disdik/").get_data(as_text=True)
    assert enable(client, a, "throwaway", enabled=False).status_code == 200
    assert "TX1" not in codes(client, a)  # disabled: hidden at once, its row kept
    assert enable(client, a, "throwaway").get_json()["settings"] == {"region": "Medan"}


@pytest.mark.hook("kinerja_plugin_info")
def test_bad_settings_are_refused_naming_the_field(client, people, with_plugins, tenants) -> None:
    a = admin_token(tenants.a, people.users["admin"])
    response = enable(client, a, "throwaway", settings={"region": 5})
    assert response.status_code == 422
    assert "settings.region" in response.get_json()["errors"]["json"]
    # The plugin's own schema speaks the reader's language too (Indonesian by default).
    indonesian = enable(client, {**a, "Accept-Language": "id"}, "throwaway", settings={"region": 5})
    assert indonesian.get_json()["errors"]["json"]["settings.region"] == ["Masukkan teks."]
    unknown = enable(client, a, "nope")
    assert unknown.status_code == 404


def test_a_failing_plugin_leaves_the_core_answering_and_its_admin_sees_why(
    client, people, with_plugins, tenants, owner_engine
) -> None:
    a = admin_token(tenants.a, people.users["admin"])
    assert enable(client, a, "broken").status_code == 200
    Broken.armed = True
    assert "M1" in codes(client, a)  # the core's competencies still come
    sign_in(client, "admin")
    home = client.get("/t/dinkes/")
    assert home.status_code == 200 and "/t/dinkes/employees" in home.get_data(as_text=True)
    assert client.get("/t/dinkes/reports").status_code == 200  # its forms broke, the page did not
    page = client.get("/t/dinkes/plugins").get_data(as_text=True)
    assert "wrong return type" in page or "own bug" in page or "forms broke" in page
    with owner_engine.connect() as conn:
        count, last = conn.execute(
            text("SELECT error_count, last_error FROM tenant_plugin WHERE plugin = 'broken'")
        ).one()
    Broken.armed = False
    assert count >= 2 and ("wrong return type" in last or "RuntimeError" in last)


def test_turning_plugins_on_and_off_is_audited(client, people, with_plugins, tenants, owner_engine):
    a = admin_token(tenants.a, people.users["admin"])
    enable(client, a, "throwaway", settings={"region": "Medan"})
    enable(client, a, "throwaway", enabled=False)
    with owner_engine.connect() as conn:
        actions = (
            conn.execute(
                text("SELECT action FROM audit_log WHERE object_type = 'plugin' ORDER BY id")
            )
            .scalars()
            .all()
        )
    assert actions == ["plugin.enable", "plugin.disable"]


def test_only_the_agency_admin_turns_plugins_on(client, people, with_plugins) -> None:
    sign_in(client, "staff")
    token = csrf_token(client, "/t/dinkes/plugins")
    response = client.post(
        "/t/dinkes/plugins", data={"csrf_token": token, "plugin": "throwaway", "enabled": "1"}
    )
    assert response.status_code == 403


def test_duplicate_codes_and_bad_competencies_refuse_to_start() -> None:
    class Copycat(Throwaway):
        NAME = "copycat"

        @hookimpl
        def kinerja_plugin_info(self) -> PluginInfo:
            return PluginInfo(self.NAME, "Copycat", title_en="Copycat")

    with pytest.raises(StartupError, match="copycat: competency code TX1"):
        Plugins.load("none", 2, [Throwaway(), Copycat()])

    class FourLevels(Throwaway):
        NAME = "four"

        @hookimpl
        def kinerja_plugin_info(self) -> PluginInfo:
            return PluginInfo(self.NAME, "Four", title_en="Four")

        @hookimpl
        def kinerja_competencies(self) -> list[Competency]:
            return [Competency("F1", "x", "teknis", "", LEVELS[:4])]  # type: ignore[arg-type]

    with pytest.raises(StartupError, match="plugin four"):
        Plugins.load("none", 2, [FourLevels()])

    broken = Broken()
    broken.armed = True
    with pytest.raises(StartupError, match="plugin broken: fails at start-up"):
        Plugins.load("none", 2, [broken])

    class BadSchema(Throwaway):
        NAME = "badschema"

        @hookimpl
        def kinerja_plugin_info(self) -> PluginInfo:
            return PluginInfo(
                self.NAME, "Bad", settings_schema={"region": "string"}, title_en="Bad"
            )

        @hookimpl
        def kinerja_competencies(self) -> list[Competency]:
            return []

    with pytest.raises(StartupError, match="plugin badschema: settings_schema"):
        Plugins.load("none", 2, [BadSchema()])


class Hanging(Throwaway):
    """Its competencies and menu hooks hang until the test lets them go (or 10 s pass)."""

    NAME = "hanging"
    release = threading.Event()

    @hookimpl
    def kinerja_plugin_info(self) -> PluginInfo:
        return PluginInfo(self.NAME, "Hanging", title_en="Hanging")

    @hookimpl
    def kinerja_competencies(self) -> list[Competency]:
        if not self.release.is_set():  # start-up passes; every later call hangs
            self.release.wait(10)
        return [Competency("H1", "Menggantung", "teknis", "", LEVELS, (), "Hanging", "", LEVELS_EN)]

    @hookimpl
    def kinerja_menu_items(self, principal) -> list[MenuItem]:  # type: ignore[no-untyped-def]
        self.release.wait(10)
        return [MenuItem("plugins.competencies", "Hanging page", "", 56)]


@pytest.fixture
def hanging():  # type: ignore[no-untyped-def]
    Hanging.release.set()  # let the start-up checks through
    plugin = Hanging()
    yield plugin
    Hanging.release.set()  # whatever still waits finishes now


def test_a_hook_that_hangs_is_abandoned_at_the_limit_and_never_holds_more_threads(
    hanging,
) -> None:
    manager = Plugins.load("none", 0.2, [hanging])
    Hanging.release.clear()
    timings, messages = [], []
    for _ in range(3):
        started = time.perf_counter()
        results = manager.call("kinerja_competencies", {"hanging"})
        timings.append(time.perf_counter() - started)
        assert [name for name, _ in results] == ["kinerja-core"]  # the core's answer, not its
        messages.append(manager.failures[(None, "hanging", "kinerja_competencies")].message)
    assert all("no answer within 0.2 s" in m for m in messages[:2])
    assert 0.15 < timings[0] < 1 and 0.15 < timings[1] < 1  # waited for the limit, no longer
    # Two abandoned calls still run: the third is refused at once, not queued behind them.
    assert timings[2] < 0.1 and messages[2].startswith("skipped: 2 earlier calls")
    Hanging.release.set()
    deadline = time.monotonic() + 5
    while manager._busy["hanging"] and time.monotonic() < deadline:
        time.sleep(0.01)
    assert [n for n, _ in manager.call("kinerja_competencies", {"hanging"})] == [
        "hanging",
        "kinerja-core",
    ]  # once its threads are free again, it is called as before


def test_a_burst_of_calls_to_a_slowish_healthy_plugin_all_get_its_answer(hanging) -> None:
    """Only calls abandoned past the limit count against a plugin: twelve requests of one agency
    at once, each answered in 0.1 s, all get the plugin's contribution (before, a third call in
    flight was refused as if the plugin hung)."""
    from concurrent.futures import ThreadPoolExecutor

    manager = Plugins.load("none", 2.0, [hanging])
    Hanging.release.clear()
    threading.Timer(0.1, Hanging.release.set).start()  # every call waits ~0.1 s, then answers
    with ThreadPoolExecutor(12) as pool:
        answers = list(
            pool.map(lambda _i: manager.call("kinerja_competencies", {"hanging"}), range(12))
        )
    assert all([name for name, _ in a] == ["hanging", "kinerja-core"] for a in answers)
    assert not manager.failures


def test_a_page_answers_in_about_the_limit_without_a_hanging_plugin_and_counts_it(
    app, client, people, tenants, owner_engine, hanging
) -> None:
    from kinerja import metrics

    original, limit = app.extensions[plugins.KEY], app.config["PLUGIN_TIME_LIMIT"]
    app.config["PLUGIN_TIME_LIMIT"] = 0.5
    plugins.init_app(app, extra=[hanging])
    try:
        a = admin_token(tenants.a, people.users["admin"])
        assert enable(client, a, "hanging").status_code == 200
        counted = metrics.PLUGIN_ERRORS.labels("hanging", "kinerja_menu_items")._value.get()
        Hanging.release.clear()
        sign_in(client, "admin")
        started = time.perf_counter()
        home = client.get("/t/dinkes/")
        elapsed = time.perf_counter() - started
        html = home.get_data(as_text=True)
        assert home.status_code == 200 and "/t/dinkes/employees" in html
        assert "Hanging page" not in html  # answered without its contribution
        assert 0.4 < elapsed < 2.5, elapsed  # about the limit, not the hook's 10 s
        after = metrics.PLUGIN_ERRORS.labels("hanging", "kinerja_menu_items")._value.get()
        assert after == counted + 1
        with owner_engine.connect() as conn:
            count, last = conn.execute(
                text("SELECT error_count, last_error FROM tenant_plugin WHERE plugin = 'hanging'")
            ).one()
        assert count == 1 and last.startswith("kinerja_menu_items: no answer within 0.5 s")
        assert "no answer within 0.5 s" in client.get("/t/dinkes/plugins").get_data(as_text=True)
    finally:
        Hanging.release.set()
        app.config["PLUGIN_TIME_LIMIT"] = limit
        app.extensions[plugins.KEY] = original


def test_every_hook_is_documented_with_its_exact_signature() -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs" / "plugins.md").read_text()
    hooks = [
        (name, function)
        for name, function in vars(hookspecs).items()
        if name.startswith("kinerja_") and callable(function)
    ]
    assert hooks
    for name, function in hooks:
        # Annotations are strings here (postponed evaluation): shown as written, unquoted.
        signature = f"{name}{inspect.signature(function)}".replace("'", "")
        heading = re.search(rf"^### `{re.escape(signature)}`$", docs, re.M)
        assert heading, f"docs/plugins.md lacks a heading `### `{signature}``"
        assert function.__doc__ and function.__doc__.strip()


def people_tenant(people) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from kinerja.tenancy.models import Tenant

    with db.unit_of_work() as session:
        return int(session.scalar(select(Tenant.id).where(Tenant.slug == "dinkes")) or 0)


@pytest.fixture
def dinkes_app(database, redis_url, app):  # type: ignore[no-untyped-def]
    """An app that loads the pip-installed Dinas Kesehatan plugin through its entry point."""
    from kinerja.app import create_app
    from tests.support import app_config

    plugged = create_app(app_config(database, redis_url, PLUGINS="kinerja-dinkes"))
    with plugged.app_context():
        yield plugged


def write_catalogue(folder: Path, plugins_yaml: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "opd.yaml").write_text(
        "- {slug: dinkes, name: Dinas Kesehatan, kind: dinas}\n"
        f"- {{slug: disdik, name: Dinas Pendidikan, kind: dinas, plugins: {plugins_yaml}}}\n"
    )
    return folder


def test_the_catalogue_enables_a_pip_installed_plugin_for_one_agency(
    dinkes_app, people, tmp_path, tenants
) -> None:
    from kinerja.cli import cli

    runner = dinkes_app.test_cli_runner()
    bad = write_catalogue(tmp_path / "bad", "{kinerja-dinkes: {target_coverage: 150}}")
    refused = runner.invoke(cli, ["tenants", "sync", "--path", str(bad)])
    assert refused.exit_code == 1
    assert "opd.yaml:2: disdik: kinerja-dinkes: settings.target_coverage" in refused.output
    good = write_catalogue(tmp_path / "good", "{kinerja-dinkes: {target_coverage: 90}}")
    done = runner.invoke(cli, ["tenants", "sync", "--path", str(good)])
    assert done.exit_code == 0, done.output
    assert "disdik: plugin kinerja-dinkes enabled" in done.output
    client = dinkes_app.test_client()
    b = admin_token(tenants.b, people.users["outsider"])
    a = admin_token(tenants.a, people.users["admin"])
    assert "DK-IMUN" in codes(client, b, "disdik")
    assert "DK-IMUN" not in codes(client, a, "dinkes")
    again = runner.invoke(cli, ["tenants", "sync", "--path", str(good)])
    assert "plugin kinerja-dinkes" not in again.output  # nothing to change the second time


ROOT = Path(__file__).resolve().parent.parent


def kinerja_imports(source: str) -> list[str]:
    """The `kinerja` modules a file imports other than `kinerja.plugins.api` (as written)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from kinerja.plugins import api` names the module api; `from kinerja import x`, x.
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            if node.module != "kinerja" and node.module != "kinerja.plugins":
                names = [node.module]
        else:
            continue
        found += [n for n in names if n.split(".")[0] == "kinerja" and n != "kinerja.plugins.api"]
    return found


@pytest.mark.parametrize(
    ("source", "bad"),
    [
        ("from kinerja.plugins import api", []),
        ("from kinerja.plugins.api import hookimpl, settings", []),
        ("import kinerja.plugins.api as api", []),
        ("from kinerja_dinkes import coverage", []),
        ("from kinerja.db import db", ["kinerja.db"]),
        ("def f():\n    from kinerja.web.i18n import in_language", ["kinerja.web.i18n"]),
        ("from kinerja import clock", ["kinerja.clock"]),
        ("from kinerja.plugins import hookspecs", ["kinerja.plugins.hookspecs"]),
        ("import kinerja.reports.service", ["kinerja.reports.service"]),
    ],
)
def test_the_import_rule_reads_every_way_of_importing(source: str, bad: list[str]) -> None:
    assert kinerja_imports(source) == bad


def test_plugins_import_nothing_of_kinerja_but_its_api() -> None:
    files = sorted(ROOT.glob("plugins/*/src/**/*.py"))
    assert len(files) >= 5  # the Dinas Kesehatan plugin at least: the walk found its files
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in files
        if (found := kinerja_imports(path.read_text()))
    }
    assert offenders == {}, "plugins may import only kinerja.plugins.api"


def test_a_hook_in_its_worker_thread_reads_its_agencys_settings_and_defaults(
    app, client, people, tenants
) -> None:
    """The core hands the agency to the hook: its settings (defaults where none are set), the
    reader's language; the request's session stays in the request's thread."""
    from kinerja.plugins import api

    seen: dict[str, object] = {}

    class Curious(Throwaway):
        NAME = "curious"

        @hookimpl
        def kinerja_plugin_info(self) -> PluginInfo:
            return PluginInfo(self.NAME, "Curious", settings_schema=Defaulted, title_en="Curious")

        @hookimpl
        def kinerja_competencies(self) -> list[Competency]:
            return []

        @hookimpl
        def kinerja_menu_items(self, principal) -> list[MenuItem]:  # type: ignore[no-untyped-def]
            seen["settings"] = dict(api.settings(self.NAME))
            seen["other"] = dict(api.settings("throwaway"))
            seen["thread"] = threading.current_thread().name
            seen["tenant"] = api.agency().tenant_id
            seen["language"] = api.in_language("Halo", "Hello")
            seen["principal"] = api.principal().user_id
            return []

    original = app.extensions[plugins.KEY]
    plugins.init_app(app, extra=[Throwaway(), Curious()])
    try:
        a = admin_token(tenants.a, people.users["admin"])
        assert enable(client, a, "curious", settings={"region": "Deli"}).status_code == 200
        sign_in(client, "admin")
        assert client.get("/t/dinkes/").status_code == 200
        assert seen["settings"] == {"region": "Deli", "level": 3}  # stored, and the default
        assert seen["other"] == {}  # a plugin not enabled here: its schema's defaults (none)
        assert str(seen["thread"]).startswith("kinerja-plugin")
        assert seen["tenant"] == tenants.a and seen["principal"] == people.users["admin"]
        assert seen["language"] == "Halo"  # Indonesian, the reader's language
        assert api.settings("curious") == {"level": 3}  # outside any agency: the defaults
        with pytest.raises(api.NoAgency):
            api.submissions("LHI")
    finally:
        app.extensions[plugins.KEY] = original


class Defaulted(Schema):
    region = fields.String(required=True, metadata={"label": "Wilayah", "label_en": "Region"})
    level = fields.Integer(load_default=3, metadata={"label": "Tingkat", "label_en": "Level"})


def test_a_ratio_target_must_name_a_numeric_setting_of_its_plugin() -> None:
    from kinerja.plugins.types import FormField, Ratio, ReportForm

    class Targeted(Throwaway):
        NAME = "targeted"
        setting = "missing"

        @hookimpl
        def kinerja_plugin_info(self) -> PluginInfo:
            return PluginInfo(self.NAME, "Targeted", settings_schema=Defaulted, title_en="Targeted")

        @hookimpl
        def kinerja_competencies(self) -> list[Competency]:
            return []

        @hookimpl
        def kinerja_report_forms(self) -> list[ReportForm]:
            fields_ = (
                FormField("a", "A", label_en="A", aggregate="sum"),
                FormField("b", "B", label_en="B", aggregate="sum"),
            )
            return [
                ReportForm(
                    "TG",
                    "T",
                    fields_,
                    title_en="T",
                    ratios=(Ratio("r", "R", "a", "b", self.setting, label_en="R"),),
                )
            ]

    with pytest.raises(StartupError, match="target_setting missing must be a setting"):
        Plugins.load("none", 2, [Targeted()])
    fine = Targeted()
    fine.setting = "level"  # a number by default
    assert "targeted" in Plugins.load("none", 2, [fine]).infos
