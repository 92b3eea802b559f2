"""The TPP through the API: the agency's months and lines (admin OPD, overseers, a city admin
who entered), one employee's line explained, the employee's own ("me"), computing, closing,
corrections and the attendance push (the admin OPD, or an attendance system with an admin OPD's
personal token); and under /api/v1/city what the city admin reads: settings and totals."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy import select

from kinerja import permissions as perm
from kinerja.api.common import Blueprint, abort
from kinerja.api.pagination import WHOLE, ListPage, SelectPage
from kinerja.api.people import BEARER
from kinerja.api.schemas import year
from kinerja.db import db
from kinerja.exceptions import NotFound
from kinerja.identity.principal import current, require
from kinerja.people.models import Position
from kinerja.schema import Schema
from kinerja.tenancy.models import Tenant
from kinerja.tpp import attendance, explain, service, settings, totals
from kinerja.tpp import jobs as tpp_jobs
from kinerja.tpp.models import API
from kinerja.tpp.permissions import TPP_LINE, TPP_MONTH

blp = Blueprint(
    "tpp_api",
    __name__,
    url_prefix="/api/v1/tenants/<tenant>/tpp",
    description="TPP: the month's allowance per employee from the work and the attendance, "
    "each line explained; the agency's months computed, corrected and closed by the admin OPD.",
)
# The city admin signs in (there are no city-wide tokens) and API writes take a token only, so
# the city reads here and changes the settings and locks months on its pages (`kinerja.tpp`'s
# `settings.put_*` and `service.lock`).
city_blp = Blueprint(
    "tpp_city_api",
    __name__,
    url_prefix="/api/v1/city/tpp",
    description="TPP for the city admin (signed in, read-only: the city's changes are made on "
    "its pages): the tables, the base per kelas, each position's exception, and every "
    "agency's totals of a month (aggregates only).",
)
MONTH = fields.Integer(required=True, validate=validate.Range(1, 12))


class TppMonthSchema(Schema):
    year = fields.Integer()
    month = fields.Integer()
    status = fields.String(metadata={"description": "open | closed | locked"})
    version = fields.Integer(metadata={"description": "1, and one up per correction after close"})
    computed_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    locked_at = fields.DateTime(allow_none=True)


class TppLineSchema(Schema):
    employee_id = fields.Integer()
    nip = fields.String()
    name = fields.String()
    version = fields.Integer()
    kelas = fields.Integer(allow_none=True)
    base = fields.Integer(metadata={"description": "whole rupiah"})
    base_source = fields.String(metadata={"description": "position | kelas | none"})
    predikat = fields.String(allow_none=True)
    predikat_source = fields.String(metadata={"description": "covering | latest | none"})
    evaluation_id = fields.Integer(allow_none=True)
    working_days = fields.Integer()
    days_with_entry = fields.Integer()
    compliance = fields.Float(metadata={"description": "share 0..1"})
    kinerja_pct = fields.Float()
    disiplin_pct = fields.Float()
    events = fields.Dict(keys=fields.String(), values=fields.Integer())
    weight_kinerja = fields.Integer()
    weight_disiplin = fields.Integer()
    total = fields.Integer(metadata={"description": "whole rupiah"})
    reason = fields.String(allow_none=True)


class TppMyLineSchema(TppLineSchema):
    year = fields.Integer()
    month = fields.Integer()
    status = fields.String()


class TppComputeSchema(Schema):
    year = year(required=True)
    month = MONTH


class TppTransitionSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(["close"]))


class TppEventsSchema(Schema):
    events = fields.List(
        fields.Dict(),
        required=True,
        metadata={"description": "each {nip, date (YYYY-MM-DD), code, minutes (or null)}"},
    )


class TppCorrectionSchema(Schema):
    events = fields.List(
        fields.Dict(),
        required=True,
        metadata={"description": "the employee's whole month: each {date, code, minutes}"},
    )
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class TppPositionBaseSchema(Schema):
    position_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    grade = fields.Integer(dump_only=True, allow_none=True)
    amount = fields.Raw(allow_none=True, metadata={"description": "whole rupiah, or null"})


class TppTotalSchema(Schema):
    slug = fields.String()
    name = fields.String()
    status = fields.String(allow_none=True)
    version = fields.Integer(allow_none=True)
    employees = fields.Integer()
    total = fields.Integer()
    kinerja_avg = fields.Float(allow_none=True)
    disiplin_avg = fields.Float(allow_none=True)


def _month(year: int, month: int) -> Any:
    require(perm.VIEW, perm.Resource(TPP_MONTH, g.tenant.id))
    return service.get_month(db.session, year, month)


# --- the agency ---------------------------------------------------------------------------------
@blp.route("/months")
class Months(MethodView):
    @blp.response(200, TppMonthSchema(many=True))
    @blp.paginate(SelectPage)
    @blp.doc(security=BEARER)
    def get(self) -> Any:
        """The agency's months, newest first"""
        require(perm.VIEW, perm.Resource(TPP_MONTH, g.tenant.id))
        return service.months(db.session)


