"""Shared setting for the TPP tests: last month (whole, so the working days do not depend on
today's date), positions with kelas, an approved evaluation and daily entries for the staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from rq import SimpleWorker
from sqlalchemy import select

from kinerja import clock, jobs
from kinerja.db import db
from kinerja.people import positions
from kinerja.people.models import Employee
from kinerja.performance.evaluation.models import Evaluation
from kinerja.performance.log.models import WorkEntry
from kinerja.performance.models import Skp
from kinerja.tpp import compute
from kinerja.tpp.models import TppBase
from tests.support import People, plan_head_and_boss, plan_staff

TODAY = clock.today()
LAST = TODAY.replace(day=1) - timedelta(days=1)
YEAR, MONTH = LAST.year, LAST.month
API = "/api/v1/tenants/dinkes/tpp"
CITY = "/api/v1/city/tpp"


def work() -> None:
    SimpleWorker([jobs.queue()], connection=jobs.queue().connection).work(burst=True)


@dataclass
class Setting:
    days: list[date]  # last month's working days
    staff_position: int
    boss_position: int


def set_up(tenants: Any, people: People, entries_missing: int = 2) -> Setting:
    """Kelas 7 for the staff (base 2,000,000), kelas 9 for the boss (3,000,000); the staff's
    year evaluation approved as BAIK; the staff's entries on all but `entries_missing` working
    days of last month (and one rejected entry, which does not count)."""
    a = tenants.a
    plan_staff(tenants, people, YEAR, plan_head_and_boss(tenants, people, YEAR))
    days = compute.working_days(YEAR, MONTH, TODAY)
    with db.unit_of_work() as session:
        session.add_all([TppBase(kelas=7, amount=2_000_000), TppBase(kelas=9, amount=3_000_000)])
    with db.unit_of_work(a) as session:
        staff_position = positions.create_position(session, "Analis", "fungsional", 7).id
        boss_position = positions.create_position(session, "Kepala Bidang", "administrator", 9).id
        session.get(Employee, (a, people.staff)).position_id = staff_position  # type: ignore[union-attr]
        session.get(Employee, (a, people.superior)).position_id = boss_position  # type: ignore[union-attr]
        skp_id = session.scalar(select(Skp.id).where(Skp.employee_id == people.staff))
        session.add(
            Evaluation(
                skp_id=skp_id,
                employee_id=people.staff,
                year=YEAR,
                period=0,
                starts=date(YEAR, 1, 1),
                ends=date(YEAR, 12, 31),
                status="approved",
                predikat="BAIK",
                version=1,
            )
        )
        for day in days[entries_missing:]:
            session.add(
                WorkEntry(
                    employee_id=people.staff,
                    entry_date=day,
                    activity="Kerja",
                    extra_reason="rutin",
                    status="submitted",
                )
            )
        session.add(
            WorkEntry(
                employee_id=people.staff,
                entry_date=days[0],
                activity="Ditolak",
                extra_reason="rutin",
                status="rejected",
            )
        )
    return Setting(days, staff_position, boss_position)
