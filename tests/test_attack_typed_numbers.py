"""Numbers put back into forms come back as the same numbers: every page that fills a field with
a stored number writes it the way `numbers.typed_decimal` reads it back (the reader's decimal
mark, no grouping, never a "1,125" the rule refuses as ambiguous, never rounded), so a form sent
back unchanged stores what it showed; and a number typed into a form is stored as the number
meant or refused by its field's name, never read as another number ("1.500" as 1.5)."""

from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy import select

from kinerja import clock, numbers
from kinerja.db import db
from kinerja.people import employees
from kinerja.performance import plan
from kinerja.performance import skp as skps
from kinerja.performance.inputs import RhkInput
from kinerja.performance.models import Iki
from kinerja.presentation import formats
from kinerja.tpp import settings
from tests.support import csrf_token, plan_head_and_boss, plan_staff, sign_in
from tests.tpp_support import set_up

TODAY = clock.today()
TPP = "/city/tpp/settings"


class _Form(HTMLParser):
    """The fields a browser sends for the form posting to `action`, as the page fills them."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.done, self.select = action, False, False, None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":  # the first one posting to `action` ("": the page itself)
            self.inside = not self.done and a.get("action", "") == self.action
        elif self.inside and tag == "input" and a.get("name") and a.get("type") != "file":
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.fields[a["name"]] = a.get("value", "")
        elif self.inside and tag == "select":
            self.select = a.get("name")
        elif self.inside and tag == "option" and self.select and "selected" in a:
            self.fields[self.select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.done, self.inside = self.done or self.inside, False
        elif tag == "select":
            self.select = None


def form_of(html: str, action: str) -> dict[str, str]:
    found = _Form(action)
    found.feed(html)
    assert found.fields, action
    return found.fields


def _client(app: Any, login: str, language: str = "id") -> Any:
    client = app.test_client()
    sign_in(client, login)
    client.set_cookie("kinerja_lang", language)
    return client


@pytest.mark.parametrize("locale", ["id", "en"])
@pytest.mark.parametrize(
    "value",
    ["0", "7", "1500", "2.5", "0.125", "1.125", "999.005", "12.345", "1234.125", "0.005", "1E+3"],
)
def test_a_number_written_for_a_form_reads_back_as_itself(locale, value) -> None:
    written = formats.typed_number(Decimal(value), locale=locale)
    assert numbers.typed_decimal(written) == Decimal(value)
    assert ("." if locale == "id" else ",") not in written  # the reader's mark, no grouping


# --- the city's TPP tables ---------------------------------------------------------------------
def _stored_tables(**deductions: str) -> None:
    with db.unit_of_work() as session:
        settings.put_tables(session, {settings.DEDUCTIONS: deductions}, None)


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("points", ["0.125", "1.125", "12.5", "0.005"])
def test_the_tpp_tables_sent_back_unchanged_keep_every_value(
    app, tenants, people, language, points
) -> None:
    set_up(tenants, people)
    with db.unit_of_work() as session:
        before = dict(settings.tables(session).deductions)
    _stored_tables(**{**{k: str(v) for k, v in before.items()}, "terlambat_1": points})
    city = _client(app, "kota", language)
    form = form_of(city.get(TPP).get_data(as_text=True), "/city/tpp/tables")
    answer = city.post("/city/tpp/tables", data=form)
    assert answer.status_code == 303, answer.get_data(as_text=True)
    with db.unit_of_work() as session:
        assert settings.tables(session).deductions["terlambat_1"] == Decimal(points)


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("typed", ["1.500", "1,500"])
def test_an_ambiguous_tpp_point_is_refused_by_its_field_never_stored(
    app, tenants, people, language, typed
) -> None:
    set_up(tenants, people)
    city = _client(app, "kota", language)
    form = form_of(city.get(TPP).get_data(as_text=True), "/city/tpp/tables")
    form["deductions.terlambat_1"] = typed
    answer = city.post("/city/tpp/tables", data=form)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert 'id="e-deductions.terlambat_1"' in html and f'value="{typed}"' in html
    assert ("(mis. 1,5)" if language == "id" else "(e.g. 1.5)") in html  # how to write it
    with db.unit_of_work() as session:
        assert settings.tables(session) == settings.DEFAULTS


@pytest.mark.parametrize("typed", ["1e1", "1_0", "\u0663"])
def test_a_tpp_point_the_rule_refuses_is_not_read_by_another(app, tenants, people, typed) -> None:
    set_up(tenants, people)
    city = _client(app, "kota")
    form = form_of(city.get(TPP).get_data(as_text=True), "/city/tpp/tables")
    form["deductions.terlambat_1"] = typed  # Decimal() read these as 10, 10 and 3
    answer = city.post("/city/tpp/tables", data=form)
    assert answer.status_code == 422
    assert 'id="e-deductions.terlambat_1"' in answer.get_data(as_text=True)
    with db.unit_of_work() as session:
        assert settings.tables(session) == settings.DEFAULTS


# --- an evaluation's realisasi -----------------------------------------------------------------
@pytest.mark.parametrize(("language", "shown"), [("id", "1234,5"), ("en", "1234.5")])
def test_the_realisasi_is_shown_in_the_readers_writing_and_sent_back_the_same(
    app, tenants, people, language, shown
) -> None:
    _rhk, iki = plan_staff(
        tenants, people, TODAY.year, plan_head_and_boss(tenants, people, TODAY.year)
    )
    with db.unit_of_work(tenants.a) as session:
        skp_id = skps.of_employee(session, people.staff, TODAY.year).id
    staff = _client(app, "staff", language)
    token = csrf_token(staff, "/t/dinkes/evaluations")
    started = staff.post(
        "/t/dinkes/evaluations/start", data={"skp_id": skp_id, "period": "0", "csrf_token": token}
    )
    url = started.headers["Location"]
    typed = {"id": "1.234,5", "en": "1,234.5"}[language]
    saved = staff.post(f"{url}/items", data={f"realisasi-{iki}": typed, "csrf_token": token})
    assert saved.status_code == 303
    page = staff.get(url).get_data(as_text=True)
    form = form_of(page, f"{url.removeprefix('http://localhost')}/items")
    assert form[f"realisasi-{iki}"] == shown
    assert staff.post(f"{url}/items", data=form).status_code == 303
    again = form_of(staff.get(url).get_data(as_text=True), f"{url.split('localhost')[-1]}/items")
    assert again[f"realisasi-{iki}"] == shown


# --- an SKP's indicator ------------------------------------------------------------------------
def _draft_with_target(tenants: Any, people: Any, low: str, high: str | None) -> tuple[int, int]:
    plan_head_and_boss(tenants, people, TODAY.year)
    with db.unit_of_work(tenants.a) as session:
        peer = employees.get_employee(session, people.peer)
        skp = skps.create(session, peer, TODAY.year)
        iki = {"text": "Dokumen", "aspect": "kuantitas", "target_low": low, "unit": "dokumen"}
        if high:
            iki["target_high"] = high
        rhk = plan.add_rhk(session, skp, RhkInput().read({"text": "Dokumen", "iki": [iki]}))
        return skp.id, rhk.id


@pytest.mark.parametrize(
    ("language", "low", "high", "shown"),
    [("id", "1234.5", "2500", ("1234,5", "2500")), ("en", "0.25", "1.5", ("0.25", "1.5"))],
)
def test_an_indicators_targets_are_shown_in_the_readers_writing_and_kept(
    app, tenants, people, language, low, high, shown
) -> None:
    skp_id, rhk_id = _draft_with_target(tenants, people, low, high)
    with db.unit_of_work(tenants.a) as session:
        iki_id = session.scalar(select(Iki.id).where(Iki.rhk_id == rhk_id))
    peer = _client(app, "peer", language)
    url = f"/t/dinkes/skp/{skp_id}"
    action = f"{url}/rhk/{rhk_id}/iki/{iki_id}"
    form = form_of(peer.get(url).get_data(as_text=True), action)
    assert (form["target_low"], form["target_high"]) == shown
    assert peer.post(action, data=form).status_code == 303
    with db.unit_of_work(tenants.a) as session:
        iki = session.scalar(select(Iki).where(Iki.id == iki_id))
        assert (iki.target_low, iki.target_high) == (Decimal(low), Decimal(high))


# --- the talent policy -------------------------------------------------------------------------
@pytest.mark.parametrize(("language", "shown"), [("id", "92,5"), ("en", "92.5")])
def test_the_talent_cut_offs_are_shown_in_the_readers_writing_and_kept(
    app, tenants, people, language, shown
) -> None:
    admin = _client(app, "admin", language)
    url = "/t/dinkes/talent/settings"
    form = form_of(admin.get(url).get_data(as_text=True), "")
    form["tinggi_from"] = {"id": "92,5", "en": "92.5"}[language]
    assert admin.post(url, data=form).status_code == 303
    form = form_of(admin.get(url).get_data(as_text=True), "")
    assert form["tinggi_from"] == shown and re.fullmatch(r"\d+", form["menengah_from"])
    assert admin.post(url, data=form).status_code == 303
    assert form_of(admin.get(url).get_data(as_text=True), "")["tinggi_from"] == shown
