"""The agency's structure: work units and positions (jabatan)."""

from __future__ import annotations

from typing import Any

from flask import g, request
from flask_babel import gettext as _
from sqlalchemy import func, select

from kinerja import permissions as perm
from kinerja.db import db
from kinerja.db.load import load_or_404
from kinerja.identity.principal import current, require
from kinerja.organisation import service as units
from kinerja.organisation.models import OrgUnit
from kinerja.organisation.permissions import ORG_UNIT
from kinerja.people import positions
from kinerja.people.classification import POSITION_TYPES
from kinerja.people.models import Employee, Position
from kinerja.people.permissions import POSITION
from kinerja.web.admin import bp, require_admin
from kinerja.web.forms import Problem, form_page, submit, whole_number


# --- positions ---------------------------------------------------------------------------------
def _position_form() -> tuple[dict[str, Any] | None, str | None]:
    name = request.form.get("name", "").strip()[:200]
    ptype = request.form.get("type", "")
    grade = request.form.get("grade", "").strip()
    if not name or ptype not in POSITION_TYPES or (grade and whole_number(grade, 17) is None):
        return None, _("Give a name, a type and, if known, a grade from 1 to 17.")
    return {"name": name, "type": ptype, "grade": whole_number(grade, 17)}, None


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


# --- work units --------------------------------------------------------------------------------
def _unit_form() -> tuple[dict[str, Any] | None, str | None]:
    parent = request.form.get("parent_id", "")
    data = {
        "code": request.form.get("code", "").strip()[:40],
        "name": request.form.get("name", "").strip()[:200],
        "parent_id": whole_number(parent),
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
