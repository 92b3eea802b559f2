"""Achievement of an IKI: realisation against target, per aspect (PermenPANRB 6/2022; domain.md,
"Progress per IKI is realisation ÷ target for the period, as a percentage").

An aspect says two things, kept as data in `ASPECTS`:
- which way is better: more (kuantitas, kualitas) or less (waktu: days taken; biaya: money
  spent);
- whether it adds up over time: a count or an amount (kuantitas, biaya) is the sum of the
  period's work and the year's target is split across the periods; a level (kualitas, a
  percentage, the days one case takes) is the same target in every period and the period's
  realisation is the mean of what was measured.
A target is one number or a range (low to high): inside the range is 100 %.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

HIGHER, LOWER = "higher", "lower"


@dataclass(frozen=True)
class Aspect:
    better: str  # HIGHER or LOWER
    adds_up: bool  # summed over time (and the year's target split over the periods)


KUANTITAS, KUALITAS, WAKTU, BIAYA = "kuantitas", "kualitas", "waktu", "biaya"
ASPECTS: Mapping[str, Aspect] = {
    KUANTITAS: Aspect(HIGHER, True),
    KUALITAS: Aspect(HIGHER, False),
    WAKTU: Aspect(LOWER, False),
    BIAYA: Aspect(LOWER, True),
}
# A target in one of these units is a level, whatever its aspect (95 % every quarter).
LEVEL_UNITS = frozenset({"%", "persen", "persentase", "percent", "indeks", "poin", "nilai"})
CENT = Decimal("0.01")

Target = tuple[Decimal, Decimal | None]  # (low, high); high None: one number


def _aspect(aspect: str | None, table: Mapping[str, Aspect] | None) -> Aspect:
    found = (ASPECTS if table is None else table).get(aspect or KUANTITAS)
    if found is None:
        raise ValueError(f"unknown aspect {aspect!r}; expected one of {', '.join(ASPECTS)}")
    return found


def adds_up(
    aspect: str | None, unit: str | None, aspects: Mapping[str, Aspect] | None = None
) -> bool:
    """Whether the IKI's realisation is a sum over time (else a level, measured each period).
    No aspect (a qualitative plan's indicator) counts as kuantitas."""
    if (unit or "").strip().casefold() in LEVEL_UNITS:
        return False
    return _aspect(aspect, aspects).adds_up


def period_sum_problems(
    low: Decimal | None,
    high: Decimal | None,
    per_period: Sequence[Target],
    aspect: str | None,
    unit: str | None,
    aspects: Mapping[str, Aspect] | None = None,
) -> list[tuple[str, Decimal, Decimal]]:
    """Where targets set per period must add up to the year's (an aspect that adds up, not a
    level, as `split` divides them), the ends that do not: (end, the periods' sum, the year's)
    for "low" and "high". A level's periods each stand alone: nothing to add up."""
    if low is None or not per_period or not adds_up(aspect, unit, aspects):
        return []
    # Numbers may come as text (a service called with the API's strings): compared as numbers.
    low = Decimal(str(low))
    high = None if high is None else Decimal(str(high))
    found = []
    lows = sum((Decimal(str(t[0])) for t in per_period), Decimal(0))
    if lows != low:
        found.append(("low", lows, low))
    if high is not None and all(t[1] is not None for t in per_period):
        highs = sum((Decimal(str(t[1] or 0)) for t in per_period), Decimal(0))
        if highs != high:
            found.append(("high", highs, high))
    return found


def split(
    low: Decimal,
    high: Decimal | None,
    periods: int,
    aspect: str | None,
    unit: str | None,
    aspects: Mapping[str, Aspect] | None = None,
) -> list[Target]:
    """The year's target per period: split evenly where it adds up (in cents, the last period
    taking what rounding left, so the periods add up to the year), else the same each period."""
    if periods < 1:
        raise ValueError(f"periods must be at least 1, not {periods!r}")
    if not adds_up(aspect, unit, aspects):
        return [(low, high)] * periods

    def parts(total: Decimal) -> list[Decimal]:
        each = (total / periods).quantize(CENT, rounding=ROUND_HALF_UP)
        return [each] * (periods - 1) + [total - each * (periods - 1)]

    lows = parts(low)
    highs: list[Decimal | None] = list(parts(high)) if high is not None else [None] * periods
    return list(zip(lows, highs, strict=True))


def realisation(
    quantities: Sequence[Decimal],
    aspect: str | None,
    unit: str | None,
    aspects: Mapping[str, Aspect] | None = None,
) -> Decimal | None:
    """A period's realisation from the quantities of its work: their sum where the IKI adds
    up (nothing done: 0), else their mean (nothing measured: None)."""
    if adds_up(aspect, unit, aspects):
        return sum(quantities, Decimal(0))
    if not quantities:
        return None
    return (sum(quantities, Decimal(0)) / len(quantities)).quantize(CENT, rounding=ROUND_HALF_UP)


def achievement(
    realised: Decimal | None,
    low: Decimal | None,
    high: Decimal | None,
    aspect: str | None,
    aspects: Mapping[str, Aspect] | None = None,
) -> int | None:
    """Realisation against target as a whole percentage rounded down (so 100 means met; above
    100 when exceeded), None when
    it cannot be measured: no realisation or no numeric target, a target of 0 where more is
    better, a realisation of 0 where less is better (nothing spent, no time taken: nothing to
    compare). Inside a range is 100; beyond it, measured against the nearer end."""
    if realised is None or low is None:
        return None
    better = _aspect(aspect, aspects).better
    top = high if high is not None else low
    if better == HIGHER:
        if realised < low:
            ratio = realised / low if low > 0 else None
        elif realised > top:
            ratio = realised / top if top > 0 else None
        else:
            return 100 if low > 0 or realised > 0 else None
    else:
        if realised <= 0:
            return None
        if realised > top:
            ratio = top / realised
        elif realised < low:
            ratio = low / realised
        else:
            return 100
    if ratio is None:
        return None
    # Down, never up: 5.02 days against 5 is 99.6%, shown 99, never a "100" (and a green bar)
    # that says the target was met when it was not.
    return int((ratio * 100).quantize(Decimal(1), rounding=ROUND_FLOOR))


def bar(percent: int | None) -> int:
    """How far a bar is filled: the percentage, 0 to 100 (over-achievement is shown as the
    number beside a full bar)."""
    return max(0, min(100, percent or 0))


def overall(percents: Sequence[int | None]) -> int | None:
    """One figure for several IKI: the mean of their achievements, each capped at 100 % (one
    exceeded target does not hide another missed); None when none can be measured."""
    known = [bar(p) for p in percents if p is not None]
    if not known:
        return None
    # Down as each achievement is: 100 only when every target was met.
    return int((Decimal(sum(known)) / len(known)).quantize(Decimal(1), rounding=ROUND_FLOOR))
