"""The admin OPD's TPP month pages: the list, a month's lines (searchable, money and percent in
the reader's format), compute as a job, an employee's correction with its reason, the close
(conditional: concurrent clicks close once, a stale click is told why), the city admin's lock;
another agency's admin and a plain employee get 404."""

from __future__ import annotations

import io
import re
from datetime import date

from sqlalchemy import text

from kinerja import clock
from kinerja.db import db
from kinerja.presentation.labels import label
from kinerja.tpp import service
from tests.support import at_once, csrf_token, sign_in
from tests.test_import import work
from tests.test_tpp_import import STAFF, good_rows, to_csv

BASE = "/t/dinkes/tpp/agency"


def this_month() -> tuple[int, int]:
    day = clock.today()
    return day.year, day.month


def month_url() -> str:
    year, month = this_month()
    return f"{BASE}/months/{year}/{month}"


def computed(tenants) -> None:  # type: ignore[no-untyped-def]
    """The month computed through the service, with base amounts so the lines show money."""
    with db.unit_of_work(tenants.a) as session:
        service.compute(session, *this_month())


def test_the_admin_reads_the_months_and_a_month(client, tenants, people) -> None:
    sign_in(client, "admin")
    assert client.get(f"{BASE}/months").status_code == 200
    empty = client.get(month_url())
    assert empty.status_code == 200
    assert "Belum dihitung: impor kehadiran, lalu hitung bulan ini." in empty.get_data(as_text=True)
    computed(tenants)
    page = client.get(month_url()).get_data(as_text=True)
    assert "Staf" in page and "Atasan" in page
    assert "Rp" in page  # the total through |money
    assert re.search(r"\d+(,\d+)?%", page)  # kinerja and disiplin through |percent
    listing = client.get(f"{BASE}/months").get_data(as_text=True)
    with client.application.test_request_context(headers={"Accept-Language": "id"}):
        assert f"<small>{label('tpp.status', 'open')}" in listing
    found = client.get(month_url() + "?q=" + STAFF[:8]).get_data(as_text=True)
    assert "Staf" in found and "Atasan" not in found
    english = client.get(month_url() + "?q=staf", headers={"Accept-Language": "en"})
    assert english.status_code == 200


def test_each_line_of_the_month_links_to_its_explanation(client, tenants, people) -> None:
    computed(tenants)
    sign_in(client, "admin")
    page = client.get(month_url()).get_data(as_text=True)
    links = re.findall(r'href="(/t/dinkes/tpp/me/lines/\d+)">Cara penghitungannya</a>', page)
    assert links and len(links) == page.count("/employees/")  # one for each line listed
    explained = [client.get(link) for link in links]
    assert all(a.status_code == 200 for a in explained)
    assert any("Staf" in a.get_data(as_text=True) for a in explained)
    assert all('id="tpp-line"' in a.get_data(as_text=True) for a in explained)


def test_the_menu_offers_the_months_to_the_admin(client, people) -> None:
    sign_in(client, "admin")
    home = client.get("/t/dinkes/").get_data(as_text=True)
    assert f'href="{BASE}/months"' in home


def test_another_agency_and_a_plain_employee_get_404(client, tenants, people) -> None:
    computed(tenants)
    pages = [
        f"{BASE}/months",
        month_url(),
        f"{BASE}/imports",
        f"{month_url()}/employees/{people.staff}",
        f"{month_url()}/close",
    ]
    sign_in(client, "outsider")  # the other agency's admin OPD
    assert [client.get(p).status_code for p in pages] == [404] * len(pages)
    staff = client.application.test_client()
    sign_in(staff, "staff")
    assert [staff.get(p).status_code for p in pages] == [404] * len(pages)


def test_compute_is_a_job_the_page_shows_waiting(client, tenants, people) -> None:
    sign_in(client, "admin")
    token = csrf_token(client, month_url())
    first = client.post(f"{month_url()}/compute", data={"csrf_token": token})
    assert first.status_code == 303
    again = client.post(f"{month_url()}/compute", data={"csrf_token": token})
    assert again.status_code == 303
    page = client.get(month_url()).get_data(as_text=True)
    assert "Menghitung" in page
    with db.unit_of_work(tenants.a) as session:
        pending = session.execute(
            text("SELECT count(*) FROM background_job WHERE name = 'kinerja.tpp.jobs.compute'")
        ).scalar_one()
    assert pending == 1  # the second click while it waits made no second job
    work()
    page = client.get(month_url()).get_data(as_text=True)
    assert "Menghitung" not in page and "Staf" in page


def test_a_correction_needs_a_reason_and_is_audited(client, tenants, people, owner_engine) -> None:
    computed(tenants)
    sign_in(client, "admin")
    url = f"{month_url()}/employees/{people.staff}"
    token = csrf_token(client, url)
    day = clock.today().isoformat()
    form = {"csrf_token": token, "day_0": day, "code_0": "tanpa_keterangan", "minutes_0": ""}
    refused = client.post(url, data={**form, "reason": " "})
    assert refused.status_code == 422
    saved = client.post(url, data={**form, "reason": "Surat dari kepala bidang"})
    assert saved.status_code == 303
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Tanpa keterangan" in page or "Absent without notice" in page or "tanpa" in page.lower()
    with owner_engine.connect() as conn:
        audited = conn.execute(
            text("SELECT count(*) FROM audit_log WHERE action = 'tpp.correct'")
        ).scalar_one()
        stored = conn.execute(text("SELECT code, source, reason FROM attendance_event")).all()
    assert audited == 1
    assert [tuple(r) for r in stored] == [
        ("tanpa_keterangan", "correction", "Surat dari kepala bidang")
    ]


