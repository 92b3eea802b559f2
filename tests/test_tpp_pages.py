""" "TPP saya": each component of a line explained with its figures in the reader's language, one's
own lines only (another's is 404, a superior's included), the versions after closing with their
reasons, who to ask; the menu offers it to every employee. Lines are written as the compute job
leaves them (a snapshot), so the page is tested on figures known to the rupiah."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from kinerja.db import db
from kinerja.tpp.models import TppLine, TppMonth
from tests.support import sign_in
from tests.test_demo_readme import demo_agency  # noqa: F401 - the fixture

# base 4,250,000; kinerja 100 (BAIK, 18 of 21 days >= 80 %); two late tiers: 2 x 0.5 + 1 x 1
# -> disiplin 98; 4,250,000 x (60 x 100 + 40 x 98) / 10000 = 4,216,000
FIGURES: dict[str, Any] = {
    "kelas": 9,
    "base": 4_250_000,
    "base_source": "kelas",
    "predikat": "BAIK",
    "predikat_source": "covering",
    "predikat_percent": Decimal(100),
    "working_days": 21,
    "days_with_entry": 18,
    "compliance": Decimal("0.857143"),
    "required_compliance": Decimal("0.8"),
    "kinerja_pct": Decimal(100),
    "disiplin_pct": Decimal(98),
    "events": {"terlambat_1": 2, "terlambat_2": 1},
    "deductions": {"terlambat_1": "0.5", "terlambat_2": "1"},
    "weight_kinerja": 60,
    "weight_disiplin": 40,
    "total": 4_216_000,
}


def add_month(tenant_id: int, year: int, month: int, status: str = "open", version: int = 1) -> int:
    moment = datetime(year, month, 28, 3, tzinfo=UTC)
    with db.unit_of_work(tenant_id) as session:
        found = TppMonth(
            year=year,
            month=month,
            status=status,
            version=version,
            computed_at=moment,
            closed_at=moment if status != "open" else None,
            locked_at=moment if status == "locked" else None,
        )
        session.add(found)
        session.flush()
        return found.id


def add_line(tenant_id: int, month_id: int, employee_id: int, **changes: Any) -> int:
    with db.unit_of_work(tenant_id) as session:
        line = TppLine(month_id=month_id, employee_id=employee_id, **{**FIGURES, **changes})
        session.add(line)
        session.flush()
        return line.id


def _page(client: Any, path: str, language: str = "id") -> str:
    client.set_cookie("kinerja_lang", language)
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.status_code)
    return answer.get_data(as_text=True)


def _state(html: str) -> str:
    """The month's state as read: the badge and its sentence, tags and spacing removed."""
    start = html.index('id="tpp-state"')
    paragraph = html[html.index(">", start) + 1 : html.index("</p>", start)]
    return " ".join(re.sub(r"<[^>]+>", " ", paragraph).split())


def test_the_page_explains_each_component_with_its_figures_in_both_languages(
    app, tenants, people, client
) -> None:
    month_id = add_month(tenants.a, 2026, 10, "closed")
    add_line(tenants.a, month_id, people.staff)
    sign_in(client, "staff")
    html = _page(client, "/t/dinkes/tpp/me")
    for shown in (
        "Oktober 2026",
        "Rp 4.216.000",  # the total
        "kelas jabatan 9",
        "Rp 4.250.000",  # the base
        "Baik",  # the predikat
        "18 dari 21 hari kerja dengan laporan harian terkirim (85,71%)",
        "2 × 0,5 poin = 1 poin",  # noqa: RUF001
        "Disiplin: 100 − 2 = 98%.",  # noqa: RUF001
        "Kinerja: 100% × 100% = 100%.",  # noqa: RUF001
        "Rp 4.250.000 × (60% × 100% + 40% × 98%) =",  # noqa: RUF001
        "Rp 2.550.000",  # the kinerja part
        "Rp 1.666.000",  # the disiplin part
        "Admin OPD",  # who to ask: the agency's admin OPD by name
        "Atasan",  # and the superior who rates
    ):
        assert shown in html, shown
    # the state is said once: the badge, and the sentence going on from it
    assert _state(html) == "Ditutup pada 28-10-2026: inilah angka bulan ini."
    english = _page(client, "/t/dinkes/tpp/me", "en")
    assert _state(english) == "Closed on 28 Oct 2026: this is the month's figure."
    for shown in (
        "October 2026",
        "IDR 4,216,000",
        "IDR 4,250,000",
        "18 of 21 working days with a daily report sent (85.71%)",
        "2 × 0.5 = 1 deducted",  # noqa: RUF001 - no "1 points"
        "Disiplin: 100 − 2 = 98%.",  # noqa: RUF001
        "IDR 2,550,000",
        "Something wrong?",
    ):
        assert shown in english, shown


