"""Evaluations through the API: start one for a period or the year, the employee's realisasi,
the rater's ratings, the reviewer's decision (against the agency's curve), the curve itself."""

from __future__ import annotations

from typing import Any

from flask import current_app, g
from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy import select

from kinerja import clock, rules
from kinerja import permissions as perm
from kinerja.api.common import Blueprint
from kinerja.api.pagination import SelectPage
from kinerja.api.people import BEARER
from kinerja.api.schemas import YEAR, EvidenceFiles, YearQuerySchema
from kinerja.bodies import large_body
from kinerja.city.permissions import AGENCY_FIGURES
from kinerja.db import db
from kinerja.httpkit import limits, pdf_response, send_stored
from kinerja.identity.principal import current, require
from kinerja.performance import skp as skps
from kinerja.performance.evaluation import evidence, printing, service, workflow
from kinerja.performance.evaluation.inputs import EvaluationRatingInput, ItemsBody
from kinerja.performance.evaluation.models import Evaluation, EvaluationFile
from kinerja.performance.evaluation.permissions import ACHIEVEMENT, EVALUATION
from kinerja.performance.log import uploads
from kinerja.schema import Schema
from kinerja.workflow import locked, year_lock

blp = Blueprint(
    "evaluation_api",
    __name__,
    url_prefix="/api/v1/tenants/<tenant>",
    description="Evaluation of the SKP (periodic and annual): realisasi with evidence, Rating "
    "Hasil Kerja and Rating Perilaku Kerja, the Predikat Kinerja, the reviewer's approval and "
    "the agency's distribution curve.",
)
ID = fields.Integer(validate=validate.Range(1, 2**62))


class EvaluationSchema(Schema):
    id = fields.Integer()
    skp_id = fields.Integer()
    employee_id = fields.Integer()
    year = fields.Integer()
    period = fields.Integer(metadata={"description": "0: the year; 1…n: a period"})
    starts = fields.Date()
    ends = fields.Date()
    status = fields.String()
    version = fields.Integer()
    rating_hasil = fields.String(allow_none=True)
    rating_perilaku = fields.String(allow_none=True)
    predikat = fields.String(allow_none=True)
    feedback = fields.String(allow_none=True)
    behaviour_feedback = fields.Dict()
    reason = fields.String(allow_none=True)
    curve_reason = fields.String(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)
    revisions = fields.List(fields.Dict())


class DetailSchema(EvaluationSchema):
    items = fields.List(
        fields.Dict(),
        metadata={
            "description": "per IKI: the evaluated period's target (`target_low`, `target_high`; "
            "the year's in `year_target_*`), the realisasi, and `achievement`: realisasi "
            "against the period's target as a whole percentage by the IKI's aspect (over 100 "
            "when exceeded; null when it cannot be measured)"
        },
    )
    actions = fields.List(fields.String())
    angka_kredit = fields.String(allow_none=True)


class EvaluationStartSchema(Schema):
    skp_id = ID
    period = fields.Integer(required=True, validate=validate.Range(0, 12))


class ListSchema(Schema):
    year = YEAR
    scope = fields.String(load_default="mine", validate=validate.OneOf(["mine", "team", "all"]))
    status = fields.String(validate=validate.OneOf(workflow.STATES))


class EvaluationTransitionSchema(Schema):
    action = fields.String(
        required=True,
        validate=validate.OneOf(
            [workflow.SUBMIT, workflow.RETURN, workflow.APPROVE, workflow.REVISE]
        ),
    )
    reason = fields.String(load_default=None, allow_none=True)
    curve_reason = fields.String(load_default=None, allow_none=True)


class FileFormSchema(Schema):
    iki_id = fields.Integer(required=True, validate=validate.Range(1, 2**62))


class AchievementSchema(Schema):
    level = fields.String(required=True, validate=validate.OneOf(rules.ORGANISATION_LEVELS))
    head_from_organisation = fields.Boolean(load_default=True)


def _evaluation(evaluation_id: int, action: str = perm.VIEW) -> Evaluation:
    evaluation = service.get(db.session, evaluation_id)
    require(action, service.resource(evaluation))
    return evaluation


def _file(evaluation: Evaluation, found: EvaluationFile) -> dict[str, Any]:
    base = f"/api/v1/tenants/{g.tenant.slug}/evaluations/{evaluation.id}/files/{found.id}"
    return {
        "id": found.id,
        "kind": found.kind,
        "name": found.name,
        "size": found.size,
        "url": f"{base}/file",
        "thumbnail_url": f"{base}/thumbnail" if found.thumb_key else None,
    }


