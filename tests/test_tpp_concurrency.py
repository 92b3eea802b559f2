"""TPP state changes under concurrent requests: each is a row lock or a conditional update,
so two closes leave one winner and one 409, a correction racing the close lands either in the
open month or as a new version of the closed one (never lost), corrections after closing get
distinct versions, and two locks leave one winner."""

from __future__ import annotations

from typing import Any

from kinerja.db import db
from kinerja.exceptions import Conflict
from kinerja.tpp import attendance, service
from kinerja.tpp.models import TppLine
from tests.support import People, at_once
from tests.test_skp_api import token
from tests.tpp_support import API, MONTH, YEAR, set_up

URL = f"{API}/months/{YEAR}/{MONTH}"


def _computed(tenants: Any, people: People) -> dict[str, str]:
    set_up(tenants, people)
    with db.unit_of_work(tenants.a) as session:
        service.compute(session, YEAR, MONTH)
    return token(tenants.a, people.users["admin"], "admin_opd")


def _correct(admin: dict[str, str], people: People, reason: str) -> Any:
    return lambda c: c.post(
        f"{URL}/lines/{people.staff}/correction",
        json={"events": [], "reason": reason},
        headers=admin,
    )


def test_two_closes_at_once_leave_one_winner(app, people: People, tenants) -> None:
    admin = _computed(tenants, people)
    answers = at_once(
        app, [lambda c: c.post(f"{URL}/transitions", json={"action": "close"}, headers=admin)] * 2
    )
    assert sorted(a.status_code for a in answers) == [200, 409]


def test_a_correction_racing_the_close_is_never_lost(app, people: People, tenants) -> None:
    admin = _computed(tenants, people)
    with db.unit_of_work(tenants.a) as session:  # an event to correct away
        attendance.record(
            session,
            [
                {
                    "nip": "198609262015051001",
                    "date": f"{YEAR}-{MONTH:02d}-01",
                    "code": "tanpa_keterangan",
                }
            ],
            "api",
            None,
        )
        service.compute(session, YEAR, MONTH)
    answers = at_once(
        app,
        [
            lambda c: c.post(f"{URL}/transitions", json={"action": "close"}, headers=admin),
            _correct(admin, people, "izin"),
        ],
    )
    assert [a.status_code for a in answers] == [200, 200]
    with db.unit_of_work(tenants.a) as session:
        found = service.get_month(session, YEAR, MONTH)
        line = service.line_of(session, found.id, people.staff)
        assert found.status == "closed" and line is not None
        assert line.events == {} and line.disiplin_pct == 100  # the correction counts
        assert line.version == found.version  # in place before the close, or version 2 after


def test_corrections_after_closing_get_distinct_versions(app, people: People, tenants) -> None:
    admin = _computed(tenants, people)
    with db.unit_of_work(tenants.a) as session:
        service.close(session, YEAR, MONTH, None)
    answers = at_once(app, [_correct(admin, people, f"alasan {n}") for n in range(3)])
    assert [a.status_code for a in answers] == [200, 200, 200]
    with db.unit_of_work(tenants.a) as session:
        found = service.get_month(session, YEAR, MONTH)
        versions = [line.version for line in service.history(session, found.id, people.staff)]
        assert found.version == 4 and versions == [1, 2, 3, 4]
        assert session.query(TppLine).filter(TppLine.employee_id == people.staff).count() == 4


def test_two_locks_at_once_leave_one_winner(app, people: People, tenants) -> None:
    _computed(tenants, people)
    with db.unit_of_work(tenants.a) as session:
        service.close(session, YEAR, MONTH, None)

    def lock(_client: Any) -> str:
        with app.app_context():
            try:
                with db.unit_of_work(tenants.a) as session:
                    return service.lock(session, YEAR, MONTH, None).status
            except Conflict:
                return "conflict"

    assert sorted(at_once(app, [lock, lock])) == ["conflict", "locked"]
