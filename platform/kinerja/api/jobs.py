"""Background job records of an agency: status, progress and, for failures, the error."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from kinerja.api.auth import OPERATOR, require_operator
from kinerja.api.pagination import SelectPage
from kinerja.api.schemas import JobQuerySchema, JobSchema
from kinerja.db import db
from kinerja.jobs.models import BackgroundJob
from kinerja.tenancy.resolve import scope_blueprint

blp = Blueprint(
    "jobs",
    __name__,
    url_prefix="/api/v1/tenants/<tenant>/jobs",
    description="Background jobs of an agency: status, progress, errors (admin OPD or operator).",
)
scope_blueprint(blp)


@blp.route("")
class Jobs(MethodView):
    @blp.arguments(JobQuerySchema, location="query")
    @blp.response(200, JobSchema(many=True))
    @blp.paginate(SelectPage)
    @blp.doc(security=OPERATOR)
    def get(self, args: dict[str, Any]) -> Any:
        """List the agency's jobs, newest first"""
        require_operator("import")
        query = select(BackgroundJob).order_by(BackgroundJob.created_at.desc())
        if "status" in args:
            query = query.where(BackgroundJob.status == args["status"])
        return query


@blp.route("/<uuid:job_id>")
class JobDetail(MethodView):
    @blp.response(200, JobSchema)
    @blp.doc(security=OPERATOR)
    def get(self, job_id: uuid.UUID) -> Any:
        """One job: status, attempts, progress, error"""
        require_operator("import")
        job = db.session.scalar(select(BackgroundJob).where(BackgroundJob.id == job_id))
        if job is None:
            abort(404, message=f"Job {job_id} not found")
        return job
