"""Agency pages beyond the directory: import with progress, API tokens, audit log, positions,
roles, work units. Views stay thin: the services decide, the permission questions guard."""

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
from kinerja.db.load import load_or_404
from kinerja.exceptions import ServiceError
from kinerja.i18n import JOB_STATUS_LABELS, N_
from kinerja.identity import tokens, users
from kinerja.identity.models import SOURCE_ADMIN, SOURCE_EMPLOYEE, SOURCE_SSO, ApiToken, User
from kinerja.identity.models import Membership as MembershipRow
from kinerja.identity.permissions import MEMBERSHIP, TOKEN
from kinerja.identity.principal import current, require
from kinerja.jobs.models import BackgroundJob
from kinerja.organisation import service as units
from kinerja.organisation.models import OrgUnit
from kinerja.organisation.permissions import ORG_UNIT
from kinerja.people import importer, imports, positions
from kinerja.people.classification import POSITION_TYPES
from kinerja.people.models import Employee, EmployeeImport, Position
from kinerja.people.permissions import IMPORT, POSITION
from kinerja.web.forms import Problem, form_page, submit

bp = Blueprint("admin", __name__, url_prefix="/t/<tenant>")
PAGE_SIZE = 50


def require_admin() -> None:
    require(perm.MANAGE, perm.Resource(IMPORT, g.tenant.id))


def page_number() -> int:
    """?page=N, clamped: a page far past the end is simply empty, never a database error."""
    raw = request.args.get("page", "1")
    return max(1, min(int(raw), 10**9)) if raw.isdigit() and len(raw) < 12 else 1


def confirmed() -> bool:
    return request.method == "POST" and request.form.get("confirmed") == "1"


# --- import ------------------------------------------------------------------------------------
@bp.route("/imports", methods=["GET", "POST"])
def import_page() -> Any:
    require_admin()
    error, code = None, 200
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
                error, code = imports.describe(vars(rejected)), rejected.status
            else:
                db.session.commit()
                return redirect(url_for("admin.import_status", import_id=record.id), code=303)
    rows = db.session.execute(
        select(
            EmployeeImport.id,
            EmployeeImport.filename,
            EmployeeImport.created_at,
            BackgroundJob.status,
            BackgroundJob.progress,
            BackgroundJob.result,
        )
        .join(BackgroundJob, BackgroundJob.id == EmployeeImport.job_id)
        .order_by(EmployeeImport.created_at.desc())
        .limit(20)
    ).all()
    # A job that ran to the end may still have rejected its file: show what happened to it.
    recent = [
        {**row._asdict(), "outcome": (row.result or {}).get("status", row.status)}
        if row.status == "succeeded" and (row.result or {}).get("status") == "rejected"
        else {**row._asdict(), "outcome": row.status}
        for row in rows
    ]
    page = render_template(
        "imports.html", recent=recent, error=error, columns=importer.REQUIRED + importer.OPTIONAL
    )
    return page, code


def _job_of(import_id: int) -> tuple[EmployeeImport, BackgroundJob]:
    require_admin()
    record = load_or_404(db.session, EmployeeImport, import_id)
    job = db.session.scalar(select(BackgroundJob).where(BackgroundJob.id == record.job_id))
    if job is None:
        abort(404)
    return record, job


def _status_labels() -> dict[str, str]:
    return {code: str(label) for code, label in JOB_STATUS_LABELS.items()}


@bp.get("/imports/<int:import_id>")
def import_status(import_id: int) -> Any:
    record, job = _job_of(import_id)
    return render_template(
        "import_status.html",
        record=record,
        job=job,
        report=imports.localized(job.result),
        status_labels=_status_labels(),
    )


@bp.get("/imports/<int:import_id>/status.json")
def import_status_json(import_id: int) -> Any:
    _, job = _job_of(import_id)
    return jsonify(
        status=job.status,
        label=_status_labels().get(job.status, ""),
        progress=job.progress,
        done=job.status in {"succeeded", "failed"},
    )


