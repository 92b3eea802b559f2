"""Who sees the agency as a whole besides its head: the people and positions the admin OPD
names (the sekretaris …), through the API."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from marshmallow import fields
from sqlalchemy import func, select

from kinerja import permissions as perm
from kinerja.api.common import Blueprint
from kinerja.api.pagination import SelectPage
from kinerja.api.people import BEARER
from kinerja.api.schemas import Id
from kinerja.db import db
from kinerja.identity.principal import require
from kinerja.people import overseers
from kinerja.people.models import AgencyViewer, Employee, Position
from kinerja.people.permissions import VIEWERS
from kinerja.schema import Schema

blp = Blueprint(
    "overseers_api",
    __name__,
    url_prefix="/api/v1/tenants/<tenant>/viewers",
    description="Who sees the agency as a whole (its figures, the curve, every evaluation's "
    "state, read-only): the head, and the people and positions the agency names.",
)


class ViewerSchema(Schema):
    id = fields.Integer(dump_only=True)
    employee_id = Id(allow_none=True, load_default=None)
    position_id = Id(allow_none=True, load_default=None)
    name = fields.String(dump_only=True, metadata={"description": "the employee's or position's"})


def _listed() -> Any:
    return (
        select(
            AgencyViewer.id,
            AgencyViewer.employee_id,
            AgencyViewer.position_id,
            func.coalesce(Employee.name, Position.name).label("name"),
        )
        .outerjoin(Employee, Employee.id == AgencyViewer.employee_id)
        .outerjoin(Position, Position.id == AgencyViewer.position_id)
        .order_by(AgencyViewer.id)
    )


@blp.route("")
class Viewers(MethodView):
    @blp.response(200, ViewerSchema(many=True))
    @blp.paginate(SelectPage)
    @blp.doc(security=BEARER)
    def get(self) -> Any:
        """The people and positions named (the admin OPD, the overseers); the head is not
        listed: whoever holds the top position sees the agency without being named"""
        require(perm.VIEW, perm.Resource(VIEWERS, g.tenant.id))
        return _listed()

    @blp.arguments(ViewerSchema)
    @blp.response(201, ViewerSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any]) -> Any:
        """Name an employee (`employee_id`) or a position (`position_id`) (the admin OPD)"""
        require(perm.MANAGE, perm.Resource(VIEWERS, g.tenant.id))
        row = overseers.name(db.session, data.get("employee_id"), data.get("position_id"))
        db.session.commit()
        return db.session.execute(_listed().where(AgencyViewer.id == row.id)).one()._mapping


@blp.route("/<int:viewer_id>")
class Viewer(MethodView):
    @blp.response(204)
    @blp.doc(security=BEARER)
    def delete(self, viewer_id: int) -> None:
        """Take a line off the list (the admin OPD)"""
        require(perm.MANAGE, perm.Resource(VIEWERS, g.tenant.id))
        overseers.unname(db.session, viewer_id)
        db.session.commit()
