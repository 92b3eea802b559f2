"""Issue #21's everyday journeys attacked as a hostile or clumsy user would: bursts of identical
or conflicting requests (edits with one If-Match, edits racing sends, readers opening one thread
at once, admins naming one viewer or registering one puskesmas at once), odd input (NUL
characters in a form, huge numbers in a page's selector, out-of-range periods, other people's and
other agencies' ids). Expected: 4xx with field messages, never 500; of conflicting requests
exactly one wins and nothing accepted is lost or doubled."""

from __future__ import annotations

import io
from typing import Any

import pytest

from kinerja.audit.models import AuditEntry
from kinerja.people.models import AgencyViewer
from kinerja.performance.feedback_models import FeedbackRead
from kinerja.performance.log.models import EvidenceFile, WorkEntry
from tests.support import People, at_once, plan_head_and_boss, plan_staff, sign_in
from tests.test_aksi import approve, current_period, step_body
from tests.test_aksi import draft as draft
from tests.test_concurrency import codes, count
from tests.test_log_api import API as ENTRIES
from tests.test_log_api import TODAY, entry, png
from tests.test_reports import health as health
from tests.test_skp_api import token

API = "/api/v1/tenants/dinkes"
MULTIPART = "multipart/form-data"
N = 10


@pytest.fixture
def who(people: People, tenants: Any) -> dict[str, dict[str, str]]:
    a, users = tenants.a, people.users
    return {
        "staff": token(a, users["staff"]),
        "boss": token(a, users["boss"]),
        "peer": token(a, users["peer"]),
        "admin": token(a, users["admin"], "admin_opd"),
        "outsider": token(tenants.b, users["outsider"], "admin_opd"),
    }


@pytest.fixture
def year(people: People, tenants: Any) -> dict[str, int]:
    boss_rhk = plan_head_and_boss(tenants, people, TODAY.year)
    rhk, iki = plan_staff(tenants, people, TODAY.year, boss_rhk)
    return {"rhk": rhk, "iki": iki}


def a_draft(client: Any, who: dict, year: dict, files: int = 0, **changes: Any) -> dict:
    form = {k: v for k, v in entry(year, draft="true", **changes).items() if v is not None}
    form["evidence"] = [(io.BytesIO(png()), f"{n}.png") for n in range(files)]
    made = client.post(ENTRIES, data=form, headers=who["staff"], content_type=MULTIPART)
    assert made.status_code == 201, made.get_json()
    return made.get_json()


def tag_of(client: Any, url: str, headers: dict[str, str]) -> str:
    return client.get(url, headers=headers).headers["ETag"]


# --- editing an entry ---------------------------------------------------------------------------
def test_a_nul_character_in_a_multipart_edit_or_entry_is_refused_not_a_500(
    client, who, year
) -> None:
    """JSON bodies with NUL are refused before any view; a multipart form reached PostgreSQL,
    which refuses NUL in text (a 500)."""
    made = a_draft(client, who, year)
    url = f"{ENTRIES}/{made['id']}"
    tag = tag_of(client, url, who["staff"])
    answer = client.patch(
        url,
        data={"activity": "Rapat\x00koordinasi"},
        headers=who["staff"] | {"If-Match": tag},
        content_type=MULTIPART,
    )
    assert answer.status_code in (400, 422), answer.get_data(as_text=True)
    form = {k: v for k, v in entry(year, activity="a\x00b").items() if v is not None}
    created = client.post(ENTRIES, data=form, headers=who["staff"], content_type=MULTIPART)
    assert created.status_code in (400, 422), created.get_data(as_text=True)
    shown = client.get(url, headers=who["staff"]).get_json()
    assert shown["activity"] == made["activity"]


def test_many_edits_with_one_if_match_one_wins_the_rest_412(app, client, who, year, tenants):
    made = a_draft(client, who, year)
    url = f"{ENTRIES}/{made['id']}"
    tag = tag_of(client, url, who["staff"])
    calls = [
        lambda c, n=n: c.patch(
            # every one a change (the draft's is 3): a correction that changes nothing makes a
            # new version too, but no audit row (tests/test_log_edit.py)
            url,
            json={"quantity": str(n + 10)},
            headers=who["staff"] | {"If-Match": tag},
        )
        for n in range(N)
    ]
    answers = at_once(app, calls)
    assert codes(answers) == {200: 1, 412: N - 1}
    [winner] = [a.get_json() for a in answers if a.status_code == 200]
    assert client.get(url, headers=who["staff"]).get_json()["quantity"] == winner["quantity"]
    updates = AuditEntry.action == "log.update"
    assert count(tenants.a, AuditEntry, updates, AuditEntry.object_id == str(made["id"])) == 1


