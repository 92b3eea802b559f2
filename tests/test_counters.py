"""What waits for whom, from counters the workflows keep (`performance.waiting`): after every
step of every workflow (submit, approve, reject, send back, a superior moved, a post left
vacant) each person's counts equal the real queries the lists use; the nightly check finds a
corrupted counter, says so and repairs it; parallel approvals keep the counter exact."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import select, text

from kinerja.db import db
from kinerja.identity.models import User
from kinerja.people import employees
from kinerja.performance import waiting
from kinerja.performance.waiting_models import WaitingCounter
from tests.support import at_once, put_if_match
from tests.test_concurrency import codes
from tests.test_evaluation_api import prepared
from tests.test_log_api import entry
from tests.test_skp_api import ok

API = "/api/v1/tenants/dinkes"


def real(app: Any, tenant_id: int, user_id: int) -> tuple[dict[str, int], dict[str, int]]:
    """(the counters' answer, the real queries' answer) for a user of the agency."""
    from kinerja.identity.principal import build
    from kinerja.performance import flow
    from kinerja.performance.evaluation import service as evaluations
    from kinerja.performance.log import service as log

    with app.test_request_context(), db.unit_of_work(tenant_id) as session:
        principal = build(session, session.get(User, user_id), tenant_id)
        counted = waiting.counts(session, principal)
        truth = {
            waiting.SKP: len(flow.waiting(session, principal)),
            waiting.ENTRY: log.waiting_count(session, principal),
            waiting.EVALUATION: len(evaluations.waiting(session, principal)),
        }
    return {k: counted.get(k, 0) for k in truth}, truth


def exact(app: Any, tenant_id: int, users: dict[str, int]) -> dict[str, dict[str, int]]:
    """Every user's counts, each asserted equal to the real queries; returned by login."""
    found = {}
    for login, user_id in users.items():
        counted, truth = real(app, tenant_id, user_id)
        assert counted == truth, login
        found[login] = counted
    return found


@pytest.fixture
def setup(people, tenants) -> dict[str, Any]:
    found = prepared(people, tenants)
    with db.unit_of_work(tenants.a) as session:
        head_user = session.scalar(
            text("SELECT user_id FROM employee WHERE id = :id"), {"id": people.head}
        )
    found["users"] = {
        "head": head_user,
        "boss": people.users["boss"],
        "staff": people.users["staff"],
        "peer": people.users["peer"],
        "admin": people.users["admin"],
    }
    return found


def _skp(client, who, skp_id, action, reason=None) -> Any:
    body = {"action": action} | ({"reason": reason} if reason else {})
    return ok(client.post(f"{API}/skp/{skp_id}/transitions", json=body, headers=who))


def test_skp_counts_follow_every_step(app, client, tenants, people, setup) -> None:
    who, users, skp = setup["who"], setup["users"], setup["skp"]
    assert exact(app, tenants.a, users)["boss"][waiting.SKP] == 0
    _skp(client, who["staff"], skp, "revise", "Target berubah")
    _skp(client, who["staff"], skp, "submit")
    assert exact(app, tenants.a, users)["boss"][waiting.SKP] == 1
    _skp(client, who["boss"], skp, "reject", "Perbaiki target")  # sent back
    assert exact(app, tenants.a, users)["boss"][waiting.SKP] == 0
    _skp(client, who["staff"], skp, "submit")
    _skp(client, who["staff"], skp, "withdraw")
    assert exact(app, tenants.a, users)["boss"][waiting.SKP] == 0
    _skp(client, who["staff"], skp, "submit")
    assert exact(app, tenants.a, users)["boss"][waiting.SKP] == 1
    _skp(client, who["boss"], skp, "approve")
    assert exact(app, tenants.a, users)["boss"][waiting.SKP] == 0


def test_a_moved_superior_or_a_vacant_post_moves_what_waits(app, client, tenants, people, setup):
    who, users, skp = setup["who"], setup["users"], setup["skp"]
    _skp(client, who["staff"], skp, "revise", "Target berubah")
    _skp(client, who["staff"], skp, "submit")
    assert exact(app, tenants.a, users)["boss"][waiting.SKP] == 1
    with db.unit_of_work(tenants.a) as session:  # the staff moves under the peer
        employees.get_employee(session, people.staff).superior_id = people.peer
    counts = exact(app, tenants.a, users)
    assert counts["boss"][waiting.SKP] == 0 and counts["peer"][waiting.SKP] == 1
    with db.unit_of_work(tenants.a) as session:  # the peer's post falls vacant: the head decides
        employees.get_employee(session, people.peer).active = False
    counts = exact(app, tenants.a, {k: v for k, v in users.items() if k != "peer"})
    assert counts["head"][waiting.SKP] == 1