@blp.route("/months/<int:year>/<int:month>")
class Month(MethodView):
    @blp.response(200, TppMonthSchema)
    @blp.doc(security=BEARER)
    def get(self, year: int, month: int) -> Any:
        """One month's state (its lines: `…/lines`)"""
        return _month(year, month)


@blp.route("/months/<int:year>/<int:month>/lines")
class Lines(MethodView):
    @blp.response(200, TppLineSchema(many=True))
    @blp.paginate(SelectPage)
    @blp.doc(security=BEARER)
    def get(self, year: int, month: int) -> Any:
        """The month's current lines (each employee's highest version), by name"""
        found = _month(year, month)
        return service.current_lines(db.session, found.id)


@blp.route("/months/<int:year>/<int:month>/lines/<int:employee_id>")
class Line(MethodView):
    @blp.doc(security=BEARER)
    def get(self, year: int, month: int, employee_id: int) -> Any:
        """One employee's line explained: the base and its source, the predikat and its
        evaluation, the compliance days, each event with its deduction, the weights, the total
        and every version with its reason"""
        require(perm.VIEW, perm.Resource(TPP_LINE, g.tenant.id, employee_id=employee_id))
        found = service.month_of(db.session, year, month)
        line = service.line_of(db.session, found.id, employee_id) if found else None
        if line is None:
            raise NotFound()
        return explain.as_json(explain.explain(db.session, line))


@blp.route("/months/<int:year>/<int:month>/lines/<int:employee_id>/correction")
class Correction(MethodView):
    @blp.arguments(TppCorrectionSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any], year: int, month: int, employee_id: int) -> Any:
        """Replace the employee's attendance events of the month, with the reason (the admin
        OPD; audited). Open month: the line is recomputed; closed: a new version with the
        reason; locked: 409"""
        principal = require(
            perm.MANAGE, perm.Resource(TPP_LINE, g.tenant.id, employee_id=employee_id)
        )
        line = attendance.correct(
            db.session,
            employee_id,
            year,
            month,
            data["events"],
            data["reason"],
            principal.user_id,
        )
        body = explain.as_json(explain.explain(db.session, line)) if line else None
        db.session.commit()
        return {"line": body}, 200


@blp.route("/computations")
class Compute(MethodView):
    @blp.arguments(TppComputeSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any]) -> Any:
        """Compute a month (`{year, month}`) in the background (the admin OPD): 202 with the job;
        the month is made open if it is new; 409 once it is closed"""
        require(perm.MANAGE, perm.Resource(TPP_MONTH, g.tenant.id))
        job = tpp_jobs.enqueue_compute(db.session, data["year"], data["month"])
        db.session.commit()
        return {"job_id": str(job.id), "status": job.status}, 202


@blp.route("/months/<int:year>/<int:month>/transitions")
class Transition(MethodView):
    @blp.arguments(TppTransitionSchema)
    @blp.response(200, TppMonthSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any], year: int, month: int) -> Any:
        """`{"action": "close"}`: close the month (the admin OPD): computed once more, then it
        never changes; a correction afterwards is a new version (locking is the city's)"""
        principal = require(perm.MANAGE, perm.Resource(TPP_MONTH, g.tenant.id))
        found = service.close(db.session, year, month, principal.user_id)
        db.session.commit()
        return found


