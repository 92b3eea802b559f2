"""Attendance imports as background jobs: the upload goes to the storage, a job checks and stores
it, its record (`BackgroundJob`) is the import (no table of its own: the job already holds who,
when, the file's name and the report). The file is deleted once its job has run."""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from kinerja import audit, clock, jobs, storage
from kinerja.db import current_tenant_id, db
from kinerja.jobs.models import BackgroundJob
from kinerja.jobs.runner import JobContext
from kinerja.people import importer as files
from kinerja.tpp import importer

FOLDER = "attendance-imports"  # t<id>/attendance-imports/<uuid>.<format>, not swept as evidence


def job_name() -> str:
    return jobs.dotted_name(run_job)


def create(
    session: Session,
    filename: str,
    content: bytes,
    *,
    dry_run: bool,
    user_id: int | None,
) -> BackgroundJob:
    """Store the file and queue its job; raises `FileRejected` for a file of the wrong type."""
    fmt = files.detect_format(filename, content)
    tenant_id = current_tenant_id(session)
    assert tenant_id is not None
    key = storage.tenant_key(tenant_id, FOLDER, f"{uuid.uuid4()}.{fmt}")
    storage.get().put(key, content, "application/octet-stream")
    job = jobs.enqueue(
        session,
        run_job,
        key,
        fmt,
        filename=filename[:255],
        dry_run=dry_run,
        user_id=user_id,
    )
    audit.record(
        session,
        "tpp.attendance_upload",
        "attendance_import",
        str(job.id),
        changes={"filename": [None, filename[:255]], "dry_run": [None, dry_run]},
    )
    return job


def listing() -> Select[BackgroundJob]:
    """The agency's attendance imports, newest first (for paging)."""
    return (
        select(BackgroundJob)
        .where(BackgroundJob.name == job_name())
        .order_by(BackgroundJob.created_at.desc(), BackgroundJob.id)
    )


def get(session: Session, import_id: uuid.UUID) -> BackgroundJob | None:
    return session.scalar(listing().where(BackgroundJob.id == import_id))


def run_job(
    ctx: JobContext,
    key: str,
    fmt: str,
    *,
    filename: str,
    dry_run: bool,
    user_id: int | None,
) -> dict[str, Any]:
    """The job: check and store one file in the tenant's context. A file that cannot be read is
    a rejected import with one problem, never a retried job."""
    config = current_app.config
    store = storage.get()
    try:
        content = store.get(key)
    except (storage.StorageError, FileNotFoundError, OSError):
        raise LookupError(f"attendance file {key} is gone") from None
    with db.unit_of_work(ctx.tenant_id) as session:
        try:
            report = importer.run(
                session,
                fmt,
                content,
                today=clock.today(),
                user_id=user_id,
                dry_run=dry_run,
                progress=ctx.progress,
                max_rows=config["IMPORT_MAX_ROWS"],
                max_errors=config["IMPORT_MAX_ERRORS"],
            )
        except files.FileRejected as error:
            report = importer.Report(
                errors=[files.file_problem(error)], errors_total=1, status="rejected"
            )
        result = report.as_dict()
        if report.status == "applied":
            audit.record(
                session,
                "tpp.attendance_import",
                "attendance_import",
                str(ctx.job_id),
                changes={k: [None, result[k]] for k in ("rows", "created", "employees", "months")},
                actor_user_id=user_id,
                actor_role="admin_opd",
            )
    del content
    store.delete(key)  # personal data: the file goes once it has been read and answered
    return result