# --- API tokens --------------------------------------------------------------------------------
@bp.route("/tokens", methods=["GET", "POST"])
def token_page() -> Any:
    principal = current()
    if not perm.is_member(principal):
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


@bp.route("/tokens/<int:token_id>/revoke", methods=["GET", "POST"])
def revoke_token(token_id: int) -> Any:
    """Revoking asks first (a token in use by another application stops working at once)."""
    record = load_or_404(db.session, ApiToken, token_id)
    require(perm.MANAGE, perm.Resource(TOKEN, g.tenant.id, user_id=record.user_id))
    if not confirmed():
        return render_template(
            "confirm.html",
            title=_("Revoke the token %(name)s?", name=record.name),
            question=_("Applications that use it stop working at once. This cannot be undone."),
            warning=None,
            action=_("Revoke"),
            back=url_for("admin.token_page"),
        )
    tokens.revoke(db.session, record)
    db.session.commit()
    return redirect(url_for("admin.token_page"), code=303)


# --- audit log ---------------------------------------------------------------------------------
@bp.get("/audit")
def audit_page() -> Any:
    query = audit.visible_entries(current())
    if query is None:
        abort(404)
    page = page_number()
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    entries = (
        db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
        if page <= pages
        else []
    )
    actor_ids = {e.actor_user_id for e in entries if e.actor_user_id}
    actors = (
        {
            u.id: u.display_name
            for u in db.session.scalars(select(User).where(User.id.in_(actor_ids)))
        }
        if actor_ids
        else {}
    )
    return render_template("audit.html", entries=entries, actors=actors, page=page, pages=pages)


# --- positions ---------------------------------------------------------------------------------
def _position_form() -> tuple[dict[str, Any] | None, str | None]:
    name = request.form.get("name", "").strip()[:200]
    ptype = request.form.get("type", "")
    grade = request.form.get("grade", "").strip()
    if (
        not name
        or ptype not in POSITION_TYPES
        or (grade and not (grade.isdigit() and len(grade) <= 2 and 1 <= int(grade) <= 17))
    ):
        return None, _("Give a name, a type and, if known, a grade from 1 to 17.")
    return {"name": name, "type": ptype, "grade": int(grade) if grade else None}, None


@bp.route("/positions", methods=["GET", "POST"])
def positions_page() -> Any:
    require(perm.VIEW, perm.Resource(POSITION, g.tenant.id))
    error: Problem = None
    if request.method == "POST":
        require_admin()
        data, error = _position_form()
        if data is not None:
            done, error = submit(
                lambda: positions.create_position(
                    db.session, data["name"], data["type"], data["grade"]
                ),
                "admin.positions_page",
            )
            if done:
                return done
    rows = db.session.execute(
        select(Position, func.count(Employee.id))
        .outerjoin(
            Employee,
            (Employee.position_id == Position.id) & (Employee.tenant_id == Position.tenant_id),
        )
        .group_by(Position.tenant_id, Position.id)
        .order_by(Position.name)
    ).all()
    return form_page(
        "positions.html",
        error,
        rows=rows,
        types=POSITION_TYPES,
        admin=perm.is_agency_admin(current()),
        position=None,
    )


@bp.route("/positions/<int:position_id>", methods=["GET", "POST"])
def edit_position(position_id: int) -> Any:
    require(perm.MANAGE, perm.Resource(POSITION, g.tenant.id))
    position = load_or_404(db.session, Position, position_id)
    error: Problem = None
    if request.method == "POST":
        data, error = _position_form()
        if data is not None:
            done, error = submit(
                lambda: positions.update_position(db.session, position, data),
                "admin.positions_page",
            )
            if done:
                return done
    return form_page("position_edit.html", error, position=position, types=POSITION_TYPES)


# --- roles -------------------------------------------------------------------------------------
SOURCE_LABELS = {
    SOURCE_ADMIN: N_("granted by an admin"),
    SOURCE_SSO: N_("from single sign-on groups"),
    SOURCE_EMPLOYEE: N_("with the employee record"),
}


