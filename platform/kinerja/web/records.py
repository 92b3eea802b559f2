"""The audit log page: each entry as a sentence in the reader's language (`audit_lines`)."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template
from sqlalchemy import select

from kinerja import audit, numbers
from kinerja.audit.models import AuditEntry
from kinerja.db import db
from kinerja.i18n import role_label
from kinerja.identity.models import User
from kinerja.identity.principal import current
from kinerja.organisation.models import OrgUnit
from kinerja.people.models import Employee, Position
from kinerja.performance.models import Iki, Rhk
from kinerja.web import audit_lines
from kinerja.web.admin import PAGE_SIZE, bp
from kinerja.web.paging import paged


def _names(entries: list[AuditEntry]) -> tuple[dict[int, str], dict[int, str]]:
    """The page's actors (users) and subjects (employees) by id, read once per page."""
    actor_ids = {e.actor_user_id for e in entries if e.actor_user_id}
    subject_ids = {e.subject_employee_id for e in entries if e.subject_employee_id}
    actors = (
        {
            u.id: u.display_name
            for u in db.session.scalars(select(User).where(User.id.in_(actor_ids)))
        }
        if actor_ids
        else {}
    )
    subjects = (
        {
            e.id: e.name
            for e in db.session.scalars(select(Employee).where(Employee.id.in_(subject_ids)))
        }
        if subject_ids
        else {}
    )
    return actors, subjects


# A change naming a record by its id reads as the record's name (fields -> the model and column).
NAMED: dict[str, tuple[Any, Any]] = {
    "user_id": (User, User.display_name),
    "employee_id": (Employee, Employee.name),
    "superior_id": (Employee, Employee.name),
    "position_id": (Position, Position.name),
    "org_unit_id": (OrgUnit, OrgUnit.name),
    "parent_id": (OrgUnit, OrgUnit.name),
    "rhk_id": (Rhk, Rhk.text),
    "iki_id": (Iki, Iki.text),
}


def _titles(entries: list[AuditEntry]) -> dict[tuple[str, int], str]:
    """{(field, id): name} of the records the page's changes name by id, and of the results
    and indicators feedback threads are about ("rhk 6"), one query per kind of record."""
    wanted: dict[str, set[int]] = {}
    for e in entries:
        for field, pair in (e.changes or {}).items():
            for raw in pair if isinstance(pair, list) else [pair]:
                if field in NAMED and isinstance(raw, int) and not isinstance(raw, bool):
                    if 0 < raw <= numbers.BIGINT_MAX:  # a key the database can hold, else no record
                        wanted.setdefault(field, set()).add(raw)
                elif field == "subject" and isinstance(raw, str):
                    kind, _space, number = raw.partition(" ")
                    if f"{kind}_id" in NAMED and (ident := numbers.whole(number, 1)):
                        wanted.setdefault(f"{kind}_id", set()).add(ident)
    found: dict[tuple[str, int], str] = {}
    for field, ids in wanted.items():
        model, column = NAMED[field]
        rows = db.session.execute(select(model.id, column).where(model.id.in_(ids)))
        found |= {(field, i): str(name)[:120] for i, name in rows}
    return found


# --- audit log ---------------------------------------------------------------------------------
@bp.get("/audit")
def audit_page() -> Any:
    query = audit.visible_entries(current())
    if query is None:
        abort(404)
    found = paged(query, size=PAGE_SIZE)
    entries = found.rows
    actors, subjects = _names(entries)
    named = _titles(entries)

    def titles(field: str, raw: Any) -> str | None:
        if field == "subject":
            return audit_lines.subject_title(raw, named)
        return named.get((field, raw)) if isinstance(raw, int) else None

    lines = [
        audit_lines.line(
            e,
            actors.get(e.actor_user_id or 0) or role_label(e.actor_role or "system"),
            subjects.get(e.subject_employee_id or 0),
            titles,
        )
        for e in entries
    ]
    return render_template(
        "audit.html",
        entries=list(zip(entries, lines, strict=True)),
        paged=found,
        show_origin=audit.may_see_origin(current()),
    )
