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
from kinerja.people.importer import FileRejected
from kinerja.people.models import Employee
from kinerja.tpp import attendance, importer, service
from tests.support import OPERATOR_TOKEN, People, at_once, csrf_token, sign_in
from tests.test_concurrency import codes
from tests.test_exports import work
from tests.test_skp_api import token
from tests.tpp_support import API, CITY, MONTH, YEAR, set_up

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


# --- odd input -----------------------------------------------------------------------------------
GOOD = {"nip": STAFF_NIP, "date": f"{YEAR}-{MONTH:02d}-02", "code": "terlambat_1", "minutes": 5}
ODD_EVENTS = {
    "nip_huge_int": ({"nip": 10**40}, "nip"),
    "nip_negative": ({"nip": -1}, "nip"),
    "nip_emoji": ({"nip": "🙂" * 50}, "nip"),
    "nip_very_long": ({"nip": "1" * 100_000}, "nip"),
    "nip_list": ({"nip": [STAFF_NIP]}, "nip"),
    "date_year_0": ({"date": "0000-01-01"}, "date"),
    "date_9999": ({"date": "9999-12-31"}, "date"),
    "date_29_feb_not_leap": ({"date": "2025-02-29"}, "date"),
    "date_before_the_citys_years": ({"date": "1900-01-01"}, "date"),
    "date_year_1": ({"date": "0001-01-01"}, "date"),
    "date_number": ({"date": 20261102}, "date"),
    "date_garbage": ({"date": "kemarin"}, "date"),
    "code_unknown": ({"code": "terlambat_9"}, "code"),
    "code_emoji": ({"code": "🙂"}, "code"),
    "code_formula": ({"code": "=cmd|' /C calc'!A0"}, "code"),
    "code_number": ({"code": 1}, "code"),
    "minutes_negative": ({"minutes": -1}, "minutes"),
    "minutes_huge": ({"minutes": 10**20}, "minutes"),
    "minutes_float": ({"minutes": 12.5}, "minutes"),
    "minutes_text": ({"minutes": "dua belas"}, "minutes"),
    "minutes_bool": ({"minutes": True}, "minutes"),
    "minutes_over_the_tier": ({"minutes": 500}, "minutes"),
    "minutes_under_the_tier": ({"code": "terlambat_3", "minutes": 5}, "minutes"),
    "minutes_for_an_absence": ({"code": "tanpa_keterangan", "minutes": 30}, "minutes"),
}


@pytest.mark.parametrize("case", list(ODD_EVENTS))
def test_an_odd_pushed_event_is_a_422_naming_its_field(client, who, people, tenants, case):
    set_up(tenants, people)
    change, field = ODD_EVENTS[case]
    answer = client.post(
        f"{API}/attendance",
        json={"events": [GOOD, {**GOOD, "date": day_of_last_month(3), **change}]},
        headers=who["admin"],
    )
    assert answer.status_code == 422, (case, answer.get_data(as_text=True)[:300])
    assert f"events.1.{field}" in answer.get_json()["errors"]["json"], answer.get_json()
    with db.unit_of_work(tenants.a) as session:  # all or nothing
        assert attendance.month_events(session, people.staff, YEAR, MONTH) == []
        assert service.months(session).limit(1) is not None
    with db.unit_of_work(tenants.a) as session:
        months = session.execute(text("SELECT year FROM tpp_month")).scalars().all()
    assert months == []  # no month made for a refused push


@pytest.mark.parametrize(
    "body",
    [
        {"events": "x"},
        {"events": [1, "a", None]},
        {"events": [{"nip": "a\x00b"}]},
        {"events": None},
        {},
        {"events": [{}] * 3},
    ],
)
def test_a_malformed_push_is_a_4xx(client, who, people, tenants, body) -> None:
    answer = client.post(f"{API}/attendance", json=body, headers=who["admin"])
    assert 400 <= answer.status_code < 500, answer.get_data(as_text=True)[:300]