@bp.route("/memberships", methods=["GET", "POST"])
def memberships_page() -> Any:
    require(perm.VIEW, perm.Resource(MEMBERSHIP, g.tenant.id))
    can_manage = perm.is_agency_admin(current())
    error: Problem = None
    if request.method == "POST":
        if not can_manage:
            abort(403)
        form = request.form
        done, error = submit(
            lambda: users.grant_by_nip(db.session, form.get("nip", ""), form.get("role", "")),
            "admin.memberships_page",
        )
        if done:
            return done
    return _memberships(error, can_manage)


def _memberships(error: Problem, can_manage: bool) -> Any:
    return form_page(
        "memberships.html",
        error,
        rows=_membership_rows(),
        can_manage=can_manage,
        source_labels={k: _(v) for k, v in SOURCE_LABELS.items()},
    )


def _membership_rows() -> list[dict[str, Any]]:
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    for m, u in db.session.execute(
        select(MembershipRow, User)
        .join(User, User.id == MembershipRow.user_id)
        .order_by(User.display_name, MembershipRow.role, MembershipRow.source)
    ):
        row = rows.setdefault(
            (u.id, m.role),
            {
                "user_id": u.id,
                "display_name": u.display_name,
                "nip": u.nip,
                "email": u.email,
                "role": m.role,
                "sources": [],
            },
        )
        row["sources"].append(m.source)
    return list(rows.values())


@bp.route("/memberships/<int:user_id>/<role>/delete", methods=["GET", "POST"])
def delete_membership(user_id: int, role: str) -> Any:
    require_admin()
    if not confirmed():
        own = user_id == current().user_id
        return render_template(
            "confirm.html",
            title=_("Remove this role?"),
            question=_("The person loses what the role allows in this agency at once."),
            warning=_("This is your own role.") if own else None,
            action=_("Remove"),
            back=url_for("admin.memberships_page"),
        )
    done, error = submit(
        lambda: users.remove_membership(db.session, current().user_id, user_id, role),
        "admin.memberships_page",
    )
    if done:
        return done
    return _memberships(error, True)  # the refusal explained, with its status


# --- work units --------------------------------------------------------------------------------
def _unit_form() -> tuple[dict[str, Any] | None, str | None]:
    parent = request.form.get("parent_id", "")
    data = {
        "code": request.form.get("code", "").strip()[:40],
        "name": request.form.get("name", "").strip()[:200],
        "parent_id": int(parent) if parent.isdigit() and len(parent) < 19 else None,
    }
    if not data["code"] or not data["name"]:
        return None, _("Give a code and a name.")
    return data, None


def _all_units() -> list[OrgUnit]:
    return list(db.session.scalars(select(OrgUnit).order_by(OrgUnit.code)))


@bp.route("/units", methods=["GET", "POST"])
def units_page() -> Any:
    admin = perm.is_agency_admin(current())
    error: Problem = None
    if request.method == "POST":
        require(perm.MANAGE, perm.Resource(ORG_UNIT, g.tenant.id))
        data, error = _unit_form()
        if data is not None:
            done, error = submit(lambda: units.create_unit(db.session, data), "admin.units_page")
            if done:
                return done
    rows = _all_units()
    return form_page(
        "units.html", error, tree=units.as_tree(rows), units=rows, admin=admin, unit=None
    )


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
def edit_unit(unit_id: int) -> Any:
    require(perm.MANAGE, perm.Resource(ORG_UNIT, g.tenant.id))
    unit = units.get_unit(db.session, unit_id)
    error: Problem = None
    if request.method == "POST":
        data, error = _unit_form()
        if data is not None:
            done, error = submit(
                lambda: units.update_unit(db.session, unit, data), "admin.units_page"
            )
            if done:
                return done
    return form_page("unit_edit.html", error, unit=unit, units=_all_units())
