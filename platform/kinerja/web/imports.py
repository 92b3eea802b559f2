"""Employee import pages: upload, progress, the report."""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from kinerja.db import db
from kinerja.db.load import load_or_404
from kinerja.i18n import JOB_STATUS_LABELS
from kinerja.identity.principal import current
from kinerja.jobs.models import BackgroundJob
from kinerja.people import importer, imports
from kinerja.people.models import EmployeeImport
from kinerja.web.admin import bp, require_admin
from kinerja.web.paging import paged


# --- import ------------------------------------------------------------------------------------
@bp.route("/imports", methods=["GET", "POST"])
def import_page() -> Any:
    require_admin()
    error, code = None, 200
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            error, code = _("Choose a CSV or XLSX file first."), 422
        else:
            try:
                record = imports.create(
                    db.session,
                    upload.filename,
                    upload.read(),
                    dry_run=bool(request.form.get("dry_run")),
                    user_id=current().user_id,
                )
            except importer.FileRejected as rejected:
                error, code = imports.describe(vars(rejected)), rejected.status
            else:
                db.session.commit()
                return redirect(url_for("admin.import_status", import_id=record.id), code=303)
    found = paged(
        select(
            EmployeeImport.id,
            EmployeeImport.filename,
            EmployeeImport.created_at,
            BackgroundJob.status,
            BackgroundJob.progress,
            BackgroundJob.result,
        )
        .join(BackgroundJob, BackgroundJob.id == EmployeeImport.job_id)
        .order_by(EmployeeImport.created_at.desc(), EmployeeImport.id.desc()),
        scalars=False,
        keep={},
    )
    # A job that ran to the end may still have rejected its file: show what happened to it.
    recent = [
        {**row._asdict(), "outcome": (row.result or {}).get("status", row.status)}
        if row.status == "succeeded" and (row.result or {}).get("status") == "rejected"
        else {**row._asdict(), "outcome": row.status}
        for row in found.rows
    ]
    page = render_template(
        "imports.html",
        recent=recent,
        paged=found,
        error=error,
        columns=importer.REQUIRED + importer.OPTIONAL,
    )
    return page, code


def _job_of(import_id: int) -> tuple[EmployeeImport, BackgroundJob]:
    require_admin()
    record = load_or_404(db.session, EmployeeImport, import_id)
    job = db.session.scalar(select(BackgroundJob).where(BackgroundJob.id == record.job_id))
    if job is None:
        abort(404)
    return record, job


def _status_labels() -> dict[str, str]:
    return {code: str(label) for code, label in JOB_STATUS_LABELS.items()}


@bp.get("/imports/<int:import_id>")
def import_status(import_id: int) -> Any:
    record, job = _job_of(import_id)
    return render_template(
        "import_status.html",
        record=record,
        job=job,
        report=imports.localized(job.result),
        status_labels=_status_labels(),
    )


@bp.get("/imports/<int:import_id>/status.json")
def import_status_json(import_id: int) -> Any:
    _, job = _job_of(import_id)
    return jsonify(
        status=job.status,
        label=_status_labels().get(job.status, ""),
        progress=job.progress,
        done=job.status in {"succeeded", "failed"},
    )
