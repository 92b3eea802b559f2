"""Attendance import: CSV (`,` and `;`) and XLSX, the template round trip, all or nothing with
every bad row named in the reader's language, closed months refused, another agency's NIP unknown,
the paged list of imports."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from kinerja import clock
from kinerja.db import db
from kinerja.identity import tokens as token_service
from kinerja.tpp import importer
from tests import test_import as employee_files
from tests.test_import import work

admin_headers = employee_files.admin_headers  # the fixture: an admin OPD's token in dinkes

STAFF = "198609262015051001"  # dinkes
BOSS = "198001152005012003"  # dinkes
OUTSIDER = "197001011990121001"  # disdik: unknown in dinkes
URL = "/api/v1/tenants/dinkes/tpp/attendance-imports"
HEADER = list(importer.COLUMNS)


def today() -> date:
    return clock.today()


def good_rows() -> list[list[str]]:
    day = today().isoformat()
    return [
        [STAFF, day, "terlambat_1", "12"],
        [STAFF, day, "pulang_cepat_2", "45"],
        [BOSS, today().strftime("%d-%m-%Y"), "tanpa_keterangan", ""],
    ]


def to_csv(rows: list[list[str]], delimiter: str = ",") -> bytes:
    return employee_files.to_csv(rows, delimiter, HEADER)


def to_xlsx(rows: list[list[str]]) -> bytes:
    return employee_files.to_xlsx(rows, HEADER)


def upload(client, headers, content: bytes, filename: str = "absensi.csv", dry_run: bool = False):  # type: ignore[no-untyped-def]
    return client.post(
        URL,
        headers=headers,
        data={"file": (io.BytesIO(content), filename), "dry_run": "true" if dry_run else ""},
        content_type="multipart/form-data",
    )


def imported(client, headers, content: bytes, filename: str = "absensi.csv") -> dict:  # type: ignore[no-untyped-def]
    """Upload, run the worker, and the import's report."""
    answer = upload(client, headers, content, filename)
    assert answer.status_code == 202, answer.get_json()
    work()
    body = client.get(answer.get_json()["status_url"], headers=headers).get_json()
    assert body["job"]["status"] == "succeeded", body
    return body["job"]["result"]


def events(engine) -> list[tuple]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text(
                    "SELECT e.tenant_id, p.nip, e.day, e.code, e.minutes, e.source "
                    "FROM attendance_event e JOIN employee p ON p.tenant_id = e.tenant_id "
                    "AND p.id = e.employee_id ORDER BY p.nip, e.code"
                )
            )
        ]


@pytest.mark.parametrize(
    ("maker", "filename"),
    [
        (to_csv, "absensi.csv"),
        (lambda r: to_csv(r, ";"), "mesin.csv"),
        (to_xlsx, "absensi.xlsx"),
    ],
)
def test_a_good_file_stores_every_event(
    client, tenants, people, admin_headers, owner_engine, maker, filename
) -> None:
    report = imported(client, admin_headers, maker(good_rows()), filename)
    assert (report["status"], report["rows"], report["created"], report["employees"]) == (
        "applied",
        3,
        3,
        2,
    )
    assert report["months"] == [f"{today().year}-{today().month:02d}"]
    stored = events(owner_engine)
    assert [(r[1], r[3], r[4], r[5]) for r in stored] == [
        (BOSS, "tanpa_keterangan", None, "import"),
        (STAFF, "pulang_cepat_2", 45, "import"),
        (STAFF, "terlambat_1", 12, "import"),
    ]
    assert {r[0] for r in stored} == {tenants.a} and {r[2] for r in stored} == {today()}


def test_one_bad_row_stores_nothing_and_every_bad_row_is_named(
    client, people, admin_headers, owner_engine
) -> None:
    day = today().isoformat()
    rows = [
        *good_rows(),
        [STAFF, day, "terlambat_9", ""],  # row 5: unknown code
        [STAFF, day, "terlambat_2", "15"],  # row 6: 15 minutes are tier 1
        [STAFF, day, "terlambat_1", "3"],  # row 7: the event of row 2 again
        [OUTSIDER, day, "terlambat_1", ""],  # row 8: another agency's employee
        [STAFF, "31-02-2026", "terlambat_1", ""],  # row 9: no such day
    ]
    report = imported(client, admin_headers, to_csv(rows))
    assert report["status"] == "rejected" and report["created"] == 0
    found = {(e["row"], e["column"]): e["message"] for e in report["errors"]}
    assert found[(5, "kode")].startswith("unknown event code terlambat_9")
    assert found[(6, "menit")] == "15 minutes do not fall in the tier of terlambat_2 (31-60)"
    assert found[(7, "kode")] == "the same event is already on row 2"
    assert found[(8, "nip")] == f"no active employee with NIP {OUTSIDER} in this agency"
    assert found[(9, "tanggal")].startswith("is not a date")
    assert len(found) == 5 and report["errors_total"] == 5
    assert events(owner_engine) == []
    # the same report in Indonesian for an Indonesian reader
    listed = client.get(URL, headers={**admin_headers, "Accept-Language": "id"}).get_json()
    messages = [e["message"] for e in listed[0]["job"]["result"]["errors"]]
    assert f"tidak ada pegawai aktif dengan NIP {OUTSIDER} di perangkat daerah ini" in messages