def test_entry_counts_follow_submit_approve_and_reject(app, client, tenants, setup) -> None:
    who, users = setup["who"], setup["users"]
    year = {"rhk": setup["rhk"], "iki": setup["iki"]}
    made = [
        ok(
            client.post(
                f"{API}/entries", json=entry(year, activity=f"Kegiatan {n}"), headers=who["staff"]
            ),
            201,
        )
        for n in range(3)
    ]
    assert exact(app, tenants.a, users)["boss"][waiting.ENTRY] == 3
    url = f"{API}/entries/{made[0]['id']}/transitions"
    ok(client.post(url, json={"action": "approve"}, headers=who["boss"]))
    assert exact(app, tenants.a, users)["boss"][waiting.ENTRY] == 2
    url = f"{API}/entries/{made[1]['id']}/transitions"
    ok(
        client.post(
            url, json={"action": "reject", "reason": "Lampirkan bukti"}, headers=who["boss"]
        )
    )
    assert exact(app, tenants.a, users)["boss"][waiting.ENTRY] == 1


def test_a_new_entry_waits_for_the_rater_of_now_after_the_hierarchy_moved(
    app, client, tenants, people, setup
) -> None:
    """A created entry's mark goes in with it, for the rater the (cached) principal knows: a
    moved superior or a vacant post must reach the very next create, in the cache too."""
    who, users = setup["who"], setup["users"]
    year = {"rhk": setup["rhk"], "iki": setup["iki"]}

    def create(n: int) -> None:
        body = entry(year, activity=f"Kegiatan {n}")
        ok(client.post(f"{API}/entries", json=body, headers=who["staff"]), 201)

    create(1)
    create(2)  # from the warm cache
    assert exact(app, tenants.a, users)["boss"][waiting.ENTRY] == 2
    with db.unit_of_work(tenants.a) as session:  # the staff moves under the peer
        employees.get_employee(session, people.staff).superior_id = people.peer
    create(3)
    counts = exact(app, tenants.a, users)
    assert counts["boss"][waiting.ENTRY] == 0 and counts["peer"][waiting.ENTRY] == 3
    with db.unit_of_work(tenants.a) as session:  # the peer's post falls vacant: the head decides
        employees.get_employee(session, people.peer).active = False
    create(4)
    counts = exact(app, tenants.a, {k: v for k, v in users.items() if k != "peer"})
    assert counts["head"][waiting.ENTRY] == 4
    with db.unit_of_work(tenants.a) as session:  # nobody above: the head's own entries
        employees.get_employee(session, people.staff).superior_id = None
    create(5)  # … wait for nobody, the staff's too now
    counts = exact(app, tenants.a, {k: v for k, v in users.items() if k != "peer"})
    assert counts["head"][waiting.ENTRY] == 0


def test_evaluation_counts_follow_submit_rate_return_and_approve(app, client, tenants, setup):
    who, users = setup["who"], setup["users"]
    started = ok(
        client.post(
            f"{API}/evaluations", json={"skp_id": setup["skp"], "period": 1}, headers=who["staff"]
        ),
        201,
    )
    url = f"{API}/evaluations/{started['id']}"
    ok(client.post(f"{url}/transitions", json={"action": "submit"}, headers=who["staff"]))
    counts = exact(app, tenants.a, users)
    assert counts["boss"][waiting.EVALUATION] == 1 and counts["head"][waiting.EVALUATION] == 0
    rating = {"rating_hasil": "SESUAI", "rating_perilaku": "SESUAI"}
    ok(put_if_match(client, f"{url}/rating", headers=who["boss"], read=url, json=rating))
    counts = exact(app, tenants.a, users)  # rated: the reviewer's turn
    assert counts["boss"][waiting.EVALUATION] == 0 and counts["head"][waiting.EVALUATION] == 1
    body = {"action": "return", "reason": "Periksa bukti"}
    ok(client.post(f"{url}/transitions", json=body, headers=who["head"]))
    assert exact(app, tenants.a, users)["boss"][waiting.EVALUATION] == 1
    ok(put_if_match(client, f"{url}/rating", headers=who["boss"], read=url, json=rating))
    ok(client.post(f"{url}/transitions", json={"action": "approve"}, headers=who["head"]))
    counts = exact(app, tenants.a, users)
    assert counts["head"][waiting.EVALUATION] == 0 and counts["boss"][waiting.EVALUATION] == 0