def test_the_months_are_paged_and_an_open_month_says_it_is_provisional(
    app, tenants, people, client
) -> None:
    for month in range(1, 11):
        add_line(tenants.a, add_month(tenants.a, 2025, month, "locked"), people.staff)
    open_month = add_month(tenants.a, 2025, 11)
    add_line(tenants.a, open_month, people.staff, total=4_000_000)
    sign_in(client, "staff")
    html = _page(client, "/t/dinkes/tpp/me")
    assert "Rp 4.000.000" in html  # the newest month, provisional
    assert _state(html).startswith("Terbuka sementara: angkanya mengikuti")
    assert 'data-total="11"' in html  # eleven months in all, paged by twelve
    older = _page(client, "/t/dinkes/tpp/me/2025-03")
    assert "Maret 2025" in older
    assert _state(older) == "Dikunci oleh kota pada 28-03-2025: tidak ada lagi yang berubah."
    assert _state(_page(client, "/t/dinkes/tpp/me/2025-03", "en")) == (
        "Locked by the city on 28 Mar 2025: nothing changes any more."
    )
    # a locked month refuses corrections, so its help promises no new version
    assert "sudah dikunci oleh kota dan tidak berubah lagi" in older
    assert "koreksi menjadi versi baru" not in older
    assert "koreksi menjadi versi baru" in html  # the open month still does
    assert client.get("/t/dinkes/tpp/me/2024-03").status_code == 404  # no line that month


def test_a_correction_after_closing_shows_every_version_with_its_reason(
    app, tenants, people, client
) -> None:
    month_id = add_month(tenants.a, 2026, 9, "closed", version=2)
    add_line(tenants.a, month_id, people.staff)
    add_line(
        tenants.a,
        month_id,
        people.staff,
        version=2,
        events={"terlambat_1": 2},
        disiplin_pct=Decimal(99),
        total=4_233_000,
        reason="Surat tugas luar kantor tanggal 7",
    )
    sign_in(client, "staff")
    html = _page(client, "/t/dinkes/tpp/me/2026-09")
    assert "Rp 4.233.000" in html and "Rp 4.216.000" in html  # in force, and the first
    assert "Surat tugas luar kantor tanggal 7" in html
    assert "Versi 2" in html


def test_a_pegawai_sees_only_their_own_lines(app, tenants, people, client) -> None:
    month_id = add_month(tenants.a, 2026, 10)
    mine = add_line(tenants.a, month_id, people.staff)
    peers = add_line(tenants.a, month_id, people.peer, total=1_234_567)
    staffs = add_line(tenants.a, month_id, people.staff, version=2, total=4_100_000)
    sign_in(client, "staff")
    assert client.get(f"/t/dinkes/tpp/me/lines/{mine}").status_code == 200
    assert client.get(f"/t/dinkes/tpp/me/lines/{peers}").status_code == 404
    assert "1.234.567" not in _page(client, "/t/dinkes/tpp/me")
    # the superior follows the staff's work, not their pay
    boss = app.test_client()
    sign_in(boss, "boss")
    assert boss.get(f"/t/dinkes/tpp/me/lines/{staffs}").status_code == 404
    # the admin OPD reads anyone's line of the agency
    admin = app.test_client()
    sign_in(admin, "admin")
    assert "Rekan" in _page(admin, f"/t/dinkes/tpp/me/lines/{peers}")


