"""Tables to files: XLSX (openpyxl, streamed) and PDF (fpdf2). Text that a spreadsheet would
take for a formula (starting with =, +, -, @, or a tab or carriage return) is written as text."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def risky(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


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
