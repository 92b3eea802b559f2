"""The performance year through the API: periods, the agency's targets, SKP with RHK and IKI,
the workflow, versions and the Matriks Peran Hasil. Views are thin: the services decide."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView

from kinerja import clock, plugins
from kinerja import permissions as perm
from kinerja.api.common import Blueprint
from kinerja.api.pagination import WHOLE, ListPage, SelectPage
from kinerja.api.people import BEARER
from kinerja.api.skp_schemas import (
    HandDownSchema,
    MatrixQuerySchema,
    RhkSchema,
    SkpCreateSchema,
    SkpDetailSchema,
    SkpQuerySchema,
    SkpSchema,
    SkpVersionBriefSchema,
    SkpVersionSchema,
    TargetPatchSchema,
    TargetSchema,
    TransitionSchema,
    YearQuerySchema,
    YearSchema,
)
from kinerja.db import db
from kinerja.httpkit import pdf_response
from kinerja.identity.principal import current, require
from kinerja.people import employees
from kinerja.performance import (
    cascade,
    change_words,
    flow,
    measure,
    plan,
    printed,
    targets,
    workflow,
    years,
)
from kinerja.performance import skp as skps
from kinerja.performance.inputs import (
    ExpectationsBody,
    IkiInput,
    PlanInput,
    RhkInput,
    RhkPatch,
)
from kinerja.performance.models import Skp
from kinerja.performance.permissions import PLAN
from kinerja.presentation import labels
from kinerja.workflow import locked, year_lock

blp = Blueprint(
    "skp_api",
    __name__,
    url_prefix="/api/v1/tenants/<tenant>",
    description="The year's plan: evaluation periods, the agency's targets, SKP (Sasaran "
    "Kinerja Pegawai) with RHK (results) and IKI (indicators), approval, versions and the "
    "cascade (Matriks Peran Hasil).",
)


# --- helpers -----------------------------------------------------------------------------------
def _year(args: dict[str, Any]) -> int:
    return args.get("year") or clock.this_year()


def _plan_resource() -> perm.Resource:
    return perm.Resource(PLAN, g.tenant.id)


def _skp(skp_id: int, action: str = perm.VIEW) -> Skp:
    skp = skps.get(db.session, skp_id)
    require(action, skps.resource(skp, None, g.tenant.id))
    return skp


def detail(skp: Skp) -> dict[str, Any]:
    """The SKP with its content and the actions the caller may try now."""
    employee = employees.get_employee(db.session, skp.employee_id)
    of = skps.chain(db.session, employee)
    roles = skps.roles(current(), skp, of)
    return {
        **{k: getattr(skp, k) for k in SkpSchema().fields if hasattr(skp, k)},
        **skps.content(db.session, skp, of),
        "actions": workflow.available(skp.status, roles),
        # achievement per IKI (year and periods) once the plan is in force; not plan content
        "progress": [p.as_dict() for p in measure.progress(db.session, skp, clock.today()).values()]
        if skp.in_force
        else [],
        "sections": [
            {"plugin": plugin, "title": s.title, "title_en": s.title_en, "lines": list(s.lines)}
            for plugin, listed in plugins.call(
                "kinerja_skp_sections", employee_id=skp.employee_id, year=skp.year
            )
            for s in listed
        ],
    }


# --- periods and targets -----------------------------------------------------------------------
@blp.route("/years/<year:year>")
@blp.etag
class Year(MethodView):
    @blp.response(200, YearSchema)
    @blp.doc(security=BEARER)
    def get(self, year: int) -> Any:
        """The performance year: dates, open or closed, the agency's frequency and periods"""
        require(perm.VIEW, _plan_resource())
        years.check_year(year)
        return _year_dict(year)

    @blp.arguments(YearSchema)
    @blp.response(200, YearSchema)
    @blp.doc(security=BEARER)
    def put(self, data: dict[str, Any], year: int) -> Any:
        """Set the agency's evaluation frequency for the year (admin OPD; send If-Match with
        the ETag of the GET)"""
        require(perm.MANAGE, _plan_resource())
        years.check_year(year)
        year_lock(db.session, year, "frequency")  # a first save of two has no row to lock
        blp.check_etag(_year_dict(year), YearSchema)
        years.set_frequency(db.session, year, data["frequency"])
        db.session.commit()
        return _year_dict(year)


