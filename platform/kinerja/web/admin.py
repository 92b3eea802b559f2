"""Agency pages beyond the directory: import with progress, API tokens, audit log, positions,
memberships. Every view asks the permission module; other agencies' data is 404."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import func, select

from kinerja import audit
from kinerja import permissions as perm
from kinerja.db import db
from kinerja.exceptions import ServiceError
from kinerja.identity import tokens, users
from kinerja.identity.models import ApiToken, Membership, User
from kinerja.identity.permissions import TOKEN
from kinerja.identity.principal import current, require
from kinerja.jobs.models import BackgroundJob
from kinerja.people import importer, imports, positions
from kinerja.people.classification import POSITION_TYPES
from kinerja.people.models import Employee, EmployeeImport, Position
from kinerja.people.permissions import IMPORT, POSITION

bp = Blueprint("admin", __name__, url_prefix="/t/<tenant>")
PAGE_SIZE = 50


def require_admin() -> None:
    require(perm.MANAGE, perm.Resource(IMPORT, g.tenant.id))


# --- import ------------------------------------------------------------------------------------
@bp.route("/imports", methods=["GET", "POST"])
def import_page() -> Any:
    require_admin()
    error = None
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            error, code = _("Choose a CSV or XLSX file first."), 422
        else:
            try:
                record = imports.create(
                    db.session,
                    upload.filename,
                    upload.read(),
                    dry_run=bool(request.form.get("dry_run")),
                    user_id=current().user_id,
                )
            except importer.FileRejected as rejected:
                error, code = str(rejected), rejected.status
            else:
                db.session.commit()
                return redirect(url_for("admin.import_status", import_id=record.id), code=303)
    recent = db.session.execute(
        select(
            EmployeeImport.id,
            EmployeeImport.filename,
            EmployeeImport.created_at,
            BackgroundJob.status,
            BackgroundJob.progress,
        )
        .join(BackgroundJob, BackgroundJob.id == EmployeeImport.job_id)
        .order_by(EmployeeImport.created_at.desc())
        .limit(20)
    ).all()
    page = render_template(
        "imports.html", recent=recent, error=error, columns=importer.REQUIRED + importer.OPTIONAL
    )
    return (page, code) if error else page


def _job_of(import_id: int) -> tuple[Any, BackgroundJob]:
    require_admin()
    record = imports.get(db.session, import_id)
    if record is None:
        abort(404)
    job = db.session.scalar(select(BackgroundJob).where(BackgroundJob.id == record.job_id))
    if job is None:
        abort(404)
    return record, job


@bp.get("/imports/<int:import_id>")
def import_status(import_id: int) -> Any:
    record, job = _job_of(import_id)
    return render_template("import_status.html", record=record, job=job)


@bp.get("/imports/<int:import_id>/status.json")
def import_status_json(import_id: int) -> Any:
    _, job = _job_of(import_id)
    return jsonify(
        status=job.status,
        progress=job.progress,
        error=job.error,
        done=job.status in {"succeeded", "failed"},
    )


# --- API tokens --------------------------------------------------------------------------------
@bp.route("/tokens", methods=["GET", "POST"])
def token_page() -> Any:
    principal = current()
    if not principal.roles:
        abort(404)
    issued, error = None, None
    if request.method == "POST":
        role = request.form.get("role", "pegawai")
        name = request.form.get("name", "").strip()[:100] or "token"
        days = request.form.get("expires_days", "90").strip()
        try:
            issued = tokens.create_for(
                db.session,
                g.tenant.id,
                principal.user_id or 0,
                principal.roles,
                role,
                name,
                int(days) if days.isdigit() and len(days) < 7 else 0,
                max_days=current_app.config["TOKEN_MAX_DAYS"],
            )
        except ServiceError as problem:
            db.session.rollback()
            error = str(problem)
        else:
            db.session.commit()
    mine = db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == principal.user_id)
        .order_by(ApiToken.created_at.desc())
    ).all()
    page = render_template(
        "tokens.html",
        tokens=mine,
        issued=issued,
        error=error,
        roles=sorted(principal.roles),
        max_days=current_app.config["TOKEN_MAX_DAYS"],
        now=datetime.now(UTC),
    )
    return page, 422 if error else 200


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int) -> Any:
    record = db.session.scalar(select(ApiToken).where(ApiToken.id == token_id))
    if record is None:
        abort(404)
    require(perm.MANAGE, perm.Resource(TOKEN, g.tenant.id, user_id=record.user_id))
    tokens.revoke(db.session, record)
    db.session.commit()
    return redirect(url_for("admin.token_page"), code=303)


# --- audit log ---------------------------------------------------------------------------------
@bp.get("/audit")
def audit_page() -> Any:
    query = audit.visible_entries(current())
    if query is None:
        abort(404)
    page = max(1, request.args.get("page", 1, type=int))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    entries = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    actor_ids = {e.actor_user_id for e in entries if e.actor_user_id}
    actors = (
        {
            u.id: u.display_name
            for u in db.session.scalars(select(User).where(User.id.in_(actor_ids)))
        }
        if actor_ids
        else {}
    )
    return render_template(
        "audit.html",
        entries=entries,
        actors=actors,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
    )


# --- positions and memberships -----------------------------------------------------------------
@bp.route("/positions", methods=["GET", "POST"])
def positions_page() -> Any:
    require(perm.VIEW, perm.Resource(POSITION, g.tenant.id))
    error = None
    if request.method == "POST":
        require_admin()
        name = request.form.get("name", "").strip()[:200]
        ptype = request.form.get("type", "")
        grade = request.form.get("grade", "")
        if (
            not name
            or ptype not in POSITION_TYPES
            or (grade and not (grade.isdigit() and 1 <= int(grade) <= 17))
        ):
            error = _("Give a name, a type and, if known, a grade from 1 to 17.")
        else:
            try:
                positions.create_position(db.session, name, ptype, int(grade) if grade else None)
            except ServiceError:
                db.session.rollback()
                error = _("A position with this name already exists.")
            else:
                db.session.commit()
                return redirect(url_for("admin.positions_page"), code=303)
    rows = db.session.execute(
        select(Position, func.count(Employee.id))
        .outerjoin(
            Employee,
            (Employee.position_id == Position.id) & (Employee.tenant_id == Position.tenant_id),
        )
        .group_by(Position.tenant_id, Position.id)
        .order_by(Position.name)
    ).all()
    admin = perm.is_agency_admin(current())
    page = render_template(
        "positions.html", rows=rows, types=POSITION_TYPES, admin=admin, error=error
    )
    return (page, 422) if error else page


@bp.route("/memberships", methods=["GET", "POST"])
def memberships_page() -> Any:
    require_admin()
    error = None
    if request.method == "POST":
        nip_value = request.form.get("nip", "").strip()
        role = request.form.get("role", "")
        employee = db.session.scalar(select(Employee).where(Employee.nip == nip_value))
        if role not in {"pegawai", "admin_opd"}:
            error = _("Choose a role.")
        elif employee is None:
            error = _("No employee of this agency has this NIP.")
        elif employee.user_id is None:
            error = _("This employee has not signed in yet; roles follow the first sign-in.")
        else:
            users.ensure_membership(db.session, employee.user_id, role)
            db.session.commit()
            return redirect(url_for("admin.memberships_page"), code=303)
    rows = db.session.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .order_by(User.display_name, Membership.role)
    ).all()
    page = render_template("memberships.html", rows=rows, error=error)
    return (page, 422) if error else page


@bp.post("/memberships/<int:user_id>/<role>/delete")
def delete_membership(user_id: int, role: str) -> Any:
    require_admin()
    try:
        users.remove_membership(db.session, current().user_id, user_id, role)
    except ServiceError as error:
        abort(error.status, description=str(error))
    db.session.commit()
    return redirect(url_for("admin.memberships_page"), code=303)


# --- work units --------------------------------------------------------------------------------
@bp.route("/units", methods=["GET", "POST"])
def units_page() -> Any:
    from kinerja.exceptions import ServiceError
    from kinerja.organisation import service as units
    from kinerja.organisation.models import OrgUnit

    error = None
    admin = perm.is_agency_admin(current())
    if request.method == "POST":
        if not admin:
            abort(404)
        parent = request.form.get("parent_id", "")
        data = {
            "code": request.form.get("code", "").strip()[:40],
            "name": request.form.get("name", "").strip()[:200],
            "parent_id": int(parent) if parent.isdigit() else None,
        }
        if not data["code"] or not data["name"]:
            error = _("Give a code and a name.")
        else:
            try:
                units.create_unit(db.session, data)
            except ServiceError as problem:
                db.session.rollback()
                error = str(problem)
            else:
                db.session.commit()
                return redirect(url_for("admin.units_page"), code=303)
    rows = db.session.scalars(select(OrgUnit).order_by(OrgUnit.code)).all()
    by_parent: dict[int | None, list[Any]] = {}
    for unit in rows:
        by_parent.setdefault(unit.parent_id, []).append(unit)
    tree: list[tuple[int, Any]] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in by_parent.get(parent, []):
            tree.append((depth, unit))
            walk(unit.id, depth + 1)

    walk(None, 0)
    page = render_template("units.html", tree=tree, units=rows, admin=admin, error=error)
    return (page, 422) if error else page
