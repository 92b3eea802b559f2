"""Rencana Aksi: the planned steps per result (RHK) and period. The rules as pure functions, the
API (paged list, If-Match, refusals), the daily entry naming its step, status and evidence on
the evaluation, the pages, isolation between agencies, and edits racing a submission."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest

from kinerja import clock
from kinerja.db import db
from kinerja.people import employees
from kinerja.performance import flow, plan, years
from kinerja.performance import skp as skps
from kinerja.performance.aksi import rules
from kinerja.performance.periods import Period, split
from kinerja.permissions import Principal
from tests.support import (
    People,
    at_once,
    csrf_token,
    plan_head_and_boss,
    put_if_match,
    sign_in,
)
from tests.test_skp_api import token

TODAY = clock.today()
API = "/api/v1/tenants/dinkes"


# --- the rules, pure -----------------------------------------------------------------------------
D = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("due", "marked", "evidenced", "today", "expected"),
    [
        (D, False, False, D, rules.PLANNED),  # due today is not late yet
        (D, False, False, D - timedelta(days=1), rules.PLANNED),
        (D, False, False, D + timedelta(days=1), rules.OVERDUE),
        (D, True, False, D + timedelta(days=30), rules.DONE),  # marked done
        (D, False, True, D + timedelta(days=30), rules.DONE),  # evidenced by approved work
        (D, False, True, D - timedelta(days=30), rules.DONE),  # done early
    ],
)
def test_a_step_is_done_overdue_or_planned(due, marked, evidenced, today, expected) -> None:
    assert rules.status(due, marked, evidenced, today) == expected


QUARTERS = split(date(2026, 1, 1), date(2026, 12, 31), "quarterly")


@pytest.mark.parametrize(
    ("number", "due", "field"),
    [
        (1, date(2026, 1, 1), None),
        (1, date(2026, 3, 31), None),
        (1, date(2026, 4, 1), "due"),  # the next quarter's first day
        (2, date(2026, 3, 31), "due"),
        (4, date(2026, 12, 31), None),
        (5, date(2026, 12, 31), "period"),  # a year of quarters has four
    ],
)
def test_a_steps_date_lies_inside_its_period(number, due, field) -> None:
    found = rules.check_date(QUARTERS, number, due)
    assert (found.field if found else None) == field


def test_a_refused_date_names_the_periods_bounds() -> None:
    found = rules.check_date([Period(1, date(2026, 1, 1), date(2026, 1, 31))], 1, D)
    assert found is not None and found.params == {
        "starts": date(2026, 1, 1),
        "ends": date(2026, 1, 31),
    }


# --- builders ------------------------------------------------------------------------------------
def _as(employee_id: int, tenant_id: int, user_id: int = 0) -> Principal:
    return Principal(
        user_id=user_id, tenant_id=tenant_id, roles=frozenset({"pegawai"}), employee_id=employee_id
    )


@pytest.fixture
def draft(people: People, tenants: Any) -> dict[str, int]:
    """The staff's draft SKP of this year with two results (from the boss's approved one)."""
    boss_rhk = plan_head_and_boss(tenants, people, TODAY.year)
    with db.unit_of_work(tenants.a) as session:
        staff = employees.get_employee(session, people.staff)
        skp = skps.create(session, staff, TODAY.year)
        iki = {"text": "Laporan", "aspect": "kuantitas", "target_low": "12", "unit": "laporan"}
        first = plan.add_rhk(
            session, skp, {"text": "Laporan imunisasi", "parent_rhk_id": boss_rhk, "iki": [iki]}
        )
        second = plan.add_rhk(
            session, skp, {"text": "Supervisi posyandu", "parent_rhk_id": boss_rhk, "iki": [iki]}
        )
        iki_id = skps.iki_by_rhk(session, [first.id])[first.id][0].id
        return {"skp": skp.id, "rhk": first.id, "rhk2": second.id, "iki": iki_id}


def approve(tenants: Any, people: People, skp_id: int) -> None:
    with db.unit_of_work(tenants.a) as session:
        skp = skps.get(session, skp_id)
        flow.act(session, _as(people.staff, tenants.a, 9), skp, "submit")
        flow.act(session, _as(people.superior, tenants.a, 8), skp, "approve")


@pytest.fixture
def who(people: People, tenants: Any) -> dict[str, dict[str, str]]:
    a = tenants.a
    return {
        "staff": token(a, people.users["staff"]),
        "boss": token(a, people.users["boss"]),
        "peer": token(a, people.users["peer"]),
        "admin": token(a, people.users["admin"], "admin_opd"),
        "outsider": token(tenants.b, people.users["outsider"], "admin_opd"),
    }


def current_period(tenant_id: int) -> Period:
    with db.unit_of_work(tenant_id) as session:
        found = [p for p in years.periods_of(session, TODAY.year) if p.starts <= TODAY <= p.ends]
    return found[0]


def step_body(rhk_id: int, span: Period, **changes: Any) -> dict[str, Any]:
    return {
        "rhk_id": rhk_id,
        "period": span.number,
        "text": "Menyusun rekap cakupan imunisasi puskesmas",
        "due": span.ends.isoformat(),
        "output": "Rekap cakupan triwulan",
    } | changes


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_json()
    return response.get_json()


# --- the API -------------------------------------------------------------------------------------
def test_steps_are_planned_per_result_and_period_while_the_skp_can_change(
    client, who, draft, tenants, people
) -> None:
    period = current_period(tenants.a)
    base = f"{API}/skp/{draft['skp']}/rencana-aksi"
    staff = who["staff"]
    made = [
        ok(
            client.post(
                base, json=step_body(draft["rhk"], period, text=f"Langkah {n}"), headers=staff
            ),
            201,
        )
        for n in range(3)
    ]
    other = ok(client.post(base, json=step_body(draft["rhk2"], period), headers=staff), 201)
    assert made[0]["status"] == rules.PLANNED and made[0]["evidence"] == []
    assert made[0]["status_label"] == "Planned"
    listed = client.get(f"{base}?rhk_id={draft['rhk']}&page_size=2", headers=staff)
    assert ok(listed) and len(listed.get_json()) == 2
    assert '"total": 3' in listed.headers["X-Pagination"]
    everything = client.get(base, headers=staff)
    assert '"total": 4' in everything.headers["X-Pagination"]
    assert {s["id"] for s in everything.get_json()} == {s["id"] for s in made} | {other["id"]}

    url = f"{base}/{made[0]['id']}"
    assert client.patch(url, json={"text": "Baru"}, headers=staff).status_code == 428
    etag = client.get(url, headers=staff).headers["ETag"]
    changed = client.patch(url, json={"output": "Rekap final"}, headers=staff | {"If-Match": etag})
    assert ok(changed)["output"] == "Rekap final" and changed.get_json()["text"] == "Langkah 0"
    stale = client.patch(url, json={"output": "Lagi"}, headers=staff | {"If-Match": etag})
    assert stale.status_code == 412
    etag = client.get(url, headers=staff).headers["ETag"]
    assert client.delete(url, headers=staff | {"If-Match": etag}).status_code == 204
    assert client.get(url, headers=staff).status_code == 404

    # The superior reads the plan's steps; only its owner plans them.
    assert ok(client.get(base, headers=who["boss"]))
    assert (
        client.post(base, json=step_body(draft["rhk"], period), headers=who["boss"]).status_code
        == 403
    )

    # Once submitted, the steps are part of the plan under decision: they wait.
    approve(tenants, people, draft["skp"])
    refused = client.post(base, json=step_body(draft["rhk"], period), headers=staff)
    assert refused.status_code == 409
    url = f"{base}/{made[1]['id']}"
    etag = client.get(url, headers=staff).headers["ETag"]
    assert (
        client.patch(url, json={"text": "X"}, headers=staff | {"If-Match": etag}).status_code == 409
    )
    assert client.delete(url, headers=staff | {"If-Match": etag}).status_code == 409


def test_a_bad_step_is_refused_field_by_field_in_the_readers_language(
    client, who, draft, tenants
) -> None:
    period = current_period(tenants.a)
    base = f"{API}/skp/{draft['skp']}/rencana-aksi"
    staff = who["staff"] | {"Accept-Language": "id"}
    blank = client.post(base, json={"rhk_id": draft["rhk"], "period": period.number}, headers=staff)
    assert blank.status_code == 422
    fields = blank.get_json()["errors"]["json"]
    assert {"text", "due", "output"} <= set(fields)
    outside = period.ends + timedelta(days=1)
    late = client.post(
        base, json=step_body(draft["rhk"], period, due=outside.isoformat()), headers=staff
    )
    assert late.status_code == 422 and set(late.get_json()["errors"]["json"]) == {"due"}
    assert "periode" in late.get_json()["errors"]["json"]["due"][0]
    beyond = client.post(base, json=step_body(draft["rhk"], period, period=12), headers=staff)
    with db.unit_of_work(tenants.a) as session:
        count = len(years.periods_of(session, TODAY.year))
    if count < 12:  # quarterly by default: there is no twelfth period
        assert beyond.status_code == 422 and "period" in beyond.get_json()["errors"]["json"]
    wrong = client.post(base, json=step_body(10**12, period), headers=staff)
    assert wrong.status_code == 422 and "rhk_id" in wrong.get_json()["errors"]["json"]
    nonsense = client.post(
        base, json={"period": "x", "due": "kemarin", "rhk_id": []}, headers=staff
    )
    assert nonsense.status_code == 422


def test_another_agency_finds_no_step(client, who, draft, tenants) -> None:
    period = current_period(tenants.a)
    base = f"{API}/skp/{draft['skp']}/rencana-aksi"
    step = ok(client.post(base, json=step_body(draft["rhk"], period), headers=who["staff"]), 201)
    outsider = who["outsider"]
    assert client.get(base, headers=outsider).status_code == 404
    assert client.get(f"{base}/{step['id']}", headers=outsider).status_code == 404
    assert (
        client.post(base, json=step_body(draft["rhk"], period), headers=outsider).status_code == 404
    )
    gone = put_if_match(
        client,
        f"{base}/{step['id']}/done",
        headers=outsider,
        read=f"{base}/{step['id']}",
        json={"done": True},
    )
    assert gone.status_code == 404
    # Their own agency's SKP ids do not reach ours either.
    theirs = f"/api/v1/tenants/disdik/skp/{draft['skp']}/rencana-aksi"
    assert client.get(theirs, headers=outsider).status_code == 404


def test_an_entry_names_its_step_and_approved_work_makes_it_done(
    client, who, draft, tenants, people
) -> None:
    period = current_period(tenants.a)
    base = f"{API}/skp/{draft['skp']}/rencana-aksi"
    staff = who["staff"]
    step = ok(client.post(base, json=step_body(draft["rhk"], period), headers=staff), 201)
    elsewhere = ok(client.post(base, json=step_body(draft["rhk2"], period), headers=staff), 201)
    approve(tenants, people, draft["skp"])
    entry = {
        "entry_date": TODAY.isoformat(),
        "rhk_id": draft["rhk"],
        "iki_id": draft["iki"],
        "activity": "Merekap cakupan imunisasi",
        "quantity": "1",
    }
    # A step of another result, or one that is not there, is refused naming the field.
    for wrong in (elsewhere["id"], 10**12):
        refused = client.post(
            f"{API}/entries", json=entry | {"rencana_aksi_id": wrong}, headers=staff
        )
        assert refused.status_code == 422
        assert set(refused.get_json()["errors"]["json"]) == {"rencana_aksi_id"}
    alone = client.post(
        f"{API}/entries",
        json={**entry, "rhk_id": None, "extra_reason": "Rapat", "rencana_aksi_id": step["id"]},
        headers=staff,
    )
    assert alone.status_code == 422 and "rencana_aksi_id" in alone.get_json()["errors"]["json"]
    made = ok(
        client.post(f"{API}/entries", json=entry | {"rencana_aksi_id": step["id"]}, headers=staff),
        201,
    )
    assert made["rencana_aksi_id"] == step["id"]
    # A draft names its step later, through the same schema; a wrong one is refused the same.
    kept = ok(
        client.post(
            f"{API}/entries",
            json=entry | {"activity": "Draf", "draft": True},
            headers=staff | {"Idempotency-Key": "draf-langkah-1"},
        ),
        201,
    )
    draft_url = f"{API}/entries/{kept['id']}"
    etag = client.get(draft_url, headers=staff).headers["ETag"]
    wrong = client.patch(
        draft_url, json={"rencana_aksi_id": elsewhere["id"]}, headers=staff | {"If-Match": etag}
    )
    assert wrong.status_code == 422 and "rencana_aksi_id" in wrong.get_json()["errors"]["json"]
    named = client.patch(
        draft_url, json={"rencana_aksi_id": step["id"]}, headers=staff | {"If-Match": etag}
    )
    assert ok(named)["rencana_aksi_id"] == step["id"]
    # Sent, not yet approved: not evidence yet.
    assert ok(client.get(f"{base}/{step['id']}", headers=staff))["status"] == rules.PLANNED
    ok(
        client.post(
            f"{API}/entries/{made['id']}/transitions",
            json={"action": "approve"},
            headers=who["boss"],
        )
    )
    done = ok(client.get(f"{base}/{step['id']}", headers=staff))
    assert done["status"] == rules.DONE and [e["id"] for e in done["evidence"]] == [made["id"]]
    # The step now stands behind work on record: it is not removed with its evidence.
    with db.unit_of_work(tenants.a) as session:
        from kinerja.exceptions import Conflict
        from kinerja.performance.aksi import service

        skp = skps.get(session, draft["skp"])
        flow.act(session, _as(people.staff, tenants.a, 9), skp, "revise", "Ubah target")
        with pytest.raises(Conflict):
            service.delete(session, skp, service.get(session, skp, step["id"]))
        session.rollback()

    # The evaluation of the period shows the step, its status and its evidence.
    evaluation = ok(
        client.post(
            f"{API}/evaluations",
            json={"skp_id": draft["skp"], "period": period.number},
            headers=staff,
        ),
        201,
    )
    shown = client.get(f"{API}/evaluations/{evaluation['id']}/rencana-aksi", headers=who["boss"])
    rows = {s["id"]: s for s in ok(shown)}
    assert '"total": 2' in shown.headers["X-Pagination"]
    assert rows[step["id"]]["status"] == rules.DONE
    assert rows[step["id"]]["evidence"][0]["activity"] == "Merekap cakupan imunisasi"
    assert (
        rows[elsewhere["id"]]["status"] == rules.PLANNED and rows[elsewhere["id"]]["evidence"] == []
    )
    gone = client.get(f"{API}/evaluations/{evaluation['id']}/rencana-aksi", headers=who["outsider"])
    assert gone.status_code == 404


def test_a_step_is_marked_done_once_the_plan_is_in_force(
    client, who, draft, tenants, people
) -> None:
    period = current_period(tenants.a)
    base = f"{API}/skp/{draft['skp']}/rencana-aksi"
    staff = who["staff"]
    earlier = max(period.starts, TODAY - timedelta(days=1))
    step = ok(
        client.post(
            base, json=step_body(draft["rhk"], period, due=earlier.isoformat()), headers=staff
        ),
        201,
    )
    url = f"{base}/{step['id']}"

    def mark(done: bool, headers: dict[str, str]) -> Any:
        return put_if_match(client, f"{url}/done", headers=headers, read=url, json={"done": done})

    early = mark(True, staff)
    assert early.status_code == 409  # a draft's steps are plans, not work done
    approve(tenants, people, draft["skp"])
    expected = rules.OVERDUE if earlier < TODAY else rules.PLANNED
    assert ok(client.get(f"{base}/{step['id']}", headers=staff))["status"] == expected
    assert mark(True, who["boss"]).status_code == 403
    assert client.put(f"{url}/done", json={"done": True}, headers=staff).status_code == 428
    marked = ok(mark(True, staff))
    assert marked["status"] == rules.DONE and marked["done_at"]
    back = ok(mark(False, staff))
    assert back["status"] == expected and back["done_at"] is None


def test_editing_steps_while_the_skp_is_submitted_leaves_no_step_changed_after_it(
    app, who, draft, tenants
) -> None:
    """Each edit either lands before the submission (and is part of what was submitted) or is
    refused after it: none slips into a submitted plan, nothing answers 500."""
    client = app.test_client()
    period = current_period(tenants.a)
    base = f"{API}/skp/{draft['skp']}/rencana-aksi"
    staff = who["staff"]
    steps = [
        ok(
            client.post(
                base, json=step_body(draft["rhk"], period, text=f"Awal {n}"), headers=staff
            ),
            201,
        )
        for n in range(4)
    ]
    etags = [client.get(f"{base}/{s['id']}", headers=staff).headers["ETag"] for s in steps]

    def edit(n: int) -> Any:
        return lambda c: c.patch(
            f"{base}/{steps[n]['id']}",
            json={"text": f"Diubah {n}"},
            headers=staff | {"If-Match": etags[n]},
        )

    def add(c: Any) -> Any:
        return c.post(base, json=step_body(draft["rhk"], period, text="Tambahan"), headers=staff)

    def submit(c: Any) -> Any:
        return c.post(
            f"{API}/skp/{draft['skp']}/transitions", json={"action": "submit"}, headers=staff
        )

    answers = at_once(app, [submit, *(edit(n) for n in range(4)), add])
    codes = [getattr(a, "status_code", a) for a in answers]
    assert codes[0] == 200, codes
    assert all(code in (200, 201, 409) for code in codes[1:]), codes
    with db.unit_of_work(tenants.a) as session:
        skp = skps.get(session, draft["skp"])
        assert skp.status == "submitted"
        submitted_at = skp.submitted_at
        from sqlalchemy import select

        from kinerja.performance.aksi.models import RencanaAksi

        rows = {r.id: r for r in session.scalars(select(RencanaAksi))}
        # Every step that changed changed before the plan was submitted.
        assert all(r.updated_at <= submitted_at for r in rows.values())
    for n, code in enumerate(codes[1:5]):
        assert rows[steps[n]["id"]].text == (f"Diubah {n}" if code == 200 else f"Awal {n}")
    assert (codes[5] == 201) == any(r.text == "Tambahan" for r in rows.values())


# --- the pages -----------------------------------------------------------------------------------
def test_steps_are_added_and_changed_on_the_skp_page_and_read_on_the_evaluation(
    app, draft, tenants, people
) -> None:
    period = current_period(tenants.a)
    staff = app.test_client()
    sign_in(staff, "staff")
    page = f"/t/dinkes/skp/{draft['skp']}"
    html = staff.get(page).get_data(as_text=True)
    assert "Rencana Aksi" in html and "Tambah langkah" in html  # Indonesian by default
    token = csrf_token(staff, page)
    form = {k: str(v) for k, v in step_body(draft["rhk"], period).items()} | {"csrf_token": token}
    bad = staff.post(
        f"{page}/rencana-aksi",
        data=form | {"due": (period.ends + timedelta(days=1)).isoformat()},
    )
    assert bad.status_code == 422
    assert "periode" in bad.get_data(as_text=True) and "is-invalid" in bad.get_data(as_text=True)
    added = staff.post(f"{page}/rencana-aksi", data=form)
    assert added.status_code == 303 and f"#aksi-{draft['rhk']}" in added.headers["Location"]
    html = staff.get(page).get_data(as_text=True)
    assert "Menyusun rekap cakupan imunisasi puskesmas" in html and "Direncanakan" in html
    step_id = int(re.search(r"/rencana-aksi/(\d+)", html).group(1))
    edit = staff.get(f"{page}/rencana-aksi/{step_id}")
    assert edit.status_code == 200 and "Rekap cakupan triwulan" in edit.get_data(as_text=True)
    changed = staff.post(
        f"{page}/rencana-aksi/{step_id}",
        data={"output": "Rekap cakupan final", "csrf_token": token},
    )
    assert changed.status_code == 303
    assert "Rekap cakupan final" in staff.get(page).get_data(as_text=True)

    # Another agency's member finds neither the page nor the step.
    outsider = app.test_client()
    sign_in(outsider, "outsider")
    assert outsider.get(f"{page}/rencana-aksi/{step_id}").status_code == 404

    approve(tenants, people, draft["skp"])
    html = staff.get(page).get_data(as_text=True)
    assert "Tambah langkah" not in html and "Tandai selesai" in html
    marked = staff.post(
        f"{page}/rencana-aksi/{step_id}/done", data={"done": "1", "csrf_token": token}
    )
    assert marked.status_code == 303
    assert "Selesai" in staff.get(page).get_data(as_text=True)
    with db.unit_of_work(tenants.a) as session:
        from kinerja.performance.evaluation import service as evaluations

        evaluation = evaluations.start(session, skps.get(session, draft["skp"]), period.number)
        evaluation_id = evaluation.id
    boss = app.test_client()
    sign_in(boss, "boss")
    shown = boss.get(f"/t/dinkes/evaluations/{evaluation_id}").get_data(as_text=True)
    assert "Rencana Aksi" in shown and "Menyusun rekap cakupan imunisasi puskesmas" in shown
    assert "Selesai" in shown and "Ditandai selesai oleh pemiliknya." in shown


def test_the_entry_form_offers_the_steps_of_the_approved_plan(
    app, client, who, draft, tenants, people
) -> None:
    period = current_period(tenants.a)
    with db.unit_of_work(tenants.a) as session:
        from kinerja.performance.aksi import service

        skp = skps.get(session, draft["skp"])
        values = step_body(draft["rhk"], period) | {"due": period.ends}
        step_id = service.create(session, skp, values).id
    approve(tenants, people, draft["skp"])
    staff = app.test_client()
    sign_in(staff, "staff")
    html = staff.get("/t/dinkes/log").get_data(as_text=True)
    assert 'name="rencana_aksi_id"' in html and "Menyusun rekap cakupan imunisasi" in html
    # A draft naming its step opens in the edit form with that step chosen: saving the form
    # keeps what the entry serves.
    entry = {
        "entry_date": TODAY.isoformat(),
        "rhk_id": draft["rhk"],
        "iki_id": draft["iki"],
        "activity": "Merekap cakupan imunisasi",
        "quantity": "1",
        "draft": True,
        "rencana_aksi_id": step_id,
    }
    made = ok(client.post(f"{API}/entries", json=entry, headers=who["staff"]), 201)
    form = staff.get(f"/t/dinkes/log/{made['id']}/edit").get_data(as_text=True)
    assert re.search(rf'<option value="{step_id}" selected>', form), form


def test_the_demo_has_steps_done_overdue_and_planned_once(app, people, tenants) -> None:
    from sqlalchemy import func, select

    from kinerja import demo
    from kinerja.performance.aksi import service
    from kinerja.performance.log.models import WorkEntry

    lines = demo.load()
    assert any("rencana aksi" in line for line in lines), lines
    with db.unit_of_work(tenants.a) as session:
        skp = skps.of_employee(session, people.staff, TODAY.year)
        found = service.views(session, list(session.scalars(service.query(skp))))
        statuses = {v.status for v in found}
        evidenced = [v for v in found if v.evidence]
        named = session.scalar(select(func.count()).where(WorkEntry.rencana_aksi_id.is_not(None)))
    assert rules.DONE in statuses and rules.PLANNED in statuses
    if TODAY.timetuple().tm_yday > 45:  # a step twelve days ago still lies in this year
        assert rules.OVERDUE in statuses
        assert evidenced and all(e.status == "approved" for v in evidenced for e in v.evidence)
        assert any(v.marked_done and not v.evidence for v in found)
    assert not any("rencana aksi" in line for line in demo.load())
    with db.unit_of_work(tenants.a) as session:
        again = session.scalar(select(func.count()).where(WorkEntry.rencana_aksi_id.is_not(None)))
    assert again == named
