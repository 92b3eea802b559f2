"""Issue #24's TPP attacked as another agency, a burst of clicks and a clumsy or hostile file
would: another agency's admin, employee and token on our months, lines, events and imports
(404 everywhere, nothing of ours in any answer or file); concurrent closes, corrections, locks,
pushes, computes and imports (one winner, the others 409, never a 500, never a changed closed
month, one audit row per effective change); odd values in every field of the push, the
corrections and the import files; closed and locked months read-only to everyone; the city's
totals without a person in them."""

from __future__ import annotations

import io
import threading
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from kinerja import clock
from kinerja.db import db
from kinerja.exceptions import Conflict
from kinerja.tpp import attendance, importer, service
from tests.support import OPERATOR_TOKEN, People, at_once, csrf_token, sign_in
from tests.test_concurrency import codes
from tests.test_exports import work
from tests.test_skp_api import token
from tests.tpp_support import API, MONTH, YEAR, set_up

URL = f"{API}/months/{YEAR}/{MONTH}"
THEIRS = "/api/v1/tenants/disdik/tpp"
IMPORTS = f"{API}/attendance-imports"
PAGES = "/t/dinkes/tpp/agency"
STAFF_NIP = "198609262015051001"
BOSS_NIP = "198001152005012003"
OUTSIDER_NIP = "197001011990121001"
OURS = (STAFF_NIP, BOSS_NIP, "Staf", "Atasan", "Rekan", "Kepala Dinas")
MULTIPART = "multipart/form-data"


@pytest.fixture
def who(people: People, tenants: Any) -> dict[str, dict[str, str]]:
    a, users = tenants.a, people.users
    return {
        "admin": token(a, users["admin"], "admin_opd"),
        "staff": token(a, users["staff"]),
        "outsider": token(tenants.b, users["outsider"], "admin_opd"),
        "operator": {"Authorization": f"Bearer {OPERATOR_TOKEN}", "Accept-Language": "en"},
    }


def computed(tenants: Any, people: People) -> None:
    """Last month set up and computed, with one late arrival of the staff's."""
    setting = set_up(tenants, people)
    with db.unit_of_work(tenants.a) as session:
        attendance.record(
            session,
            [
                {
                    "nip": STAFF_NIP,
                    "date": setting.days[3].isoformat(),
                    "code": "terlambat_2",
                    "minutes": 40,
                }
            ],
            "api",
            None,
        )
        service.compute(session, YEAR, MONTH)


def closed(tenants: Any, people: People) -> None:
    computed(tenants, people)
    with db.unit_of_work(tenants.a) as session:
        service.close(session, YEAR, MONTH, None)


def snapshot(owner_engine: Any) -> list[tuple[Any, ...]]:
    """Every month, line and event of every agency, as the owner sees them (no RLS)."""
    with owner_engine.connect() as conn:
        months = conn.execute(
            text("SELECT tenant_id, year, month, status, version FROM tpp_month ORDER BY 1, 2, 3")
        ).all()
        lines = conn.execute(
            text(
                "SELECT tenant_id, month_id, employee_id, version, total, disiplin_pct, events,"
                " reason FROM tpp_line ORDER BY 1, 2, 3, 4"
            )
        ).all()
        events = conn.execute(
            text(
                "SELECT tenant_id, employee_id, day, code, minutes, source FROM attendance_event"
                " ORDER BY 1, 2, 3, 4"
            )
        ).all()
    return [tuple(r) for r in (*months, *lines, *events)]


def audits(owner_engine: Any, action: str) -> int:
    with owner_engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM audit_log WHERE action = :a"), {"a": action}
            ).scalar_one()
        )


def no_500(answers: list[Any]) -> None:
    for answer in answers:
        assert not isinstance(answer, Exception), repr(answer)
        assert answer.status_code < 500, answer.get_data(as_text=True)[:500]


def day_of_last_month(n: int = 2) -> str:
    return date(YEAR, MONTH, n).isoformat()


