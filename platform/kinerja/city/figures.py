"""One agency's figures of a year, computed inside the agency (its own rows, its tenant's
session) by a background job, and kept as counts and shares in `agency_figures`. Nothing here
runs at the city's request time.

Figures (shares are percentages with one decimal, None when there is nothing to divide by):
employees; SKP per state and completion (approved ÷ employees); daily-log compliance (working
days with a sent entry ÷ employee-working-days so far this year) and approved on time
(approved and not late ÷ sent); evaluation completion (approved annual ÷ approved SKP);
predikat counts and the curve's violations; average JPM and nine-box counts; adoption (signed in
ever, with an SKP, logged this week)."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import distinct, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from kinerja import clock, redis, rules
from kinerja.city.models import AgencyFigures
from kinerja.db.scoping import current_tenant_id
from kinerja.identity.models import User
from kinerja.people.models import Employee
from kinerja.performance.evaluation import service as evaluations
from kinerja.performance.log import rules as log_rules
from kinerja.performance.log.models import WorkEntry
from kinerja.performance.models import Skp
from kinerja.plugins.types import Competency

TENTH = Decimal("0.1")
log = logging.getLogger(__name__)


def share(part: int | float | Decimal, whole: int | float | Decimal) -> float | None:
    """part ÷ whole in percent, one decimal half up; None when the whole is 0."""
    if not whole:
        return None
    value = (Decimal(str(part)) * 100 / Decimal(str(whole))).quantize(TENTH, ROUND_HALF_UP)
    return float(value)


def working_days(starts: date, ends: date, off: frozenset[date]) -> int:
    """Weekdays that are not holidays, both ends included."""
    days = (starts + timedelta(days=n) for n in range((ends - starts).days + 1))
    return sum(1 for d in days if not log_rules.is_day_off(d, off))


def compute(
    session: Session, year: int, today: date, dictionary: dict[str, Competency] | None = None
) -> dict[str, Any]:
    """The figures of the session's agency for `year`, as of `today`."""
    employees = int(
        session.scalar(select(func.count()).select_from(Employee).where(Employee.active)) or 0
    )
    skp = dict(
        (status, int(n))
        for status, n in session.execute(
            select(Skp.status, func.count()).where(Skp.year == year).group_by(Skp.status)
        )
    )
    first = date(year, 1, 1)
    last = min(today, date(year, 12, 31))
    days = working_days(first, last, log_rules.holidays()) if last >= first else 0
    sent_days = int(
        session.scalar(
            select(
                func.count(distinct(func.concat(WorkEntry.employee_id, "|", WorkEntry.entry_date)))
            ).where(
                WorkEntry.entry_date.between(first, last),
                WorkEntry.status != log_rules.DRAFT,
            )
        )
        or 0
    )
    sent, on_time, senders = session.execute(
        select(
            func.count(),
            func.count().filter(WorkEntry.status == log_rules.APPROVED, WorkEntry.late.is_(False)),
            func.count(distinct(WorkEntry.employee_id)),
        ).where(WorkEntry.entry_date.between(first, last), WorkEntry.status != log_rules.DRAFT)
    ).one()
    predikat = evaluations.distribution(session, year)
    level = evaluations.achievement(session, year)
    annual = sum(predikat.values())
    week_start = today - timedelta(days=today.weekday())
    logged_this_week = int(
        session.scalar(
            select(func.count(distinct(WorkEntry.employee_id))).where(
                WorkEntry.entry_date >= week_start
            )
        )
        or 0
    )
    signed_in = int(
        session.scalar(
            select(func.count())
            .select_from(Employee)
            .join(User, User.id == Employee.user_id)
            .where(Employee.active, User.last_login_at.is_not(None))
        )
        or 0
    )
    talent = _talent(session, dictionary) if dictionary is not None else {}
    # Every figure about people is withheld where too few stand behind it (an agency's
    # on-time share of one sender is that person's record): named under `suppressed`.
    withheld = Withheld()
    everyone = int(employees)
    figures = {
        "employees": employees,
        "skp": withheld("skp", skp, sum(skp.values()), {}),
        "skp_completion": withheld(
            "skp_completion", share(skp.get("approved", 0), employees), everyone
        ),
        "log_compliance": withheld("log_compliance", share(sent_days, employees * days), everyone),
        "log_on_time": withheld("log_on_time", share(int(on_time), int(sent)), int(senders)),
        "evaluation_completion": withheld(
            "evaluation_completion", share(annual, skp.get("approved", 0)), annual
        ),
        "predikat": withheld("predikat", predikat, annual, {}),
        "achievement": level.level if level else None,
        "curve_violations": withheld(
            "curve_violations",
            len(rules.curve_violations(level.level, predikat)) if level and annual else None,
            annual,
        ),
        "signed_in": withheld("signed_in", share(signed_in, employees), everyone),
        "with_skp": withheld("with_skp", share(sum(skp.values()), employees), everyone),
        "logged_this_week": withheld(
            "logged_this_week", share(logged_this_week, employees), everyone
        ),
        **talent,
    }
    figures["suppressed"] = {**withheld.names, **talent.get("suppressed", {})}
    return figures


