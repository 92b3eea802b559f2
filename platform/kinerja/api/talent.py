"""Competencies and talent through the API: the positions' standards, the talent policy,
assessment campaigns (tasks, ratings, imports from assessment centres), each person's gap, JPM
and nine-box, and the agency's heat-map and grid. Peer and subordinate ratings only ever come
out aggregated, from the anonymity minimum up."""

from __future__ import annotations

from typing import Any

from flask import g, request
from flask.views import MethodView
from flask_smorest.fields import Upload
from marshmallow import EXCLUDE, ValidationError, fields, validate
from sqlalchemy import select

from kinerja import audit, numbers
from kinerja import permissions as perm
from kinerja.api.common import Blueprint, abort
from kinerja.api.pagination import WHOLE, ListPage, SelectPage
from kinerja.api.people import BEARER
from kinerja.competency import campaigns, catalogue, results, standards, stored
from kinerja.competency.inputs import CampaignInput, RatingsBody, StandardBody
from kinerja.competency.models import AssessmentCampaign, DevelopmentOption
from kinerja.competency.permissions import CAMPAIGN, STANDARD, TALENT
from kinerja.db import db
from kinerja.db.load import load_or_404
from kinerja.exceptions import Invalid
from kinerja.i18n import _
from kinerja.identity.principal import current, require
from kinerja.people.models import Position
from kinerja.plugins.types import DEVELOPMENT_KINDS
from kinerja.schema import Schema
from kinerja.workflow import agency_lock

blp = Blueprint(
    "talent_api",
    __name__,
    url_prefix="/api/v1/tenants/<tenant>/talent",
    description="Competencies and talent (PermenPANRB 38/2017, 3/2020): required levels per "
    "position, 360° assessment campaigns with anonymity, the gap, Job Person Match, development "
    "suggestions and the nine-box grid.",
)
ID = fields.Integer(validate=validate.Range(1, 2**62))


class CampaignSchema(Schema):
    """A campaign as answered (its input is `inputs.CampaignInput`)."""

    id = fields.Integer()
    name = fields.String()
    starts = fields.Date()
    ends = fields.Date()
    status = fields.String()
    sources = fields.Dict(keys=fields.String(), values=fields.Integer())
    minimum = fields.Integer()
    competencies = fields.List(fields.String())


class CampaignListedSchema(CampaignSchema):
    """A campaign in the list: with its progress."""

    subjects = fields.Integer()
    tasks_done = fields.Integer()
    tasks = fields.Integer()


class TaskListedSchema(Schema):
    id = fields.Integer()
    campaign = fields.String()
    ends = fields.Date()
    subject_id = fields.Integer()
    subject = fields.String()
    source = fields.String()


class PositionLevelsSchema(Schema):
    position_id = fields.Integer()
    name = fields.String()
    type = fields.String()
    grade = fields.Integer(allow_none=True)
    levels = fields.Dict(keys=fields.String(), values=fields.Integer())


class CampaignTransitionSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(["open", "close"]))


class TalentPolicySchema(Schema):
    jpm_scale = fields.String(validate=validate.OneOf(["kemenpan", "seleksi"]))
    tinggi_from = fields.Decimal(as_string=True)
    menengah_from = fields.Decimal(as_string=True)
    minimum = fields.Integer()
    weights = fields.Dict(keys=fields.String(), values=fields.Integer())


class OptionSchema(Schema):
    id = fields.Integer(dump_only=True)
    code = fields.String(required=True, validate=validate.Length(1, 40))
    kind = fields.String(required=True, validate=validate.OneOf(DEVELOPMENT_KINDS))
    text = fields.String(required=True, validate=validate.Length(1, 300))


def _campaign_dict(campaign: AssessmentCampaign) -> dict[str, Any]:
    return CampaignListedSchema().dump(_with_progress(campaign))