def test_another_agency_never_sees_the_line(app, tenants, people, client) -> None:
    line = add_line(tenants.a, add_month(tenants.a, 2026, 10), people.staff)
    sign_in(client, "outsider")  # admin OPD of the other agency
    assert client.get(f"/t/disdik/tpp/me/lines/{line}").status_code == 404
    assert client.get(f"/t/dinkes/tpp/me/lines/{line}").status_code == 404
    assert "4.216.000" not in _page(client, "/t/disdik/tpp/me")


def test_every_employee_finds_it_in_the_menu_and_an_empty_page_says_why(
    app, tenants, people, client
) -> None:
    sign_in(client, "peer")
    home = _page(client, "/t/dinkes/")
    assert 'href="/t/dinkes/tpp/me"' in home and "TPP saya" in home
    assert "Belum ada TPP" in _page(client, "/t/dinkes/tpp/me")


def test_the_month_in_the_address_is_checked(app, tenants, people, client) -> None:
    sign_in(client, "staff")
    for bad in ("2026-13", "2026-1", "99999-01", "2026-00"):
        assert client.get(f"/t/dinkes/tpp/me/{bad}").status_code == 404, bad


def test_the_demo_has_last_month_closed_this_month_open_and_every_page_explains(
    demo_agency,  # noqa: F811 - the fixture imported above
) -> None:
    from datetime import timedelta

    from sqlalchemy import select

    from kinerja import clock, demo
    from kinerja.people.models import Employee
    from kinerja.tenancy.models import Tenant
    from kinerja.tpp.models import AttendanceEvent
    from tests.test_demo_readme import _sign_in

    this = clock.this_month()
    last = this - timedelta(days=1)
    with db.unit_of_work() as session:
        tenant_id = session.scalar(select(Tenant.id).where(Tenant.slug == "dinkes"))
    with db.unit_of_work(tenant_id) as session:
        states = dict(((m.year, m.month), m.status) for m in session.scalars(select(TppMonth)))
        nips = list(session.scalars(select(Employee.nip)))
        events = set(session.scalars(select(AttendanceEvent.code)))
    assert states[(last.year, last.month)] == "closed"
    assert states[(this.year, this.month)] == "open"
    assert {"terlambat_1", "tanpa_keterangan", "pulang_cepat_1"} <= events  # varied, and
    for n, nip in enumerate(nips, start=1):  # some with none at all
        client = _sign_in(demo_agency, nip, 300 + n)
        html = _page(client, "/t/dinkes/tpp/me")
        assert (
            "Terbuka sementara" in _state(html)
            and "hari kerja dengan laporan harian terkirim" in html
        ), nip
        assert _state(_page(client, f"/t/dinkes/tpp/me/{last:%Y-%m}")).startswith("Ditutup pada")
    assert demo.PEOPLE  # the persona table's people are among them
    assert {p[0] for p in demo.PEOPLE} <= set(nips)


def test_the_days_of_each_attendance_event_are_shown_while_they_still_add_up(
    app, tenants, people, client
) -> None:
    """An employee asks "which days was I late?": the days stand under each code's count, read
    from the month's events; a code whose events no longer count as many as the line says
    (changed since the figure was made) shows its count alone, never days that disagree."""
    from datetime import date

    from kinerja.tpp.models import AttendanceEvent

    month_id = add_month(tenants.a, 2026, 10, "closed")
    add_line(tenants.a, month_id, people.staff)  # terlambat_1: 2 events, terlambat_2: 1
    late = {"terlambat_1": (6, 13), "terlambat_2": (7, 8)}
    with db.unit_of_work(tenants.a) as session:
        for code, days in late.items():
            for day in days:
                session.add(
                    AttendanceEvent(
                        employee_id=people.staff,
                        day=date(2026, 10, day),
                        code=code,
                        minutes=10,
                        source="import",
                    )
                )
    sign_in(client, "staff")
    html = _page(client, "/t/dinkes/tpp/me")
    assert "06-10, 13-10" in html
    assert "07-10" not in html and "08-10" not in html  # 2 events, the line counts 1
    assert "6 Oct, 13 Oct" in _page(client, "/t/dinkes/tpp/me", "en")
