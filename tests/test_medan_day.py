"""The date-sensitive cases at Medan's midnight on a server in UTC: each test runs twice, at 00:30
and at 06:30 WIB on New Year's Day 2027, while the process's UTC clock still says 31 December
2026 (`medan_clock` in conftest). A daily entry and a Laporan Harian Imunisasi for Medan's today
are accepted, the year and month pickers open on Medan's year and month, and the SKP document is
dated Medan's day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pypdfium2 as pdfium
import pytest
from sqlalchemy import select

from tests import test_reports
from tests.support import People, plan_head_and_boss, plan_staff, sign_in
from tests.test_reports import LHI, REPORT, token

pytestmark = pytest.mark.usefixtures("medan_clock")
health = test_reports.health  # the app with the Dinas Kesehatan plugin enabled (a fixture)

MEDAN_TODAY = date(2027, 1, 1)  # the UTC date is still 2026-12-31
SERVER_TODAY = date(2026, 12, 31)
API = "/api/v1/tenants/dinkes"


@pytest.fixture
def planned(people: People, tenants: Any) -> dict[str, int]:
    """The staff's approved SKP of Medan's year (2027)."""
    boss_rhk = plan_head_and_boss(tenants, people, MEDAN_TODAY.year)
    rhk, iki = plan_staff(tenants, people, MEDAN_TODAY.year, boss_rhk)
    return {"rhk": rhk, "iki": iki}


def test_a_daily_entry_for_medans_today_is_on_time(client, people, tenants, planned) -> None:
    staff = token(tenants.a, people.users["staff"])
    body = {
        "rhk_id": planned["rhk"],
        "iki_id": planned["iki"],
        "activity": "Imunisasi di posyandu",
        "quantity": "1",
        "minutes": 60,
    }
    made = client.post(
        f"{API}/entries", json={**body, "entry_date": MEDAN_TODAY.isoformat()}, headers=staff
    )
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["late"] is False
    tomorrow = client.post(
        f"{API}/entries", json={**body, "entry_date": "2027-01-02"}, headers=staff
    )
    assert tomorrow.status_code == 422
    assert "day still to come" in str(tomorrow.get_json()["errors"]["json"]["entry_date"])
    extra = {"activity": "Rapat", "minutes": 60, "extra_reason": "Diminta kepala dinas"}
    closed = client.post(
        f"{API}/entries", json={**extra, "entry_date": "2026-12-20"}, headers=staff
    )
    # Closed at the end of 23 December in Medan, and said on Medan's clock (not Babel's UTC).
    assert closed.status_code == 422
    [said] = closed.get_json()["errors"]["json"]["entry_date"]
    assert "24 Dec 2026 12:00\u202fAM" in said  # the reader's (English) short date and time
    browser = client.application.test_client()
    sign_in(browser, "staff")
    page = browser.get("/t/dinkes/log").get_data(as_text=True)
    assert 'value="2027-01-01"' in page  # the form's date starts on Medan's today


def test_an_immunisation_report_for_medans_today_is_accepted(health, people, tenants) -> None:
    _app, client = health
    staff = token(tenants.a, people.users["staff"])
    dated = client.post(
        f"{LHI}/submissions",
        headers=staff,
        json={**REPORT, "report_date": MEDAN_TODAY.isoformat()},
    )
    assert dated.status_code == 201, dated.get_json()  # not "a day still to come"
    undated = client.post(f"{LHI}/submissions", headers=staff, json=REPORT)
    assert undated.status_code == 201 and undated.get_json()["report_date"] == "2027-01-01"
    ahead = client.post(
        f"{LHI}/submissions", headers=staff, json={**REPORT, "report_date": "2027-01-02"}
    )
    assert ahead.status_code == 422 and "report_date" in ahead.get_json()["errors"]["json"]
    # This month's list and summary are Medan's January, and hold both reports.
    assert len(client.get(f"{LHI}/submissions", headers=staff).get_json()) == 2
    boss = token(tenants.a, people.users["boss"])
    summary = client.get(f"{LHI}/summary", headers=boss).get_json()
    assert summary["month"] == "2027-01"
    assert sum(line["submissions"] for line in summary["lines"]) == 2


def test_the_pickers_open_on_medans_month_and_year(health, people, tenants) -> None:
    app, _client = health
    browser = app.test_client()
    sign_in(browser, "staff")
    form = browser.get("/t/dinkes/reports/LHI/new").get_data(as_text=True)
    assert 'max="2027-01-01"' in form and 'value="2027-01-01"' in form
    summary = browser.get("/t/dinkes/reports/LHI/summary").get_data(as_text=True)
    assert 'value="2027-01"' in summary
    coverage = browser.get("/t/dinkes/p/kinerja-dinkes/cakupan").get_data(as_text=True)
    assert "Januari 2027" in coverage  # the heading, and the month and year selectors
    assert (
        '<option value="1" selected>' in coverage and "<option selected>2027</option>" in coverage
    )
    skp_page = browser.get("/t/dinkes/skp").get_data(as_text=True)
    assert 'id="year" name="year" type="number"' in skp_page and 'value="2027"' in skp_page


def test_the_skp_list_and_document_are_of_medans_year_and_day(
    client, people, tenants, planned
) -> None:
    staff = token(tenants.a, people.users["staff"])
    listed = client.get(f"{API}/skp", headers=staff).get_json()  # no ?year=: Medan's year
    mine = [s for s in listed if s["employee_id"] == people.staff]
    assert [s["year"] for s in mine] == [2027]
    document = client.get(f"{API}/skp/{mine[0]['id']}/document", headers=staff)
    assert document.status_code == 200 and document.mimetype == "application/pdf"
    text = "\n".join(
        page.get_textpage().get_text_range() for page in pdfium.PdfDocument(document.data)
    )
    assert "1 Januari 2027" in text and "31 Desember 2026" not in text


def test_the_database_speaks_medans_time_and_feedback_periods_are_medans_days(
    app, people, tenants
) -> None:
    from sqlalchemy import text

    from kinerja.db import db
    from kinerja.performance import feedback
    from kinerja.performance.feedback_models import FeedbackMessage, FeedbackThread

    past_midnight = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)  # 00:30 WIB on 1 January
    with db.unit_of_work(tenants.a) as session:
        assert session.execute(text("SHOW TimeZone")).scalar() == "Asia/Jakarta"
        thread = FeedbackThread(
            tenant_id=tenants.a,
            employee_id=people.staff,
            superior_id=people.superior,
            subject="skp",
            subject_id=1,
            title="Capaian",
        )
        session.add(thread)
        session.flush()
        session.add(
            FeedbackMessage(
                tenant_id=tenants.a,
                thread_id=thread.id,
                author_id=people.superior,
                body="Bagus",
                created_at=past_midnight,
            )
        )
    with db.unit_of_work(tenants.a) as session:
        stored = session.scalar(select(FeedbackMessage.created_at))
        assert stored == past_midnight and stored.utcoffset() == timedelta(hours=7)
        january = feedback.during(session, people.staff, date(2027, 1, 1), date(2027, 1, 31))
        december = feedback.during(session, people.staff, date(2026, 12, 1), date(2026, 12, 31))
    assert [m.body for m in january] == ["Bagus"] and december == []
