"""The agency's TPP months: computing (in place while open), closing, locking, and reading the
current lines. Every state change holds the month's row lock or is one conditional update, so
two admins closing at once, or a close racing a correction, leave one winner and one 409."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import Select, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from kinerja import audit, clock
from kinerja.db.scoping import current_tenant_id
from kinerja.exceptions import Conflict, Invalid, NotFound
from kinerja.i18n import _
from kinerja.people.models import Employee
from kinerja.performance.years import FIRST_YEAR, LAST_YEAR
from kinerja.tpp import compute as computing
from kinerja.tpp import labels as tpp_labels
from kinerja.tpp import settings
from kinerja.tpp.models import CLOSED, LOCKED, OPEN, TppLine, TppMonth


def valid_period(year: Any, month: Any) -> bool:
    """A year the city keeps (performance.years) and a month 1..12: anything else names no
    month at all (an address's number past PostgreSQL's integer must not reach a query)."""
    return (
        isinstance(year, int)
        and not isinstance(year, bool)
        and FIRST_YEAR <= year <= LAST_YEAR
        and isinstance(month, int)
        and not isinstance(month, bool)
        and 1 <= month <= 12
    )


def check_month(year: Any, month: Any, today: date | None = None) -> tuple[int, int]:
    """A month that has begun (a future month has nothing to compute), else `Invalid`."""
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise Invalid("year", _("Not a valid year."))
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        raise Invalid("month", _("A month is from 1 to 12."))
    if date(year, month, 1) > (today or clock.today()):
        raise Invalid("month", _("This month has not begun yet."))
    return year, month


def month_of(session: Session, year: int, month: int) -> TppMonth | None:
    if not valid_period(year, month):
        return None
    return session.scalar(select(TppMonth).where(TppMonth.year == year, TppMonth.month == month))


def get_month(session: Session, year: int, month: int) -> TppMonth:
    found = month_of(session, year, month)
    if found is None:
        raise NotFound(_("This month has not been computed yet."))
    return found


def _locked_month(session: Session, year: int, month: int, create: bool) -> TppMonth | None:
    """The month's row, locked for this transaction (made open first when `create`)."""
    if create:
        session.execute(
            pg_insert(TppMonth)
            .values(
                tenant_id=current_tenant_id(session), year=year, month=month, status=OPEN, version=1
            )
            .on_conflict_do_nothing(index_elements=["tenant_id", "year", "month"])
        )
    return session.scalar(
        select(TppMonth)
        .where(TppMonth.year == year, TppMonth.month == month)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def months(session: Session) -> Select[Any]:
    """The agency's months, newest first (paged by the caller)."""
    return select(TppMonth).order_by(TppMonth.year.desc(), TppMonth.month.desc())


def _refuse_unless_open(found: TppMonth) -> None:
    if found.status != OPEN:
        raise Conflict(
            _(
                "This month is %(status)s: it does not change any more.",
                status=tpp_labels.status(found.status),
            )
        )


def _write(
    session: Session,
    found: TppMonth,
    rows: list[dict[str, Any]],
    user_id: int | None,
    ids: Collection[int] | None = None,
    reason: str | None = None,
) -> None:
    """Replace the open month's lines (of `ids`, when given) by `rows`, in one statement each."""
    tenant_id = current_tenant_id(session)
    wipe = delete(TppLine).where(TppLine.month_id == found.id)
    if ids is not None:
        wipe = wipe.where(TppLine.employee_id.in_(sorted(ids)))
    session.execute(wipe)
    if rows:
        stamped = [
            {
                **row,
                "tenant_id": tenant_id,
                "month_id": found.id,
                "version": found.version,
                "created_by": user_id,
                "reason": reason,
            }
            for row in rows
        ]
        _insert_lines(session, stamped)


def _insert_lines(session: Session, rows: list[dict[str, Any]]) -> None:
    """All the lines in one statement: the rows travel as one JSON array read back by
    `jsonb_to_recordset` (a row-per-row executemany cost four times the month's reads)."""
    columns = [c for c in TppLine.__table__.c if c.key in rows[0]]
    names = ", ".join(c.name for c in columns)
    kinds = ", ".join(
        f"{c.name} {c.type.compile(dialect=session.get_bind().dialect)}" for c in columns
    )
    session.execute(
        text(
            f"INSERT INTO tpp_line ({names}) SELECT {names} "
            f"FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r({kinds})"
        ),
        {"rows": json.dumps(rows, default=str)},
    )


def compute(
    session: Session,
    year: int,
    month: int,
    user_id: int | None = None,
    today: date | None = None,
) -> TppMonth:
    """Compute (again) every active employee's line of the open month; 409 once it is closed."""
    today = today or clock.today()
    check_month(year, month, today)
    found = _locked_month(session, year, month, create=True)
    assert found is not None
    _refuse_unless_open(found)
    rows = computing.lines(session, year, month, today, settings.tables(session))
    _write(session, found, rows, user_id)
    found.computed_at = clock.now()
    found.computed_by = user_id
    session.flush()
    return found


def recompute_employee(
    session: Session, found: TppMonth, employee_id: int, user_id: int | None, today: date
) -> TppLine | None:
    """Recompute one employee's line of the open, locked-by-the-caller month in place."""
    rows = computing.lines(
        session, found.year, found.month, today, settings.tables(session), ids={employee_id}
    )
    _write(session, found, rows, user_id, ids={employee_id})
    session.flush()
    return line_of(session, found.id, employee_id)


def check_computable(session: Session, year: int, month: int) -> None:
    """What a request to compute the month can fail on now rather than in the worker (a month
    not yet begun, a closed one)."""
    check_month(year, month)
    found = month_of(session, year, month)
    if found is not None:
        _refuse_unless_open(found)


def close(session: Session, year: int, month: int, user_id: int | None) -> TppMonth:
    """open -> closed by the admin OPD: computed once more under the lock, then never again."""
    today = clock.today()
    check_month(year, month, today)
    found = _locked_month(session, year, month, create=True)
    assert found is not None
    _refuse_unless_open(found)
    rows = computing.lines(session, year, month, today, settings.tables(session))
    _write(session, found, rows, user_id)
    moment = clock.now()
    found.computed_at, found.computed_by = moment, user_id
    found.status, found.closed_at, found.closed_by = CLOSED, moment, user_id
    audit.record(
        session,
        "tpp.close",
        "tpp_month",
        found.id,
        changes={"status": [OPEN, CLOSED], "period": [None, f"{year}-{month:02d}"]},
    )
    session.flush()
    return found


def lock(session: Session, year: int, month: int, user_id: int | None) -> TppMonth:
    """closed -> locked by the city admin: one conditional update (the loser of a race, or a
    month that is not closed, gets 409; a month never computed, 404)."""
    if not valid_period(year, month):
        raise NotFound()
    locked = session.execute(
        update(TppMonth)
        .where(TppMonth.year == year, TppMonth.month == month, TppMonth.status == CLOSED)
        .values(status=LOCKED, locked_at=clock.now(), locked_by=user_id)
        .returning(TppMonth.id)
    ).scalar()
    if locked is None:
        found = get_month(session, year, month)
        raise Conflict(
            _(
                "Only a closed month can be locked; this one is %(status)s.",
                status=tpp_labels.status(found.status),
            )
        )
    audit.record(
        session,
        "tpp.lock",
        "tpp_month",
        locked,
        changes={"status": [CLOSED, LOCKED], "period": [None, f"{year}-{month:02d}"]},
    )
    session.flush()
    done = session.get(TppMonth, (current_tenant_id(session), locked), populate_existing=True)
    assert done is not None
    return done


# --- reading the lines -------------------------------------------------------------------------
# A line's columns for lists (plain rows: the pages and the API read them as mappings).
_LINE_COLUMNS = [c for c in TppLine.__table__.c if c.key not in {"tenant_id", "id"}]


def _current_ids(month_id: int | None = None, employee_id: int | None = None) -> Any:
    """The id of each employee's highest version per month (a subquery), of one month or of
    one employee (never the whole table: the agency's history grows every month)."""
    statement = select(TppLine.id).ext(distinct_on(TppLine.month_id, TppLine.employee_id))
    if month_id is not None:
        statement = statement.where(TppLine.month_id == month_id)
    if employee_id is not None:
        statement = statement.where(TppLine.employee_id == employee_id)
    return statement.order_by(TppLine.month_id, TppLine.employee_id, TppLine.version.desc())


def current_lines(session: Session, month_id: int) -> Select[Any]:
    """The month's current lines with the employee's NIP and name, by name (paged by the caller);
    `line_id` is the line's own id (its explanation's address)."""
    return (
        select(*_LINE_COLUMNS, TppLine.id.label("line_id"), Employee.nip, Employee.name)
        .join(Employee, Employee.id == TppLine.employee_id)
        .where(TppLine.id.in_(_current_ids(month_id)))
        .order_by(Employee.name, Employee.id)
    )


def line_of(
    session: Session, month_id: int, employee_id: int, version: int | None = None
) -> TppLine | None:
    """The employee's current line of the month (or the given version)."""
    statement = select(TppLine).where(
        TppLine.month_id == month_id, TppLine.employee_id == employee_id
    )
    if version is not None:
        statement = statement.where(TppLine.version == version)
    return session.scalar(statement.order_by(TppLine.version.desc()).limit(1))


def history(session: Session, month_id: int, employee_id: int) -> list[TppLine]:
    """Every version of the employee's line of the month, oldest first."""
    return list(
        session.scalars(
            select(TppLine)
            .where(TppLine.month_id == month_id, TppLine.employee_id == employee_id)
            .order_by(TppLine.version)
        )
    )


def lines_of_employee(session: Session, employee_id: int) -> Select[Any]:
    """ "TPP saya": the employee's current line of each month, newest first (paged)."""
    return (
        select(*_LINE_COLUMNS, TppMonth.year, TppMonth.month, TppMonth.status)
        .join(TppMonth, TppMonth.id == TppLine.month_id)
        .where(
            TppLine.employee_id == employee_id,
            TppLine.id.in_(_current_ids(employee_id=employee_id)),
        )
        .order_by(TppMonth.year.desc(), TppMonth.month.desc())
    )


def count_lines(session: Session, month_id: int) -> int:
    return int(
        session.scalar(
            select(func.count(func.distinct(TppLine.employee_id))).where(
                TppLine.month_id == month_id
            )
        )
        or 0
    )
