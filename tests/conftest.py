"""Fixtures: real PostgreSQL and Redis (the CI services, or embedded ones), one app per session.

KINERJA_TEST_DATABASE_URL names a PostgreSQL server and a superuser (any database on it): the
suite creates its own databases there and drops them afterwards. KINERJA_TEST_REDIS_URL names a
Redis database that the suite FLUSHES between tests. Without them, embedded servers start.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from redis import Redis
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from kinerja.app import create_app
from kinerja.db import make_engine, migrate
from kinerja.embedded import remove
from tests import idp_support
from tests.support import (  # noqa: F401 - tests import these through conftest too
    APP_ROLE,
    OPERATOR_TOKEN,
    PASSWORD,
    WORKER,
    Database,
    People,
    Tenants,
    _url,
    add_units,
    app_config,
    build_people,
    create_database,
    csrf_token,
    drop_database,
    insert_tenant,
    machine_wide,
    sign_in,
    sso_config,
)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A superuser URL of a PostgreSQL server."""
    given = os.environ.get("KINERJA_TEST_DATABASE_URL")
    if given:
        yield given
        return
    from kinerja.embedded import EmbeddedPostgres

    folder = Path(tempfile.mkdtemp(prefix="kinerja-test-pg-"))
    server = EmbeddedPostgres(folder)
    url = server.start()
    yield url
    server.stop()
    remove(folder)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    given = os.environ.get("KINERJA_TEST_REDIS_URL")
    if given:
        yield _worker_database(given)
        return
    from kinerja.embedded import EmbeddedRedis

    folder = Path(tempfile.mkdtemp(prefix="kinerja-test-redis-"))
    server = EmbeddedRedis(folder)
    url = server.start()
    yield url
    server.stop()
    remove(folder)


def _worker_database(url: str) -> str:
    """The given Redis database for the first process, the ones below it for the others
    (15, 14, 13 …): the suite flushes its database between tests."""
    parsed = make_url(url)
    base = int(parsed.database or 0)
    if base < WORKER:
        raise pytest.UsageError(
            f"KINERJA_TEST_REDIS_URL: database {base} leaves no room for "
            f"worker {WORKER}; name a higher one (e.g. /15)"
        )
    return parsed.set(database=str(base - WORKER)).render_as_string(hide_password=False)


@pytest.fixture
def fresh_database(pg_server: str) -> Iterator[Database]:
    """An empty database of its own, for migration tests."""
    db = create_database(pg_server)
    yield db
    drop_database(pg_server, db)


@pytest.fixture(scope="session")
def database(pg_server: str) -> Iterator[Database]:
    """The suite's database, migrated to head, with the application role provisioned."""
    db = create_database(pg_server)
    with machine_wide("roles"):  # the application role is the server's, shared by the processes
        migrate.upgrade(db.owner_url, db.app_url, APP_ROLE)
    yield db
    drop_database(pg_server, db)


