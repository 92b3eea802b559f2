"""Positions (jabatan) of an agency; the session is already scoped to one tenant."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja import audit
from kinerja.exceptions import Conflict
from kinerja.people.models import Position


def create_position(session: Session, name: str, type_: str, grade: int | None) -> Position:
    """Add a position with a unique name; audited."""
    if session.scalar(select(Position.id).where(Position.name == name)):
        raise Conflict(f"A position named {name!r} already exists")
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
