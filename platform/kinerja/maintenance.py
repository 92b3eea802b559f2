"""Housekeeping a worker does on a schedule, without an operator: jobs an outage left queued
are pushed again, uploaded files past their retention are deleted, and the day's reminders and
e-mail digests go out (`kinerja.notifications.rounds`).

Every worker runs the loop; a Redis lock lets one of them do each round.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask
from redis.exceptions import RedisError
from sqlalchemy import select

from kinerja import clock, jobs, redis
from kinerja.db import db

log = logging.getLogger(__name__)
LOCK = "kinerja:maintenance"


def run_once(app: Flask) -> dict[str, int]:
    """One round over every agency; counts of what it did."""
    from kinerja.people.imports import purge_files
    from kinerja.tenancy.models import Tenant

    every = app.config["REQUEUE_SECONDS"]
    retention = app.config["IMPORT_RETENTION_DAYS"]
    from kinerja.city import jobs as city_jobs
    from kinerja.exports import service as exports
    from kinerja.notifications import rounds

    done = {
        "abandoned": 0,
        "requeued": 0,
        "files_deleted": 0,
        "notified": 0,
        "mailed": 0,
        "figures": 0,
        "exports_deleted": 0,
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
                done["exports_deleted"] += exports.purge(session)
            try:  # one agency's failure (an SMTP refusal) must not stop the others' round
                for name, count in rounds.daily(app, tenant_id).items():
                    done[name] += count
            except Exception:
                log.exception("notification round failed for tenant %s", tenant_id)
    return done


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