@pytest.fixture(scope="session")
def owner_engine(database: Database) -> Iterator[Engine]:
    engine = make_engine(database.owner_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def app_engine(database: Database) -> Iterator[Engine]:
    """Raw connections as the application role, for the database half of isolation."""
    engine = make_engine(database.app_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def _session_app(database: Database, redis_url: str) -> Flask:
    return create_app(app_config(database, redis_url))


_EMPTYING: dict[str, str] = {}  # database URL -> the statement that empties it


def _emptying(conn: Any) -> str:
    """One statement that deletes every row and restarts every identity. DELETE with the
    foreign-key triggers off (replica role) costs next to nothing on the few rows a test
    leaves; TRUNCATE made new files for every table and index, twice a test (about nine tenths
    of a database test's time went there)."""
    tables = conn.execute(
        text(
            "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version' ORDER BY tablename"
        )
    ).scalars()
    sequences = conn.execute(
        text(
            "SELECT quote_ident(sequencename), coalesce(start_value, 1) FROM pg_sequences "
            "WHERE schemaname = 'public' ORDER BY sequencename"
        )
    ).all()
    deletes = [f"DELETE FROM {t}" for t in tables]
    restarts = [f"SELECT setval('{name}', {start}, false)" for name, start in sequences]
    return "; ".join(deletes + restarts)


def _reset(owner_engine: Engine, redis_url: str) -> None:
    with owner_engine.begin() as conn:
        # A test that leaks an open transaction must fail loudly, not hang the suite.
        conn.execute(text("SET LOCAL lock_timeout = '10s'"))
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        key = str(owner_engine.url)
        if key not in _EMPTYING:
            _EMPTYING[key] = _emptying(conn)
        conn.exec_driver_sql(_EMPTYING[key])
    Redis.from_url(redis_url).flushdb()


@pytest.fixture
def app(_session_app: Flask, owner_engine: Engine, redis_url: str) -> Iterator[Flask]:
    """The app, with an empty database, Redis and evidence folder for every test (emptied
    before each test, so whatever a test leaves is gone before the next one looks)."""
    _reset(owner_engine, redis_url)
    shutil.rmtree(_session_app.config["STORAGE_DIR"], ignore_errors=True)
    with _session_app.app_context():
        yield _session_app


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture
def tenants(app: Flask, owner_engine: Engine) -> Tenants:
    """Two active agencies and a suspended one, with units made by the organisation service
    (A: 2, B: 3, the suspended one: 1)."""
    a = insert_tenant(owner_engine, "dinkes", "Dinas Kesehatan")
    b = insert_tenant(owner_engine, "disdik", "Dinas Pendidikan")
    c = insert_tenant(owner_engine, "dishub", "Dinas Perhubungan", status="suspended")
    found = Tenants(a, b, c)
    found.units.update(add_units(a, ["A-TOP", "A-SUB"]))
    found.units.update(add_units(b, ["B-TOP", "B-SUB1", "B-SUB2"]))
    found.units.update(add_units(c, ["C-TOP"]))
    return found


@pytest.fixture
def operator() -> dict[str, str]:
    # English, so assertions read the source messages; Indonesian is the default (tested apart).
    return {"Authorization": f"Bearer {OPERATOR_TOKEN}", "Accept-Language": "en"}


@pytest.fixture
def people(tenants: Tenants) -> People:
    """Units, accounts, employees and roles, built through the services (see tests/support.py)."""
    return build_people(tenants)


# --- single sign-on: the test OIDC provider and an app configured for it -----------------------
@pytest.fixture(scope="session")
def base_url() -> str:
    return f"http://127.0.0.1:{idp_support.free_port()}"


@pytest.fixture(scope="session")
def idp(base_url: str) -> Iterator[idp_support.Idp]:
    provider = idp_support.start_idp(base_url)
    yield provider
    provider.process.terminate()
    try:
        provider.process.wait(10)
    except subprocess.TimeoutExpired:
        provider.process.kill()
        provider.process.wait()


@pytest.fixture(scope="session")
def _sso_app(database, redis_url, idp: idp_support.Idp, base_url: str) -> Flask:
    return create_app(app_config(database, redis_url, **sso_config(idp, base_url)))


@pytest.fixture
def sso_app(_sso_app: Flask, app: Flask) -> Iterator[Flask]:  # `app` empties the database
    with _sso_app.app_context():
        yield _sso_app


# --- Medan's midnight as a server in UTC lives it ----------------------------------------------
# New Year's Day 2027 in Medan while UTC still says 31 December 2026: the day, the month and the
# year all differ. A test opts in with `@pytest.mark.usefixtures("medan_clock")` and runs at both
# moments. Only this process travels: PostgreSQL's now() keeps the real time.
MEDAN_CLOCKS = {
    "0030WIB": datetime(2026, 12, 31, 17, 30, tzinfo=UTC),  # just past Medan's midnight
    "0630WIB": datetime(2026, 12, 31, 23, 30, tzinfo=UTC),  # 23:30 on the server's clock
}


@pytest.fixture(params=list(MEDAN_CLOCKS.values()), ids=list(MEDAN_CLOCKS))
def medan_clock(request: pytest.FixtureRequest) -> Iterator[datetime]:
    import time_machine

    with time_machine.travel(request.param, tick=True):
        yield request.param
