"""The hot write path (docs/architecture.md, "The write path"): a daily entry is created in two
statements of its own (one reading every check's answer, one inserting the entry with its audit
row under the idempotency key) and answered from memory, exactly as a read-back would answer."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any

import pytest
from sqlalchemy import event, select, text

from kinerja.audit import AuditEntry
from kinerja.db import db
from kinerja.performance.log.models import WorkEntry
from tests.support import People, plan_head_and_boss, plan_staff
from tests.test_log_api import API, TODAY, count, entry
from tests.test_skp_api import token

# With a warm principal cache the request pipeline sends none; the create sends 2 (the entry's
# waiting mark goes in with it, its rater known from the principal) and the superior's waiting
# counter 1 at commit: 3 in all. The create alone was 7 before (the employee, the RHK, the IKI,
# the rules, the insert, the audit insert, the files read back for the answer) and the counters
# 7 (the entry re-read, its chain walked, the marks read, the mark, the counter): 14 in all.
MOST_STATEMENTS = 3
WRITE_TABLES = ("work_entry", "audit_log", "log_policy", "rhk", "iki", "evidence_file")


@pytest.fixture
def year(people: People, tenants: Any) -> dict[str, int]:
    boss_rhk = plan_head_and_boss(tenants, people, TODAY.year)
    rhk, iki = plan_staff(tenants, people, TODAY.year, boss_rhk)
    return {"rhk": rhk, "iki": iki, "boss_rhk": boss_rhk}


@pytest.fixture
def who(people: People, tenants: Any) -> dict[str, dict[str, str]]:
    return {
        "staff": token(tenants.a, people.users["staff"]),
        "boss": token(tenants.a, people.users["boss"]),
        "outsider": token(tenants.b, people.users["outsider"], "admin_opd"),
    }


def waits(statement: str) -> bool:
    """A statement of the waiting counters (`performance/waiting`), kept at commit for every
    submitted item: theirs, not the create's."""
    if statement.startswith("WITH created AS (INSERT INTO work_entry"):
        return False  # the create's own, its mark with it
    return "waiting_" in statement or statement.startswith(
        "SELECT work_entry.id, work_entry.employee_id, work_entry.status FROM"
    )


def entry_audits(tenant_id: int) -> int:
    """The audit rows about daily entries (the fixtures' plans have rows of their own)."""
    with db.unit_of_work(tenant_id) as session:
        found = session.scalars(
            select(AuditEntry.id).where(AuditEntry.object_type == "work_entry")
        ).all()
        return len(found)


def statements_of(app: Any, send: Any) -> list[str]:
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split()))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        send()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return seen


def test_an_entry_is_created_in_two_statements_of_its_own(app, client, who, year) -> None:
    headers = who["staff"]
    for n in range(2):  # warm: the pipeline's caches, SQLAlchemy's compiled statements
        warm = client.post(API, json=entry(year), headers=headers | {"Idempotency-Key": f"w{n}"})
        assert warm.status_code == 201
    answers: list[Any] = []
    seen = statements_of(
        app,
        lambda: answers.append(
            client.post(API, json=entry(year), headers=headers | {"Idempotency-Key": "counted"})
        ),
    )
    assert answers[0].status_code == 201, answers[0].get_json()
    assert len(seen) <= MOST_STATEMENTS, "\n".join(seen)
    own = [s for s in seen if any(f" {t} " in f" {s} " for t in WRITE_TABLES) and not waits(s)]
    assert len(own) == 2, "\n".join(own)
    assert own[0].startswith("SELECT employee.id, log_policy.deadline_days")
    assert own[1].startswith("WITH created AS (INSERT INTO work_entry")
    assert "INSERT INTO audit_log" in own[1]
    assert "INSERT INTO waiting_mark" in own[1]  # for the superior, who decides on it
    assert [s for s in seen if s not in own] == [
        next(s for s in seen if s.startswith("INSERT INTO waiting_counter"))
    ]


def test_the_answer_from_memory_is_the_answer_read_back(client, who, year, tenants) -> None:
    headers = who["staff"] | {"Idempotency-Key": "same-body"}
    body = entry(year, quantity="2,5", started="07:15", ended="08:00", location=" Puskesmas ")
    first = client.post(API, json=body, headers=headers)
    assert first.status_code == 201, first.get_json()
    replay = client.post(API, json=body, headers=headers)  # read from the database
    assert replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_json() == first.get_json()
    shown = client.get(f"{API}/{first.get_json()['id']}", headers=who["staff"]).get_json()
    assert {k: shown[k] for k in first.get_json()} == first.get_json()
    assert first.get_json()["quantity"] == "2.50" and first.get_json()["minutes"] == 45


