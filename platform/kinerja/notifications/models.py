"""Tables of notifications: what each employee was told (in-app, and whether it went out by
e-mail), their e-mail choices per kind, and the reminders already sent (so none goes twice)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    String,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from kinerja.db import Base, TenantOwned


def _employee_fk(table: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["tenant_id", "employee_id"],
        ["employee.tenant_id", "employee.id"],
        name=f"fk_{table}_employee",
        ondelete="CASCADE",
    )


class Notification(TenantOwned, Base):
    """One thing an employee is told. The text is rendered when shown, in the reader's
    language, from `kind` and `params`; `key` folds repeats (a second one of the same kind and
    key while the first is unread counts up instead of piling up)."""

    __tablename__ = "notification"
    __table_args__ = (
        _employee_fk("notification"),
        Index(
            "ix_notification_tenant_id_employee_id_read_at", "tenant_id", "employee_id", "read_at"
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    employee_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str | None] = mapped_column(String(120))
    params: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    link: Mapped[str | None] = mapped_column(String(300))
    repeats: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class NotificationChoice(TenantOwned, Base):
    """An employee's choice of whether one kind reaches them by e-mail (no row: the default)."""

    __tablename__ = "notification_choice"
    __table_args__ = (_employee_fk("notification_choice"),)

    employee_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    email: Mapped[bool] = mapped_column(Boolean)


class SentOnce(TenantOwned, Base):
    """A reminder or digest already sent: (employee, what, key) goes out once, whichever worker
    and however many restarts (inserted with ON CONFLICT DO NOTHING before sending)."""

    __tablename__ = "sent_once"
    __table_args__ = (_employee_fk("sent_once"),)

    employee_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    what: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
