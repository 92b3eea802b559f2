"""Feedback threads about an evaluation too (beside the SKP, an RHK, an IKI and a daily entry),
and found by their subject (each of those pages lists the threads about it).

Revision ID: 0025
Revises: 0021
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None
# The name the database holds: the metadata's naming convention applied to a name that already
# followed it (as for every check constraint of the schema); created below by the short name.
DOUBLED = "ck_feedback_thread_ck_feedback_thread_subject"


def upgrade() -> None:
    op.alter_column("feedback_thread", "subject", type_=sa.String(12))
    op.drop_constraint(op.f(DOUBLED), "feedback_thread", type_="check")
    op.create_check_constraint(
        "ck_feedback_thread_subject",
        "feedback_thread",
        "subject IN ('skp', 'rhk', 'iki', 'entry', 'evaluation')",
    )
    op.create_index(
        "ix_feedback_thread_tenant_id_subject",
        "feedback_thread",
        ["tenant_id", "subject", "subject_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_feedback_thread_tenant_id_subject", "feedback_thread")
    op.execute("DELETE FROM feedback_thread WHERE subject = 'evaluation'")
    op.drop_constraint(op.f(DOUBLED), "feedback_thread", type_="check")
    op.create_check_constraint(
        "ck_feedback_thread_subject",
        "feedback_thread",
        "subject IN ('skp', 'rhk', 'iki', 'entry')",
    )
    op.alter_column("feedback_thread", "subject", type_=sa.String(8))
