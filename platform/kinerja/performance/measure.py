"""The plan measured: each IKI's target per evaluation period and its realisation from the work
verified so far, as achievement (`kinerja.rules.iki` holds the rules; this module reads
the rows they apply to).

Realisation counts approved daily entries only (work the superior has verified); what was sent
and waits is shown beside it. An entry serves an IKI when it names it; an entry that names only
the result (RHK), such as the day's work recorded from a report form ("1 laporan"), serves the
result's indicator measured in the same unit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kinerja import rules
from kinerja.performance import periods, years
from kinerja.performance.log import rules as log_rules
from kinerja.performance.log.models import WorkEntry
from kinerja.performance.models import Iki, Rhk, Skp
from kinerja.rules import iki as iki_rules

YEAR = 0  # the number of the whole year among the periods, as evaluations number it


# --- targets -----------------------------------------------------------------------------------
def _number(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def iki_row(values: Mapping[str, Any], frequency: str) -> dict[str, Any]:
    """An indicator loaded through `inputs.IkiInput` as its row's values: targets per period
    kept with the frequency they were set for."""
    row = dict(values)
    given = row.pop("period_targets", None)
    row["period_targets"] = (
        None
        if not given
        else {
            "frequency": frequency,
            "targets": [{"low": _number(t["low"]), "high": _number(t.get("high"))} for t in given],
        }
    )
    return row


def _decimal(raw: Any) -> Decimal | None:
    return None if raw is None else Decimal(str(raw))


def targets(iki: Iki, frequency: str, count: int) -> tuple[list[iki_rules.Target], bool]:
    """The IKI's target in each of `count` periods, and whether they were set per period (else
    the year's split, or repeated for a level). Targets set for another frequency than the
    agency's now are not used."""
    stored = iki.period_targets or {}
    given = stored.get("targets") or []
    if stored.get("frequency") == frequency and len(given) == count:
        return [(Decimal(str(t["low"])), _decimal(t.get("high"))) for t in given], True
    if iki.target_low is None:
        return [], False
    split = rules.split(iki.target_low, iki.target_high, count, iki.aspect, iki.unit)
    return split, False


# --- realisation -------------------------------------------------------------------------------
@dataclass
class _Work:
    """Quantities of one IKI's work, per day: approved (counted) and sent (waiting)."""

    approved: dict[date, list[Decimal]] = field(default_factory=lambda: defaultdict(list))
    waiting: dict[date, list[Decimal]] = field(default_factory=lambda: defaultdict(list))


def _owner(ikis: Sequence[Iki]) -> dict[tuple[int, str], int]:
    """(RHK, unit) → the IKI an entry naming only the RHK serves: the first one in that unit."""
    found: dict[tuple[int, str], int] = {}
    for iki in ikis:
        found.setdefault((iki.rhk_id, (iki.unit or "").strip().casefold()), iki.id)
    return found


def work(
    session: Session, employee_id: int, ikis: Sequence[Iki], starts: date, ends: date
) -> dict[int, _Work]:
    """Per IKI, the quantities of the employee's sent and approved entries in [starts, ends]."""
    found: dict[int, _Work] = {iki.id: _Work() for iki in ikis}
    if not ikis:
        return found
    owner = _owner(ikis)
    rows = session.execute(
        select(
            WorkEntry.entry_date,
            WorkEntry.iki_id,
            WorkEntry.rhk_id,
            func.lower(func.trim(WorkEntry.unit)),
            WorkEntry.status,
            func.sum(WorkEntry.quantity),
            func.count(),
        )
        .where(
            WorkEntry.employee_id == employee_id,
            WorkEntry.entry_date.between(starts, ends),
            WorkEntry.status.in_((log_rules.SUBMITTED, log_rules.APPROVED)),
            WorkEntry.quantity.is_not(None),
            WorkEntry.rhk_id.in_({iki.rhk_id for iki in ikis}),
        )
        .group_by(
            WorkEntry.entry_date,
            WorkEntry.iki_id,
            WorkEntry.rhk_id,
            func.lower(func.trim(WorkEntry.unit)),
            WorkEntry.status,
        )
    )
    for day, iki_id, rhk_id, unit, status, total, count in rows:
        target = iki_id if iki_id in found else owner.get((rhk_id, (unit or "").casefold()))
        if target is None:
            continue
        into = found[target].approved if status == log_rules.APPROVED else found[target].waiting
        # a day's sum of `count` entries: kept as `count` equal parts, so a mean stays right
        into[day].extend([total / count] * count)
    return found


def counted(
    session: Session, employee_id: int, ikis: Sequence[Iki], starts: date, ends: date
) -> dict[int, list[int]]:
    """Per IKI, the ids of the approved entries in [starts, ends] whose quantities make its
    realisation (the rule of `work`: its own IKI named, or the RHK with the IKI's unit): what
    an evaluation proposes as bukti dukung with the realisation it proposes."""
    found: dict[int, list[int]] = {iki.id: [] for iki in ikis}
    if not ikis:
        return found
    owner = _owner(ikis)
    rows = session.execute(
        select(WorkEntry.id, WorkEntry.iki_id, WorkEntry.rhk_id, WorkEntry.unit)
        .where(
            WorkEntry.employee_id == employee_id,
            WorkEntry.entry_date.between(starts, ends),
            WorkEntry.status == log_rules.APPROVED,
            WorkEntry.quantity.is_not(None),
            WorkEntry.rhk_id.in_({iki.rhk_id for iki in ikis}),
        )
        .order_by(WorkEntry.entry_date, WorkEntry.id)
    )
    for entry_id, iki_id, rhk_id, unit in rows:
        key = (rhk_id or 0, (unit or "").strip().casefold())
        target = iki_id if iki_id in found else owner.get(key)
        if target is not None:
            found[target].append(entry_id)
    return found


