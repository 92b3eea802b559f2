"""Employee imports as background jobs: upload, run (in a worker or the CLI), report."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja import audit, jobs
from kinerja.db import db
from kinerja.jobs.runner import JobContext
from kinerja.people import importer
from kinerja.people.models import EmployeeImport


def create(
    session: Session,
    filename: str,
    content: bytes,
    *,
    dry_run: bool,
    user_id: int | None,
    push: bool = True,
) -> EmployeeImport:
    """Store the file and record its job; raises `importer.FileRejected` for a wrong type."""
    fmt = importer.detect_format(filename, content)
    upload = EmployeeImport(
        filename=filename[:255], format=fmt, content=content, dry_run=dry_run, created_by=user_id
    )
    session.add(upload)
    session.flush()
    job = jobs.enqueue(session, run_job, upload.id, _push=push)
    upload.job_id = job.id
    audit.record(
        session,
        "employee.import_upload",
        "employee_import",
        upload.id,
        changes={"filename": [None, upload.filename], "dry_run": [None, dry_run]},
    )
    session.flush()
    return upload


def get(session: Session, import_id: int) -> EmployeeImport | None:
    return session.scalar(select(EmployeeImport).where(EmployeeImport.id == import_id))


def run_job(ctx: JobContext, import_id: int) -> dict[str, Any]:
    """The job: check and apply one uploaded file in the tenant's context.

    A file that cannot be read is a rejected import with one problem, never a retried job.
    """
    config = current_app.config
    with db.unit_of_work(ctx.tenant_id) as session:
        upload = get(session, import_id)
        if upload is None:
            raise LookupError(f"import {import_id} not found")
        if upload.content is None:
            raise LookupError(f"import {import_id} has no file any more")
        try:
            report = importer.run(
                session,
                upload.format,
                upload.content,
                dry_run=upload.dry_run,
                progress=ctx.progress,
                max_rows=config["IMPORT_MAX_ROWS"],
                max_errors=config["IMPORT_MAX_ERRORS"],
            )
        except importer.FileRejected as error:
            report = importer.Report(
                errors=[importer.file_problem(error)], errors_total=1, status="rejected"
            )
        result = report.as_dict()
        if config["IMPORT_RETENTION_DAYS"] == 0:
            upload.content = None  # personal data: the file goes once its job is done
        if report.status == "applied":
            audit.record(
                session,
                "employee.import",
                "employee_import",
                upload.id,
                changes={k: [None, result[k]] for k in COUNTS},
                actor_user_id=upload.created_by,
                actor_role="admin_opd",
            )
        return result


COUNTS = ("rows", "created", "updated", "unchanged", "units_created", "positions_created")


def describe(problem: dict[str, Any]) -> str:
    """One stored problem in the reader's language."""
    params = problem.get("params") or {}
    message = gettext(str(problem.get("message", "")))
    try:
        text = message % params if params else message
    except (KeyError, TypeError, ValueError):
        text = message
    return text


def localized(result: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stored report with every problem's message in the reader's language."""
    if not result:
        return result
    errors = [{**e, "message": describe(e)} for e in result.get("errors") or []]
    return {**result, "errors": errors}


def purge_files(session: Session, older_than_days: int) -> int:
    """Delete uploaded files whose job ended more than `older_than_days` ago; how many."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from kinerja.jobs.models import FAILED, SUCCEEDED, BackgroundJob

    cutoff = datetime.now(UTC) - timedelta(days=older_than_days)
    ended = select(BackgroundJob.id).where(
        BackgroundJob.status.in_((SUCCEEDED, FAILED)), BackgroundJob.finished_at < cutoff
    )
    purged = session.execute(
        update(EmployeeImport)
        .where(EmployeeImport.content.is_not(None), EmployeeImport.job_id.in_(ended))
        .values(content=None)
    )
    return int(purged.rowcount or 0)  # type: ignore[attr-defined]
