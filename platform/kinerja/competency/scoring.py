"""Pure rules of an assessment: the required levels of a position, the level assessed from the
rater sources (with the anonymity threshold), the gap, and the talent axes. No database here:
the service reads rows and calls these."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources
from typing import Any

from kinerja import rules
from kinerja.rules.talent import MENENGAH, RENDAH, TINGGI

SELF, SUPERIOR, PEER, SUBORDINATE, ASSESSOR = "self", "superior", "peer", "subordinate", "assessor"
RATER_SOURCES = (SELF, SUPERIOR, PEER, SUBORDINATE)  # the sources of a 360° campaign
ANONYMOUS = frozenset({PEER, SUBORDINATE})  # shown only aggregated, from `minimum` raters up
LOWEST_MINIMUM = 3  # the anonymity minimum can be raised, never lowered below this
CENT = Decimal("0.01")


@cache
def defaults() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("talent.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def default_level(
    rows: Iterable[tuple[str, int, int]], position_type: str, grade: int | None
) -> int | None:
    """The city's default level for a position: among (type, from_grade, level) rows of its
    type, the one with the highest from_grade not above its grade (no grade: grade 0)."""
    best: tuple[int, int] | None = None
    for kind, from_grade, level in rows:
        fits = kind == position_type and from_grade <= (grade or 0)
        if fits and (best is None or from_grade > best[0]):
            best = (from_grade, level)
    return best[1] if best else None


def required(
    core_codes: Sequence[str], default: int | None, overrides: Mapping[str, int]
) -> dict[str, int]:
    """A position's required levels: the default level for every core competency (manajerial
    and sosial kultural), then the position's own rows (level 0 removes one; technical ones are
    only there when a row adds them)."""
    levels = {code: default for code in core_codes if default}
    for code, level in overrides.items():
        if level:
            levels[code] = level
        else:
            levels.pop(code, None)
    return {code: int(level) for code, level in levels.items() if level}


@dataclass(frozen=True)
class SourceView:
    """What may be shown of one source for one competency: the mean and how many answered.
    An anonymous source is `hidden` (no mean) when fewer than the minimum answered, and while
    the campaign is open (no count either: watching a live mean or count move as people answer
    would tell who gave what)."""

    source: str
    count: int | None
    mean: Decimal | None
    hidden: bool


def _mean(levels: Sequence[int]) -> Decimal:
    return (Decimal(sum(levels)) / len(levels)).quantize(CENT, rounding=ROUND_HALF_UP)


def sources_of(
    levels_by_source: Mapping[str, Sequence[int]], minimum: int, closed: bool = True
) -> dict[str, SourceView]:
    """Each source's view under the anonymity rule (minimum never below 3; anonymous sources
    only once the campaign is closed)."""
    floor = max(minimum, LOWEST_MINIMUM)
    views = {}
    for source, levels in levels_by_source.items():
        anonymous = source in ANONYMOUS
        if anonymous and not closed:
            views[source] = SourceView(source, None, None, True)
            continue
        hidden = anonymous and rules.too_few(len(levels), floor)
        views[source] = SourceView(
            source, len(levels), None if hidden or not levels else _mean(levels), hidden
        )
    return views


def assessed_level(views: Mapping[str, SourceView], weights: Mapping[str, int]) -> Decimal | None:
    """The level assessed for one competency. An assessment centre's result, when there is one,
    is the level; otherwise the weighted mean of the sources that may be shown (a hidden source
    counts for nothing: its mean would give away the few who answered)."""
    assessor = views.get(ASSESSOR)
    if assessor is not None and assessor.mean is not None:
        return assessor.mean
    total, weight_sum = Decimal(0), Decimal(0)
    for source, view in views.items():
        weight = Decimal(weights.get(source, 0))
        if view.mean is None or weight <= 0:
            continue
        total += view.mean * weight
        weight_sum += weight
    if weight_sum == 0:
        return None
    return (total / weight_sum).quantize(CENT, rounding=ROUND_HALF_UP)


def gaps(assessed: Mapping[str, Decimal], needed: Mapping[str, int]) -> dict[str, Decimal]:
    """Assessed minus required per required competency (not assessed: minus the whole level)."""
    return {
        code: (assessed.get(code, Decimal(0)) - Decimal(level)).quantize(CENT)
        for code, level in needed.items()
    }


def potensial(percent: Decimal | None, cut_offs: Mapping[str, Decimal]) -> str | None:
    """The potensial axis from the JPM %: TINGGI from `cut_offs['TINGGI']`, MENENGAH from
    `cut_offs['MENENGAH']`, else RENDAH (a lower bound is included)."""
    if percent is None:
        return None
    if percent >= Decimal(cut_offs["TINGGI"]):
        return TINGGI
    if percent >= Decimal(cut_offs["MENENGAH"]):
        return MENENGAH
    return RENDAH


def kinerja(predikat: str | None, mapping: Mapping[str, str] | None = None) -> str | None:
    """The kinerja axis from an annual predikat (mapping as data)."""
    if predikat is None:
        return None
    table = mapping if mapping is not None else defaults()["kinerja_from_predikat"]
    if predikat not in table:
        raise ValueError(f"unknown predikat: {predikat!r}")
    return str(table[predikat])


def box(kinerja_axis: str | None, potensial_axis: str | None) -> int | None:
    if kinerja_axis is None or potensial_axis is None:
        return None
    return rules.nine_box(kinerja_axis, potensial_axis)
