"""Medan's clock: the one answer to "what day is it?" for the whole application.

Servers and containers usually run in UTC, while the agencies of Medan live in Western Indonesian
Time (UTC+7): between 00:00 and 07:00 WIB a server's `date.today()` is still yesterday. Every
business date (today, this month, this year, deadlines, document dates, schedules) therefore comes
from here, in the zone of `KINERJA_TIMEZONE` (default Asia/Jakarta). Stored timestamps stay aware
UTC (`datetime.now(UTC)`); the linter (ruff's DTZ rules) refuses `date.today()` and naive
`datetime.now()`.

The zone is read from the Flask app's config inside an app context (requests, jobs, the workers'
loop, the CLI) and from the environment or the default outside one (scripts, benchmarks, tests
without an app). Reading it is a context lookup and a dict access: cheap enough for hot paths.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from kinerja.config import ConfigError, timezone

ENV, KEY, DEFAULT = "KINERJA_TIMEZONE", "TIMEZONE", "Asia/Jakarta"


@lru_cache(maxsize=8)
def _named(name: str) -> ZoneInfo:
    try:
        return timezone(name or DEFAULT)
    except ValueError as exc:
        raise ConfigError(f"{ENV} {exc}") from None


def zone() -> ZoneInfo:
    """The city's time zone (the app's `TIMEZONE`, else `KINERJA_TIMEZONE`, else Asia/Jakarta)."""
    if has_app_context():
        found = current_app.config.get(KEY)
        if isinstance(found, ZoneInfo):
            return found
        if found:  # a name set on the config after start-up (tests, embedding)
            return _named(str(found))
    return _named(os.environ.get(ENV, ""))


def now() -> datetime:
    """This moment, aware, in the city's zone."""
    return datetime.now(zone())


def today() -> date:
    """The city's today."""
    return now().date()


def this_year() -> int:
    """The city's current year (the default year of plans, lists, figures and exports)."""
    return today().year


def this_month() -> date:
    """The first day of the city's current month (the default month of reports)."""
    return today().replace(day=1)


def local(moment: datetime) -> datetime:
    """An aware moment as the city's wall clock shows it; a naive one is refused (its zone is a
    guess, which is the very bug this module exists to prevent)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a naive datetime has no zone; use an aware one (datetime.now(UTC))")
    return moment.astimezone(zone())


def day_of(moment: datetime) -> date:
    """The city's date at an aware moment."""
    return local(moment).date()


def day_start(day: date) -> datetime:
    """The first moment of `day` in the city (00:00 local)."""
    return datetime.combine(day, time(), zone())


def day_end(day: date) -> datetime:
    """The first moment after `day` in the city (the next day's 00:00 local): deadlines that run
    "until the end of day D" close here, so compare with `now < day_end(D)`."""
    return day_start(day + timedelta(days=1))
