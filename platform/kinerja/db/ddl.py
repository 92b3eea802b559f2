"""Column helpers for migrations: the pieces every tenant-owned table repeats.

Migrations call these instead of spelling the same columns again; what they emit is fixed (the
constraint names follow `kinerja.db.base.NAMING`), so a migration's schema never changes when
this module is read later.
"""

from __future__ import annotations

import sqlalchemy as sa


def tenant_column(table: str) -> sa.Column:
    """`tenant_id`, first in the table, referencing the tenant (name as the ORM names it)."""
    return sa.Column(
        "tenant_id",
        sa.BigInteger,
        sa.ForeignKey("tenant.id", name=f"fk_{table}_tenant_id_tenant"),
        nullable=False,
    )


def moment(name: str) -> sa.Column:
    """A timestamp with time zone, set by the database when the row is written."""
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def timestamps() -> list[sa.Column]:
    """`created_at` and `updated_at` (the ORM's `Timestamps` mixin)."""
    return [moment("created_at"), moment("updated_at")]
