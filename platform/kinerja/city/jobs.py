"""The background work of the city's comparison: recompute an agency's figures of a year (the
job), and each round's choice of what to recompute (stale, or not yet today)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from kinerja import clock, jobs, redis
from kinerja.city import figures
from kinerja.competency import catalogue
from kinerja.db import db

LOCK = "kinerja:figures:{tenant}:{year}"


def refresh(ctx: Any, year: int) -> dict[str, Any]:
    """The job: compute and keep the agency's figures of `year`."""
    with db.unit_of_work(ctx.tenant_id) as session:
        found = figures.compute(
            session, year, clock.today(), catalogue.dictionary_of(session, ctx.tenant_id)
        )
        ctx.progress(90)
        figures.store(session, year, found)
    return {"year": year}


def schedule(session: Session, tenant_id: int, today: date) -> int:
    """Enqueue a refresh for each year that is due, at most one per agency and year every five
    minutes (a Redis lock: rounds run every minute, a refresh may take longer)."""
    made = 0
    client = redis.client(current_app)
    for year in figures.due(session, today, figures.stale_years(tenant_id)):
        if client.set(LOCK.format(tenant=tenant_id, year=year), "1", nx=True, ex=300):
            jobs.enqueue(session, refresh, year)
            made += 1
    return made