def test_deleting_a_file_while_sending_has_one_outcome(app, client, who, year, tenants) -> None:
    made = a_draft(client, who, year, files=2)
    url = f"{ENTRIES}/{made['id']}"
    tag = tag_of(client, url, who["staff"])
    file_id = made["files"][0]["id"]
    delete, send = at_once(
        app,
        [
            lambda c: c.delete(f"{url}/files/{file_id}", headers=who["staff"] | {"If-Match": tag}),
            lambda c: c.post(f"{url}/transitions", json={"action": "submit"}, headers=who["staff"]),
        ],
    )
    assert send.status_code == 200
    assert delete.status_code in (204, 409, 412), delete.get_json()
    files = client.get(url, headers=who["staff"]).get_json()["files"]
    assert len(files) == (1 if delete.status_code == 204 else 2)
    assert count(tenants.a, EvidenceFile) == len(files)


def test_an_edit_and_a_delete_of_one_draft_at_once(app, client, who, year, tenants) -> None:
    made = a_draft(client, who, year, files=1)
    url = f"{ENTRIES}/{made['id']}"
    tag = tag_of(client, url, who["staff"])
    answers = at_once(
        app,
        [
            lambda c: c.patch(
                url, json={"quantity": "5"}, headers=who["staff"] | {"If-Match": tag}
            ),
            lambda c: c.delete(url, headers=who["staff"] | {"If-Match": tag}),
        ]
        * 3,
    )
    got = codes(answers)
    assert got[500] == 0 and sum(got[c] for c in (200, 204)) == 1, got
    left = count(tenants.a, WorkEntry, WorkEntry.id == made["id"])
    assert left == (1 if got[200] else 0)
    assert count(tenants.a, EvidenceFile) == left


ODD_CORRECTIONS = [
    ({"quantity": "-1"}, "quantity"),
    ({"quantity": "1e20"}, "quantity"),
    ({"quantity": "NaN"}, "quantity"),
    ({"quantity": True}, "quantity"),
    ({"started": "10:00", "ended": "09:00"}, "ended"),
    ({"started": "25:00"}, "started"),
    ({"minutes": 0}, "minutes"),
    ({"minutes": 10**30}, "minutes"),
    ({"entry_date": "2026-02-30"}, "entry_date"),
    ({"entry_date": "0001-01-01"}, "rhk_id"),  # no plan of that year
    (
        {"entry_date": "0001-01-01", "rhk_id": None, "iki_id": None, "extra_reason": "x"},
        "entry_date",
    ),
    (
        {"entry_date": "9999-12-31", "rhk_id": None, "iki_id": None, "extra_reason": "x"},
        "entry_date",
    ),
    ({"rhk_id": 10**30}, "rhk_id"),
    ({"rhk_id": None, "extra_reason": None}, "rhk_id"),
    ({"iki_id": -5}, "iki_id"),
    ({"activity": "x" * 5000}, "activity"),
    ({"activity": None}, "activity"),
    ({"unit": "u" * 41}, "unit"),
    ({"remove_files": ["x"]}, "remove_files.0"),
    ({"remove_files": "7"}, "remove_files"),
    ({"remove_files": [10**6]}, "remove_files"),
    ({"rencana_aksi_id": "abc"}, "rencana_aksi_id"),
]


def test_odd_corrections_are_refused_by_field(client, who, year) -> None:
    made = a_draft(client, who, year)
    url = f"{ENTRIES}/{made['id']}"
    tag = tag_of(client, url, who["staff"])
    for body, field in ODD_CORRECTIONS:
        answer = client.patch(url, json=body, headers=who["staff"] | {"If-Match": tag})
        assert answer.status_code == 422, (body, answer.get_json())
        assert field in answer.get_json()["errors"]["json"], (body, answer.get_json())
    assert client.get(url, headers=who["staff"]).headers["ETag"] == tag  # nothing changed


