"""Export pages (admin OPD): choose a table and a format, follow the job's progress, download
the file (only its requester, and the city admin inside the agency)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, jsonify, redirect, request, url_for

from kinerja import clock, numbers
from kinerja import permissions as perm
from kinerja.db import db
from kinerja.exports import service, tables, tpp
from kinerja.exports.models import Export
from kinerja.httpkit import send_export
from kinerja.i18n import _, job_status_label
from kinerja.identity.principal import current
from kinerja.performance import years
from kinerja.presentation.formats import iso_month
from kinerja.web.forms import form_page, submit, year_param
from kinerja.web.paging import paged

bp = Blueprint("exports", __name__, url_prefix="/t/<tenant>/exports")


def _admin() -> perm.Principal:
    principal = current()
    if not perm.is_agency_admin(principal):
        abort(404)
    return principal


@bp.route("", methods=["GET", "POST"])
def index() -> Any:
    principal = _admin()
    problem = None
    if request.method == "POST":
        made: list[Export] = []
        kind, year, kinds = _chosen()
        done, problem = submit(
            lambda: made.append(
                service.create(
                    db.session,
                    kind,
                    request.form.get("format", ""),
                    year,
                    principal.user_id,
                    kinds=kinds,
                )
            ),
            "exports.index",
        )
        if done:
            return redirect(url_for("exports.show", export_id=made[0].id), code=303)
    return form_page(
        "exports.html",
        problem,
        year=year_param(),
        kinds=tables.KIND_WORDS,
        words=_words(),
        last_month=iso_month(clock.this_month() - timedelta(days=1)),
        mine=paged(service.mine(principal.user_id), scalars=False, keep={}),
        ready=service.ready,
    )


def _chosen() -> tuple[str, Any, Any]:
    """The kind, year and the kinds it is among: the agency's tables by year, or the TPP of a
    month (`month=YYYY-MM`: one kind per month, the export keeping the year)."""
    kind = request.form.get("kind", "")
    if kind != "tpp":
        return kind, numbers.whole(request.form.get("year")), tables.KINDS
    chosen = years.month_of(request.form.get("month"))
    if chosen is None:
        return "", None, tpp.KINDS  # refused by the service with its field message
    return tpp.kind_of(chosen.month), chosen.year, tpp.KINDS


def _words() -> dict[str, Any]:
    """Every kind of export in the reader's words (a list of one's exports names each)."""
    return {**tables.KIND_WORDS, **tpp.kind_words()}


def status_page(export: Export, job: Any, urls: dict[str, str], title: str, back: str) -> Any:
    """The export's progress and, once written, its download (the agency's and the city's)."""
    ready = service.ready(job, export)
    return form_page(
        "export_status.html",
        None,
        export=export,
        job=job,
        title=title,
        back_label=back,
        done=ready or (job is not None and job.status == "failed"),
        ready=ready,
        labels={s: str(job_status_label(s)) for s in ("queued", "running", "succeeded", "failed")},
        **urls,
    )


def status_json(export: Export, job: Any) -> Any:
    ready = service.ready(job, export)
    return jsonify(
        status=job.status if job else "queued",
        progress=job.progress if job else 0,
        done=ready or (job is not None and job.status == "failed"),
    )


@bp.get("/<int:export_id>")
def show(export_id: int) -> Any:
    export, job = service.fetch(db.session, current(), export_id)
    urls = {
        "back_url": url_for("exports.index"),
        "status_url": url_for("exports.status", export_id=export.id),
        "file_url": url_for("exports.download", export_id=export.id),
    }
    title = f"{_words().get(export.kind, export.kind)} {export.year}"
    return status_page(export, job, urls, title, str(_("Exports")))


@bp.get("/<int:export_id>/status.json")
def status(export_id: int) -> Any:
    return status_json(*service.fetch(db.session, current(), export_id))


@bp.get("/<int:export_id>/file")
def download(export_id: int) -> Any:
    export, job = service.fetch(db.session, current(), export_id)
    return send_export(export, job)
