"""The audit log page."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template
from sqlalchemy import func, select

from kinerja import audit
from kinerja.db import db
from kinerja.identity.models import User
from kinerja.identity.principal import current
from kinerja.web.admin import PAGE_SIZE, bp, page_number


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
    return render_template(
        "audit.html",
        entries=entries,
        actors=actors,
        page=page,
        pages=pages,
        show_origin=audit.may_see_origin(current()),
    )
