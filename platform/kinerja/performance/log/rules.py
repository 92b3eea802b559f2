"""The rules of daily entries as data and pure functions: statuses, who takes each step, and
the deadline (an entry for day D until the end of D + n in Medan's day, `kinerja.clock`, with or
without days off counting). No database."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources

from kinerja import clock
from kinerja.i18n import N_
from kinerja.workflow import Machine, Outcome, step

DRAFT, SUBMITTED, APPROVED, REJECTED = "draft", "submitted", "approved", "rejected"
STATES = (DRAFT, SUBMITTED, APPROVED, REJECTED)
EDITABLE = frozenset({DRAFT, REJECTED})
SUBMIT, WITHDRAW, APPROVE, REJECT = "submit", "withdraw", "approve", "reject"
ACTIONS = (SUBMIT, WITHDRAW, APPROVE, REJECT)
OWNER, VERIFIER = "owner", "verifier"  # the employee; their rater (or the admin OPD for the head)
REASON = "reason"


# The verifier needs a reason only to reject; the service answers REASON as a fact.
MACHINE = Machine(
    {
        (DRAFT, SUBMIT): step(SUBMITTED, OWNER),
        (REJECTED, SUBMIT): step(SUBMITTED, OWNER),  # corrected, sent again
        (SUBMITTED, WITHDRAW): step(DRAFT, OWNER),
        (SUBMITTED, APPROVE): step(APPROVED, VERIFIER),
        (SUBMITTED, REJECT): step(REJECTED, VERIFIER, REASON),
    }
)
available = MACHINE.available


def decide(state: str, action: str, roles: frozenset[str], reason: str | None) -> Outcome:
    """The next state, or why not: "state", "who" or "reason"."""
    return MACHINE.decide(state, action, roles, {REASON: bool((reason or "").strip())})


# --- the deadline ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Policy:
    deadline_days: int = 3
    late_allowed: bool = False
    days_off_count: bool = True  # weekends and holidays count toward the days
    keep_location: bool = False


@cache
def holidays() -> frozenset[date]:
    raw = json.loads(resources.files(__package__).joinpath("holidays.json").read_text("utf-8"))
    return frozenset(date.fromisoformat(day) for day in raw["days"])


def is_day_off(day: date, off: Iterable[date] = ()) -> bool:
    return day.weekday() >= 5 or day in off


def last_day(entry_date: date, policy: Policy, off: frozenset[date] | None = None) -> date:
    """The last day on which an entry for `entry_date` is on time."""
    off = holidays() if off is None else off
    if policy.days_off_count:
        return entry_date + timedelta(days=policy.deadline_days)
    day, counted = entry_date, 0
    while counted < policy.deadline_days:
        day += timedelta(days=1)
        if not is_day_off(day, off):
            counted += 1
    return day


def closes_at(entry_date: date, policy: Policy, off: frozenset[date] | None = None) -> datetime:
    """The moment the entry window closes: the end of `last_day` in the city's zone."""
    return clock.day_end(last_day(entry_date, policy, off))


@dataclass(frozen=True)
class Timing:
    allowed: bool
    late: bool
    closes: datetime
    problem: str | None = None  # an English msgid when not allowed


def timing(
    entry_date: date, now: datetime, policy: Policy, off: frozenset[date] | None = None
) -> Timing:
    """Whether an entry for `entry_date` may be made at `now` (any timezone), and if late."""
    today = clock.day_of(now)
    if entry_date > today:
        # Refused before its window is worked out: 31 December 9999 has no day after it (the
        # deadline overflowed, a 500); a day to come never shows its closing moment.
        return Timing(False, False, now, N_("An entry cannot be for a day still to come."))
    closes = closes_at(entry_date, policy, off)
    if now < closes:
        return Timing(True, False, closes)
    if policy.late_allowed:
        return Timing(True, True, closes)
    return Timing(False, True, closes, N_("The deadline for this day has passed (%(closes)s)."))
