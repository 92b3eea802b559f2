"""The agency's attendance events: recorded all or nothing (an import, an attendance system's
push), and corrected per employee and month by the admin OPD with a reason (audited).

A month that is closed or locked takes no new events: its lines are what was paid. The month's
row is locked (shared) while events are written, so a close cannot slip between the check and
the write; a correction takes it exclusively, like the close."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from kinerja import audit, clock
from kinerja.db.scoping import current_tenant_id
from kinerja.exceptions import Conflict, Invalid, InvalidFields, NotFound
from kinerja.i18n import N_, _
from kinerja.people.models import Employee
from kinerja.performance.years import FIRST_YEAR, LAST_YEAR
from kinerja.presentation.labels import label
from kinerja.rules.tpp import tpp
from kinerja.tpp import compute as computing
from kinerja.tpp import labels as tpp_labels
from kinerja.tpp import service, settings
from kinerja.tpp.models import (
    CORRECTION,
    LOCKED,
    OPEN,
    SOURCES,
    AttendanceEvent,
    TppLine,
    TppMonth,
)

MAX_ROWS = 50_000  # one agency's month is a few thousand events; more is a mistake
MAX_MINUTES = 24 * 60
MAX_REASON = 1000
# Minutes of each tier of lateness and of leaving early: 1-30, 31-60, 61-90, over 90 (tier 4
# also stands for no check-in or check-out at all, so its minutes may be left empty).
TIERS = {1: (1, 30), 2: (31, 60), 3: (61, 90), 4: (91, None)}
TIERED = re.compile(r"(terlambat|pulang_cepat)_([1-4])")


@dataclass(frozen=True)
class Event:
    employee_id: int
    day: date
    code: str
    minutes: int | None


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def tier_problem(code: str, minutes: int | None) -> tuple[str, dict[str, Any]] | None:
    """Why `minutes` do not go with `code` (a msgid and its parameters), or None."""
    tiered = TIERED.fullmatch(code)
    if tiered is None:
        if minutes:
            return N_("%(code)s takes no minutes: leave menit empty"), {"code": code}
        return None
    if minutes is None:
        return None  # the tier is the code's; the minutes are only its evidence
    low, high = TIERS[int(tiered.group(2))]
    if minutes < low or (high is not None and minutes > high):
        span = f"{low}-{high}" if high is not None else f"> {low - 1}"
        return N_("%(minutes)s minutes do not fall in the tier of %(code)s (%(span)s)"), {
            "minutes": minutes,
            "code": code,
            "span": span,
        }
    return None


def _minutes(value: Any) -> tuple[bool, int | None]:
    if value is None or value == "":
        return True, None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_MINUTES:
        return False, None
    return True, value


def check_rows(
    session: Session,
    rows: Sequence[Mapping[str, Any]],
    prefix: str = "events",
    by_nip: bool = True,
) -> list[Event]:
    """Every row checked (`{nip | employee_id, date, code, minutes}`); all problems at once as
    field messages naming the row (`events.3.nip`), or the events. One query for the NIPs.
    The minutes must fall in the code's tier, as the import demands, for a push and a correction
    alike."""
    if len(rows) > MAX_ROWS:
        raise Invalid(prefix, _("At most %(n)s events at a time.", n=MAX_ROWS))
    codes = settings.tables(session).deductions
    today = clock.today()
    wanted = {str(r.get("nip") or "").strip() for r in rows if isinstance(r, Mapping)}
    people: dict[Any, int] = {}
    if by_nip and wanted:
        people = dict(
            session.execute(
                select(Employee.nip, Employee.id).where(
                    Employee.nip.in_(sorted(wanted)), Employee.active
                )
            ).all()
        )
    errors: dict[str, list[Any]] = {}
    events: list[Event] = []
    seen: dict[tuple[int, date, str], int] = {}
    for n, row in enumerate(rows):
        where = f"{prefix}.{n}"
        if not isinstance(row, Mapping):
            errors[where] = [_("Each event is an object with nip, date, code and minutes.")]
            continue
        employee_id = (
            people.get(str(row.get("nip") or "").strip()) if by_nip else row.get("employee_id")
        )
        if employee_id is None:
            errors[f"{where}.nip"] = [_("No active employee of this agency has this NIP.")]
        day = _day(row.get("date"))
        if day is None:
            errors[f"{where}.date"] = [_("Give the date as YYYY-MM-DD.")]
        elif day > today:
            errors[f"{where}.date"] = [_("The date is in the future.")]
        elif not FIRST_YEAR <= day.year <= LAST_YEAR:  # its month could never be seen or closed
            errors[f"{where}.date"] = [
                _(
                    "The date is outside the years the city keeps (%(first)s to %(last)s).",
                    first=FIRST_YEAR,
                    last=LAST_YEAR,
                )
            ]
        code = row.get("code")
        if not isinstance(code, str) or code not in codes:
            errors[f"{where}.code"] = [_("Not an attendance code of the city's table.")]
        ok, minutes = _minutes(row.get("minutes"))
        if not ok:
            errors[f"{where}.minutes"] = [_("Give the minutes as a whole number from 0 to 1440.")]
        elif isinstance(code, str) and code in codes and (problem := tier_problem(code, minutes)):
            message, values = problem  # the import's rule, the code named in words
            errors[f"{where}.minutes"] = [_(message, **{**values, "code": label("tpp.code", code)})]
        if any(key.startswith(f"{where}.") for key in errors):
            continue
        assert employee_id is not None and day is not None and isinstance(code, str)
        key = (employee_id, day, code)
        if key in seen:
            errors[f"{where}.code"] = [
                _("The same event is already in row %(row)s.", row=seen[key] + 1)
            ]
            continue
        seen[key] = n
        events.append(Event(employee_id, day, code, minutes))
    if errors:
        raise InvalidFields(errors)
    return events


def _hold_months(session: Session, days: Iterable[date], exclusive: bool = False) -> list[TppMonth]:
    """The months of `days`, made (open) where missing and locked: shared for writing events,
    exclusive for a correction. A month that is not open refuses (409)."""
    keys = sorted({(d.year, d.month) for d in days})
    if not keys:
        return []
    tenant_id = current_tenant_id(session)
    session.execute(
        pg_insert(TppMonth)
        .values(
            [
                {"tenant_id": tenant_id, "year": y, "month": m, "status": OPEN, "version": 1}
                for y, m in keys
            ]
        )
        .on_conflict_do_nothing(index_elements=["tenant_id", "year", "month"])
    )
    statement = (
        select(TppMonth)
        .where(tuple_(TppMonth.year, TppMonth.month).in_(keys))
        .order_by(TppMonth.year, TppMonth.month)
        .execution_options(populate_existing=True)
    )
    held = list(
        session.scalars(
            statement.with_for_update() if exclusive else statement.with_for_update(read=True)
        )
    )
    return held


def _refuse_closed(found: TppMonth) -> None:
    if found.status != OPEN:
        raise Conflict(
            _(
                "%(month)s is %(status)s: it takes no new events; correct an employee's events"
                " instead.",
                month=f"{found.month:02d}-{found.year}",
                status=tpp_labels.status(found.status),
            )
        )


class AlreadyRecorded(InvalidFields):
    """Events a caller that refuses existing ones (the import) found already stored; `rows`
    are their indexes in the caller's rows."""

    def __init__(self, rows: list[int]) -> None:
        message = _("This event is already recorded for that day.")
        super().__init__({f"events.{n}.code": [message] for n in rows})
        self.rows = rows


