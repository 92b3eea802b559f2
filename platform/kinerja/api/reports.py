"""Report forms through the API: their definitions, submissions and the monthly summary."""

from __future__ import annotations

from typing import Any

from flask import g, request
from flask.views import MethodView
from marshmallow import fields

from kinerja import clock, plugins
from kinerja import permissions as perm
from kinerja.api.common import Blueprint, abort
from kinerja.api.pagination import WHOLE, ListPage, SelectPage
from kinerja.api.people import BEARER
from kinerja.api.schemas import month as month_field
from kinerja.db import db, idempotency
from kinerja.i18n import in_language
from kinerja.identity.principal import current, require
from kinerja.reports import choices, rules, service
from kinerja.reports.inputs import SubmissionBody
from kinerja.reports.models import ReportSubmission
from kinerja.reports.permissions import REPORT
from kinerja.schema import Schema

blp = Blueprint(
    "reports_api",
    __name__,
    url_prefix="/api/v1/tenants/<tenant>/forms",
    description="Report forms (laporan) of the agency's plugins: definitions, submissions "
    "(checked against the form; 422 names each field), decisions and the monthly summary.",
)


class FieldSchema(Schema):
    name = fields.String()
    label = fields.String()
    label_en = fields.String()
    type = fields.String()
    unit = fields.String()
    required = fields.Boolean()
    min = fields.Float(allow_none=True)
    max = fields.Float(allow_none=True)
    choices = fields.List(
        fields.String(),
        metadata={"description": "the values accepted; the agency's own when live_choices"},
    )
    live_choices = fields.Boolean(
        metadata={"description": "the choices are the agency's (e.g. its puskesmas), as of now"}
    )
    aggregate = fields.String(allow_none=True)


class FormSchema(Schema):
    code = fields.String()
    title = fields.String()
    title_en = fields.String()
    frequency = fields.String()
    plugin = fields.String()
    fields_ = fields.List(fields.Nested(FieldSchema), data_key="fields", attribute="fields")
    group_by = fields.List(fields.String())


class SubmissionSchema(Schema):
    id = fields.Integer(dump_only=True)
    form_code = fields.String(dump_only=True)
    employee_id = fields.Integer(dump_only=True)
    report_date = fields.Date(dump_only=True)
    data = fields.Dict(dump_only=True)
    status = fields.String(dump_only=True)
    reason = fields.String(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class DecisionSchema(Schema):
    action = fields.String(required=True, metadata={"enum": list(rules.ACTIONS)})
    reason = fields.String(load_default=None, allow_none=True)


class MonthSchema(Schema):
    month = month_field()
    by = fields.String(load_default="unit", metadata={"enum": ["unit", "person"]})
    status = fields.String(metadata={"enum": list(rules.STATUSES)})


def _forms() -> service.Forms:
    return plugins.call("kinerja_report_forms")


@blp.route("")
class Forms(MethodView):
    @blp.response(200, FormSchema(many=True))
    @blp.paginate(ListPage, page_size=WHOLE)
    @blp.doc(security=BEARER)
    def get(self) -> Any:
        """The report forms of the plugins enabled in the agency"""
        here = plugins.agency_here()
        return [
            {**vars(choices.resolved(form, plugin, here, strict=False)), "plugin": plugin}
            for plugin, form in service.forms_here(_forms())
        ]


@blp.route("/<code>/submissions")
class Submissions(MethodView):
    @blp.arguments(MonthSchema, location="query")
    @blp.response(200, SubmissionSchema(many=True))
    @blp.paginate(SelectPage)
    @blp.doc(security=BEARER)
    def get(self, args: dict[str, Any], code: str) -> Any:
        """Submissions of a month you may see (yours, your team's; all for the admin)"""
        service.find(_forms(), code)
        month = service.parse_month(args.get("month"), clock.today())
        query = service.visible_in_month(current(), code, month)
        if args.get("status"):
            query = query.where(ReportSubmission.status == args["status"])
        return query.order_by(ReportSubmission.report_date.desc(), ReportSubmission.id.desc())

    @blp.arguments(SubmissionBody)
    @blp.response(201, SubmissionSchema)
    @blp.alt_response(200, schema=SubmissionSchema, description="a replay (same key and body)")
    @blp.doc(security=BEARER, parameters=[idempotency.openapi_parameter("submission")])
    def post(self, data: dict[str, Any], code: str) -> Any:
        """Submit a filled-in form (JSON: report_date and the form's fields by name, as
        `GET …/forms` lists them; draft: true; log_rhk: also as the day's work); safe to retry
        with an `Idempotency-Key`"""
        plugin, form = service.find(_forms(), code)
        principal = current()
        require(perm.EDIT, perm.Resource(REPORT, g.tenant.id, employee_id=principal.employee_id))
        form = choices.resolved(form, plugin, plugins.agency_here())
        submission, replayed = service.submit_for(
            db.session,
            plugin,
            form,
            principal,
            data,
            today=clock.today(),
            title=in_language(form.title, form.title_en),
            key=request.headers.get(idempotency.HEADER),
        )
        db.session.commit()
        if replayed:
            return submission, 200, {idempotency.REPLAYED: "true"}
        return submission


@blp.route("/<code>/submissions/<int:submission_id>/decision")
class Decision(MethodView):
    @blp.arguments(DecisionSchema)
    @blp.response(200, SubmissionSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any], code: str, submission_id: int) -> Any:
        """Submit (yours), approve or reject (your subordinate's; a reason is required)"""
        submission = service.get(db.session, submission_id)
        if submission.form_code != code or data["action"] not in rules.ACTIONS:
            abort(404)
        needed = perm.EDIT if data["action"] == "submit" else perm.MANAGE
        require(needed, perm.Resource(REPORT, g.tenant.id, employee_id=submission.employee_id))
        service.decide(db.session, submission, data["action"], current().user_id, data["reason"])
        db.session.commit()
        return submission


@blp.route("/<code>/summary")
class Summary(MethodView):
    @blp.arguments(MonthSchema, location="query")
    @blp.doc(security=BEARER)
    def get(self, args: dict[str, Any], code: str) -> Any:
        """The month added up per work unit or per person, with the form's ratios

        `targets`: the agency's target (percent) of each ratio that has one; each line names
        the ratios that fall short of it in `below_target`.
        """
        plugin, form = service.find(_forms(), code)
        month = service.parse_month(args.get("month"), clock.today())
        by = "person" if args.get("by") == "person" else "unit"
        visible = service.visible_in_month(current(), code, month)
        targets = rules.targets(form, plugins.agency_here().settings.get(plugin, {}))
        return {
            "month": month.strftime("%Y-%m"),
            "by": by,
            "targets": targets,
            "lines": [
                {**line, "below_target": rules.below_target(line, targets)}
                for line in service.summary(db.session, form, by, visible)
            ],
        }
