"""Computing the month's lines: one set-based read per input (the employees with their base,
the predikat, the days with an entry, the attendance events, the city's tables), then the pure
rules of `kinerja.rules.tpp` per employee in Python. Nothing here writes; `service` keeps.

The inputs, and why each is read the way it is:
- base: the city's exception for the employee's position, else the base of the position's kelas
  (grade), else 0 with `base_source = "none"` (the line says so: the admin OPD asks the city);
- predikat: the approved evaluation whose dates cover the month (a period's before the year's,
  the shortest first), else the latest approved one that began before the month ended; none:
  the kinerja component is 0 and the line says so;
- compliance: of the month's working days (weekdays that are not holidays, up to Medan's today
  in the current month), the share with at least one sent, not rejected daily entry;
- disiplin: the month's attendance events, code -> count, through the city's deduction table.
Percentages are kept to four decimals (half up) before the amount is computed, so a stored line
gives the same total when its numbers are read back."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.orm import Session

from kinerja.exceptions import Conflict
from kinerja.i18n import _
from kinerja.people.models import Employee, Position
from kinerja.performance.evaluation import workflow as evaluation_flow
from kinerja.performance.evaluation.models import Evaluation
from kinerja.performance.log import rules as log_rules
from kinerja.performance.log.models import WorkEntry
from kinerja.rules.tpp import disiplin_percent, kinerja_percent, tpp
from kinerja.tpp.models import AttendanceEvent, TppBase, TppPositionBase
from kinerja.tpp.settings import Tables

SHARE = Decimal("0.000001")
PERCENT = Decimal("0.0001")
SENT = (log_rules.SUBMITTED, log_rules.APPROVED)  # sent and not rejected (nor withdrawn)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def working_days(year: int, month: int, today: date) -> list[date]:
    """The month's working days up to `today` (the whole month once it is past)."""
    first, last = month_bounds(year, month)
    last = min(last, today)
    off = log_rules.holidays()
    return [
        first + timedelta(days=n)
        for n in range((last - first).days + 1)
        if not log_rules.is_day_off(first + timedelta(days=n), off)
    ]


@dataclass(frozen=True)
class Person:
    employee_id: int
    position_id: int | None
    kelas: int | None
    base: int
    base_source: str


def _only(statement: Any, column: Any, ids: Collection[int] | None) -> Any:
    return statement if ids is None else statement.where(column.in_(sorted(ids)))


def read_people(session: Session, ids: Collection[int] | None = None) -> list[Person]:
    """Active employees with their base and its source (one query)."""
    statement = (
        select(
            Employee.id,
            Employee.position_id,
            Position.grade,
            TppPositionBase.amount,
            TppBase.amount,
        )
        .outerjoin(Position, Position.id == Employee.position_id)
        .outerjoin(TppPositionBase, TppPositionBase.position_id == Employee.position_id)
        .outerjoin(TppBase, TppBase.kelas == Position.grade)
        .where(Employee.active)
        .order_by(Employee.id)
    )
    people = []
    for employee_id, position_id, grade, exception, by_kelas in session.execute(
        _only(statement, Employee.id, ids)
    ):
        if exception is not None:
            base, source = int(exception), "position"
        elif by_kelas is not None:
            base, source = int(by_kelas), "kelas"
        else:
            base, source = 0, "none"
        people.append(Person(employee_id, position_id, grade, base, source))
    return people


def read_predikat(
    session: Session, year: int, month: int, ids: Collection[int] | None = None
) -> dict[int, tuple[str, int, str]]:
    """employee id -> (predikat, evaluation id, "covering" | "latest") (one query)."""
    first, last = month_bounds(year, month)
    covering = and_(Evaluation.starts <= first, Evaluation.ends >= last)
    statement = (
        select(
            Evaluation.employee_id,
            Evaluation.predikat,
            Evaluation.id,
            covering.label("covering"),
        )
        .where(
            Evaluation.status == evaluation_flow.APPROVED,
            Evaluation.predikat.is_not(None),
            Evaluation.starts <= last,
        )
        .ext(distinct_on(Evaluation.employee_id))
        .order_by(
            Evaluation.employee_id,
            case((covering, 0), else_=1),
            case((Evaluation.period > 0, 0), else_=1),
            (Evaluation.ends - Evaluation.starts),
            Evaluation.ends.desc(),
            Evaluation.approved_at.desc().nulls_last(),
            Evaluation.id.desc(),
        )
    )
    return {
        employee_id: (predikat, evaluation_id, "covering" if is_covering else "latest")
        for employee_id, predikat, evaluation_id, is_covering in session.execute(
            _only(statement, Evaluation.employee_id, ids)
        )
    }