def _year_dict(year: int) -> dict[str, Any]:
    info = years.info(db.session, year)
    return {
        **vars(info),
        "frequency": years.frequency(db.session, year),
        "periods": years.periods_of(db.session, year),
    }


@blp.route("/targets")
class Targets(MethodView):
    @blp.arguments(YearQuerySchema, location="query")
    @blp.response(200, TargetSchema(many=True))
    @blp.paginate(ListPage, page_size=WHOLE)
    @blp.doc(security=BEARER)
    def get(self, args: dict[str, Any]) -> Any:
        """The agency's targets (sasaran strategis) of a year"""
        require(perm.VIEW, _plan_resource())
        return db.session.scalars(targets.query(_year(args))).all()

    @blp.arguments(YearQuerySchema, location="query")
    @blp.arguments(TargetSchema)
    @blp.response(201, TargetSchema)
    @blp.doc(security=BEARER)
    def post(self, args: dict[str, Any], data: dict[str, Any]) -> Any:
        """Add a target for the year (admin OPD)"""
        require(perm.MANAGE, _plan_resource())
        target = targets.create(db.session, _year(args), data)
        db.session.commit()
        return target


@blp.route("/targets/<int:target_id>")
class Target(MethodView):
    @blp.etag
    @blp.response(200, TargetSchema)
    @blp.doc(security=BEARER)
    def get(self, target_id: int) -> Any:
        """One target"""
        require(perm.VIEW, _plan_resource())
        return targets.get(db.session, target_id)

    @blp.etag
    @blp.arguments(TargetPatchSchema)
    @blp.response(200, TargetSchema)
    @blp.doc(security=BEARER)
    def patch(self, data: dict[str, Any], target_id: int) -> Any:
        """Change a target (admin OPD; send If-Match)"""
        require(perm.MANAGE, _plan_resource())
        target = locked(db.session, targets.get(db.session, target_id))
        blp.check_etag(target, TargetSchema)
        targets.update(db.session, target, data)
        db.session.commit()
        return target

    @blp.etag
    @blp.response(204)
    @blp.doc(security=BEARER)
    def delete(self, target_id: int) -> None:
        """Delete a target no result cascades from (admin OPD; send If-Match)"""
        require(perm.MANAGE, _plan_resource())
        target = locked(db.session, targets.get(db.session, target_id))
        blp.check_etag(target, TargetSchema)
        targets.delete(db.session, target)
        db.session.commit()


# --- SKP ---------------------------------------------------------------------------------------
@blp.route("/skp")
class SkpList(MethodView):
    @blp.arguments(SkpQuerySchema, location="query")
    @blp.response(200, SkpSchema(many=True))
    @blp.paginate(SelectPage)
    @blp.doc(security=BEARER)
    def get(self, args: dict[str, Any]) -> Any:
        """The SKP you may see (yours, your team's; all for the admin), newest first"""
        query = skps.visible(current()).where(Skp.year == _year(args))
        if args.get("status"):
            query = query.where(Skp.status == args["status"])
        if args.get("employee_id"):
            query = query.where(Skp.employee_id == args["employee_id"])
        return query.order_by(Skp.updated_at.desc(), Skp.id.desc())

    @blp.arguments(SkpCreateSchema)
    @blp.response(201, SkpDetailSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any]) -> Any:
        """Start your SKP for a year: empty, from your superior's results, or a copy"""
        principal = current()
        require(perm.EDIT, skps.resource(None, principal.employee_id, g.tenant.id))
        employee = employees.get_employee(db.session, principal.employee_id or 0)
        skp = skps.create(db.session, employee, _year(data), data["approach"], data["start"])
        db.session.commit()
        return detail(skp)


@blp.route("/skp/waiting")
class Waiting(MethodView):
    @blp.arguments(YearQuerySchema, location="query")
    @blp.response(200, SkpSchema(many=True))
    @blp.paginate(ListPage, page_size=WHOLE)
    @blp.doc(security=BEARER)
    def get(self, args: dict[str, Any]) -> Any:
        """Submitted SKP waiting for your decision (of every year unless one is named)"""
        return flow.waiting(db.session, current(), args.get("year"))


