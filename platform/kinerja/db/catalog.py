"""Audit of the live schema against the tenancy rules (used by `kinerja db check` and the tests).

Walks PostgreSQL's catalog rather than the ORM metadata, so a table created by hand or by a
migration that forgot a step is caught too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, MetaData, text

from kinerja.db.rls import SETTING

# Tables that belong to no agency. Every other table must be tenant-owned (tenant_id, RLS …).
# performance_year: the city's calendar (dates, open or closed), the same for every agency.
# competency_default: the city's changes to the default required levels per position type.
# guidance_text: BKPSDM's wording of the guidance shown to everyone.
# tpp_base, tpp_setting: the city's TPP amounts per kelas and its tables (kinerja.tpp).
GLOBAL_TABLES = frozenset(
    {
        "tenant",
        "app_user",
        "alembic_version",
        "performance_year",
        "competency_default",
        "guidance_text",
        "tpp_base",
        "tpp_setting",
    }
)
# SECURITY DEFINER functions run as the owner, past RLS: only these may exist, each returning
# one user's or one NIP's rows, none executable by PUBLIC.
DEFINER_ALLOW_LIST = frozenset(
    {
        "kinerja_user_memberships",
        "kinerja_employees_by_nip",
        "kinerja_plugin_enablement",
        "kinerja_skp_counts",
        "kinerja_org_achievements",
        "kinerja_agency_figures",
        "kinerja_tpp_totals",
    }
)

_ALL_TABLES = text("""
    SELECT c.relname,
           EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid
                   AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS tenant_owned
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
    ORDER BY c.relname
""")

_DEFINERS = text("""
    SELECT p.proname, p.oid::regprocedure::text AS signature,
           has_function_privilege('public', p.oid, 'EXECUTE') AS public_can_run
    FROM pg_proc p
    WHERE p.pronamespace = current_schema()::regnamespace AND p.prosecdef
    ORDER BY p.proname
""")

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
    for name, tenant_owned in conn.execute(_ALL_TABLES):
        if not tenant_owned and name not in GLOBAL_TABLES:
            problems.append(
                f"{name}: has no tenant_id and is not on the allow-list of global tables"
            )
    for definer in conn.execute(_DEFINERS):
        if definer.proname not in DEFINER_ALLOW_LIST:
            problems.append(f"{definer.signature}: SECURITY DEFINER function not on the allow-list")
        if definer.public_can_run:
            problems.append(f"{definer.signature}: SECURITY DEFINER function executable by PUBLIC")
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


def audit_metadata(conn: Connection, metadata: MetaData) -> list[str]:
    """Problems between the ORM and the migrated schema: mapped classes that carry tenant_id
    without the tenant base, and any drift Alembic's `compare_metadata` sees."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from kinerja.db.base import Base

    problems = untenanted_mappings(Base.registry.mappers)
    context = MigrationContext.configure(conn)
    for diff in compare_metadata(context, metadata):
        problems.append(f"schema drift between the models and the database: {_describe(diff)}")
    return problems


def _describe(diff: Any) -> str:
    if isinstance(diff, list):  # column modifications come grouped
        return "; ".join(_describe(d) for d in diff)
    kind, *rest = diff
    names = [getattr(r, "name", None) or str(r) for r in rest if r is not None][:3]
    return f"{kind} {' '.join(str(n) for n in names)}"


def untenanted_mappings(mappers: Any) -> list[str]:
    """Mapped classes with a tenant_id that do not inherit the tenant base (so the ORM would not
    filter them by tenant)."""
    from kinerja.db.base import TenantOwned

    return [
        f"{m.class_.__name__}: has tenant_id but does not inherit TenantOwned"
        for m in mappers
        if "tenant_id" in m.columns and not issubclass(m.class_, TenantOwned)
    ]
