"""Pages about people: my profile, the agency's employee directory, one employee."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from kinerja import audit
from kinerja import permissions as perm
from kinerja.db import db
from kinerja.exceptions import Invalid, ServiceError
from kinerja.identity import users
from kinerja.identity.permissions import MEMBERSHIP
from kinerja.identity.principal import SESSION_ENTERED, current, require
from kinerja.organisation.models import OrgUnit
from kinerja.people import employees
from kinerja.people.classification import GOLONGAN_PNS, GOLONGAN_PPPK
from kinerja.people.models import Employee, Position
from kinerja.people.permissions import editable_fields
from kinerja.pipeline import door
from kinerja.tenancy.models import Tenant
from kinerja.web.forms import whole_number
from kinerja.web.paging import paged

bp = Blueprint("people", __name__, url_prefix="/t/<tenant>")


@bp.get("/me")
def my_record() -> Any:
    principal = current()
    if principal.employee_id is None:
        abort(404, description=_("You have no employee record in this agency."))
    return redirect(url_for("people.employee", employee_id=principal.employee_id))


@bp.get("/employees")
def directory() -> Any:
    q = request.args.get("q", "").strip()[:100]
    raw_unit = request.args.get("unit", "")
    unit = whole_number(raw_unit)
    query = employees.restrict_to_visible(employees.query_employees(q or None, unit), current())
    if query is None:
        abort(404)  # neither a member here nor an admin who may see everyone
    found = paged(query, keep={"q": q, "unit": unit})
    units = db.session.scalars(select(OrgUnit).order_by(OrgUnit.name)).all()
    return render_template(
        "employees.html",
        rows=found.rows,
        paged=found,
        q=q,
        unit=unit,
        units=units,
        unit_names={u.id: u.name for u in units},
        admin=perm.is_agency_admin(current()),
    )


def _load(employee_id: int) -> Employee:
    employee = employees.get_employee(db.session, employee_id)
    require(perm.VIEW, employees.resource(employee))
    return employee


@bp.get("/employees/<int:employee_id>")
def employee(employee_id: int) -> Any:
    person = _load(employee_id)
    return _render(person)


def _render(person: Employee, error: str | None = None, code: int = 200) -> Any:
    principal = current()
    related = {
        "position": db.session.scalar(select(Position).where(Position.id == person.position_id))
        if person.position_id
        else None,
        "unit": db.session.scalar(select(OrgUnit).where(OrgUnit.id == person.org_unit_id))
        if person.org_unit_id
        else None,
        "superior": db.session.scalar(select(Employee).where(Employee.id == person.superior_id))
        if person.superior_id
        else None,
    }
    admin = perm.is_agency_admin(principal)
    return render_template(
        "employee.html",
        person=person,
        error=error,
        admin=admin,
        can_edit=perm.can(principal, perm.EDIT, employees.resource(person)),
        positions=db.session.scalars(select(Position).order_by(Position.name)).all()
        if admin
        else [],
        units=db.session.scalars(select(OrgUnit).order_by(OrgUnit.name)).all() if admin else [],
        golongan=list(GOLONGAN_PNS) + list(GOLONGAN_PPPK),
        **related,
    ), code


@bp.post("/employees/<int:employee_id>")
def update(employee_id: int) -> Any:
    person = _load(employee_id)
    require(perm.EDIT, employees.resource(person))
    principal = current()
    allowed = editable_fields(principal, employees.FIELDS)
    data: dict[str, Any] = {}
    for key in allowed:
        if key == "superior_id":
            continue  # asked for by NIP, below, as the create form and the import do
        if key not in request.form and key != "active":
            continue
        raw = request.form.get(key, "").strip()
        if key in {"position_id", "org_unit_id"}:
            data[key] = whole_number(raw)
        elif key == "active":
            data[key] = request.form.get("active") == "on"
        else:
            data[key] = raw or (None if key in {"email", "golongan"} else raw)
    try:
        if "superior_id" in allowed and "superior_nip" in request.form:
            data["superior_id"] = employees.superior_by_nip(
                db.session, request.form.get("superior_nip", "")
            )
        employees.update_employee(db.session, person, data)
    except ServiceError as error:
        db.session.rollback()
        return _render(employees.get_employee(db.session, employee_id), str(error), error.status)
    db.session.commit()
    return redirect(url_for("people.employee", employee_id=person.id, saved=1), code=303)


@bp.post("/enter")
@door
def enter() -> Any:
    """A city admin enters this agency's personal data explicitly; the entry is audited."""
    principal = current()
    if not perm.is_city_admin(principal) or perm.is_member(principal):
        abort(404)
    session[SESSION_ENTERED] = sorted(set(session.get(SESSION_ENTERED, [])) | {g.tenant.id})
    audit.record(db.session, "city_admin.enter", "tenant", g.tenant.id, actor_role="admin_kota")
    db.session.commit()
    return redirect(url_for("tenant.home"), code=303)


