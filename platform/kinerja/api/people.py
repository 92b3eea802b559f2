"""People of an agency through the API: employees, positions, memberships, tokens, audit log.

Every view asks the permission module; another tenant's objects are 404, never 403.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g
from flask.views import MethodView
from sqlalchemy import select

from kinerja import audit, workflow
from kinerja import permissions as perm
from kinerja.api.common import Blueprint, abort
from kinerja.api.pagination import WHOLE, ListPage, SelectPage
from kinerja.api.schemas import (
    AuditSchema,
    EmployeePatchSchema,
    EmployeeQuerySchema,
    EmployeeSchema,
    IssuedTokenSchema,
    MembershipSchema,
    PositionSchema,
    TokenSchema,
)
from kinerja.db import db
from kinerja.db.load import load_or_404
from kinerja.i18n import _
from kinerja.identity import tokens, users
from kinerja.identity.models import ApiToken
from kinerja.identity.permissions import MEMBERSHIP, TOKEN
from kinerja.identity.principal import current, require
from kinerja.people import employees, positions
from kinerja.people.models import Employee, Position
from kinerja.people.permissions import POSITION, editable_fields

BEARER: list[dict[str, list[str]]] = [{"apiToken": []}]
blp = Blueprint(
    "people_api",
    __name__,
    url_prefix="/api/v1/tenants/<tenant>",
    description="Employees, positions, memberships, API tokens and the audit log of an "
    "agency. Sign in with `Authorization: Bearer <API token>`.",
)


def signed_in() -> perm.Principal:
    """The principal; the pipeline's gate already made sure they may be in this agency."""
    return current()


def member() -> perm.Principal:
    """A member of the URL's agency (a visiting city admin finds nothing of their own here)."""
    principal = current()
    if not perm.is_member(principal):
        abort(404)
    return principal


def admin() -> perm.Principal:
    return require(perm.MANAGE, perm.Resource(MEMBERSHIP, g.tenant.id))


# --- employees ---------------------------------------------------------------------------------
@blp.route("/employees")
class Employees(MethodView):
    @blp.arguments(EmployeeQuerySchema, location="query")
    @blp.response(200, EmployeeSchema(many=True))
    @blp.paginate(SelectPage)
    @blp.doc(security=BEARER)
    def get(self, args: dict[str, Any]) -> Any:
        """Employees you may see: all (admin), or yourself and your subordinates"""
        query = employees.restrict_to_visible(
            employees.query_employees(args.get("q"), args.get("org_unit_id"), args.get("active")),
            signed_in(),
        )
        if query is None:
            abort(404)
        return query

    @blp.arguments(EmployeeSchema)
    @blp.response(201, EmployeeSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any]) -> Any:
        """Add an employee (admin OPD)"""
        admin()
        employee = employees.create_employee(db.session, data)
        db.session.commit()
        return employee


@blp.route("/employees/<int:employee_id>")
class EmployeeDetail(MethodView):
    @blp.etag
    @blp.response(200, EmployeeSchema)
    @blp.doc(security=BEARER)
    def get(self, employee_id: int) -> Any:
        """One employee"""
        signed_in()
        employee = employees.get_employee(db.session, employee_id)
        require(perm.VIEW, employees.resource(employee))
        return employee

    @blp.etag
    @blp.arguments(EmployeePatchSchema)
    @blp.response(200, EmployeeSchema)
    @blp.doc(security=BEARER)
    def patch(self, data: dict[str, Any], employee_id: int) -> Any:
        """Change an employee (admin: everything; the employee: their e-mail). Needs If-Match"""
        principal = signed_in()
        employee = employees.get_employee(db.session, employee_id)
        require(perm.EDIT, employees.resource(employee))
        refused = set(data) - set(editable_fields(principal, employees.FIELDS))
        if refused:
            abort(
                403, message=_("You may not change: %(fields)s", fields=", ".join(sorted(refused)))
            )
        # The If-Match is compared with the row under its lock: of edits sent with one ETag the
        # first wins and the others get 412 (each passed against the version it had read).
        blp.check_etag(workflow.locked(db.session, employee, referenced=True), EmployeeSchema)
        employees.update_employee(db.session, employee, data)
        db.session.commit()
        return employee