def test_unicode_and_bad_requests_on_the_edit(client, who, year) -> None:
    made = a_draft(client, who, year)
    url = f"{ENTRIES}/{made['id']}"
    staff = who["staff"]
    text = "Rapat 👩‍⚕️ koordinasi — ĀĒĪ 漢字 \u202e"
    fine = client.patch(
        url, json={"activity": text}, headers=staff | {"If-Match": tag_of(client, url, staff)}
    )
    assert fine.status_code == 200 and fine.get_json()["activity"] == text.strip()
    tag = tag_of(client, url, staff)
    assert client.patch(url, json={"quantity": "1"}, headers=staff).status_code == 428
    for garbage in ('"x"', "garbage", 'W/"' + tag.strip('"') + '"', "*"):
        got = client.patch(url, json={"quantity": "1"}, headers=staff | {"If-Match": garbage})
        assert got.status_code == 412, garbage
    plain = client.patch(
        url, data="quantity=1", headers=staff | {"If-Match": tag}, content_type="text/plain"
    )
    assert plain.status_code == 415
    not_json = client.patch(
        url, data=b"{", headers=staff | {"If-Match": tag}, content_type="application/json"
    )
    assert not_json.status_code == 400
    listed = client.patch(url, json=[1, 2], headers=staff | {"If-Match": tag})
    assert listed.status_code == 422
    assert client.get(url, headers=staff).get_json()["activity"] == text.strip()


def test_other_peoples_and_agencies_ids_reach_nothing(client, who, year, tenants, people):
    made = a_draft(client, who, year, files=1)
    url = f"{ENTRIES}/{made['id']}"
    tag = tag_of(client, url, who["staff"])
    file_url = f"{url}/files/{made['files'][0]['id']}"
    for name in ("peer", "outsider"):
        assert (
            client.patch(
                url, json={"quantity": "1"}, headers=who[name] | {"If-Match": tag}
            ).status_code
            == 404
        )
        assert client.delete(file_url, headers=who[name] | {"If-Match": tag}).status_code == 404
        assert client.delete(url, headers=who[name] | {"If-Match": tag}).status_code == 404
    there = url.replace("/dinkes/", "/disdik/")
    assert client.get(there, headers=who["outsider"]).status_code == 404
    assert (
        client.patch(
            there, json={"quantity": "1"}, headers=who["outsider"] | {"If-Match": tag}
        ).status_code
        == 404
    )
    assert (
        client.delete(
            there.replace(url, url) + f"/files/{made['files'][0]['id']}",
            headers=who["outsider"] | {"If-Match": tag},
        ).status_code
        == 404
    )
    # The peer's own result is not one the staff's entry may serve.
    peer_rhk = {"rhk_id": 10**9}
    refused = client.patch(url, json=peer_rhk, headers=who["staff"] | {"If-Match": tag})
    assert refused.status_code == 422 and "rhk_id" in refused.get_json()["errors"]["json"]
    shown = client.get(url, headers=who["staff"]).get_json()
    assert len(shown["files"]) == 1 and shown["quantity"] == made["quantity"]


# --- Rencana Aksi ------------------------------------------------------------------------------
def test_two_step_edits_with_one_if_match_one_wins(app, client, who, draft, tenants) -> None:
    period = current_period(tenants.a)
    base = f"{API}/skp/{draft['skp']}/rencana-aksi"
    step = client.post(base, json=step_body(draft["rhk"], period), headers=who["staff"]).get_json()
    url = f"{base}/{step['id']}"
    tag = tag_of(client, url, who["staff"])
    calls = [
        lambda c, n=n: c.patch(
            url, json={"output": f"Keluaran {n}"}, headers=who["staff"] | {"If-Match": tag}
        )
        for n in range(N)
    ]
    answers = at_once(app, calls)
    assert codes(answers) == {200: 1, 412: N - 1}
    [winner] = [a.get_json() for a in answers if a.status_code == 200]
    assert client.get(url, headers=who["staff"]).get_json()["output"] == winner["output"]
    changed = AuditEntry.action == "aksi.update"
    assert count(tenants.a, AuditEntry, changed) == 1


