"""People of an agency through the API: employees, positions, memberships, tokens, audit log.

Every view asks the permission module; another tenant's objects are 404, never 403.
"""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from kinerja.api.common import abort, fail, lookup
from kinerja.api.pagination import SelectPage
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
from kinerja.exceptions import ServiceError
from kinerja.identity import audit, employees, positions, tokens, users
from kinerja.identity import permissions as perm
from kinerja.identity.models import ApiToken, Employee, Membership, Position
from kinerja.identity.principal import current, require
from kinerja.tenancy.resolve import scope_blueprint

BEARER: list[dict[str, list[str]]] = [{"apiToken": []}]
blp = Blueprint(
    "people_api",
    __name__,
    url_prefix="/api/v1/tenants/<tenant>",
    description="Employees, positions, memberships, API tokens and the audit log of an "
    "agency. Sign in with `Authorization: Bearer <API token>`.",
)
scope_blueprint(blp)


def signed_in() -> perm.Principal:
    principal = current()
    if not principal.authenticated:
        abort(
            401,
            message="Sign in first: send Authorization: Bearer <API token>.",
            headers={"WWW-Authenticate": 'Bearer realm="kinerja"'},
        )
    return principal


def employee_resource(e: Employee) -> perm.Resource:
    return perm.Resource(perm.EMPLOYEE, e.tenant_id, employee_id=e.id, user_id=e.user_id)


def member() -> perm.Principal:
    """A signed-in member of the URL's agency; anyone else finds nothing here (404)."""
    principal = signed_in()
    if not principal.roles:
        abort(404, message="Not found")
    return principal


def admin() -> perm.Principal:
    principal = signed_in()
    require(perm.MANAGE, perm.Resource(perm.MEMBERSHIP, g.tenant.id))
    return principal


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
            g.tenant.id,
        )
        if query is None:
            abort(404, message="Not found")
        return query

    @blp.arguments(EmployeeSchema)
    @blp.response(201, EmployeeSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any]) -> Any:
        """Add an employee (admin OPD)"""
        admin()
        try:
            employee = employees.create_employee(db.session, data)
        except ServiceError as error:
            fail(error)
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
        employee = lookup(employees.get_employee, db.session, employee_id)
        require(perm.VIEW, employee_resource(employee))
        return employee

    @blp.etag
    @blp.arguments(EmployeePatchSchema)
    @blp.response(200, EmployeeSchema)
    @blp.doc(security=BEARER)
    def patch(self, data: dict[str, Any], employee_id: int) -> Any:
        """Change an employee (admin: everything; the employee: their e-mail). Needs If-Match"""
        principal = signed_in()
        employee = lookup(employees.get_employee, db.session, employee_id)
        require(perm.EDIT, employee_resource(employee))
        is_admin = perm.can(principal, perm.MANAGE, perm.Resource(perm.MEMBERSHIP, g.tenant.id))
        refused = set(data) - set(employees.FIELDS if is_admin else employees.SELF_EDITABLE)
        if refused:
            abort(403, message=f"You may not change: {', '.join(sorted(refused))}")
        blp.check_etag(employee, EmployeeSchema)
        try:
            employees.update_employee(db.session, employee, data)
        except ServiceError as error:
            fail(error)
        db.session.commit()
        return employee


@blp.route("/employees/<int:employee_id>/subordinates")
class Subordinates(MethodView):
    @blp.response(200, EmployeeSchema(many=True))
    @blp.doc(security=BEARER)
    def get(self, employee_id: int) -> Any:
        """Direct and indirect subordinates of an employee"""
        signed_in()
        employee = lookup(employees.get_employee, db.session, employee_id)
        require(perm.VIEW, employee_resource(employee))
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
        require(perm.VIEW, perm.Resource(perm.POSITION, g.tenant.id))
        return select(Position).order_by(Position.name)

    @blp.arguments(PositionSchema)
    @blp.response(201, PositionSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any]) -> Any:
        """Add a position (admin OPD)"""
        admin()
        try:
            position = positions.create_position(
                db.session, data["name"], data["type"], data.get("grade")
            )
        except ServiceError as error:
            fail(error)
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
        return select(Membership).order_by(Membership.user_id, Membership.role)

    @blp.arguments(MembershipSchema)
    @blp.response(201, MembershipSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any]) -> Any:
        """Give a role to the signed-up user of an employee of this agency (admin OPD)"""
        admin()
        employee = employees.by_nip(db.session, data["nip"].strip())
        if employee is None:
            abort(
                422,
                message="Invalid input",
                errors={"json": {"nip": ["No employee of this agency has this NIP"]}},
            )
        if employee.user_id is None:
            abort(409, message="This employee has not signed in yet; roles follow sign-in")
        users.ensure_membership(db.session, employee.user_id, data["role"])
        db.session.commit()
        return db.session.scalar(
            select(Membership).where(
                Membership.user_id == employee.user_id, Membership.role == data["role"]
            )
        )


@blp.route("/memberships/<int:user_id>/<role>")
class MembershipDetail(MethodView):
    @blp.response(204)
    @blp.doc(security=BEARER)
    def delete(self, user_id: int, role: str) -> None:
        """Take a role away (admin OPD)"""
        principal = admin()
        try:
            users.remove_membership(db.session, principal.user_id, user_id, role)
        except ServiceError as error:
            fail(error)
        db.session.commit()


# --- API tokens --------------------------------------------------------------------------------
@blp.route("/tokens")
class Tokens(MethodView):
    @blp.response(200, TokenSchema(many=True))
    @blp.doc(security=BEARER)
    def get(self) -> Any:
        """Your API tokens in this agency (an admin sees all)"""
        principal = member()
        query = select(ApiToken).order_by(ApiToken.created_at.desc())
        if not perm.can(principal, perm.MANAGE, perm.Resource(perm.MEMBERSHIP, g.tenant.id)):
            query = query.where(ApiToken.user_id == principal.user_id)
        return db.session.scalars(query).all()

    @blp.arguments(TokenSchema)
    @blp.response(201, IssuedTokenSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any]) -> Any:
        """Create an API token for yourself; the token is in this answer only"""
        principal = member()
        require(perm.MANAGE, perm.Resource(perm.TOKEN, g.tenant.id, user_id=principal.user_id))
        try:
            issued = tokens.create_for(
                db.session,
                g.tenant.id,
                principal.user_id or 0,
                principal.roles,
                data["role"],
                data["name"],
                data.get("expires_days"),
            )
        except ServiceError as error:
            fail(error)
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
        signed_in()
        record = db.session.scalar(select(ApiToken).where(ApiToken.id == token_id))
        if record is None:
            abort(404, message="Not found")
        require(perm.MANAGE, perm.Resource(perm.TOKEN, g.tenant.id, user_id=record.user_id))
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
        query = audit.visible_entries(signed_in(), g.tenant.id)
        if query is None:
            abort(404, message="Not found")
        return query
