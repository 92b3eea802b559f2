"""The tenant comes from the URL, explicitly: `/t/<slug>/...` and `/api/v1/tenants/<slug>/...`."""

from __future__ import annotations

from flask import Blueprint, abort, g
from sqlalchemy import select

from kinerja import logs
from kinerja.db import bind_tenant, db
from kinerja.tenancy.kinds import ACTIVE
from kinerja.tenancy.models import Tenant


def active_tenant_or_404(slug: str) -> Tenant:
    """The active tenant named by `slug`; unknown and suspended tenants are both plain 404s."""
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug, Tenant.status == ACTIVE))
    if tenant is None:
        abort(404, description=f"Unknown agency: {slug}")
    return tenant


def scope_blueprint(bp: Blueprint, param: str = "tenant") -> None:
    """Every route of `bp` resolves `<param>` to an active tenant and scopes the session to it."""

    @bp.url_value_preprocessor
    def _pull_tenant(endpoint: str | None, values: dict | None) -> None:
        if values is None or param not in values:
            return
        slug = values.pop(param)
        tenant = active_tenant_or_404(slug)
        bind_tenant(db.session, tenant.id)
        g.tenant = tenant
        logs.bind(tenant=tenant.slug)
        from kinerja.identity import principal

        principal.load(db.session, tenant.id)

    @bp.url_defaults
    def _add_tenant(endpoint: str, values: dict) -> None:
        if param not in values and "tenant" in g:
            values[param] = g.tenant.slug
