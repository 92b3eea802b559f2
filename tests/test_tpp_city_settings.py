"""The city admin's TPP pages: the base per kelas, the tables and a position's exception set on
the web (amounts typed as people type them), refused per field in the reader's language with
nothing stored, reaching the next computation, the city admin's alone, and two admins saving at
once never a 500 (one saves, the other is told the values moved)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from kinerja.audit.models import AuditEntry
from kinerja.db import db
from kinerja.tpp import service, settings
from tests.support import at_once, csrf_token, sign_in
from tests.tpp_support import MONTH, YEAR, set_up

SETTINGS = "/city/tpp/settings"
POSITIONS = "/city/tpp/positions"


def _client(app: Any, login: str = "kota", language: str = "id") -> Any:
    client = app.test_client()
    sign_in(client, login)
    client.set_cookie("kinerja_lang", language)
    return client


def _hidden(html: str, name: str, after: str = "") -> str:
    """The value of hidden input `name` (the first one after the text `after`)."""
    found = re.search(rf'name="{name}" value="([^"]*)"', html[html.index(after) :])
    assert found, name
    return found.group(1)


def _bases_form(client: Any, **amounts: str) -> dict[str, str]:
    page = client.get(SETTINGS).get_data(as_text=True)
    form = {f"bases.{k}": "" for k in range(1, 18)}
    for kelas, value in re.findall(r'name="bases\.(\d+)"[^>]*value="([^"]*)"', page):
        form[f"bases.{kelas}"] = value
    form.update({k.replace("_", "."): v for k, v in amounts.items()})
    form["csrf_token"] = _hidden(page, "csrf_token", 'action="/city/tpp/bases"')
    form["version"] = _hidden(page, "version", 'action="/city/tpp/bases"')
    return form


def _tables_form(client: Any, **changes: str) -> dict[str, str]:
    page = client.get(SETTINGS).get_data(as_text=True)
    start = page.index('action="/city/tpp/tables"')
    form = dict(
        re.findall(r'name="([a-z_]+(?:\.[A-Za-z0-9_]+)?)"[^>]*value="([^"]*)"', page[start:])
    )
    form.update({k.replace("__", "."): v for k, v in changes.items()})
    return form


def test_the_pages_render_for_the_city_admin_with_amounts_as_money(app, tenants, people) -> None:
    set_up(tenants, people)  # kelas 7: 2,000,000; kelas 9: 3,000,000
    city = _client(app)
    page = city.get(SETTINGS)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="2.000.000"' in html and "Rp 3.000.000" in html  # input and money
    assert "Potongan" in html or "poin" in html.lower()  # Indonesian by default
    assert 'href="/city/tpp/settings"' in html  # the city menu's entry
    english = _client(app, language="en").get(SETTINGS).get_data(as_text=True)
    assert "IDR 3,000,000" in english and 'value="2,000,000"' in english
    chooser = city.get(POSITIONS)
    assert chooser.status_code == 200 and "Dinas Kesehatan" in chooser.get_data(as_text=True)
    listed = city.get(f"{POSITIONS}?agency=dinkes").get_data(as_text=True)
    assert "Analis" in listed and "Kepala Bidang" in listed and "Kelas 7" in listed
    assert city.get(f"{POSITIONS}?agency=nowhere").status_code == 404


@pytest.mark.parametrize("login", ["admin", "staff"])
def test_everyone_else_gets_404_and_the_signed_out_sign_in(app, tenants, people, login) -> None:
    set_up(tenants, people)
    other = _client(app, login)
    token = csrf_token(other, "/t/dinkes/")
    for path in (SETTINGS, POSITIONS, f"{POSITIONS}?agency=dinkes"):
        assert other.get(path).status_code == 404, path
    for path in ("/city/tpp/bases", "/city/tpp/tables", POSITIONS):
        answer = other.post(path, data={"csrf_token": token, "bases.7": "1", "amount": "1"})
        assert answer.status_code == 404, path
    anonymous = app.test_client()
    answer = anonymous.get(SETTINGS)
    assert answer.status_code == 302 and "/auth/login" in answer.headers["Location"]
    with db.unit_of_work() as session:  # nothing changed
        assert settings.bases(session) == {7: 2_000_000, 9: 3_000_000}


@pytest.mark.parametrize(
    ("language", "message"),
    [("id", "Isi bilangan bulat rupiah"), ("en", "Give a whole number of rupiah")],
)
def test_a_bad_amount_shows_the_form_again_with_its_message(
    app, tenants, people, language, message
) -> None:
    set_up(tenants, people)
    city = _client(app, language=language)
    answer = city.post(
        "/city/tpp/bases", data=_bases_form(city, bases_1="1.000.000", bases_7="2,5")
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert message in html and 'id="e-bases.7"' in html
    assert 'value="2,5"' in html  # what was typed stays to be corrected
    with db.unit_of_work() as session:  # nothing stored, not even the good kelas 1
        assert settings.bases(session) == {7: 2_000_000, 9: 3_000_000}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"weights.0": "70", "weights.1": "40"}, "weights"),
        ({"weights.0": "-10", "weights.1": "110"}, "weights"),
        ({"kinerja_percent.BAIK": "101"}, "kinerja_percent.BAIK"),
        ({"deductions.terlambat_1": "abc"}, "deductions.terlambat_1"),
        ({"required_compliance": "0"}, "required_compliance"),
        ({"new_code": "Izin Sakit", "new_points": "1"}, "new_code"),
        ({"new_code": "izin", "new_points": ""}, "new_points"),
    ],
)
def test_a_bad_table_shows_the_field_message_and_keeps_nothing(
    app, tenants, people, changes, field
) -> None:
    set_up(tenants, people)
    city = _client(app)
    form = _tables_form(city)
    form.update(changes)
    answer = city.post("/city/tpp/tables", data=form)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422, html
    assert "Beberapa isian tidak valid." in html and "invalid-feedback" in html
    if field != "weights":
        assert f'id="e-{field}"' in html
    else:
        assert "Isi dua bilangan bulat yang berjumlah 100." in html
    with db.unit_of_work() as session:
        assert settings.tables(session) == settings.DEFAULTS


def test_a_good_save_changes_the_next_computation(app, tenants, people) -> None:
    setting = set_up(tenants, people)
    city = _client(app)
    with db.unit_of_work(tenants.a) as session:
        before = service.compute(session, YEAR, MONTH)
        assert service.line_of(session, before.id, people.staff).base == 2_000_000
    saved = city.post("/city/tpp/bases", data=_bases_form(city, bases_7="Rp 2.500.000"))
    assert saved.status_code == 303
    form = _tables_form(city)
    form.update({"weights.0": "70", "weights.1": "30", "required_compliance": "75,5"})
    form.update({"deductions.terlambat_1": "0,75", "new_code": "izin_1", "new_points": "2"})
    assert city.post("/city/tpp/tables", data=form).status_code == 303
    with db.unit_of_work() as session:
        tables = settings.tables(session)
        assert settings.bases(session)[7] == 2_500_000
        assert tables.weights == (70, 30) and tables.required == Decimal("0.755")
        assert tables.deductions["terlambat_1"] == Decimal("0.75")
        assert tables.deductions["izin_1"] == 2
    with db.unit_of_work(tenants.a) as session:
        after = service.compute(session, YEAR, MONTH)
        line = service.line_of(session, after.id, people.staff)
        assert (line.base, line.weight_kinerja, line.required_compliance) == (
            2_500_000,
            70,
            Decimal("0.755"),
        )
    # the boss's position gets its own amount, audited in the agency as the city admin
    page = city.get(f"{POSITIONS}?agency=dinkes").get_data(as_text=True)
    row = page[page.index(f'id="position-{setting.boss_position}"') :]
    answer = city.post(
        POSITIONS,
        data={
            "csrf_token": _hidden(row, "csrf_token"),
            "agency": "dinkes",
            "position_id": str(setting.boss_position),
            "version": _hidden(row, "version"),
            "amount": "4.000.000",
        },
    )
    assert answer.status_code == 303
    assert "Rp 4.000.000" in city.get(answer.headers["Location"]).get_data(as_text=True)
    with db.unit_of_work(tenants.a) as session:
        after = service.compute(session, YEAR, MONTH)
        line = service.line_of(session, after.id, people.superior)
        assert (line.base, line.base_source) == (4_000_000, "position")
        logged = session.scalars(select(AuditEntry).where(AuditEntry.action == "tpp.position_base"))
        assert [(a.actor_role, a.changes) for a in logged] == [
            ("admin_kota", {"amount": [None, 4_000_000]})
        ]


def test_a_bad_position_amount_is_refused_on_its_row(app, tenants, people) -> None:
    setting = set_up(tenants, people)
    city = _client(app, language="en")
    page = city.get(f"{POSITIONS}?agency=dinkes").get_data(as_text=True)
    answer = city.post(
        POSITIONS,
        data={
            "csrf_token": _hidden(page, "csrf_token"),
            "agency": "dinkes",
            "position_id": str(setting.staff_position),
            "version": "",
            "amount": "-5",
        },
    )
    assert answer.status_code == 422
    assert "Give a whole number of rupiah" in answer.get_data(as_text=True)
    other = {"agency": "disdik", "position_id": str(setting.staff_position), "amount": "5"}
    refused = city.post(POSITIONS, data={"csrf_token": _hidden(page, "csrf_token"), **other})
    assert refused.status_code == 422  # not a position of that agency
    with db.unit_of_work(tenants.a) as session:
        assert settings.position_bases(session) == {}


def test_two_admins_saving_at_once_one_saves_the_other_is_told(app, tenants, people) -> None:
    setting = set_up(tenants, people)
    first, second = _client(app), _client(app)
    forms = [_bases_form(first, bases_7="2.100.000"), _bases_form(second, bases_7="2.200.000")]
    answers = at_once(
        app,
        [
            lambda c, client=client, form=form: client.post("/city/tpp/bases", data=form)
            for client, form in zip((first, second), forms, strict=True)
        ],
    )
    statuses = sorted(getattr(a, "status_code", a) for a in answers)
    assert statuses == [303, 409], answers
    told = next(a for a in answers if a.status_code == 409).get_data(as_text=True)
    assert "Admin lain menyimpan" in told
    with db.unit_of_work() as session:
        assert settings.bases(session)[7] in (2_100_000, 2_200_000)
    # the tables and a position alike (each save changes something: the version is the values'
    # fingerprint, so a save that changes nothing leaves the other's form current)
    tables = [
        _tables_form(first, weights__0="55", weights__1="45"),
        _tables_form(second, weights__0="65", weights__1="35"),
    ]
    answers = at_once(
        app,
        [
            lambda c, client=client, form=form: client.post("/city/tpp/tables", data=form)
            for client, form in zip((first, second), tables, strict=True)
        ],
    )
    assert sorted(a.status_code for a in answers) == [303, 409]
    data = []
    for client, amount in ((first, "1.000.000"), (second, "1.500.000")):
        page = client.get(f"{POSITIONS}?agency=dinkes").get_data(as_text=True)
        row = page[page.index(f'id="position-{setting.staff_position}"') :]
        data.append(
            {
                "csrf_token": _hidden(row, "csrf_token"),
                "agency": "dinkes",
                "position_id": str(setting.staff_position),
                "version": _hidden(row, "version"),
                "amount": amount,
            }
        )
    answers = at_once(
        app,
        [
            lambda c, client=client, form=form: client.post(POSITIONS, data=form)
            for client, form in zip((first, second), data, strict=True)
        ],
    )
    assert sorted(a.status_code for a in answers) == [303, 409]


def test_a_stale_form_is_told_and_shown_the_values_in_force(app, tenants, people) -> None:
    set_up(tenants, people)
    city = _client(app)
    stale = _bases_form(city, bases_7="2.100.000")
    fresh = _bases_form(city, bases_7="2.200.000")
    assert city.post("/city/tpp/bases", data=fresh).status_code == 303
    answer = city.post("/city/tpp/bases", data=stale)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 409 and "Admin lain menyimpan" in html
    assert 'value="2.200.000"' in html and 'value="2.100.000"' not in html
    # a field left off the form is left alone (only an empty field removes a kelas)
    partial = {"csrf_token": fresh["csrf_token"], "bases.1": "1.500.000"}
    assert city.post("/city/tpp/bases", data=partial).status_code == 303
    with db.unit_of_work() as session:
        assert settings.bases(session) == {1: 1_500_000, 7: 2_200_000, 9: 3_000_000}
