"""The agency's settings and admin writes attacked with concurrent identical or conflicting
requests (units, targets, the year's frequency, the entries' rules, e-mail choices, the talent
policy, an evaluation's realisasi, an SKP's results and plan, the units page sent twice).
Expected: of conflicting requests exactly one wins; an update naming an ETag that another one
has just made stale gets 412; a second create of one code gets 409; nothing is written twice,
nothing accepted is overwritten silently, and none of them gets a 500."""

from __future__ import annotations

from typing import Any

import pytest

from kinerja.audit.models import AuditEntry
from kinerja.organisation.models import OrgUnit
from kinerja.performance.models import OrgTarget
from tests.support import People, at_once, csrf_token, sign_in
from tests.test_concurrency import codes, count
from tests.test_evaluation_api import prepared
from tests.test_skp_api import token
from tests.test_talent import API as TALENT
from tests.test_talent import team as team

API = "/api/v1/tenants/dinkes"
N = 6


@pytest.fixture
def admin(people: People, tenants: Any) -> dict[str, str]:
    return token(tenants.a, people.users["admin"], "admin_opd")


def with_one_if_match(
    app: Any, client: Any, method: str, url: str, headers: dict, bodies: list, read: str = ""
) -> list[Any]:
    """Every body sent at once with the If-Match of one GET, as from several tabs opened on
    the same version."""
    etag = client.get(read or url, headers=headers).headers["ETag"]
    sent = headers | {"If-Match": etag}
    return at_once(
        app, [lambda c, b=b: getattr(c, method)(url, json=b, headers=sent) for b in bodies]
    )


def one_wins(answers: list[Any]) -> dict[str, Any]:
    """Exactly one 200, the others 412; the winner's answer."""
    assert codes(answers) == {200: 1, 412: len(answers) - 1}
    [winner] = [a.get_json() for a in answers if a.status_code == 200]
    return winner


# --- units -------------------------------------------------------------------------------------
def test_one_unit_code_created_by_many_clicks_is_created_once(app, tenants, operator) -> None:
    body = {"code": "PKM-1", "name": "Puskesmas"}
    answers = at_once(app, [lambda c: c.post(f"{API}/units", json=body, headers=operator)] * N)
    assert codes(answers) == {201: 1, 409: N - 1}
    assert count(tenants.a, OrgUnit, OrgUnit.code == "PKM-1") == 1


def test_unit_edits_with_one_if_match_one_wins_the_rest_412(app, client, tenants, operator):
    url = f"{API}/units/{tenants.units['A-SUB']}"
    bodies = [{"name": f"Bidang {n}"} for n in range(N)]
    winner = one_wins(with_one_if_match(app, client, "patch", url, operator, bodies))
    assert client.get(url, headers=operator).get_json()["name"] == winner["name"]
    updates = AuditEntry.action == "org_unit.update"
    assert count(tenants.a, AuditEntry, updates) == 1


def test_a_unit_deleted_by_many_clicks_is_deleted_and_audited_once(app, client, tenants, operator):
    url = f"{API}/units/{tenants.units['A-SUB']}"
    etag = client.get(url, headers=operator).headers["ETag"]
    delete = lambda c: c.delete(url, headers=operator | {"If-Match": etag})  # noqa: E731
    answers = at_once(app, [delete] * N)
    assert codes(answers) == {204: 1, 404: N - 1}
    assert count(tenants.a, AuditEntry, AuditEntry.action == "org_unit.delete") == 1


def test_two_units_moved_under_each_other_at_once_make_no_cycle(app, client, tenants, operator):
    made = [
        client.post(f"{API}/units", json={"code": c, "name": c}, headers=operator).get_json()
        for c in ("X", "Y")
    ]
    x, y = (m["id"] for m in made)

    def under(unit: int, parent: int) -> Any:
        def move(c: Any) -> Any:
            url = f"{API}/units/{unit}"
            etag = c.get(url, headers=operator).headers["ETag"]
            return c.patch(url, json={"parent_id": parent}, headers=operator | {"If-Match": etag})

        return move

    answers = at_once(app, [under(x, y), under(y, x)])
    assert codes(answers) == {200: 1, 409: 1}
    parents = {u: client.get(f"{API}/units/{u}", headers=operator).get_json() for u in (x, y)}
    assert [p["parent_id"] for p in parents.values()].count(None) == 1


