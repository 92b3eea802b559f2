"""Employee import from CSV or XLSX, in SIASN's column names.

All or nothing: every row is checked first and every problem is reported with its row number,
column and message; if there is any, nothing is applied. Otherwise the whole file is applied in
one transaction, matched on NIP (create or update, never duplicate), so importing the same file
twice changes nothing the second time.

Columns (header row, any order, case-insensitive): nip, nama, email, jenis_asn, golongan,
jabatan, jenis_jabatan, unit_kerja, nip_atasan; optional: kelas_jabatan, aktif.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja import numbers, workflow
from kinerja.i18n import N_
from kinerja.organisation.models import OrgUnit
from kinerja.people import addresses, classification, nip
from kinerja.people.models import Employee, Position

REQUIRED = (
    "nip",
    "nama",
    "email",
    "jenis_asn",
    "golongan",
    "jabatan",
    "jenis_jabatan",
    "unit_kerja",
    "nip_atasan",
)
OPTIONAL = ("kelas_jabatan", "aktif")
TEMPLATE_ROWS = [
    (
        # A made-up person (replace the row): valid NIP digits, nobody's real record.
        "199001012020121001",
        "Contoh Nama Pegawai",
        "contoh@opd.pemkomedan.go.id",
        "PNS",
        "III/a",
        "Nama Jabatan",
        "Fungsional",
        "Nama Unit Kerja",
        "",
        "8",
        "ya",
    ),
]
# Column lengths of the tables the import writes, so a long cell is a row problem, not a 500.
MAX_LENGTH = {
    "nama": 200,
    "email": 254,
    "jabatan": 200,
    "unit_kerja": 200,
    "golongan": 8,
    "jenis_jabatan": 60,
    "kelas_jabatan": 4,
    "aktif": 16,
}
MAX_CELL = 1000  # longest text read from any cell; longer cells are refused, not stored
# An XLSX is a zip of XML: refuse one that would unpack into more than this (a zip bomb), before
# any XML is parsed. 25,000 staff make about 10 MB of sheet XML.
MAX_XLSX_UNPACKED = 100 * 1024 * 1024
MAX_XLSX_RATIO = 200  # unpacked / packed size of one part; real sheets stay far below
DEFAULT_MAX_ROWS = 50_000
DEFAULT_MAX_ERRORS = 1000
NIP_AS_NUMBER = N_(
    "the NIP is stored as a number, which cannot hold 18 digits: "
    "format the NIP column as text and type it again"
)
UNREADABLE = (csv.Error, ParseError, DefusedXmlException, zipfile.BadZipFile, KeyError, OSError)
YES = {"", "ya", "y", "yes", "1", "true", "aktif"}
NO = {"tidak", "t", "no", "n", "0", "false", "nonaktif"}


class FileRejected(Exception):
    """The file as a whole cannot be read (415 wrong type, 422 wrong columns or too big).

    `message` is an English msgid with `params`, shown translated (`kinerja.people.imports`).
    """

    def __init__(self, status: int, message: str, **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.status = status
        self.message = message
        self.params = params


@dataclass
class RowError:
    """One problem: row and column of the file, an English msgid and its parameters."""

    row: int
    column: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)


class Problems:
    """Row problems, bounded: after `limit` only the count goes on (memory stays flat)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.items: list[RowError] = []
        self.total = 0

    def add(self, row: int, column: str, message: str, **params: Any) -> None:
        self.total += 1
        if len(self.items) < self.limit:
            self.items.append(RowError(row, column, message, params))

    def __bool__(self) -> bool:
        return self.total > 0


@dataclass
class Record:
    row: int
    nip: str
    name: str
    email: str | None
    asn_type: str
    golongan: str | None
    position: str | None
    position_type: str | None
    grade: int | None
    unit: str | None
    superior_nip: str | None
    active: bool


@dataclass
class Report:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    units_created: int = 0
    positions_created: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_total: int = 0
    status: str = "applied"  # applied | rejected | validated (dry run)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["errors"] = [asdict(e) for e in self.errors]
        data["errors_total"] = max(self.errors_total, len(self.errors))
        return data


def detect_format(filename: str, content: bytes) -> str:
    lower = filename.lower()
    if content[:4] == b"PK\x03\x04" and lower.endswith(".xlsx"):
        return "xlsx"
    is_zip = content[:4] == b"PK\x03\x04"
    if lower.endswith((".csv", ".txt")) and not is_zip and b"\x00" not in content[:4096]:
        return "csv"
    raise FileRejected(415, N_("Only CSV (.csv) or Excel (.xlsx) files can be imported."))


