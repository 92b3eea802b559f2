"""Helpers for the tests: databases, configuration, signing in, and builders that create data
through the services (so fixtures follow the same rules, and write the same audit entries, as
the application). `conftest.py` holds only fixtures."""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import psycopg
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

APP_ROLE = "kinerja_test_app"
# `make test` runs the suite in several processes (pytest-xdist); each has its own database and
# Redis database. "gw3" -> 3; 0 when the suite runs in one process.
WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)


@contextmanager
def machine_wide(name: str) -> Iterator[None]:
    """Held by one test process of this machine at a time (a lock file), for what the processes
    share: the server's roles, and its connection slots during a burst of twenty requests."""
    path = os.path.join(tempfile.gettempdir(), f"kinerja-test-{name}.lock")
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


OPERATOR_TOKEN = "test-operator-token-0123456789"
PASSWORD = "correct horse battery"


# --- databases -----------------------------------------------------------------------------------
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


def create_database(server_url: str) -> Database:
    name = f"kinerja_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_url(server_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return Database(name, _url(server_url, name), _url(server_url, name, APP_ROLE))


def drop_database(server_url: str, db: Database) -> None:
    with psycopg.connect(_url(server_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')


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
        "DATABASE_POOL": 45,  # tests fire twenty requests at once, each may hold two
        "PLUGINS": "none",  # tests load no installed plugin unless they ask
        # Evidence files of the suite's processes, never in the checkout's var/.
        "STORAGE_DIR": os.path.join(tempfile.gettempdir(), f"kinerja-test-evidence-{os.getpid()}"),
    }
    config.update(extra)
    return config


def sso_config(idp: Any, base_url: str) -> dict[str, object]:
    return {
        "OIDC_ISSUER": idp.issuer,
        "OIDC_CLIENT_ID": idp.client_id,
        "OIDC_CLIENT_SECRET": idp.client_secret,
        "BASE_URL": base_url,
        "OIDC_ROLE_MAP": {"bkpsdm-admin": "admin_kota", "opd-admin": "admin_opd"},
    }


# --- browsers ------------------------------------------------------------------------------------
def csrf_token(client: Any, path: str = "/") -> str:
    """The CSRF token a page hands out, as a browser would read it from the form."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def put_if_match(
    client: Any, url: str, *, headers: dict[str, str], read: str | None = None, **kwargs: Any
) -> Any:
    """A PUT as a client makes it: with If-Match naming the ETag of the GET of `read` (the
    resource itself by default; a sub-resource names its parent). A GET that is refused gives
    no ETag: the PUT then names none that matches and gets the same refusal."""
    etag = client.get(read or url, headers=headers).headers.get("ETag", '"none"')
    return client.put(url, headers={**headers, "If-Match": etag}, **kwargs)


def sign_in(client: Any, login: str, password: str = PASSWORD, address: str = "127.0.0.1") -> Any:
    token = csrf_token(client, "/auth/login")
    return client.post(
        "/auth/local",
        data={"login": f"{login}@example.go.id", "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


# --- builders, through the services ------------------------------------------------------------------
@dataclass
class Tenants:
    a: int
    b: int
    suspended: int
    units: dict[str, int] = field(default_factory=dict)  # code -> id


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


def insert_tenant(
    engine: Engine, slug: str, name: str, kind: str = "dinas", status: str = "active"
) -> int:
    """Agencies are the catalogue's (global table); tests add them as `tenants sync` would."""
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


def add_units(tenant_id: int, codes: list[str]) -> dict[str, int]:
    """Work units, each under the first, created by the organisation service."""
    from kinerja.db import db
    from kinerja.organisation import service

    ids: dict[str, int] = {}
    with db.unit_of_work(tenant_id) as session:
        for code in codes:
            parent = next(iter(ids.values()), None)
            unit = service.create_unit(
                session, {"code": code, "name": f"Unit {code}", "parent_id": parent}, "system"
            )
            ids[code] = unit.id
    return ids


@cache
def password_hash() -> str:
    from kinerja.identity.passwords import hash_password

    return hash_password(PASSWORD)


def add_user(login: str, nip: str | None, city_admin: bool = False) -> int:
    """A local account (users are global; no service creates local accounts but the demo)."""
    from kinerja.db import db
    from kinerja.identity.models import User

    with db.unit_of_work() as session:
        user = User(
            display_name=login.title(),
            email=f"{login}@example.go.id",
            nip=nip,
            password_hash=password_hash(),
            is_city_admin=city_admin,
        )
        session.add(user)
        session.flush()
        return user.id


def add_employee(
    tenant_id: int,
    nip: str,
    name: str,
    superior: int | None,
    user_id: int | None,
    roles: tuple[str, ...] = (),
) -> int:
    """An employee through the people service; roles through the identity service (the
    pegawai role comes with the record, others are granted by hand)."""
    from kinerja.db import db
    from kinerja.identity import users
    from kinerja.identity.models import SOURCE_ADMIN, SOURCE_EMPLOYEE
    from kinerja.people import employees

    with db.unit_of_work(tenant_id) as session:
        employee = employees.create_employee(
            session,
            {
                "nip": nip,
                "name": name,
                "asn_type": "PNS",
                "golongan": "III/a",
                "superior_id": superior,
            },
        )
        if user_id is not None:
            employee.user_id = user_id
            for role in roles:
                source = SOURCE_EMPLOYEE if role == "pegawai" else SOURCE_ADMIN
                users.ensure_membership(session, user_id, role, source)
        session.flush()
        return employee.id


def build_people(tenants: Tenants) -> People:
    logins = {
        "admin": "198811202010011004",
        "boss": "198001152005012003",
        "staff": "198609262015051001",
        "peer": "199207082019032011",
        "outsider": "197001011990121001",
    }
    user_ids = {login: add_user(login, nip) for login, nip in logins.items()}
    user_ids["kota"] = add_user("kota", None, city_admin=True)
    a = tenants.a
    head = add_employee(a, "197503122000031002", "Kepala Dinas", None, None)
    superior = add_employee(a, logins["boss"], "Atasan", head, user_ids["boss"], ("pegawai",))
    staff = add_employee(a, logins["staff"], "Staf", superior, user_ids["staff"], ("pegawai",))
    peer = add_employee(a, logins["peer"], "Rekan", head, user_ids["peer"], ("pegawai",))
    add_employee(a, logins["admin"], "Admin OPD", head, user_ids["admin"], ("pegawai", "admin_opd"))
    other = add_employee(
        tenants.b,
        logins["outsider"],
        "Pegawai Disdik",
        None,
        user_ids["outsider"],
        ("pegawai", "admin_opd"),
    )
    return People(head, superior, staff, peer, other, user_ids, dict(tenants.units))


def plan_head_and_boss(tenants: Tenants, people: People, year: int) -> int:
    """Head and kepala bidang planned and approved (through the services); the boss's RHK id."""
    from kinerja.db import db
    from kinerja.people import employees
    from kinerja.performance import flow, plan, targets
    from kinerja.performance import skp as skps
    from kinerja.performance.inputs import RhkInput
    from kinerja.permissions import Principal

    a = tenants.a
    with db.unit_of_work(a) as session:
        target = targets.create(session, year, {"code": "SS1", "text": "Derajat kesehatan"})
        head = employees.get_employee(session, people.head)
        head_skp = skps.create(session, head, year)
        iki = {"text": "Cakupan", "aspect": "kuantitas", "target_low": "95", "unit": "%"}
        raw = {"text": "Imunisasi", "org_target_id": target.id, "iki": [iki]}
        head_rhk = plan.add_rhk(session, head_skp, RhkInput().read(raw))
        as_head = Principal(
            user_id=1, tenant_id=a, roles=frozenset({"pegawai"}), employee_id=head.id
        )
        admin = Principal(user_id=2, tenant_id=a, roles=frozenset({"admin_opd"}), employee_id=-1)
        flow.act(session, as_head, head_skp, "submit")
        flow.act(session, admin, head_skp, "approve")
        boss = employees.get_employee(session, people.superior)
        boss_skp = skps.create(session, boss, year)
        raw = {"text": "Imunisasi bidang", "parent_rhk_id": head_rhk.id, "iki": [iki]}
        boss_rhk = plan.add_rhk(session, boss_skp, RhkInput().read(raw))
        as_boss = Principal(
            user_id=3, tenant_id=a, roles=frozenset({"pegawai"}), employee_id=boss.id
        )
        as_boss_head = Principal(
            user_id=1, tenant_id=a, roles=frozenset({"pegawai"}), employee_id=head.id
        )
        flow.act(session, as_boss, boss_skp, "submit")
        flow.act(session, as_boss_head, boss_skp, "approve")
        return boss_rhk.id


def plan_staff(tenants: Tenants, people: People, year: int, boss_rhk: int) -> tuple[int, int]:
    """The staff's SKP from the boss's result, approved by the boss: (RHK id, IKI id)."""
    from kinerja.db import db
    from kinerja.people import employees
    from kinerja.performance import flow, plan
    from kinerja.performance import skp as skps
    from kinerja.performance.inputs import RhkInput
    from kinerja.permissions import Principal

    a = tenants.a
    with db.unit_of_work(a) as session:
        staff = employees.get_employee(session, people.staff)
        skp = skps.create(session, staff, year)
        iki = {"text": "Laporan", "aspect": "kuantitas", "target_low": "12", "unit": "laporan"}
        raw = {"text": "Laporan imunisasi", "parent_rhk_id": boss_rhk, "iki": [iki]}
        rhk = plan.add_rhk(session, skp, RhkInput().read(raw))
        owner = Principal(
            user_id=9, tenant_id=a, roles=frozenset({"pegawai"}), employee_id=staff.id
        )
        boss = Principal(
            user_id=8, tenant_id=a, roles=frozenset({"pegawai"}), employee_id=people.superior
        )
        flow.act(session, owner, skp, "submit")
        flow.act(session, boss, skp, "approve")
        iki_id = skps.iki_by_rhk(session, [rhk.id])[rhk.id][0].id
        return rhk.id, iki_id


def at_once(app: Any, calls: list[Any]) -> list[Any]:
    """Run each `call(client)` in its own thread, released together, each with its own test
    client (and so its own request, session and database connection); their answers in order."""

    # PostgreSQL's connection slots are the machine's: two processes' bursts at once could
    # exhaust them, so bursts take turns across the suite's processes.
    with machine_wide("burst"):
        return _at_once(app, calls)


def _at_once(app: Any, calls: list[Any]) -> list[Any]:
    import threading

    barrier = threading.Barrier(len(calls))
    answers: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        client = app.test_client()
        barrier.wait()
        try:
            answers[index] = calls[index](client)
        except Exception as error:  # an exception is an answer too: the test shows it
            answers[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return answers


def talent_refreshed(tenant_id: int) -> int:
    """What a maintenance round and a worker do for the agency's stored talent results
    (`competency.stored`): schedule the refresh the stale marks ask for, and run it. How many
    refresh jobs ran (0: nothing was stale)."""
    from rq import SimpleWorker

    from kinerja import clock, jobs
    from kinerja.competency import stored
    from kinerja.db import db

    with db.unit_of_work(tenant_id) as session:
        made = stored.schedule(session, tenant_id, clock.today())
    if made:
        SimpleWorker([jobs.queue()], connection=jobs.queue().connection).work(burst=True)
    return made
