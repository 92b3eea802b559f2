"""Odd input, read by one rule each, is a 4xx naming what is wrong, never a 500 nor a guess.

Found by sending every page's forms and every query odd values (NUL, five thousand digits,
JSON's 1e999 and NaN, a time with an offset, other scripts' digits):

- a NUL in a web form reached PostgreSQL from the pages whose fields go to a service without a
  schema (a token's name, a position's, the guidance texts): a 500. The pipeline refuses a form
  with a NUL before any view, as it does for queries;
- a month of 5,000 digits went through `int()` (Python refuses more than 4,300): the city's TPP
  totals (`?month=`), the finance export's month, a correction's minutes;
- JSON's 1e999 (infinity to Python's parser), NaN and Infinity as an entry's minutes: `int()`
  raised in the schema's `Whole`;
- an entry's start with an offset ("08:00+07:00") was compared with an end without one (TypeError);
- other scripts' digits in an address ("/achievement/٢٠٢٦"), in the grid's `?box=٣` or in a
  quantity ("٣", and Python's "1_000") were read as numbers, which `kinerja.numbers` refuses
  everywhere else.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from kinerja.db import db
from kinerja.guidance.models import GuidanceText
from kinerja.identity.models import ApiToken
from kinerja.people.models import Position
from tests.support import csrf_token, plan_head_and_boss, plan_staff, sign_in
from tests.test_attack24 import PAGES, closed, day_of_last_month, snapshot
from tests.test_log_api import API as ENTRIES
from tests.test_log_api import TODAY, entry
from tests.test_skp_api import token
from tests.tpp_support import MONTH, YEAR

API = "/api/v1/tenants/dinkes"
FIVE_THOUSAND = "9" * 5000  # int() refuses more than 4,300 digits


def rows(tenant_id: int | None, model: Any) -> int:
    with db.unit_of_work(tenant_id) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def refused_on_the_page(answer: Any) -> str:
    """A 4xx page (not the 500 page) in Indonesian, the default language."""
    page = answer.get_data(as_text=True)
    assert 400 <= answer.status_code < 500, (answer.status_code, page[:300])
    return page


# --- NUL in a web form -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "path", "form", "model"),
    [
        ("admin", "/t/dinkes/tokens", {"name": "ci\x00", "expires_days": "30"}, ApiToken),
        ("admin", "/t/dinkes/positions", {"name": "Analis\x00", "type": "pelaksana"}, Position),
        ("kota", "/city/guidance", {"key": "intro.pegawai.id", "text": "Halo\x00"}, GuidanceText),
    ],
)
def test_a_nul_in_a_web_form_is_a_422_page_and_stores_nothing(
    app, tenants, people, who, path, form, model
) -> None:
    browser = app.test_client()
    sign_in(browser, who)
    tenant = tenants.a if path.startswith("/t/") else None
    before = rows(tenant, model)
    answer = browser.post(path, data={"csrf_token": csrf_token(browser, path), **form})
    assert answer.status_code == 422
    assert "Formulir tidak boleh berisi karakter NUL." in refused_on_the_page(answer)
    assert rows(tenant, model) == before
    # the same form without the NUL is saved: the refusal is the NUL's, not the form's
    clean = {k: v.replace("\x00", "") for k, v in form.items()}
    saved = browser.post(path, data={"csrf_token": csrf_token(browser, path), **clean})
    assert saved.status_code in (200, 303), saved.status_code
    assert rows(tenant, model) >= before


# --- five thousand digits --------------------------------------------------------------------------
def test_a_month_of_five_thousand_digits_on_the_citys_totals_is_last_month(app, people) -> None:
    city = app.test_client()
    sign_in(city, "kota")
    for month in (f"{FIVE_THOUSAND}-01", f"2026-{FIVE_THOUSAND}", "\u0662\u0660\u0662\u0666-01"):
        answer = city.get(f"/city/tpp/totals?month={month}")
        assert answer.status_code == 200, answer.status_code


def test_an_export_of_a_month_of_five_thousand_digits_is_refused_by_field(
    app, tenants, people
) -> None:
    admin = app.test_client()
    sign_in(admin, "admin")
    path = "/t/dinkes/exports"
    for month in (f"{FIVE_THOUSAND}-01", f"{YEAR}-{FIVE_THOUSAND}", "\u0662\u0660\u0662\u0666-01"):
        sent = {"csrf_token": csrf_token(admin, path), "kind": "tpp", "format": "xlsx"}
        answer = admin.post(path, data=sent | {"month": month})
        assert answer.status_code == 422, (month[:10], answer.status_code)
    for year in (FIVE_THOUSAND, "\u0662\u0660\u0662\u0666", "2_026"):  # int() read the last two
        sent = {"csrf_token": csrf_token(admin, path), "kind": "skp_list", "format": "xlsx"}
        answer = admin.post(path, data=sent | {"year": year})
        assert answer.status_code == 422, (year[:10], answer.status_code)
        assert "Masukkan tahun 2000 sampai 2100." in refused_on_the_page(answer)


def test_a_correction_of_five_thousand_minutes_is_refused_and_changes_nothing(
    app, tenants, people, owner_engine
) -> None:
    closed(tenants, people)
    before = snapshot(owner_engine)
    admin = app.test_client()
    sign_in(admin, "admin")
    url = f"{PAGES}/months/{YEAR}/{MONTH}/employees/{people.staff}"
    form = {
        "csrf_token": csrf_token(admin, url),
        "reason": "izin",
        "day_0": day_of_last_month(6),
        "code_0": "terlambat_1",
        "minutes_0": FIVE_THOUSAND,
    }
    answer = admin.post(url, data=form)
    assert answer.status_code == 422, answer.status_code
    assert snapshot(owner_engine) == before


# --- JSON's numbers that are no numbers ------------------------------------------------------------
@pytest.fixture
def planned(tenants, people) -> dict[str, Any]:
    boss_rhk = plan_head_and_boss(tenants, people, TODAY.year)
    rhk, iki = plan_staff(tenants, people, TODAY.year, boss_rhk)
    return {"rhk": rhk, "iki": iki, "staff": token(tenants.a, people.users["staff"])}


@pytest.mark.parametrize("minutes", ["1e999", "-1e999", "NaN", "Infinity", "-Infinity"])
def test_minutes_of_infinity_or_nan_are_a_422_naming_the_field(
    client, tenants, planned, minutes
) -> None:
    body = (
        f'{{"entry_date": "{TODAY.isoformat()}", "rhk_id": {planned["rhk"]}, '
        f'"iki_id": {planned["iki"]}, "activity": "Rapat", "minutes": {minutes}}}'
    )
    answer = client.post(
        ENTRIES, data=body, content_type="application/json", headers=planned["staff"]
    )
    assert answer.status_code == 422, answer.get_data(as_text=True)[:300]
    assert answer.get_json()["errors"]["json"]["minutes"] == ["Enter a whole number."]


# --- a time of day with an offset ------------------------------------------------------------------
@pytest.mark.parametrize(
    "times",
    [
        {"started": "08:00+07:00"},
        {"ended": "09:30Z"},
        {"started": "08:00+07:00", "ended": "09:30+07:00"},
    ],
)
def test_a_time_with_an_offset_is_a_422_naming_the_field(client, planned, times) -> None:
    answer = client.post(ENTRIES, json=entry(planned, **times), headers=planned["staff"])
    assert answer.status_code == 422, answer.get_data(as_text=True)[:300]
    assert set(answer.get_json()["errors"]["json"]) == set(times)


def test_the_web_form_refuses_a_time_with_an_offset_on_the_page(app, planned) -> None:
    browser = app.test_client()
    sign_in(browser, "staff")
    path = "/t/dinkes/log/new"
    form = {k: str(v) for k, v in entry(planned, started="08:00+07:00").items()}
    answer = browser.post(path, data={"csrf_token": csrf_token(browser, "/t/dinkes/log"), **form})
    assert answer.status_code == 422
    assert "Masukkan jam seperti 08:30." in refused_on_the_page(answer)


# --- other scripts' digits -------------------------------------------------------------------------
def test_other_scripts_digits_in_an_address_match_no_route(client, tenants, people) -> None:
    admin = token(tenants.a, people.users["admin"], "admin_opd")
    year = TODAY.year
    assert client.get(f"{API}/achievement/{year}", headers=admin).status_code == 200
    arabic = "".join(chr(0x0660 + int(d)) for d in str(year))  # ٢٠٢٦
    assert client.get(f"{API}/achievement/{arabic}", headers=admin).status_code == 404
    assert client.get(f"{ENTRIES}/\u0663", headers=admin).status_code == 404


def test_other_scripts_digits_are_no_box_of_the_grid(client, tenants, people) -> None:
    admin = token(tenants.a, people.users["admin"], "admin_opd")
    assert client.get(f"{API}/talent/grid?box=3", headers=admin).status_code == 200
    for box in ("\u0663", "\uff13", FIVE_THOUSAND):
        answer = client.get(f"{API}/talent/grid?box={box}", headers=admin)
        assert answer.status_code == 422, (box[:5], answer.status_code)
        assert answer.get_json()["errors"]["query"]["box"] == ["Choose a box from 1 to 9."]


@pytest.mark.parametrize("quantity", ["\u0663", "\uff13", "1_000"])
def test_a_quantity_in_other_digits_or_python_grouping_is_no_number(
    client, planned, quantity
) -> None:
    """`Decimal()` read "٣" as 3 and "1_000" as 1000: an entry of 3.00 or 1000.00 was kept."""
    answer = client.post(ENTRIES, json=entry(planned, quantity=quantity), headers=planned["staff"])
    assert answer.status_code == 422, answer.get_data(as_text=True)[:300]
    assert answer.get_json()["errors"]["json"]["quantity"] == ["Enter a number."]
