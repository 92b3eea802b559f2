"""The city's comparison of agencies, read from the agencies' figures through the allow-listed
function (aggregates only): the table with ranks and the city's totals, and for one agency its
own figures beside the city's average and its rank.

Each figure counts only where an agency reports it (a value, not withheld): the city's average
is over those agencies, each average says how many of how many report, and a rank is given only
where at least `RANK_MINIMUM` agencies report (first of one is no standing)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kinerja.tenancy.models import Tenant

# The figures compared, each with whether more is better (the rank's direction).
RANKED: dict[str, bool] = {
    "skp_completion": True,
    "log_compliance": True,
    "log_on_time": True,
    "evaluation_completion": True,
    "jpm_average": True,
    "curve_violations": False,
}
RANK_MINIMUM = 3  # fewer reporting agencies than this: no rank for anyone on that figure


@dataclass(frozen=True)
class Row:
    tenant_id: int
    slug: str
    name: str
    kind: str
    figures: dict[str, Any]
    computed_at: datetime | None
    ranks: dict[str, int]


def read(
    session: Session, year: int, history: bool = False
) -> dict[int, tuple[dict[str, Any], datetime | None]]:
    """{tenant id: (figures, computed at)} of every agency, through the definer function
    (with each agency's daily history only when asked)."""
    return {
        tenant_id: (dict(figures or {}), computed_at)
        for tenant_id, figures, computed_at in session.execute(
            text("SELECT tenant_id, figures, computed_at FROM kinerja_agency_figures(:y, :h)"),
            {"y": year, "h": history},
        )
    }


def ranks(
    values: Mapping[int, Any], higher_is_better: bool, minimum: int = RANK_MINIMUM
) -> dict[int, int]:
    """Competition ranking (1, 2, 2, 4) of the agencies that have a value; none at all when
    fewer than `minimum` have one."""
    present = {k: v for k, v in values.items() if v is not None}
    if len(present) < minimum:
        return {}
    ordered = sorted(present.values(), reverse=higher_is_better)
    return {k: ordered.index(v) + 1 for k, v in present.items()}


def average(values: Sequence[Any]) -> float | None:
    present = [v for v in values if v is not None]
    return round(sum(present) / len(present), 1) if present else None


def table(session: Session, year: int, kind: str | None = None, history: bool = False) -> list[Row]:
    """Every agency (of `kind`, if given) with its figures and ranks within the selection."""
    found = read(session, year, history)
    tenants = [
        t
        for t in session.scalars(select(Tenant).order_by(Tenant.name))
        if t.status == "active" and (kind is None or t.kind == kind)
    ]
    by_figure = {
        name: ranks({t.id: found.get(t.id, ({}, None))[0].get(name) for t in tenants}, better)
        for name, better in RANKED.items()
    }
    return [
        Row(
            tenant_id=t.id,
            slug=t.slug,
            name=t.name,
            kind=t.kind,
            figures=found.get(t.id, ({}, None))[0],
            computed_at=found.get(t.id, ({}, None))[1],
            ranks={name: r[t.id] for name, r in by_figure.items() if t.id in r},
        )
        for t in tenants
    ]


def reporting(rows: Sequence[Row], name: str) -> int:
    """How many of the agencies report `name` (have a value; a withheld one is empty)."""
    return sum(1 for r in rows if r.figures.get(name) is not None)


def totals(rows: Sequence[Row]) -> dict[str, Any]:
    """The city's line: employees summed, shares averaged over the agencies that report them;
    `agencies` in the selection and, per figure, how many of them `reporting`."""
    return {
        "employees": sum(int(r.figures.get("employees") or 0) for r in rows),
        **{name: average([r.figures.get(name) for r in rows]) for name in RANKED},
        "agencies": len(rows),
        "reporting": {name: reporting(rows, name) for name in RANKED},
    }


def sort(rows: list[Row], key: str, descending: bool) -> list[Row]:
    """By a figure (agencies without it last), or by name."""
    if key == "name":
        return sorted(rows, key=lambda r: r.name, reverse=descending)
    present = [r for r in rows if r.figures.get(key) is not None]
    missing = [r for r in rows if r.figures.get(key) is None]
    return sorted(present, key=lambda r: r.figures[key], reverse=descending) + missing
