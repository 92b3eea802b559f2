"""The background work of the TPP: compute an agency's month (the job the admin OPD's
"compute" enqueues; `service.compute` is the same work, synchronously)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kinerja import jobs
from kinerja.db import db
from kinerja.jobs.models import BackgroundJob
from kinerja.tpp import service


def enqueue_compute(session: Session, year: int, month: int) -> BackgroundJob:
    """The job that computes the month (`compute` below), after the checks a request can fail
    on now rather than in the worker."""
    service.check_computable(session, year, month)
    return jobs.enqueue(session, compute, year, month)


def compute(ctx: Any, year: int, month: int) -> dict[str, Any]:
    """The job: compute the agency's month (a closed month is refused: the job fails with the
    409's message, and the month stays as closed)."""
    with db.unit_of_work(ctx.tenant_id) as session:
        found = service.compute(session, year, month)
        ctx.progress(90)
        lines = service.count_lines(session, found.id)
    return {"year": year, "month": month, "lines": lines}
