"""Unit kerja of one agency: readable by anyone, changed by the operator until sign-in exists."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from kinerja.api.auth import OPERATOR, require_operator
from kinerja.api.common import Blueprint
from kinerja.api.pagination import SelectPage
from kinerja.api.schemas import OrgUnitPatchSchema, OrgUnitQuerySchema, OrgUnitSchema
from kinerja.db import db
from kinerja.httpkit import is_operator
from kinerja.organisation import service

blp = Blueprint(
    "units",
    __name__,
    url_prefix="/api/v1/tenants/<tenant>/units",
    description="Work units (unit kerja) of an agency, as a tree.",
)


def acting_role() -> str | None:
    """Who acts, for the audit log: the operator token, or (None) the signed-in person."""
    return "operator" if is_operator() else None


@blp.route("")
class Units(MethodView):
    @blp.arguments(OrgUnitQuerySchema, location="query")
    @blp.response(200, OrgUnitSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, args: dict[str, Any]) -> Any:
        """List the agency's units (paginated)"""
        return service.query_units(args.get("parent_id"), args.get("q"))

    @blp.arguments(OrgUnitSchema)
    @blp.response(201, OrgUnitSchema)
    @blp.doc(security=OPERATOR)
    def post(self, data: dict[str, Any]) -> Any:
        """Create a unit (admin OPD or operator)"""
        require_operator()
        unit = service.create_unit(db.session, data, acting_role())
        db.session.commit()
        return unit


@blp.route("/<int:unit_id>")
class UnitDetail(MethodView):
    @blp.etag
    @blp.response(200, OrgUnitSchema)
    def get(self, unit_id: int) -> Any:
        """One unit"""
        return service.get_unit(db.session, unit_id)

    @blp.etag
    @blp.arguments(OrgUnitPatchSchema)
    @blp.response(200, OrgUnitSchema)
    @blp.doc(security=OPERATOR)
    def patch(self, data: dict[str, Any], unit_id: int) -> Any:
        """Change a unit (admin OPD or operator; send If-Match with the ETag you read)"""
        require_operator()
        service.changing(db.session)  # before the read: the If-Match is checked on it
        unit = service.get_unit(db.session, unit_id)
        blp.check_etag(unit, OrgUnitSchema)
        service.update_unit(db.session, unit, data, acting_role())
        db.session.commit()
        return unit

    @blp.etag
    @blp.response(204)
    @blp.doc(security=OPERATOR)
    def delete(self, unit_id: int) -> None:
        """Delete a unit without sub-units (admin OPD or operator; send If-Match)"""
        require_operator()
        service.changing(db.session)  # before the read: the If-Match is checked on it
        unit = service.get_unit(db.session, unit_id)
        blp.check_etag(unit, OrgUnitSchema)
        service.delete_unit(db.session, unit, acting_role())
        db.session.commit()
