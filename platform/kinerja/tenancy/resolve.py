"""The tenant comes from the URL, explicitly: `/t/<slug>/...` and `/api/v1/tenants/<slug>/...`.

The request pipeline (`kinerja.pipeline`) resolves it for every route with `<tenant>`.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import String, cast, func, select

from kinerja.db import db
from kinerja.db.rls import SETTING
from kinerja.db.scoping import RLS_SET
from kinerja.tenancy.kinds import ACTIVE
from kinerja.tenancy.models import Tenant


def active_tenant_or_404(slug: str) -> Tenant:
    """The active tenant named by `slug`; unknown and suspended tenants are both plain 404s.

    The lookup also sets the transaction's RLS tenant in the same statement, saving the request
    a round trip (`bind_tenant` sees it is done).
    """
    found = db.session.execute(
        select(Tenant, func.set_config(SETTING, cast(Tenant.id, String), True)).where(
            Tenant.slug == slug[:64], Tenant.status == ACTIVE
        )
    ).first()
    if found is None:
        abort(404)
    tenant = found[0]
    db.session.info[RLS_SET] = tenant.id
    return tenant
