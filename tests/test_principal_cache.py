"""The principal cache (`identity/cache.py`): a change made through one worker is seen by the
next request of every other worker, and a request whose agency and principal did not change
asks the database nothing for them.

Two workers are two apps built by `create_app` on the same database and Redis: the `app`
fixture (worker A, where the changes are made) and `worker_b` (where the requests go, its
cache warmed first). Each scenario returns what B answered after the change, so the test that
breaks the version bump can show the scenarios then see stale answers."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask, g
from sqlalchemy import event, select

from kinerja.app import create_app
from kinerja.db import db
from kinerja.identity import cache, users
from kinerja.identity import tokens as token_service
from kinerja.identity.models import ApiToken, User
from kinerja.tenancy.models import Tenant
from tests.support import Database, People, Tenants, app_config, sign_in

API = "/api/v1/tenants/dinkes"
UNITS = f"{API}/units"
# What the pipeline reads for the agency and the principal when it asks the database.
PRINCIPAL_TABLES = ("FROM tenant", "app_user", "membership", "api_token", "FROM employee")


@pytest.fixture(scope="module")
def _worker_b(database: Database, redis_url: str) -> Flask:
    other = create_app(app_config(database, redis_url))
    other.config["SEEN"] = []

    @other.after_request
    def _keep(response: Any) -> Any:  # whom B took the request for
        other.config["SEEN"].append(g.get("principal"))
        return response

    return other


@pytest.fixture
def worker_b(app: Flask, _worker_b: Flask) -> Flask:  # `app` (worker A) empties both stores
    _worker_b.config["SEEN"].clear()
    return _worker_b


def issue(tenant_id: int, user_id: int, role: str = "pegawai") -> str:
    with db.unit_of_work(tenant_id) as session:
        return token_service.issue(session, tenant_id, user_id, role, "test", 30).token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


class Statements:
    """The SQL one app sends, as SQLAlchemy executes it."""

    def __init__(self, app: Flask) -> None:
        self.engine = app.extensions["kinerja.db"].engine
        self.sent: list[str] = []

    def _note(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.sent.append(statement)

    def __enter__(self) -> Statements:
        event.listen(self.engine, "before_cursor_execute", self._note)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._note)

    def about_principal(self) -> list[str]:
        return [s for s in self.sent if any(t in s for t in PRINCIPAL_TABLES)]


def warm(client: Any, headers: dict[str, str] | None = None, path: str = UNITS) -> None:
    """Two requests: the first fills the cache (and learns the agency's id), the second hits."""
    for _ in range(2):
        assert client.get(path, headers=headers or {}).status_code == 200


def patch_employee(client: Any, employee_id: int, headers: dict[str, str], **data: Any) -> int:
    url = f"{API}/employees/{employee_id}"
    etag = client.get(url, headers=headers).headers["ETag"]
    return int(client.patch(url, headers={**headers, "If-Match": etag}, json=data).status_code)


# --- the scenarios: a change through A, the next request through B ---------------------------
def role_revoked(app: Flask, b: Flask, tenants: Tenants, people: People) -> int:
    with db.unit_of_work(tenants.a) as session:
        users.ensure_membership(session, people.users["staff"], "admin_opd")
    staff, admin = (
        issue(tenants.a, people.users["staff"], "admin_opd"),
        issue(tenants.a, people.users["admin"], "admin_opd"),
    )
    client_b = b.test_client()
    warm(client_b, bearer(staff), f"{API}/memberships")
    gone = app.test_client().delete(
        f"{API}/memberships/{people.users['staff']}/admin_opd", headers=bearer(admin)
    )
    assert gone.status_code == 204
    return int(client_b.get(f"{API}/memberships", headers=bearer(staff)).status_code)


def token_revoked(app: Flask, b: Flask, tenants: Tenants, people: People) -> int:
    staff = issue(tenants.a, people.users["staff"])
    client_b = b.test_client()
    warm(client_b, bearer(staff))
    client_a = app.test_client()
    own = client_a.get(f"{API}/tokens", headers=bearer(staff)).get_json()
    assert client_a.delete(f"{API}/tokens/{own[0]['id']}", headers=bearer(staff)).status_code == 204
    return int(client_b.get(UNITS, headers=bearer(staff)).status_code)


def employee_deactivated(app: Flask, b: Flask, tenants: Tenants, people: People) -> int:
    """A browser session this time (the cookie's principal): the employee leaves the agency."""
    client_b = b.test_client()
    assert sign_in(client_b, "staff").status_code == 303
    warm(client_b, path="/t/dinkes/")
    admin = issue(tenants.a, people.users["admin"], "admin_opd")
    assert patch_employee(app.test_client(), people.staff, bearer(admin), active=False) == 200
    return int(client_b.get("/t/dinkes/").status_code)


def user_deactivated(app: Flask, b: Flask, tenants: Tenants, people: People) -> int:
    staff = issue(tenants.a, people.users["staff"])
    client_b = b.test_client()
    warm(client_b, bearer(staff))
    with db.unit_of_work() as session:  # no page does it: the account is closed by hand
        user = session.get(User, people.users["staff"])
        assert user is not None
        user.active = False
    return int(client_b.get(UNITS, headers=bearer(staff)).status_code)


def membership_removed(app: Flask, b: Flask, tenants: Tenants, people: People) -> int:
    client_b = b.test_client()
    assert sign_in(client_b, "peer").status_code == 303
    warm(client_b, path="/t/dinkes/")
    with db.unit_of_work(tenants.a) as session:
        users.leave(session, people.users["peer"])
    return int(client_b.get("/t/dinkes/").status_code)


def tenant_suspended(app: Flask, b: Flask, tenants: Tenants, people: People) -> int:
    staff = issue(tenants.a, people.users["staff"])
    client_b = b.test_client()
    warm(client_b, bearer(staff))
    with db.unit_of_work() as session:  # as `kinerja tenants sync` does from the catalogue
        agency = session.scalar(select(Tenant).where(Tenant.slug == "dinkes"))
        assert agency is not None
        agency.status = "suspended"
    return int(client_b.get(UNITS, headers=bearer(staff)).status_code)


Scenario = Callable[[Flask, Flask, Tenants, People], int]
SCENARIOS: list[tuple[Scenario, int]] = [
    (role_revoked, 404),  # memberships are the admin's: a pegawai finds nothing there
    (token_revoked, 401),
    (employee_deactivated, 404),  # no role left in the agency
    (user_deactivated, 401),
    (membership_removed, 404),
    (tenant_suspended, 404),
]


@pytest.mark.parametrize(("scenario", "after"), SCENARIOS, ids=[s.__name__ for s, _ in SCENARIOS])
def test_the_next_request_in_another_worker_sees_the_change(
    app: Flask, worker_b: Flask, tenants: Tenants, people: People, scenario: Scenario, after: int
) -> None:
    assert scenario(app, worker_b, tenants, people) == after


def test_a_moved_superior_decides_at_once_and_the_old_one_no_longer(
    app: Flask, worker_b: Flask, tenants: Tenants, people: People
) -> None:
    boss, peer = issue(tenants.a, people.users["boss"]), issue(tenants.a, people.users["peer"])
    admin = issue(tenants.a, people.users["admin"], "admin_opd")
    client_b, staff_record = worker_b.test_client(), f"{API}/employees/{people.staff}"
    warm(client_b, bearer(boss), staff_record)
    warm(client_b, bearer(peer))
    seen = worker_b.config["SEEN"]
    assert people.staff in seen[-3].decides_for and people.staff not in seen[-1].decides_for

    moved = patch_employee(app.test_client(), people.staff, bearer(admin), superior_id=people.peer)
    assert moved == 200
    assert client_b.get(staff_record, headers=bearer(peer)).status_code == 200
    assert people.staff in seen[-1].decides_for and people.staff in seen[-1].subordinate_ids
    assert client_b.get(staff_record, headers=bearer(boss)).status_code == 404
    assert people.staff not in seen[-1].decides_for


def test_breaking_the_bump_leaves_every_worker_stale(
    app: Flask, worker_b: Flask, tenants: Tenants, people: People, monkeypatch: Any
) -> None:
    """The scenarios above depend on the version bump: without it B answers as before."""
    monkeypatch.setattr(cache.State, "bump", lambda self, keys: None)
    assert role_revoked(app, worker_b, tenants, people) == 200
    assert token_revoked(app, worker_b, tenants, people) == 200


def test_a_cache_hit_asks_the_database_nothing_for_the_agency_or_the_principal(
    app: Flask, worker_b: Flask, tenants: Tenants, people: People
) -> None:
    staff = issue(tenants.a, people.users["staff"])
    client_b = worker_b.test_client()
    with Statements(worker_b) as cold:
        assert client_b.get(UNITS, headers=bearer(staff)).status_code == 200
    assert len(cold.about_principal()) >= 4  # agency, token, user, roles, employee …
    with Statements(worker_b) as warm_:
        for _ in range(3):
            assert client_b.get(UNITS, headers=bearer(staff)).status_code == 200
    assert warm_.about_principal() == []
    assert not [s for s in warm_.sent if s.lstrip().upper().startswith("UPDATE")]  # last use
    assert worker_b.config["SEEN"][-1].roles == frozenset({"pegawai"})


def test_a_token_past_its_expiry_is_refused_from_the_cache(
    app: Flask, worker_b: Flask, tenants: Tenants, people: People
) -> None:
    staff = issue(tenants.a, people.users["staff"])
    with db.unit_of_work(tenants.a) as session:
        record = session.scalar(
            select(ApiToken).where(ApiToken.token_hash == token_service.hash_token(staff))
        )
        assert record is not None
        record.expires_at = datetime.now(UTC) + timedelta(seconds=1.5)
    client_b = worker_b.test_client()
    warm(client_b, bearer(staff))
    time.sleep(1.6)
    with Statements(worker_b) as sent:
        assert client_b.get(UNITS, headers=bearer(staff)).status_code == 401
    assert sent.about_principal() == []  # refused by the cached expiry, not by a lookup


def test_the_last_use_is_written_once_a_minute_and_bumps_nothing(
    app: Flask, worker_b: Flask, tenants: Tenants, people: People, redis_url: str
) -> None:
    from redis import Redis

    staff = issue(tenants.a, people.users["staff"])
    client_b = worker_b.test_client()
    warm(client_b, bearer(staff))
    version = Redis.from_url(redis_url).get(f"kinerja:authz:v:{tenants.a}")
    with db.unit_of_work(tenants.a) as session:
        used = session.scalar(select(ApiToken.last_used_at))
    assert used is not None and datetime.now(UTC) - used < timedelta(minutes=1)
    # Past the minute (as the cache remembers it): one more write, and the cache still holds.
    with db.unit_of_work(tenants.a) as session:
        token_service.touch(session, session.scalar(select(ApiToken.id)), used - timedelta(hours=1))
    assert Redis.from_url(redis_url).get(f"kinerja:authz:v:{tenants.a}") == version


def test_without_redis_every_request_reads_the_database_and_one_warning_says_so(
    database: Database, redis_url: str, tenants: Tenants, people: People, caplog: Any
) -> None:
    dead = create_app(app_config(database, "redis://127.0.0.1:1/0"))
    client = dead.test_client()
    with caplog.at_level(logging.WARNING, logger="kinerja.identity.cache"):
        with dead.app_context():
            staff = issue(tenants.a, people.users["staff"])
            revoked = issue(tenants.a, people.users["peer"])
        for _ in range(3):
            assert client.get(UNITS, headers=bearer(staff)).status_code == 200
        assert client.get(UNITS, headers=bearer(revoked)).status_code == 200
        with dead.app_context(), db.unit_of_work(tenants.a) as session:
            mine = ApiToken.token_hash == token_service.hash_token(revoked)
            token_service.revoke(session, session.scalars(select(ApiToken).where(mine)).one())
        assert client.get(UNITS, headers=bearer(revoked)).status_code == 401
    warnings = [r for r in caplog.records if r.name == "kinerja.identity.cache"]
    assert len([r for r in warnings if r.levelno == logging.WARNING]) == 1
    # The bumps it could not send are owed, and go out with the first read that reaches Redis.
    state: cache.State = dead.extensions["kinerja.authz_cache"]
    assert f"kinerja:authz:v:{tenants.a}" in state.owed
    with dead.app_context():
        db.engine.dispose()


def test_bulk_core_and_raw_writes_are_noted_and_a_rollback_forgets_them(
    app: Flask, tenants: Tenants, people: People
) -> None:
    """Writes that skip the flush still move the versions; writes that change nobody's rights
    (a token's last use, an employee's name) do not."""
    from sqlalchemy import text, update

    from kinerja.identity import versions
    from kinerja.people.models import Employee

    session = db.new_session(tenants.a)
    try:
        table = Employee.__table__
        session.execute(
            update(table).where(table.c.id == people.staff).values(superior_id=people.head)
        )
        assert session.info[versions.PENDING] == {versions.tenant_version(tenants.a)}
        session.rollback()
        assert versions.PENDING not in session.info  # rolled back: nothing to tell
        session.execute(update(ApiToken).values(last_used_at=None))
        session.execute(update(Employee).where(Employee.id == people.staff).values(name="x"))
        assert versions.PENDING not in session.info
        session.execute(text("UPDATE membership SET role = 'pegawai' WHERE false"))
        assert session.info[versions.PENDING] == {versions.GLOBAL}
    finally:
        session.rollback()
        session.close()


def test_a_restored_database_is_not_hidden_by_the_cache_after_db_check(
    app: Flask, worker_b: Flask, tenants: Tenants, people: People, database: Database
) -> None:
    """Rows replaced under a running Redis (a restore, here a raw write no session event saw)
    stay hidden by the cache until `kinerja db check`, the step after a restore, forgets every
    cached agency and principal."""
    import psycopg

    staff = issue(tenants.a, people.users["staff"])
    client_b = worker_b.test_client()
    warm(client_b, bearer(staff))
    with psycopg.connect(database.owner_url) as conn:  # the staff's token is not in the backup
        conn.execute("DELETE FROM api_token WHERE user_id = %s", (people.users["staff"],))
    assert client_b.get(UNITS, headers=bearer(staff)).status_code == 200  # stale: the cache
    from kinerja.cli import cli

    done = app.test_cli_runner().invoke(cli, ["db", "check"])
    assert done.exit_code == 0, done.output
    assert "cached agencies and principals forgotten" in done.output
    assert client_b.get(UNITS, headers=bearer(staff)).status_code == 401
