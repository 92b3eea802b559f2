"""Tables to files: CSV, XLSX (openpyxl, streamed) and PDF (fpdf2). Text that a spreadsheet
would take for a formula (starting with =, +, -, @, or a tab or carriage return) is written as
text. Every table the application hands out as a file goes through here, so the guard is one.

Rows hold plain values (numbers, dates, text); each writer shows them its own way:
- XLSX: numbers and dates stay numbers and dates in their cells, with a number format (Excel
  shows them in its own locale, sums and sorts them);
- CSV: the reader's locale's conventions (`CSV_STYLES`): Indonesian `;` between cells, comma
  decimals and dates as 03-12-2026; English `,` and dot decimals and ISO dates (2026-12-03). No
  thousands separators (a spreadsheet reads the number back). UTF-8 with a byte order mark, so
  Excel opens it as UTF-8;
- PDF: Indonesian formats (`kinerja.presentation.formats`), whatever the reader's language.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from kinerja.presentation import formats

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def risky(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def as_text(value: Any) -> Any:
    """A CSV cell that no spreadsheet evaluates: OWASP's advice, a leading single quote on risky
    text (the file's quoting is done by `to_csv`). Numbers stay numbers: -2 is data."""
    return "'" + value if risky(value) else value


@dataclass(frozen=True)
class CsvStyle:
    delimiter: str
    decimal: str
    date_pattern: str  # strftime: a CSV is read back by machines, not Babel's words


# The spreadsheet conventions of each locale (an Indonesian Excel splits on `;`, reads `1,5`).
CSV_STYLES = {
    "id": CsvStyle(";", ",", "%d-%m-%Y"),
    "en": CsvStyle(",", ".", "%Y-%m-%d"),
}
BOM = "\ufeff"


def csv_style(locale: Any = None) -> CsvStyle:
    """The CSV conventions of `locale` (default: the reader's)."""
    return CSV_STYLES.get(formats.reader_locale(locale).language, CSV_STYLES["en"])


def csv_value(value: Any, style: CsvStyle) -> Any:
    """A cell's text in a CSV of `style`: numbers with its decimal mark and no grouping, dates
    in its pattern (a moment: its day on Medan's clock), text guarded."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int | float | Decimal):
        shown = format(Decimal(str(value)).normalize(), "f")
        return shown.replace(".", style.decimal)
    if isinstance(value, datetime):
        value = formats.wall_clock(value).date()
    if isinstance(value, date):
        return value.strftime(style.date_pattern)
    return as_text(value)


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]], locale: Any = None) -> str:
    """Every cell quoted (embedded quotes doubled, RFC 4180) and risky text prefixed, so
    `=HYPERLINK(...)`, `+cmd`, `@SUM(1)` or `-2+3` typed by someone arrives as text. Numbers
    and dates in the conventions of `locale` (the reader's by default; `CSV_STYLES`)."""
    style = csv_style(locale)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=style.delimiter, quoting=csv.QUOTE_ALL)
    writer.writerow([as_text(h) for h in headers])
    for row in rows:
        writer.writerow([csv_value(v, style) for v in row])
    return out.getvalue()


# Cell formats Excel shows in the reader's own locale (its decimal mark, its order of day and
# month is not ours to choose: the date pattern is the Indonesian short style, unambiguous).
XLSX_DATE = "dd-mm-yyyy"
XLSX_DATETIME = "dd-mm-yyyy hh:mm"
XLSX_DECIMAL = "#,##0.00"  # "#,##0.##" showed a whole 100 as "100." in Excel
XLSX_MONEY = "#,##0"  # whole rupiah with thousands separators
XLSX_PERCENT = "0.00"  # a percentage as a number (98.5 -> 98.50): no trailing separator
SHEET_NAME = 31  # Excel's limit
NOT_IN_SHEET_NAME = str.maketrans({c: " " for c in "[]:*?/\\"})


@dataclass(frozen=True)
class Column:
    """How a table's column shows in XLSX: its cells' number format, and its width."""

    number_format: str | None = None
    width: int | None = None


def sheet_name(title: str) -> str:
    """A sheet's name: Excel's characters and length, cut between words, never mid-word."""
    name = " ".join(title.translate(NOT_IN_SHEET_NAME).split())
    if len(name) > SHEET_NAME:
        cut = name[: SHEET_NAME + 1].rsplit(" ", 1)[0]
        name = cut if cut and len(cut) <= SHEET_NAME else name[:SHEET_NAME]
    return name or "Kinerja"


def to_xlsx(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    columns: Sequence[Column] | None = None,
    sheet: str | None = None,
) -> bytes:
    """`columns` (optional): each column's number format and width; `sheet`: the sheet's name
    (else made from the title)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet_ = book.create_sheet(sheet_name(sheet or title))
    for index, column in enumerate(columns or [], start=1):
        if column.width:  # before any row: a write-only sheet writes its columns first
            sheet_.column_dimensions[get_column_letter(index)].width = column.width
    shapes = [c.number_format for c in columns or []]
    bold = Font(bold=True)

    def cell(value: Any, header: bool = False, shape: str | None = None) -> WriteOnlyCell:
        if isinstance(value, datetime):  # a moment: its day and time on Medan's clock, naive
            value = formats.wall_clock(value)
        made = WriteOnlyCell(sheet_, value=value)
        if shape and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            made.number_format = shape
        elif isinstance(value, datetime):
            made.number_format = XLSX_DATETIME
        elif isinstance(value, date):
            made.number_format = XLSX_DATE
        elif isinstance(value, float | Decimal) and not isinstance(value, bool):
            made.number_format = XLSX_DECIMAL
        if risky(value):
            made.data_type = "s"  # stored as a string: never evaluated, whatever it starts with
            made.quotePrefix = True  # and shown as text when edited
        if header:
            made.font = bold
        return made

    sheet_.append([cell(title, header=True)])
    sheet_.append([cell(h, header=True) for h in headers])
    for row in rows:
        sheet_.append(
            [cell(v, shape=shapes[n] if n < len(shapes) else None) for n, v in enumerate(row)]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(
    title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], **_xlsx_only: Any
) -> bytes:
    """A landscape A4 table with the title on top and page numbers (text extractable)."""
    from kinerja.performance.pdf import Document, latin

    pdf = Document(title, orientation="L")
    pdf.set_font("Helvetica", size=7)
    with pdf.table(first_row_as_headings=True, line_height=4) as table:
        table.row([latin(h) for h in headers])
        for row in rows:
            table.row([latin(pdf_value(v)) for v in row])
    return bytes(pdf.output())


def pdf_value(value: Any) -> Any:
    """A cell of a printed table: numbers and dates in Indonesian formats (printed documents
    are Indonesian whatever the reader's language), text as it is."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return formats.datetime_short(value, locale="id")
    if isinstance(value, date):
        return formats.date_short(value, locale="id")
    if isinstance(value, int | float | Decimal):
        return formats.number(value, locale="id")
    return value


def csv_file(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV file as handed out: the reader's conventions, UTF-8 with a BOM (Excel)."""
    return (BOM + to_csv(headers, rows)).encode("utf-8")


def _csv_file(
    title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], **_xlsx_only: Any
) -> bytes:
    return csv_file(headers, rows)


# Each takes (title, headers, rows) and the XLSX layout as keywords (the others ignore it)
WRITERS: dict[str, Callable[..., bytes]] = {"csv": _csv_file, "xlsx": to_xlsx, "pdf": to_pdf}
CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def write(fmt: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """The table as a file of format `fmt` (one of WRITERS), through the formula guard."""
    return WRITERS[fmt](title, headers, rows)
