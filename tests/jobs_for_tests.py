"""Job functions the job tests enqueue (importable by name, as rq requires)."""

from __future__ import annotations

from typing import Any

from redis import Redis
from sqlalchemy import select

from kinerja.db import db
from kinerja.jobs.runner import JobContext
from kinerja.organisation.models import OrgUnit


def list_visible_units(ctx: JobContext, label: str) -> dict[str, Any]:
    """What a job of this tenant can see, with an ORM query and with raw SQL."""
    from sqlalchemy import text

    with db.unit_of_work(ctx.tenant_id) as session:
        orm = sorted(u.code for u in session.scalars(select(OrgUnit)))
        raw = sorted(session.execute(text("SELECT code FROM org_unit")).scalars())
        tenants_seen = sorted(
            set(session.execute(text("SELECT tenant_id FROM org_unit")).scalars())
        )
    ctx.progress(50, "halfway")
    return {"label": label, "orm": orm, "raw": raw, "tenants": tenants_seen}


def always_fails(ctx: JobContext, redis_url: str) -> None:
    Redis.from_url(redis_url).incr(f"attempts:{ctx.job_id}")
    raise ValueError("the data source is unreachable")


def fails_once(ctx: JobContext, redis_url: str) -> dict[str, int]:
    attempt = int(Redis.from_url(redis_url).incr(f"attempts:{ctx.job_id}"))
    if attempt == 1:
        raise ConnectionError("transient failure")
    return {"attempt": attempt}


def unit_once_slowly(ctx: JobContext, redis_url: str, code: str) -> dict[str, int]:
    """Adds one work unit in one transaction; the first attempt stops half-way (the unit
    flushed, not committed) and waits to be killed."""
    import time

    client = Redis.from_url(redis_url)
    attempt = int(client.incr(f"attempts:{ctx.job_id}"))
    with db.unit_of_work(ctx.tenant_id) as session:
        session.add(OrgUnit(code=code, name="Dibuat oleh job"))
        session.flush()
        if attempt == 1:
            client.set(f"halfway:{ctx.job_id}", "1")
            time.sleep(120)  # the test kills the worker here
    return {"attempt": attempt}