@pytest.mark.parametrize("n", range(3))  # which one commits first varies: none may 500
def test_a_unit_deleted_while_a_sub_unit_is_added_under_it(app, client, tenants, operator, n):
    made = client.post(f"{API}/units", json={"code": "B", "name": "B"}, headers=operator)
    url = f"{API}/units/{made.get_json()['id']}"
    etag = client.get(url, headers=operator).headers["ETag"]
    child = {"code": "B-1", "name": "Seksi", "parent_id": made.get_json()["id"]}
    deleted, added = at_once(
        app,
        [
            lambda c: c.delete(url, headers=operator | {"If-Match": etag}),
            lambda c: c.post(f"{API}/units", json=child, headers=operator),
        ],
    )
    if added.status_code == 201:  # the unit has a sub-unit: its delete is refused
        assert deleted.status_code == 409
        assert client.get(url, headers=operator).status_code == 200
    else:  # deleted first: the sub-unit names a unit that is gone
        assert (deleted.status_code, added.status_code) == (204, 422)
        assert count(tenants.a, OrgUnit, OrgUnit.code == "B-1") == 0


def test_the_units_page_sent_twice_adds_the_unit_once(app, people, tenants) -> None:
    browser = app.test_client()
    sign_in(browser, "admin")
    csrf = csrf_token(browser, "/t/dinkes/units")
    cookie = browser.get_cookie("kinerja_session")

    def send(c: Any) -> Any:
        c.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
        return c.post("/t/dinkes/units", data={"csrf_token": csrf, "code": "UPT", "name": "UPT"})

    answers = at_once(app, [send] * N)
    assert codes(answers) == {303: 1, 409: N - 1}
    assert count(tenants.a, OrgUnit, OrgUnit.code == "UPT") == 1


# --- the year's plan ---------------------------------------------------------------------------
def test_one_target_code_created_by_many_clicks_is_created_once(app, tenants, admin) -> None:
    body = {"code": "SS9", "text": "Sasaran", "indicators": []}
    post = lambda c: c.post(f"{API}/targets?year=2026", json=body, headers=admin)  # noqa: E731
    assert codes(at_once(app, [post] * N)) == {201: 1, 409: N - 1}
    assert count(tenants.a, OrgTarget, OrgTarget.code == "SS9") == 1


def test_target_edits_with_one_if_match_one_wins_the_rest_412(app, client, admin) -> None:
    body = {"code": "SS1", "text": "Sasaran", "indicators": []}
    made = client.post(f"{API}/targets?year=2026", json=body, headers=admin).get_json()
    url = f"{API}/targets/{made['id']}"
    bodies = [{"text": f"Sasaran {n}"} for n in range(N)]
    winner = one_wins(with_one_if_match(app, client, "patch", url, admin, bodies))
    assert client.get(url, headers=admin).get_json()["text"] == winner["text"]


def test_the_years_frequency_first_set_from_two_tabs_one_wins(app, client, admin) -> None:
    url = f"{API}/years/2026"
    bodies = [{"frequency": f} for f in ("monthly", "semester") * 3]
    winner = one_wins(with_one_if_match(app, client, "put", url, admin, bodies))
    assert client.get(url, headers=admin).get_json()["frequency"] == winner["frequency"]


