"""Exports: record one and its job, the job writing the file into the storage, who may fetch
it (its requester, and the city admin inside the agency), and the purge of expired ones."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from kinerja import audit, jobs, storage
from kinerja import permissions as perm
from kinerja.db import db
from kinerja.exceptions import Invalid, NotFound
from kinerja.exports import tables, tpp, writers
from kinerja.exports.models import Export
from kinerja.i18n import _
from kinerja.jobs.models import BackgroundJob
from kinerja.jobs.runner import JobContext
from kinerja.performance import years

FORMATS: dict[str, Callable[..., bytes]] = {"xlsx": writers.to_xlsx, "pdf": writers.to_pdf}
CONTENT_TYPES = writers.CONTENT_TYPES


def create(
    session: Session,
    kind: str,
    fmt: str,
    year: Any,
    user_id: int | None,
    push: bool = True,
    kinds: Mapping[str, Any] = tables.KINDS,
) -> Export:
    """Record an export of one of `kinds` and enqueue its job (pushed at the commit)."""
    if kind not in kinds:
        raise Invalid("kind", _("Choose what to export."))
    if fmt not in FORMATS:
        raise Invalid("format", _("Choose XLSX or PDF."))
    chosen = years.check_year(year)
    days = current_app.config["EXPORT_RETENTION_DAYS"]
    export = Export(
        kind=kind,
        format=fmt,
        year=chosen,
        requested_by=user_id,
        expires_at=datetime.now(UTC) + timedelta(days=days),
    )
    session.add(export)
    session.flush()
    export.job_id = jobs.enqueue(session, run_job, export.id, _push=push).id
    audit.record(
        session,
        "export.create",
        "export",
        export.id,
        changes={"kind": [None, kind], "format": [None, fmt]},
    )
    return export


def run_job(ctx: JobContext, export_id: int) -> dict[str, Any]:
    """The job: read the table inside the agency, write the file, keep it in the storage."""
    from flask_babel import force_locale

    from kinerja.competency.catalogue import dictionary_of
    from kinerja.identity.models import User

    with db.unit_of_work(ctx.tenant_id) as session:
        export = session.scalar(select(Export).where(Export.id == export_id))
        if export is None:
            return {"missing": True}
        ctx.progress(10)
        requester = session.get(User, export.requested_by) if export.requested_by else None
        language = (requester.language if requester else None) or current_app.config[
            "BABEL_DEFAULT_LOCALE"
        ]
        with force_locale(language):  # the headers in the requester's language
            known = {**tables.KINDS, **tables.CITY_KINDS, **tpp.KINDS}
            table = known[export.kind](
                session, export.year, dictionary=dictionary_of(session, ctx.tenant_id)
            )
        ctx.progress(60)
        data = FORMATS[export.format](table.title, table.headers, table.rows, **table.layout())
        ctx.progress(90)
        key = storage.tenant_key(ctx.tenant_id, "exports", f"{export.id}.{export.format}")
        storage.get().put(key, data, CONTENT_TYPES[export.format])
        export.storage_key, export.size, export.rows = key, len(data), len(table.rows)
        export.filename = f"kinerja-{export.kind}-{export.year}.{export.format}"
    return {"rows": len(table.rows), "bytes": len(data)}


def mine(user_id: int | None) -> Select[Export, BackgroundJob]:
    """The requester's exports with their jobs, newest first (the list to page through)."""
    return (
        select(Export, BackgroundJob)
        .outerjoin(BackgroundJob, BackgroundJob.id == Export.job_id)
        .where(Export.requested_by == (user_id or -1))
        .order_by(Export.id.desc())
    )


def fetch(
    session: Session, principal: perm.Principal, export_id: int
) -> tuple[Export, BackgroundJob | None]:
    """An export for its requester (or the city admin inside the agency); 404 for anyone else
    and once it has expired."""
    found = session.execute(
        select(Export, BackgroundJob)
        .outerjoin(BackgroundJob, BackgroundJob.id == Export.job_id)
        .where(Export.id == export_id)
    ).first()
    if found is None:
        raise NotFound()
    export, job = found
    allowed = (perm.is_member(principal) and principal.user_id == export.requested_by) or (
        perm.is_visiting_city_admin(principal)
    )
    if not allowed or export.expires_at <= datetime.now(UTC):
        raise NotFound()
    return export, job


def purge(session: Session, now: datetime | None = None) -> int:
    """Delete expired exports and their files."""
    now = now or datetime.now(UTC)
    gone = 0
    for export in session.scalars(select(Export).where(Export.expires_at <= now)):
        if export.storage_key:
            storage.get().delete(export.storage_key)
        session.delete(export)
        gone += 1
    return gone


def ready(job: BackgroundJob | None, export: Export) -> bool:
    return job is not None and job.status == "succeeded" and export.storage_key is not None
