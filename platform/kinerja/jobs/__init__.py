"""Background work on rq: one enqueue helper that stamps tenant and request id on every job.

Jobs take ids, never ORM objects. `enqueue` records a `BackgroundJob` row in the caller's
transaction and pushes to Redis only after that transaction commits, so a job never runs for work
that was rolled back and never looks for a row that is not there yet.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from sqlalchemy import event
from sqlalchemy.orm import Session

from kinerja import logs
from kinerja import redis as kinerja_redis
from kinerja.db import current_tenant_id
from kinerja.jobs.models import QUEUED, BackgroundJob

log = logging.getLogger(__name__)
_PENDING = "kinerja.pending_jobs"
RUNNER = "kinerja.jobs.runner.run"


@dataclass
class _State:
    redis: Redis
    queue: Queue
    retry_intervals: list[int]


def init_app(app: Flask) -> None:
    redis = kinerja_redis.client(app)
    app.extensions["kinerja.jobs"] = _State(
        redis=redis,
        queue=Queue(app.config["JOB_QUEUE"], connection=redis),
        retry_intervals=list(app.config["JOB_RETRY_INTERVALS"]),
    )


def _state() -> _State:
    return current_app.extensions["kinerja.jobs"]


def queue() -> Queue:
    return _state().queue


def dotted_name(func: Callable[..., Any] | str) -> str:
    if isinstance(func, str):
        return func
    return f"{func.__module__}.{func.__qualname__}"


def enqueue(
    session: Session, func: Callable[..., Any] | str, *args: Any, _push: bool = True, **kwargs: Any
) -> BackgroundJob:
    """Record a job for the session's tenant; it goes to Redis when the session commits.

    `func(ctx, *args, **kwargs)` runs in the worker inside the tenant's context; `ctx` is a
    `kinerja.jobs.runner.JobContext`. Arguments must be JSON-like values (ids, not objects).
    """
    tenant_id = current_tenant_id(session)
    if tenant_id is None:
        raise RuntimeError("enqueue needs a session bound to a tenant")
    state = _state()
    record = BackgroundJob(
        tenant_id=tenant_id,
        name=dotted_name(func),
        status=QUEUED,
        attempts=0,
        max_attempts=len(state.retry_intervals) + 1,
        progress=0,
        request_id=logs.current().get("request_id"),
        args=list(args),
        kwargs=dict(kwargs),
    )
    session.add(record)
    session.flush()
    if not _push:  # recorded only: the caller runs it in-process (CLI)
        return record
    session.info.setdefault(_PENDING, []).append(
        (state, record.id, tenant_id, record.name, args, kwargs, record.request_id)
    )
    return record


def push(
    state: _State,
    job_id: Any,
    tenant_id: int,
    name: str,
    args: Any,
    kwargs: Any,
    request_id: str | None,
) -> None:
    state.queue.enqueue(
        RUNNER,
        str(job_id),
        tenant_id,
        name,
        list(args),
        dict(kwargs),
        request_id,
        job_id=str(job_id),
        retry=Retry(max=len(state.retry_intervals), interval=state.retry_intervals)
        if state.retry_intervals
        else None,
        description=f"{name} (tenant {tenant_id})",
    )


@event.listens_for(Session, "after_commit")
def _push_pending(session: Session) -> None:
    for pending in session.info.pop(_PENDING, []):
        try:
            push(*pending)
        except RedisError as error:
            # The work is committed and its record says "queued": `kinerja jobs requeue` (or
            # the next run of it) pushes it once Redis is back. Never fail the request for it.
            log.error("could not queue job %s, left queued for requeue: %s", pending[1], error)


def requeue(session: Session, older_than_seconds: int = 60) -> list[str]:
    """Push the session tenant's queued jobs that Redis does not know (e.g. lost in an outage)."""
    from datetime import UTC, datetime, timedelta

    from rq.job import Job
    from sqlalchemy import select

    state = _state()
    cutoff = datetime.now(UTC) - timedelta(seconds=older_than_seconds)
    pushed = []
    for record in session.scalars(
        select(BackgroundJob).where(
            BackgroundJob.status == QUEUED, BackgroundJob.created_at < cutoff
        )
    ):
        if Job.exists(str(record.id), connection=state.redis):
            continue
        push(
            state,
            record.id,
            record.tenant_id,
            record.name,
            record.args,
            record.kwargs,
            record.request_id,
        )
        pushed.append(str(record.id))
    return pushed


def recover_abandoned(timestamp: float | None = None) -> int:
    """Jobs whose worker died mid-run (a killed pod: its heartbeat expired) go back on the
    queue while they have retries left, else to the failed registry. Jobs write in one
    transaction, so the one that died left nothing, and the rerun applies once."""
    from rq.registry import StartedJobRegistry

    registry = StartedJobRegistry(queue=queue())
    expired = len(registry.get_expired_job_ids(timestamp))
    if expired:
        registry.cleanup(timestamp)
        log.warning("%s abandoned job(s) put back on the queue or failed", expired)
    return expired


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)
