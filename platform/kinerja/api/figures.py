"""The agency's figures through the API: its own beside the city's average and its rank (the
other agencies only by their aggregates, and by name only where the city publishes them)."""

from __future__ import annotations

from typing import Any

from flask import current_app, g
from flask.views import MethodView

from kinerja import clock
from kinerja import permissions as perm
from kinerja.api.common import Blueprint
from kinerja.api.people import BEARER
from kinerja.api.schemas import YearQuerySchema
from kinerja.city import service
from kinerja.city.permissions import AGENCY_FIGURES
from kinerja.db import db
from kinerja.identity.principal import require

blp = Blueprint(
    "figures_api",
    __name__,
    url_prefix="/api/v1/tenants/<tenant>/figures",
    description="The agency's figures (SKP completion, daily-log compliance, evaluations, the "
    "curve, JPM, nine-box, adoption), computed by background jobs, beside the city's average "
    "and the agency's rank.",
)


@blp.route("")
class Figures(MethodView):
    @blp.arguments(YearQuerySchema, location="query")
    @blp.doc(security=BEARER)
    def get(self, args: dict[str, Any]) -> Any:
        """Your agency's figures of `?year=` (the admin OPD, the head and those the agency
        names), the city average and your rank"""
        require(perm.VIEW, perm.Resource(AGENCY_FIGURES, g.tenant.id))
        year = args.get("year") or clock.this_year()
        rows = service.table(db.session, year)
        mine = next((r for r in rows if r.tenant_id == g.tenant.id), None)
        city = service.totals(rows)
        answer: dict[str, Any] = {
            "year": year,
            "agencies": len(rows),
            "figures": mine.figures if mine else {},
            "computed_at": mine.computed_at.isoformat() if mine and mine.computed_at else None,
            # a rank only where at least `rank_minimum` agencies report the figure
            "ranks": mine.ranks if mine else {},
            "rank_minimum": service.RANK_MINIMUM,
            # each average is over the agencies that report the figure: `reporting` of them
            "city_average": {k: v for k, v in city.items() if k not in ("agencies", "reporting")},
            "reporting": city["reporting"],
        }
        if current_app.config["CITY_PUBLISHES_NAMES"]:
            answer["others"] = [
                {"name": r.name, "figures": r.figures} for r in rows if r.tenant_id != g.tenant.id
            ]
        return answer