def test_a_duplicate_event_in_one_push_is_named(client, who, people, tenants) -> None:
    set_up(tenants, people)
    answer = client.post(f"{API}/attendance", json={"events": [GOOD, GOOD]}, headers=who["admin"])
    assert answer.status_code == 422
    assert "events.1.code" in answer.get_json()["errors"]["json"]


ODD_CORRECTIONS = {
    "reason_empty": {"reason": ""},
    "reason_spaces": {"reason": "   "},
    "reason_too_long": {"reason": "x" * 100_000},
    "reason_number": {"reason": 5},
    "event_of_another_month": {"events": [{"date": "2000-01-03", "code": "terlambat_1"}]},
    "event_in_the_future": {"events": [{"date": "9999-12-31", "code": "terlambat_1"}]},
    "event_twice": {"events": [{"date": day_of_last_month(4), "code": "terlambat_1"}] * 2},
    "event_unknown_code": {"events": [{"date": day_of_last_month(4), "code": "bolos"}]},
    "event_minutes_huge": {
        "events": [{"date": day_of_last_month(4), "code": "terlambat_4", "minutes": 10**30}]
    },
    "event_minutes_off_tier": {
        "events": [{"date": day_of_last_month(4), "code": "terlambat_1", "minutes": 600}]
    },
    "events_not_objects": {"events": ["2026-11-03"]},
}


@pytest.mark.parametrize("case", list(ODD_CORRECTIONS))
def test_an_odd_correction_is_a_422_and_changes_nothing(
    client, who, people, tenants, owner_engine, case
) -> None:
    closed(tenants, people)
    before = snapshot(owner_engine)
    body = {"events": [], "reason": "izin", **ODD_CORRECTIONS[case]}
    answer = client.post(f"{URL}/lines/{people.staff}/correction", json=body, headers=who["admin"])
    assert answer.status_code == 422, (case, answer.get_data(as_text=True)[:300])
    assert snapshot(owner_engine) == before
    assert audits(owner_engine, "tpp.correct") == 0


@pytest.mark.parametrize(
    "path",
    [
        "/months/{y}/0",
        "/months/{y}/13",
        "/months/{y}/86400",
        "/months/0/1",
        "/months/{big}/1",
        "/months/{y}/{big}",
        "/months/{y}/{m}/lines/{big}",
        "/months/{y}/{m}/lines/0",
        "/months/{y}/{m}/lines/-1",
        "/months/{y}/13/lines",
        "/me/{y}/0",
        "/me/{big}/{big}",
    ],
)
def test_odd_months_and_ids_in_the_address_are_404(client, who, people, tenants, path) -> None:
    computed(tenants, people)
    url = API + path.format(y=YEAR, m=MONTH, big=10**20)
    for headers in (who["admin"], who["staff"]):
        answer = client.get(url, headers=headers)
        assert answer.status_code == 404, (url, answer.status_code)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/months/{y}/0/transitions", {"action": "close"}),
        ("/months/{y}/86400/transitions", {"action": "close"}),
        ("/months/{big}/1/transitions", {"action": "close"}),
        ("/months/{y}/{m}/transitions", {"action": "lock"}),
        ("/months/{y}/{m}/transitions", {"action": "close\x00"}),
        ("/months/{y}/13/lines/{staff}/correction", {"events": [], "reason": "x"}),
        ("/months/{big}/1/lines/{staff}/correction", {"events": [], "reason": "x"}),
        ("/months/{y}/{m}/lines/{big}/correction", {"events": [], "reason": "x"}),
        ("/months/{y}/{m}/lines/{other}/correction", {"events": [], "reason": "x"}),
        ("/computations", {"year": 10**20, "month": 1}),
        ("/computations", {"year": YEAR, "month": 0}),
        ("/computations", {"year": YEAR, "month": 86400}),
        ("/computations", {"year": 9999, "month": 12}),
        ("/computations", {"year": "2026", "month": "11x"}),
    ],
)
def test_odd_writes_are_4xx_and_change_nothing(
    client, who, people, tenants, owner_engine, path, body
) -> None:
    computed(tenants, people)
    before = snapshot(owner_engine)
    url = API + path.format(y=YEAR, m=MONTH, big=10**20, staff=people.staff, other=people.other)
    answer = client.post(url, json=body, headers=who["admin"])
    assert 400 <= answer.status_code < 500, (url, answer.status_code)
    assert snapshot(owner_engine) == before


