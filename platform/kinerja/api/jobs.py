"""Background job records of an agency: status, progress and, for failures, the error."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from sqlalchemy import select

from kinerja import audit
from kinerja.api.auth import OPERATOR, require_operator
from kinerja.api.common import Blueprint
from kinerja.api.pagination import SelectPage
from kinerja.api.schemas import JobQuerySchema, JobSchema
from kinerja.db import db
from kinerja.db.load import load_or_404
from kinerja.httpkit import is_operator
from kinerja.jobs.models import BackgroundJob

blp = Blueprint(
    "jobs",
    __name__,
    url_prefix="/api/v1/tenants/<tenant>/jobs",
    description="Background jobs of an agency: status, progress, errors (admin OPD or operator).",
)


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
        audit_operator_read("list")
        return query


@blp.route("/<uuid:job_id>")
class JobDetail(MethodView):
    @blp.response(200, JobSchema)
    @blp.doc(security=OPERATOR)
    def get(self, job_id: uuid.UUID) -> Any:
        """One job: status, attempts, progress, error"""
        require_operator("import")
        job = load_or_404(db.session, BackgroundJob, job_id)
        audit_operator_read(str(job_id))
        return job


def audit_operator_read(what: str) -> None:
    """The operator reads job records across agencies: each read is in the agency's log."""
    if is_operator():
        audit.record(db.session, "job.read", "background_job", what, actor_role="operator")
        db.session.commit()
