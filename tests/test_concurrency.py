"""Decisions are atomic: twenty requests at once against the real PostgreSQL, for every workflow
(the SKP, the daily entry and its bulk approval, the evaluation, report submissions, campaigns).
Of conflicting decisions exactly one wins; the others answer 409 naming the state it left, none
answers 500, and only the winner writes, audits and notifies."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from sqlalchemy import func, select

from kinerja.audit.models import AuditEntry
from kinerja.competency.models import AssessmentTask
from kinerja.db import db
from kinerja.notifications.models import Notification
from kinerja.performance.models import SkpVersion
from tests.support import People, at_once, plan_head_and_boss, plan_staff, put_if_match
from tests.test_evaluation_api import prepared
from tests.test_log_api import TODAY, entry
from tests.test_reports import LHI, REPORT
from tests.test_reports import health as health
from tests.test_skp_api import IKI, YEAR, head_account, ok, token
from tests.test_talent import API as TALENT
from tests.test_talent import team as team

API = "/api/v1/tenants/dinkes"
N = 20


def count(tenant_id: int, model: Any, *where: Any) -> int:
    with db.unit_of_work(tenant_id) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def codes(answers: list[Any]) -> Counter[int]:
    for answer in answers:
        assert not isinstance(answer, Exception), repr(answer)
    return Counter(a.status_code for a in answers)


def decisions(url: str, headers: dict[str, str], bodies: list[dict[str, Any]]) -> list[Any]:
    return [lambda c, body=body: c.post(url, json=body, headers=headers) for body in bodies]


def mixed(first: dict[str, Any], second: dict[str, Any]) -> list[dict[str, Any]]:
    return [first if i % 2 else second for i in range(N)]


# --- the SKP -----------------------------------------------------------------------------------
def submitted_head_skp(client: Any, tenants: Any, people: People) -> tuple[int, dict[str, Any]]:
    a = tenants.a
    head = token(a, head_account(people, a))
    admin = token(a, people.users["admin"], "admin_opd")
    target = ok(
        client.post(
            f"{API}/targets?year={YEAR}",
            json={"code": "SS1", "text": "Meningkatnya derajat kesehatan", "indicators": []},
            headers=admin,
        ),
        201,
    )
    skp = ok(client.post(f"{API}/skp", json={"year": YEAR}, headers=head), 201)
    ok(
        client.post(
            f"{API}/skp/{skp['id']}/rhk",
            json={"text": "Cakupan imunisasi", "org_target_id": target["id"], "iki": [IKI]},
            headers=head,
        ),
        201,
    )
    body = {"action": "submit"}
    ok(client.post(f"{API}/skp/{skp['id']}/transitions", json=body, headers=head))
    return skp["id"], admin


@pytest.mark.parametrize(
    "bodies",
    [
        mixed({"action": "approve"}, {"action": "reject", "reason": "Perbaiki target"}),
        [{"action": "approve"}] * N,
    ],
    ids=["approve-and-reject", "approve-only"],
)
def test_one_decision_on_an_skp_wins(app, client, tenants, people, bodies) -> None:
    skp_id, admin = submitted_head_skp(client, tenants, people)
    answers = at_once(app, decisions(f"{API}/skp/{skp_id}/transitions", admin, bodies))
    assert codes(answers) == {200: 1, 409: N - 1}
    [winner] = [a.get_json() for a in answers if a.status_code == 200]
    final = ok(client.get(f"{API}/skp/{skp_id}", headers=admin))
    assert final["status"] == winner["status"] in ("approved", "rejected")
    # The losers were told the state the winner left, in words.
    state = "approved" if winner["status"] == "approved" else "rejected"
    assert all(state in a.get_json()["message"].lower() for a in answers if a.status_code == 409)
    a = tenants.a
    versions = count(a, SkpVersion, SkpVersion.skp_id == skp_id)
    assert versions == (1 if winner["status"] == "approved" else 0)
    decided = AuditEntry.action.in_(("skp.approve", "skp.reject"))
    assert count(a, AuditEntry, decided, AuditEntry.object_id == str(skp_id)) == 1
    told = Notification.kind.in_(("skp_approved", "skp_rejected"))
    assert count(a, Notification, Notification.employee_id == people.head, told) == 1


# --- daily entries -----------------------------------------------------------------------------
@pytest.fixture
def entries(client, tenants, people) -> dict[str, Any]:
    boss_rhk = plan_head_and_boss(tenants, people, TODAY.year)
    rhk, iki = plan_staff(tenants, people, TODAY.year, boss_rhk)
    year = {"rhk": rhk, "iki": iki}
    staff = token(tenants.a, people.users["staff"])
    ids = [
        ok(
            client.post(
                f"{API}/entries", json=entry(year, activity=f"Kegiatan {n}"), headers=staff
            ),
            201,
        )["id"]
        for n in range(3)
    ]
    return {"ids": ids, "boss": token(tenants.a, people.users["boss"])}


def test_parallel_bulk_approvals_approve_each_entry_once(app, tenants, entries) -> None:
    ids, boss = entries["ids"], entries["boss"]
    answers = at_once(app, decisions(f"{API}/entries/approve", boss, [{"ids": ids}] * N))
    assert codes(answers) == {200: N}
    approved = Counter(i for a in answers for i in a.get_json()["approved"])
    assert approved == Counter(ids)  # each once, whoever got there first
    assert count(tenants.a, AuditEntry, AuditEntry.action == "log.approve") == len(ids)


def test_one_decision_on_an_entry_wins(app, tenants, entries) -> None:
    entry_id, boss = entries["ids"][0], entries["boss"]
    bodies = mixed({"action": "approve"}, {"action": "reject", "reason": "Lampirkan foto"})
    answers = at_once(app, decisions(f"{API}/entries/{entry_id}/transitions", boss, bodies))
    assert codes(answers) == {200: 1, 409: N - 1}
    [winner] = [a.get_json() for a in answers if a.status_code == 200]
    decided = AuditEntry.action.in_(("log.approve", "log.reject"))
    assert count(tenants.a, AuditEntry, decided) == 1
    rejected = count(tenants.a, Notification, Notification.kind == "entry_rejected")
    assert rejected == (1 if winner["status"] == "rejected" else 0)  # only the winner notifies


# --- the evaluation ----------------------------------------------------------------------------
def test_one_decision_on_a_rated_evaluation_wins(app, client, tenants, people) -> None:
    setup = prepared(people, tenants)
    who = setup["who"]
    started = ok(
        client.post(
            f"{API}/evaluations", json={"skp_id": setup["skp"], "period": 1}, headers=who["staff"]
        ),
        201,
    )
    url = f"{API}/evaluations/{started['id']}"
    ok(client.post(f"{url}/transitions", json={"action": "submit"}, headers=who["staff"]))
    rating = {"rating_hasil": "SESUAI", "rating_perilaku": "SESUAI"}
    ok(put_if_match(client, f"{url}/rating", headers=who["boss"], read=url, json=rating))
    bodies = mixed({"action": "approve"}, {"action": "return", "reason": "Periksa bukti"})
    answers = at_once(app, decisions(f"{url}/transitions", who["head"], bodies))
    assert codes(answers) == {200: 1, 409: N - 1}
    [winner] = [a.get_json() for a in answers if a.status_code == 200]
    assert ok(client.get(url, headers=who["head"]))["status"] == winner["status"]
    decided = AuditEntry.action.in_(("evaluation.approve", "evaluation.return"))
    assert count(tenants.a, AuditEntry, decided) == 1


# --- report submissions ------------------------------------------------------------------------
def test_one_decision_on_a_report_wins(health, people, tenants) -> None:
    plugged, client = health
    staff = token(tenants.a, people.users["staff"])
    boss = token(tenants.a, people.users["boss"])
    created = ok(client.post(f"{LHI}/submissions", headers=staff, json=REPORT), 201)
    url = f"{LHI}/submissions/{created['id']}/decision"
    bodies = mixed({"action": "approve"}, {"action": "reject", "reason": "Angka keliru"})
    answers = at_once(plugged, decisions(url, boss, bodies))
    assert codes(answers) == {200: 1, 409: N - 1}
    decided = AuditEntry.action.in_(("report.approve", "report.reject"))
    assert count(tenants.a, AuditEntry, decided) == 1


# --- campaigns ---------------------------------------------------------------------------------
def test_a_campaign_opened_by_many_clicks_makes_its_tasks_once(app, client, tenants, team):
    body = {"name": "Asesmen", "starts": "2026-01-05", "ends": "2026-12-20"}
    made = ok(client.post(f"{TALENT}/campaigns", json=body, headers=team["admin"]), 201)
    url = f"{TALENT}/campaigns/{made['id']}/transitions"
    answers = at_once(app, decisions(url, team["admin"], [{"action": "open"}] * N))
    assert codes(answers) == {200: 1, 409: N - 1}
    [winner] = [a.get_json() for a in answers if a.status_code == 200]
    assert winner["tasks"] > 0
    assert count(tenants.a, AssessmentTask) == winner["tasks"]
    closing = at_once(app, decisions(url, team["admin"], [{"action": "close"}] * N))
    assert codes(closing) == {200: 1, 409: N - 1}


def test_a_burst_with_a_new_token_holds_one_connection_per_request(
    database, redis_url, people, tenants
) -> None:
    """A token's last-use mark is written in the request's own session: twenty requests with a
    new token on a pool of five all answer (a second session for the mark held two connections
    per request, and the pool ran dry until its timeout: 503s after 30 s)."""
    from kinerja.app import create_app
    from tests.support import app_config

    small = create_app(app_config(database, redis_url, DATABASE_POOL=5))
    staff = token(tenants.a, people.users["staff"])
    answers = at_once(small, [lambda c: c.get(f"{API}/entries", headers=staff)] * N)
    assert codes(answers) == {200: N}


@pytest.mark.parametrize("value", ["Bearer \xe9", "Bearer \u00c3\u00a9", "Bearer knj_1_\xff"])
def test_a_token_with_bytes_beyond_ascii_is_refused_not_a_500(client, tenants, value) -> None:
    for path in ("/api/v1/tenants", "/api/v1/openapi.json", f"{API}/skp", "/auth/login", "/"):
        answer = client.get(path, headers={"Authorization": value})
        assert answer.status_code < 500, (path, answer.status_code)
