"""Stored talent results (`competency.stored`): the grid, the heat-map and the team list read
rows a job computed; the changes that move a result mark it stale and the round refreshes it;
what is stored equals the computation it replaces; the lists are paged with totals; the pages
say when the results were computed and that a refresh is pending; no agency reads another's."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from redis import Redis
from sqlalchemy import select, text

from kinerja.competency import catalogue, results, stored
from kinerja.competency.models import TalentResult
from kinerja.db import db
from kinerja.people.models import Employee
from tests.support import sign_in, talent_refreshed
from tests.test_talent import API, ok, team  # noqa: F401 - the fixture
from tests.test_talent_anonymity import _assessed


def _stale(app: Any, tenant_id: int) -> set[str]:
    client = Redis.from_url(app.config["REDIS_URL"])
    return {m.decode() for m in client.smembers(stored.STALE.format(tenant=tenant_id))}


def _live(tenant_id: int) -> dict[int, results.Result]:
    with db.unit_of_work(tenant_id) as session:
        people = list(session.scalars(select(Employee.id).where(Employee.active)))
        return results.of_people(session, people, catalogue.dictionary_of(session, tenant_id))


def test_a_closed_campaign_marks_everyone_stale_and_the_round_stores_what_the_rules_say(
    app,
    client,
    team,  # noqa: F811
    people,
    tenants,
) -> None:
    who = [people.staff, people.peer, people.superior, people.head]
    _assessed(client, team, tenants.a, who)  # closes a campaign, then runs the round
    assert _stale(app, tenants.a) == set()  # taken by the round
    live = _live(tenants.a)
    with db.unit_of_work(tenants.a) as session:
        rows = {r.employee_id: r for r in session.scalars(select(TalentResult))}
    assert set(rows) == set(live)  # everyone active, assessed or not
    for employee_id, result in live.items():
        row = rows[employee_id]
        assert (row.jpm, row.category, row.box, row.potensial) == (
            result.jpm,
            result.category,
            result.box,
            result.potensial,
        )
        gaps = {ln.code: str(ln.gap) for ln in result.lines if ln.gap is not None and ln.assessed}
        assert row.gaps == gaps
    assert any(rows[i].jpm is not None for i in who)
    # the heat-map read from the rows is the one computed from the results
    with db.unit_of_work(tenants.a) as session:
        units = {i: u for i, u in session.execute(select(Employee.id, Employee.org_unit_id))}
        found = stored.Scope(Employee.active)
        codes, table, computed_at = stored.heatmap(session, found, 3)
    expected_codes, expected = results.heatmap(live, units, 3)
    assert codes == expected_codes and table == expected and computed_at is not None


def test_a_change_marks_its_people_stale_until_the_round(
    app,
    client,
    team,  # noqa: F811
    people,
    tenants,
) -> None:
    _assessed(client, team, tenants.a, [people.staff, people.peer, people.superior])
    with db.unit_of_work(tenants.a) as session:  # a person moves to another position
        staff = session.get(Employee, {"tenant_id": tenants.a, "id": people.staff})
        other = session.get(Employee, {"tenant_id": tenants.a, "id": people.peer})
        staff.position_id = other.position_id
    assert _stale(app, tenants.a) == {str(people.staff)}
    grid = ok(client.get(f"{API}/grid", headers=team["admin"]))
    assert grid["pending"] is True and grid["computed_at"]
    admin = app.test_client()
    sign_in(admin, "admin")
    page = admin.get("/t/dinkes/talent/grid").get_data(as_text=True)
    assert "penyegaran" in page.lower()  # "a refresh is pending", in Indonesian
    with db.unit_of_work(tenants.a) as session:
        before = session.scalar(
            select(TalentResult.computed_at).where(TalentResult.employee_id == people.staff)
        )
    assert talent_refreshed(tenants.a) == 1
    assert _stale(app, tenants.a) == set()
    with db.unit_of_work(tenants.a) as session:
        after = session.scalar(
            select(TalentResult.computed_at).where(TalentResult.employee_id == people.staff)
        )
    assert after > before
    assert ok(client.get(f"{API}/grid", headers=team["admin"]))["pending"] is False
    assert talent_refreshed(tenants.a) == 0  # nothing stale, computed today: no job


def test_a_box_is_paged_with_its_total(
    app,
    client,
    team,  # noqa: F811
    people,
    tenants,
    owner_engine,
) -> None:
    _assessed(client, team, tenants.a, [people.staff, people.peer, people.superior, people.head])
    with owner_engine.begin() as conn:  # five people placed in box 5, as a refresh would place
        conn.execute(text("UPDATE talent_result SET box = 5, kinerja = 'SESUAI'"))
        placed = conn.execute(text("SELECT count(*) FROM talent_result")).scalar_one()
    first = client.get(f"{API}/grid?box=5&page_size=2", headers=team["admin"])
    assert first.status_code == 200
    paging = json.loads(first.headers["X-Pagination"])
    assert paging["total"] == placed and len(first.get_json()["employees"]) == 2
    last = client.get(
        f"{API}/grid?box=5&page_size=2&page={paging['total_pages']}", headers=team["admin"]
    )
    assert len(last.get_json()["employees"]) == placed - 2 * (paging["total_pages"] - 1)
    assert first.get_json()["counts"]["5"] == placed
    heat = client.get(f"{API}/heatmap?page_size=1", headers=team["admin"])
    assert json.loads(heat.headers["X-Pagination"])["total"] >= 1
    assert len(heat.get_json()["units"]) == 1
    admin = app.test_client()
    sign_in(admin, "admin")
    page = admin.get("/t/dinkes/talent/grid?box=5").get_data(as_text=True)
    assert f"dari {placed}" in page or f"of {placed}" in page  # the pager's total


def test_no_agency_reads_anothers_stored_results(
    app,
    client,
    team,  # noqa: F811
    people,
    tenants,
    app_engine,
) -> None:
    _assessed(client, team, tenants.a, [people.staff, people.peer, people.superior])
    with db.unit_of_work(tenants.b) as session:
        assert session.scalars(select(TalentResult)).all() == []
        assert stored.summary(session, stored.Scope(Employee.active), "kemenpan", 3).everyone == 1
    with app_engine.connect() as conn:  # the database itself: RLS, no agency set, no rows
        assert conn.execute(text("SELECT count(*) FROM talent_result")).scalar_one() == 0
    from tests.test_skp_api import token

    outsider = token(tenants.b, people.users["outsider"], "admin_opd")
    grid = ok(client.get("/api/v1/tenants/disdik/talent/grid", headers=outsider))
    assert grid["everyone"] == 1 and grid["placed"] == 0
    assert client.get(f"{API}/grid", headers=outsider).status_code == 404


def test_the_jpm_is_kept_as_the_rules_round_it(app, client, team, people, tenants) -> None:  # noqa: F811
    _assessed(client, team, tenants.a, [people.staff])
    with db.unit_of_work(tenants.a) as session:
        jpm = session.scalar(
            select(TalentResult.jpm).where(TalentResult.employee_id == people.staff)
        )
    assert isinstance(jpm, Decimal) and jpm == _live(tenants.a)[people.staff].jpm