def record(
    session: Session,
    rows: Sequence[Mapping[str, Any]],
    source: str,
    user_id: int | None,
    replace: bool = True,
) -> int:
    """Keep the events (all or nothing): an event already there (same employee, day and code)
    takes the new minutes, or, unless `replace`, refuses them all (`AlreadyRecorded`: the
    import's rule, decided by the insert itself, so two imports of one file at once cannot
    both pass; the caller rolls back what was written). Returns how many rows were written."""
    if source not in SOURCES or source == CORRECTION:
        raise ValueError(f"not a source of recorded events: {source!r}")
    events = check_rows(session, rows)
    for found in _hold_months(session, (e.day for e in events)):
        _refuse_closed(found)
    if not events:
        return 0
    tenant_id = current_tenant_id(session)
    # Rows in one order whatever the sender's: two pushes of the same events in opposite
    # orders would otherwise each hold a row the other waits for (a deadlock, a 503).
    ordered = sorted(events, key=lambda e: (e.employee_id, e.day, e.code))
    values = [
        {
            "tenant_id": tenant_id,
            "employee_id": e.employee_id,
            "day": e.day,
            "code": e.code,
            "minutes": e.minutes,
            "source": source,
            "created_by": user_id,
        }
        for e in ordered
    ]
    statement = pg_insert(AttendanceEvent)
    keys = ["tenant_id", "employee_id", "day", "code"]
    if not replace:
        written = session.execute(
            statement.on_conflict_do_nothing(index_elements=keys).returning(
                AttendanceEvent.employee_id, AttendanceEvent.day, AttendanceEvent.code
            ),
            values,
        )
        kept = {tuple(r) for r in written}
        there = [n for n, e in enumerate(events) if (e.employee_id, e.day, e.code) not in kept]
        if there:
            raise AlreadyRecorded(there)
        return len(events)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=keys,
            set_={
                "minutes": statement.excluded.minutes,
                "source": statement.excluded.source,
                "created_by": statement.excluded.created_by,
                "reason": None,
                "updated_at": clock.now(),
            },
        ),
        values,
    )
    return len(events)