# --- another agency ------------------------------------------------------------------------------
def test_another_agencys_token_gets_404_on_every_address_of_ours(
    client, who, people, tenants, owner_engine
) -> None:
    computed(tenants, people)
    before = snapshot(owner_engine)
    event = {"nip": STAFF_NIP, "date": day_of_last_month(), "code": "terlambat_1", "minutes": 5}
    correction = {"events": [], "reason": "x"}
    calls = [
        ("get", f"{API}/months", None),
        ("get", URL, None),
        ("get", f"{URL}/lines", None),
        ("get", f"{URL}/lines/{people.staff}", None),
        ("get", f"{API}/me", None),
        ("get", f"{API}/me/{YEAR}/{MONTH}", None),
        ("post", f"{URL}/lines/{people.staff}/correction", correction),
        ("post", f"{URL}/transitions", {"action": "close"}),
        ("post", f"{API}/computations", {"year": YEAR, "month": MONTH}),
        ("post", f"{API}/attendance", {"events": [event]}),
        ("get", IMPORTS, None),
        ("get", f"{IMPORTS}/template.csv", None),
    ]
    for method, url, body in calls:
        answer = getattr(client, method)(url, json=body, headers=who["outsider"])
        assert answer.status_code == 404, (method, url, answer.status_code)
        shown = answer.get_data(as_text=True)
        assert not any(private in shown for private in OURS), (url, shown[:300])
    # in their own agency, with our employee's id, our year and month
    theirs = [
        ("get", f"{THEIRS}/months/{YEAR}/{MONTH}", None, 404),
        ("get", f"{THEIRS}/months/{YEAR}/{MONTH}/lines", None, 404),
        ("get", f"{THEIRS}/months/{YEAR}/{MONTH}/lines/{people.staff}", None, 404),
        ("get", f"{THEIRS}/me/{YEAR}/{MONTH}", None, 404),
        (
            "post",
            f"{THEIRS}/months/{YEAR}/{MONTH}/lines/{people.staff}/correction",
            correction,
            404,
        ),
        ("post", f"{THEIRS}/attendance", {"events": [{**event, "employee_id": people.staff}]}, 422),
    ]
    for method, url, body, expected in theirs:
        answer = getattr(client, method)(url, json=body, headers=who["outsider"])
        assert answer.status_code == expected, (url, answer.get_data(as_text=True)[:300])
        shown = answer.get_data(as_text=True)
        assert not any(private in shown for private in OURS[2:]), (url, shown[:300])
    assert snapshot(owner_engine) == before


def test_another_agencys_import_of_our_nips_stores_nothing_anywhere(
    client, who, people, tenants, owner_engine
) -> None:
    computed(tenants, people)
    before = snapshot(owner_engine)
    rows = [[STAFF_NIP, day_of_last_month(5), "tanpa_keterangan", ""]]
    content = importer_csv(rows)
    made = client.post(
        f"{THEIRS}/attendance-imports",
        headers=who["outsider"],
        data={"file": (io.BytesIO(content), "a.csv")},
        content_type=MULTIPART,
    )
    assert made.status_code == 202
    work()
    report = client.get(made.get_json()["status_url"], headers=who["outsider"]).get_json()
    assert report["job"]["result"]["status"] == "rejected"
    assert [e["column"] for e in report["job"]["result"]["errors"]] == ["nip"]
    assert "Staf" not in str(report)
    assert snapshot(owner_engine) == before
    # and the import's address under our agency is nobody's business of theirs
    ours = made.get_json()["status_url"].replace("/disdik/", "/dinkes/")
    assert client.get(ours, headers=who["outsider"]).status_code == 404
    assert client.get(ours, headers=who["admin"]).status_code == 404  # not ours either


def test_another_agencys_pages_with_our_ids_are_404(app, people, tenants, owner_engine) -> None:
    computed(tenants, people)
    before = snapshot(owner_engine)
    with owner_engine.connect() as conn:
        line_id = conn.execute(
            text("SELECT id FROM tpp_line WHERE employee_id = :e"), {"e": people.staff}
        ).scalar_one()
    outsider = app.test_client()
    sign_in(outsider, "outsider")
    token_ = csrf_token(outsider, "/t/disdik/tpp/agency/months")
    month = f"/t/disdik/tpp/agency/months/{YEAR}/{MONTH}"
    for path in (
        f"{month}/employees/{people.staff}",
        f"/t/disdik/tpp/me/lines/{line_id}",
        f"/t/dinkes/tpp/me/lines/{line_id}",
        f"{PAGES}/months/{YEAR}/{MONTH}",
        f"{PAGES}/months/{YEAR}/{MONTH}/employees/{people.staff}",
    ):
        answer = outsider.get(path)
        assert answer.status_code == 404, path
        assert "Staf" not in answer.get_data(as_text=True)
    form = {"csrf_token": token_, "reason": "ambil alih", "remove": ["1", "2", "3"]}
    for path in (
        f"{month}/employees/{people.staff}",
        f"{PAGES}/months/{YEAR}/{MONTH}/employees/{people.staff}",
        f"{PAGES}/months/{YEAR}/{MONTH}/close",
    ):
        answer = outsider.post(path, data={**form, "confirmed": "1"})
        assert answer.status_code == 404, (path, answer.status_code)
    assert snapshot(owner_engine) == before


