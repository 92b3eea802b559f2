"""Rencana Aksi for the demo agency, through the services: the pegawai's and the kepala seksi's
steps are planned with their draft SKP (`plan`, called before it is submitted), then, after the
daily work is logged, one step is evidenced by approved entries naming it and one is marked
done, while an earlier one is left overdue and a later one planned (`load`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kinerja import clock
from kinerja.people.models import Employee
from kinerja.performance import periods, years
from kinerja.performance import skp as skps
from kinerja.performance.aksi import service
from kinerja.performance.aksi.models import RencanaAksi
from kinerja.performance.log import service as log_service
from kinerja.performance.log.inputs import EntryInput
from kinerja.performance.log.models import WorkEntry
from kinerja.performance.models import Skp
from kinerja.permissions import Principal

EVIDENCED, MARKED, LEFT = "evidenced", "marked", "left"


@dataclass(frozen=True)
class Step:
    rhk: int  # index of the plan's result
    days: int  # due this many days from today (clamped to the year)
    text: str
    output: str
    end: str = LEFT  # evidenced by approved entries, marked done, or left as it is


STEPS: dict[str, tuple[Step, ...]] = {
    "198609262015051001": (
        Step(
            0,
            -45,
            "Mengumpulkan laporan KIPI dari puskesmas",
            "Rekap laporan KIPI",
            EVIDENCED,
        ),
        Step(0, -30, "Menyusun draf analisis KIPI", "Draf analisis KIPI", MARKED),
        Step(0, -12, "Memaparkan analisis KIPI kepada kepala seksi", "Bahan paparan"),
        Step(0, 25, "Menyusun laporan analisis KIPI akhir", "Laporan analisis KIPI"),
        Step(1, 20, "Menyiapkan materi kelas ibu balita", "Materi kelas ibu balita"),
    ),
    "198205102008012007": (
        Step(0, -20, "Verifikasi data cakupan 41 puskesmas", "Berita acara verifikasi", MARKED),
        Step(0, -8, "Umpan balik data cakupan ke puskesmas", "Surat umpan balik"),
        Step(0, 30, "Pemutakhiran data cakupan akhir tahun", "Data cakupan mutakhir"),
    ),
}


def _due(session: Session, year: int, days: int) -> tuple[int, date] | None:
    """(period, date) of a step due `days` from today, kept inside the year."""
    info = years.info(session, year)
    due = min(max(clock.today() + timedelta(days=days), info.starts), info.ends)
    found = periods.containing(years.periods_of(session, year), due)
    return (found.number, due) if found else None


def plan(session: Session, skp: Skp, employee: Employee) -> int:
    """The demo steps of one draft plan (nothing for a person without any): how many."""
    rows = [r for r in skps.rhk_rows(session, skp) if not r.proposed]
    made = 0
    for step in STEPS.get(employee.nip or "", ()):
        when = _due(session, skp.year, step.days)
        if when is None or step.rhk >= len(rows):
            continue
        values = {
            "rhk_id": rows[step.rhk].id,
            "period": when[0],
            "text": step.text,
            "due": when[1],
            "output": step.output,
        }
        service.create(session, skp, values)
        made += 1
    return made


def _who(employee: Employee) -> Principal:
    return Principal(
        user_id=employee.user_id or 0,
        tenant_id=employee.tenant_id,
        roles=frozenset({"pegawai"}),
        employee_id=employee.id,
    )


def load(session: Session, today: date) -> list[str]:
    """Once (nothing when a step already has its evidence or mark): the steps' execution."""
    if session.scalar(
        select(func.count()).where(
            (RencanaAksi.done_at.is_not(None))
            | RencanaAksi.id.in_(select(WorkEntry.rencana_aksi_id))
        )
    ):
        return []
    done = 0
    for employee in session.scalars(select(Employee).where(Employee.nip.in_(STEPS))):
        skp = skps.of_employee(session, employee.id, today.year)
        rater = skps.chain(session, employee).rater
        if skp is None or not skp.in_force or rater is None:
            continue
        listed = {s.text: s for s in session.scalars(service.query(skp))}
        for step in STEPS[employee.nip or ""]:
            found = listed.get(step.text)
            if found is None or found.due > today:
                continue
            if step.end == MARKED:
                when = datetime.combine(found.due, time(15, 0), clock.zone()).astimezone(UTC)
                service.mark(session, _who(employee), skp, found, True, now=when)
                done += 1
            elif step.end == EVIDENCED:
                done += _evidence(session, employee, rater, found)
    return [f"rencana aksi: {done} steps done, others overdue or planned"] if done else []


def _evidence(session: Session, employee: Employee, rater: Employee, step: RencanaAksi) -> int:
    """Two approved entries naming the step, on working days up to its date."""
    made = 0
    day = step.due
    while made < 2 and day.year == step.due.year:
        if day.weekday() < 5:
            raw = {
                "entry_date": day.isoformat(),
                "rhk_id": step.rhk_id,
                "rencana_aksi_id": step.id,
                "activity": f"{step.text} (bagian {2 - made})",
                "quantity": "1",
                "unit": "dokumen",
            }
            when = datetime.combine(day, time(16, 0), clock.zone()).astimezone(UTC)
            entry, _ = log_service.create(
                session, _who(employee), employee, EntryInput().read(raw), now=when
            )
            log_service.act(session, _who(rater), entry, "approve", now=when + timedelta(hours=2))
            made += 1
        day -= timedelta(days=1)
    return 1 if made else 0