def _within(by_day: Mapping[date, list[Decimal]], starts: date, ends: date) -> list[Decimal]:
    return [q for day, quantities in by_day.items() if starts <= day <= ends for q in quantities]


# --- achievement -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Measured:
    """One IKI over one span (a period, or the year: `number` 0)."""

    number: int
    starts: date
    ends: date
    target_low: Decimal | None
    target_high: Decimal | None
    realisation: Decimal | None  # from approved work
    waiting: Decimal | None  # sent, not verified yet (the same rule: a sum or a mean)
    percent: int | None

    @property
    def bar(self) -> int:
        return iki_rules.bar(self.percent)

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.number,
            "starts": self.starts.isoformat(),
            "ends": self.ends.isoformat(),
            "target_low": _number(self.target_low),
            "target_high": _number(self.target_high),
            "realisation": _number(self.realisation),
            "waiting": _number(self.waiting),
            "percent": self.percent,
        }


@dataclass(frozen=True)
class IkiProgress:
    iki_id: int
    unit: str | None
    set_per_period: bool
    year: Measured
    periods: list[Measured]
    current: int | None  # the number of the period holding today, if any

    def as_dict(self) -> dict[str, Any]:
        return {
            "iki_id": self.iki_id,
            "unit": self.unit,
            "set_per_period": self.set_per_period,
            "year": self.year.as_dict(),
            "periods": [p.as_dict() for p in self.periods],
            "current_period": self.current,
        }


def _measure(
    iki: Iki, done: _Work, number: int, span: periods.Period, target: iki_rules.Target
) -> Measured:
    low, high = target
    approved = _within(done.approved, span.starts, span.ends)
    waiting = _within(done.waiting, span.starts, span.ends)
    realised = rules.realisation(approved, iki.aspect, iki.unit)
    return Measured(
        number,
        span.starts,
        span.ends,
        low,
        high,
        realised,
        rules.realisation(waiting, iki.aspect, iki.unit) if waiting else None,
        rules.achievement(realised, low, high, iki.aspect) if iki.target_low is not None else None,
    )


def measured_ikis(session: Session, skp: Skp) -> list[Iki]:
    """The plan's own indicators (not a proposal handed down and not accepted yet)."""
    return list(
        session.scalars(
            select(Iki)
            .join(Rhk, Rhk.id == Iki.rhk_id)
            .where(Rhk.skp_id == skp.id, Rhk.proposed.is_(False))
            .order_by(Rhk.position, Rhk.id, Iki.position, Iki.id)
        )
    )


def progress(
    session: Session, skp: Skp, today: date | None = None, ikis: Iterable[Iki] | None = None
) -> dict[int, IkiProgress]:
    """Per IKI of the plan: the year and each period, target against approved realisation
    (`today`: to say which period is the current one)."""
    chosen = list(ikis) if ikis is not None else measured_ikis(session, skp)
    info = years.info(session, skp.year)
    frequency = years.frequency(session, skp.year)
    spans = years.periods_of(session, skp.year)
    done = work(session, skp.employee_id, chosen, info.starts, info.ends)
    now = periods.containing(spans, today) if today is not None else None
    whole = periods.Period(YEAR, info.starts, info.ends)
    out: dict[int, IkiProgress] = {}
    for iki in chosen:
        per_period, set_here = targets(iki, frequency, len(spans))
        measured = [
            _measure(iki, done[iki.id], span.number, span, target)
            for span, target in zip(spans, per_period, strict=False)
        ]
        out[iki.id] = IkiProgress(
            iki.id,
            iki.unit,
            set_here,
            _measure(iki, done[iki.id], YEAR, whole, (iki.target_low, iki.target_high))
            if iki.target_low is not None
            else Measured(YEAR, info.starts, info.ends, None, None, None, None, None),
            measured,
            now.number if now is not None else None,
        )
    return out


def for_period(session: Session, skp: Skp, number: int) -> dict[int, Measured]:
    """Per IKI, the target of period `number` (0: the year) and the realisation of its approved
    work: what an evaluation of that period proposes and compares."""
    found = progress(session, skp)
    out: dict[int, Measured] = {}
    for iki_id, measured in found.items():
        if number == YEAR:
            out[iki_id] = measured.year
        else:
            match = next((p for p in measured.periods if p.number == number), None)
            if match is not None:
                out[iki_id] = match
    return out


def overall(found: Mapping[int, IkiProgress]) -> int | None:
    """One figure for a plan: the mean achievement of its IKI over the year so far, each
    capped at 100 % (the team table)."""
    return rules.overall([p.year.percent for p in found.values()])