def _header(cells: list[Any]) -> list[str]:
    return ["_".join(str(c or "").strip().lower().split()) for c in cells]


def check_zip(content: bytes) -> None:
    """Refuse an XLSX whose parts would unpack into too much, before parsing any XML."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            total = 0
            for part in archive.infolist():
                total += part.file_size
                ratio = part.file_size / max(part.compress_size, 1)
                if total > MAX_XLSX_UNPACKED or (
                    part.file_size > 1_000_000 and ratio > MAX_XLSX_RATIO
                ):
                    raise FileRejected(
                        422,
                        N_(
                            "The Excel file unpacks into more than %(mb)s MB; "
                            "split it or save it as CSV."
                        ),
                        mb=MAX_XLSX_UNPACKED // (1024 * 1024),
                    )
    except zipfile.BadZipFile:
        raise FileRejected(415, N_("Not a readable Excel file.")) from None


Row = tuple[int, dict[str, str], set[str]]  # row number, {column: text}, columns held as numbers


def read_rows(
    fmt: str,
    content: bytes,
    required: Sequence[str] = REQUIRED,
    optional: Sequence[str] = OPTIONAL,
) -> Iterator[Row]:
    """(spreadsheet row number, {column: text}, numeric columns) for every non-empty row after
    the header, reading the `required` and `optional` columns (the employee import's by
    default). Streams: nothing but the current row is held."""
    if fmt == "csv":
        # Decoded as a stream: memory stays that of the bytes already received, whatever the
        # number of rows (no second copy of the whole file as text).
        encoding = "utf-8-sig" if _is_utf8(content) else "cp1252"
        text = io.TextIOWrapper(
            io.BytesIO(content), encoding=encoding, errors="replace", newline=""
        )
        sample = content[:4096]
        delimiter = ";" if sample.count(b";") > sample.count(b",") else ","
        rows: Iterator[list[Any]] = iter(csv.reader(text, delimiter=delimiter))
    else:
        from openpyxl import load_workbook  # parses with defusedxml when it is installed

        check_zip(content)
        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            sheet = book.worksheets[0]
        except (*UNREADABLE, ValueError, IndexError):
            raise FileRejected(415, N_("Not a readable Excel file.")) from None
        # More header columns than any template; cells beyond are never read.
        rows = (list(r) for r in sheet.iter_rows(values_only=True, max_col=64))
    header = _header(next(rows, [])[:64])
    missing = [c for c in required if c not in header]
    if missing:
        raise FileRejected(
            422, N_("Missing columns in the header row: %(columns)s"), columns=", ".join(missing)
        )
    wanted = [(i, name) for i, name in enumerate(header) if name in required or name in optional]
    for number, cells in enumerate(rows, start=2):
        values: dict[str, str] = {}
        numeric: set[str] = set()
        for i, name in wanted:
            cell = cells[i] if i < len(cells) else None
            if isinstance(cell, int | float) and not isinstance(cell, bool):
                numeric.add(name)
            values[name] = _text(cell)
        if any(values.values()):
            yield number, values, numeric


@contextmanager
def readable() -> Iterator[None]:
    """Whatever breaks while a file is read (a broken CSV, a damaged sheet) as one file-level
    problem (`FileRejected`, 422), never a failed job."""
    try:
        yield
    except UNREADABLE as error:
        raise FileRejected(
            422, N_("The file cannot be read: %(problem)s"), problem=type(error).__name__
        ) from None


def file_problem(error: FileRejected) -> RowError:
    """A file refused as a whole, as the one problem of its report (row 1: the file)."""
    return RowError(1, "", error.message, error.params)


def _is_utf8(content: bytes, chunk: int = 1 << 20) -> bool:
    """Whether the bytes are UTF-8, checked a megabyte at a time (nothing decoded is kept)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(content), chunk):
            decoder.decode(content[start : start + chunk])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if len(text) > MAX_CELL:
        return text[: MAX_CELL + 1]  # kept just over the limit, so the length rule names it
    return text.strip()


def limited(rows: Iterator[Row], max_rows: int) -> Iterator[Row]:
    """The rows, refusing the file (422) once it holds more than `max_rows`: reading stops
    there, so a huge file costs no more than the limit."""
    for count, found in enumerate(rows, start=1):
        if count > max_rows:
            raise FileRejected(
                422,
                N_("The file has more than %(max)s rows; split it into smaller files."),
                max=max_rows,
            )
        yield found