PAGING = [
    "page=100000000000000000000",
    "page_size=0",
    "page_size=-1",
    "page_size=1000000000",
    "page=0",
    "page=-5",
    "page=abc",
    "page_size=10&page=99999",
]


@pytest.mark.parametrize("query", PAGING)
def test_odd_paging_is_never_a_500(app, client, who, people, tenants, query) -> None:
    computed(tenants, people)
    for url in (f"{API}/months", f"{URL}/lines", f"{API}/me", IMPORTS):
        headers = who["staff"] if url.endswith("/me") else who["admin"]
        answer = client.get(f"{url}?{query}", headers=headers)
        assert answer.status_code in (200, 400, 422), (url, query, answer.status_code)
    city = app.test_client()
    sign_in(city, "kota")
    answer = city.get(f"{CITY}/totals/{YEAR}/{MONTH}?{query}")
    assert answer.status_code in (200, 400, 422), (query, answer.status_code)
    for page in (
        f"{PAGES}/months?{query}",
        f"{PAGES}/months/{YEAR}/{MONTH}?{query}",
        f"{PAGES}/imports?{query}",
    ):
        admin = app.test_client()
        sign_in(admin, "admin")
        assert admin.get(page).status_code in (200, 400, 404), page
    staff = app.test_client()
    sign_in(staff, "staff")
    assert staff.get(f"/t/dinkes/tpp/me?{query}").status_code in (200, 400, 404)
    for month in (
        "0000-00",
        "9999-99",
        "2026-13",
        "86400-1",
        "2026-00",
        "-1--1",
        "\uff12\uff10\uff12\uff16-\uff11\uff11",
    ):
        answer = city.get(f"/city/tpp/totals?month={month}&{query}")
        assert answer.status_code in (200, 400, 404), (month, query)


def test_nul_and_odd_text_in_the_correction_page_is_never_a_500(
    app, people, tenants, owner_engine
) -> None:
    closed(tenants, people)
    before = snapshot(owner_engine)
    admin = app.test_client()
    sign_in(admin, "admin")
    url = f"{PAGES}/months/{YEAR}/{MONTH}/employees/{people.staff}"
    token_ = csrf_token(admin, url)
    day = day_of_last_month(6)
    for form in (
        {"reason": "izin\x00sakit"},
        {"reason": "izin", "day_0": day + "\x00", "code_0": "terlambat_1"},
        {"reason": "izin", "day_0": day, "code_0": "terlambat_1\x00"},
        {"reason": "izin", "day_0": day, "code_0": "terlambat_1", "minutes_0": "\x00"},
        {"reason": "izin", "day_0": day, "code_0": "terlambat_1", "minutes_0": "²"},
        {"reason": "izin", "day_0": day, "code_0": "terlambat_1", "minutes_0": "9" * 400},
        {"reason": "izin", "day_0": "0000-00-00", "code_0": "terlambat_1"},
        {"reason": "izin", "day_0": "29-02-2025", "code_0": "🙂"},
        {"reason": "izin", "remove": ["x\x00", "99999999999999999999999"], "day_0": "x"},
    ):
        answer = admin.post(url, data={"csrf_token": token_, **form})
        assert 400 <= answer.status_code < 500, (form, answer.status_code)
    assert snapshot(owner_engine) == before
    assert audits(owner_engine, "tpp.correct") == 0
    # emoji and a very long reason are text like any other: kept (up to its limit), shown
    saved = admin.post(url, data={"csrf_token": token_, "reason": "🙂 " + "x" * 5000})
    assert saved.status_code == 303
    page = admin.get(saved.headers["Location"])
    assert page.status_code == 200 and "🙂" in page.get_data(as_text=True)