def test_a_step_deleted_and_edited_at_once(app, client, who, draft, tenants) -> None:
    period = current_period(tenants.a)
    base = f"{API}/skp/{draft['skp']}/rencana-aksi"
    step = client.post(base, json=step_body(draft["rhk"], period), headers=who["staff"]).get_json()
    url = f"{base}/{step['id']}"
    tag = tag_of(client, url, who["staff"])
    answers = at_once(
        app,
        [
            lambda c: c.patch(
                url, json={"output": "Baru"}, headers=who["staff"] | {"If-Match": tag}
            ),
            lambda c: c.delete(url, headers=who["staff"] | {"If-Match": tag}),
        ]
        * 4,
    )
    got = codes(answers)
    assert got[500] == 0 and got[200] + got[204] == 1, got


def test_steps_added_while_the_skp_is_submitted_and_approved(
    app, client, who, draft, tenants, people
):
    """Steps added during the submission either land before it (and are in the plan decided)
    or are refused: never a step added to a plan already under decision."""
    period = current_period(tenants.a)
    base = f"{API}/skp/{draft['skp']}/rencana-aksi"
    skp_url = f"{API}/skp/{draft['skp']}/transitions"
    calls = [
        lambda c, n=n: c.post(
            base, json=step_body(draft["rhk"], period, text=f"L{n}"), headers=who["staff"]
        )
        for n in range(N - 1)
    ] + [lambda c: c.post(skp_url, json={"action": "submit"}, headers=who["staff"])]
    answers = at_once(app, calls)
    got = codes(answers)
    assert answers[-1].status_code == 200, answers[-1].get_json()
    assert got[500] == 0 and got[201] + got[409] == N - 1, got
    added = [a.get_json()["id"] for a in answers[:-1] if a.status_code == 201]
    listed = client.get(f"{base}?page_size=100", headers=who["staff"]).get_json()
    assert sorted(s["id"] for s in listed) == sorted(added)
    assert (
        client.post(base, json=step_body(draft["rhk"], period), headers=who["staff"]).status_code
        == 409
    )


ODD_STEPS = [
    ({"period": 0}, "period"),
    ({"period": -1}, "period"),
    ({"period": 13}, "period"),
    ({"period": 10**20}, "period"),
    ({"due": "1900-01-01"}, "due"),
    ({"due": "9999-12-31"}, "due"),
    ({"due": "2026-13-01"}, "due"),
    ({"rhk_id": 0}, "rhk_id"),
    ({"rhk_id": None}, "rhk_id"),
    ({"text": "t" * 1001}, "text"),
    ({"output": ""}, "output"),
    ({"text": "a\x00b"}, None),  # a JSON body with NUL: 400 before the view
]


def test_odd_steps_are_refused_by_field(client, who, draft, tenants) -> None:
    period = current_period(tenants.a)
    base = f"{API}/skp/{draft['skp']}/rencana-aksi"
    for change, field in ODD_STEPS:
        answer = client.post(
            base, json=step_body(draft["rhk"], period) | change, headers=who["staff"]
        )
        assert answer.status_code == (422 if field else 400), (change, answer.get_json())
        assert field is None or field in answer.get_json()["errors"]["json"], answer.get_json()
    listed = client.get(base, headers=who["staff"])
    assert listed.get_json() == [] and '"total": 0' in listed.headers["X-Pagination"]


def test_a_step_of_another_persons_plan_is_not_an_entrys(client, who, draft, tenants, people):
    """The staff's entry may not name a step of the boss's plan, nor a step of one of their own
    other results; the boss may not plan steps on the staff's result."""
    period = current_period(tenants.a)
    base = f"{API}/skp/{draft['skp']}/rencana-aksi"
    other = client.post(
        base, json=step_body(draft["rhk2"], period), headers=who["staff"]
    ).get_json()
    approve(tenants, people, draft["skp"])
    body = entry({"rhk": draft["rhk"], "iki": draft["iki"]}, rencana_aksi_id=other["id"])
    refused = client.post(ENTRIES, json=body, headers=who["staff"])
    assert refused.status_code == 422 and "rencana_aksi_id" in refused.get_json()["errors"]["json"]
    boss = client.post(base, json=step_body(draft["rhk"], period), headers=who["boss"])
    assert boss.status_code == 403
    outsider = client.post(
        f"/api/v1/tenants/disdik/skp/{draft['skp']}/rencana-aksi",
        json=step_body(draft["rhk"], period),
        headers=who["outsider"],
    )
    assert outsider.status_code == 404


