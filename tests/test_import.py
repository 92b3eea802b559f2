"""Employee import: CSV and XLSX, every bad row reported, all or nothing, idempotent, 415/413."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook
from rq import SimpleWorker
from sqlalchemy import text

from kinerja import jobs
from kinerja.cli import cli
from kinerja.db import db
from kinerja.identity import tokens as token_service
from kinerja.people import importer

HEADER = list(importer.REQUIRED + importer.OPTIONAL)


def row(
    nip: str,
    name: str,
    superior: str = "",
    unit: str = "Bidang P2P",
    gol: str = "III/a",
    asn: str = "PNS",
    position: str = "Analis",
    ptype: str = "Fungsional",
    **extra: str,
) -> list[str]:
    values = {
        "nip": nip,
        "nama": name,
        "email": "",
        "jenis_asn": asn,
        "golongan": gol,
        "jabatan": position,
        "jenis_jabatan": ptype,
        "unit_kerja": unit,
        "nip_atasan": superior,
        "kelas_jabatan": "",
        "aktif": "ya",
        **extra,
    }
    return [values[c] for c in HEADER]


GOOD = [
    row(
        "197503122000031002",
        "Kepala",
        position="Kepala Dinas",
        ptype="JPT Pratama",
        unit="Pimpinan",
    ),
    row(
        "198001152005012003",
        "Kabid",
        "197503122000031002",
        position="Kepala Bidang",
        ptype="Eselon III",
    ),
    row("198609262015051001", "Staf Satu", "198001152005012003"),
    row("199003152023211001", "Staf PPPK", "198001152005012003", asn="PPPK", gol="IX"),
]


def to_csv(rows: list[list[str]], delimiter: str = ",", header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def to_xlsx(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def admin_headers(tenants, people) -> dict[str, str]:
    with db.unit_of_work(tenants.a) as session:
        token = token_service.issue(
            session, tenants.a, people.users["admin"], "admin_opd", "t", 1
        ).token
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


def upload(client, headers, content: bytes, filename: str, dry_run: bool = False):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/tenants/dinkes/imports",
        headers=headers,
        data={"file": (io.BytesIO(content), filename), "dry_run": "true" if dry_run else ""},
        content_type="multipart/form-data",
    )


def work() -> None:
    SimpleWorker([jobs.queue()], connection=jobs.queue().connection).work(burst=True)


def result(client, headers, import_id: int) -> dict:  # type: ignore[no-untyped-def]
    body = client.get(f"/api/v1/tenants/dinkes/imports/{import_id}", headers=headers).get_json()
    assert body["job"]["status"] == "succeeded", body
    return body["job"]["result"]


def employees_of(engine, tenant: int) -> dict[str, tuple]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return {
            r.nip: tuple(r)[1:]
            for r in conn.execute(
                text(
                    "SELECT e.nip, e.name, e.golongan, s.nip AS superior, u.name AS unit, p.name AS pos "
                    "FROM employee e LEFT JOIN employee s ON s.tenant_id = e.tenant_id AND "
                    "s.id = e.superior_id LEFT JOIN org_unit u ON u.tenant_id = e.tenant_id AND "
                    "u.id = e.org_unit_id LEFT JOIN position p ON p.tenant_id = e.tenant_id AND "
                    "p.id = e.position_id WHERE e.tenant_id = :t"
                ),
                {"t": tenant},
            )
        }


@pytest.mark.parametrize(
    ("maker", "filename"),
    [(to_csv, "pegawai.csv"), (to_xlsx, "pegawai.xlsx"), (lambda r: to_csv(r, ";"), "siasn.csv")],
)
def test_import_creates_then_a_second_import_changes_nothing(
    client, tenants, people, admin_headers, owner_engine, maker, filename
) -> None:
    content = maker(GOOD)
    first = upload(client, admin_headers, content, filename)
    assert first.status_code == 202, first.get_json()
    work()
    report = result(client, admin_headers, first.get_json()["id"])
    assert report["status"] == "applied"
    # head's, superior's and staff's NIPs already exist (fixture): updated; the PPPK one is new
    assert (report["rows"], report["created"], report["updated"]) == (4, 1, 3)
    after_first = employees_of(owner_engine, tenants.a)
    assert after_first["198609262015051001"][2] == "198001152005012003"
    assert after_first["199003152023211001"][3] == "Bidang P2P"
    second = upload(client, admin_headers, content, filename)
    work()
    again = result(client, admin_headers, second.get_json()["id"])
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 4)
    assert employees_of(owner_engine, tenants.a) == after_first
    assert "Pegawai Disdik" not in str(after_first)


def test_bad_rows_are_all_reported_and_nothing_is_applied(
    client, tenants, people, admin_headers, owner_engine
) -> None:
    before = employees_of(owner_engine, tenants.a)
    rows = [
        *GOOD,
        row("19860926201505100", "Pendek"),  # row 6: nip length
        row("199912312024012002", "", gol="V/z"),  # row 7: nama, golongan
        row("199207082019032011", "Bidan", "199999999999999999"),  # row 8: unknown superior
        row("198609262015051001", "Dobel"),  # row 9: repeated NIP
        row("197001011990121001", "X", ptype="Menteri"),  # row 10: position type
        row("197105051995031002", "Y", kelas_jabatan="²"),  # row 11: not a class (no 500)
        row("197206061996032003", "Z", kelas_jabatan="٣"),  # row 12: not ASCII digits
    ]
    response = upload(client, admin_headers, to_csv(rows), "pegawai.csv")
    work()
    report = result(client, admin_headers, response.get_json()["id"])
    assert report["status"] == "rejected" and report["created"] == 0
    found = {(e["row"], e["column"]) for e in report["errors"]}
    assert found == {
        (6, "nip"),
        (7, "nama"),
        (7, "golongan"),
        (8, "nip_atasan"),
        (9, "nip"),
        (10, "jenis_jabatan"),
        (11, "kelas_jabatan"),
        (12, "kelas_jabatan"),
    }
    # The NIP's rule as a sentence (in the reader's language), not "(rule: length)"
    assert any("18 digit" in e["message"] for e in report["errors"])
    assert not any("rule" in e["message"] for e in report["errors"])
    assert employees_of(owner_engine, tenants.a) == before


def test_a_cycle_in_the_file_is_refused(
    client, tenants, people, admin_headers, owner_engine
) -> None:
    before = employees_of(owner_engine, tenants.a)
    rows = [
        row("197503122000031002", "A", "198001152005012003"),
        row("198001152005012003", "B", "197503122000031002"),
    ]
    response = upload(client, admin_headers, to_csv(rows), "pegawai.csv")
    work()
    report = result(client, admin_headers, response.get_json()["id"])
    assert report["status"] == "rejected"
    assert {e["row"] for e in report["errors"]} == {2, 3}
    assert employees_of(owner_engine, tenants.a) == before


def test_dry_run_reports_but_changes_nothing(
    client, tenants, people, admin_headers, owner_engine
) -> None:
    before = employees_of(owner_engine, tenants.a)
    response = upload(client, admin_headers, to_csv(GOOD), "pegawai.csv", dry_run=True)
    work()
    report = result(client, admin_headers, response.get_json()["id"])
    assert report["status"] == "validated" and report["created"] == 1
    assert employees_of(owner_engine, tenants.a) == before


def test_wrong_type_is_415_and_oversized_is_413(app, client, people, admin_headers) -> None:
    assert upload(client, admin_headers, b"%PDF-1.7 not a sheet", "pegawai.pdf").status_code == 415
    assert upload(client, admin_headers, b"PK\x03\x04garbage", "pegawai.csv").status_code == 415
    big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    assert upload(client, admin_headers, big, "pegawai.csv").status_code == 413


def test_missing_columns_are_422(client, people, admin_headers) -> None:
    response = upload(client, admin_headers, b"nip,nama\n198609262015051001,X\n", "p.csv")
    assert response.status_code == 202
    work()
    report = result(client, admin_headers, response.get_json()["id"])
    assert report["status"] == "rejected" and "Missing columns" in report["errors"][0]["message"]


def test_only_admins_import_and_never_into_another_agency(
    client, tenants, people, admin_headers
) -> None:
    with db.unit_of_work(tenants.a) as session:
        staff = token_service.issue(session, tenants.a, people.users["staff"], "pegawai", "t", 1)
    refused = upload(client, {"Authorization": f"Bearer {staff.token}"}, to_csv(GOOD), "p.csv")
    assert refused.status_code in (403, 404)
    other = client.post(
        "/api/v1/tenants/disdik/imports",
        headers=admin_headers,
        data={"file": (io.BytesIO(to_csv(GOOD)), "p.csv")},
        content_type="multipart/form-data",
    )
    assert other.status_code == 404


def test_template_has_the_documented_columns(client, tenants, people, admin_headers) -> None:
    response = client.get("/api/v1/tenants/dinkes/imports/template.csv", headers=admin_headers)
    text = response.get_data(as_text=True).removeprefix("\ufeff")  # the BOM, for Excel
    header, example = list(csv.reader(io.StringIO(text)))  # asked in English: `,`
    assert response.mimetype == "text/csv" and header[:9] == list(importer.REQUIRED)
    assert example[0] != "198609262015051001"  # the example is nobody's real record


def test_xlsx_template_keeps_the_nip_columns_as_text(client, tenants, people, admin_headers):
    from openpyxl import load_workbook

    response = client.get("/api/v1/tenants/dinkes/imports/template.xlsx", headers=admin_headers)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [c.value for c in sheet[1]]
    assert header[:9] == list(importer.REQUIRED)
    nip_column = header.index("nip") + 1
    assert sheet.cell(row=2, column=nip_column).number_format == "@"
    assert isinstance(sheet.cell(row=2, column=nip_column).value, str)


def test_cli_import_with_progress_and_dry_run(app, tenants, people, tmp_path, owner_engine) -> None:
    path = tmp_path / "pegawai.xlsx"
    path.write_bytes(to_xlsx(GOOD))
    runner = app.test_cli_runner()
    dry = runner.invoke(cli, ["employees", "import", str(path), "--tenant", "dinkes", "--dry-run"])
    assert dry.exit_code == 0 and dry.stdout.startswith("validated: rows 4, created 1")
    real = runner.invoke(
        cli, ["employees", "import", str(path), "--tenant", "dinkes", "--progress"]
    )
    assert real.exit_code == 0, real.output
    assert "applied: rows 4, created 1, updated 3" in real.stdout
    assert "importing" in real.stderr
    bad = tmp_path / "bad.csv"
    bad.write_bytes(to_csv([row("123", "X")]))
    rejected = runner.invoke(cli, ["employees", "import", str(bad), "--tenant", "dinkes"])
    assert rejected.exit_code == 1 and "row 2, column nip" in rejected.stderr
