"""Access follows the employee record: leaving the agency ends its roles, tokens and sessions."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kinerja.identity import users
from kinerja.identity.models import ROLE_PEGAWAI, SOURCE_EMPLOYEE
from kinerja.people.events import employee_left, employee_returned


def _left(session: Session, employee: Any) -> None:
    if employee.user_id is not None:
        users.leave(session, employee.user_id)


def _returned(session: Session, employee: Any) -> None:
    if employee.user_id is not None:
        users.ensure_membership(session, employee.user_id, ROLE_PEGAWAI, SOURCE_EMPLOYEE)


def connect() -> None:
    """Subscribe (idempotent: blinker keeps one connection per receiver)."""
    employee_left.connect(_left)
    employee_returned.connect(_returned)