# --- feedback ----------------------------------------------------------------------------------
def test_a_thread_opened_many_times_at_once_keeps_one_receipt(
    app, client, who, year, tenants, people
):
    """The superior opens a new thread in several tabs at once: each open marks it read; the
    receipt row is made once, no open fails."""
    started = client.post(
        f"{API}/feedback",
        json={"subject": "iki", "subject_id": year["iki"], "body": "Target realistis?"},
        headers=who["staff"],
    )
    assert started.status_code == 201
    url = f"{API}/feedback/{started.get_json()['id']}"
    answers = at_once(app, [lambda c: c.get(url, headers=who["boss"])] * N)
    assert codes(answers) == {200: N}
    mine = FeedbackRead.employee_id == people.superior
    assert count(tenants.a, FeedbackRead, mine) == 1


def test_feedback_odd_input_and_other_agencies(client, who, year, tenants, people) -> None:
    url = f"{API}/feedback"
    staff = who["staff"]
    for body, code in (
        ({"subject": "iki", "subject_id": year["iki"], "body": "x" * 4001}, 422),
        ({"subject": "iki", "subject_id": year["iki"], "body": "   "}, 422),
        ({"subject": "iki", "subject_id": year["iki"], "body": None}, 422),
        ({"subject": "iki", "subject_id": year["iki"], "body": "a\x00b"}, 400),
        ({"subject": "gaji", "subject_id": 1, "body": "Hai"}, 422),
        ({"subject": "iki", "subject_id": 0, "body": "Hai"}, 422),
        ({"subject": "iki", "subject_id": 10**30, "body": "Hai"}, 422),
        ({"subject": "iki", "subject_id": 999999, "body": "Hai"}, 404),
    ):
        got = client.post(url, json=body, headers=staff)
        assert got.status_code == code, (body, got.get_json())
    started = client.post(
        url, json={"subject": "rhk", "subject_id": year["rhk"], "body": "🙂 ok"}, headers=staff
    ).get_json()
    thread = f"{url}/{started['id']}"
    for name in ("outsider", "peer"):
        assert client.get(thread, headers=who[name]).status_code == 404
        got = client.post(f"{thread}/messages", json={"body": "Hai"}, headers=who[name])
        assert got.status_code == 404, name
    there = thread.replace("/dinkes/", "/disdik/")
    assert client.get(there, headers=who["outsider"]).status_code == 404
    # An outsider starting a thread about our IKI through their own agency finds nothing.
    theirs = client.post(
        "/api/v1/tenants/disdik/feedback",
        json={"subject": "iki", "subject_id": year["iki"], "body": "Hai"},
        headers=who["outsider"],
    )
    assert theirs.status_code == 404
    # A draft entry of the staff's: the superior cannot see it, so cannot talk about it.
    draft_entry = client.post(ENTRIES, json=entry(year, draft=True), headers=staff).get_json()
    about = {"subject": "entry", "subject_id": draft_entry["id"], "body": "Hai"}
    assert client.post(url, json=about, headers=who["peer"]).status_code == 404


# --- the agency's viewers ----------------------------------------------------------------------
def test_one_viewer_named_by_many_clicks_is_named_once(app, client, who, people, tenants) -> None:
    url = f"{API}/viewers"
    body = {"employee_id": people.peer}
    answers = at_once(app, [lambda c: c.post(url, json=body, headers=who["admin"])] * N)
    assert codes(answers) == {201: 1, 409: N - 1}
    assert count(tenants.a, AgencyViewer) == 1


def test_viewers_odd_input_and_other_agencies(client, who, people, tenants) -> None:
    url = f"{API}/viewers"
    admin = who["admin"]
    for body in (
        {},
        {"employee_id": people.peer, "position_id": 1},
        {"employee_id": people.other},  # another agency's employee
        {"employee_id": 10**30},
        {"employee_id": "x"},
        {"position_id": -1},
    ):
        got = client.post(url, json=body, headers=admin)
        assert got.status_code == 422, (body, got.get_json())
    named = client.post(url, json={"employee_id": people.peer}, headers=admin).get_json()
    assert client.get(url, headers=who["outsider"]).status_code == 404
    assert client.delete(f"{url}/{named['id']}", headers=who["outsider"]).status_code == 404
    there = f"/api/v1/tenants/disdik/viewers/{named['id']}"
    assert client.delete(there, headers=who["outsider"]).status_code == 404
    assert count(tenants.a, AgencyViewer) == 1


