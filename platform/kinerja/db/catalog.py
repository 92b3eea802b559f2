"""Audit of the live schema against the tenancy rules (used by `kinerja db check` and the tests).

Walks PostgreSQL's catalog rather than the ORM metadata, so a table created by hand or by a
migration that forgot a step is caught too.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from kinerja.db.rls import SETTING

_TENANT_TABLES = text("""
    SELECT c.oid, c.relname, c.relrowsecurity, c.relforcerowsecurity
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
    ORDER BY c.relname
""")

_POLICIES = text("""
    SELECT polname, polcmd, polpermissive,
           pg_get_expr(polqual, polrelid) AS using_expr,
           pg_get_expr(polwithcheck, polrelid) AS check_expr
    FROM pg_policy WHERE polrelid = :oid
""")

_PK_FIRST = text("""
    SELECT a.attname
    FROM pg_constraint k
    JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
    WHERE k.conrelid = :oid AND k.contype = 'p'
""")

# Foreign keys from any table to a tenant-owned table, with the column pairs they map.
_FKS = text("""
    SELECT k.conname, src.relname AS source, dst.relname AS target,
           ARRAY(SELECT sa.attname FROM unnest(k.conkey) WITH ORDINALITY u(n, i)
                 JOIN pg_attribute sa ON sa.attrelid = k.conrelid AND sa.attnum = u.n
                 ORDER BY u.i) AS source_cols,
           ARRAY(SELECT da.attname FROM unnest(k.confkey) WITH ORDINALITY u(n, i)
                 JOIN pg_attribute da ON da.attrelid = k.confrelid AND da.attnum = u.n
                 ORDER BY u.i) AS target_cols
    FROM pg_constraint k
    JOIN pg_class src ON src.oid = k.conrelid
    JOIN pg_class dst ON dst.oid = k.confrelid
    WHERE k.contype = 'f' AND k.confrelid = ANY(:oids)
""")


def _policy_ok(using_expr: str | None, check_expr: str | None) -> bool:
    def guards(expr: str | None) -> bool:
        return bool(expr) and "tenant_id" in expr and SETTING in expr  # type: ignore[operator]

    return guards(using_expr) and guards(check_expr)


def audit(conn: Connection) -> list[str]:
    """Return one message per violation of the tenancy rules; empty means the schema is sound."""
    problems: list[str] = []
    tables = conn.execute(_TENANT_TABLES).all()
    for oid, name, rls_on, rls_forced in tables:
        if not rls_on:
            problems.append(f"{name}: row-level security is not enabled")
        if not rls_forced:
            problems.append(f"{name}: row-level security is not forced")
        policies = conn.execute(_POLICIES, {"oid": oid}).all()
        if not any(
            p.polcmd == "*" and p.polpermissive and _policy_ok(p.using_expr, p.check_expr)
            for p in policies
        ):
            problems.append(
                f"{name}: no policy for all commands that both uses and checks tenant_id "
                f"against {SETTING}"
            )
        first = conn.execute(_PK_FIRST, {"oid": oid}).scalar()
        if first != "tenant_id":
            problems.append(f"{name}: primary key does not lead with tenant_id (first: {first})")
    oids = [row.oid for row in tables]
    if oids:
        for fk in conn.execute(_FKS, {"oids": oids}):
            pairs = dict(zip(fk.source_cols, fk.target_cols, strict=True))
            if pairs.get("tenant_id") != "tenant_id":
                problems.append(
                    f"{fk.source}.{fk.conname}: foreign key to tenant-owned {fk.target} "
                    "does not include tenant_id"
                )
    return problems


_ROLE = text("""
    SELECT r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb,
           (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid
              AND c.relnamespace = 'public'::regnamespace) AS owned,
           (SELECT count(*) FROM pg_namespace n WHERE n.nspowner = r.oid) AS schemas
    FROM pg_roles r WHERE r.rolname = :role
""")


def audit_app_role(conn: Connection, role: str) -> list[str]:
    """Problems with the application role: it must own nothing and be unable to bypass RLS."""
    row = conn.execute(_ROLE, {"role": role}).one_or_none()
    if row is None:
        return [f"role {role}: does not exist (run `kinerja db upgrade`)"]
    problems = []
    for flag, meaning in (
        ("rolsuper", "is a superuser"),
        ("rolbypassrls", "has BYPASSRLS"),
        ("rolcreaterole", "can create roles"),
        ("rolcreatedb", "can create databases"),
    ):
        if getattr(row, flag):
            problems.append(f"role {role}: {meaning}")
    if row.owned:
        problems.append(f"role {role}: owns {row.owned} tables or sequences")
    if row.schemas:
        problems.append(f"role {role}: owns {row.schemas} schemas")
    return problems