@blp.route("/attendance")
class Attendance(MethodView):
    @blp.arguments(TppEventsSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any]) -> Any:
        """Push attendance events (an attendance system with an admin OPD's personal token): all
        or nothing; a bad row is a 422 naming it (`events.3.nip`); an event already there takes
        the new minutes; a closed month's day is a 409"""
        principal = require(perm.MANAGE, perm.Resource(TPP_MONTH, g.tenant.id))
        written = attendance.record(db.session, data["events"], API, principal.user_id)
        db.session.commit()
        return {"written": written}, 201


@blp.route("/me")
class Mine(MethodView):
    @blp.response(200, TppMyLineSchema(many=True))
    @blp.paginate(SelectPage)
    @blp.doc(security=BEARER)
    def get(self) -> Any:
        """My TPP: my current line of each month, newest first"""
        principal = current()
        if principal.employee_id is None:
            raise NotFound()
        require(perm.VIEW, perm.Resource(TPP_LINE, g.tenant.id, employee_id=principal.employee_id))
        return service.lines_of_employee(db.session, principal.employee_id)


@blp.route("/me/<int:year>/<int:month>")
class MyMonth(MethodView):
    @blp.doc(security=BEARER)
    def get(self, year: int, month: int) -> Any:
        """My line of one month, explained"""
        principal = current()
        if principal.employee_id is None:
            raise NotFound()
        require(perm.VIEW, perm.Resource(TPP_LINE, g.tenant.id, employee_id=principal.employee_id))
        found = service.month_of(db.session, year, month)
        line = service.line_of(db.session, found.id, principal.employee_id) if found else None
        if line is None:
            raise NotFound()
        return explain.as_json(explain.explain(db.session, line))


# --- the city ------------------------------------------------------------------------------------
def _city() -> Any:
    principal = current()
    if not principal.authenticated:
        abort(401)
    if not perm.is_city_admin(principal):
        abort(404)
    return principal


def _agency(slug: str) -> Tenant:
    found = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
    if found is None:
        raise NotFound()
    return found


@city_blp.route("/settings")
class Tables(MethodView):
    @city_blp.doc(security=BEARER)
    def get(self) -> Any:
        """The tables in force: deductions per attendance code, percent per predikat, weights,
        required compliance (the defaults of kinerja.rules.tpp where the city set none)"""
        _city()
        return settings.tables(db.session).as_json()


@city_blp.route("/bases")
class Bases(MethodView):
    @city_blp.doc(security=BEARER)
    def get(self) -> Any:
        """The base amount per kelas jabatan (whole rupiah)"""
        _city()
        return {"bases": {str(k): v for k, v in settings.bases(db.session).items()}}


@city_blp.route("/agencies/<slug>/positions")
class Positions(MethodView):
    @city_blp.response(200, TppPositionBaseSchema(many=True))
    @city_blp.paginate(ListPage, page_size=WHOLE)
    @city_blp.doc(security=BEARER)
    def get(self, slug: str) -> Any:
        """The agency's positions with the city's exception, if any (no person is named)"""
        _city()
        agency = _agency(slug)
        with db.unit_of_work(agency.id) as session:
            exceptions = settings.position_bases(session)
            rows = session.execute(
                select(Position.id, Position.name, Position.grade).order_by(Position.name)
            ).all()
        return [
            {"position_id": i, "name": n, "grade": gr, "amount": exceptions.get(i)}
            for i, n, gr in rows
        ]


@city_blp.route("/totals/<int:year>/<int:month>")
class Totals(MethodView):
    @city_blp.response(200, TppTotalSchema(many=True))
    @city_blp.paginate(ListPage, page_size=WHOLE)
    @city_blp.doc(security=BEARER)
    def get(self, year: int, month: int) -> Any:
        """Every agency's totals of the month: state, employees, amount, average kinerja and
        disiplin (aggregates only, never a person)"""
        _city()
        return totals.city_totals(db.session, year, month)
