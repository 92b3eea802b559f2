"""Formats where people read them: a page in the reader's language, printed documents in
Indonesian whatever the reader's language, XLSX cells that are real numbers and dates, and CSV in
the locale's spreadsheet conventions."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from kinerja import clock
from kinerja.db import db
from kinerja.exports import writers
from kinerja.performance import skp as skps
from kinerja.performance import years
from kinerja.presentation import formats
from tests.support import csrf_token, plan_head_and_boss, plan_staff, sign_in

TODAY = clock.today()
DAY = date(2026, 12, 3)
MOMENT = datetime(2026, 12, 3, 20, 5, tzinfo=UTC)  # 03:05 on the 4th in Medan


def _text(pdf: bytes) -> str:
    import pypdfium2 as pdfium

    return "\n".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(pdf))


def _started_evaluation(app, people, tenants) -> tuple[int, str, int, object]:  # type: ignore[no-untyped-def]
    _rhk, iki = plan_staff(
        tenants, people, TODAY.year, plan_head_and_boss(tenants, people, TODAY.year)
    )
    with db.unit_of_work(tenants.a) as session:
        skp_id = skps.of_employee(session, people.staff, TODAY.year).id
        year = years.info(session, TODAY.year)
    staff = app.test_client()
    sign_in(staff, "staff")
    token = csrf_token(staff, "/t/dinkes/evaluations")
    url = staff.post(
        "/t/dinkes/evaluations/start", data={"skp_id": skp_id, "period": "0", "csrf_token": token}
    ).headers["Location"]
    saved = staff.post(f"{url}/items", data={f"realisasi-{iki}": "12.5", "csrf_token": token})
    assert saved.status_code in (302, 303)
    return skp_id, url, iki, (staff, year)


def test_a_page_shows_dates_in_the_readers_language(app, people, tenants) -> None:
    skp_id, url, _iki, (staff, year) = _started_evaluation(app, people, tenants)
    plan = staff.get(f"/t/dinkes/skp/{skp_id}").get_data(as_text=True)
    assert formats.date_range(year.starts, year.ends, locale="id") in plan  # the SKP's header
    page = staff.get(url).get_data(as_text=True)
    assert formats.date_range(year.starts, year.ends, locale="id") in page  # 01-01-2026 - ...
    assert year.starts.isoformat() not in page
    staff.set_cookie("kinerja_lang", "en")
    page = staff.get(url).get_data(as_text=True)
    assert formats.date_range(year.starts, year.ends, locale="en") in page  # 1 Jan 2026 - ...
    assert "12.5" in page  # the realisation with the English decimal point
    staff.set_cookie("kinerja_lang", "id")
    assert "12,5" in staff.get(url).get_data(as_text=True)


def test_printed_documents_are_indonesian_whatever_the_readers_language(
    app, people, tenants
) -> None:
    skp_id, url, _iki, (staff, year) = _started_evaluation(app, people, tenants)
    staff.set_cookie("kinerja_lang", "en")
    period = (
        f"Periode: {formats.date_short(year.starts, 'id')} s.d. "
        f"{formats.date_short(year.ends, 'id')}"
    )
    signed = f"Medan, {formats.date_long(clock.today(), 'id')}"  # 3 Desember 2026
    skp_text = _text(staff.get(f"/t/dinkes/skp/{skp_id}/document.pdf").data)
    evaluation_text = _text(staff.get(f"{url}/document.pdf").data)
    for text in (skp_text, evaluation_text):
        assert period in text and signed in text
        assert year.starts.isoformat() not in text  # no ISO date on paper
    assert "12,5" in evaluation_text and "12.5" not in evaluation_text


def test_a_printed_table_shows_numbers_and_dates_in_indonesian(app) -> None:
    with app.test_request_context("/", headers={"Cookie": "kinerja_lang=en"}):
        text = _text(writers.to_pdf("T", ["a", "b", "c"], [[DAY, 1234.5, MOMENT]]))
    assert "03-12-2026" in text and "1.234,5" in text and "04-12-2026 03.05" in text


def test_xlsx_cells_are_real_numbers_and_dates_with_a_number_format() -> None:
    data = writers.to_xlsx(
        "T", ["when", "at", "n", "d", "i"], [[DAY, MOMENT, 92.5, Decimal("1.4"), 7]]
    )
    row = next(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=3, max_row=3))
    day, moment, share, decimal, whole = row
    assert day.is_date and day.value.date() == DAY and day.number_format == writers.XLSX_DATE
    # a moment is written as Medan's wall clock (a cell has no zone)
    assert moment.is_date and moment.value == datetime(2026, 12, 4, 3, 5)  # noqa: DTZ001 - a cell's wall clock
    assert moment.number_format == writers.XLSX_DATETIME
    assert share.data_type == "n" and share.value == 92.5
    assert share.number_format == writers.XLSX_DECIMAL
    assert decimal.data_type == "n" and float(decimal.value) == 1.4
    assert whole.data_type == "n" and whole.value == 7


def test_csv_follows_the_locales_spreadsheet_conventions() -> None:
    rows = [["Staf", 1234.5, DAY, MOMENT, 3]]
    indonesian = list(
        csv.reader(
            io.StringIO(writers.to_csv(["a", "b", "c", "d", "e"], rows, "id")), delimiter=";"
        )
    )
    assert indonesian[1] == ["Staf", "1234,5", "03-12-2026", "04-12-2026", "3"]
    english = list(csv.reader(io.StringIO(writers.to_csv(["a", "b", "c", "d", "e"], rows, "en"))))
    assert english[1] == ["Staf", "1234.5", "2026-12-03", "2026-12-04", "3"]


def test_an_exported_table_keeps_its_dates_as_dates(app, people, tenants) -> None:
    from kinerja.exports import tables

    plan_staff(tenants, people, TODAY.year, plan_head_and_boss(tenants, people, TODAY.year))
    with db.unit_of_work(tenants.a) as session:
        table = tables.skp_list(session, TODAY.year)
    decided = [row[6] for row in table.rows if row[6] is not None]
    assert decided and all(isinstance(value, date) for value in decided)


def test_a_notifications_date_is_kept_as_iso_and_shown_in_the_readers_format(app) -> None:
    from kinerja.notifications import service
    from kinerja.notifications.models import Notification

    assert service._plain(date(2026, 11, 1)) == "2026-11-01"  # stored: the machine form
    told = Notification(kind="entry_rejected", params={"date": "2026-11-01", "reason": "foto"})
    with app.test_request_context("/", headers={"Cookie": "kinerja_lang=en"}):
        assert "1 Nov 2026" in service.text(told) and "2026-11-01" not in service.text(told)
    with app.test_request_context("/"):
        assert "01-11-2026" in service.text(told)
    older = Notification(kind="entry_rejected", params={"date": "01-11-2026", "reason": "foto"})
    with app.test_request_context("/", headers={"Cookie": "kinerja_lang=en"}):
        assert "01-11-2026" in service.text(older)  # stored as shown before: left as it is
