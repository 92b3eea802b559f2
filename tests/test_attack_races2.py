"""More of the agency's writes attacked with concurrent identical or conflicting requests (an
employee edited from many tabs, an API token revoked by several clicks, …), in the manner of
`tests/test_attack_races.py`: of conflicting requests exactly one wins, an update naming an ETag
another one has just made stale gets 412, nothing is written or audited twice, and none of them
gets a 500."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select

from kinerja.audit.models import AuditEntry
from kinerja.db import db
from kinerja.identity import tokens
from kinerja.identity.models import ApiToken
from kinerja.jobs import runner
from kinerja.jobs.models import BackgroundJob
from kinerja.people import imports
from kinerja.people.models import Employee
from tests.support import at_once, csrf_token, sign_in
from tests.test_attack_races import admin as admin
from tests.test_attack_races import one_wins, with_one_if_match
from tests.test_concurrency import codes, count
from tests.test_import import GOOD, to_csv

API = "/api/v1/tenants/dinkes"
N = 12


@contextmanager
def row_held(app: Any, tenant_id: int, model: Any, row_id: int, seconds: float = 1.0) -> Iterator:
    """Another transaction holds the row for `seconds` (a slow request, a job): every request
    of the burst reads it and decides while it is held, and writes only once it is let go. A
    decision taken on what was read before the row lock (not under it) is then taken by all of
    them on the same version, however quickly the machine runs them."""
    holding, done = threading.Event(), threading.Event()

    def hold() -> None:
        with app.app_context(), db.unit_of_work(tenant_id) as session:
            session.scalar(select(model).where(model.id == row_id).with_for_update())
            holding.set()
            done.wait(seconds)

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait(10)
    timer = threading.Timer(seconds, done.set)
    timer.start()
    try:
        yield
    finally:
        done.set()
        timer.cancel()
        thread.join(30)


def signed_in_as(app: Any, login: str) -> tuple[Any, str]:
    """A browser signed in as `login`: its session cookie and a CSRF token of its forms."""
    browser = app.test_client()
    sign_in(browser, login)
    return browser.get_cookie("kinerja_session"), csrf_token(browser, "/t/dinkes/tokens")


def as_browser(cookie: Any, send: Any) -> Any:
    """`send(client)` from another tab of the browser whose session is `cookie`."""

    def call(c: Any) -> Any:
        c.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
        return send(c)

    return call


# --- people ------------------------------------------------------------------------------------
def test_an_employee_edited_with_one_if_match_one_wins_the_rest_412(
    app, client, people, tenants, admin
) -> None:
    url = f"{API}/employees/{people.staff}"
    bodies = [{"name": f"Pegawai {n}"} for n in range(N)]
    with row_held(app, tenants.a, Employee, people.staff):
        answers = with_one_if_match(app, client, "patch", url, admin, bodies)
    winner = one_wins(answers)
    assert client.get(url, headers=admin).get_json()["name"] == winner["name"]
    updates = AuditEntry.action == "employee.update"
    assert count(tenants.a, AuditEntry, updates) == 1


# --- API tokens --------------------------------------------------------------------------------
def test_a_token_revoked_by_many_clicks_is_revoked_and_audited_once(app, people, tenants) -> None:
    with db.unit_of_work(tenants.a) as session:
        made = tokens.issue(session, tenants.a, people.users["staff"], "pegawai", "sensor", 30)
        token_id = made.record.id
    cookie, csrf = signed_in_as(app, "staff")
    url = f"/t/dinkes/tokens/{token_id}/revoke"
    revoke = as_browser(cookie, lambda c: c.post(url, data={"csrf_token": csrf, "confirmed": "1"}))
    with row_held(app, tenants.a, ApiToken, token_id):
        answers = at_once(app, [revoke] * N)
    assert codes(answers) == {303: N}
    with db.unit_of_work(tenants.a) as session:
        revoked = session.scalar(select(ApiToken.revoked_at).where(ApiToken.id == token_id))
    assert revoked is not None
    assert count(tenants.a, AuditEntry, AuditEntry.action == "token.revoke") == 1


# --- imports -----------------------------------------------------------------------------------
def test_one_employee_file_imported_twice_at_once_is_applied_once(app, people, tenants) -> None:
    content = to_csv(GOOD)
    with db.unit_of_work(tenants.a) as session:
        uploads = [
            imports.create(session, "pegawai.csv", content, dry_run=False, user_id=None, push=False)
            for _ in range(2)
        ]
        started = [(str(u.job_id), u.id) for u in uploads]

    def worker(job_id: str, upload_id: int) -> Any:
        """What a worker runs for the upload's job (two workers take the two jobs at once)."""

        def call(_client: Any) -> Any:
            with app.app_context():
                name = "kinerja.people.imports.run_job"
                return runner.run(job_id, tenants.a, name, [upload_id], {}, None)

        return call

    results = at_once(app, [worker(*s) for s in started])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert [r["status"] for r in results] == ["applied", "applied"]
    # the second found what the first created: nothing twice
    made = sorted(r["created"] + r["units_created"] + r["positions_created"] for r in results)
    assert made[0] == 0 and made[1] > 0
    with db.unit_of_work(tenants.a) as session:
        states = session.scalars(select(BackgroundJob.status)).all()
    assert states == ["succeeded", "succeeded"]
