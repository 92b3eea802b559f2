"""Public list of the agencies (OPD): which tenants exist is public information."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from kinerja.api.schemas import TenantSchema
from kinerja.db import db
from kinerja.tenancy.resolve import active_tenant_or_404
from kinerja.tenancy.service import list_tenants

blp = Blueprint(
    "tenants",
    __name__,
    url_prefix="/api/v1/tenants",
    description="The agencies (OPD) of Kota Medan; no sign-in needed.",
)


@blp.route("")
class Tenants(MethodView):
    @blp.response(200, TenantSchema(many=True))
    def get(self) -> Any:
        """List the active agencies"""
        return list_tenants(db.session, active_only=True)


@blp.route("/<slug>")
class TenantDetail(MethodView):
    @blp.response(200, TenantSchema)
    @blp.alt_response(404, description="Unknown or suspended agency")
    def get(self, slug: str) -> Any:
        """One active agency"""
        return active_tenant_or_404(slug)