# --- import files ------------------------------------------------------------------------------
def run_file(app: Any, tenants: Any, content: bytes, fmt: str = "csv", **kw: Any) -> Any:
    with db.unit_of_work(tenants.a) as session:
        return importer.run(session, fmt, content, today=clock.today(), **kw)


def test_csv_with_a_bom_and_semicolons_imports(app, people, tenants) -> None:
    set_up(tenants, people)
    rows = [[STAFF_NIP, f"02-{MONTH:02d}-{YEAR}", "terlambat_1", "5"]]
    assert run_file(app, tenants, importer_csv(rows, ";", bom=True)).status == "applied"
    rows = [[BOSS_NIP, day_of_last_month(3), "pulang_cepat_4", ""]]
    assert run_file(app, tenants, importer_csv(rows, ",", bom=True)).status == "applied"


def test_a_cp1252_file_with_an_extra_column_imports(app, people, tenants) -> None:
    set_up(tenants, people)
    content = (
        f"nip;tanggal;kode;menit;catatan\r\n{STAFF_NIP};{day_of_last_month(2)};terlambat_2;"
        "45;caf\xe9 \xe0 c\xf4t\xe9\r\n"
    ).encode("cp1252")
    report = run_file(app, tenants, content)
    assert report.status == "applied", report.errors


ODD_CELLS = {
    "minutes_superscript": [STAFF_NIP, "{day}", "terlambat_1", "²"],
    "minutes_huge": [STAFF_NIP, "{day}", "terlambat_1", "9" * 30],
    "minutes_negative": [STAFF_NIP, "{day}", "terlambat_1", "-5"],
    "minutes_decimal": [STAFF_NIP, "{day}", "terlambat_1", "5.5"],
    "date_year_0": [STAFF_NIP, "0000-01-01", "terlambat_1", "5"],
    "date_9999": [STAFF_NIP, "31-12-9999", "terlambat_1", "5"],
    "date_29_feb_2025": [STAFF_NIP, "29-02-2025", "terlambat_1", "5"],
    "date_1900": [STAFF_NIP, "01-01-1900", "terlambat_1", "5"],
    "code_formula": [STAFF_NIP, "{day}", "=cmd|' /C calc'!A0", ""],
    "code_emoji": [STAFF_NIP, "{day}", "🙂", ""],
    "nip_formula": ["=1+1", "{day}", "terlambat_1", ""],
    "nip_emoji_long": ["🙂" * 5000, "{day}", "terlambat_1", ""],
    "tier_mismatch": [STAFF_NIP, "{day}", "terlambat_4", "3"],
}


@pytest.mark.parametrize("case", list(ODD_CELLS))
def test_an_odd_cell_rejects_the_file_with_a_report_never_a_crash(
    app, people, tenants, owner_engine, case
) -> None:
    set_up(tenants, people)
    row = [c.format(day=day_of_last_month(2)) for c in ODD_CELLS[case]]
    good = [BOSS_NIP, day_of_last_month(2), "terlambat_1", "5"]
    report = run_file(app, tenants, importer_csv([good, row]))
    assert report.status == "rejected", (case, report)
    assert report.errors and report.errors[0].row in (1, 3), report.errors
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM attendance_event")).scalar_one() == 0


def test_a_nul_deep_in_a_csv_is_a_rejected_import_not_a_failed_job(
    client, who, people, tenants, owner_engine
) -> None:
    """The format check looks for NUL in the first 4 KB only; a NUL further down reaches the
    report's parameters, which PostgreSQL's jsonb refuses."""
    set_up(tenants, people)
    padding = [[BOSS_NIP, day_of_last_month(d), "terlambat_1", "5"] for d in range(1, 28)] * 5
    rows = [*padding, ["1986\x0009262015051001", day_of_last_month(2), "terlambat\x00_1", "5"]]
    content = importer_csv(rows)
    assert b"\x00" not in content[:4096]
    made = client.post(
        IMPORTS,
        headers=who["admin"],
        data={"file": (io.BytesIO(content), "mesin.csv")},
        content_type=MULTIPART,
    )
    assert made.status_code == 202
    work()
    body = client.get(made.get_json()["status_url"], headers=who["admin"]).get_json()
    assert body["job"]["status"] == "succeeded", body["job"]
    assert body["job"]["result"]["status"] == "rejected"
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM attendance_event")).scalar_one() == 0


