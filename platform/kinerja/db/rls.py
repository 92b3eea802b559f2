"""Row-level security for tenant-owned tables, emitted by migrations through these helpers.

Each policy both filters (`USING`) and checks writes (`WITH CHECK`) against the per-transaction
setting `kinerja.tenant_id`. `nullif(..., '')` turns "not set in this transaction" into NULL, and
`tenant_id = NULL` is never true: no tenant, no rows, no writes.
"""

from __future__ import annotations

import re

SETTING = "kinerja.tenant_id"
POLICY = "tenant_isolation"
TENANT_EXPR = f"nullif(current_setting('{SETTING}', true), '')::bigint"

_IDENT = re.compile(r"[a-z_][a-z0-9_]*")


def _check(table: str) -> str:
    if not _IDENT.fullmatch(table):
        raise ValueError(f"not a plain table name: {table!r}")
    return table


def enable_statements(table: str) -> list[str]:
    """SQL that puts `table` under tenant row-level security (idempotent on a fresh table)."""
    table = _check(table)
    condition = f"tenant_id = {TENANT_EXPR}"
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        # FORCE: the table owner is bound too, so a mistake in a migration cannot bypass it.
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY {POLICY} ON {table} USING ({condition}) WITH CHECK ({condition})",
    ]


def disable_statements(table: str) -> list[str]:
    table = _check(table)
    return [
        f"DROP POLICY IF EXISTS {POLICY} ON {table}",
        f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY",
    ]


def enable(op: object, table: str) -> None:
    """Alembic helper: `rls.enable(op, "org_unit")` right after `op.create_table`."""
    for statement in enable_statements(table):
        op.execute(statement)  # type: ignore[attr-defined]


def disable(op: object, table: str) -> None:
    for statement in disable_statements(table):
        op.execute(statement)  # type: ignore[attr-defined]
