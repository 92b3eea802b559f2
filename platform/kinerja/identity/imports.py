"""Employee imports as background jobs: upload, run (in a worker or the CLI), report."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja import jobs
from kinerja.db import db
from kinerja.identity import audit, importer
from kinerja.identity.models import EmployeeImport
from kinerja.jobs.runner import JobContext

MAX_ERRORS = 1000  # a report listing more helps nobody; the total is kept


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
    """The job: check and apply one uploaded file in the tenant's context."""
    with db.unit_of_work(ctx.tenant_id) as session:
        upload = get(session, import_id)
        if upload is None:
            raise LookupError(f"import {import_id} not found")
        try:
            report = importer.run(
                session,
                upload.format,
                upload.content,
                dry_run=upload.dry_run,
                progress=ctx.progress,
            )
        except importer.FileRejected as error:
            return {
                "status": "rejected",
                "rows": 0,
                "errors": [{"row": 1, "column": "", "message": str(error)}],
                "errors_total": 1,
            }
        result = report.as_dict()
        result["errors_total"] = len(report.errors)
        result["errors"] = result["errors"][:MAX_ERRORS]
        if report.status == "applied":
            audit.record(
                session,
                "employee.import",
                "employee_import",
                upload.id,
                changes={
                    k: [None, result[k]]
                    for k in (
                        "rows",
                        "created",
                        "updated",
                        "unchanged",
                        "units_created",
                        "positions_created",
                    )
                },
                actor_user_id=upload.created_by,
                actor_role="admin_opd",
            )
        return result
