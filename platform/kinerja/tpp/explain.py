"""One employee's line explained: everything the "TPP saya" page and the API show, from the
line's own snapshot (a closed month explains itself the same way for ever) plus the names of
what it points at (the evaluation's period, the employee), and every version with its reason.
The one live read: the days of the month's attendance events, shown under each code only while
they still count as many as the snapshot says (`EventLine.days`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja.people.models import Employee, Position
from kinerja.performance.evaluation.models import Evaluation
from kinerja.rules.tpp import tpp_parts
from kinerja.tpp import compute as computing
from kinerja.tpp import service
from kinerja.tpp.models import AttendanceEvent, TppLine, TppMonth


@dataclass(frozen=True)
class EventLine:
    code: str
    count: int
    deduction: Decimal  # points per event
    deducted: Decimal  # count x deduction
    # The days of those events, when the month's events still count as many (the line in
    # force); empty for a line the events have moved on from (the snapshot keeps counts only).
    days: list[date] = field(default_factory=list)


@dataclass(frozen=True)
class Version:
    version: int
    total: int
    disiplin_pct: Decimal
    reason: str | None
    created_at: datetime
    created_by: int | None


@dataclass(frozen=True)
class Explanation:
    year: int
    month: int
    status: str
    employee_id: int
    nip: str
    name: str
    position: str | None
    kelas: int | None
    base: int
    base_source: str  # position | kelas | none
    predikat: str | None
    predikat_source: str  # covering | latest | none
    predikat_percent: Decimal
    evaluation: dict[str, Any] | None  # id, year, period, starts, ends
    working_days: int
    days_with_entry: int
    compliance: Decimal  # 0..1
    required_compliance: Decimal
    kinerja_pct: Decimal
    events: list[EventLine]
    disiplin_pct: Decimal
    weight_kinerja: int
    weight_disiplin: int
    kinerja_amount: int  # whole rupiah, the two adding up to the total (`rules.tpp_parts`)
    disiplin_amount: int
    total: int
    version: int
    reason: str | None
    computed_at: datetime
    versions: list[Version] = field(default_factory=list)


def explain(session: Session, line: TppLine) -> Explanation:
    month = session.scalar(select(TppMonth).where(TppMonth.id == line.month_id))
    assert month is not None
    person = session.execute(
        select(Employee.nip, Employee.name).where(Employee.id == line.employee_id)
    ).one()
    position = (
        session.scalar(select(Position.name).where(Position.id == line.position_id))
        if line.position_id is not None
        else None
    )
    evaluation = None
    if line.evaluation_id is not None:
        found = session.execute(
            select(
                Evaluation.id,
                Evaluation.year,
                Evaluation.period,
                Evaluation.starts,
                Evaluation.ends,
            ).where(Evaluation.id == line.evaluation_id)
        ).one_or_none()
        if found is not None:
            evaluation = dict(found._mapping)
    days = _event_days(session, line.employee_id, month.year, month.month)
    events = [
        EventLine(
            code,
            count,
            Decimal(line.deductions.get(code, "0")),
            Decimal(line.deductions.get(code, "0")) * count,
            days.get(code, []) if len(days.get(code, [])) == count else [],
        )
        for code, count in sorted(line.events.items())
    ]
    kinerja_amount, disiplin_amount = tpp_parts(
        line.base, line.weight_kinerja, line.kinerja_pct, line.total
    )
    return Explanation(
        year=month.year,
        month=month.month,
        status=month.status,
        employee_id=line.employee_id,
        nip=person.nip,
        name=person.name,
        position=position,
        kelas=line.kelas,
        base=line.base,
        base_source=line.base_source,
        predikat=line.predikat,
        predikat_source=line.predikat_source,
        predikat_percent=line.predikat_percent,
        evaluation=evaluation,
        working_days=line.working_days,
        days_with_entry=line.days_with_entry,
        compliance=line.compliance,
        required_compliance=line.required_compliance,
        kinerja_pct=line.kinerja_pct,
        events=events,
        disiplin_pct=line.disiplin_pct,
        weight_kinerja=line.weight_kinerja,
        weight_disiplin=line.weight_disiplin,
        kinerja_amount=kinerja_amount,
        disiplin_amount=disiplin_amount,
        total=line.total,
        version=line.version,
        reason=line.reason,
        computed_at=line.created_at,
        versions=[
            Version(v.version, v.total, v.disiplin_pct, v.reason, v.created_at, v.created_by)
            for v in service.history(session, line.month_id, line.employee_id)
        ],
    )


def _event_days(session: Session, employee_id: int, year: int, month: int) -> dict[str, list[date]]:
    """{code: the days of the employee's events of the month with it, in order}."""
    first, last = computing.month_bounds(year, month)
    found: dict[str, list[date]] = {}
    for code, day in session.execute(
        select(AttendanceEvent.code, AttendanceEvent.day)
        .where(AttendanceEvent.employee_id == employee_id, AttendanceEvent.day.between(first, last))
        .order_by(AttendanceEvent.day)
    ):
        found.setdefault(code, []).append(day)
    return found


def as_json(found: Explanation) -> dict[str, Any]:
    """The explanation in the API's machine form (decimals as numbers, dates ISO)."""

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, datetime | date):
            return value.isoformat()
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if hasattr(value, "__dataclass_fields__"):
            return {k: plain(getattr(value, k)) for k in value.__dataclass_fields__}
        return value

    return plain(found)