def test_the_nightly_check_finds_and_repairs_a_corrupted_counter(
    app, client, tenants, owner_engine, setup, caplog
) -> None:
    from rq import SimpleWorker

    from kinerja import clock, jobs

    who, users = setup["who"], setup["users"]
    year = {"rhk": setup["rhk"], "iki": setup["iki"]}
    ok(client.post(f"{API}/entries", json=entry(year), headers=who["staff"]), 201)
    with owner_engine.begin() as conn:  # a counter written past the workflows
        conn.execute(
            text("UPDATE waiting_counter SET count = 7 WHERE holder = :h AND kind = 'entry'"),
            {"h": waiting.person(setup_boss(tenants, setup))},
        )
    counted, truth = real(app, tenants.a, users["boss"])
    assert counted[waiting.ENTRY] == 7 and truth[waiting.ENTRY] == 1
    with db.unit_of_work(tenants.a) as session:
        assert waiting.schedule(session, tenants.a, clock.today()) == 1
        assert waiting.schedule(session, tenants.a, clock.today()) == 0  # once a day
    with caplog.at_level(logging.WARNING, logger="kinerja.performance.waiting"):
        SimpleWorker([jobs.queue()], connection=jobs.queue().connection).work(burst=True)
    drifted = [r for r in caplog.records if "drifted" in r.getMessage()]
    assert len(drifted) == 1
    assert drifted[0].tenant_id == tenants.a and drifted[0].counter.endswith("/entry")
    assert "counted 7, real 1" in drifted[0].getMessage()
    exact(app, tenants.a, users)


def setup_boss(tenants: Any, setup: dict[str, Any]) -> int:
    with db.unit_of_work(tenants.a) as session:
        return int(
            session.scalar(
                text("SELECT id FROM employee WHERE user_id = :u"), {"u": setup["users"]["boss"]}
            )
        )


def test_parallel_approvals_keep_the_counter_exact(app, client, tenants, setup) -> None:
    who, users = setup["who"], setup["users"]
    year = {"rhk": setup["rhk"], "iki": setup["iki"]}
    ids = [
        ok(
            client.post(
                f"{API}/entries", json=entry(year, activity=f"Kegiatan {n}"), headers=who["staff"]
            ),
            201,
        )["id"]
        for n in range(8)
    ]
    assert exact(app, tenants.a, users)["boss"][waiting.ENTRY] == 8
    calls = [
        lambda c, i=i: c.post(
            f"{API}/entries/{i}/transitions", json={"action": "approve"}, headers=who["boss"]
        )
        for i in ids
    ] + [  # and the same entries again: the second decision of each is refused, moves nothing
        lambda c, i=i: c.post(
            f"{API}/entries/{i}/transitions", json={"action": "approve"}, headers=who["boss"]
        )
        for i in ids
    ]
    answers = at_once(app, calls)
    assert codes(answers) == {200: 8, 409: 8}
    assert exact(app, tenants.a, users)["boss"][waiting.ENTRY] == 0
    with db.unit_of_work(tenants.a) as session:
        kept = session.scalar(
            select(WaitingCounter.count).where(
                WaitingCounter.holder == waiting.person(setup_boss(tenants, setup)),
                WaitingCounter.kind == waiting.ENTRY,
            )
        )
    assert kept == 0


def test_another_agencys_counters_are_not_read(app, client, tenants, people, setup) -> None:
    """The head's plan waits for "admin" in A; B's admin OPD (the same holder name) counts none
    of it."""
    from kinerja.performance import skp as skps

    who, users = setup["who"], setup["users"]
    with db.unit_of_work(tenants.a) as session:
        head_skp = skps.of_employee(session, people.head, setup_year(session, setup)).id
    _skp(client, who["head"], head_skp, "revise", "Target berubah")
    _skp(client, who["head"], head_skp, "submit")
    assert exact(app, tenants.a, users)["admin"][waiting.SKP] == 1
    counted, truth = real(app, tenants.b, people.users["outsider"])
    assert counted == truth == {waiting.SKP: 0, waiting.ENTRY: 0, waiting.EVALUATION: 0}


def setup_year(session: Any, setup: dict[str, Any]) -> int:
    from kinerja.performance.models import Skp

    return int(session.scalar(select(Skp.year).where(Skp.id == setup["skp"])))


def test_an_admin_opd_with_more_than_500_waiting_sees_and_counts_them_all(
    app, tenants, people
) -> None:
    """No silent cap: the SKP page's list and the home page's count both say 501."""
    from datetime import UTC, datetime

    from kinerja.people.models import Employee
    from kinerja.performance.models import Skp
    from tests.support import sign_in

    with db.unit_of_work(tenants.a) as session:
        admin = session.scalar(select(Employee).where(Employee.user_id == people.users["admin"]))
        staff = [
            Employee(
                nip=f"19900101201501{n:04d}", name=f"Staf {n}", asn_type="PNS", superior_id=admin.id
            )
            for n in range(501)
        ]
        session.add_all(staff)
        session.flush()
        now = datetime.now(UTC)
        session.add_all(
            Skp(employee_id=e.id, year=2026, status="submitted", submitted_at=now) for e in staff
        )
    counted, truth = real(app, tenants.a, people.users["admin"])
    assert counted[waiting.SKP] == truth[waiting.SKP] == 501
    browser = app.test_client()
    sign_in(browser, "admin")
    home = browser.get("/t/dinkes/").get_data(as_text=True)
    assert ">501<" in home
