"""The demo's TPP: the city's base per kelas ([U] Medan-like examples, until the Perwal's amounts
are entered), Dinas Kesehatan's attendance of last month and this month (several employees late,
absent or leaving early, others with nothing), last month computed and closed, this month
computed and open - so every demo employee's "TPP saya" explains a closed and a provisional month.
Idempotent: what is there already stays."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja.people.models import Employee
from kinerja.tpp import attendance, compute, service, settings
from kinerja.tpp.models import OPEN, AttendanceEvent

# The city's base amount per kelas jabatan, whole rupiah [U]: examples of the order of Medan's
# allowance (docs/tpp.md), to be replaced by the Perwal's table under /api/v1/city/tpp/bases.
BASES = {
    1: 2_000_000,
    2: 2_150_000,
    3: 2_300_000,
    4: 2_500_000,
    5: 2_750_000,
    6: 3_000_000,
    7: 3_350_000,
    8: 3_750_000,
    9: 4_250_000,
    10: 4_900_000,
    11: 6_000_000,
    12: 7_500_000,
    13: 9_500_000,
    14: 12_500_000,
    15: 16_500_000,
    16: 21_000_000,
    17: 27_500_000,
}

# NIP -> the events of a month, as (working day index, code, minutes); varied on purpose: the
# pegawai late three times, the kepala seksi once very late, one absent a day, one leaving early,
# the others nothing at all. The same pattern both months (this month: only days already past).
EVENTS: dict[str, tuple[tuple[int, str, int | None], ...]] = {
    "198609262015051001": ((1, "terlambat_1", 12), (4, "terlambat_1", 25), (7, "terlambat_2", 45)),
    "198205102008012007": ((2, "terlambat_4", None),),
    "199003152023211001": ((3, "tanpa_keterangan", None),),
    "199207082019032011": ((5, "pulang_cepat_1", 20), (9, "terlambat_1", 8)),
}


def _month_events(
    year: int, month: int, today: date, people: dict[str, int]
) -> list[dict[str, Any]]:
    days = compute.working_days(year, month, today)
    rows = []
    for nip, events in EVENTS.items():
        if nip not in people:
            continue
        for index, code, minutes in events:
            if index < len(days):
                rows.append(
                    {"nip": nip, "date": days[index].isoformat(), "code": code, "minutes": minutes}
                )
    return rows


def load(session: Session, today: date) -> list[str]:
    """The agency's TPP months of the demo (the session's agency); the city's bases when unset."""
    lines = []
    if not settings.bases(session):
        settings.put_bases(session, BASES, None)
        lines.append(f"TPP base amounts of {len(BASES)} kelas set [U]")
    people = {nip: i for nip, i in session.execute(select(Employee.nip, Employee.id))}
    this = today.replace(day=1)
    last = this - timedelta(days=1)
    for first in (last.replace(day=1), this):
        found = service.month_of(session, first.year, first.month)
        if found is not None and found.status != OPEN:
            continue  # closed or locked: never changes again
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        already = session.scalar(
            select(AttendanceEvent.id)
            .where(AttendanceEvent.day >= first, AttendanceEvent.day < following)
            .limit(1)
        )
        if already is None:
            rows = _month_events(first.year, first.month, today, people)
            written = attendance.record(session, rows, "import", None)
            lines.append(f"TPP {first:%Y-%m}: {written} attendance events")
        if first < this:
            service.close(session, first.year, first.month, None)
            lines.append(f"TPP {first:%Y-%m}: computed and closed")
        else:
            service.compute(session, first.year, first.month, None, today)
            lines.append(f"TPP {first:%Y-%m}: computed, open")
    return lines