def _with_progress(campaign: AssessmentCampaign) -> dict[str, Any]:
    """A campaign and its progress, to be dumped by `CampaignListedSchema`."""
    done, total = campaigns.progress(db.session, campaign)
    return {
        **{name: getattr(campaign, name) for name in CampaignSchema().fields},
        "subjects": len(campaigns.subjects(db.session, campaign)),
        "tasks_done": done,
        "tasks": total,
    }


def _campaign(campaign_id: int, action: str = perm.VIEW) -> AssessmentCampaign:
    require(action, perm.Resource(CAMPAIGN, g.tenant.id))
    return campaigns.get(db.session, campaign_id)


def result_dict(result: results.Result) -> dict[str, Any]:
    """A person's result; each source as {count, mean} or {count, hidden: true}."""
    return {
        "employee_id": result.employee_id,
        "campaign_id": result.campaign.id if result.campaign else None,
        "jpm": str(result.jpm) if result.jpm is not None else None,
        "jpm_category": result.category,
        "predikat": result.predikat,
        "kinerja": result.kinerja,
        "potensial": result.potensial,
        "box": result.box,
        "competencies": [
            {
                "code": line.code,
                "name": line.name,
                "required": line.required,
                "assessed": str(line.assessed) if line.assessed is not None else None,
                "gap": str(line.gap) if line.gap is not None else None,
                "sources": {
                    s: (
                        {"count": v.count, "hidden": True}
                        if v.count is not None
                        else {"hidden": True}
                    )
                    if v.hidden
                    else {"count": v.count, "mean": str(v.mean) if v.mean is not None else None}
                    for s, v in line.sources.items()
                },
                "comments": [{"source": s, "text": t} for s, t in line.comments],
                "suggestions": [
                    {"kind": o.kind, "text": o.text, "text_en": o.text_en} for o in line.suggestions
                ],
            }
            for line in result.lines
        ],
    }


def _chosen(upload: Any) -> None:
    if not getattr(upload, "filename", ""):
        raise ValidationError([_("Choose a CSV or XLSX file.")])


class ResultsFile(Schema):
    """An assessment centre's results as a file (CSV or XLSX)."""

    class Meta:
        unknown = EXCLUDE

    file = Upload(
        required=True,
        validate=_chosen,
        error_messages={"required": _("Choose a CSV or XLSX file.")},
    )


@blp.route("/standards")
class Standards(MethodView):
    @blp.response(200, PositionLevelsSchema(many=True))
    @blp.paginate(page_size=WHOLE)
    @blp.doc(security=BEARER)
    def get(self, pagination_parameters: Any) -> Any:
        """Every position with its required level per competency (defaults, then its own),
        paged"""
        require(perm.VIEW, perm.Resource(STANDARD, g.tenant.id))
        positions = SelectPage(
            select(Position).order_by(Position.name, Position.id), pagination_parameters
        ).items
        levels = standards.required_by_position(db.session, positions, catalogue.dictionary())
        return [
            {
                "position_id": p.id,
                "name": p.name,
                "type": p.type,
                "grade": p.grade,
                "levels": levels[p.id],
            }
            for p in positions
        ]


@blp.route("/standards/<int:position_id>")
@blp.etag
class Standard(MethodView):
    @blp.response(200)
    @blp.doc(security=BEARER)
    def get(self, position_id: int) -> Any:
        """The required level per competency of one position (defaults, then its own)"""
        require(perm.VIEW, perm.Resource(STANDARD, g.tenant.id))
        return _standard(position_id)

    @blp.arguments(StandardBody)
    @blp.response(200)
    @blp.doc(security=BEARER)
    def put(self, data: dict[str, Any], position_id: int) -> Any:
        """Set levels of one position: {code: 0-5 (0: not required), or null: the default};
        send If-Match with the ETag of the GET"""
        require(perm.MANAGE, perm.Resource(STANDARD, g.tenant.id))
        agency_lock(db.session, f"talent_standard:{position_id}")
        blp.check_etag(_standard(position_id))
        levels = standards.set_standard(db.session, position_id, data, catalogue.dictionary())
        db.session.commit()
        return {"position_id": position_id, "levels": levels}


