"""What a worker runs: one job, inside its tenant's context, with its record kept up to date."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from rq import get_current_job
from werkzeug.utils import import_string

from kinerja import audit, logs
from kinerja.db import db
from kinerja.jobs.models import FAILED, RETRYING, RUNNING, SUCCEEDED, BackgroundJob

log = logging.getLogger(__name__)


@dataclass
class JobContext:
    """Handed to every job function: who it runs for, and a way to report progress."""

    job_id: uuid.UUID
    tenant_id: int
    # In-process runs (the CLI) also watch progress directly, for a terminal progress bar.
    on_progress: Callable[[int], None] | None = None

    def progress(self, percent: int, message: str | None = None) -> None:
        """Record progress in its own short transaction, so the UI sees it while the job runs."""
        percent = max(0, min(100, int(percent)))
        _update(self.tenant_id, self.job_id, progress=percent, message=message)
        if self.on_progress is not None:
            self.on_progress(percent)


def _update(tenant_id: int, job_id: uuid.UUID, **values: Any) -> None:
    with db.unit_of_work(tenant_id) as session:
        record = session.get(BackgroundJob, (tenant_id, job_id))
        if record is None:
            raise LookupError(f"background job {job_id} not found for tenant {tenant_id}")
        for key, value in values.items():
            setattr(record, key, value)


def public_error(exc: BaseException) -> str:
    """What a job record may say about a failure: the kind of error, never SQL, parameters or
    the data that caused it (those stay in the log, with the request id)."""
    from sqlalchemy.exc import SQLAlchemyError

    if isinstance(exc, SQLAlchemyError):
        return f"database error ({type(exc).__name__}); see the log"
    return f"{type(exc).__name__}; see the log"


def run(
    job_id: str,
    tenant_id: int,
    name: str,
    args: list[Any],
    kwargs: dict[str, Any],
    request_id: str | None,
    on_progress: Callable[[int], None] | None = None,
) -> Any:
    """The rq entry point for every Kinerja job (see `kinerja.jobs.enqueue`)."""
    job_uuid = uuid.UUID(job_id)
    rq_job = get_current_job()
    last_attempt = not (rq_job is not None and rq_job.retries_left)
    actor = audit.Actor(role="system", request_id=request_id)
    with logs.scope(request_id=request_id, tenant=tenant_id, job_id=job_id), audit.acting(actor):
        with db.unit_of_work(tenant_id) as session:
            record = session.get(BackgroundJob, (tenant_id, job_uuid))
            if record is None:
                raise LookupError(f"background job {job_id} not found for tenant {tenant_id}")
            record.status = RUNNING
            record.attempts += 1
            record.started_at = datetime.now(UTC)
            record.error = None
        try:
            func = import_string(name)
            result = func(JobContext(job_uuid, tenant_id, on_progress), *args, **kwargs)
        except Exception as exc:
            log.warning(
                "job %s failed (%s)",
                name,
                "giving up" if last_attempt else "will retry",
                exc_info=True,
            )
            _update(
                tenant_id,
                job_uuid,
                status=FAILED if last_attempt else RETRYING,
                error=public_error(exc),
                finished_at=datetime.now(UTC) if last_attempt else None,
            )
            raise
        _update(
            tenant_id,
            job_uuid,
            status=SUCCEEDED,
            progress=100,
            result=result if isinstance(result, dict) else None,
            finished_at=datetime.now(UTC),
        )
        log.info("job %s succeeded", name)
        return result