def test_utf16_and_binary_uploads_are_refused_at_once(client, who, people, tenants) -> None:
    content = importer_csv([[STAFF_NIP, day_of_last_month(2), "terlambat_1", "5"]])
    for data, name in (
        (content.decode().encode("utf-16"), "a.csv"),
        (b"\x00" * 100, "a.csv"),
        (b"PK\x03\x04garbage", "a.xlsx"),
        (content, "a.exe"),
    ):
        answer = client.post(
            IMPORTS,
            headers=who["admin"],
            data={"file": (io.BytesIO(data), name)},
            content_type=MULTIPART,
        )
        assert answer.status_code in (202, 415, 422), (name, answer.status_code)
    work()
    listed = client.get(IMPORTS, headers=who["admin"]).get_json()
    assert all(i["job"]["status"] == "succeeded" for i in listed), listed


def test_a_hundred_thousand_rows_are_refused_past_the_limit(app, people, tenants) -> None:
    set_up(tenants, people)
    row = f"{STAFF_NIP},{day_of_last_month(2)},terlambat_1,5\r\n"
    content = ("nip,tanggal,kode,menit\r\n" + row * 100_000).encode()
    with pytest.raises(FileRejected) as refused:  # the job makes it a rejected report
        run_file(app, tenants, content, max_rows=50_000)
    assert refused.value.status == 422 and "50000" in str(refused.value)


# --- closed and locked months ------------------------------------------------------------------
def every_write(
    client: Any, headers: dict[str, str], people: People, correct: bool = True
) -> list[Any]:
    """Every API write on last month, as `headers` would try it."""
    event = {"nip": STAFF_NIP, "date": day_of_last_month(8), "code": "tanpa_keterangan"}
    answers = [
        client.post(f"{URL}/transitions", json={"action": "close"}, headers=headers),
        client.post(f"{API}/computations", json={"year": YEAR, "month": MONTH}, headers=headers),
        client.post(f"{API}/attendance", json={"events": [event]}, headers=headers),
    ]
    if correct:
        correction = {"events": [], "reason": "x"}
        url = f"{URL}/lines/{people.staff}/correction"
        answers.append(client.post(url, json=correction, headers=headers))
    return answers


def city_admin_inside(app: Any) -> Any:
    city = app.test_client()
    sign_in(city, "kota")
    token_ = csrf_token(city, "/me")
    assert city.post("/t/dinkes/enter", data={"csrf_token": token_}).status_code == 303
    return city, token_


def test_a_closed_month_changes_for_no_one_but_a_correction(
    app, client, who, people, tenants, owner_engine
) -> None:
    closed(tenants, people)
    before = snapshot(owner_engine)
    # the operator's token and the city admin's browser: no write at all
    for answer in every_write(client, who["operator"], people):
        assert answer.status_code in (401, 403, 404), answer.status_code
    city, token_ = city_admin_inside(app)
    for answer in every_write(city, {}, people):
        assert answer.status_code in (401, 403, 404), answer.status_code
    month = f"{PAGES}/months/{YEAR}/{MONTH}"
    for path, form in (
        (f"{month}/compute", {}),
        (f"{month}/close", {"confirmed": "1"}),
        (f"{month}/employees/{people.staff}", {"reason": "kota", "remove": ["1"]}),
    ):
        answer = city.post(path, data={"csrf_token": token_, **form})
        assert answer.status_code in (403, 404), (path, answer.status_code)
    # the admin OPD: every write but the correction is refused with 409
    close, compute, push = every_write(client, who["admin"], people, correct=False)
    assert (close.status_code, compute.status_code, push.status_code) == (409, 409, 409)
    admin = app.test_client()
    sign_in(admin, "admin")
    token_ = csrf_token(admin, month)
    assert admin.post(f"{month}/compute", data={"csrf_token": token_}).status_code == 409
    late = [[STAFF_NIP, day_of_last_month(8), "tanpa_keterangan", ""]]
    assert run_file(app, tenants, importer_csv(late)).status == "rejected"
    assert snapshot(owner_engine) == before