# --- the Dinas Kesehatan plugin ----------------------------------------------------------------
SELECTORS = [
    "month=1&year=99999999999999999999",
    "month=99999999999999999999&year=2026",
    "month=2026-99999999999999999999",
    "month=99999999999999999999-1",
    "month=-1&year=-1",
    "month=13&year=2026",
    "month=%F0%9F%99%82&year=2026",
    "month=0&year=0",
]


def test_the_coverage_page_takes_any_selector(health, people) -> None:
    """A selector the page cannot read shows this month (a twenty-digit year overflowed)."""
    from kinerja import clock

    plugged, _client = health
    browser = plugged.test_client()
    sign_in(browser, "staff")
    shown = browser.get("/t/dinkes/p/kinerja-dinkes/cakupan").get_data(as_text=True)
    assert str(clock.this_year()) in shown
    for query in SELECTORS:
        page = browser.get(f"/t/dinkes/p/kinerja-dinkes/cakupan?{query}")
        assert page.status_code == 200, (query, page.status_code)


def test_one_puskesmas_registered_by_many_clicks_is_registered_once(health, people, tenants):
    from kinerja_dinkes.models import Puskesmas

    plugged, _client = health
    admin = plugged.test_client()
    sign_in(admin, "admin")
    url = "/t/dinkes/p/kinerja-dinkes/puskesmas"
    html = admin.get(url).get_data(as_text=True)
    import re

    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    cookie = admin.get_cookie("session") or admin.get_cookie("kinerja_session")
    assert cookie is not None
    before = count(tenants.a, Puskesmas)

    def add(c: Any, n: int) -> Any:
        c.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
        code = "PX" if n % 2 else "PY"
        return c.post(
            url, data={"csrf_token": csrf, "code": code, "name": "Puskesmas Baru", "kecamatan": ""}
        )

    answers = at_once(plugged, [lambda c, n=n: add(c, n) for n in range(N)])
    got = codes(answers)
    assert got[303] == 1 and got[422] == N - 1, got
    assert count(tenants.a, Puskesmas) == before + 1


# --- the last day a date can hold -----------------------------------------------------------------
def test_an_entry_for_the_last_day_of_9999_is_refused_by_field(client, who, year) -> None:
    """Its deadline (three days later) overflowed the calendar: a 500 on create and edit."""
    from datetime import UTC, date, datetime

    from kinerja.performance.log import rules

    refused = rules.timing(date.max, datetime.now(UTC), rules.Policy())
    assert not refused.allowed and "still to come" in (refused.problem or "")
    body = entry(
        year, entry_date="9999-12-31", rhk_id=None, iki_id=None, extra_reason="Tugas tambahan"
    )
    answer = client.post(ENTRIES, json=body, headers=who["staff"])
    assert answer.status_code == 422 and "entry_date" in answer.get_json()["errors"]["json"]


def test_a_nul_character_on_the_edit_page_is_refused_by_field(app, client, who, year) -> None:
    import re

    made = a_draft(client, who, year)
    staff = app.test_client()
    sign_in(staff, "staff")
    edit_url = f"/t/dinkes/log/{made['id']}/edit"
    form = staff.get(edit_url).get_data(as_text=True)
    version = re.search(r'name="version" value="([0-9a-f]+)"', form).group(1)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    data = {
        "csrf_token": csrf,
        "version": version,
        "entry_date": made["entry_date"],
        "rhk_id": str(year["rhk"]),
        "activity": "Rapat\x00",
        "quantity": "2",
    }
    answer = staff.post(edit_url, data=data)
    assert answer.status_code == 422, answer.status_code
    assert (
        client.get(f"{ENTRIES}/{made['id']}", headers=who["staff"]).get_json()["activity"]
        == (made["activity"])
    )


# --- more bursts -------------------------------------------------------------------------------
def test_a_step_marked_done_by_many_clicks_is_marked_once(app, client, who, draft, tenants, people):
    period = current_period(tenants.a)
    base = f"{API}/skp/{draft['skp']}/rencana-aksi"
    step = client.post(base, json=step_body(draft["rhk"], period), headers=who["staff"]).get_json()
    approve(tenants, people, draft["skp"])
    url = f"{base}/{step['id']}"
    tag = tag_of(client, url, who["staff"])
    calls = [
        lambda c: c.put(
            f"{url}/done", json={"done": True}, headers=who["staff"] | {"If-Match": tag}
        )
    ] * N
    answers = at_once(app, calls)
    assert codes(answers) == {200: 1, 412: N - 1}
    assert count(tenants.a, AuditEntry, AuditEntry.action == "aksi.done") == 1


