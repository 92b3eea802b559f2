"""Attendance imports through the API: upload a CSV/XLSX of the month's events, follow its job,
list the imports, get the template. The same machinery as the employee import (`api/imports`)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import g, url_for
from flask.views import MethodView
from marshmallow import fields

from kinerja import permissions as perm
from kinerja.api.common import Blueprint, abort
from kinerja.api.imports import (
    UPLOAD_BODY,
    csv_download,
    job_view,
    receive_upload,
    xlsx_download,
)
from kinerja.api.pagination import SelectPage
from kinerja.api.people import BEARER
from kinerja.api.schemas import JobSchema
from kinerja.db import db
from kinerja.identity.principal import require
from kinerja.jobs.models import BackgroundJob
from kinerja.schema import Schema
from kinerja.tpp import importer, imports
from kinerja.tpp.permissions import TPP_MONTH

blp = Blueprint(
    "tpp_imports_api",
    __name__,
    url_prefix="/api/v1/tenants/<tenant>/tpp/attendance-imports",
    description="The agency's attendance events from CSV or XLSX (admin OPD: NIP, tanggal, "
    "kode, menit), run as background jobs. All or nothing: a file with any bad row stores "
    "nothing and its report names every bad row.",
)


def manager() -> perm.Principal:
    return require(perm.MANAGE, perm.Resource(TPP_MONTH, g.tenant.id))


class AttendanceImportSchema(Schema):
    id = fields.UUID()
    filename = fields.String()
    dry_run = fields.Boolean()
    created_at = fields.DateTime()
    job = fields.Nested(JobSchema, allow_none=True)
    status_url = fields.String()


def _dump(job: BackgroundJob) -> dict[str, Any]:
    return {
        "id": job.id,
        "filename": job.kwargs.get("filename", ""),
        "dry_run": bool(job.kwargs.get("dry_run")),
        "created_at": job.created_at,
        "job": job_view(job),
        "status_url": url_for("tpp_imports_api.AttendanceImportDetail", import_id=job.id),
    }


@blp.route("")
class AttendanceImports(MethodView):
    accepts_upload = True  # multipart/form-data, not JSON (see kinerja.api._check_body)

    @blp.response(200, AttendanceImportSchema(many=True))
    @blp.paginate()
    @blp.doc(security=BEARER)
    def get(self, pagination_parameters: Any) -> Any:
        """The agency's attendance imports, newest first, each with its job and report"""
        manager()
        page = SelectPage(imports.listing(), pagination_parameters)
        pagination_parameters.item_count = page.item_count
        return [_dump(job) for job in page.items]

    @blp.response(202, AttendanceImportSchema)
    @blp.doc(security=BEARER, requestBody=UPLOAD_BODY)
    def post(self) -> Any:
        """Upload a CSV or XLSX of attendance events; a background job checks and stores it"""
        principal = manager()
        job = receive_upload(
            lambda name, content, dry_run: imports.create(
                db.session, name, content, dry_run=dry_run, user_id=principal.user_id
            )
        )
        db.session.commit()
        return _dump(job)


@blp.route("/<uuid:import_id>")
class AttendanceImportDetail(MethodView):
    @blp.response(200, AttendanceImportSchema)
    @blp.doc(security=BEARER)
    def get(self, import_id: uuid.UUID) -> Any:
        """An attendance import and its job: status, progress, the report (rows, errors)"""
        manager()
        job = imports.get(db.session, import_id)
        if job is None:
            abort(404)
        return _dump(job)


@blp.route("/template.csv")
class AttendanceTemplate(MethodView):
    @blp.doc(
        security=BEARER,
        responses={"200": {"description": "CSV template", "content": {"text/csv": {}}}},
    )
    def get(self) -> Any:
        """The column layout as a CSV with example rows"""
        manager()
        rows = importer.template_rows(db.session)
        return csv_download(importer.COLUMNS, rows, "template-impor-absensi")


@blp.route("/template.xlsx")
class AttendanceTemplateXlsx(MethodView):
    @blp.doc(
        security=BEARER,
        responses={"200": {"description": "Excel template"}},
    )
    def get(self) -> Any:
        """The column layout as an Excel file, the NIP column formatted as text"""
        manager()
        return xlsx_download(importer.template_xlsx(db.session), "template-impor-absensi")
