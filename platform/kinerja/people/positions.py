"""Positions (jabatan) of an agency; the session is already scoped to one tenant."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja import audit
from kinerja.exceptions import Conflict
from kinerja.i18n import _
from kinerja.people.models import Position


def _check_name_free(session: Session, name: str, position_id: int | None = None) -> None:
    query = select(Position.id).where(Position.name == name)
    if position_id is not None:
        query = query.where(Position.id != position_id)
    if session.scalar(query):
        raise Conflict(_("A position named %(name)s already exists.", name=name))


def create_position(session: Session, name: str, type_: str, grade: int | None) -> Position:
    """Add a position with a unique name; audited."""
    _check_name_free(session, name)
    position = Position(name=name, type=type_, grade=grade)
    session.add(position)
    session.flush()
    audit.record(
        session,
        "position.create",
        "position",
        position.id,
        changes={"name": [None, name], "type": [None, type_], "grade": [None, grade]},
    )
    return position


FIELDS = ("name", "type", "grade")


def update_position(session: Session, position: Position, data: dict[str, Any]) -> Position:
    """Rename or reclassify a position; audited with what changed."""
    if "name" in data:
        _check_name_free(session, data["name"], position.id)
    before = {key: getattr(position, key) for key in FIELDS}
    for key in FIELDS:
        if key in data:
            setattr(position, key, data[key])
    session.flush()
    after = {key: getattr(position, key) for key in FIELDS}
    if changes := audit.diff(before, after):
        audit.record(session, "position.update", "position", position.id, changes=changes)
    return position