def detail(evaluation: Evaluation) -> dict[str, Any]:
    held = service.roles(db.session, current(), evaluation)
    files = evidence.files(db.session, evaluation)
    credit = service.angka_kredit(db.session, evaluation)
    measured = {k: m.as_dict() for k, m in service.measured(db.session, evaluation).items()}
    return {
        **{name: getattr(evaluation, name) for name in EvaluationSchema().fields},
        "items": [
            {
                "iki_id": iki.id,
                "iki": iki.text,
                "rhk": rhk.text,
                "aspect": iki.aspect,
                # the evaluated period's target (the year's in the annual evaluation)
                "target_low": measured[iki.id]["target_low"],
                "target_high": measured[iki.id]["target_high"],
                "year_target_low": skps.iki_dict(iki)["target_low"],
                "year_target_high": skps.iki_dict(iki)["target_high"],
                "unit": iki.unit,
                "achievement": measured[iki.id]["percent"],
                "realisasi": format(item.realisasi.normalize(), "f")
                if item.realisasi is not None
                else None,
                "realisasi_text": item.realisasi_text,
                "evidence": item.evidence,
                "reports": item.reports,
                "files": [_file(evaluation, f) for f in files.get(iki.id, [])],
                "feedback": item.feedback,
            }
            for item, iki, rhk in service.items(db.session, evaluation)
        ],
        "actions": workflow.available(evaluation.status, held),
        "angka_kredit": str(credit) if credit is not None else None,
    }


@blp.route("/evaluations")
class Evaluations(MethodView):
    @blp.arguments(ListSchema, location="query")
    @blp.response(200, EvaluationSchema(many=True))
    @blp.paginate(SelectPage)
    @blp.doc(security=BEARER)
    def get(self, args: dict[str, Any]) -> Any:
        """Evaluations you may see: yours, your team's, all for the admin OPD"""
        principal = current()
        query = select(Evaluation).where(Evaluation.year == (args.get("year") or clock.this_year()))
        if args["scope"] == "mine":
            query = query.where(Evaluation.employee_id == (principal.employee_id or -1))
        elif args["scope"] == "team":
            query = query.where(Evaluation.employee_id.in_(principal.subordinate_ids or {-1}))
        else:
            query = query.where(perm.reach(principal, EVALUATION).where(Evaluation.employee_id))
        if args.get("status"):
            query = query.where(Evaluation.status == args["status"])
        return query.order_by(Evaluation.year.desc(), Evaluation.period, Evaluation.id)

    @blp.arguments(EvaluationStartSchema)
    @blp.response(201, DetailSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any]) -> Any:
        """Start the evaluation of your SKP for a period (or 0: the year)"""
        skp = skps.get(db.session, data.get("skp_id") or 0)
        require(perm.EDIT, perm.Resource("evaluation", g.tenant.id, employee_id=skp.employee_id))
        evaluation = service.start(db.session, skp, data["period"])
        db.session.commit()
        return detail(evaluation)


@blp.route("/evaluations/<int:evaluation_id>")
class EvaluationDetail(MethodView):
    @blp.etag  # the version a change of its items or rating names in If-Match
    @blp.response(200, DetailSchema)
    @blp.doc(security=BEARER)
    def get(self, evaluation_id: int) -> Any:
        """One evaluation with its items, the actions you may take and the angka kredit"""
        return detail(_evaluation(evaluation_id))


@blp.route("/evaluations/<int:evaluation_id>/document")
class Document(MethodView):
    @blp.doc(security=BEARER, responses={200: {"content": {"application/pdf": {}}}})
    def get(self, evaluation_id: int) -> Any:
        """The evaluation as PDF (annual: the Dokumen Evaluasi Kinerja Pegawai)"""
        evaluation = _evaluation(evaluation_id)
        data = printing.evaluation_document(db.session, evaluation, clock.today())
        return pdf_response(data, printing.filename(evaluation))


@blp.route("/evaluations/<int:evaluation_id>/items")
class Items(MethodView):
    @blp.etag
    @blp.arguments(ItemsBody, description="{IKI id: RealisasiInput}")
    @blp.response(200, DetailSchema)
    @blp.doc(security=BEARER)
    def put(self, data: dict[str, Any], evaluation_id: int) -> Any:
        """Your realisasi: {iki id: {realisasi, realisasi_text, evidence: [daily entry ids],
        reports: [report submission ids]}}; files of their own go to `…/files`. Send If-Match
        with the evaluation's ETag"""
        evaluation = locked(db.session, _evaluation(evaluation_id, perm.EDIT))
        blp.check_etag(detail(evaluation), DetailSchema)
        service.update_items(db.session, evaluation, data)
        db.session.commit()
        return detail(evaluation)


@blp.route("/evaluations/<int:evaluation_id>/files")
class Files(MethodView):
    accepts_upload = True  # multipart/form-data with the files and `iki_id`

    @blp.arguments(FileFormSchema, location="form")
    @blp.arguments(EvidenceFiles, location="files")
    @blp.response(201, DetailSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any], sent: dict[str, Any], evaluation_id: int) -> Any:
        """Attach files of your own (photos, PDFs) as bukti dukung of one IKI: multipart
        `evidence` (up to the per-entry limit per IKI) and `iki_id`"""
        evaluation = _evaluation(evaluation_id, perm.EDIT)
        iki_id = data["iki_id"]
        found = uploads.read(sent["evidence"], limits()[1])
        evidence.add_files(db.session, evaluation, iki_id, found, limits(), current().user_id)
        db.session.commit()
        return detail(evaluation)