@blp.route("/employees/<int:employee_id>/subordinates")
class Subordinates(MethodView):
    @blp.response(200, EmployeeSchema(many=True))
    @blp.paginate(ListPage, page_size=WHOLE)
    @blp.doc(security=BEARER)
    def get(self, employee_id: int) -> Any:
        """Direct and indirect subordinates of an employee"""
        signed_in()
        employee = employees.get_employee(db.session, employee_id)
        require(perm.VIEW, employees.resource(employee))
        ids = employees.subordinate_ids(db.session, employee.id)
        return db.session.scalars(
            select(Employee).where(Employee.id.in_(ids)).order_by(Employee.name)
        ).all()


# --- positions ---------------------------------------------------------------------------------
@blp.route("/positions")
class Positions(MethodView):
    @blp.response(200, PositionSchema(many=True))
    @blp.paginate(SelectPage)
    @blp.doc(security=BEARER)
    def get(self) -> Any:
        """Positions (jabatan) of the agency"""
        signed_in()
        require(perm.VIEW, perm.Resource(POSITION, g.tenant.id))
        return select(Position).order_by(Position.name)

    @blp.arguments(PositionSchema)
    @blp.response(201, PositionSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any]) -> Any:
        """Add a position (admin OPD)"""
        admin()
        position = positions.create_position(
            db.session, data["name"], data["type"], data.get("grade")
        )
        db.session.commit()
        return position


# --- memberships -------------------------------------------------------------------------------
@blp.route("/memberships")
class Memberships(MethodView):
    @blp.response(200, MembershipSchema(many=True))
    @blp.paginate(SelectPage)
    @blp.doc(security=BEARER)
    def get(self) -> Any:
        """Who has which role in the agency (admin OPD)"""
        admin()
        return users.query_memberships()

    @blp.arguments(MembershipSchema)
    @blp.response(201, MembershipSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any]) -> Any:
        """Give a role to the signed-up user of an employee of this agency (admin OPD)"""
        admin()
        membership = users.grant_by_nip(db.session, data["nip"], data["role"])
        db.session.commit()
        return membership


@blp.route("/memberships/<int:user_id>/<role>")
class MembershipDetail(MethodView):
    @blp.response(204)
    @blp.doc(security=BEARER)
    def delete(self, user_id: int, role: str) -> None:
        """Take a role away (admin OPD)"""
        principal = admin()
        users.remove_membership(db.session, principal.user_id, user_id, role)
        db.session.commit()


# --- API tokens --------------------------------------------------------------------------------
@blp.route("/tokens")
class Tokens(MethodView):
    @blp.response(200, TokenSchema(many=True))
    @blp.paginate(ListPage, page_size=WHOLE)
    @blp.doc(security=BEARER)
    def get(self) -> Any:
        """Your API tokens in this agency (an admin sees all)"""
        principal = member()
        query = select(ApiToken).order_by(ApiToken.created_at.desc())
        if not perm.is_agency_admin(principal):
            query = query.where(ApiToken.user_id == principal.user_id)
        return db.session.scalars(query).all()

    @blp.arguments(TokenSchema)
    @blp.response(201, IssuedTokenSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any]) -> Any:
        """Create an API token for yourself; the token is in this answer only"""
        principal = member()
        require(perm.MANAGE, perm.Resource(TOKEN, g.tenant.id, user_id=principal.user_id))
        issued = tokens.create_for(
            db.session,
            g.tenant.id,
            principal.user_id or 0,
            principal.roles,
            data["role"],
            data["name"],
            data.get("expires_days"),
            max_days=current_app.config["TOKEN_MAX_DAYS"],
        )
        db.session.commit()
        result = {
            k: getattr(issued.record, k)
            for k in (
                "id",
                "name",
                "role",
                "prefix",
                "created_at",
                "expires_at",
                "revoked_at",
                "last_used_at",
            )
        }
        return {**result, "token": issued.token}


@blp.route("/tokens/<int:token_id>")
class TokenDetail(MethodView):
    @blp.response(204)
    @blp.doc(security=BEARER)
    def delete(self, token_id: int) -> None:
        """Revoke an API token (yours, or any as admin)"""
        record = load_or_404(db.session, ApiToken, token_id)
        require(perm.MANAGE, perm.Resource(TOKEN, g.tenant.id, user_id=record.user_id))
        tokens.revoke(db.session, record)
        db.session.commit()


# --- audit log ---------------------------------------------------------------------------------
@blp.route("/audit")
class Audit(MethodView):
    @blp.response(200, AuditSchema(many=True))
    @blp.paginate(SelectPage)
    @blp.doc(security=BEARER)
    def get(self) -> Any:
        """Audit entries you may read: the agency's (admin), about yourself (pegawai), or of city
        admins' entries (admin kota, after entering)"""
        query = audit.visible_entries(signed_in())
        if query is None:
            abort(404)
        return query