def test_another_agencys_finance_export_holds_nothing_of_ours(app, people, tenants) -> None:
    computed(tenants, people)
    outsider = app.test_client()
    sign_in(outsider, "outsider")
    made = outsider.post(
        "/t/disdik/exports",
        data={
            "csrf_token": csrf_token(outsider, "/t/disdik/exports"),
            "kind": "tpp",
            "month": f"{YEAR}-{MONTH:02d}",
            "format": "xlsx",
        },
    )
    assert made.status_code == 303, made.get_data(as_text=True)[:300]
    work()
    file = outsider.get(f"{made.headers['Location']}/file")
    assert file.status_code == 200
    rows = list(load_workbook(io.BytesIO(file.data)).active.iter_rows(values_only=True))
    assert rows[2:] == []  # the header only: disdik has no month
    assert not any(private in str(rows) for private in OURS)
    # our export's address is theirs to download neither
    admin = app.test_client()
    sign_in(admin, "admin")
    ours = admin.post(
        "/t/dinkes/exports",
        data={
            "csrf_token": csrf_token(admin, "/t/dinkes/exports"),
            "kind": "tpp",
            "month": f"{YEAR}-{MONTH:02d}",
            "format": "xlsx",
        },
    )
    work()
    location = ours.headers["Location"]
    assert outsider.get(f"{location}/file").status_code == 404
    assert outsider.get(f"{location.replace('/dinkes/', '/disdik/')}/file").status_code == 404


def importer_csv(rows: list[list[str]], delimiter: str = ",", bom: bool = False) -> bytes:
    lines = [delimiter.join(importer.COLUMNS), *(delimiter.join(r) for r in rows)]
    body = "\r\n".join(lines) + "\r\n"
    return (("\ufeff" if bom else "") + body).encode("utf-8")


# --- concurrency ---------------------------------------------------------------------------------
def test_fifteen_close_clicks_close_once(app, who, people, tenants, owner_engine) -> None:
    computed(tenants, people)
    close = lambda c: c.post(f"{URL}/transitions", json={"action": "close"}, headers=who["admin"])  # noqa: E731
    answers = at_once(app, [close] * 15)
    assert codes(answers) == {200: 1, 409: 14}
    assert audits(owner_engine, "tpp.close") == 1
    with db.unit_of_work(tenants.a) as session:
        found = service.get_month(session, YEAR, MONTH)
        assert (found.status, found.version) == ("closed", 1)


def test_a_lock_racing_a_correction_loses_nothing_and_changes_no_locked_month(
    app, who, people, tenants, owner_engine
) -> None:
    closed(tenants, people)

    def lock(_client: Any) -> str:
        with app.app_context():
            try:
                with db.unit_of_work(tenants.a) as session:
                    return service.lock(session, YEAR, MONTH, people.users["kota"]).status
            except Conflict:
                return "conflict"

    def correct(c: Any) -> Any:
        body = {"events": [], "reason": "izin"}
        return c.post(f"{URL}/lines/{people.staff}/correction", json=body, headers=who["admin"])

    locked, corrected = at_once(app, [lock, correct])
    assert locked == "locked"
    no_500([corrected])
    assert corrected.status_code in (200, 409)
    with db.unit_of_work(tenants.a) as session:
        found = service.get_month(session, YEAR, MONTH)
        versions = [line.version for line in service.history(session, found.id, people.staff)]
    assert found.status == "locked"
    if corrected.status_code == 200:  # before the lock: version 2, kept
        assert (found.version, versions) == (2, [1, 2])
        assert audits(owner_engine, "tpp.correct") == 1
    else:
        assert (found.version, versions) == (1, [1])
        assert audits(owner_engine, "tpp.correct") == 0


