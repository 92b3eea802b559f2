"""Attendance import from CSV or XLSX: the month's events (late, left early, absent without
word) of the agency's employees, as the admin OPD gets them from the attendance machine.

All or nothing, like the employee import whose file machinery it uses
(`kinerja.people.importer`): every row is checked first and every problem is reported with its
row, column and message; if there is any, nothing is stored. Columns (header row, any order,
case-insensitive): nip, tanggal, kode; optional: menit.

A row is refused when its NIP is no employee of this agency (another agency's NIP included: it
is unknown here), its date is not a real day, is in the future or falls in a month that is
closed or locked, its code is not in the city's table, its minutes do not fall in the code's
tier, or the same event (NIP, day, code) is already recorded or already on an earlier row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja import numbers
from kinerja.exceptions import InvalidFields, ServiceError
from kinerja.i18n import N_
from kinerja.people.importer import (
    DEFAULT_MAX_ERRORS,
    DEFAULT_MAX_ROWS,
    NIP_AS_NUMBER,
    Problems,
    Row,
    RowError,
    limited,
    read_rows,
    readable,
    sheet_template,
)
from kinerja.people.models import Employee
from kinerja.tpp import attendance, settings
from kinerja.tpp.models import IMPORT, OPEN, AttendanceEvent, TppMonth

REQUIRED = ("nip", "tanggal", "kode")
OPTIONAL = ("menit",)
COLUMNS = REQUIRED + OPTIONAL
# The template's example events (code, minutes: a number, None for none); `template_rows` puts
# them on the agency's first employee and days of the current month, so a filled-in copy
# imports as it is and nothing in it points at nobody or at a closed month.
EXAMPLES: list[tuple[str, int | None]] = [
    ("terlambat_1", 12),
    ("pulang_cepat_2", 45),
    ("tanpa_keterangan", None),
]
# Without an employee yet: a valid NIP shape, nobody's real record (the import refuses it).
EXAMPLE_NIP = "199001012020121001"
MAX_MINUTES = attendance.MAX_MINUTES
# The file's column of a field the attendance service names ("events.3.code" -> kode)
COLUMN_OF = {"nip": "nip", "date": "tanggal", "code": "kode", "minutes": "menit"}
# The dates a spreadsheet hands over: ISO (Excel's own cells come as 2026-11-03 00:00:00),
# and the Indonesian day-month-year with - / or .
# ASCII digits only (`re.ASCII`): `\d` also matches other scripts' digits, which `int()` reads
DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", re.ASCII)


@dataclass(slots=True)
class Record:
    row: int
    nip: str
    employee_id: int
    day: date
    code: str
    minutes: int | None


@dataclass
class Report:
    rows: int = 0
    created: int = 0
    employees: int = 0
    months: list[str] = field(default_factory=list)  # "2026-11", the months the file touched
    errors: list[RowError] = field(default_factory=list)
    errors_total: int = 0
    status: str = "applied"  # applied | rejected | validated (dry run)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["errors_total"] = max(self.errors_total, len(self.errors))
        return data


def parse_day(text: str) -> date | None:
    """A day as a spreadsheet hands it over, else None (never a guess: 03/11 is day-month)."""
    value = text.strip().split(" ", 1)[0]  # a date cell read as a moment: its time is midnight
    found = DAY.fullmatch(value)
    if found is None:
        return None
    iso_year, iso_month, iso_day, day, month, year = found.groups()
    try:
        if iso_year:
            return date(int(iso_year), int(iso_month), int(iso_day))
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


@dataclass
class Known:
    """What the rows are checked against: the agency's employees, the codes in force, the
    months that are no longer open, today, and whether an event is already recorded."""

    employees: Mapping[str, int]  # NIP -> id
    codes: Mapping[str, Any]
    not_open: Mapping[tuple[int, int], str]  # (year, month) -> closed | locked
    today: date
    # the (employee, day, code) keys already stored between two days
    recorded: Callable[[date, date], set[tuple[int, date, str]]] = lambda first, last: set()


def check(
    rows: Iterator[Row],
    known: Known,
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_errors: int = DEFAULT_MAX_ERRORS,
) -> tuple[list[Record], Problems, int]:
    """Validate every row: the good records, the problems, how many rows the file had. Stops
    reading past `max_rows` (a file-level problem)."""
    records: list[Record] = []
    problems = Problems(max_errors)
    seen: dict[tuple[int, date, str], int] = {}
    count = 0
    for row, v, numeric in limited(rows, max_rows):
        count += 1
        bad = problems.add
        # PostgreSQL refuses NUL in text, the report's jsonb included: named, never echoed
        nul = sorted(column for column, value in v.items() if "\x00" in value)
        for column in nul:
            bad(row, column, N_("contains a NUL character"))
        if nul:
            continue
        nip = v.get("nip", "").replace(" ", "")
        employee_id = None
        if "nip" in numeric:
            bad(row, "nip", NIP_AS_NUMBER)
        elif not nip:
            bad(row, "nip", N_("is required"))
        elif (employee_id := known.employees.get(nip)) is None:
            bad(row, "nip", N_("no active employee with NIP %(nip)s in this agency"), nip=nip[:18])
        day = parse_day(v.get("tanggal", ""))
        if not v.get("tanggal"):
            bad(row, "tanggal", N_("is required"))
        elif day is None:
            bad(row, "tanggal", N_("is not a date (write it as 2026-11-03 or 03-11-2026)"))
        elif day > known.today:
            bad(row, "tanggal", N_("is in the future"))
        elif (state := known.not_open.get((day.year, day.month))) is not None:
            message = (
                N_("the month %(month)s is locked by the city: nothing in it changes")
                if state == "locked"
                else N_(
                    "the month %(month)s is closed: its events change only through an "
                    "employee's correction"
                )
            )
            bad(row, "tanggal", message, month=f"{day.month:02d}-{day.year}")
            day = None
        code = "_".join(v.get("kode", "").strip().lower().split())
        if not code:
            bad(row, "kode", N_("is required"))
        elif code not in known.codes:
            bad(
                row,
                "kode",
                N_("unknown event code %(value)s (one of: %(choices)s)"),
                value=code[:40],
                choices=", ".join(known.codes),
            )
            code = ""
        minutes = None
        text = v.get("menit", "")
        if text:
            if not (text.isascii() and text.isdigit()) or int(text[:5]) > MAX_MINUTES:  # not ²
                bad(row, "menit", N_("must be a whole number of minutes from 0 to 1440"))
            else:
                minutes = int(text)
                if code and (problem := attendance.tier_problem(code, minutes)) is not None:
                    bad(row, "menit", problem[0], **problem[1])
        if employee_id is None or day is None or not code:
            continue
        key = (employee_id, day, code)
        if key in seen:
            bad(row, "kode", N_("the same event is already on row %(other)s"), other=seen[key])
        else:
            seen[key] = row
            records.append(Record(row, nip, employee_id, day, code, minutes))
    if records:
        # asked once, for the file's span of days, after the file was read
        stored = known.recorded(min(r.day for r in records), max(r.day for r in records))
        for r in records:
            if (r.employee_id, r.day, r.code) in stored:
                problems.add(r.row, "kode", N_("this event is already recorded for that day"))
    problems.items.sort(key=lambda e: (e.row, e.column))
    return records, problems, count


def _months_not_open(session: Session) -> dict[tuple[int, int], str]:
    found = session.execute(
        select(TppMonth.year, TppMonth.month, TppMonth.status).where(TppMonth.status != OPEN)
    )
    return {(y, m): status for y, m, status in found}


def _recorded(session: Session) -> Callable[[date, date], set[tuple[int, date, str]]]:
    def recorded(first: date, last: date) -> set[tuple[int, date, str]]:
        keys = session.execute(
            select(AttendanceEvent.employee_id, AttendanceEvent.day, AttendanceEvent.code).where(
                AttendanceEvent.day.between(first, last)
            )
        )
        return {(e, d, c) for e, d, c in keys}

    return recorded


def known_in(session: Session, today: date) -> Known:
    """What the session's agency holds now (one query each): its active employees, the city's
    table of codes."""
    people = session.execute(select(Employee.nip, Employee.id).where(Employee.active))
    return Known(
        employees={nip: employee_id for nip, employee_id in people},
        codes=settings.tables(session).deductions,
        not_open=_months_not_open(session),
        today=today,
        recorded=_recorded(session),
    )


def apply(session: Session, records: list[Record], user_id: int | None) -> Report:
    """Store every checked record through `attendance.record` (which holds the months, shared,
    while it writes); the caller's transaction makes it all or nothing. What changed since the
    check (a month closed, an employee gone meanwhile) rejects the whole file, never half."""
    report = Report(
        rows=len(records),
        employees=len({r.employee_id for r in records}),
        months=sorted({f"{r.day.year}-{r.day.month:02d}" for r in records}),
    )
    rows = [{"nip": r.nip, "date": r.day, "code": r.code, "minutes": r.minutes} for r in records]
    try:
        # a savepoint: an event found already there by the insert (another import of the same
        # file ran meanwhile) rejects the file after some rows were written
        with session.begin_nested():
            report.created = attendance.record(session, rows, IMPORT, user_id, replace=False)
    except attendance.AlreadyRecorded as there:
        report.errors = [
            RowError(records[n].row, "kode", N_("this event is already recorded for that day"))
            for n in there.rows
        ][:DEFAULT_MAX_ERRORS]
        report.errors_total, report.created, report.status = len(there.rows), 0, "rejected"
    except ServiceError as refused:
        messages = refused.errors if isinstance(refused, InvalidFields) else {"": [refused]}
        report.errors = [
            RowError(
                _file_row(records, where), COLUMN_OF.get(where.rsplit(".", 1)[-1], ""), str(message)
            )
            for where, found in messages.items()
            for message in found
        ][:DEFAULT_MAX_ERRORS]
        report.errors_total, report.created, report.status = len(report.errors), 0, "rejected"
    return report


def _file_row(records: list[Record], where: str) -> int:
    """The file's row of a service's field name ("events.3.nip"); 1 (the file) for none."""
    parts = where.split(".")
    at = numbers.whole(parts[1], 0, len(records) - 1) if len(parts) > 1 else None
    if at is not None:
        return records[at].row
    return 1


def run(
    session: Session,
    fmt: str,
    content: bytes,
    *,
    today: date,
    user_id: int | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] = lambda pct: None,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_errors: int = DEFAULT_MAX_ERRORS,
) -> Report:
    """Check, then store (or, for a dry run, only check) one file. A file that cannot be read
    at all raises `FileRejected`."""
    known = known_in(session, today)
    with readable():
        records, problems, count = check(
            read_rows(fmt, content, REQUIRED, OPTIONAL),
            known,
            max_rows=max_rows,
            max_errors=max_errors,
        )
    progress(10)
    if problems:
        return Report(
            rows=count,
            errors=problems.items,
            errors_total=problems.total,
            status="rejected",
        )
    if dry_run:
        report = Report(rows=len(records), status="validated")
        report.employees = len({r.employee_id for r in records})
        return report
    report = apply(session, records, user_id)
    progress(95)
    return report


def template_rows(session: Session, today: date | None = None) -> list[tuple[Any, ...]]:
    """The example rows: the agency's first active employee (by NIP), working days of the
    current month up to today (today itself when none has passed yet)."""
    from kinerja import clock
    from kinerja.tpp import compute

    today = today or clock.today()
    nip = session.scalar(
        select(Employee.nip).where(Employee.active).order_by(Employee.nip).limit(1)
    )
    days = compute.working_days(today.year, today.month, today) or [today]
    return [
        (nip or EXAMPLE_NIP, days[min(n, len(days) - 1)].isoformat(), code, minutes)
        for n, (code, minutes) in enumerate(EXAMPLES)
    ]


def template_xlsx(session: Session) -> bytes:
    """The template as an Excel file: the NIP and the date as text, the minutes a number."""
    return sheet_template("absensi", COLUMNS, template_rows(session), {"nip", "tanggal"})
