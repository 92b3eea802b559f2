"""Tables to files: CSV, XLSX (openpyxl, streamed) and PDF (fpdf2). Text that a spreadsheet
would take for a formula (starting with =, +, -, @, or a tab or carriage return) is written as
text. Every table the application hands out as a file goes through here, so the guard is one."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def risky(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def as_text(value: Any) -> Any:
    """A CSV cell that no spreadsheet evaluates: OWASP's advice, a leading single quote on risky
    text (the file's quoting is done by `to_csv`). Numbers stay numbers: -2 is data."""
    return "'" + value if risky(value) else value


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Every cell quoted (embedded quotes doubled, RFC 4180) and risky text prefixed, so
    `=HYPERLINK(...)`, `+cmd`, `@SUM(1)` or `-2+3` typed by someone arrives as text."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow([as_text(h) for h in headers])
    for row in rows:
        writer.writerow([as_text(v) for v in row])
    return out.getvalue()


def to_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31] or "Kinerja")
    bold = Font(bold=True)

    def cell(value: Any, header: bool = False) -> WriteOnlyCell:
        made = WriteOnlyCell(sheet, value=value)
        if risky(value):
            made.data_type = "s"  # stored as a string: never evaluated, whatever it starts with
            made.quotePrefix = True  # and shown as text when edited
        if header:
            made.font = bold
        return made

    sheet.append([cell(title, header=True)])
    sheet.append([cell(h, header=True) for h in headers])
    for row in rows:
        sheet.append([cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A landscape A4 table with the title on top and page numbers (text extractable)."""
    from kinerja.performance.pdf import Document, latin

    pdf = Document(title, orientation="L")
    pdf.set_font("Helvetica", size=7)
    with pdf.table(first_row_as_headings=True, line_height=4) as table:
        table.row([latin(h) for h in headers])
        for row in rows:
            table.row([latin(v) for v in row])
    return bytes(pdf.output())


def _csv_file(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    return to_csv(headers, rows).encode("utf-8")


WRITERS = {"csv": _csv_file, "xlsx": to_xlsx, "pdf": to_pdf}
CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def write(fmt: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """The table as a file of format `fmt` (one of WRITERS), through the formula guard."""
    return WRITERS[fmt](title, headers, rows)
