"""Exports: formula-looking text written as text, and the agency's tables made by a real rq
worker into XLSX and PDF that open with the right figures, fetched only by their requester,
followed through the API and the pages, from the command line, and purged when expired."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from rq import SimpleWorker
from sqlalchemy import select

from kinerja import clock, jobs
from kinerja.db import db
from kinerja.exports import service, writers
from kinerja.exports.models import Export
from tests.support import People, csrf_token, plan_head_and_boss, plan_staff, sign_in
from tests.test_skp_api import token

API = "/api/v1/tenants/dinkes/exports"
YEAR = clock.this_year()


def work() -> None:
    SimpleWorker([jobs.queue()], connection=jobs.queue().connection).work(burst=True)


@pytest.mark.parametrize("value", ["=1+1", "+628123", "-2", "@SUM(A1)", '=HYPERLINK("x")', "\tx"])
def test_formula_looking_text_is_written_as_text(value: str) -> None:
    data = writers.to_xlsx("T", ["a", "b"], [[value, 7], ["plain", 2.5]])
    sheet = load_workbook(io.BytesIO(data)).active
    cell = sheet.cell(row=3, column=1)
    assert cell.data_type == "s" and cell.value == value
    assert sheet.cell(row=3, column=2).value == 7 and sheet.cell(row=4, column=2).value == 2.5


@pytest.mark.parametrize(
    "value", ['=HYPERLINK("http://x/?"&A1,"klik")', "+cmd", "@SUM(1)", "-2+3", "\tx", "\rx"]
)
def test_formula_looking_text_in_a_csv_gets_the_owasp_quote(value: str) -> None:
    text = writers.to_csv(["a", "b"], [[value, -2], ["plain, with a comma", 2.5]], "en")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["'" + value, "-2"]  # text prefixed, a number left a number
    assert rows[2] == ["plain, with a comma", "2.5"]
    assert all(line.startswith('"') for line in text.split("\r\n") if line)  # all quoted


def test_the_skp_list_exports_as_xlsx_and_pdf_for_its_requester_only(
    app, client, people: People, tenants
) -> None:
    import pypdfium2 as pdfium

    plan_staff(tenants, people, YEAR, plan_head_and_boss(tenants, people, YEAR))
    admin = token(tenants.a, people.users["admin"], "admin_opd")
    made = client.post(
        API, json={"kind": "skp_list", "format": "xlsx", "year": YEAR}, headers=admin
    )
    assert made.status_code == 202, made.get_json()
    url = made.get_json()["url"]
    assert client.get(url, headers=admin).get_json()["download_url"] is None
    work()
    done = client.get(url, headers=admin).get_json()
    assert done["status"] == "succeeded" and done["rows"] == 5
    file = client.get(done["download_url"], headers=admin)
    assert file.status_code == 200 and file.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(file.data)).active.iter_rows(values_only=True))
    assert rows[1][:2] == ("Nama", "NIP") or rows[1][:2] == ("Name", "NIP")
    staff_row = next(r for r in rows if r[0] == "Staf")
    assert staff_row[1] == "198609262015051001" and "Disetujui" in str(staff_row[4])
    # only its requester: another admin of the agency, a colleague, another agency: 404
    other_admin = token(tenants.a, people.users["boss"], "admin_opd")
    assert client.get(url, headers=other_admin).status_code == 404
    assert (
        client.get(
            done["download_url"], headers=token(tenants.a, people.users["staff"])
        ).status_code
        == 404
    )
    outsider = token(tenants.b, people.users["outsider"], "admin_opd")
    assert client.get(url, headers=outsider).status_code == 404
    pdf = client.post(API, json={"kind": "evaluation_results", "format": "pdf"}, headers=admin)
    work()
    answer = client.get(pdf.get_json()["url"], headers=admin).get_json()
    data = client.get(answer["download_url"], headers=admin).data
    text = pdfium.PdfDocument(data)[0].get_textpage().get_text_range()
    assert "Staf" in text and "198609262015051001" in text
    assert client.post(API, json={"kind": "x", "format": "pdf"}, headers=admin).status_code == 422
    staff = token(tenants.a, people.users["staff"])
    assert (
        client.post(API, json={"kind": "skp_list", "format": "pdf"}, headers=staff).status_code
        == 404
    )


def test_the_page_follows_the_job_and_expired_exports_are_purged(app, people, tenants) -> None:
    browser = app.test_client()
    sign_in(browser, "admin")
    page = browser.get("/t/dinkes/exports").get_data(as_text=True)
    assert "Kepatuhan laporan harian" in page or "Daily work compliance" in page
    made = browser.post(
        "/t/dinkes/exports",
        data={
            "csrf_token": csrf_token(browser, "/t/dinkes/exports"),
            "kind": "log_compliance",
            "format": "xlsx",
            "year": str(YEAR),
        },
    )
    assert made.status_code == 303
    status_page = made.headers["Location"]
    assert 'id="job-state"' in browser.get(status_page).get_data(as_text=True)
    work()
    assert browser.get(f"{status_page}/status.json").get_json()["done"] is True
    file = browser.get(f"{status_page}/file")
    assert file.status_code == 200
    header = list(load_workbook(io.BytesIO(file.data)).active.iter_rows(values_only=True))[1]
    assert "NIP" in header
    staff = app.test_client()
    sign_in(staff, "staff")
    assert staff.get("/t/dinkes/exports").status_code == 404
    assert staff.get(f"{status_page}/file").status_code == 404
    with db.unit_of_work(tenants.a) as session:
        export = session.scalars(select(Export)).one()
        key = export.storage_key
        export.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    assert browser.get(f"{status_page}/file").status_code == 404
    with db.unit_of_work(tenants.a) as session:
        assert service.purge(session) == 1
    from kinerja import storage

    with app.app_context(), pytest.raises(KeyError):
        storage.get().get(key)


def test_the_command_line_writes_an_export_with_progress(app, people, tenants, tmp_path) -> None:
    from click.testing import CliRunner

    from kinerja.cli import cli

    plan_head_and_boss(tenants, people, YEAR)
    out = tmp_path / "kurva.xlsx"
    result = CliRunner().invoke(
        cli,
        ["export", "curve_report", "--tenant", "dinkes", "--out", str(out), "--progress"],
        obj=_script_info(app),
    )
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert any(r[0] == "Sangat Baik" for r in rows)
    bad = CliRunner().invoke(
        cli, ["export", "nothing", "--tenant", "dinkes", "--out", str(out)], obj=_script_info(app)
    )
    assert bad.exit_code != 0


def _script_info(app: Any) -> Any:
    from flask.cli import ScriptInfo

    return ScriptInfo(create_app=lambda: app)


def test_who_never_signed_in_comes_first_in_the_adoption_list(app, people, tenants) -> None:
    from kinerja.exports import tables
    from kinerja.identity.models import User

    with db.unit_of_work() as session:
        session.get(User, people.users["staff"]).last_login_at = datetime(2026, 11, 2, tzinfo=UTC)
    with app.test_request_context(), db.unit_of_work(tenants.a) as session:
        table = tables.adoption(session, YEAR, today=date(2026, 11, 5))
    names = [r[0] for r in table.rows]
    assert names.index("Staf") == len(names) - 1  # the only one who signed in: last
    assert table.rows[-1][3] == date(2026, 11, 2)  # a date cell, shown per format
    assert table.rows[0][3] in ("belum pernah", "never")


def test_every_export_kind_writes_every_format(app, people, tenants, tmp_path) -> None:
    """Walks the export kinds (and the command's formats): each writes a file that opens, so a
    new kind cannot ship untried."""
    import click
    from click.testing import CliRunner

    from kinerja.cli import cli
    from kinerja.exports import tables

    plan_head_and_boss(tenants, people, YEAR)
    command = cli.commands["export"]
    formats = next(p for p in command.params if p.name == "fmt").type
    assert isinstance(formats, click.Choice) and set(formats.choices) >= {"xlsx", "pdf"}
    assert set(tables.KINDS) == set(tables.KIND_WORDS)  # each kind has its words on the page
    for kind in sorted(tables.KINDS):
        for fmt in formats.choices:
            out = tmp_path / f"{kind}.{fmt}"
            arguments = ["export", kind, "--tenant", "dinkes", "--format", fmt, "--out", str(out)]
            result = CliRunner().invoke(cli, arguments, obj=_script_info(app))
            assert result.exit_code == 0, (kind, fmt, result.output)
            data = out.read_bytes()
            if fmt == "pdf":
                assert data.startswith(b"%PDF"), kind
            else:
                assert load_workbook(io.BytesIO(data)).active.max_row >= 2, kind