def test_the_audit_row_is_written_with_the_entry(client, who, year, tenants, people) -> None:
    sent = client.post(API, json=entry(year), headers=who["staff"] | {"Idempotency-Key": "a1"})
    draft = client.post(API, json=entry(year, draft=True), headers=who["staff"])
    assert sent.status_code == draft.status_code == 201
    with db.unit_of_work(tenants.a) as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.object_type == "work_entry").order_by(AuditEntry.id)
        ).all()
        made = {row.object_id: row for row in rows}
        assert len(rows) == 2
        for answer, action in ((sent, "log.submit"), (draft, "log.draft")):
            row = made[str(answer.get_json()["id"])]
            assert row.action == action and row.tenant_id == tenants.a
            assert row.actor_user_id == people.users["staff"] and row.actor_role == "pegawai"
            assert row.subject_employee_id == answer.get_json()["employee_id"]
            assert row.changes == {"date": [None, answer.get_json()["entry_date"]]}
            assert row.request_id and row.at is not None
    # A replay writes no second audit row.
    again = client.post(API, json=entry(year), headers=who["staff"] | {"Idempotency-Key": "a1"})
    assert again.status_code == 200 and entry_audits(tenants.a) == 2


def test_a_burst_with_one_key_makes_one_entry_and_one_audit_row(app, who, year, tenants) -> None:
    start = Barrier(10)

    def send(n: int) -> tuple[int, Any]:
        client = app.test_client()
        start.wait()
        answer = client.post(API, json=entry(year), headers=who["staff"] | {"Idempotency-Key": "b"})
        return answer.status_code, answer.get_json()

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(send, range(10)))
    codes = sorted(code for code, _body in answers)
    assert codes == [200] * 9 + [201], answers
    assert len({body["id"] for _code, body in answers}) == 1
    assert count(tenants.a) == 1 and entry_audits(tenants.a) == 1


def test_refusals_name_the_field_and_write_nothing(client, who, year, tenants) -> None:
    cases = {
        "rhk_id": entry(year, rhk_id=year["boss_rhk"]),  # the superior's result, not mine
        "iki_id": entry(year, iki_id=2**40),
        "rencana_aksi_id": entry(year, rencana_aksi_id=2**40),
    }
    for field, body in cases.items():
        refused = client.post(API, json=body, headers=who["staff"])
        assert refused.status_code == 422 and field in refused.get_json()["errors"]["json"]
    # Another agency's admin has no employee there: nothing to create for.
    assert client.post(API, json=entry(year), headers=who["outsider"]).status_code in (403, 404)
    assert count(tenants.a) == 0 and entry_audits(tenants.a) == 0
    with db.unit_of_work(tenants.b) as session:
        assert session.scalar(select(WorkEntry.id)) is None


def test_a_bulk_approval_costs_no_statements_per_entry(app, client, who, year, tenants) -> None:
    ids = [
        client.post(API, json=entry(year, activity=f"K {n}"), headers=who["staff"]).get_json()["id"]
        for n in range(7)
    ]
    first = client.post(f"{API}/approve", json={"ids": ids[:1]}, headers=who["boss"])
    assert first.get_json()["approved"] == ids[:1]
    answers: list[Any] = []
    seen = statements_of(
        app,
        lambda: answers.append(
            client.post(f"{API}/approve", json={"ids": ids}, headers=who["boss"]).get_json()
        ),
    )
    assert sorted(answers[0]["approved"]) == ids[1:]
    assert [s["id"] for s in answers[0]["skipped"]] == ids[:1]  # approved already: 409's words
    # Before: a savepoint, its release, a re-read under lock, the superior chain (3), an UPDATE
    # and an INSERT per entry (50 statements in all for five). Now one UPDATE and one INSERT.
    assert len(seen) <= 16, "\n".join(seen)
    assert sum(s.startswith("UPDATE work_entry") for s in seen) == 1
    assert sum(s.startswith("INSERT INTO audit_log") for s in seen) == 1
    assert not any("SAVEPOINT" in s for s in seen)
    with db.unit_of_work(tenants.a) as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "log.approve").order_by(AuditEntry.id)
        ).all()
        assert [r.object_id for r in rows] == [str(i) for i in ids]
        assert all(r.changes == {"status": ["submitted", "approved"]} for r in rows)
        assert len({r.subject_employee_id for r in rows}) == 1  # the staff member
        approved = session.scalars(select(WorkEntry.status).where(WorkEntry.id.in_(ids))).all()
        assert set(approved) == {"approved"}
    history = client.get(f"{API}/{ids[3]}", headers=who["staff"]).get_json()["history"]
    assert [step["action"] for step in history] == ["submit", "approve"]


def test_a_unit_of_work_binds_its_tenant_for_its_transaction_only(app, tenants) -> None:
    with db.unit_of_work(tenants.a) as session:
        seen = session.scalar(text("SELECT current_setting('kinerja.tenant_id', true)"))
        assert seen == str(tenants.a)
    # The setting was transaction-local: the pooled connection's next transaction has none.
    with db.engine.connect() as conn:
        assert conn.scalar(text("SELECT current_setting('kinerja.tenant_id', true)")) in (None, "")
