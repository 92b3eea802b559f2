"""Export pages (admin OPD): choose a table and a format, follow the job's progress, download
the file (only its requester, and the city admin inside the agency)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, redirect, request, url_for

from kinerja import permissions as perm
from kinerja.api.exports import send_export
from kinerja.db import db
from kinerja.exports import service, tables
from kinerja.exports.models import Export
from kinerja.i18n import job_status_label
from kinerja.identity.principal import current
from kinerja.web.forms import form_page, submit, year_param

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
        done, problem = submit(
            lambda: made.append(
                service.create(
                    db.session,
                    request.form.get("kind", ""),
                    request.form.get("format", ""),
                    request.form.get("year", type=int),
                    principal.user_id,
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
        mine=service.mine(db.session, principal.user_id),
        ready=service.ready,
    )


@bp.get("/<int:export_id>")
def show(export_id: int) -> Any:
    export, job = service.fetch(db.session, current(), export_id)
    return form_page(
        "export_status.html",
        None,
        export=export,
        job=job,
        kinds=tables.KIND_WORDS,
        done=service.ready(job, export) or (job is not None and job.status == "failed"),
        ready=service.ready(job, export),
        labels={s: str(job_status_label(s)) for s in ("queued", "running", "succeeded", "failed")},
    )


@bp.get("/<int:export_id>/status.json")
def status(export_id: int) -> Any:
    export, job = service.fetch(db.session, current(), export_id)
    return jsonify(
        status=job.status if job else "queued",
        label=str(job_status_label(job.status)) if job else "",
        progress=job.progress if job else 0,
        done=service.ready(job, export) or (job is not None and job.status == "failed"),
    )


@bp.get("/<int:export_id>/file")
def download(export_id: int) -> Any:
    export, job = service.fetch(db.session, current(), export_id)
    return send_export(export, job)