def read_entry_days(
    session: Session, days: list[date], ids: Collection[int] | None = None
) -> dict[int, int]:
    """employee id -> working days with at least one sent, not rejected entry (one query)."""
    if not days:
        return {}
    statement = (
        select(WorkEntry.employee_id, func.count(func.distinct(WorkEntry.entry_date)))
        .where(
            WorkEntry.entry_date.between(days[0], days[-1]),
            WorkEntry.entry_date.in_(days),
            WorkEntry.status.in_(SENT),
        )
        .group_by(WorkEntry.employee_id)
    )
    return dict(session.execute(_only(statement, WorkEntry.employee_id, ids)).all())


def read_events(
    session: Session, year: int, month: int, ids: Collection[int] | None = None
) -> dict[int, dict[str, int]]:
    """employee id -> {code: count} of the month's attendance events (one query)."""
    first, last = month_bounds(year, month)
    statement = (
        select(AttendanceEvent.employee_id, AttendanceEvent.code, func.count())
        .where(AttendanceEvent.day.between(first, last))
        .group_by(AttendanceEvent.employee_id, AttendanceEvent.code)
    )
    found: dict[int, dict[str, int]] = {}
    for employee_id, code, count in session.execute(
        _only(statement, AttendanceEvent.employee_id, ids)
    ):
        found.setdefault(employee_id, {})[code] = int(count)
    return found


def _percent(value: Decimal) -> Decimal:
    return value.quantize(PERCENT, ROUND_HALF_UP)


def disiplin(events: dict[str, int], tables: Tables) -> tuple[Decimal, dict[str, str]]:
    """The discipline percentage and the deduction per event of each code present; a code the
    city's table no longer has is a Conflict naming it (the city decides, not a guess)."""
    unknown = sorted(set(events) - set(tables.deductions))
    if unknown:
        raise Conflict(
            _(
                "The attendance code %(code)s is not in the city's table of deductions.",
                code=unknown[0],
            )
        )
    deductions = {code: str(tables.deductions[code]) for code in sorted(events)}
    return _percent(disiplin_percent(events, tables.deductions)), deductions


def line(
    person: Person,
    predikat: tuple[str, int, str] | None,
    working: int,
    entry_days: int,
    events: dict[str, int],
    tables: Tables,
) -> dict[str, Any]:
    """One employee's line (the columns of `TppLine` that the rules decide)."""
    compliance = (
        (Decimal(min(entry_days, working)) / Decimal(working)).quantize(SHARE, ROUND_HALF_UP)
        if working
        else Decimal(0)
    )
    if predikat is None:
        name, evaluation_id, source = None, None, "none"
        predikat_percent = Decimal(0)
        kinerja = Decimal(0)
    else:
        name, evaluation_id, source = predikat
        predikat_percent = tables.percents[name]
        kinerja = _percent(kinerja_percent(name, compliance, tables.required, tables.percents))
    disiplin_pct, deductions = disiplin(events, tables)
    return {
        "employee_id": person.employee_id,
        "position_id": person.position_id,
        "kelas": person.kelas,
        "base": person.base,
        "base_source": person.base_source,
        "predikat": name,
        "evaluation_id": evaluation_id,
        "predikat_source": source,
        "predikat_percent": predikat_percent,
        "working_days": working,
        "days_with_entry": min(entry_days, working),
        "compliance": compliance,
        "required_compliance": tables.required,
        "kinerja_pct": kinerja,
        "disiplin_pct": disiplin_pct,
        "events": dict(sorted(events.items())),
        "deductions": deductions,
        "weight_kinerja": tables.weights[0],
        "weight_disiplin": tables.weights[1],
        "total": tpp(person.base, kinerja, disiplin_pct, tables.weights),
    }


def lines(
    session: Session,
    year: int,
    month: int,
    today: date,
    tables: Tables,
    ids: Collection[int] | None = None,
) -> list[dict[str, Any]]:
    """The lines of the session's agency for the month (of `ids` only, when given)."""
    days = working_days(year, month, today)
    people = read_people(session, ids)
    predikat = read_predikat(session, year, month, ids)
    entries = read_entry_days(session, days, ids)
    events = read_events(session, year, month, ids)
    return [
        line(
            p,
            predikat.get(p.employee_id),
            len(days),
            entries.get(p.employee_id, 0),
            events.get(p.employee_id, {}),
            tables,
        )
        for p in people
    ]
