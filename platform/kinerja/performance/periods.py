"""Evaluation periods within a performance year, from the agency's frequency (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

MONTHLY, QUARTERLY, SEMESTER = "monthly", "quarterly", "semester"
FREQUENCIES = {MONTHLY: 1, QUARTERLY: 3, SEMESTER: 6}  # months per period
DEFAULT_FREQUENCY = QUARTERLY  # [S] most agencies evaluate quarterly (TW I … TW IV)


@dataclass(frozen=True)
class Period:
    number: int  # 1-based within the year
    starts: date
    ends: date


def default_dates(year: int) -> tuple[date, date]:
    """A year without the city's own dates runs January to December."""
    return date(year, 1, 1), date(year, 12, 31)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    # Periods start on the year's start day; clamp to the month's end (31 Jan + 1 month).
    for candidate in range(day.day, 27, -1):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    return date(year, month, min(day.day, 28))


def split(starts: date, ends: date, frequency: str) -> list[Period]:
    """The periods from `starts` to `ends` inclusive, `frequency` apart; the last one ends with
    the year even when the year is not a whole number of periods."""
    if frequency not in FREQUENCIES:
        raise ValueError(f"unknown frequency {frequency!r}")
    if ends < starts:
        raise ValueError("the year ends before it starts")
    months = FREQUENCIES[frequency]
    periods: list[Period] = []
    start = starts
    while start <= ends:
        following = _add_months(starts, months * (len(periods) + 1))
        end = min(following - timedelta(days=1), ends)
        periods.append(Period(len(periods) + 1, start, end))
        start = end + timedelta(days=1)
    return periods


def containing(periods: list[Period], day: date) -> Period | None:
    return next((p for p in periods if p.starts <= day <= p.ends), None)