def month_events(
    session: Session, employee_id: int, year: int, month: int
) -> list[AttendanceEvent]:
    first, last = computing.month_bounds(year, month)
    return list(
        session.scalars(
            select(AttendanceEvent)
            .where(
                AttendanceEvent.employee_id == employee_id,
                AttendanceEvent.day.between(first, last),
            )
            .order_by(AttendanceEvent.day, AttendanceEvent.code)
        )
    )


def _counts(events: Iterable[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for e in events:
        counts[e.code] = counts.get(e.code, 0) + 1
    return dict(sorted(counts.items()))


def _origin(unchanged: AttendanceEvent | None, user_id: int | None, reason: str) -> dict[str, Any]:
    """Where an event of a correction comes from: one the correction leaves as it was (same
    day, code and minutes) keeps its source, author and reason (an imported late arrival stays
    "import"); a new or changed one is the correction's, with its reason."""
    if unchanged is not None:
        return {
            "source": unchanged.source,
            "created_by": unchanged.created_by,
            "reason": unchanged.reason,
            "created_at": unchanged.created_at,
        }
    return {"source": CORRECTION, "created_by": user_id, "reason": reason}


def correct(
    session: Session,
    employee_id: int,
    year: int,
    month: int,
    rows: Sequence[Mapping[str, Any]],
    reason: Any,
    user_id: int | None,
) -> TppLine | None:
    """Replace the employee's events of the month by `rows` ({date, code, minutes}), with the
    reason (audited). Open month: its line (if computed) is recomputed in place. Closed: a new
    version of the line with the reason, the month's version one up; only the attendance part
    changes (base, predikat and compliance stay as closed). Locked: 409."""
    service.check_month(year, month)
    if not isinstance(reason, str) or not reason.strip():
        raise Invalid("reason", _("Say why the events are corrected."))
    if "\x00" in reason:  # a form's text reaches here unchecked; PostgreSQL refuses NUL
        raise Invalid("reason", _("Text may not contain NUL characters."))
    reason = reason.strip()[:MAX_REASON]
    if session.scalar(select(Employee.id).where(Employee.id == employee_id)) is None:
        raise NotFound()
    first, last = computing.month_bounds(year, month)
    events = check_rows(session, [{**r, "employee_id": employee_id} for r in rows], by_nip=False)
    for n, e in enumerate(events):
        if not first <= e.day <= last:
            raise InvalidFields({f"events.{n}.date": [_("The date is not in this month.")]})
    (found,) = _hold_months(session, [first], exclusive=True)
    if found.status == LOCKED:
        raise Conflict(_("The city has locked this month: nothing in it changes any more."))
    before = month_events(session, employee_id, year, month)
    kept = {(b.day, b.code, b.minutes): _origin(b, user_id, reason) for b in before}
    session.execute(
        delete(AttendanceEvent).where(
            AttendanceEvent.employee_id == employee_id, AttendanceEvent.day.between(first, last)
        )
    )
    if events:
        session.execute(
            pg_insert(AttendanceEvent),
            [
                {
                    "tenant_id": current_tenant_id(session),
                    "employee_id": employee_id,
                    "day": e.day,
                    "code": e.code,
                    "minutes": e.minutes,
                    **kept.get((e.day, e.code, e.minutes), _origin(None, user_id, reason)),
                }
                for e in events
            ],
        )
    after = _counts(events)
    audit.record(
        session,
        "tpp.correct",
        "tpp_month",
        found.id,
        changes={"events": [_counts(before), after], "reason": [None, reason]},
        subject_employee_id=employee_id,
    )
    if found.status == OPEN:
        if found.computed_at is None:
            return None
        return service.recompute_employee(session, found, employee_id, user_id, clock.today())
    return _new_version(session, found, employee_id, after, reason, user_id)


def _new_version(
    session: Session,
    found: TppMonth,
    employee_id: int,
    events: dict[str, int],
    reason: str,
    user_id: int | None,
) -> TppLine:
    """The closed month's correction: the current line again with the new events, as the
    month's next version (the earlier versions stay: they were paid)."""
    previous = service.line_of(session, found.id, employee_id)
    found.version += 1
    if previous is None:  # not in the month when it closed: computed now, as a correction
        tables = settings.tables(session)
        rows = computing.lines(
            session, found.year, found.month, clock.today(), tables, ids={employee_id}
        )
        if not rows:
            raise Conflict(_("This employee is not active: there is no line to correct."))
        values = rows[0]
    else:
        tables = settings.tables(session)
        disiplin, deductions = computing.disiplin(events, tables)
        weights = (previous.weight_kinerja, previous.weight_disiplin)
        values = {
            column.key: getattr(previous, column.key)
            for column in TppLine.__table__.columns
            if column.key not in {"tenant_id", "id", "created_at"}
        }
        values.update(
            events=events,
            deductions=deductions,
            disiplin_pct=disiplin,
            total=tpp(previous.base, previous.kinerja_pct, disiplin, weights),
        )
    values.update(version=found.version, reason=reason, created_by=user_id, month_id=found.id)
    line = TppLine(**values)
    session.add(line)
    session.flush()
    return line