def test_a_correction_refuses_minutes_outside_the_codes_tier_as_the_import_does(
    client, tenants, people, owner_engine
) -> None:
    sign_in(client, "admin")
    url = f"{month_url()}/employees/{people.staff}"
    token = csrf_token(client, url)
    day = clock.today().isoformat()
    form = {"csrf_token": token, "reason": "Rekap manual", "day_1": day}
    refused = client.post(url, data={**form, "code_1": "pulang_cepat_1", "minutes_1": "45"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    # the importer's message, under the minutes of the row it came from
    message = "45 menit tidak masuk tingkat Pulang cepat 1-30 menit (1-30)"
    assert message in page
    assert re.search(
        r'id="minutes_1"[^>]*value="45">\s*<div class="invalid-feedback d-block">'
        + re.escape(message),
        page,
    )
    assert 'class="form-control is-invalid" type="number" min="0" max="1440" id="minutes_1"' in page
    absent = client.post(url, data={**form, "code_1": "tanpa_keterangan", "minutes_1": "5"})
    assert absent.status_code == 422
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM attendance_event")).scalar_one() == 0
    inside = client.post(url, data={**form, "code_1": "pulang_cepat_2", "minutes_1": "45"})
    assert inside.status_code == 303


def test_the_confirmations_name_the_month_and_the_agency_and_lead_back(
    client, tenants, people, monkeypatch
) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 18))  # inside November
    sign_in(client, "admin")
    page = client.get(f"{BASE}/months/2026/11/close").get_data(as_text=True)
    assert "Tutup TPP November 2026 Dinas Kesehatan?" in page
    assert page.count(f'href="{BASE}/months/2026/11"') == 2  # the back link and "Batal"
    assert "‹ November 2026" in page and "Batal" in page  # noqa: RUF001
    # Monday 2 to Wednesday 18 November: 13 working days counted of the month's 21
    assert "November 2026 belum berakhir" in page
    assert "hanya 13 hari kerja sampai saat ini (sampai 18-11-2026)" in page
    assert "dari 21 hari kerja sebulan penuh" in page
    client.set_cookie("kinerja_lang", "en")
    english = client.get(f"{BASE}/months/2026/11/close").get_data(as_text=True)
    assert "Close TPP November 2026 Dinas Kesehatan?" in english
    assert "only its 13 working days so far (up to 18 Nov 2026), of 21" in english
    client.set_cookie("kinerja_lang", "id")
    ended = client.get(f"{BASE}/months/2026/10/close").get_data(as_text=True)
    assert "Tutup TPP Oktober 2026 Dinas Kesehatan?" in ended
    assert "belum berakhir" not in ended  # a past month counts all its days: no warning
    sign_in(client, "kota")
    token = csrf_token(client, "/me")
    assert client.post("/t/dinkes/enter", data={"csrf_token": token}).status_code == 303
    lock = client.get(f"{BASE}/months/2026/10/lock").get_data(as_text=True)
    assert "Kunci TPP Oktober 2026 Dinas Kesehatan?" in lock
    assert f'href="{BASE}/months/2026/10"' in lock


def test_concurrent_close_clicks_close_once_and_a_stale_click_is_told(
    app, client, tenants, people, owner_engine
) -> None:
    computed(tenants)
    sign_in(client, "admin")
    token = csrf_token(client, f"{month_url()}/close")
    cookie = client.get_cookie("kinerja_session")
    assert cookie is not None

    def click(other):  # type: ignore[no-untyped-def]
        other.set_cookie("kinerja_session", cookie.value, domain=cookie.domain or "localhost")
        return other.post(f"{month_url()}/close", data={"csrf_token": token, "confirmed": "1"})

    answers = at_once(app, [click] * 4)
    codes = sorted(a.status_code for a in answers)
    assert codes == [303, 409, 409, 409], codes
    refused = next(a for a in answers if a.status_code == 409).get_data(as_text=True)
    assert "alert-danger" in refused
    with owner_engine.connect() as conn:
        closes = conn.execute(
            text("SELECT count(*) FROM audit_log WHERE action = 'tpp.close'")
        ).scalar_one()
        status = conn.execute(text("SELECT status FROM tpp_month")).scalar_one()
    assert (closes, status) == (1, "closed")
    # a stale page's click, later: the same clear refusal
    late = client.post(f"{month_url()}/close", data={"csrf_token": token, "confirmed": "1"})
    assert late.status_code == 409
    # and the closed month takes no imported events
    upload = client.post(
        f"{BASE}/imports",
        data={"csrf_token": token, "file": (io.BytesIO(to_csv(good_rows())), "a.csv")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 303
    work()
    report = client.get(upload.headers["Location"]).get_data(as_text=True)
    assert "ditutup" in report


def test_the_city_admin_locks_a_closed_month(client, tenants, people, owner_engine) -> None:
    computed(tenants)
    with db.unit_of_work(tenants.a) as session:
        service.close(session, *this_month(), None)
    sign_in(client, "kota")
    token = csrf_token(client, "/me")
    assert client.post("/t/dinkes/enter", data={"csrf_token": token}).status_code == 303
    page = client.get(month_url()).get_data(as_text=True)
    assert f"{month_url()}/lock" in page
    locked = client.post(f"{month_url()}/lock", data={"csrf_token": token, "confirmed": "1"})
    assert locked.status_code == 303
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT status FROM tpp_month")).scalar_one() == "locked"
    admin = client.application.test_client()
    sign_in(admin, "admin")
    assert f"{month_url()}/lock" not in admin.get(month_url()).get_data(as_text=True)
