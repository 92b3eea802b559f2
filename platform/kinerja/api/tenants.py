"""Public list of the agencies (OPD): which tenants exist is public information."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView

from kinerja.api.common import Blueprint
from kinerja.api.pagination import WHOLE, ListPage
from kinerja.api.schemas import TenantSchema
from kinerja.db import db
from kinerja.tenancy.service import list_tenants

blp = Blueprint(
    "tenants",
    __name__,
    url_prefix="/api/v1/tenants",
    description="The agencies (OPD) of Kota Medan: the list is public, the rest is for members.",
)


@blp.route("")
class Tenants(MethodView):
    @blp.response(200, TenantSchema(many=True))
    @blp.paginate(ListPage, page_size=WHOLE)
    def get(self) -> Any:
        """List the active agencies"""
        return list_tenants(db.session, active_only=True)


@blp.route("/<tenant>")
class TenantDetail(MethodView):
    @blp.response(200, TenantSchema)
    @blp.alt_response(404, description="Unknown or suspended agency, or not yours")
    def get(self) -> Any:
        """One active agency (its members)"""
        return g.tenant
