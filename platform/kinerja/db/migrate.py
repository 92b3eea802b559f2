"""Schema changes through Alembic (as the owner) and the application role's provisioning."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Row, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, ProgrammingError

from kinerja.db import make_engine
from kinerja.db.catalog import DEFINER_ALLOW_LIST

log = logging.getLogger(__name__)

# Privileges the application role gets per table; anything not listed gets DEFAULT_GRANTS.
# (An append-only table, such as the coming audit log, lists only SELECT, INSERT.)
DEFAULT_GRANTS = ("SELECT", "INSERT", "UPDATE", "DELETE")
TABLE_GRANTS: dict[str, tuple[str, ...]] = {
    "alembic_version": ("SELECT",),
    "audit_log": ("SELECT", "INSERT"),  # append-only
}


def migrations_dir() -> Path:
    """The Alembic folder: inside the wheel when installed, at the repo root when editable."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "_migrations", package.parent.parent / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("the migrations folder is missing from this installation")


PLUGIN_MIGRATIONS = "kinerja.migrations"  # entry points: plugin name -> package of revisions


def plugin_migration_dirs() -> list[Path]:
    """The revision folders of installed plugins that ship tables (their own Alembic branches)."""
    from importlib import import_module
    from importlib.metadata import entry_points

    folders: list[Path] = []
    for point in sorted(entry_points(group=PLUGIN_MIGRATIONS), key=lambda p: p.name):
        module = import_module(point.value)
        folders.extend(Path(p) for p in getattr(module, "__path__", []))
    return folders


def alembic_config(owner_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    # The core's revisions and every installed plugin's branch; `upgrade` runs all heads.
    locations = [migrations_dir() / "versions", *plugin_migration_dirs()]
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(str(p) for p in locations))
    # Alembic's ini interpolation would choke on a '%' in a password.
    cfg.set_main_option("sqlalchemy.url", owner_url.replace("%", "%%"))
    return cfg


def upgrade(owner_url: str, app_url: str, app_role: str, revision: str = "heads") -> None:
    command.upgrade(alembic_config(owner_url), revision)
    provision_app_role(owner_url, app_url, app_role)


def downgrade(owner_url: str, revision: str) -> None:
    command.downgrade(alembic_config(owner_url), revision)


def current(owner_url: str) -> str | None:
    engine = make_engine(owner_url)
    try:
        with engine.connect() as conn:
            has_table = conn.execute(text("SELECT to_regclass('alembic_version')")).scalar()
            if not has_table:
                return None
            heads = list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    finally:
        engine.dispose()
    return describe_heads(owner_url, heads) if heads else None


def describe_heads(owner_url: str, heads: list[str]) -> str:
    """The core's revision and each plugin branch's, e.g. `0008, kinerja_dinkes@dk0001`.

    Alembic stores only the heads it needs: a plugin revision that depends on the core's covers
    it, so the core's revision is found among the stored heads' ancestors.
    """
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(owner_url))
    core_versions = (migrations_dir() / "versions").resolve()
    core: list[str] = []
    branches: list[str] = []
    for head in heads:
        for revision in script.iterate_revisions(head, "base"):
            if revision is None:
                continue
            in_core = Path(revision.path).resolve().parent == core_versions
            if in_core:
                core.append(revision.revision)
                break
            if revision.revision == head:
                label = next(iter(revision.branch_labels), "plugin")
                branches.append(f"{label}@{head}")
    ordered = [r.revision for r in script.walk_revisions() if r.revision in set(core)]
    return ", ".join([*ordered[:1], *sorted(branches)])


def _literal(value: str) -> str:
    # standard_conforming_strings is on in every supported PostgreSQL: doubling quotes is enough.
    return "'" + value.replace("'", "''") + "'"


def provision_app_role(owner_url: str, app_url: str, role: str) -> None:
    """Create or update the application role and its grants; safe to run any number of times."""
    app = make_url(app_url)
    engine = make_engine(owner_url)
    try:
        with engine.begin() as conn:
            owner = conn.execute(text("SELECT current_user")).scalar()
            if owner == role:
                log.warning(
                    "the schema owner is the application role %s: row-level security still "
                    "applies (FORCE), but use a separate owner in production",
                    role,
                )
                return
            _ensure_role(conn, role, app.password if app.username == role else None)
            _grant(conn, role)
    finally:
        engine.dispose()


_ROLE_FLAGS = text(
    "SELECT rolsuper, rolbypassrls, rolcreatedb, rolcreaterole, rolreplication, rolcanlogin "
    "FROM pg_roles WHERE rolname = :r"
)


# unique_violation (two CREATE ROLEs racing), duplicate_object (the other one committed first).
_ALREADY_THERE = {"23505", "42710"}


def _ensure_role(conn: Connection, role: str, password: str | None) -> None:
    flags = conn.execute(_ROLE_FLAGS, {"r": role}).one_or_none()
    if flags is None:
        flags = _create_role(conn, role)
    if flags is not None and (any(flags[:5]) or not flags.rolcanlogin):
        # Only touch attributes that are wrong: changing SUPERUSER/BYPASSRLS/REPLICATION needs a
        # superuser, and a non-superuser owner must be able to re-run upgrades.
        conn.execute(
            text(
                f'ALTER ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE '
                "NOREPLICATION INHERIT"
            )
        )
    if password:
        conn.execute(text(f'ALTER ROLE "{role}" PASSWORD {_literal(password)}'))


def _create_role(conn: Connection, role: str) -> Row[Any] | None:
    """A new role has none of the dangerous attributes; creating it needs only CREATEROLE.
    Roles are the server's: another database's upgrade (a second deployment, a parallel test
    process) may create it between our look and our CREATE; theirs is then checked as ours
    would be. None when we made it."""
    try:
        with conn.begin_nested():
            conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
    except (IntegrityError, ProgrammingError) as error:
        if getattr(error.orig, "sqlstate", None) not in _ALREADY_THERE:
            raise
        return conn.execute(_ROLE_FLAGS, {"r": role}).one()
    return None


def _grant(conn: Connection, role: str) -> None:
    database = conn.execute(text("SELECT current_database()")).scalar()
    conn.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"'))
    conn.execute(text(f'GRANT USAGE ON SCHEMA public TO "{role}"'))
    tables = conn.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    ).scalars()
    for table in tables:
        privileges = ", ".join(TABLE_GRANTS.get(table, DEFAULT_GRANTS))
        conn.execute(text(f'REVOKE ALL ON TABLE public."{table}" FROM "{role}"'))
        conn.execute(text(f'GRANT {privileges} ON TABLE public."{table}" TO "{role}"'))
    conn.execute(text(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"'))
    # SECURITY DEFINER functions run past RLS: only the application role may call them, and
    # only those on the allow-list (the catalogue audit checks the same list).
    for function in conn.execute(_DEFINER_FUNCTIONS).scalars():
        if function.split("(")[0] in DEFINER_ALLOW_LIST:
            conn.execute(text(f'GRANT EXECUTE ON FUNCTION {function} TO "{role}"'))


_DEFINER_FUNCTIONS = text(
    "SELECT p.oid::regprocedure::text FROM pg_proc p "
    "WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef ORDER BY 1"
)
