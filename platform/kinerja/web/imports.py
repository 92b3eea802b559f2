"""Employee import pages: upload, progress, the report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from kinerja.db import db
from kinerja.db.load import load_or_404
from kinerja.i18n import JOB_STATUS_LABELS
from kinerja.i18n import _ as lazy
from kinerja.identity.principal import current
from kinerja.jobs.models import BackgroundJob
from kinerja.people import importer, imports
from kinerja.people.models import EmployeeImport
from kinerja.web.admin import bp, require_admin
from kinerja.web.paging import paged

T = TypeVar("T")


def receive_upload(create: Callable[[str, bytes, bool], T]) -> tuple[T | None, str | None, int]:
    """`create(filename, content, dry_run)` for the form's file, committed: (what it made, None,
    303), or (None, why not in the reader's language, 422 or the refusal's status)."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None, _("Choose a CSV or XLSX file first."), 422
    try:
        made = create(upload.filename, upload.read(), bool(request.form.get("dry_run")))
    except importer.FileRejected as rejected:
        return None, imports.describe(vars(rejected)), rejected.status
    db.session.commit()
    return made, None, 303


# --- import ------------------------------------------------------------------------------------
@bp.route("/imports", methods=["GET", "POST"])
def import_page() -> Any:
    require_admin()
    error, code = None, 200
    if request.method == "POST":
        record, error, code = receive_upload(
            lambda name, content, dry_run: imports.create(
                db.session, name, content, dry_run=dry_run, user_id=current().user_id
            )
        )
        if record is not None:
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


# The employee report's counts (import_status.html)
FACTS = (
    (lazy("Rows"), "rows"),
    (lazy("Added"), "created"),
    (lazy("Updated"), "updated"),
    (lazy("Unchanged"), "unchanged"),
)


def status_labels() -> dict[str, str]:
    return {code: str(label) for code, label in JOB_STATUS_LABELS.items()}


@bp.get("/imports/<int:import_id>")
def import_status(import_id: int) -> Any:
    record, job = _job_of(import_id)
    return render_template(
        "import_status.html",
        record=record,
        job=job,
        report=imports.localized(job.result),
        status_labels=status_labels(),
        back=(url_for("admin.import_page"), _("Import employees")),
        poll_url=url_for("admin.import_status_json", import_id=record.id),
        facts=FACTS,
    )


@bp.get("/imports/<int:import_id>/status.json")
def import_status_json(import_id: int) -> Any:
    _, job = _job_of(import_id)
    return job_json(job)


def job_json(job: BackgroundJob) -> Any:
    """An import's job as its status page polls it."""
    return jsonify(
        status=job.status,
        label=status_labels().get(job.status, ""),
        progress=job.progress,
        done=job.status in {"succeeded", "failed"},
    )