large_body("EVIDENCE_MAX_REQUEST")(Files)


@blp.route("/evaluations/<int:evaluation_id>/files/<int:file_id>")
class FileRow(MethodView):
    @blp.response(204)
    @blp.doc(security=BEARER)
    def delete(self, evaluation_id: int, file_id: int) -> None:
        """Remove a file while the realisasi can still change"""
        evaluation = _evaluation(evaluation_id, perm.EDIT)
        keys = evidence.delete_file(db.session, evaluation, file_id)
        db.session.commit()
        evidence.discard(keys)


@blp.route("/evaluations/<int:evaluation_id>/files/<int:file_id>/<any(file, thumbnail):which>")
class FileContent(MethodView):
    @blp.doc(security=BEARER)
    def get(self, evaluation_id: int, file_id: int, which: str) -> Any:
        """A file of the evaluation (or its thumbnail), for whoever may see the evaluation"""
        evaluation = _evaluation(evaluation_id)
        return send_stored(evidence.file_of(db.session, evaluation, file_id), which)


@blp.route("/evaluations/<int:evaluation_id>/rating")
class Rating(MethodView):
    @blp.etag
    @blp.arguments(EvaluationRatingInput)
    @blp.response(200, DetailSchema)
    @blp.doc(security=BEARER)
    def put(self, data: dict[str, Any], evaluation_id: int) -> Any:
        """The Pejabat Penilai's ratings and feedback; the predikat follows from the matrix.
        Send If-Match with the evaluation's ETag"""
        evaluation = locked(db.session, _evaluation(evaluation_id, perm.MANAGE))
        blp.check_etag(detail(evaluation), DetailSchema)
        service.rate(db.session, current(), evaluation, data)
        db.session.commit()
        return detail(evaluation)


@blp.route("/evaluations/<int:evaluation_id>/transitions")
class Transition(MethodView):
    @blp.arguments(EvaluationTransitionSchema)
    @blp.response(200, DetailSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any], evaluation_id: int) -> Any:
        """Submit (yours), return or approve (the reviewer; an annual approval that breaks the
        curve needs `curve_reason`), revise an approved one (the rater, with a reason)"""
        evaluation = _evaluation(evaluation_id)
        service.act(
            db.session,
            current(),
            evaluation,
            data["action"],
            data.get("reason"),
            data.get("curve_reason"),
            current_app.config["CURVE_POLICY"],
        )
        db.session.commit()
        return detail(evaluation)


@blp.route("/curve")
class CurveView(MethodView):
    @blp.arguments(YearQuerySchema, location="query")
    @blp.doc(security=BEARER)
    def get(self, args: dict[str, Any]) -> Any:
        """The agency's annual predikat distribution against its curve (the admin OPD, the
        head and those the agency names)"""
        require(perm.VIEW, perm.Resource(AGENCY_FIGURES, g.tenant.id))
        year = args.get("year") or clock.this_year()
        found = service.curve(db.session, year)
        return {
            "year": year,
            "achievement": found.level,
            "counts": found.counts,
            "violations": found.violations,
        }


@blp.route("/achievement/<year:year>")
@blp.etag
class Achievement(MethodView):
    @blp.response(200)
    @blp.doc(security=BEARER)
    def get(self, year: int) -> Any:
        """The agency's achievement of a year (level null: not set yet)"""
        require(perm.VIEW, perm.Resource(ACHIEVEMENT, g.tenant.id))
        return _achievement(year)

    @blp.arguments(AchievementSchema)
    @blp.response(200)
    @blp.doc(security=BEARER)
    def put(self, data: dict[str, Any], year: int) -> Any:
        """Set the agency's achievement of a year (admin OPD, where the city lets agencies;
        send If-Match with the ETag of the GET)"""
        agency_may = current_app.config["ACHIEVEMENT_SET_BY"] == "agency"
        require(
            perm.MANAGE,
            perm.Resource(ACHIEVEMENT, g.tenant.id, extra={"agency_may_set": agency_may}),
        )
        year_lock(db.session, year, "achievement")
        blp.check_etag(_achievement(year))
        service.set_achievement(
            db.session, year, data["level"], current().user_id, data["head_from_organisation"]
        )
        db.session.commit()
        return _achievement(year)


def _achievement(year: int) -> dict[str, Any]:
    found = service.achievement(db.session, year)
    return {
        "year": year,
        "level": found.level if found else None,
        "head_from_organisation": found.head_from_organisation if found else True,
    }