class Withheld:
    """One figure at a time: its value, or its empty form where 1 to `KINERJA_MIN_GROUP` - 1
    people stand behind it (`rules.suppress`); remembers what it withheld and why."""

    def __init__(self) -> None:
        from kinerja.competency import results

        self.minimum = results.group_minimum()
        self.names: dict[str, dict[str, Any]] = {}

    def __call__(self, name: str, value: Any, size: int, empty: Any = None) -> Any:
        shown = rules.suppress(value, size, self.minimum)
        if not shown.suppressed:
            return value
        self.names[name] = {"reason": shown.reason, "minimum": self.minimum}
        return empty


def _talent(session: Session, dictionary: dict[str, Competency]) -> dict[str, Any]:
    """The average JPM and the nine-box counts, each withheld (None, named under `suppressed`
    with its reason) when fewer than the group minimum stand behind it: an agency's average of
    one assessed person is that person's JPM."""
    from kinerja.competency import results

    people = [e.id for e in session.scalars(select(Employee).where(Employee.active))]
    found = results.of_people(session, people, dictionary)
    minimum = results.group_minimum()
    percents = [r.jpm for r in found.values() if r.jpm is not None]
    average = (sum(percents, Decimal(0)) / len(percents)).quantize(TENTH) if percents else None
    jpm = rules.suppress(float(average) if average is not None else None, len(percents), minimum)
    boxes = results.grid(found.values(), minimum)
    shown: dict[str, rules.Shown[Any]] = {"jpm_average": jpm, "nine_box": boxes}
    return {
        "jpm_average": jpm.value,
        "jpm_assessed": len(percents),
        "nine_box": {str(n): len(ids) for n, ids in boxes.value.items()}
        if boxes.value is not None
        else None,
        "suppressed": {
            name: {"reason": value.reason, "minimum": minimum}
            for name, value in shown.items()
            if value.suppressed
        },
    }


HISTORY_DAYS = 120  # daily points kept for "over time" (aggregates, like the rest)
TRACKED = ("skp_completion", "log_compliance", "log_on_time", "evaluation_completion")


def with_history(
    earlier: dict[str, Any] | None, figures: dict[str, Any], day: date
) -> dict[str, Any]:
    """The figures with the day's point added to the earlier ones' history (one per day, the
    latest of the day kept; at most HISTORY_DAYS)."""
    points = [p for p in (earlier or {}).get("history", []) if p.get("day") != day.isoformat()]
    points.append({"day": day.isoformat(), **{k: figures.get(k) for k in TRACKED}})
    return {**figures, "history": sorted(points, key=lambda p: p["day"])[-HISTORY_DAYS:]}


def store(session: Session, year: int, figures: dict[str, Any]) -> None:
    """Keep the figures with the moment they were made (and no longer stale), and the day's
    point of their history."""
    now = datetime.now(UTC)
    earlier = session.get(AgencyFigures, {"tenant_id": current_tenant_id(session), "year": year})
    figures = with_history(earlier.figures if earlier else None, figures, clock.day_of(now))
    session.execute(
        pg_insert(AgencyFigures)
        .values(
            tenant_id=current_tenant_id(session),
            year=year,
            figures=figures,
            computed_at=now,
        )
        .on_conflict_do_update(
            index_elements=["tenant_id", "year"],
            set_={"figures": figures, "computed_at": now},
        )
    )


STALE = "kinerja:figures:stale:{tenant}"  # a Redis set of the agency's years to recompute


def mark_stale(session: Session, year: int) -> None:
    """Something changed the year's figures: the next round recomputes them (many changes in a
    round cost one computation). Kept in Redis, outside the change's transaction: no lock for
    concurrent approvals to wait on; if Redis is down the nightly refresh catches up."""
    try:
        redis.client(current_app).sadd(STALE.format(tenant=current_tenant_id(session)), year)
    except (RedisError, RuntimeError) as error:  # Redis down, or no application here
        log.warning("figures not marked stale: %s", error)


def stale_years(tenant_id: int) -> set[int]:
    """The years marked stale, taken (the caller schedules them)."""
    client = redis.client(current_app)
    key = STALE.format(tenant=tenant_id)
    years = {int(y) for y in client.smembers(key)}
    if years:
        client.srem(key, *years)
    return years


def due(session: Session, today: date, stale: set[int] | frozenset[int] = frozenset()) -> list[int]:
    """Years whose figures must be (re)computed: the stale ones, and this year's when it has
    not been computed today (the nightly refresh)."""
    years = set(stale)
    current = session.get(
        AgencyFigures, {"tenant_id": current_tenant_id(session), "year": today.year}
    )
    if current is None or current.computed_at is None or clock.day_of(current.computed_at) < today:
        years.add(today.year)
    return sorted(years)
