"""Exports through the API: ask for a table as XLSX or PDF (a background job), follow it, fetch
the file (only its requester)."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from marshmallow import fields, validate

from kinerja import clock
from kinerja import permissions as perm
from kinerja.api.common import Blueprint, abort
from kinerja.api.people import BEARER
from kinerja.api.schemas import year
from kinerja.db import db
from kinerja.exports import service, tables
from kinerja.exports.models import Export
from kinerja.httpkit import send_export
from kinerja.identity.principal import current
from kinerja.schema import Schema

blp = Blueprint(
    "exports_api",
    __name__,
    url_prefix="/api/v1/tenants/<tenant>/exports",
    description="The agency's tables (SKP list, daily-work compliance, evaluation results, the "
    "curve report, competency gaps and nine-box) as XLSX or PDF, made by a background job and "
    "fetched only by whoever asked for them.",
)


class ExportSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(tables.KINDS)))
    format = fields.String(required=True, validate=validate.OneOf(list(service.FORMATS)))
    year = year(load_default=clock.this_year)


def _dump(export: Export, job: Any) -> dict[str, Any]:
    base = f"/api/v1/tenants/{g.tenant.slug}/exports/{export.id}"
    return {
        "id": export.id,
        "kind": export.kind,
        "format": export.format,
        "year": export.year,
        "status": job.status if job else "queued",
        "progress": job.progress if job else 0,
        "rows": export.rows,
        "expires_at": export.expires_at.isoformat(),
        "url": base,
        "download_url": f"{base}/file" if service.ready(job, export) else None,
    }


@blp.route("")
class Exports(MethodView):
    @blp.arguments(ExportSchema)
    @blp.doc(security=BEARER)
    @blp.response(202)
    def post(self, data: dict[str, Any]) -> Any:
        """Ask for an export (admin OPD); follow `url` until `download_url` is there"""
        principal = current()
        if not perm.is_agency_admin(principal):
            abort(404)
        export = service.create(
            db.session, data["kind"], data["format"], data["year"], principal.user_id
        )
        db.session.commit()
        return _dump(export, None)


@blp.route("/<int:export_id>")
class ExportDetail(MethodView):
    @blp.doc(security=BEARER)
    def get(self, export_id: int) -> Any:
        """The export's progress, and its download address once written"""
        return _dump(*service.fetch(db.session, current(), export_id))


@blp.route("/<int:export_id>/file")
class ExportFile(MethodView):
    @blp.doc(security=BEARER)
    def get(self, export_id: int) -> Any:
        """The file (XLSX or PDF)"""
        return send_export(*service.fetch(db.session, current(), export_id))
