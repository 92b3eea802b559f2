"""Employee import from CSV or XLSX, in SIASN's column names.

All or nothing: every row is checked first and every problem is reported with its row number,
column and message; if there is any, nothing is applied. Otherwise the whole file is applied in
one transaction, matched on NIP (create or update, never duplicate), so importing the same file
twice changes nothing the second time.

Columns (header row, any order, case-insensitive): nip, nama, email, jenis_asn, golongan,
jabatan, jenis_jabatan, unit_kerja, nip_atasan; optional: kelas_jabatan, aktif.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja.identity import classification, nip
from kinerja.identity.models import Employee, Position
from kinerja.organisation.models import OrgUnit

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
        "198609262015051001",
        "Budi Santoso, S.Kep",
        "budi@dinkes.pemkomedan.go.id",
        "PNS",
        "III/b",
        "Epidemiolog Kesehatan Ahli Pertama",
        "Fungsional",
        "Seksi Surveilans dan Imunisasi",
        "198001152005012003",
        "8",
        "ya",
    ),
]
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
YES = {"", "ya", "y", "yes", "1", "true", "aktif"}
NO = {"tidak", "t", "no", "n", "0", "false", "nonaktif"}


class FileRejected(Exception):
    """The file as a whole cannot be read (415 wrong type, 422 wrong columns)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class RowError:
    row: int
    column: str
    message: str


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
    status: str = "applied"  # applied | rejected | validated (dry run)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["errors"] = [asdict(e) for e in self.errors]
        return data


def detect_format(filename: str, content: bytes) -> str:
    lower = filename.lower()
    if content[:4] == b"PK\x03\x04" and lower.endswith(".xlsx"):
        return "xlsx"
    is_zip = content[:4] == b"PK\x03\x04"
    if lower.endswith((".csv", ".txt")) and not is_zip and b"\x00" not in content[:4096]:
        return "csv"
    raise FileRejected(415, "Only CSV (.csv) or Excel (.xlsx) files can be imported")


def _header(cells: list[Any]) -> list[str]:
    return ["_".join(str(c or "").strip().lower().split()) for c in cells]


def read_rows(fmt: str, content: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    """(spreadsheet row number, {column: text}) for every non-empty row after the header."""
    if fmt == "csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1252", errors="replace")
        sample = text[:4096]
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        rows: Iterator[list[Any]] = iter(csv.reader(io.StringIO(text), delimiter=delimiter))
    else:
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            raise FileRejected(415, f"Not a readable Excel file: {error}") from None
        rows = (list(r) for r in book.worksheets[0].iter_rows(values_only=True))
    header = _header(next(rows, []))
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise FileRejected(422, f"Missing columns in the header row: {', '.join(missing)}")
    for number, cells in enumerate(rows, start=2):
        values = {
            name: _text(cells[i]) if i < len(cells) else ""
            for i, name in enumerate(header)
            if name in REQUIRED or name in OPTIONAL
        }
        if any(values.values()):
            yield number, values


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def check(
    rows: Iterator[tuple[int, dict[str, str]]], known_nips: set[str]
) -> tuple[list[Record], list[RowError]]:
    """Validate every row; `known_nips` are employees already in the agency."""
    records: list[Record] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for row, v in rows:

        def bad(column: str, message: str, row: int = row) -> None:
            errors.append(RowError(row, column, message))

        value = v.get("nip", "").replace(" ", "")
        if (rule := nip.check(value)) is not None:
            bad("nip", f"{nip.RULES[rule]} (rule: {rule})")
        elif value in seen:
            bad("nip", f"NIP repeated: already on row {seen[value]}")
        else:
            seen[value] = row
        name = v.get("nama", "")
        if not name:
            bad("nama", "is required")
        elif len(name) > 200:
            bad("nama", "is over 200 characters")
        email = v.get("email") or None
        if email and not EMAIL.match(email):
            bad("email", f"{email!r} is not an e-mail address")
        asn_type = v.get("jenis_asn", "").upper()
        if asn_type not in classification.ASN_TYPES:
            bad("jenis_asn", "must be PNS or PPPK")
        golongan = v.get("golongan") or None
        if (
            golongan
            and asn_type in classification.ASN_TYPES
            and not classification.golongan_valid(asn_type, golongan)
        ):
            bad("golongan", f"{golongan!r} is not a golongan of {asn_type}")
        position = v.get("jabatan") or None
        position_type = None
        if v.get("jenis_jabatan"):
            position_type = classification.position_type(v["jenis_jabatan"])
            if position_type is None:
                bad(
                    "jenis_jabatan",
                    f"unknown position type {v['jenis_jabatan']!r} (e.g. "
                    "JPT Pratama, Administrator, Pengawas, Fungsional, Pelaksana)",
                )
        if position and not v.get("jenis_jabatan"):
            bad("jenis_jabatan", "is required when jabatan is given")
        grade = None
        if v.get("kelas_jabatan"):
            if not v["kelas_jabatan"].isdigit() or not 1 <= int(v["kelas_jabatan"]) <= 17:
                bad("kelas_jabatan", "must be a whole number from 1 to 17")
            else:
                grade = int(v["kelas_jabatan"])
        superior = v.get("nip_atasan", "").replace(" ", "") or None
        if superior is not None and superior == value:
            bad("nip_atasan", "an employee cannot be their own superior")
        active_text = v.get("aktif", "").lower()
        if active_text not in YES | NO:
            bad("aktif", "must be ya or tidak")
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
            errors.append(
                RowError(
                    r.row,
                    "nip_atasan",
                    f"no employee with NIP {r.superior_nip} in the file or agency",
                )
            )
    return records, sorted(errors, key=lambda e: (e.row, e.column))


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
            RowError(row, "nip_atasan", "this superior makes a cycle in the hierarchy")
            for row in cycle_rows
        ]
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
) -> Report:
    """Check, then apply (or, for a dry run, apply and roll back) one file."""
    known = set(session.scalars(select(Employee.nip)))
    records, errors = check(read_rows(fmt, content), known)
    progress(10)
    if errors:
        return Report(rows=len(records), errors=errors, status="rejected")
    savepoint = session.begin_nested()
    report = apply(session, records, progress)
    if report.status == "rejected" or dry_run:
        savepoint.rollback()
        if report.status != "rejected":
            report.status = "validated"
    else:
        savepoint.commit()
    return report


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REQUIRED + OPTIONAL)
    writer.writerows(TEMPLATE_ROWS)
    return out.getvalue()