def check(
    rows: Iterator[Row],
    known_nips: set[str],
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_errors: int = DEFAULT_MAX_ERRORS,
) -> tuple[list[Record], Problems]:
    """Validate every row; `known_nips` are employees already in the agency.

    Stops reading at `max_rows` + 1 rows (a file-level problem); lists at most `max_errors`.
    """
    records: list[Record] = []
    problems = Problems(max_errors)
    seen: dict[str, int] = {}
    for row, v, numeric in limited(rows, max_rows):

        def bad(column: str, message: str, row: int = row, **params: Any) -> None:
            problems.add(row, column, message, **params)

        too_long = {c for c, limit in MAX_LENGTH.items() if len(v.get(c, "")) > limit}
        for column in sorted(too_long):
            bad(column, N_("is longer than %(max)s characters"), max=MAX_LENGTH[column])
        value = v.get("nip", "").replace(" ", "")
        if "nip" in numeric:
            bad("nip", NIP_AS_NUMBER)
        elif (rule := "length" if len(value) > 18 else nip.check(value)) is not None:
            bad("nip", nip.RULES[rule], rule=rule)
        elif value in seen:
            bad("nip", N_("NIP repeated: already on row %(other)s"), other=seen[value])
        else:
            seen[value] = row
        name = v.get("nama", "")
        if not name:
            bad("nama", N_("is required"))
        email = v.get("email") or None
        if email and "email" not in too_long and addresses.problem(email):
            bad("email", N_("%(value)s is not an e-mail address"), value=email)
        asn_type = v.get("jenis_asn", "").upper()
        if asn_type not in classification.ASN_TYPES:
            bad("jenis_asn", N_("must be PNS or PPPK"))
        golongan = v.get("golongan") or None
        if (
            golongan
            and asn_type in classification.ASN_TYPES
            and not classification.golongan_valid(asn_type, golongan)
        ):
            bad(
                "golongan",
                N_("%(value)s is not a golongan of %(type)s"),
                value=golongan,
                type=asn_type,
            )
        position = v.get("jabatan") or None
        position_type = None
        if v.get("jenis_jabatan") and "jenis_jabatan" not in too_long:
            position_type = classification.position_type(v["jenis_jabatan"])
            if position_type is None:
                bad(
                    "jenis_jabatan",
                    N_("unknown position type %(value)s (one of: %(choices)s)"),
                    value=v["jenis_jabatan"],
                    choices=", ".join(classification.POSITION_TYPES.values()),
                )
        if position and not v.get("jenis_jabatan"):
            bad("jenis_jabatan", N_("is required when jabatan is given"))
        grade = None
        if v.get("kelas_jabatan"):
            grade = numbers.whole(v["kelas_jabatan"], 1, 17)
            if grade is None:
                bad("kelas_jabatan", N_("must be a whole number from 1 to 17"))
        superior = v.get("nip_atasan", "").replace(" ", "") or None
        if "nip_atasan" in numeric:
            bad("nip_atasan", NIP_AS_NUMBER)
            superior = None
        elif superior is not None and len(superior) > 18:
            bad("nip_atasan", nip.RULES["length"], rule="length")
            superior = None
        elif superior is not None and superior == value:
            bad("nip_atasan", N_("an employee cannot be their own superior"))
        active_text = v.get("aktif", "").lower()
        if active_text not in YES | NO:
            bad("aktif", N_("must be ya or tidak"))
        records.append(
            Record(
                row,
                value,
                name,
                email,
                asn_type,
                golongan,
                position,
                position_type,
                grade,
                v.get("unit_kerja") or None,
                superior,
                active_text not in NO,
            )
        )
    in_file = {r.nip for r in records}
    for r in records:
        if r.superior_nip and r.superior_nip not in in_file and r.superior_nip not in known_nips:
            problems.add(
                r.row,
                "nip_atasan",
                N_("no employee with NIP %(nip)s in the file or agency"),
                nip=r.superior_nip,
            )
    problems.items.sort(key=lambda e: (e.row, e.column))
    return records, problems


def _unit_code(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-")[:32] or "UNIT"
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base[:28]}-{n}"
    taken.add(code)
    return code


def _find_cycle_rows(employees: dict[int, Employee], row_of: dict[int, int]) -> list[int]:
    state: dict[int, int] = {}  # 1 visiting, 2 done
    bad: set[int] = set()
    for start in employees:
        path: list[int] = []
        node: int | None = start
        while node is not None and state.get(node) != 2:
            if state.get(node) == 1:
                bad.update(path[path.index(node) :])
                break
            state[node] = 1
            path.append(node)
            node = employees[node].superior_id if node in employees else None
        for n in path:
            state[n] = 2
    return sorted(row_of[i] for i in bad if i in row_of)


FIELDS = ("name", "email", "asn_type", "golongan", "position_id", "org_unit_id", "active")


