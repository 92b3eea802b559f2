"""Employee imports through the API: upload a CSV/XLSX, follow its job, get the template."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, request, url_for
from flask.views import MethodView
from marshmallow import fields
from sqlalchemy import select

from kinerja.api.common import Blueprint, abort
from kinerja.api.people import BEARER, admin
from kinerja.api.schemas import JobSchema
from kinerja.db import db
from kinerja.db.load import load_or_404
from kinerja.exports import writers
from kinerja.i18n import _
from kinerja.jobs.models import BackgroundJob
from kinerja.people import importer, imports
from kinerja.people.models import EmployeeImport
from kinerja.schema import Schema

T = TypeVar("T")
blp = Blueprint(
    "imports_api",
    __name__,
    url_prefix="/api/v1/tenants/<tenant>/imports",
    description="Employee imports from CSV or XLSX (admin OPD), run as background "
    "jobs. All or nothing: a file with any bad row changes nothing.",
)


class ImportSchema(Schema):
    id = fields.Integer()
    filename = fields.String()
    format = fields.String()
    dry_run = fields.Boolean()
    created_at = fields.DateTime()
    job = fields.Nested(JobSchema, allow_none=True)
    status_url = fields.String()


# The upload of an import (employees, attendance): a file and whether only to check it.
UPLOAD_BODY = {
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "dry_run": {"type": "boolean", "description": "check only, change nothing"},
                },
            }
        }
    }
}


def receive_upload(create: Callable[[str, bytes, bool], T]) -> T:
    """`create(filename, content, dry_run)` for the uploaded file; a missing file is a 422 with
    its field message, a file of the wrong type or shape the refusal's status and message."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        abort(422, errors={"files": {"file": [_("Choose a CSV or XLSX file.")]}})
    dry_run = request.form.get("dry_run", "").lower() in {"1", "true", "yes", "on"}
    try:
        return create(upload.filename, upload.read(), dry_run)
    except importer.FileRejected as error:
        abort(error.status, message=imports.describe(vars(error)))


def job_view(job: BackgroundJob | None) -> dict[str, Any] | None:
    """The job as the schema shows it, its report's problems in the reader's language."""
    if job is None:
        return None
    view = {key: getattr(job, key) for key in JobSchema().fields}
    view["result"] = imports.localized(job.result)
    return view


def _dump(upload: Any) -> dict[str, Any]:
    job = db.session.scalar(select(BackgroundJob).where(BackgroundJob.id == upload.job_id))
    return {
        "id": upload.id,
        "filename": upload.filename,
        "format": upload.format,
        "dry_run": upload.dry_run,
        "created_at": upload.created_at,
        "job": job_view(job),
        "status_url": url_for("imports_api.ImportDetail", import_id=upload.id),
    }


@blp.route("")
class Imports(MethodView):
    accepts_upload = True  # multipart/form-data, not JSON (see kinerja.api._check_body)

    @blp.response(202, ImportSchema)
    @blp.doc(security=BEARER, requestBody=UPLOAD_BODY)
    def post(self) -> Any:
        """Upload a CSV or XLSX of employees; it is checked and applied by a background job"""
        principal = admin()
        record = receive_upload(
            lambda name, content, dry_run: imports.create(
                db.session, name, content, dry_run=dry_run, user_id=principal.user_id
            )
        )
        db.session.commit()
        return _dump(record)


@blp.route("/<int:import_id>")
class ImportDetail(MethodView):
    @blp.response(200, ImportSchema)
    @blp.doc(security=BEARER)
    def get(self, import_id: int) -> Any:
        """An import and its job: status, progress, and the report (rows, errors)"""
        admin()
        return _dump(load_or_404(db.session, EmployeeImport, import_id))


@blp.route("/template.csv")
class Template(MethodView):
    @blp.doc(
        security=BEARER,
        responses={"200": {"description": "CSV template", "content": {"text/csv": {}}}},
    )
    def get(self) -> Any:
        """The column layout as a CSV with one example row"""
        return csv_download(
            importer.REQUIRED + importer.OPTIONAL, importer.TEMPLATE_ROWS, "template-impor-pegawai"
        )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_download(columns: Any, rows: Any, name: str) -> Response:
    """An import's template as a CSV download, in the reader's spreadsheet conventions (`;` in
    Indonesian); the imports read both."""
    return Response(
        writers.csv_file(columns, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={name}.csv"},
    )


def xlsx_download(content: bytes, name: str) -> Response:
    return Response(
        content,
        mimetype=XLSX,
        headers={"Content-Disposition": f"attachment; filename={name}.xlsx"},
    )


@blp.route("/template.xlsx")
class TemplateXlsx(MethodView):
    @blp.doc(
        security=BEARER,
        responses={"200": {"description": "Excel template", "content": {XLSX: {}}}},
    )
    def get(self) -> Any:
        """The column layout as an Excel file, NIP columns formatted as text"""
        return xlsx_download(importer.template_xlsx(), "template-impor-pegawai")
