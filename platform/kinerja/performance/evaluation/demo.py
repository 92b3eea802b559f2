"""A finished previous year and the current year half-way, for the demo agency: last year's
plans approved and every annual evaluation approved (the distribution fits a BAIK curve), and
this year's first periods evaluated for the pegawai and the kepala seksi."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja import rules
from kinerja.people.models import Employee
from kinerja.performance import demo as plan_demo
from kinerja.performance import skp as skps
from kinerja.performance import years
from kinerja.performance.evaluation import service, workflow
from kinerja.performance.evaluation.inputs import ItemsBody
from kinerja.performance.evaluation.models import Evaluation
from kinerja.permissions import Principal

# nip -> (Rating Hasil Kerja, Rating Perilaku Kerja) of last year
LAST_YEAR = {
    plan_demo.HEAD: ("SESUAI", "SESUAI"),
    plan_demo.KABID: ("DI_ATAS", "DI_ATAS"),
    plan_demo.KASI: ("SESUAI", "SESUAI"),
    plan_demo.ADMIN: ("SESUAI", "DI_ATAS"),
    "198609262015051001": ("DI_ATAS", "SESUAI"),
    "199207082019032011": ("DI_BAWAH", "SESUAI"),
    "199003152023211001": ("DI_BAWAH", "DI_ATAS"),
}
THIS_YEAR = ("198609262015051001", plan_demo.KASI)
STEPWISE = "Penilaian bertahap: distribusi akhir sesuai kurva."


def _as(employee: Employee, *roles: str) -> Principal:
    return Principal(
        user_id=employee.user_id or 0,
        tenant_id=employee.tenant_id,
        roles=frozenset(roles or ("pegawai",)),
        employee_id=employee.id,
    )


# How far the work went where the log has none (a past period): by the Rating Hasil Kerja the
# demo gives, so the ratings read true against the realisation.
REACHED = {"DI_ATAS": Decimal("1.1"), "SESUAI": Decimal(1), "DI_BAWAH": Decimal("0.7")}


def _realise(session: Session, evaluation: Evaluation, hasil: str) -> None:
    """Every IKI with its realisation: the approved work's where there was some, else a value
    near the period's target (better for the higher-rated; less time or money where less is
    better)."""
    measured = service.measured(session, evaluation)
    given: dict[str, Any] = {}
    for item, iki, _rhk in service.items(session, evaluation):
        target = measured[iki.id].target_low
        if target is None or (item.realisasi is not None and item.realisasi > 0):
            continue
        better = rules.ASPECTS.get(iki.aspect or "kuantitas", rules.ASPECTS["kuantitas"]).better
        factor = REACHED[hasil] if better == "higher" else 1 / REACHED[hasil]
        given[str(iki.id)] = {"realisasi": (target * factor).quantize(Decimal("0.01"))}
    if given:
        service.update_items(session, evaluation, ItemsBody().read(given))


def _run(
    session: Session,
    employee: Employee,
    admin: Employee,
    year: int,
    period: int,
    ratings: tuple[str, str],
    until: str = workflow.APPROVED,
) -> None:
    skp = skps.of_employee(session, employee.id, year)
    if skp is None:
        return
    evaluation = service.start(session, skp, period)
    _realise(session, evaluation, ratings[0])
    service.act(session, _as(employee), evaluation, workflow.SUBMIT)
    if until == workflow.SUBMITTED:
        return
    chain = skps.chain(session, employee)
    rater = _as(chain.rater) if chain.rater else _as(admin, "pegawai", "admin_opd")
    feedback = {"feedback": "Pertahankan kinerja; lengkapi bukti dukung tepat waktu."}
    service.rate(
        session,
        rater,
        evaluation,
        {"rating_hasil": ratings[0], "rating_perilaku": ratings[1], **feedback},
    )
    if chain.reviewer is None and employee.id == admin.id:
        return  # nobody else reviews the only admin OPD: it waits, as it would in the agency
    reviewer = _as(chain.reviewer) if chain.reviewer else _as(admin, "pegawai", "admin_opd")
    service.act(session, reviewer, evaluation, workflow.APPROVE, curve_reason=STEPWISE)


def load(session: Session, today: date) -> list[str]:
    """Once: nothing when last year already has evaluations."""
    people = {e.nip: e for e in session.scalars(select(Employee))}
    admin = people.get(plan_demo.ADMIN)
    last = today.year - 1
    if admin is None or session.scalar(select(Evaluation.id).where(Evaluation.year == last)):
        return []
    lines = plan_demo.load_year(session, last, finished=True)
    service.set_achievement(session, last, "BAIK", admin.user_id)
    for nip, ratings in LAST_YEAR.items():
        if nip in people:
            _run(session, people[nip], admin, last, service.ANNUAL, ratings)
    done_periods = [p for p in years.periods_of(session, today.year) if p.ends < today]
    for nip in THIS_YEAR:
        if nip not in people:
            continue
        for number, period in enumerate(done_periods, start=1):
            last_one = number == len(done_periods)
            _run(
                session,
                people[nip],
                admin,
                today.year,
                period.number,
                ("SESUAI", "SESUAI") if number % 2 else ("DI_ATAS", "SESUAI"),
                workflow.SUBMITTED if last_one else workflow.APPROVED,
            )
    lines.append(
        f"evaluation: {last} finished ({len(LAST_YEAR)} annual), {today.year} "
        f"{len(done_periods)} periods for {len(THIS_YEAR)} people"
    )
    return lines