@blp.route("/skp/counts")
class Counts(MethodView):
    @blp.arguments(YearQuerySchema, location="query")
    @blp.doc(security=BEARER)
    def get(self, args: dict[str, Any]) -> Any:
        """How many SKP of the agency are in each state (admin OPD)"""
        require(perm.MANAGE, _plan_resource())
        year = _year(args)
        found = flow.counts(db.session, year)
        return {"year": year, "counts": {s: found.get(s, 0) for s in workflow.STATES}}


@blp.route("/skp/matrix")
class Matrix(MethodView):
    @blp.arguments(MatrixQuerySchema, location="query")
    @blp.doc(security=BEARER)
    def get(self, args: dict[str, Any]) -> Any:
        """Matriks Peran Hasil: targets → RHK → subordinates' RHK, with the gaps flagged"""
        roots, unlinked = cascade.build(db.session, current(), _year(args), args.get("unit_id"))
        return {
            "year": _year(args),
            "tree": [n.as_dict() for n in roots],
            "unlinked": [n.as_dict() for n in unlinked],
        }


@blp.route("/skp/<int:skp_id>")
class SkpDetail(MethodView):
    @blp.etag
    @blp.response(200, SkpDetailSchema)
    @blp.doc(security=BEARER)
    def get(self, skp_id: int) -> Any:
        """One SKP: header (a snapshot once submitted), results, behaviour, attachment"""
        return detail(_skp(skp_id))

    @blp.etag
    @blp.arguments(PlanInput)
    @blp.response(200, SkpDetailSchema)
    @blp.doc(security=BEARER)
    def patch(self, data: dict[str, Any], skp_id: int) -> Any:
        """Change the approach or the lampiran of your draft (send If-Match)"""
        skp = locked(db.session, _skp(skp_id, perm.EDIT))
        blp.check_etag(detail(skp), SkpDetailSchema)
        plan.update_plan(db.session, skp, data)
        db.session.commit()
        return detail(skp)


@blp.route("/skp/<int:skp_id>/document")
class Document(MethodView):
    @blp.doc(security=BEARER, responses={200: {"content": {"application/pdf": {}}}})
    def get(self, skp_id: int) -> Any:
        """The SKP as the PDF people sign"""
        skp = _skp(skp_id)
        data = printed.skp_document(
            db.session, skp, labels.label_in("id", "skp.status", skp.status), clock.today()
        )
        return pdf_response(data, f"skp-{skp.year}-{skp.employee_id}.pdf")


@blp.route("/skp/<int:skp_id>/rhk")
class RhkList(MethodView):
    @blp.arguments(RhkInput)
    @blp.response(201, RhkSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any], skp_id: int) -> Any:
        """Add a result (RHK) with its indicators (IKI) to your draft"""
        skp = _skp(skp_id, perm.EDIT)
        rhk = plan.add_rhk(db.session, skp, data)
        db.session.commit()
        return _rhk(rhk)


def _rhk(rhk: Any) -> dict[str, Any]:
    return skps.rhk_dict(rhk, skps.iki_by_rhk(db.session, [rhk.id])[rhk.id])


@blp.route("/skp/<int:skp_id>/rhk/<int:rhk_id>")
class RhkDetail(MethodView):
    @blp.etag
    @blp.response(200, RhkSchema)
    @blp.doc(security=BEARER)
    def get(self, skp_id: int, rhk_id: int) -> Any:
        """One result with its indicators"""
        skp = _skp(skp_id)
        return _rhk(plan.get_rhk(db.session, skp, rhk_id))

    @blp.etag
    @blp.arguments(RhkPatch)
    @blp.response(200, RhkSchema)
    @blp.doc(security=BEARER)
    def patch(self, data: dict[str, Any], skp_id: int, rhk_id: int) -> Any:
        """Change a result; `iki` replaces its indicators; `accept` takes a proposal (If-Match)"""
        skp = locked(db.session, _skp(skp_id, perm.EDIT))  # every change of its plan locks it
        rhk = plan.get_rhk(db.session, skp, rhk_id)
        blp.check_etag(_rhk(rhk), RhkSchema)
        plan.update_rhk(db.session, skp, rhk, data)
        db.session.commit()
        return _rhk(rhk)

    @blp.etag
    @blp.response(204)
    @blp.doc(security=BEARER)
    def delete(self, skp_id: int, rhk_id: int) -> None:
        """Remove a result of your draft (send If-Match)"""
        skp = locked(db.session, _skp(skp_id, perm.EDIT))  # every change of its plan locks it
        rhk = plan.get_rhk(db.session, skp, rhk_id)
        blp.check_etag(_rhk(rhk), RhkSchema)
        plan.delete_rhk(db.session, skp, rhk)
        db.session.commit()