def test_a_step_changed_and_deleted_from_two_tabs_of_the_page(app, who, draft, tenants) -> None:
    """The pages send no version: the last change wins, but a change racing a delete is
    either done before it or finds the step gone, never a 500."""
    import re

    client = app.test_client()
    period = current_period(tenants.a)
    base = f"{API}/skp/{draft['skp']}/rencana-aksi"
    step = client.post(base, json=step_body(draft["rhk"], period), headers=who["staff"]).get_json()
    page = f"/t/dinkes/skp/{draft['skp']}/rencana-aksi/{step['id']}"
    browser = app.test_client()
    sign_in(browser, "staff")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', browser.get(page).get_data(as_text=True))
    assert csrf is not None
    cookie = browser.get_cookie("kinerja_session")

    def as_staff(c: Any, path: str, data: dict[str, str]) -> Any:
        c.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
        return c.post(path, data={"csrf_token": csrf.group(1)} | data)

    answers = at_once(
        app,
        [
            lambda c: as_staff(c, page, {"output": "Baru"}),
            lambda c: as_staff(c, f"{page}/delete", {}),
        ]
        * 4,
    )
    got = codes(answers)
    assert got[500] == 0 and set(got) <= {303, 404}, got
    assert client.get(f"{base}/{step['id']}", headers=who["staff"]).status_code == 404
    assert count(tenants.a, AuditEntry, AuditEntry.action == "aksi.delete") == 1


def test_a_viewer_taken_off_by_many_clicks_is_taken_off_once(app, client, who, people, tenants):
    named = client.post(
        f"{API}/viewers", json={"employee_id": people.peer}, headers=who["admin"]
    ).get_json()
    url = f"{API}/viewers/{named['id']}"
    answers = at_once(app, [lambda c: c.delete(url, headers=who["admin"])] * N)
    assert codes(answers) == {204: 1, 404: N - 1}
    removed = AuditEntry.action == "agency_viewer.removed"
    assert count(tenants.a, AuditEntry, removed) == 1


# --- lists and pages with odd arguments ---------------------------------------------------------
def test_lists_and_the_team_feed_take_odd_arguments(app, client, who, year) -> None:
    for n in range(3):
        client.post(ENTRIES, json=entry(year, activity=f"Kegiatan {n}"), headers=who["staff"])
    boss = who["boss"]
    for query, code in (
        ("page=0", 422),
        ("page=-1", 422),
        ("page=99999999999999999999", 200),  # past the end: an empty page
        ("page_size=0", 422),
        ("page_size=100000", 422),
        ("page=abc", 422),
        ("scope=team&status=nonsense", 422),
        ("scope=everything", 422),
        ("scope=team&date_from=2026-02-30", 422),
        ("scope=team&employee_id=99999999999999999999", 422),
        ("scope=team&page=1000", 200),
    ):
        got = client.get(f"{ENTRIES}?{query}", headers=boss)
        assert got.status_code == code, (query, got.get_json())
    paged = client.get(f"{ENTRIES}?scope=team&page_size=2", headers=boss)
    assert len(paged.get_json()) == 2 and '"total": 3' in paged.headers["X-Pagination"]
    browser = app.test_client()
    sign_in(browser, "boss")
    for query in (
        "",
        "status=all&page=99999999999999999999",
        "status=%F0%9F%99%82&page=-3",
        "employee=abc&rhk=99999999999999999999&from=9999-99-99&to=0000-00-00",
        "from=99999-01-01&to=2026-13-45&subtree=1",
        "after=-1",
    ):
        page = browser.get(f"/t/dinkes/log/team?{query}")
        assert page.status_code == 200, (query, page.status_code)
        feed = browser.get(f"/t/dinkes/log/team/feed?{query}")
        assert feed.status_code == 200, (query, feed.status_code)
    outsider = app.test_client()
    sign_in(outsider, "outsider")
    assert outsider.get("/t/dinkes/log/team").status_code == 404


