"""The audit log page."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template
from sqlalchemy import select

from kinerja import audit
from kinerja.db import db
from kinerja.identity.models import User
from kinerja.identity.principal import current
from kinerja.web.admin import PAGE_SIZE, bp
from kinerja.web.paging import paged


# --- audit log ---------------------------------------------------------------------------------
@bp.get("/audit")
def audit_page() -> Any:
    query = audit.visible_entries(current())
    if query is None:
        abort(404)
    found = paged(query, size=PAGE_SIZE)
    entries = found.rows
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
        paged=found,
        show_origin=audit.may_see_origin(current()),
    )
