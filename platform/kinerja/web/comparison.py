"""The city admin's comparison of agencies (aggregates only, each with when it was computed),
its charts, and an agency admin's view of where their agency stands."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, g, request

from kinerja import permissions as perm
from kinerja.city import charts, service
from kinerja.city.labels import ADOPTION, COLUMNS, FIGURE_WORDS, KIND_WORDS
from kinerja.db import db
from kinerja.identity.principal import current
from kinerja.performance.evaluation.labels import PREDIKAT_WORDS
from kinerja.web.city import city_admin_only
from kinerja.web.forms import form_page, year_param

bp = Blueprint("comparison", __name__)
SORTABLE = ("name", "employees", *COLUMNS, *ADOPTION)


def _selection() -> tuple[int, str | None, list[service.Row]]:
    year = year_param()
    kind = request.args.get("kind") or None
    if kind is not None and kind not in KIND_WORDS:
        kind = None
    return year, kind, service.table(db.session, year, kind)


@bp.get("/city/compare")
def compare() -> Any:
    refused = city_admin_only()
    if refused is not None:
        return refused
    year, kind, rows = _selection()
    key = request.args.get("sort", "skp_completion")
    key = key if key in SORTABLE else "skp_completion"
    descending = request.args.get("dir", "desc") != "asc"
    return form_page(
        "city_compare.html",
        None,
        year=year,
        kind=kind,
        rows=service.sort(rows, key, descending),
        totals=service.totals(rows),
        key=key,
        descending=descending,
        columns=COLUMNS,
        adoption=ADOPTION,
        words=FIGURE_WORDS,
        kinds=KIND_WORDS,
    )


CHARTS = "skp_completion, log_compliance, evaluation_completion, distribution"


@bp.get(f"/city/compare/<any({CHARTS}):name>.svg")
def chart(name: str) -> Any:
    refused = city_admin_only()
    if refused is not None:
        return refused
    year, _kind, rows = _selection()
    if name == "distribution":
        data = charts.distribution(rows, str(FIGURE_WORDS["evaluation_completion"]), PREDIKAT_WORDS)
    else:
        data = charts.ranking(rows, name, f"{FIGURE_WORDS[name]} {year} (%)")
    return Response(data, mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


@bp.get("/t/<tenant>/figures")
def agency() -> Any:
    """The agency's own figures beside the city's average and its rank among the agencies."""
    principal = current()
    if not (perm.is_agency_admin(principal) or perm.is_visiting_city_admin(principal)):
        abort(404)
    year, _kind, rows = _selection()
    mine = next((r for r in rows if r.tenant_id == g.tenant.id), None)
    names = current_app.config["CITY_PUBLISHES_NAMES"]
    return form_page(
        "agency_figures.html",
        None,
        year=year,
        mine=mine,
        count=len(rows),
        totals=service.totals(rows),
        others=[r for r in rows if r.tenant_id != g.tenant.id] if names else [],
        columns=COLUMNS,
        adoption=ADOPTION,
        words=FIGURE_WORDS,
    )