def test_feedback_and_viewers_pages_take_odd_input(app, who, year, people) -> None:
    import re

    staff = app.test_client()
    sign_in(staff, "staff")
    for query in (
        "subject=iki&subject_id=99999999999999999999",
        "subject=gaji&subject_id=1",
        f"subject=entry&subject_id={year['iki']}x",
        "",
    ):
        assert staff.get(f"/t/dinkes/feedback/new?{query}").status_code == 404, query
    page = staff.get("/t/dinkes/feedback").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    for form, code in (
        ({"subject": "iki", "subject_id": str(year["iki"]), "body": "a\x00b"}, 422),
        ({"subject": "iki", "subject_id": str(year["iki"]), "body": "x" * 4001}, 422),
        ({"subject": "iki", "subject_id": "-1", "body": "Hai"}, 404),
        ({"subject": "gaji", "subject_id": "1", "body": "Hai"}, 422),
    ):
        answer = staff.post("/t/dinkes/feedback", data={"csrf_token": csrf} | form)
        assert answer.status_code == code, (form, answer.status_code)
    admin = app.test_client()
    sign_in(admin, "admin")
    page = admin.get("/t/dinkes/viewers").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    for form in (
        {"employee_id": "abc"},
        {"employee_id": str(people.other)},
        {"position_id": "99999999999999999999"},
        {"remove": "999999"},
    ):
        answer = admin.post("/t/dinkes/viewers", data={"csrf_token": csrf} | form)
        assert answer.status_code in (404, 409, 422), (form, answer.status_code)


def test_an_achievement_takes_extreme_numbers() -> None:
    from decimal import Decimal

    from kinerja.rules import iki

    huge, tiny = Decimal("999999999999999.99"), Decimal("0.01")
    assert iki.achievement(huge, tiny, None, "kuantitas") == 9999999999999999900
    assert iki.achievement(tiny, huge, None, "kuantitas") == 0
    assert iki.achievement(huge, Decimal(0), None, "kuantitas") is None  # no target to beat
    assert iki.achievement(Decimal(0), tiny, None, "waktu") is None  # less is better: none
    # Less is better: a cost far below its target is far above 100 % (the bar stops at 100).
    assert iki.achievement(tiny, huge, huge, "biaya") == 9999999999999999900
    assert iki.bar(iki.achievement(tiny, huge, huge, "biaya")) == 100


def test_one_edit_form_sent_from_several_tabs_saves_once(app, client, who, year, tenants):
    import re

    made = a_draft(client, who, year)
    browser = app.test_client()
    sign_in(browser, "staff")
    edit_url = f"/t/dinkes/log/{made['id']}/edit"
    form = browser.get(edit_url).get_data(as_text=True)
    version = re.search(r'name="version" value="([0-9a-f]+)"', form).group(1)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    cookie = browser.get_cookie("kinerja_session")

    def send(c: Any, n: int) -> Any:
        c.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
        data = {
            "csrf_token": csrf,
            "version": version,
            "entry_date": made["entry_date"],
            "rhk_id": str(year["rhk"]),
            "activity": f"Tab {n}",
            "quantity": str(n + 1),
        }
        return c.post(edit_url, data=data)

    answers = at_once(app, [lambda c, n=n: send(c, n) for n in range(6)])
    assert codes(answers) == {303: 1, 409: 5}
    updates = AuditEntry.action == "log.update"
    assert count(tenants.a, AuditEntry, updates) == 1


def test_a_report_page_with_a_nul_character_is_refused_by_field(health, people, tenants):
    """The immunisation report's note (a text field) from the web form: PostgreSQL refuses NUL
    (a 500); the page names the field instead, and an unknown puskesmas is refused too."""
    import re

    from tests.test_reports import REPORT

    plugged, client = health
    browser = plugged.test_client()
    sign_in(browser, "staff")
    page = browser.get("/t/dinkes/reports/LHI/new").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {k: str(v) for k, v in REPORT.items()} | {"idempotency_key": key, "csrf_token": csrf}
    for change in ({"catatan_kipi": "Demam\x00"}, {"puskesmas": "Puskesmas Antah Berantah"}):
        sent = browser.post("/t/dinkes/reports/LHI/new", data=form | change)
        assert sent.status_code == 422, (change, sent.status_code)
    staff = token(tenants.a, people.users["staff"])
    assert (
        client.get("/api/v1/tenants/dinkes/forms/LHI/submissions", headers=staff).get_json() == []
    )