def test_a_push_racing_the_close_lands_in_the_closed_line_or_is_refused(
    app, who, people, tenants, owner_engine
) -> None:
    computed(tenants, people)
    event = {"nip": STAFF_NIP, "date": day_of_last_month(9), "code": "tanpa_keterangan"}
    pushes = [
        lambda c: c.post(f"{API}/attendance", json={"events": [event]}, headers=who["admin"])
    ] * 5
    close = lambda c: c.post(f"{URL}/transitions", json={"action": "close"}, headers=who["admin"])  # noqa: E731
    answers = at_once(app, [close, *pushes])
    no_500(answers)
    assert answers[0].status_code == 200
    assert {a.status_code for a in answers[1:]} <= {201, 409}
    with db.unit_of_work(tenants.a) as session:
        found = service.get_month(session, YEAR, MONTH)
        line = service.line_of(session, found.id, people.staff)
        stored = attendance.month_events(session, people.staff, YEAR, MONTH)
        assert line is not None and found.status == "closed"
        # the closed line counts exactly the events stored: none slipped in after the close
        counted: dict[str, int] = {}
        for e in stored:
            counted[e.code] = counted.get(e.code, 0) + 1
        assert line.events == counted


def test_compute_racing_the_close_never_changes_the_closed_month(
    app, who, people, tenants, owner_engine
) -> None:
    computed(tenants, people)

    def compute(_client: Any) -> str:
        with app.app_context():
            try:
                with db.unit_of_work(tenants.a) as session:
                    service.compute(session, YEAR, MONTH)
                    return "computed"
            except Conflict:
                return "conflict"

    close = lambda c: c.post(f"{URL}/transitions", json={"action": "close"}, headers=who["admin"])  # noqa: E731
    answers = at_once(app, [close, compute, compute, compute])
    no_500(answers[:1])
    assert answers[0].status_code == 200
    assert set(answers[1:]) <= {"computed", "conflict"}
    after_close = snapshot(owner_engine)
    with db.unit_of_work(tenants.a) as session, pytest.raises(Conflict):
        service.compute(session, YEAR, MONTH)
    assert snapshot(owner_engine) == after_close


def test_pushes_of_the_same_events_in_opposite_orders_at_once_never_deadlock(
    app, who, people, tenants, owner_engine
) -> None:
    set_up(tenants, people)
    events = [
        {"nip": nip, "date": day_of_last_month(d), "code": "terlambat_1", "minutes": 10}
        for nip in (STAFF_NIP, BOSS_NIP)
        for d in range(1, 28)
    ]
    bodies = [events if n % 2 else list(reversed(events)) for n in range(10)]
    answers = at_once(
        app,
        [
            lambda c, b=b: c.post(f"{API}/attendance", json={"events": b}, headers=who["admin"])
            for b in bodies
        ],
    )
    assert codes(answers) == {201: 10}, [a.get_data(as_text=True)[:200] for a in answers]
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM attendance_event")).scalar_one() == 54


def test_two_imports_of_one_file_at_once_apply_once(
    app, people, tenants, owner_engine, monkeypatch
) -> None:
    """Two workers run two uploads of the same file: both check before either writes. The
    import refuses an event already recorded, so the second must be rejected, not applied over
    the first (two 'applied' reports and two audit rows for one change)."""
    set_up(tenants, people)
    content = importer_csv(
        [[STAFF_NIP, day_of_last_month(d), "terlambat_1", "5"] for d in range(1, 10)]
    )
    both_checked = threading.Barrier(2)
    real_apply = importer.apply

    def apply_after_both_checked(*args: Any, **kwargs: Any) -> Any:
        both_checked.wait(30)
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(importer, "apply", apply_after_both_checked)

    def run(_client: Any) -> Any:
        with app.app_context():
            try:
                with db.unit_of_work(tenants.a) as session:
                    return importer.run(session, "csv", content, today=clock.today()).status
            except Exception as error:
                return repr(error)

    answers = at_once(app, [run, run])
    assert sorted(answers) == ["applied", "rejected"], answers
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM attendance_event")).scalar_one() == 9
