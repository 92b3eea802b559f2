"""When reminders are due, as pure functions of the day and the rules (no database here)."""

from __future__ import annotations

from datetime import date, timedelta

from kinerja.performance.log import rules as log_rules
from kinerja.performance.periods import Period

SKP_DUE_DAYS = 31  # [U] the SKP is agreed within the first month of the year
SKP_WARN_DAYS = 7  # remind in the last week before it is due
EVALUATION_WARN_DAYS = 14  # remind in the two weeks after a period ends
LOOKBACK_DAYS = 40  # the longest deadline worth looking back over


def log_days_closing(today: date, policy: log_rules.Policy, off: frozenset[date]) -> list[date]:
    """Working days whose daily-work window closes at the end of `today`."""
    days = (today - timedelta(days=n) for n in range(LOOKBACK_DAYS))
    return sorted(
        d
        for d in days
        if not log_rules.is_day_off(d, off) and log_rules.last_day(d, policy, off) == today
    )


def skp_due(year_starts: date) -> date:
    return year_starts + timedelta(days=SKP_DUE_DAYS - 1)


def skp_reminder_due(today: date, year_starts: date) -> bool:
    """In the last week before the SKP is due (the due day included)."""
    due = skp_due(year_starts)
    return due - timedelta(days=SKP_WARN_DAYS - 1) <= today <= due


def periods_due(today: date, periods: list[Period]) -> list[Period]:
    """Periods that ended within the last two weeks (their evaluation is due)."""
    return [p for p in periods if p.ends < today <= p.ends + timedelta(days=EVALUATION_WARN_DAYS)]
