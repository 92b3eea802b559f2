"""The city's totals of a month per agency, through the allow-listed definer function
`kinerja_tpp_totals` (migration 0026): the month's state, how many employees, the amount, the
average kinerja and disiplin. Aggregates only: no NIP, no name, no line reaches the city."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kinerja.tenancy.models import Tenant

TENTH = Decimal("0.1")


@dataclass(frozen=True)
class AgencyTotal:
    slug: str
    name: str
    status: str | None  # None: the agency has no such month yet
    version: int | None
    employees: int
    total: int
    kinerja_avg: Decimal | None
    disiplin_avg: Decimal | None


def _tenth(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(TENTH, ROUND_HALF_UP)


def city_totals(session: Session, year: int, month: int) -> list[AgencyTotal]:
    """Every agency (by name) with its month's aggregates."""
    found = {
        row.tenant_id: row
        for row in session.execute(
            text(
                "SELECT tenant_id, status, version, employees, total, kinerja_avg, disiplin_avg"
                " FROM kinerja_tpp_totals(:y, :m)"
            ),
            {"y": year, "m": month},
        )
    }
    out = []
    for tenant in session.scalars(select(Tenant).order_by(Tenant.name)):
        row = found.get(tenant.id)
        out.append(
            AgencyTotal(
                slug=tenant.slug,
                name=tenant.name,
                status=row.status if row else None,
                version=row.version if row else None,
                employees=int(row.employees) if row else 0,
                total=int(row.total) if row else 0,
                kinerja_avg=_tenth(row.kinerja_avg) if row else None,
                disiplin_avg=_tenth(row.disiplin_avg) if row else None,
            )
        )
    return out


def city_sum(rows: list[AgencyTotal]) -> dict[str, int]:
    return {
        "employees": sum(r.employees for r in rows),
        "total": sum(r.total for r in rows),
        "agencies": sum(1 for r in rows if r.status is not None),
    }
