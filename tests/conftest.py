"""Fixtures: real PostgreSQL and Redis (the CI services, or embedded ones), one app per session.

KINERJA_TEST_DATABASE_URL names a PostgreSQL server and a superuser (any database on it): the
suite creates its own databases there and drops them afterwards. KINERJA_TEST_REDIS_URL names a
Redis database that the suite FLUSHES between tests. Without them, embedded servers start.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from flask import Flask
from redis import Redis
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from kinerja.app import create_app
from kinerja.db import make_engine, migrate
from kinerja.embedded import remove
from tests import idp_support

APP_ROLE = "kinerja_test_app"
OPERATOR_TOKEN = "test-operator-token-0123456789"


@dataclass
class Database:
    name: str
    owner_url: str  # superuser, the schema owner in tests
    app_url: str  # the unprivileged application role


def _url(server_url: str, database: str, user: str | None = None) -> str:
    url = make_url(server_url).set(drivername="postgresql", database=database)
    if user is not None:
        url = url.set(username=user, password=None)
    return url.render_as_string(hide_password=False)


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
        yield given
        return
    from kinerja.embedded import EmbeddedRedis

    folder = Path(tempfile.mkdtemp(prefix="kinerja-test-redis-"))
    server = EmbeddedRedis(folder)
    url = server.start()
    yield url
    server.stop()
    remove(folder)


def create_database(server_url: str) -> Database:
    name = f"kinerja_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_url(server_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return Database(name, _url(server_url, name), _url(server_url, name, APP_ROLE))


def drop_database(server_url: str, db: Database) -> None:
    with psycopg.connect(_url(server_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')


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


def app_config(database: Database, redis_url: str, **extra: object) -> dict[str, object]:
    config: dict[str, object] = {
        "DATABASE_URL": database.app_url,
        "DATABASE_OWNER_URL": database.owner_url,
        "DATABASE_APP_ROLE": APP_ROLE,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "test-secret-key-0123456789",
        "OPERATOR_TOKEN": OPERATOR_TOKEN,
        "JOB_RETRY_INTERVALS": [0, 0],  # retries at once, so a burst worker sees them
        "JOB_QUEUE": "kinerja_test",
        "LOG_FORMAT": "text",
        "LOCAL_LOGIN": True,
        "TESTING": True,
    }
    config.update(extra)
    return config


@pytest.fixture(scope="session")
def _session_app(database: Database, redis_url: str) -> Flask:
    return create_app(app_config(database, redis_url))


def _reset(owner_engine: Engine, redis_url: str) -> None:
    with owner_engine.begin() as conn:
        # A test that leaks an open transaction must fail loudly, not hang the suite.
        conn.execute(text("SET LOCAL lock_timeout = '10s'"))
        tables = (
            conn.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            )
            .scalars()
            .all()
        )
        if tables:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    Redis.from_url(redis_url).flushdb()


@pytest.fixture
def app(_session_app: Flask, owner_engine: Engine, redis_url: str) -> Iterator[Flask]:
    """The app, with an empty database and Redis for every test."""
    _reset(owner_engine, redis_url)
    with _session_app.app_context():
        yield _session_app
    _reset(owner_engine, redis_url)


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@dataclass
class Tenants:
    a: int
    b: int
    suspended: int


def insert_tenant(
    engine: Engine, slug: str, name: str, kind: str = "dinas", status: str = "active"
) -> int:
    with engine.begin() as conn:
        return int(
            conn.execute(
                text(
                    "INSERT INTO tenant (slug, name, kind, status) VALUES (:s, :n, :k, :st) "
                    "RETURNING id"
                ),
                {"s": slug, "n": name, "k": kind, "st": status},
            ).scalar_one()
        )


def insert_units(engine: Engine, tenant_id: int, codes: list[str]) -> list[int]:
    """Insert units as the owner (superuser: bypasses RLS), one under the other."""
    ids: list[int] = []
    with engine.begin() as conn:
        for code in codes:
            ids.append(
                int(
                    conn.execute(
                        text(
                            "INSERT INTO org_unit (tenant_id, parent_id, code, name) "
                            "VALUES (:t, :p, :c, :n) RETURNING id"
                        ),
                        {
                            "t": tenant_id,
                            "p": ids[0] if ids else None,
                            "c": code,
                            "n": f"Unit {code}",
                        },
                    ).scalar_one()
                )
            )
    return ids


@pytest.fixture
def tenants(app: Flask, owner_engine: Engine) -> Tenants:
    """Two active agencies with units (A: 2, B: 3) and a suspended one."""
    a = insert_tenant(owner_engine, "dinkes", "Dinas Kesehatan")
    b = insert_tenant(owner_engine, "disdik", "Dinas Pendidikan")
    c = insert_tenant(owner_engine, "dishub", "Dinas Perhubungan", status="suspended")
    insert_units(owner_engine, a, ["A-TOP", "A-SUB"])
    insert_units(owner_engine, b, ["B-TOP", "B-SUB1", "B-SUB2"])
    insert_units(owner_engine, c, ["C-TOP"])
    return Tenants(a, b, c)


@pytest.fixture
def operator() -> dict[str, str]:
    # English, so assertions read the source messages; Indonesian is the default (tested apart).
    return {"Authorization": f"Bearer {OPERATOR_TOKEN}", "Accept-Language": "en"}


def csrf_token(client, path: str = "/") -> str:
    """The CSRF token a page hands out, as a browser would read it from the form."""
    import re

    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


PASSWORD = "correct horse battery"


@dataclass
class People:
    """Tenant A (dinkes): head > superior > staff, and a peer under the head; tenant B: other."""

    head: int
    superior: int
    staff: int
    peer: int
    other: int  # employee in tenant B
    users: dict[str, int]  # login name -> user id
    units: dict[str, int]


def _hash() -> str:
    from kinerja.identity.passwords import hash_password

    global _PASSWORD_HASH
    if "_PASSWORD_HASH" not in globals():
        _PASSWORD_HASH = hash_password(PASSWORD)
    return _PASSWORD_HASH


@pytest.fixture
def people(tenants: Tenants, owner_engine: Engine) -> People:
    users: dict[str, int] = {}
    with owner_engine.begin() as conn:

        def user(login: str, nip: str | None, city_admin: bool = False) -> int:
            uid = int(
                conn.execute(
                    text(
                        "INSERT INTO app_user (display_name, email, nip, password_hash, is_city_admin) "
                        "VALUES (:n, :e, :nip, :h, :c) RETURNING id"
                    ),
                    {
                        "n": login.title(),
                        "e": f"{login}@example.go.id",
                        "nip": nip,
                        "h": _hash(),
                        "c": city_admin,
                    },
                ).scalar_one()
            )
            users[login] = uid
            return uid

        def member(tenant: int, uid: int, *roles: str) -> None:
            for role in roles:
                conn.execute(
                    text("INSERT INTO membership (tenant_id, user_id, role) VALUES (:t, :u, :r)"),
                    {"t": tenant, "u": uid, "r": role},
                )

        def employee(
            tenant: int, nip: str, name: str, superior: int | None, uid: int | None
        ) -> int:
            return int(
                conn.execute(
                    text(
                        "INSERT INTO employee (tenant_id, nip, name, asn_type, golongan, superior_id, "
                        "user_id) VALUES (:t, :nip, :n, 'PNS', 'III/a', :s, :u) RETURNING id"
                    ),
                    {"t": tenant, "nip": nip, "n": name, "s": superior, "u": uid},
                ).scalar_one()
            )

        admin = user("admin", "198811202010011004")
        boss = user("boss", "198001152005012003")
        staff_user = user("staff", "198609262015051001")
        peer_user = user("peer", "199207082019032011")
        outsider = user("outsider", "197001011990121001")
        user("kota", None, city_admin=True)
        member(tenants.a, admin, "pegawai", "admin_opd")
        member(tenants.a, boss, "pegawai")
        member(tenants.a, staff_user, "pegawai")
        member(tenants.a, peer_user, "pegawai")
        member(tenants.b, outsider, "pegawai", "admin_opd")
        head = employee(tenants.a, "197503122000031002", "Kepala Dinas", None, None)
        superior = employee(tenants.a, "198001152005012003", "Atasan", head, boss)
        staff = employee(tenants.a, "198609262015051001", "Staf", superior, staff_user)
        peer = employee(tenants.a, "199207082019032011", "Rekan", head, peer_user)
        employee(tenants.a, "198811202010011004", "Admin OPD", head, admin)
        other = employee(tenants.b, "197001011990121001", "Pegawai Disdik", None, outsider)
        units = {r.code: int(r.id) for r in conn.execute(text("SELECT code, id FROM org_unit"))}
    return People(head, superior, staff, peer, other, users, units)


def sign_in(client, login: str, password: str = PASSWORD, address: str = "127.0.0.1"):  # type: ignore[no-untyped-def]
    token = csrf_token(client, "/auth/login")
    return client.post(
        "/auth/local",
        data={"login": f"{login}@example.go.id", "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


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


def sso_config(idp: idp_support.Idp, base_url: str) -> dict[str, object]:
    return {
        "OIDC_ISSUER": idp.issuer,
        "OIDC_CLIENT_ID": idp.client_id,
        "OIDC_CLIENT_SECRET": idp.client_secret,
        "BASE_URL": base_url,
        "OIDC_ROLE_MAP": {"bkpsdm-admin": "admin_kota", "opd-admin": "admin_opd"},
    }


@pytest.fixture(scope="session")
def _sso_app(database, redis_url, idp: idp_support.Idp, base_url: str) -> Flask:
    return create_app(app_config(database, redis_url, **sso_config(idp, base_url)))


@pytest.fixture
def sso_app(_sso_app: Flask, app: Flask) -> Iterator[Flask]:  # `app` empties the database
    with _sso_app.app_context():
        yield _sso_app
