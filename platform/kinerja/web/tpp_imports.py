"""The attendance import's pages: upload (with the templates), the recent imports, progress and
the report (the employee import's status page, with the attendance report's counts)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from kinerja.db import db
from kinerja.i18n import _ as lazy
from kinerja.identity.principal import current
from kinerja.jobs.models import BackgroundJob
from kinerja.people import imports as employee_imports
from kinerja.presentation.labels import labels
from kinerja.tpp import importer, imports
from kinerja.web.imports import job_json, receive_upload, status_labels
from kinerja.web.paging import paged
from kinerja.web.tpp_admin import bp, require_manage

FACTS = (
    (lazy("Rows"), "rows"),
    (lazy("Events added"), "created"),
    (lazy("Employees"), "employees"),
)


def outcome(job: BackgroundJob) -> str:
    """What happened to an import: its job's state, or "rejected" for a job that ran to the end
    and refused its file."""
    if job.status == "succeeded" and (job.result or {}).get("status") == "rejected":
        return "rejected"
    return job.status


@bp.route("/imports", methods=["GET", "POST"])
def import_page() -> Any:
    require_manage()
    error, code = None, 200
    if request.method == "POST":
        job, error, code = receive_upload(
            lambda name, content, dry_run: imports.create(
                db.session, name, content, dry_run=dry_run, user_id=current().user_id
            )
        )
        if job is not None:
            return redirect(url_for(".import_status", import_id=job.id), code=303)
    found = paged(imports.listing())
    page = render_template(
        "tpp_imports.html",
        paged=found,
        outcome=outcome,
        error=error,
        columns=importer.COLUMNS,
        codes=labels("tpp.code"),
    )
    return page, code


def _job(import_id: uuid.UUID) -> BackgroundJob:
    require_manage()
    job = imports.get(db.session, import_id)
    if job is None:
        abort(404)
    return job


@bp.get("/imports/<uuid:import_id>")
def import_status(import_id: uuid.UUID) -> Any:
    job = _job(import_id)
    return render_template(
        "import_status.html",
        record={"filename": job.kwargs.get("filename", "")},
        job=job,
        report=employee_imports.localized(job.result),
        status_labels=status_labels(),
        back=(url_for(".import_page"), _("Import attendance")),
        poll_url=url_for(".import_status_json", import_id=job.id),
        facts=FACTS,
    )


@bp.get("/imports/<uuid:import_id>/status.json")
def import_status_json(import_id: uuid.UUID) -> Any:
    return job_json(_job(import_id))