def test_a_correction_after_closing_is_exactly_one_new_version(
    client, who, people, tenants, owner_engine
) -> None:
    closed(tenants, people)
    with owner_engine.connect() as conn:
        first = conn.execute(text("SELECT * FROM tpp_line ORDER BY id")).all()
    body = {
        "events": [{"date": day_of_last_month(6), "code": "terlambat_3", "minutes": 75}],
        "reason": "Mesin absen rusak 🙂",
    }
    answer = client.post(f"{URL}/lines/{people.staff}/correction", json=body, headers=who["admin"])
    assert answer.status_code == 200, answer.get_json()
    with owner_engine.connect() as conn:
        now = conn.execute(text("SELECT * FROM tpp_line ORDER BY id")).all()
        version = conn.execute(text("SELECT version, status FROM tpp_month")).one()
    assert now[: len(first)] == first  # every line as it was paid, untouched
    [added] = now[len(first) :]
    added_ = added._mapping
    assert (added_["employee_id"], added_["version"]) == (people.staff, 2)
    assert added_["reason"] == "Mesin absen rusak 🙂"
    assert added_["events"] == {"terlambat_3": 1}
    assert tuple(version) == (2, "closed")
    assert audits(owner_engine, "tpp.correct") == 1


def test_a_locked_month_stays_locked_for_everyone(
    app, client, who, people, tenants, owner_engine
) -> None:
    closed(tenants, people)
    with db.unit_of_work(tenants.a) as session:
        service.lock(session, YEAR, MONTH, people.users["kota"])
    before = snapshot(owner_engine)
    assert [a.status_code for a in every_write(client, who["admin"], people)] == [409] * 4
    for answer in every_write(client, who["operator"], people):
        assert answer.status_code in (401, 403, 404)
    city, token_ = city_admin_inside(app)
    month = f"{PAGES}/months/{YEAR}/{MONTH}"
    assert (
        city.post(f"{month}/lock", data={"csrf_token": token_, "confirmed": "1"}).status_code == 409
    )
    admin = app.test_client()
    sign_in(admin, "admin")
    url = f"{month}/employees/{people.staff}"
    token_ = csrf_token(admin, url)
    answer = admin.post(url, data={"csrf_token": token_, "reason": "telat", "remove": ["1"]})
    assert answer.status_code == 409
    with pytest.raises(Conflict), db.unit_of_work(tenants.a) as session:
        attendance.correct(session, people.staff, YEAR, MONTH, [], "layanan", None)
    assert snapshot(owner_engine) == before
    assert audits(owner_engine, "tpp.correct") == 0


# --- files: formulas and the city's totals ------------------------------------------------------
FORMULAS = ("=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1")


