"""Rencana Aksi through the API: an SKP's planned steps per result (RHK) and period, with their
status and evidence, and an evaluation's steps. Views are thin: `performance.aksi` decides."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from marshmallow import fields, pre_dump, validate

from kinerja import permissions as perm
from kinerja.api.common import Blueprint
from kinerja.api.pagination import SelectPage
from kinerja.api.people import BEARER
from kinerja.db import db
from kinerja.identity.principal import current, require
from kinerja.performance import skp as skps
from kinerja.performance.aksi import service
from kinerja.performance.aksi.inputs import MAX_PERIODS, MarkInput, StepInput, StepPatch
from kinerja.performance.aksi.labels import STATUSES
from kinerja.performance.aksi.models import RencanaAksi
from kinerja.performance.aksi.rules import STATUSES as STATUS_CODES
from kinerja.performance.evaluation import service as evaluations
from kinerja.performance.models import Skp
from kinerja.schema import Schema

blp = Blueprint(
    "aksi_api",
    __name__,
    url_prefix="/api/v1/tenants/<tenant>",
    description="Rencana Aksi: per result (RHK) and evaluation period, the planned steps (what, "
    "by when, which output), each with its status (planned, overdue, done) and its evidence "
    "(the approved daily entries naming it).",
)
ID = fields.Integer(validate=validate.Range(1, 2**62))


class EvidenceSchema(Schema):
    id = fields.Integer()
    entry_date = fields.Date()
    activity = fields.String()
    quantity = fields.Decimal(
        allow_none=True, as_string=True, metadata={"type": "string", "format": "decimal"}
    )
    unit = fields.String(allow_none=True)


class StepSchema(Schema):
    id = fields.Integer()
    skp_id = fields.Integer()
    rhk_id = fields.Integer()
    period = fields.Integer()
    text = fields.String()
    due = fields.Date()
    output = fields.String()
    done_at = fields.DateTime(allow_none=True, metadata={"description": "marked done by the owner"})
    status = fields.Method(
        "_status",
        metadata={"description": "planned, overdue or done", "enum": list(STATUS_CODES)},
    )
    status_label = fields.Method("_status_label")
    evidence = fields.Method(
        "_evidence", metadata={"description": "the approved daily entries naming the step"}
    )

    @pre_dump(pass_collection=True)
    def _views(self, data: Any, many: bool, **kwargs: Any) -> Any:
        """Status and evidence of every step being dumped, in one query; kept in the
        request's `g`, as the schema instance is shared between requests."""
        steps = list(data) if many else [data]
        if steps and isinstance(steps[0], RencanaAksi):
            g.aksi_views = {v.step.id: v for v in service.views(db.session, steps)}
        return data

    def _view(self, step: RencanaAksi) -> service.StepView:
        known = g.get("aksi_views") or {}
        return known.get(step.id) or service.views(db.session, [step])[0]

    def _status(self, step: RencanaAksi) -> str:
        return self._view(step).status

    def _status_label(self, step: RencanaAksi) -> str:
        return str(STATUSES[self._view(step).status])

    def _evidence(self, step: RencanaAksi) -> list[dict[str, Any]]:
        return EvidenceSchema(many=True).dump(self._view(step).evidence)


class StepQuerySchema(Schema):
    rhk_id = ID
    period = fields.Integer(validate=validate.Range(1, MAX_PERIODS))


def _skp(skp_id: int, action: str = perm.VIEW) -> Skp:
    skp = skps.get(db.session, skp_id)
    require(action, skps.resource(skp, None, g.tenant.id))
    return skp


@blp.route("/skp/<int:skp_id>/rencana-aksi")
class Steps(MethodView):
    @blp.arguments(StepQuerySchema, location="query")
    @blp.response(200, StepSchema(many=True))
    @blp.paginate(SelectPage)
    @blp.doc(security=BEARER)
    def get(self, args: dict[str, Any], skp_id: int) -> Any:
        """The plan's steps (of one result, of one period) by period and date, with status"""
        return service.query(_skp(skp_id), args.get("rhk_id"), args.get("period"))

    @blp.arguments(StepInput)
    @blp.response(201, StepSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any], skp_id: int) -> Any:
        """Add a step to a result of your plan while it can change (draft or rejected)"""
        skp = _skp(skp_id, perm.EDIT)
        step = service.create(db.session, skp, data)
        db.session.commit()
        return step


@blp.route("/skp/<int:skp_id>/rencana-aksi/<int:step_id>")
class Step(MethodView):
    @blp.etag
    @blp.response(200, StepSchema)
    @blp.doc(security=BEARER)
    def get(self, skp_id: int, step_id: int) -> Any:
        """One step with its status and evidence"""
        return service.get(db.session, _skp(skp_id), step_id)

    @blp.etag
    @blp.arguments(StepPatch)
    @blp.response(200, StepSchema)
    @blp.doc(security=BEARER)
    def patch(self, data: dict[str, Any], skp_id: int, step_id: int) -> Any:
        """Change a step of your plan while it can change (send If-Match)"""
        skp = _skp(skp_id, perm.EDIT)
        step = service.get_locked(db.session, skp, step_id)
        blp.check_etag(step, StepSchema)
        service.update(db.session, skp, step, data)
        db.session.commit()
        return step

    @blp.etag
    @blp.response(204)
    @blp.doc(security=BEARER)
    def delete(self, skp_id: int, step_id: int) -> None:
        """Remove a step no daily entry names, while the plan can change (send If-Match)"""
        skp = _skp(skp_id, perm.EDIT)
        step = service.get_locked(db.session, skp, step_id)
        blp.check_etag(step, StepSchema)
        service.delete(db.session, skp, step)
        db.session.commit()


@blp.route("/skp/<int:skp_id>/rencana-aksi/<int:step_id>/done")
class Done(MethodView):
    @blp.etag
    @blp.arguments(MarkInput)
    @blp.response(200, StepSchema)
    @blp.doc(security=BEARER)
    def put(self, data: dict[str, Any], skp_id: int, step_id: int) -> Any:
        """Mark a step of your approved plan done (true) or take the mark back (false); send
        If-Match with the step's ETag"""
        skp = _skp(skp_id, perm.EDIT)
        step = service.get_locked(db.session, skp, step_id)
        blp.check_etag(step, StepSchema)
        service.mark(db.session, current(), skp, step, data["done"])
        db.session.commit()
        return step


@blp.route("/evaluations/<int:evaluation_id>/rencana-aksi")
class EvaluationSteps(MethodView):
    @blp.response(200, StepSchema(many=True))
    @blp.paginate(SelectPage)
    @blp.doc(security=BEARER)
    def get(self, evaluation_id: int) -> Any:
        """The steps due within the evaluation's period (or year), with status and evidence"""
        evaluation = evaluations.get(db.session, evaluation_id)
        require(perm.VIEW, evaluations.resource(evaluation))
        return service.in_span(evaluation.skp_id, evaluation.starts, evaluation.ends)
