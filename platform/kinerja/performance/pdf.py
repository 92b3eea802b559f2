"""The page furniture of Kinerja's PDF documents (fpdf2): title, tables, the three parties,
signature blocks. Imported only when a document is made: fpdf2 costs a third of a second to
import, which no worker or command should pay at start-up."""

from __future__ import annotations

from datetime import date
from typing import Any

from fpdf import FPDF

from kinerja.performance import pdf_table
from kinerja.presentation import formats

PLACE = "Medan"
ID = "id"  # official documents are Indonesian whatever the reader's language


def latin(value: Any) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2019", "'")
    return text.encode("latin-1", "replace").decode("latin-1")


def long_date(day: date) -> str:
    """The date above the signatures, written out in Indonesian (3 Desember 2026)."""
    return formats.date_long(day, locale=ID)


class Document(FPDF):
    def __init__(self, title: str, orientation: str = "P") -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.set_title(latin(title))
        self.set_creator("Kinerja Kota Medan")
        self.set_auto_page_break(auto=True, margin=15)
        self.add_page()
        self.set_font("Helvetica", style="B", size=12)
        self.multi_cell(0, 6, latin(title), align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def footer(self) -> None:
        # text() rather than cell(): a long evaluation has hundreds of pages, cell() costs 10x
        self.set_font("Helvetica", size=7)
        text = f"Kinerja Kota Medan - {self.page_no()}"
        self.text((self.w - self.get_string_width(text)) / 2, self.h - 8.5, text)

    def heading(self, text: str) -> None:
        self.ln(2)
        self.set_font("Helvetica", style="B", size=9)
        self.cell(0, 6, latin(text), new_x="LMARGIN", new_y="NEXT")

    def table_of(self, rows: list[list[Any]], widths: tuple[int, ...], head: bool = True) -> None:
        """A bordered table (`pdf_table`): rows taller than a page go on over the next ones."""
        pdf_table.draw(self, [[latin(value) for value in values] for values in rows], widths, head)

    def parties(self, header: dict[str, Any]) -> None:
        """The header block: the employee, the Pejabat Penilai and the Atasan Pejabat Penilai."""
        rows: list[list[Any]] = [["", "PEGAWAI", "PEJABAT PENILAI", "ATASAN PEJABAT PENILAI"]]
        people = [
            header.get("employee") or {},
            header.get("pejabat_penilai") or {"name": "Admin OPD"},
            header.get("atasan_pejabat_penilai") or {},
        ]
        for label, key in (
            ("Nama", "name"),
            ("NIP", "nip"),
            ("Pangkat/Gol.", "golongan"),
            ("Jabatan", "jabatan"),
            ("Unit kerja", "unit"),
        ):
            cells = []
            for person in people:
                value = person.get(key) or "-"
                if key == "golongan" and person.get("pangkat"):
                    value = f"{person['pangkat']} ({person.get('golongan')})"
                cells.append(value)
            rows.append([label, *cells])
        self.table_of(rows, (22, 56, 56, 56))

    def signatures(
        self, day: date, left: tuple[str, dict[str, Any]], right: tuple[str, dict[str, Any]]
    ) -> None:
        self.ln(6)
        self.set_font("Helvetica", size=9)
        width = (self.w - self.l_margin - self.r_margin) / 2
        self.cell(width, 5, "")
        self.cell(width, 5, latin(f"{PLACE}, {long_date(day)}"), new_x="LMARGIN", new_y="NEXT")
        for part in ("role", "space", "name", "nip"):
            for role, person in (left, right):
                text = {
                    "role": role,
                    "space": "",
                    "name": person.get("name") or "",
                    "nip": f"NIP {person['nip']}" if person.get("nip") else "",
                }[part]
                self.cell(width, 14 if part == "space" else 5, latin(text))
            self.ln(14 if part == "space" else 5)
