"""Notifications: tell an employee something (folding repeats), list and count them, mark them
read, and each person's e-mail choices."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from kinerja.db.scoping import current_tenant_id
from kinerja.notifications.kinds import KINDS
from kinerja.notifications.models import Notification, NotificationChoice, SentOnce
from kinerja.presentation import formats

PAGE = 50
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # a date parameter as stored (older ones: as shown)


def notify(
    session: Session,
    employee_id: int | None,
    kind: str,
    params: Mapping[str, Any],
    link: str | None = None,
    key: str | None = None,
) -> Notification | None:
    """Tell `employee_id`; with a `key`, an unread one of the same kind and key is updated
    (its count goes up) instead of adding another."""
    if employee_id is None:
        return None
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind: {kind!r}")
    plain = {k: _plain(v) for k, v in params.items()}
    if key is not None:
        earlier = session.scalar(
            select(Notification).where(
                Notification.employee_id == employee_id,
                Notification.kind == kind,
                Notification.key == key,
                Notification.read_at.is_(None),
            )
        )
        if earlier is not None:
            earlier.params, earlier.repeats = plain, earlier.repeats + 1
            earlier.created_at, earlier.emailed_at = datetime.now(UTC), None
            return earlier
    made = Notification(
        employee_id=employee_id, kind=kind, key=key, params=plain, link=link, repeats=1
    )
    session.add(made)
    session.flush()
    return made


def _plain(value: Any) -> Any:
    """A parameter as JSON: a date as ISO text (shown in the reader's format by `text`)."""
    if isinstance(value, int | float):
        return value
    return value.isoformat() if isinstance(value, date) else str(value)


def _shown(value: Any) -> Any:
    """A stored parameter as the reader sees it: an ISO date in the reader's short style."""
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return formats.date_short(date.fromisoformat(value))
    return value


def text(notification: Notification) -> str:
    """The message in the current language (a wrong parameter shows the bare message)."""
    kind = KINDS.get(notification.kind)
    if kind is None:  # a kind no longer registered (its plugin removed): still readable
        return gettext("A notification (%(kind)s)", kind=notification.kind.replace("_", " "))
    message = gettext(kind.message)
    try:
        return message % {k: _shown(v) for k, v in notification.params.items()}
    except (KeyError, TypeError, ValueError):
        return message


def unread(session: Session, employee_id: int | None) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.employee_id == (employee_id or -1), Notification.read_at.is_(None))
        )
        or 0
    )


def listing(employee_id: int | None) -> Select[Notification]:
    """The employee's notifications, unread first, newest first (the list to page through)."""
    return (
        select(Notification)
        .where(Notification.employee_id == (employee_id or -1))
        .order_by(
            Notification.read_at.is_not(None), Notification.created_at.desc(), Notification.id
        )
    )


def mark_read(session: Session, employee_id: int | None, ids: list[int] | None = None) -> int:
    """Mark the employee's notifications read: the given ids, or all."""
    query = update(Notification).where(
        Notification.employee_id == (employee_id or -1), Notification.read_at.is_(None)
    )
    if ids is not None:
        query = query.where(Notification.id.in_([i for i in ids if 0 < i <= 2**62]))
    result = session.execute(query.values(read_at=datetime.now(UTC)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def choices(session: Session, employee_id: int | None) -> dict[str, bool]:
    """{kind: whether it goes by e-mail} for the employee (their choice, else the default)."""
    chosen = {
        c.kind: c.email
        for c in session.scalars(
            select(NotificationChoice).where(NotificationChoice.employee_id == (employee_id or -1))
        )
    }
    return {kind: chosen.get(kind, spec.email) for kind, spec in KINDS.items()}


def set_choices(session: Session, employee_id: int, wanted: Mapping[str, bool]) -> dict[str, bool]:
    for kind, email in wanted.items():
        if kind not in KINDS:
            continue
        session.execute(
            pg_insert(NotificationChoice)
            .values(
                tenant_id=current_tenant_id(session),
                employee_id=employee_id,
                kind=kind,
                email=bool(email),
            )
            .on_conflict_do_update(
                index_elements=["tenant_id", "employee_id", "kind"], set_={"email": bool(email)}
            )
        )
    session.flush()
    return choices(session, employee_id)


def once(session: Session, employee_id: int, what: str, key: str) -> bool:
    """Claim (employee, what, key): True the first time only, whoever asks and however often."""
    inserted = session.execute(
        pg_insert(SentOnce)
        .values(tenant_id=current_tenant_id(session), employee_id=employee_id, what=what, key=key)
        .on_conflict_do_nothing()
        .returning(SentOnce.key)
    ).first()
    return inserted is not None