def _standard(position_id: int) -> dict[str, Any]:
    position = load_or_404(db.session, Position, position_id)
    levels = standards.required_by_position(db.session, [position], catalogue.dictionary())
    return {"position_id": position.id, "levels": levels[position.id]}


@blp.route("/policy")
@blp.etag
class Policy(MethodView):
    @blp.response(200)
    @blp.doc(security=BEARER)
    def get(self) -> Any:
        """The agency's JPM scale, potensial cut-offs, source weights and anonymity minimum"""
        require(perm.VIEW, perm.Resource(STANDARD, g.tenant.id))
        return _policy_dict(standards.policy(db.session))

    @blp.arguments(TalentPolicySchema)
    @blp.response(200)
    @blp.doc(security=BEARER)
    def put(self, data: dict[str, Any]) -> Any:
        """Change the talent policy (admin OPD; the minimum never below 3; send If-Match with
        the ETag of the GET)"""
        require(perm.MANAGE, perm.Resource(STANDARD, g.tenant.id))
        agency_lock(db.session, "talent_policy")
        blp.check_etag(_policy_dict(standards.policy(db.session)))
        found = standards.set_policy(db.session, data)
        db.session.commit()
        return _policy_dict(found)


def _policy_dict(found: standards.Policy) -> dict[str, Any]:
    return {
        "jpm_scale": found.jpm_scale,
        "tinggi_from": str(found.cut_offs["TINGGI"]),
        "menengah_from": str(found.cut_offs["MENENGAH"]),
        "minimum": found.minimum,
        "weights": found.weights,
    }


@blp.route("/campaigns")
class Campaigns(MethodView):
    @blp.response(200, CampaignListedSchema(many=True))
    @blp.paginate(page_size=WHOLE)
    @blp.doc(security=BEARER)
    def get(self, pagination_parameters: Any) -> Any:
        """The agency's assessment campaigns with their progress (admin OPD), newest first,
        paged (the progress counted for the page's campaigns only)"""
        require(perm.VIEW, perm.Resource(CAMPAIGN, g.tenant.id))
        found = SelectPage(
            select(AssessmentCampaign).order_by(
                AssessmentCampaign.starts.desc(), AssessmentCampaign.id.desc()
            ),
            pagination_parameters,
        ).items
        return [_with_progress(c) for c in found]

    @blp.arguments(CampaignInput)
    @blp.doc(security=BEARER)
    @blp.response(201)
    def post(self, data: dict[str, Any]) -> Any:
        """Create a draft campaign: who, which competencies, which sources with what weight"""
        require(perm.MANAGE, perm.Resource(CAMPAIGN, g.tenant.id))
        campaign = campaigns.create(db.session, data, catalogue.dictionary(), current().user_id)
        db.session.commit()
        return _campaign_dict(campaign)


@blp.route("/campaigns/<int:campaign_id>")
class CampaignDetail(MethodView):
    @blp.doc(security=BEARER)
    def get(self, campaign_id: int) -> Any:
        """A campaign and its progress (tasks done; never who answered what)"""
        return _campaign_dict(_campaign(campaign_id))


@blp.route("/campaigns/<int:campaign_id>/transitions")
class CampaignTransition(MethodView):
    @blp.arguments(CampaignTransitionSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any], campaign_id: int) -> Any:
        """Open a draft (raters get their tasks) or close an open campaign"""
        campaign = _campaign(campaign_id, perm.MANAGE)
        if data["action"] == "open":
            campaigns.open_campaign(db.session, campaign)
        else:
            campaigns.close_campaign(db.session, campaign)
        db.session.commit()
        return _campaign_dict(campaign)


