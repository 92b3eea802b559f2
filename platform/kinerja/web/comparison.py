"""The city admin's comparison of agencies (aggregates only, each with when it was computed),
its charts, and an agency admin's view of where their agency stands."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, g, redirect, request, url_for
from sqlalchemy import select

from kinerja import numbers
from kinerja import permissions as perm
from kinerja.city import charts, service
from kinerja.city.labels import ADOPTION, COLUMNS, FIGURE_WORDS, KIND_WORDS, NO_DATA, reporting
from kinerja.city.permissions import AGENCY_FIGURES
from kinerja.db import db
from kinerja.exceptions import ServiceError
from kinerja.exports import service as exports
from kinerja.exports import tables
from kinerja.exports.models import Export
from kinerja.httpkit import send_export
from kinerja.i18n import _
from kinerja.identity.principal import current, require
from kinerja.jobs.models import BackgroundJob
from kinerja.performance.evaluation.labels import PREDIKAT_WORDS
from kinerja.tenancy.models import Tenant
from kinerja.web.city import city_admin_only
from kinerja.web.exports import status_json, status_page
from kinerja.web.forms import form_page, year_param
from kinerja.web.paging import paged_list

bp = Blueprint("comparison", __name__)
SORTABLE = ("name", "employees", *COLUMNS, *ADOPTION)
COMPARE_PAGE = 20  # agencies a page (the city has 58): sorted across all, then cut
OVER_TIME = _("City average over time")


def _selection(history: bool = False) -> tuple[int, str | None, list[service.Row]]:
    year = year_param()
    kind = request.args.get("kind") or None
    if kind is not None and kind not in KIND_WORDS:
        kind = None
    return year, kind, service.table(db.session, year, kind, history)


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
        rows=paged_list(
            service.sort(rows, key, descending),
            size=COMPARE_PAGE,
            keep={"year": year, "kind": kind, "sort": key, "dir": "desc" if descending else "asc"},
        ),
        totals=service.totals(rows),  # the city's line: every agency, whatever the page
        rank_minimum=service.RANK_MINIMUM,
        key=key,
        descending=descending,
        columns=COLUMNS,
        adoption=ADOPTION,
        words=FIGURE_WORDS,
        kinds=KIND_WORDS,
    )


CHARTS = "skp_completion, log_compliance, evaluation_completion, distribution, over_time"


@bp.get(f"/city/compare/<any({CHARTS}):name>.svg")
def chart(name: str) -> Any:
    refused = city_admin_only()
    if refused is not None:
        return refused
    year, _kind, rows = _selection(history=name == "over_time")
    empty = str(NO_DATA)
    if name == "distribution":
        evaluated = sum(1 for r in rows if sum((r.figures.get("predikat") or {}).values()))
        told = reporting(evaluated, len(rows))
        title = f"{FIGURE_WORDS['evaluation_completion']} · {told}"
        data = charts.distribution(rows, title, PREDIKAT_WORDS, empty)
    elif name == "over_time":
        tracked = {
            n: str(FIGURE_WORDS[n]) for n in ("skp_completion", "log_compliance", "log_on_time")
        }
        data = charts.over_time(rows, tracked, f"{OVER_TIME} {year} (%)", empty)
    else:
        told = reporting(service.reporting(rows, name), len(rows))
        data = charts.ranking(rows, name, f"{FIGURE_WORDS[name]} {year} (%) · {told}", empty)
    return Response(data, mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


@bp.get("/t/<tenant>/figures")
def agency() -> Any:
    """The agency's own figures beside the city's average and its rank among the agencies, for
    who sees the agency as a whole (`city/permissions.py`)."""
    require(perm.VIEW, perm.Resource(AGENCY_FIGURES, g.tenant.id))  # admin, head, named …
    year, _kind, rows = _selection()
    mine = next((r for r in rows if r.tenant_id == g.tenant.id), None)
    names = current_app.config["CITY_PUBLISHES_NAMES"]
    return form_page(
        "agency_figures.html",
        None,
        year=year,
        mine=mine,
        totals=service.totals(rows),
        rank_minimum=service.RANK_MINIMUM,
        others=[r for r in rows if r.tenant_id != g.tenant.id] if names else [],
        columns=COLUMNS,
        adoption=ADOPTION,
        words=FIGURE_WORDS,
    )


# --- the comparison as a file: a job in BKPSDM's own agency ----------------------------------
def _city_tenant() -> int:
    """BKPSDM's agency, where the city's exports run and are kept (404 when it is not there)."""
    with db.unit_of_work() as session:
        found = session.scalar(
            select(Tenant.id).where(Tenant.slug == current_app.config["CITY_TENANT"])
        )
    if found is None:
        abort(404)
    return int(found)


@bp.post("/city/exports")
def city_export() -> Any:
    refused = city_admin_only()
    if refused is not None:
        return refused
    tenant_id = _city_tenant()
    try:
        with db.unit_of_work(tenant_id) as session:
            made = exports.create(
                session,
                "city_comparison",
                request.form.get("format", ""),
                numbers.whole(request.form.get("year")),
                current().user_id,
                kinds=tables.CITY_KINDS,
            )
            export_id = made.id
    except ServiceError as problem:
        return form_page("talent_problem.html", problem)
    return redirect(url_for("comparison.city_export_status", export_id=export_id), code=303)


def _city_export(export_id: int) -> tuple[Any, Any, int]:
    refused = city_admin_only()
    if refused is not None:
        abort(404)
    tenant_id = _city_tenant()
    with db.unit_of_work(tenant_id) as session:
        found = session.execute(
            select(Export, BackgroundJob)
            .outerjoin(BackgroundJob, BackgroundJob.id == Export.job_id)
            .where(
                Export.id == export_id,
                Export.kind == "city_comparison",
                Export.requested_by == current().user_id,
            )
        ).first()
        if found is None:
            abort(404)
        session.expunge_all()
    return found[0], found[1], tenant_id


@bp.get("/city/exports/<int:export_id>")
def city_export_status(export_id: int) -> Any:
    export, job, _tenant = _city_export(export_id)
    urls = {
        "back_url": url_for("comparison.compare", year=export.year),
        "status_url": url_for("comparison.city_export_json", export_id=export.id),
        "file_url": url_for("comparison.city_export_file", export_id=export.id),
    }
    title = str(_("Agencies compared %(year)s", year=export.year))
    return status_page(export, job, urls, title, str(_("Agencies compared")))


@bp.get("/city/exports/<int:export_id>/status.json")
def city_export_json(export_id: int) -> Any:
    export, job, _tenant = _city_export(export_id)
    return status_json(export, job)


@bp.get("/city/exports/<int:export_id>/file")
def city_export_file(export_id: int) -> Any:
    export, job, _tenant = _city_export(export_id)
    return send_export(export, job)
