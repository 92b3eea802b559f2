"""The live schema follows the tenancy rules; the application role is powerless; migrations round-trip."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from kinerja.db import make_engine, migrate
from kinerja.db.catalog import audit, audit_app_role
from tests.support import APP_ROLE


def test_every_tenant_table_is_sound_after_upgrade(owner_engine: Engine) -> None:
    with owner_engine.connect() as conn:
        assert audit(conn) == []
        tenant_tables = conn.execute(
            text(
                "SELECT count(*) FROM information_schema.columns "
                "WHERE table_schema = 'public' AND column_name = 'tenant_id'"
            )
        ).scalar()
    assert tenant_tables >= 2  # the audit above walked real tables, not an empty list


BAD_TABLES = {
    "no_rls": (
        "CREATE TABLE t_bad (tenant_id bigint, id bigint, PRIMARY KEY (tenant_id, id))",
        [
            "t_bad: row-level security is not enabled",
            "t_bad: row-level security is not forced",
            "t_bad: no policy",
        ],
    ),
    "not_forced": (
        "CREATE TABLE t_bad (tenant_id bigint, id bigint, PRIMARY KEY (tenant_id, id));"
        "ALTER TABLE t_bad ENABLE ROW LEVEL SECURITY;"
        "CREATE POLICY p ON t_bad USING (tenant_id = nullif(current_setting('kinerja.tenant_id',"
        " true), '')::bigint) WITH CHECK (tenant_id = nullif(current_setting('kinerja.tenant_id',"
        " true), '')::bigint)",
        ["t_bad: row-level security is not forced"],
    ),
    "policy_without_check": (
        "CREATE TABLE t_bad (tenant_id bigint, id bigint, PRIMARY KEY (tenant_id, id));"
        "ALTER TABLE t_bad ENABLE ROW LEVEL SECURITY; ALTER TABLE t_bad FORCE ROW LEVEL SECURITY;"
        "CREATE POLICY p ON t_bad FOR SELECT USING (tenant_id = nullif(current_setting("
        "'kinerja.tenant_id', true), '')::bigint)",
        ["t_bad: no policy"],
    ),
    "pk_not_leading": (
        "CREATE TABLE t_bad (id bigint, tenant_id bigint, PRIMARY KEY (id, tenant_id));"
        "ALTER TABLE t_bad ENABLE ROW LEVEL SECURITY; ALTER TABLE t_bad FORCE ROW LEVEL SECURITY;"
        "CREATE POLICY p ON t_bad USING (tenant_id = nullif(current_setting('kinerja.tenant_id',"
        " true), '')::bigint) WITH CHECK (tenant_id = nullif(current_setting('kinerja.tenant_id',"
        " true), '')::bigint)",
        ["t_bad: primary key does not lead with tenant_id"],
    ),
    "fk_without_tenant": (
        "CREATE TABLE t_bad (tenant_id bigint, id bigint, unit_id bigint,"
        " PRIMARY KEY (tenant_id, id));"
        "CREATE UNIQUE INDEX t_bad_unit ON org_unit (id);"
        "ALTER TABLE t_bad ADD CONSTRAINT t_bad_unit FOREIGN KEY (unit_id) REFERENCES org_unit (id);"
        "ALTER TABLE t_bad ENABLE ROW LEVEL SECURITY; ALTER TABLE t_bad FORCE ROW LEVEL SECURITY;"
        "CREATE POLICY p ON t_bad USING (tenant_id = nullif(current_setting('kinerja.tenant_id',"
        " true), '')::bigint) WITH CHECK (tenant_id = nullif(current_setting('kinerja.tenant_id',"
        " true), '')::bigint)",
        ["t_bad.t_bad_unit: foreign key to tenant-owned org_unit does not include tenant_id"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_TABLES))
def test_a_table_that_forgets_a_rule_is_caught(owner_engine: Engine, case: str) -> None:
    ddl, expected = BAD_TABLES[case]
    with owner_engine.connect() as conn, conn.begin() as tx:
        for statement in ddl.split(";"):
            conn.execute(text(statement))
        problems = audit(conn)
        tx.rollback()
    for fragment in expected:
        assert any(p.startswith(fragment) for p in problems), (fragment, problems)
    assert all(p.startswith("t_bad") for p in problems), problems


def test_application_role_is_powerless(owner_engine: Engine) -> None:
    with owner_engine.connect() as conn:
        assert audit_app_role(conn, APP_ROLE) == []
        role = conn.execute(
            text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = :r"), {"r": APP_ROLE}
        ).one()
    assert tuple(role) == (False, False)


def test_a_powerful_or_owning_role_is_caught(owner_engine: Engine) -> None:
    with owner_engine.connect() as conn, conn.begin() as tx:
        conn.execute(text("CREATE ROLE kinerja_test_bad BYPASSRLS CREATEDB"))
        conn.execute(text("CREATE TABLE bad_owned (id int)"))
        conn.execute(text("ALTER TABLE bad_owned OWNER TO kinerja_test_bad"))
        problems = audit_app_role(conn, "kinerja_test_bad")
        missing = audit_app_role(conn, "kinerja_no_such_role")
        tx.rollback()
    assert "role kinerja_test_bad: has BYPASSRLS" in problems
    assert "role kinerja_test_bad: can create databases" in problems
    assert "role kinerja_test_bad: owns 1 tables or sequences" in problems
    assert missing and "does not exist" in missing[0]


def test_application_role_cannot_change_the_schema_or_drop_rls(app_engine: Engine) -> None:
    from sqlalchemy.exc import ProgrammingError

    for statement in (
        "ALTER TABLE org_unit DISABLE ROW LEVEL SECURITY",
        "DROP POLICY tenant_isolation ON org_unit",
        "CREATE TABLE sneaky (id int)",
    ):
        with pytest.raises(ProgrammingError), app_engine.begin() as conn:
            conn.execute(text(statement))


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return set(
                conn.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                ).scalars()
            )
    finally:
        engine.dispose()


def test_migrations_upgrade_from_empty_and_downgrade_back(fresh_database) -> None:
    db = fresh_database
    assert _tables(db.owner_url) == set()
    migrate.upgrade(db.owner_url, db.app_url, APP_ROLE)
    assert {"tenant", "org_unit", "background_job"} <= _tables(db.owner_url)
    import re

    # The core's revision and each plugin branch's, named for the operator.
    assert re.fullmatch(r"\d{4}, kinerja_dinkes@dk\d{4}", migrate.current(db.owner_url) or "")
    migrate.upgrade(db.owner_url, db.app_url, APP_ROLE)  # a second run is harmless
    migrate.downgrade(db.owner_url, "base")
    assert _tables(db.owner_url) <= {"alembic_version"}
    assert migrate.current(db.owner_url) is None
    migrate.upgrade(db.owner_url, db.app_url, APP_ROLE)  # and back up again
    engine = make_engine(db.owner_url)
    with engine.connect() as conn:
        assert audit(conn) == []
    engine.dispose()


BAD_CATALOGUE = {
    "global_table_not_allowed": (
        "CREATE TABLE t_stray (id bigint PRIMARY KEY)",
        "t_stray: has no tenant_id and is not on the allow-list of global tables",
    ),
    "definer_not_allowed": (
        "CREATE FUNCTION t_peek() RETURNS bigint LANGUAGE sql SECURITY DEFINER "
        "AS $$ SELECT count(*) FROM employee $$;"
        "REVOKE EXECUTE ON FUNCTION t_peek() FROM PUBLIC",
        "t_peek(): SECURITY DEFINER function not on the allow-list",
    ),
    "definer_public": (
        "GRANT EXECUTE ON FUNCTION kinerja_user_memberships(bigint) TO PUBLIC",
        "kinerja_user_memberships(bigint): SECURITY DEFINER function executable by PUBLIC",
    ),
}


@pytest.mark.parametrize("case", list(BAD_CATALOGUE))
def test_catalogue_outside_the_rules_is_caught(owner_engine: Engine, case: str) -> None:
    ddl, expected = BAD_CATALOGUE[case]
    with owner_engine.connect() as conn, conn.begin() as tx:
        for statement in ddl.split(";"):
            conn.execute(text(statement))
        problems = audit(conn)
        tx.rollback()
    assert problems == [expected]


def test_security_definer_functions_are_not_for_public_nor_other_roles(
    owner_engine: Engine,
) -> None:
    with owner_engine.connect() as conn, conn.begin() as tx:
        conn.execute(text("CREATE ROLE kinerja_test_nobody LOGIN"))
        allowed = conn.execute(
            text(
                "SELECT has_function_privilege(:r, 'kinerja_user_memberships(bigint)', 'EXECUTE')"
            ),
            {"r": "kinerja_test_nobody"},
        ).scalar()
        app_allowed = conn.execute(
            text(
                "SELECT has_function_privilege(:r, 'kinerja_user_memberships(bigint)', 'EXECUTE')"
            ),
            {"r": APP_ROLE},
        ).scalar()
        tx.rollback()
    assert allowed is False and app_allowed is True


def test_models_and_migrated_schema_do_not_drift(owner_engine: Engine) -> None:
    from kinerja.db.catalog import audit_metadata
    from kinerja.models import Base

    with owner_engine.connect() as conn:
        assert audit_metadata(conn, Base.metadata) == []


def test_drift_and_a_tenant_column_outside_the_tenant_base_are_caught(
    owner_engine: Engine,
) -> None:
    from sqlalchemy import Column, Integer, MetaData, Table

    from kinerja.db.catalog import audit_metadata, untenanted_mappings
    from kinerja.models import Base

    extra = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(extra)
    Table("t_missing", extra, Column("id", Integer, primary_key=True))
    with owner_engine.connect() as conn:
        problems = audit_metadata(conn, extra)
    assert problems and all("t_missing" in p for p in problems)

    class Mapper:  # stands for a mapper: a class and its columns
        class_ = type("Sneaky", (), {})
        columns = {"id": None, "tenant_id": None}

    assert untenanted_mappings([Mapper]) == [
        "Sneaky: has tenant_id but does not inherit TenantOwned"
    ]


def test_migrations_run_with_an_owner_that_is_not_a_superuser(pg_server: str) -> None:
    """The owner needs CREATEROLE and its own database, never SUPERUSER (docs/tenancy.md)."""
    import uuid

    import psycopg

    from tests.support import Database, _url, drop_database

    name = f"kinerja_test_{uuid.uuid4().hex[:10]}"
    owner = f"kinerja_owner_{uuid.uuid4().hex[:6]}"
    app_role = f"kinerja_app_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(_url(pg_server, "postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{owner}" LOGIN CREATEROLE NOSUPERUSER')
        conn.execute(f'CREATE DATABASE "{name}" OWNER "{owner}"')
    db = Database(name, _url(pg_server, name, owner), _url(pg_server, name, app_role))
    try:
        with psycopg.connect(_url(pg_server, name), autocommit=True) as conn:
            conn.execute(f'ALTER SCHEMA public OWNER TO "{owner}"')
        migrate.upgrade(db.owner_url, db.app_url, app_role)
        migrate.upgrade(db.owner_url, db.app_url, app_role)  # re-runs without a superuser
        engine = make_engine(db.owner_url)
        with engine.connect() as conn:
            assert audit(conn) == []
            assert audit_app_role(conn, app_role) == []
        engine.dispose()
    finally:
        drop_database(pg_server, db)
        with psycopg.connect(_url(pg_server, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP ROLE IF EXISTS "{app_role}"')
            conn.execute(f'DROP ROLE IF EXISTS "{owner}"')


def test_plugin_branches_are_migrated_and_audited_like_the_core(owner_engine: Engine) -> None:
    """The Dinas Kesehatan plugin ships its own Alembic branch: upgraded with the core's heads,
    its table follows the tenancy rules (the catalogue audit walks it like any other)."""
    with owner_engine.connect() as conn:
        forced = conn.execute(
            text("SELECT relforcerowsecurity FROM pg_class WHERE relname = 'dinkes_puskesmas'")
        ).scalar()
        heads = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
        assert audit(conn) == []
    assert forced is True
    assert "dk0001" in heads  # the core's head is its dependency, so Alembic keeps this one


def test_importing_kinerja_models_alone_registers_every_migrated_table(
    owner_engine: Engine,
) -> None:
    """An Alembic autogenerate sees only what `import kinerja.models` registers: a table it
    missed would be proposed for dropping. A fresh interpreter, so nothing else imported first."""
    import json
    import subprocess
    import sys

    from sqlalchemy import text

    program = (
        "import json, importlib.metadata as md, kinerja.models as m\n"
        "core = sorted(m.Base.metadata.tables)\n"
        "for point in md.entry_points(group='kinerja.plugins'): point.load()\n"
        "print(json.dumps([core, sorted(m.Base.metadata.tables)]))\n"
    )
    listed = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    core, with_plugins = (set(names) for names in json.loads(listed.stdout))
    with owner_engine.connect() as conn:
        migrated = set(
            conn.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            ).scalars()
        )
    # Every migrated table is the core's, registered by kinerja.models alone, or a plugin's.
    assert migrated - core <= with_plugins - core
    assert migrated <= with_plugins and len(core) > 40


def test_deployments_provisioning_one_role_at_once_all_succeed(owner_engine: Engine) -> None:
    """Roles are the server's: several upgrades (two deployments, the suite's processes) may
    create the application role at the same moment; each one's upgrade goes through and the
    role exists once, as powerless as ever."""
    import threading
    import uuid

    role = f"kinerja_race_{uuid.uuid4().hex[:6]}"
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def provision() -> None:
        with owner_engine.begin() as conn:
            barrier.wait()
            try:
                migrate._ensure_role(conn, role, None)
            except BaseException as error:  # the answer the test shows
                errors.append(error)

    threads = [threading.Thread(target=provision) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert errors == []
        with owner_engine.connect() as conn:
            flags = conn.execute(
                text(
                    "SELECT rolcanlogin, rolsuper, rolcreaterole FROM pg_roles WHERE rolname = :r"
                ),
                {"r": role},
            ).all()
        assert flags == [(True, False, False)]
    finally:
        with owner_engine.begin() as conn:
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