def apply(
    session: Session, records: list[Record], progress: Callable[[int], None] = lambda pct: None
) -> Report:
    """Create or update every record; the caller's transaction makes it all or nothing."""
    report = Report(rows=len(records))
    units = {u.name.casefold(): u for u in session.scalars(select(OrgUnit))}
    codes = {u.code for u in units.values()}
    positions = {p.name.casefold(): p for p in session.scalars(select(Position))}
    existing = {e.nip: e for e in session.scalars(select(Employee))}
    for name in sorted({r.unit for r in records if r.unit} - set(), key=str.casefold):
        if name.casefold() not in units:
            units[name.casefold()] = OrgUnit(code=_unit_code(name, codes), name=name)
            session.add(units[name.casefold()])
            report.units_created += 1
    for r in records:
        if r.position and r.position.casefold() not in positions:
            positions[r.position.casefold()] = Position(
                name=r.position, type=r.position_type, grade=r.grade
            )
            session.add(positions[r.position.casefold()])
            report.positions_created += 1
    session.flush()
    touched: dict[str, bool] = {}
    step = max(1, len(records) // 20)
    for i, r in enumerate(records, start=1):
        values = {
            "name": r.name,
            "email": r.email,
            "asn_type": r.asn_type,
            "golongan": r.golongan,
            "position_id": positions[r.position.casefold()].id if r.position else None,
            "org_unit_id": units[r.unit.casefold()].id if r.unit else None,
            "active": r.active,
        }
        employee = existing.get(r.nip)
        if employee is None:
            employee = Employee(nip=r.nip, **values)
            session.add(employee)
            existing[r.nip] = employee
            touched[r.nip] = True
            report.created += 1
        else:
            changed = False
            for key, value in values.items():
                if getattr(employee, key) != value:
                    setattr(employee, key, value)
                    changed = True
            touched[r.nip] = changed
        if i % step == 0:
            progress(int(70 * i / len(records)))
    session.flush()
    for r in records:
        employee = existing[r.nip]
        superior = existing[r.superior_nip].id if r.superior_nip else None
        if employee.superior_id != superior:
            employee.superior_id = superior
            touched[r.nip] = True
    progress(85)
    by_id = {e.id: e for e in existing.values()}
    cycle_rows = _find_cycle_rows(by_id, {existing[r.nip].id: r.row for r in records})
    if cycle_rows:
        report.errors = [
            RowError(row, "nip_atasan", N_("this superior makes a cycle in the hierarchy"))
            for row in cycle_rows
        ]
        report.errors_total = len(cycle_rows)
        report.status = "rejected"
        return report
    session.flush()
    report.updated = sum(1 for n, t in touched.items() if t) - report.created
    report.unchanged = report.rows - report.created - report.updated
    return report


def run(
    session: Session,
    fmt: str,
    content: bytes,
    *,
    dry_run: bool = False,
    progress: Callable[[int], None] = lambda pct: None,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_errors: int = DEFAULT_MAX_ERRORS,
) -> Report:
    """Check, then apply (or, for a dry run, apply and roll back) one file.

    A file that cannot be read at all raises `FileRejected` (one file-level problem).
    """
    # One import of the agency at a time, taken before it reads what exists: two started at
    # once (the same file sent twice) both created the missing units, positions and employees,
    # and the second failed on a unique violation instead of finding them there.
    workflow.agency_lock(session, "employee-import")
    known = set(session.scalars(select(Employee.nip)))
    with readable():
        records, problems = check(
            read_rows(fmt, content), known, max_rows=max_rows, max_errors=max_errors
        )
    progress(10)
    if problems:
        return Report(
            rows=len(records),
            errors=problems.items,
            errors_total=problems.total,
            status="rejected",
        )
    savepoint = session.begin_nested()
    report = apply(session, records, progress)
    if report.status == "rejected" or dry_run:
        savepoint.rollback()
        if report.status != "rejected":
            report.status = "validated"
    else:
        savepoint.commit()
    return report


def template_xlsx() -> bytes:
    """The same layout as an Excel file, with the NIP columns formatted as text (Excel would
    otherwise turn an 18-digit NIP into a rounded number)."""
    return sheet_template("pegawai", REQUIRED + OPTIONAL, TEMPLATE_ROWS, {"nip", "nip_atasan"})


def sheet_template(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    text_columns: set[str],
) -> bytes:
    """An import's template as an Excel file: the header, the example rows, and the
    `text_columns` formatted as text for the first thousand rows."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append(list(columns))
    for row in rows:
        sheet.append(list(row))
    for index, name in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(14, len(name) + 4)
        if name in text_columns:
            for cell_row in range(2, 1001):
                sheet.cell(row=cell_row, column=index).number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
