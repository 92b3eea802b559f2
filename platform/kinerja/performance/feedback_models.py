"""Continuous feedback (umpan balik berkelanjutan): threads between an employee and their
superior, about the SKP, an RHK, an IKI, a daily entry or an evaluation; messages; who read up
to where."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Index,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from kinerja.db import Base, TenantOwned


class FeedbackThread(TenantOwned, Base):
    __tablename__ = "feedback_thread"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "employee_id"],
            ["employee.tenant_id", "employee.id"],
            name="fk_feedback_thread_employee",
        ),
        ForeignKeyConstraint(
            ["tenant_id", "superior_id"],
            ["employee.tenant_id", "employee.id"],
            name="fk_feedback_thread_superior",
        ),
        CheckConstraint("subject IN ('skp', 'rhk', 'iki', 'entry', 'evaluation')", name="subject"),
        Index("ix_feedback_thread_tenant_id_employee_id", "tenant_id", "employee_id"),
        Index("ix_feedback_thread_tenant_id_subject", "tenant_id", "subject", "subject_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    employee_id: Mapped[int] = mapped_column(BigInteger)  # whose work it is about
    superior_id: Mapped[int] = mapped_column(BigInteger)  # the rater when it was started
    subject: Mapped[str] = mapped_column(String(12))
    subject_id: Mapped[int] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class FeedbackMessage(TenantOwned, Base):
    __tablename__ = "feedback_message"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "thread_id"],
            ["feedback_thread.tenant_id", "feedback_thread.id"],
            name="fk_feedback_message_thread",
            ondelete="CASCADE",
        ),
        Index("ix_feedback_message_tenant_id_thread_id", "tenant_id", "thread_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    thread_id: Mapped[int] = mapped_column(BigInteger)
    author_id: Mapped[int] = mapped_column(BigInteger)  # an employee
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class FeedbackRead(TenantOwned, Base):
    """How far a participant has read a thread (the read receipts)."""

    __tablename__ = "feedback_read"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "thread_id"],
            ["feedback_thread.tenant_id", "feedback_thread.id"],
            name="fk_feedback_read_thread",
            ondelete="CASCADE",
        ),
    )

    thread_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    employee_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    last_read: Mapped[int] = mapped_column(BigInteger)  # a message id
    read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
