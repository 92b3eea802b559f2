"""The city's performance years and each agency's evaluation frequency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja import audit, numbers
from kinerja.db.scoping import current_tenant_id
from kinerja.exceptions import Conflict, Invalid
from kinerja.i18n import _
from kinerja.performance import periods
from kinerja.performance.models import AgencyYear, PerformanceYear

FIRST_YEAR, LAST_YEAR = 2000, 2100  # plans outside these are typing mistakes


@dataclass(frozen=True)
class YearInfo:
    year: int
    starts: date
    ends: date
    closed: bool


def month_of(text: object) -> date | None:
    """`YYYY-MM` (an `<input type="month">`, `?month=`, the API's month) of a year we keep, as
    the month's first day; None for anything else (no guessing: "2026-1", " 2026-01", "²")."""
    if not isinstance(text, str) or len(text) != 7 or text[4] != "-":
        return None
    year = numbers.whole(text[:4], FIRST_YEAR, LAST_YEAR)
    month = numbers.whole(text[5:], 1, 12)
    if year is None or month is None or text != text.strip():
        return None
    return date(year, month, 1)


def check_year(year: object, field: str = "year") -> int:
    if not isinstance(year, int) or isinstance(year, bool) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise Invalid(field, _("Enter a year from %(a)s to %(b)s.", a=FIRST_YEAR, b=LAST_YEAR))
    return year


def info(session: Session, year: int) -> YearInfo:
    row = session.get(PerformanceYear, year)
    if row is None:
        starts, ends = periods.default_dates(year)
        return YearInfo(year, starts, ends, False)
    return YearInfo(row.year, row.starts, row.ends, row.closed)


def known(session: Session) -> list[YearInfo]:
    """Years the city wrote down, newest first (a year without a row is open, Jan to Dec)."""
    rows = session.scalars(select(PerformanceYear).order_by(PerformanceYear.year.desc()))
    return [YearInfo(r.year, r.starts, r.ends, r.closed) for r in rows]


def check_open(session: Session, year: int) -> None:
    if info(session, year).closed:
        raise Conflict(_("The performance year %(year)s is closed: it is read-only.", year=year))


def set_year(session: Session, year: int, starts: date, ends: date, closed: bool) -> YearInfo:
    """The city's dates and state of `year` (audited by the caller's own log: a global row)."""
    check_year(year)
    if not starts < ends:
        raise Invalid("ends", _("The year must end after it starts."))
    if (ends - starts).days > 400:
        raise Invalid("ends", _("A performance year lasts at most about a year."))
    row = session.get(PerformanceYear, year) or PerformanceYear(year=year)
    row.starts, row.ends, row.closed = starts, ends, closed
    session.add(row)
    session.flush()
    return info(session, year)


def frequency(session: Session, year: int) -> str:
    row = session.get(AgencyYear, {"tenant_id": _tenant(session), "year": year})
    return row.frequency if row is not None else periods.DEFAULT_FREQUENCY


def _tenant(session: Session) -> int:
    tenant_id = current_tenant_id(session)
    assert tenant_id is not None, "the agency's year needs a tenant session"
    return tenant_id


def set_frequency(session: Session, year: int, value: str) -> str:
    check_year(year)
    if value not in periods.FREQUENCIES:
        raise Invalid("frequency", _("Choose monthly, quarterly or semester."))
    check_open(session, year)
    before = frequency(session, year)
    row = session.get(AgencyYear, {"tenant_id": _tenant(session), "year": year})
    if row is None:
        row = AgencyYear(year=year, frequency=value)
        session.add(row)
    row.frequency = value
    session.flush()
    if before != value:
        audit.record(
            session, "plan.frequency", "agency_year", year, changes={"frequency": [before, value]}
        )
    return value


def periods_of(session: Session, year: int) -> list[periods.Period]:
    year_info = info(session, year)
    return periods.split(year_info.starts, year_info.ends, frequency(session, year))
