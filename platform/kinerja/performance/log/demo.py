"""Three months of daily work for the demo agency, through the services: the pegawai's entries
against their approved SKP (mostly approved, last week's waiting, one rejected, one draft; some
with a photo), and the kepala seksi's."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from PIL import Image, ImageDraw
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kinerja import clock
from kinerja.people.models import Employee
from kinerja.performance import skp as skps
from kinerja.performance.log import rules, service
from kinerja.performance.log.inputs import EntryInput
from kinerja.performance.log.models import WorkEntry
from kinerja.performance.models import Iki
from kinerja.permissions import Principal
from kinerja.rules import iki as rules_iki

PEOPLE = ("198609262015051001", "198205102008012007")  # the pegawai, the kepala seksi
ACTIVITIES = (
    "Merekap laporan imunisasi dari puskesmas",
    "Verifikasi data KIPI",
    "Supervisi pelayanan imunisasi di posyandu",
    "Menyusun analisis cakupan mingguan",
    "Rapat koordinasi surveilans",
)
DAYS = 92


def _photo(text: str) -> bytes:
    image = Image.new("RGB", (640, 480), (222, 235, 227))
    ImageDraw.Draw(image).text((24, 220), text, fill=(11, 110, 79))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


def _who(employee: Employee) -> Principal:
    return Principal(
        user_id=employee.user_id or 0,
        tenant_id=employee.tenant_id,
        roles=frozenset({"pegawai"}),
        employee_id=employee.id,
    )


def load(session: Session, today: date) -> list[str]:
    """Once: nothing when the pegawai already logged work."""
    people = [
        e for e in session.scalars(select(Employee).where(Employee.nip.in_(PEOPLE))) if e.active
    ]
    if not people or session.scalar(
        select(func.count()).where(WorkEntry.employee_id.in_([e.id for e in people]))
    ):
        return []
    made = 0
    for employee in people:
        skp = skps.of_employee(session, employee.id, today.year)
        rater = skps.chain(session, employee).rater
        if skp is None or skp.status != "approved" or rater is None:
            continue
        choices = service.choices(session, employee.id, today.year)
        made += _log(session, employee, rater, choices, today)
    return [f"daily work: {made} entries over {DAYS} days"] if made else []


WORKING_DAYS = 240  # about a year's working days in Medan


def _amount(iki: Iki | None, nth: int, share: int) -> str | None:
    """A believable quantity for the `nth` entry serving `iki`, which gets one working day in
    `share`: a count or an amount is the year's target spread over its entries (whole units
    every few entries where the target is small); a level (a percentage, a score, days taken)
    is measured near its target, now a little better, now a little worse."""
    if iki is None or iki.target_low is None:
        return None
    target = iki.target_low
    if rules_iki.adds_up(iki.aspect, iki.unit):
        per_entry = target * share / WORKING_DAYS
        if per_entry >= 1:
            return str(per_entry.quantize(Decimal(1)))
        every = max(1, round(1 / per_entry)) if per_entry > 0 else 0
        return "1" if every and nth % every == every - 1 else None
    swing = (Decimal("0.92"), Decimal("1.04"), Decimal("0.98"), Decimal("1.1"))[nth % 4]
    return str((target * swing).quantize(Decimal("0.1")))


def _log(session: Session, employee: Employee, rater: Employee, choices: list, today: date) -> int:
    owner, verifier = _who(employee), _who(rater)
    days = [
        today - timedelta(days=back)
        for back in range(DAYS, 0, -1)
        if (today - timedelta(days=back)).year == today.year
        and not rules.is_day_off(today - timedelta(days=back), rules.holidays())
    ]
    # Each day's work serves the plan's indicators in turn (a result without one: the result).
    serves = [(rhk, iki) for rhk, ikis in choices for iki in (ikis or [None])]
    counted: dict[int, int] = {}
    for n_day, day in enumerate(days):
        from_end = len(days) - n_day  # 1: the last working day
        n = (day.toordinal() + employee.id) % len(ACTIVITIES)
        rhk, iki = serves[n_day % len(serves)]
        nth = counted[id(iki)] = counted.get(id(iki), -1) + 1
        raw = {
            "entry_date": day.isoformat(),
            "rhk_id": rhk.id,
            "iki_id": iki.id if iki is not None else None,
            "activity": ACTIVITIES[n],
            "quantity": _amount(iki, nth, len(serves)),
            "started": "08:00",
            "ended": f"{9 + n % 4:02d}:30",
        }
        files = [service.Upload(f"IMG_{day:%Y%m%d}.jpg", _photo(ACTIVITIES[n]))] if n == 0 else []
        when = datetime.combine(day, time(16, 0), clock.zone()).astimezone(UTC)
        entry, _ = service.create(
            session, owner, employee, EntryInput().read(raw), files, now=when, submit=from_end != 1
        )
        if from_end == 12:
            service.act(session, verifier, entry, "reject", "Lampirkan daftar hadir kegiatan.")
        elif from_end > 5:  # older work is verified; the last week's waits
            service.act(session, verifier, entry, "approve", now=when + timedelta(hours=20))
    return len(days)