def test_an_event_already_recorded_is_refused_the_second_time(
    client, people, admin_headers, owner_engine
) -> None:
    assert imported(client, admin_headers, to_csv(good_rows()))["status"] == "applied"
    again = imported(client, admin_headers, to_csv(good_rows()[:1]))
    assert again["status"] == "rejected"
    assert again["errors"] == [
        {
            "row": 2,
            "column": "kode",
            "message": "this event is already recorded for that day",
            "params": {},
        }
    ]
    assert len(events(owner_engine)) == 3


@pytest.mark.parametrize("status", ["closed", "locked"])
def test_a_month_that_is_not_open_takes_no_events(
    client, tenants, people, admin_headers, owner_engine, status
) -> None:
    with owner_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO tpp_month (tenant_id, year, month, status, version) "
                "VALUES (:t, :y, :m, :s, 1)"
            ),
            {"t": tenants.a, "y": today().year, "m": today().month, "s": status},
        )
    report = imported(client, admin_headers, to_csv(good_rows()))
    assert report["status"] == "rejected" and len(report["errors"]) == 3
    month = f"{today().month:02d}-{today().year}"
    word = "locked by the city" if status == "locked" else "closed"
    assert all(
        e["column"] == "tanggal" and e["message"].startswith(f"the month {month} is {word}")
        for e in report["errors"]
    )
    assert events(owner_engine) == []


def test_the_template_reads_back_and_its_examples_import_as_they_are(
    client, people, admin_headers, owner_engine
) -> None:
    csv_template = client.get(f"{URL}/template.csv", headers=admin_headers)
    assert csv_template.mimetype == "text/csv"
    rows = list(importer.read_rows("csv", csv_template.get_data(), importer.REQUIRED))
    assert [r[1]["kode"] for r in rows] == [code for code, _m in importer.EXAMPLES]
    xlsx = client.get(f"{URL}/template.xlsx", headers=admin_headers).get_data()
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert [c.value for c in sheet[1]] == HEADER
    shown = sheet.iter_rows(min_row=2, max_row=len(importer.EXAMPLES) + 1)
    examples = [[c.value for c in row] for row in shown]
    # the agency's own first employee, days of the current (open) month, minutes as numbers
    with owner_engine.connect() as conn:
        first = conn.execute(
            text(
                "SELECT min(e.nip) FROM employee e JOIN tenant t ON t.id = e.tenant_id"
                " WHERE t.slug = 'dinkes' AND e.active"
            )
        ).scalar_one()
    assert {row[0] for row in examples} == {first} and first != importer.EXAMPLE_NIP
    month = today().isoformat()[:8]
    assert all(row[1].startswith(month) and row[1] <= today().isoformat() for row in examples)
    assert [row[3] for row in examples] == [12, 45, None]
    assert sheet.cell(row=2, column=4).data_type == "n"
    report = imported(client, admin_headers, xlsx, "template.xlsx")  # as downloaded
    assert report["status"] == "applied", report["errors"]
    assert report["created"] == len(importer.EXAMPLES)
    assert sorted(r[3] for r in events(owner_engine)) == sorted(c for c, _m in importer.EXAMPLES)
    # the template names an employee: the admin OPD's, nobody else's
    assert client.get(f"{URL}/template.csv").status_code in (401, 404)


def test_a_dry_run_stores_nothing_and_the_list_is_paged(
    client, people, admin_headers, owner_engine
) -> None:
    report = imported(client, admin_headers, to_csv(good_rows()))
    assert report["status"] == "applied"
    answer = upload(
        client,
        admin_headers,
        to_csv([[BOSS, today().isoformat(), "terlambat_4", ""]]),
        dry_run=True,
    )
    work()
    assert answer.status_code == 202
    assert len(events(owner_engine)) == 3
    listed = client.get(f"{URL}?page_size=1", headers=admin_headers)
    assert listed.status_code == 200
    assert '"total": 2' in listed.headers["X-Pagination"]
    assert listed.get_json()[0]["job"]["result"]["status"] == "validated"


def test_another_agency_and_a_plain_employee_never_see_an_import(
    client, tenants, people, admin_headers
) -> None:
    answer = upload(client, admin_headers, to_csv(good_rows()))
    status_url = answer.get_json()["status_url"]
    with db.unit_of_work(tenants.b) as session:
        outsider = token_service.issue(
            session, tenants.b, people.users["outsider"], "admin_opd", "t", 1
        ).token
    with db.unit_of_work(tenants.a) as session:
        staff = token_service.issue(session, tenants.a, people.users["staff"], "pegawai", "t", 1)
    other = {"Authorization": f"Bearer {outsider}"}
    # the other agency's admin, on its own agency's address for this import: nothing there
    assert client.get(status_url.replace("/dinkes/", "/disdik/"), headers=other).status_code == 404
    assert client.get(URL.replace("/dinkes/", "/disdik/"), headers=other).get_json() == []
    plain = {"Authorization": f"Bearer {staff.token}"}
    assert client.get(status_url, headers=plain).status_code == 404
    assert upload(client, plain, to_csv(good_rows())).status_code == 404


def test_an_unreadable_file_is_refused_at_once(client, people, admin_headers) -> None:
    assert upload(client, admin_headers, b"%PDF-1.4", "absensi.pdf").status_code == 415
    missing = imported(client, admin_headers, b"nip,kode\n1,terlambat_1\n")
    assert missing["status"] == "rejected"
    assert missing["errors"][0]["message"] == "Missing columns in the header row: tanggal"