@blp.route("/skp/<int:skp_id>/rhk/<int:rhk_id>/iki/<int:iki_id>")
class IkiDetail(MethodView):
    @blp.etag
    @blp.arguments(IkiInput)
    @blp.response(200, RhkSchema)
    @blp.doc(security=BEARER)
    def put(self, data: dict[str, Any], skp_id: int, rhk_id: int, iki_id: int) -> Any:
        """Change one indicator in place, whole (text, aspect, target, unit, targets per
        period), in your draft or a plan under revision; it keeps its id (If-Match: the RHK's
        ETag). Targets per period of an aspect that adds up must make the year's (422)."""
        skp = locked(db.session, _skp(skp_id, perm.EDIT))  # every change of its plan locks it
        rhk = plan.get_rhk(db.session, skp, rhk_id)
        blp.check_etag(_rhk(rhk), RhkSchema)
        plan.update_iki(db.session, skp, rhk, iki_id, data)
        db.session.commit()
        return _rhk(rhk)


@blp.route("/skp/<int:skp_id>/rhk/<int:rhk_id>/hand-down")
class HandDown(MethodView):
    @blp.arguments(HandDownSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any], skp_id: int, rhk_id: int) -> Any:
        """Hand one of your results down: it appears as a proposal in your subordinates' drafts"""
        skp = _skp(skp_id, perm.EDIT)
        rhk = plan.get_rhk(db.session, skp, rhk_id)
        done, skipped = plan.hand_down(db.session, skp, rhk, data["employee_ids"])
        db.session.commit()
        return {"handed_to": done, "skipped": [{"name": n, "why": str(w)} for n, w in skipped]}


@blp.route("/skp/<int:skp_id>/expectations")
class Expectations(MethodView):
    @blp.etag
    @blp.arguments(ExpectationsBody)
    @blp.response(200, SkpDetailSchema)
    @blp.doc(security=BEARER)
    def put(self, data: dict[str, Any], skp_id: int) -> Any:
        """The superior's ekspektasi khusus per BerAKHLAK value ({value code: text}; blank or
        null clears one, a value not sent stays); send If-Match with the SKP's ETag"""
        skp = locked(db.session, _skp(skp_id, perm.MANAGE))
        blp.check_etag(detail(skp), SkpDetailSchema)
        plan.set_expectations(db.session, skp, data)
        db.session.commit()
        return detail(skp)


@blp.route("/skp/<int:skp_id>/transitions")
class Transition(MethodView):
    @blp.arguments(TransitionSchema)
    @blp.response(200, SkpDetailSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any], skp_id: int) -> Any:
        """Submit, withdraw, approve, reject (reason) or open a revision (reason)"""
        skp = _skp(skp_id)
        flow.act(db.session, current(), skp, data["action"], data.get("reason"))
        db.session.commit()
        return detail(skp)


@blp.route("/skp/<int:skp_id>/versions")
class Versions(MethodView):
    @blp.response(200, SkpVersionBriefSchema(many=True))
    @blp.paginate(ListPage, page_size=WHOLE)
    @blp.doc(security=BEARER)
    def get(self, skp_id: int) -> Any:
        """The approved versions of an SKP"""
        return flow.version_list(db.session, _skp(skp_id))


@blp.route("/skp/<int:skp_id>/versions/<int:number>")
class Version(MethodView):
    @blp.response(200, SkpVersionSchema)
    @blp.doc(security=BEARER)
    def get(self, skp_id: int, number: int) -> Any:
        """One approved version, whole, with what it changed against the one before"""
        skp = _skp(skp_id)
        found = flow.version(db.session, skp, number)
        return {
            "version": found.version,
            "reason": found.reason,
            "approved_at": found.approved_at,
            "approved_by": found.approved_by,
            "content": found.content,
            "changes": [
                vars(c) | {"text": change_words.line(c)}
                for c in flow.changes_in(db.session, skp, number)
            ],
        }
