"""An IKI's target per evaluation period: set by the employee where the year's target does not
split evenly (NULL: the year's target split, or repeated for a level, by the achievement rules).

The column lives on `iki`, a tenant table already (tenant_id first in its key, RLS forced), so
the targets go wherever the indicator goes: copied, handed down, frozen in a version.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("iki", sa.Column("period_targets", JSONB))
    op.create_check_constraint(
        op.f("ck_iki_period_targets"),
        "iki",
        "period_targets IS NULL OR jsonb_typeof(period_targets -> 'targets') = 'array'",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_iki_period_targets"), "iki")
    op.drop_column("iki", "period_targets")