def test_formula_names_land_in_the_finance_xlsx_as_text(app, people, tenants) -> None:
    computed(tenants, people)
    with db.unit_of_work(tenants.a) as session:
        for employee_id, name in zip(
            (people.staff, people.peer, people.superior, people.head), FORMULAS, strict=False
        ):
            session.get(Employee, (tenants.a, employee_id)).name = name  # type: ignore[union-attr]
    admin = app.test_client()
    sign_in(admin, "admin")
    made = admin.post(
        "/t/dinkes/exports",
        data={
            "csrf_token": csrf_token(admin, "/t/dinkes/exports"),
            "kind": "tpp",
            "month": f"{YEAR}-{MONTH:02d}",
            "format": "xlsx",
        },
    )
    assert made.status_code == 303
    work()
    file = admin.get(f"{made.headers['Location']}/file")
    sheet = load_workbook(io.BytesIO(file.data)).active
    names = {row[1].value: row[1] for row in sheet.iter_rows(min_row=3)}
    for formula in FORMULAS[:4]:
        cell = names[formula]
        assert cell.data_type == "s", (formula, cell.data_type)  # text, never a formula
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_the_citys_totals_of_a_one_employee_agency_name_no_one(app, people, tenants) -> None:
    from tests.test_tpp_pages import add_line, add_month

    add_line(tenants.b, add_month(tenants.b, YEAR, MONTH, "closed"), people.other, total=7_777_777)
    city = app.test_client()
    sign_in(city, "kota")
    month = f"{YEAR}-{MONTH:02d}"
    answers = {
        "api": city.get(f"{CITY}/totals/{YEAR}/{MONTH}"),
        "page": city.get(f"/city/tpp/totals?month={month}"),
        "csv": city.get(f"/city/tpp/totals.csv?month={month}"),
        "xlsx": city.get(f"/city/tpp/totals.xlsx?month={month}"),
    }
    for kind, answer in answers.items():
        assert answer.status_code == 200, kind
        if kind == "xlsx":
            shown = str(list(load_workbook(io.BytesIO(answer.data)).active.values))
            assert "7777777" in shown
        else:
            shown = answer.data.decode("utf-8-sig")
        for private in (OUTSIDER_NIP, "Pegawai Disdik", "Outsider", "employee_id", '"nip"'):
            assert private not in shown, (kind, private)
    disdik = next(r for r in answers["api"].get_json() if r["slug"] == "disdik")
    assert set(disdik) == {
        "slug",
        "name",
        "status",
        "version",
        "employees",
        "total",
        "kinerja_avg",
        "disiplin_avg",
    }
    assert (disdik["employees"], disdik["total"]) == (1, 7_777_777)


@pytest.mark.parametrize(
    "path",
    [
        "/t/dinkes/tpp/me/lines/{big}",
        "/t/dinkes/tpp/me/lines/0",
        "/t/dinkes/tpp/me/9999-99",
        "/t/dinkes/tpp/me/0000-00",
        "/t/dinkes/tpp/me/{y}-13",
        f"{PAGES}/months/{{big}}/1",
        f"{PAGES}/months/{{y}}/0",
        f"{PAGES}/months/{{y}}/86400",
        f"{PAGES}/months/{{y}}/{{m}}/employees/{{big}}",
        f"{PAGES}/months/{{y}}/{{m}}/employees/{{other}}",
        f"{PAGES}/months/9999/12",
    ],
)
def test_odd_page_addresses_are_404(app, people, tenants, path) -> None:
    computed(tenants, people)
    url = path.format(y=YEAR, m=MONTH, big=10**20, other=people.other)
    for login in ("admin", "staff"):
        browser = app.test_client()
        sign_in(browser, login)
        assert browser.get(url).status_code == 404, (login, url)


def test_ten_corrections_racing_the_close_are_each_kept_once(
    app, who, people, tenants, owner_engine
) -> None:
    computed(tenants, people)
    correct = [
        lambda c, n=n: c.post(
            f"{URL}/lines/{people.staff}/correction",
            json={
                "events": [{"date": day_of_last_month(n + 1), "code": "tanpa_keterangan"}],
                "reason": f"koreksi {n}",
            },
            headers=who["admin"],
        )
        for n in range(10)
    ]
    close = lambda c: c.post(f"{URL}/transitions", json={"action": "close"}, headers=who["admin"])  # noqa: E731
    answers = at_once(app, [*correct, close])
    assert codes(answers) == {200: 11}
    assert audits(owner_engine, "tpp.correct") == 10
    assert audits(owner_engine, "tpp.close") == 1
    with db.unit_of_work(tenants.a) as session:
        found = service.get_month(session, YEAR, MONTH)
        versions = [line.version for line in service.history(session, found.id, people.staff)]
        line = service.line_of(session, found.id, people.staff)
        stored = attendance.month_events(session, people.staff, YEAR, MONTH)
    # one version per correction after the close, none before it; the last one wins the events
    assert versions == list(range(1, found.version + 1))
    assert line is not None and sum(line.events.values()) == len(stored) == 1
