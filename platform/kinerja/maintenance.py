"""Housekeeping a worker does on a schedule, without an operator: jobs an outage left queued
are pushed again, uploaded files past their retention are deleted, orphaned evidence files are
swept (`kinerja.storage.sweep`), the day's reminders and e-mail digests go out
(`kinerja.notifications.rounds`), stale talent results are recomputed (`competency.stored`)
and, once a day, the waiting counters are checked against the items (`performance.waiting`).

Every worker runs the loop; a Redis lock lets one of them do each round.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection
from datetime import UTC, datetime, timedelta

from flask import Flask
from redis.exceptions import RedisError
from sqlalchemy import select, union_all
from sqlalchemy.orm import Session

from kinerja import clock, jobs, redis, storage
from kinerja.db import db
from kinerja.storage import sweep

log = logging.getLogger(__name__)
LOCK = "kinerja:maintenance"
SWEPT_TO = "kinerja:storage:swept:{tenant}"  # where each agency's orphan sweep goes on


def run_once(app: Flask) -> dict[str, int]:
    """One round over every agency; counts of what it did."""
    from kinerja.people.imports import purge_files
    from kinerja.tenancy.models import Tenant

    every = app.config["REQUEUE_SECONDS"]
    retention = app.config["IMPORT_RETENTION_DAYS"]
    from kinerja.city import jobs as city_jobs
    from kinerja.competency import stored as talent
    from kinerja.exports import service as exports
    from kinerja.notifications import rounds
    from kinerja.performance import waiting

    done = {
        "abandoned": 0,
        "requeued": 0,
        "files_deleted": 0,
        "notified": 0,
        "mailed": 0,
        "figures": 0,
        "talent": 0,
        "waiting_checks": 0,
        "exports_deleted": 0,
        "orphans_deleted": 0,
    }
    with app.app_context():
        done["abandoned"] = jobs.recover_abandoned()
        with db.unit_of_work() as session:
            tenant_ids = list(session.scalars(select(Tenant.id)))
        for tenant_id in tenant_ids:
            with db.unit_of_work(tenant_id) as session:
                done["requeued"] += len(jobs.requeue(session, every))
                done["files_deleted"] += purge_files(session, retention)
                done["figures"] += city_jobs.schedule(session, tenant_id, clock.today())
                done["talent"] += talent.schedule(session, tenant_id, clock.today())
                done["waiting_checks"] += waiting.schedule(session, tenant_id, clock.today())
                done["exports_deleted"] += exports.purge(session)
                done["orphans_deleted"] += sweep_orphans(app, session, tenant_id)
            try:  # one agency's failure (an SMTP refusal) must not stop the others' round
                for name, count in rounds.daily(app, tenant_id).items():
                    done[name] += count
            except Exception:
                log.exception("notification round failed for tenant %s", tenant_id)
    return done


def referenced(session: Session, keys: Collection[str]) -> set[str]:
    """Which of `keys` a row of the session's agency refers to (evidence of daily work and of
    evaluations, thumbnails, exports): every table that keeps a storage key is named here."""
    from kinerja.exports.models import Export
    from kinerja.performance.evaluation.models import EvaluationFile
    from kinerja.performance.log.models import EvidenceFile

    wanted = list(keys)
    columns = (
        EvidenceFile.storage_key,
        EvidenceFile.thumb_key,
        EvaluationFile.storage_key,
        EvaluationFile.thumb_key,
        Export.storage_key,
    )
    query = union_all(*(select(c.label("key")).where(c.in_(wanted)) for c in columns))
    return set(session.scalars(query))


def sweep_orphans(app: Flask, session: Session, tenant_id: int) -> int:
    """One bounded step of the agency's orphan sweep; how many files went. A store that does
    not answer is logged and left for the next round."""
    client = redis.client(app)
    cursor_key = SWEPT_TO.format(tenant=tenant_id)
    after = client.get(cursor_key)
    try:
        deleted, cursor = sweep.sweep(
            storage.get(),
            tenant_id,
            lambda keys: referenced(session, keys),
            after=after.decode() if isinstance(after, bytes) else (after or ""),
            now=datetime.now(UTC),
            grace=timedelta(hours=app.config["ORPHAN_GRACE_HOURS"]),
            limit=app.config["ORPHAN_SWEEP_BATCH"],
        )
    except storage.StorageError as error:
        log.warning("orphan sweep skipped for tenant %s: %s", tenant_id, error)
        return 0
    client.set(cursor_key, cursor)
    return deleted


def _round(app: Flask) -> None:
    every = app.config["REQUEUE_SECONDS"]
    try:
        # One worker per round, whichever gets the lock; it expires before the next round.
        if not redis.client(app).set(LOCK, "1", nx=True, ex=max(1, every - 1)):
            return
        done = run_once(app)
        if any(done.values()):
            log.info("maintenance round", extra=done)
    except RedisError as error:
        log.warning("maintenance skipped, Redis unavailable: %s", error)
    except Exception:  # the loop must survive anything one round does
        log.exception("maintenance round failed")


def start(app: Flask) -> threading.Event:
    """Run rounds every KINERJA_REQUEUE_SECONDS in a daemon thread; set the event to stop."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(app.config["REQUEUE_SECONDS"]):
            _round(app)

    threading.Thread(target=loop, name="kinerja-maintenance", daemon=True).start()
    return stop
