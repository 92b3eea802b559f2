"""The TPP as files: the agency's month for the finance office (a background export by the real
rq worker: numbers as numbers, headers in the requester's language, the agency's people only),
and the city's totals per agency (aggregates only: no NIP, no name of anyone, in the page and
in the XLSX and CSV)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

from kinerja.exports import tpp as files
from tests.support import csrf_token, sign_in
from tests.test_exports import work
from tests.test_tpp_pages import add_line, add_month

OUTSIDER_NIP = "197001011990121001"  # the other agency's employee (tests/support.py)
NIPS = ("198609262015051001", "199207082019032011", OUTSIDER_NIP)
NAMES = ("Staf", "Rekan", "Pegawai Disdik", "Atasan", "Admin OPD")


def _two_agencies(tenants: Any, people: Any) -> None:
    """October 2026 in both agencies: dinkes closed with two lines (the staff's corrected once),
    disdik open with its one employee."""
    month = add_month(tenants.a, 2026, 10, "closed", version=2)
    add_line(tenants.a, month, people.staff)
    add_line(tenants.a, month, people.staff, version=2, total=4_233_000, reason="Koreksi")
    add_line(tenants.a, month, people.peer, total=3_000_000, kinerja_pct=Decimal("87.5"))
    add_line(tenants.b, add_month(tenants.b, 2026, 10), people.other, total=9_876_543)


def _export(client: Any, month: str) -> Any:
    return client.post(
        "/t/dinkes/exports",
        data={
            "csrf_token": csrf_token(client, "/t/dinkes/exports"),
            "kind": "tpp",
            "month": month,
            "format": "xlsx",
        },
    )


def test_the_agency_month_for_the_finance_office_holds_numbers_and_only_its_people(
    app, tenants, people
) -> None:
    _two_agencies(tenants, people)
    admin = app.test_client()
    sign_in(admin, "admin")
    token = csrf_token(admin, "/t/dinkes/exports")  # English, kept on the account for its jobs
    assert admin.post("/lang", data={"lang": "en", "csrf_token": token}).status_code == 303
    made = _export(admin, "2026-10")
    assert made.status_code == 303, made.get_data(as_text=True)[:300]
    status = made.headers["Location"]
    work()
    file = admin.get(f"{status}/file")
    assert file.status_code == 200
    sheet = load_workbook(io.BytesIO(file.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "October 2026" in str(rows[0][0])
    # Excel's view: a short sheet name, money with separators, percentages never "100."
    assert sheet.title == "TPP 2026-10"
    shapes = [c.number_format for c in next(sheet.iter_rows(min_row=3, max_row=3))]
    assert shapes[3] == shapes[6] == shapes[7] == shapes[8] == "#,##0"  # the rupiah
    assert shapes[4] == shapes[5] == "0.00"  # kinerja and disiplin in percent
    assert "#" not in shapes[4] and not shapes[4].endswith(".")
    assert sheet.column_dimensions["A"].width >= 18  # an 18-digit NIP fits
    assert sheet.column_dimensions["B"].width >= 30
    header, body = rows[1], rows[2:]
    assert header[:4] == ("NIP", "Name", "Kelas jabatan", "Base (Rp)")
    by_nip = {row[0]: row for row in body}
    assert set(by_nip) == {"198609262015051001", "199207082019032011"}  # never disdik's
    staff = by_nip["198609262015051001"]
    assert staff[8] == 4_233_000 and staff[9] == 2  # the version in force
    for row in body:
        for cell in row[2:]:
            assert isinstance(cell, int | float), (row, cell)  # numbers, never text
        assert row[6] + row[7] == row[8]  # the two parts add up to the total, to the rupiah
    assert by_nip["199207082019032011"][4] == 87.5
    assert "9876543" not in str(rows) and OUTSIDER_NIP not in str(rows)
    # the requester's list names it in their language
    assert "TPP October 2026" in admin.get("/t/dinkes/exports").get_data(as_text=True)


def test_the_header_is_in_the_requesters_language_and_a_bad_month_is_refused(
    app, tenants, people
) -> None:
    _two_agencies(tenants, people)
    admin = app.test_client()
    sign_in(admin, "admin")
    made = _export(admin, "2026-10")
    work()
    file = admin.get(f"{made.headers['Location']}/file")
    header = list(load_workbook(io.BytesIO(file.data)).active.iter_rows(values_only=True))[1]
    assert header[1:4] == ("Nama", "Kelas jabatan", "Dasar (Rp)")
    for bad in ("2026-13", "oktober", "", "2026-10-01"):
        assert _export(admin, bad).status_code == 422, bad
    staff = app.test_client()
    sign_in(staff, "staff")
    assert staff.get("/t/dinkes/exports").status_code == 404  # the admin OPD's


def test_the_citys_totals_carry_no_nip_and_no_name(app, tenants, people) -> None:
    _two_agencies(tenants, people)
    city = app.test_client()
    sign_in(city, "kota")
    page = city.get("/city/tpp/totals?month=2026-10").get_data(as_text=True)
    assert "Dinas Kesehatan" in page and "Dinas Pendidikan" in page
    assert "Rp 7.233.000" in page  # dinkes: 4,233,000 + 3,000,000 (the versions in force)
    assert "Rp 17.109.543" in page  # the city: both agencies
    for fmt in ("xlsx", "csv"):
        answer = city.get(f"/city/tpp/totals.{fmt}?month=2026-10")
        assert answer.status_code == 200, fmt
        if fmt == "xlsx":
            sheet = load_workbook(io.BytesIO(answer.data)).active
            assert sheet.title == "TPP 2026-10"
            rows = list(sheet.iter_rows(values_only=True))
            dinkes = next(r for r in rows if r[0] == "Dinas Kesehatan")
            row = next(r for r in sheet.iter_rows() if r[0].value == "Dinas Kesehatan")
            assert [c.number_format for c in row[3:6]] == ["#,##0", "0.00", "0.00"]
            assert dinkes[2:4] == (2, 7_233_000)  # employees, total: numbers
            text = str(rows)
        else:
            text = answer.data.decode("utf-8-sig")
            assert '"Dinas Kesehatan";' in text and '"7233000"' in text
        for private in (*NIPS, *NAMES):
            assert private not in text, (fmt, private)
    for private in (*NIPS, *NAMES):
        assert private not in page, private
    # the city admin's alone
    staff = app.test_client()
    sign_in(staff, "staff")
    assert staff.get("/city/tpp/totals").status_code == 404
    assert staff.get("/city/tpp/totals.xlsx").status_code == 404


def test_a_sheet_name_keeps_to_excels_limit_between_words() -> None:
    from kinerja.exports.writers import sheet_name

    long = "Hasil evaluasi kinerja pegawai tahun 2026 Dinas Kesehatan"
    assert sheet_name(long) == "Hasil evaluasi kinerja pegawai"  # 30 characters, whole words
    assert sheet_name("TPP [2026/11]") == "TPP 2026 11"  # Excel's forbidden characters
    assert len(sheet_name("x" * 40)) == 31  # one long word: cut, within the limit


def test_each_month_has_its_export_kind() -> None:
    assert [files.month_of_kind(files.kind_of(n)) for n in range(1, 13)] == list(range(1, 13))
    assert files.month_of_kind("tpp_13") is None and files.month_of_kind("skp_list") is None
    from kinerja.rules import tpp_parts

    assert tpp_parts(4_250_000, 60, Decimal(100), 4_216_000) == (2_550_000, 1_666_000)