@bp.post("/appoint-admin")
@door
def appoint_admin() -> Any:
    """The city admin appoints an agency's admin OPD (by NIP), entered or not; audited."""
    principal = current()
    if not perm.may_appoint_admin(principal):
        abort(404)
    try:
        users.grant_by_nip(db.session, request.form.get("nip", ""), "admin_opd")
    except ServiceError as problem:
        db.session.rollback()
        page = render_template("enter_first.html", tenant=g.tenant, error=str(problem))
        return page, problem.status
    db.session.commit()
    flash_to = "admin.memberships_page" if principal.entered_tenant else "tenant.home"
    return redirect(url_for(flash_to, appointed=1), code=303)


@bp.post("/leave")
@door
def leave() -> Any:
    """The city admin leaves the agency: personal data is closed to them again; audited."""
    principal = current()
    if not perm.is_city_admin(principal) or perm.is_member(principal):
        abort(404)
    session[SESSION_ENTERED] = sorted(set(session.get(SESSION_ENTERED, [])) - {g.tenant.id})
    if principal.entered_tenant:
        audit.record(db.session, "city_admin.leave", "tenant", g.tenant.id, actor_role="admin_kota")
        db.session.commit()
    return redirect(url_for("web.profile"), code=303)


AGENCIES_PAGE = 20


def profile() -> Any:
    principal = current()
    if not principal.authenticated:
        return redirect(url_for("auth.login", next="/me"))
    user = users.get_user(db.session, principal.user_id or 0)
    member = users.memberships(db.session, principal.user_id or 0)
    ids = sorted({t for t, _ in member})
    agencies = db.session.scalars(select(Tenant).where(Tenant.id.in_(ids))).all() if ids else []
    roles = {t: sorted(r for tid, r in member if tid == t) for t in ids}
    # The city's agencies to enter, a page at a time with their total (58 and more).
    all_agencies = (
        paged(
            select(Tenant).where(Tenant.status == "active").order_by(Tenant.name, Tenant.id),
            size=AGENCIES_PAGE,
            keep={},
        )
        if principal.city_admin
        else None
    )
    return render_template(
        "profile.html", user=user, agencies=agencies, roles=roles, all_agencies=all_agencies
    )


@bp.route("/employees/new", methods=["GET", "POST"])
def new_employee() -> Any:
    require(perm.MANAGE, perm.Resource(MEMBERSHIP, g.tenant.id))
    error, code, form = None, 200, request.form
    if request.method == "POST":
        data: dict[str, Any] = {
            "nip": form.get("nip", "").strip(),
            "name": form.get("name", "").strip(),
            "email": form.get("email", "").strip() or None,
            "asn_type": form.get("asn_type", "PNS"),
            "golongan": form.get("golongan") or None,
            "position_id": whole_number(form.get("position_id")),
            "org_unit_id": whole_number(form.get("org_unit_id")),
        }
        try:
            data["superior_id"] = employees.superior_by_nip(
                db.session, form.get("superior_nip", "")
            )
            if not data["name"]:
                raise Invalid("name", _("The name is required."))
            person = employees.create_employee(db.session, data)
        except ServiceError as problem:
            db.session.rollback()
            error, code = str(problem), getattr(problem, "status", 422)
        else:
            db.session.commit()
            return redirect(url_for("people.employee", employee_id=person.id, saved=1), code=303)
    return render_template(
        "employee_new.html",
        error=error,
        form=form,
        positions=db.session.scalars(select(Position).order_by(Position.name)).all(),
        units=db.session.scalars(select(OrgUnit).order_by(OrgUnit.name)).all(),
        golongan=list(GOLONGAN_PNS) + list(GOLONGAN_PPPK),
    ), code
