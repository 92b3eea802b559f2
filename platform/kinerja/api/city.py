"""The city's comparison through the API (the city admin, signed in: there are no city-wide
tokens): every agency's figures with ranks, the city's line, each with when it was computed."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView

from kinerja import clock
from kinerja import permissions as perm
from kinerja.api.common import Blueprint, abort
from kinerja.api.schemas import query_year
from kinerja.city import service
from kinerja.db import db
from kinerja.identity.principal import current

blp = Blueprint(
    "city_api",
    __name__,
    url_prefix="/api/v1/city",
    description="The city admin's comparison of agencies: aggregates only, computed by jobs.",
)


@blp.route("/figures")
class CityFigures(MethodView):
    def get(self) -> Any:
        """Every agency's figures of `?year=` (and `?kind=`), with ranks and the city's line"""
        principal = current()
        if not principal.authenticated:
            abort(401)
        if not perm.is_city_admin(principal):
            abort(404)
        # Read after the check of who asks: others learn nothing of the arguments.
        year = query_year() or clock.this_year()
        rows = service.table(db.session, year, request.args.get("kind") or None)
        return {
            "year": year,
            # averages over the agencies reporting each figure (`reporting`, of `agencies`)
            "city": service.totals(rows),
            "rank_minimum": service.RANK_MINIMUM,
            "agencies": [
                {
                    "slug": r.slug,
                    "name": r.name,
                    "kind": r.kind,
                    "figures": {k: v for k, v in r.figures.items() if k != "history"},
                    "ranks": r.ranks,
                    "computed_at": r.computed_at.isoformat() if r.computed_at else None,
                }
                for r in rows
            ],
        }