@blp.route("/campaigns/<int:campaign_id>/results")
class CampaignImport(MethodView):
    accepts_upload = True  # multipart/form-data with `file`

    @blp.arguments(ResultsFile, location="files")
    @blp.doc(security=BEARER)
    def post(self, sent: dict[str, Any], campaign_id: int) -> Any:
        """Import an assessment centre's results (CSV/XLSX: nip, kode_kompetensi, level), all
        or nothing; errors named by row"""
        campaign = _campaign(campaign_id, perm.MANAGE)
        upload = sent["file"]
        rows = campaigns.import_results(
            db.session, campaign, upload.filename, upload.read(), catalogue.dictionary()
        )
        db.session.commit()
        return {"rows": rows, **_campaign_dict(campaign)}


@blp.route("/tasks")
class Tasks(MethodView):
    @blp.response(200, TaskListedSchema(many=True))
    @blp.paginate(ListPage, page_size=WHOLE)
    @blp.doc(security=BEARER)
    def get(self) -> Any:
        """Your rating tasks in open campaigns (whom to rate, as what), paged"""
        found = campaigns.tasks_of(db.session, current().employee_id)
        return [
            {
                "id": task.id,
                "campaign": campaign.name,
                "ends": campaign.ends,
                "subject_id": task.subject_id,
                "subject": name,
                "source": task.source,
            }
            for task, campaign, name in found
        ]


@blp.route("/tasks/<int:task_id>")
class Task(MethodView):
    @blp.doc(security=BEARER)
    def get(self, task_id: int) -> Any:
        """A task: the competencies to rate with each level's behavioural indicators"""
        task = campaigns.task_of(db.session, task_id, current().employee_id)
        asked = campaigns.to_rate(db.session, task, catalogue.dictionary())
        return {
            "id": task.id,
            "subject_id": task.subject_id,
            "source": task.source,
            "done": task.done_at is not None,
            "competencies": [
                {
                    "code": c.code,
                    "name": c.name,
                    "description": c.description,
                    "levels": list(c.levels),
                }
                for c in asked
            ],
        }

    @blp.arguments(RatingsBody)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any], task_id: int) -> Any:
        """Send your ratings: {code: {level: 1-5, comment}} for every competency asked; final"""
        task = campaigns.task_of(db.session, task_id, current().employee_id)
        campaigns.submit(db.session, task, data, catalogue.dictionary())
        db.session.commit()
        return {"id": task.id, "done": True}


@blp.route("/people/<int:employee_id>")
class PersonResult(MethodView):
    @blp.doc(security=BEARER)
    def get(self, employee_id: int) -> Any:
        """A person's gap per competency, JPM, development suggestions and nine-box place"""
        require(perm.VIEW, perm.Resource(TALENT, g.tenant.id, employee_id=employee_id))
        _employee, found = results.opened(
            db.session,
            current().employee_id,
            employee_id,
            catalogue.dictionary(),
            results.options_of(db.session, catalogue.development()),
        )
        db.session.commit()  # the audit of who opened whose result
        history = results.history(db.session, employee_id, catalogue.dictionary())
        return {
            **result_dict(found),
            "history": [
                {"year": y, "predikat": p, "potensial": pot, "box": b} for y, p, pot, b in history
            ],
        }


GRID_PAGE = 50


