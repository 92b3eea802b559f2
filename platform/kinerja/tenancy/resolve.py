"""The tenant comes from the URL, explicitly: `/t/<slug>/...` and `/api/v1/tenants/<slug>/...`.

The request pipeline (`kinerja.pipeline`) resolves it for every route with `<tenant>`.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from kinerja.db import db
from kinerja.tenancy.kinds import ACTIVE
from kinerja.tenancy.models import Tenant


def active_tenant_or_404(slug: str) -> Tenant:
    """The active tenant named by `slug`; unknown and suspended tenants are both plain 404s."""
    tenant = db.session.scalar(
        select(Tenant).where(Tenant.slug == slug[:64], Tenant.status == ACTIVE)
    )
    if tenant is None:
        abort(404)
    return tenant