def test_an_rhk_edited_with_one_if_match_one_wins_the_rest_412(app, client, people, tenants):
    setup = prepared(people, tenants)
    staff = setup["who"]["staff"]
    # A revision of the approved plan is a draft again: its results may change.
    opened = client.post(
        f"{API}/skp/{setup['skp']}/transitions",
        json={"action": "revise", "reason": "Target berubah"},
        headers=staff,
    )
    assert opened.status_code == 200, opened.get_json()
    url = f"{API}/skp/{setup['skp']}/rhk/{setup['rhk']}"
    bodies = [{"text": f"Laporan imunisasi {n}"} for n in range(N)]
    winner = one_wins(with_one_if_match(app, client, "patch", url, staff, bodies))
    assert client.get(url, headers=staff).get_json()["text"] == winner["text"]


def test_an_evaluations_realisasi_sent_with_one_if_match_one_wins(app, client, people, tenants):
    setup = prepared(people, tenants)
    staff = setup["who"]["staff"]
    started = client.post(
        f"{API}/evaluations", json={"skp_id": setup["skp"], "period": 1}, headers=staff
    ).get_json()
    url = f"{API}/evaluations/{started['id']}"
    bodies = [{str(setup["iki"]): {"realisasi": str(n + 1)}} for n in range(N)]
    answers = with_one_if_match(app, client, "put", f"{url}/items", staff, bodies, read=url)
    winner = one_wins(answers)
    stored = client.get(url, headers=staff).get_json()
    assert stored["items"] == winner["items"]


# --- the agency's rules and one's own choices --------------------------------------------------
def test_the_entries_rules_first_saved_from_many_tabs_one_wins(app, client, admin) -> None:
    url = f"{API}/log-policy"
    bodies = [{"deadline_days": n + 10} for n in range(N)]
    winner = one_wins(with_one_if_match(app, client, "put", url, admin, bodies))
    assert client.get(url, headers=admin).get_json() == winner


def test_email_choices_sent_from_many_tabs_one_wins(app, client, people, tenants) -> None:
    staff = token(tenants.a, people.users["staff"])
    url = f"{API}/notifications/choices"
    kinds = ["skp_waiting", "skp_approved", "skp_rejected", "entry_rejected", "assessment_task"]
    before = client.get(url, headers=staff).get_json()["choices"]
    assert all(before[kind] for kind in kinds)  # each tab turns another one off
    bodies = [{"choices": {kind: False}} for kind in kinds]
    winner = one_wins(with_one_if_match(app, client, "put", url, staff, bodies))
    after = client.get(url, headers=staff).get_json()["choices"]
    assert after == winner["choices"] and [after[kind] for kind in kinds].count(False) == 1


def test_the_talent_policy_changed_from_many_tabs_one_wins(app, client, team) -> None:
    url = f"{TALENT}/policy"
    bodies = [{"minimum": n + 4} for n in range(N)]
    winner = one_wins(with_one_if_match(app, client, "put", url, team["admin"], bodies))
    assert client.get(url, headers=team["admin"]).get_json()["minimum"] == winner["minimum"]


def test_a_rating_sent_from_several_tabs_with_one_if_match_one_wins(app, client, people, tenants):
    setup = prepared(people, tenants)
    staff, boss = setup["who"]["staff"], setup["who"]["boss"]
    started = client.post(
        f"{API}/evaluations", json={"skp_id": setup["skp"], "period": 1}, headers=staff
    ).get_json()
    url = f"{API}/evaluations/{started['id']}"
    sent = client.post(f"{url}/transitions", json={"action": "submit"}, headers=staff)
    assert sent.status_code == 200, sent.get_json()
    levels = ["DI_ATAS", "SESUAI", "DI_BAWAH"]
    bodies = [
        {"rating_hasil": hasil, "rating_perilaku": perilaku}
        for hasil in levels
        for perilaku in levels[:2]
    ]
    answers = with_one_if_match(app, client, "put", f"{url}/rating", boss, bodies, read=url)
    winner = one_wins(answers)
    stored = client.get(url, headers=boss).get_json()
    assert (stored["rating_hasil"], stored["rating_perilaku"]) == (
        winner["rating_hasil"],
        winner["rating_perilaku"],
    )