@blp.route("/grid")
class Grid(MethodView):
    @blp.paginate(page_size=GRID_PAGE)
    @blp.doc(security=BEARER)
    def get(self, pagination_parameters: Any) -> Any:
        """The nine-box: counts per box (admin OPD: the agency; a superior: their subtree);
        `?box=N` lists who is in box N, paged (`X-Pagination`, 50 a page). Below the group
        minimum (`KINERJA_MIN_GROUP`) of people placed the counts and names are null, the JPM
        distribution likewise, each named in `suppressed` with its reason. Read from the stored
        results: `computed_at` says when they were computed, `pending` that a refresh waits"""
        found = stored.scope(current())
        minimum = results.group_minimum()
        asked = request.args.get("box")  # "٣" is no box: read by the one rule, not `int()`
        wanted = numbers.whole(asked, 1, 9) if asked else None
        if asked and wanted is None:
            abort(422, errors={"query": {"box": [_("Choose a box from 1 to 9.")]}})
        scale = standards.policy(db.session).jpm_scale
        summary = stored.summary(db.session, found, scale, minimum)
        boxes = summary.boxes
        answer: dict[str, Any] = {
            "counts": {str(n): count for n, count in boxes.value.items()}
            if boxes.value is not None
            else None,
            "jpm_distribution": summary.distribution.value,
            "suppressed": _withheld(
                {"counts": boxes, "jpm_distribution": summary.distribution}, minimum
            ),
            "placed": summary.placed,
            "everyone": summary.everyone,
            "computed_at": summary.computed_at.isoformat() if summary.computed_at else None,
            "pending": stored.pending(g.tenant.id),
        }
        pagination_parameters.item_count = 0
        if wanted is not None:
            answer["employees"] = None
            if boxes.value is not None:
                page = SelectPage(stored.in_box(found, wanted), pagination_parameters)
                answer["employees"] = [row["id"] for row in page.items]
                pagination_parameters.item_count = page.item_count
        return answer


def _withheld(values: dict[str, Any], minimum: int) -> dict[str, Any]:
    """{name: {reason, minimum}} of the aggregates withheld (their values are null)."""
    return {
        name: {"reason": shown.reason, "minimum": minimum}
        for name, shown in values.items()
        if shown.suppressed
    }


@blp.route("/heatmap")
class Heatmap(MethodView):
    @blp.paginate(page_size=GRID_PAGE)
    @blp.doc(security=BEARER)
    def get(self, pagination_parameters: Any) -> Any:
        """Mean gap per work unit and competency (people with results only), the units paged
        (`X-Pagination`, 50 a page); a cell of fewer people than the group minimum is null,
        named in the unit's `suppressed`. Read from the stored results (`computed_at`,
        `pending` as for the grid)"""
        minimum = results.group_minimum()
        codes, table, computed_at = stored.heatmap(db.session, stored.scope(current()), minimum)
        units = sorted(table.items(), key=lambda item: (item[0] is None, item[0] or 0))
        pagination_parameters.item_count = len(units)
        first = pagination_parameters.first_item
        shown = units[first : first + pagination_parameters.page_size]
        return {
            "competencies": codes,
            "units": [
                {
                    "unit_id": unit,
                    "gaps": {
                        c: str(v.value) if v.value is not None else None for c, v in gaps.items()
                    },
                    "suppressed": _withheld(gaps, minimum),
                }
                for unit, gaps in shown
            ],
            "computed_at": computed_at.isoformat() if computed_at else None,
            "pending": stored.pending(g.tenant.id),
        }


@blp.route("/development")
class Development(MethodView):
    @blp.doc(security=BEARER)
    def get(self) -> Any:
        """The development catalogue: the agency's own options, then the plugins' and core's"""
        require(perm.VIEW, perm.Resource(STANDARD, g.tenant.id))
        own = db.session.scalars(select(DevelopmentOption).order_by(DevelopmentOption.id))
        return {
            "own": [OptionSchema().dump(o) for o in own],
            "contributed": [
                {
                    "code": o.code,
                    "kind": o.kind,
                    "text": o.text,
                    "text_en": o.text_en,
                    "min_gap": o.min_gap,
                }
                for o in catalogue.development()
            ],
        }

    @blp.arguments(OptionSchema)
    @blp.response(201, OptionSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any]) -> Any:
        """Add an option of the agency's own (admin OPD); `code` '*' for any competency"""
        require(perm.MANAGE, perm.Resource(STANDARD, g.tenant.id))
        if data["code"] != "*" and data["code"] not in catalogue.dictionary():
            raise Invalid("code", _("Not a competency in force in this agency."))
        option = DevelopmentOption(**data)
        db.session.add(option)
        db.session.flush()
        audit.record(
            db.session,
            "talent.development",
            "development_option",
            option.id,
            changes={"text": [None, option.text]},
        )
        db.session.commit()
        return option
