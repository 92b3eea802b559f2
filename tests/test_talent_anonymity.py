"""360° anonymity under pressure: one rating per task whatever arrives at once (the database
holds it too), and nothing of an open campaign's results moves for anyone while it is open."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError

from kinerja import clock
from kinerja.competency.models import AssessmentRating, AssessmentTask
from kinerja.db import db
from tests.support import sign_in, talent_refreshed
from tests.test_talent import API, campaign, ok, rate_all, team  # noqa: F401 - the fixture

YEAR = clock.this_year()
COPIES = 20


def _peer_task(client: Any, team: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    """A task of the peer rating a peer (anonymous: the case that matters) and its body."""
    tasks = ok(client.get(f"{API}/tasks", headers=team["peer"]))
    task = next(t for t in tasks if t["source"] == "peer")
    asked = ok(client.get(f"{API}/tasks/{task['id']}", headers=team["peer"]))["competencies"]
    return {"id": task["id"], "body": {c["code"]: {"level": 5} for c in asked}, "asked": asked}


def test_twenty_copies_of_one_rating_at_once_store_one(app, client, team, tenants) -> None:  # noqa: F811
    campaign(client, team)
    task = _peer_task(client, team)

    def send(_n: int) -> tuple[int, Any]:
        own = app.test_client()  # each thread its own client, request and database session
        answer = own.post(f"{API}/tasks/{task['id']}", json=task["body"], headers=team["peer"])
        return answer.status_code, answer.get_json()

    with ThreadPoolExecutor(max_workers=COPIES) as pool:
        answers = list(pool.map(send, range(COPIES)))
    statuses = sorted(status for status, _body in answers)
    assert statuses == [200] + [409] * (COPIES - 1), answers
    refusals = [body["message"] for status, body in answers if status == 409]
    assert all("already sent" in message for message in refusals), refusals
    with db.unit_of_work(tenants.a) as session:
        stored = session.scalar(
            select(func.count()).select_from(AssessmentRating).where(AssessmentRating.level == 5)
        )
    assert stored == len(task["asked"])  # one set of ratings, not twenty


def test_the_database_refuses_a_second_claim_and_ratings_without_one(
    client,
    team,  # noqa: F811
    tenants,
) -> None:
    campaign(client, team)
    task = _peer_task(client, team)
    ok(client.post(f"{API}/tasks/{task['id']}", json=task["body"], headers=team["peer"]))
    forgot_the_check = pytest.raises(IntegrityError, match="already answered")
    with forgot_the_check, db.unit_of_work(tenants.a) as session:
        session.execute(
            update(AssessmentTask)
            .where(AssessmentTask.id == task["id"])
            .values(done_at=func.now() + text("interval '1 second'"))
        )
    forgot_the_claim = pytest.raises(IntegrityError, match="without an answered task")
    with forgot_the_claim, db.unit_of_work(tenants.a) as session:
        first = session.scalars(select(AssessmentRating).where(AssessmentRating.level == 5))
        copy = next(iter(first))
        session.add(
            AssessmentRating(
                campaign_id=copy.campaign_id,
                subject_id=copy.subject_id,
                source=copy.source,
                code=copy.code,
                level=1,
            )
        )
        session.flush()
    asked_twice = pytest.raises(IntegrityError, match="uq_assessment_task_rater")
    with asked_twice, db.unit_of_work(tenants.a) as session:
        again = session.get(AssessmentTask, {"tenant_id": tenants.a, "id": task["id"]})
        assert again is not None
        session.add(
            AssessmentTask(
                campaign_id=again.campaign_id,
                subject_id=again.subject_id,
                rater_id=again.rater_id,
                source=again.source,
            )
        )
        session.flush()


def test_an_open_campaign_changes_nothing_of_anyones_result(client, team, people) -> None:  # noqa: F811
    opened = campaign(client, team)
    readers = {"themself": team["head"], "admin": team["admin"]}
    before = {
        who: ok(client.get(f"{API}/people/{people.head}", headers=h)) for who, h in readers.items()
    }
    grid_before = ok(client.get(f"{API}/grid", headers=team["admin"]))
    # The first anonymous answer about the head (a subordinate), then named ones too.
    assert rate_all(client, team["boss"], 4) > 0
    assert rate_all(client, team["head"], 5) > 0
    for who, headers in readers.items():
        after = ok(client.get(f"{API}/people/{people.head}", headers=headers))
        assert after == before[who], who
    assert ok(client.get(f"{API}/grid", headers=team["admin"])) == grid_before
    # Closed with one subordinate only: the named sources show, the subordinate one does not.
    for who in ("peer", "admin"):
        rate_all(client, team[who], 3)
    ok(
        client.post(
            f"{API}/campaigns/{opened['id']}/transitions",
            json={"action": "close"},
            headers=team["admin"],
        )
    )
    closed = ok(client.get(f"{API}/people/{people.head}", headers=team["head"]))
    line = next(c for c in closed["competencies"] if c["code"] == "M1")
    assert closed["campaign_id"] == opened["id"] and line["sources"]["self"]["mean"] == "5.00"
    assert line["sources"]["subordinate"] == {"count": 3, "mean": "3.33"}


# --- aggregates about others: withheld below the group minimum ----------------------------------
@pytest.mark.parametrize(
    ("size", "minimum", "withheld"),
    [(0, 3, False), (1, 3, True), (2, 3, True), (3, 3, False), (4, 5, True), (1, 1, False)],
)
def test_an_aggregate_is_withheld_for_some_but_too_few(size, minimum, withheld) -> None:
    from kinerja import rules

    shown = rules.suppress(42, size, minimum)
    assert shown.suppressed is withheld
    assert shown.value == (None if withheld else 42)
    assert shown.reason == ("too_few" if withheld else None) and shown.size == size


def _assessed(client: Any, team: dict[str, Any], tenant_id: int, who: list[int]) -> None:  # noqa: F811
    """A closed campaign in which an assessment centre gave `who` a level on M1."""
    from kinerja.people.models import Employee

    with db.unit_of_work(tenant_id) as session:
        nips = list(session.scalars(select(Employee.nip).where(Employee.id.in_(who))))
    opened = campaign(client, team)
    rows = "".join(f"{nip},M1,2\n" for nip in nips)
    sent = client.post(
        f"{API}/campaigns/{opened['id']}/results",
        data={"file": (io.BytesIO(f"nip,kode_kompetensi,level\n{rows}".encode()), "hasil.csv")},
        headers=team["admin"],
    )
    assert sent.status_code == 200, sent.get_json()
    ok(
        client.post(
            f"{API}/campaigns/{opened['id']}/transitions",
            json={"action": "close"},
            headers=team["admin"],
        )
    )
    talent_refreshed(tenant_id)  # the grid and the heat-map read the stored results


def _city_figures(app: Any, tenant_id: int) -> dict[str, Any]:
    from kinerja.city import figures
    from kinerja.competency import catalogue

    with db.unit_of_work(tenant_id) as session:
        found = figures.compute(
            session, YEAR, clock.today(), catalogue.dictionary_of(session, tenant_id)
        )
        figures.store(session, YEAR, found)
    city = app.test_client()
    sign_in(city, "kota")
    answer = ok(city.get(f"/api/v1/city/figures?year={YEAR}"))
    page = city.get(f"/city/compare?year={YEAR}").get_data(as_text=True)
    mine = next(a for a in answer["agencies"] if a["slug"] == "dinkes")
    return {"figures": mine["figures"], "page": page}


def test_the_citys_average_jpm_is_withheld_for_an_agency_of_one_assessed(
    app,
    client,
    team,  # noqa: F811
    people,
    tenants,
) -> None:
    _assessed(client, team, tenants.a, [people.staff])
    one = _city_figures(app, tenants.a)
    assert one["figures"]["jpm_average"] is None and one["figures"]["jpm_assessed"] == 1
    assert one["figures"]["suppressed"]["jpm_average"] == {"reason": "too_few", "minimum": 3}
    assert one["figures"]["nine_box"] is None or not any(one["figures"]["nine_box"].values())
    assert "terlalu sedikit untuk ditampilkan" in one["page"]
    _assessed(client, team, tenants.a, [people.staff, people.peer, people.superior])
    three = _city_figures(app, tenants.a)
    assert three["figures"]["jpm_average"] > 0 and three["figures"]["jpm_assessed"] == 3
    assert "jpm_average" not in three["figures"]["suppressed"]
    assert "terlalu sedikit untuk ditampilkan" not in three["page"]


def test_the_talent_group_views_withhold_cells_of_too_few(
    app,
    client,
    team,  # noqa: F811
    people,
    tenants,
) -> None:
    _assessed(client, team, tenants.a, [people.staff])
    grid = ok(client.get(f"{API}/grid", headers=team["admin"]))
    assert grid["jpm_distribution"] is None
    assert grid["suppressed"]["jpm_distribution"]["reason"] == "too_few"
    heat = ok(client.get(f"{API}/heatmap", headers=team["admin"]))
    cells = [(u["gaps"]["M1"], u["suppressed"].get("M1")) for u in heat["units"]]
    assert cells and all(v is None and why["reason"] == "too_few" for v, why in cells)
    admin = app.test_client()
    sign_in(admin, "admin")
    for page in ("grid", "heatmap"):
        text = admin.get(f"/t/dinkes/talent/{page}").get_data(as_text=True)
        assert "erlalu sedikit untuk ditampilkan" in text, page
    _assessed(client, team, tenants.a, [people.staff, people.peer, people.superior, people.head])
    grid = ok(client.get(f"{API}/grid", headers=team["admin"]))
    assert sum(grid["jpm_distribution"].values()) == 4 and grid["suppressed"] == {}
    heat = ok(client.get(f"{API}/heatmap", headers=team["admin"]))
    shown = [u["gaps"]["M1"] for u in heat["units"] if not u["suppressed"]]
    assert shown and all(v is not None for v in shown)


def test_the_audit_of_a_rating_names_the_campaign_not_whom_it_rated(client, team, tenants) -> None:  # noqa: F811
    """A task is one rater and one subject: the log names the campaign a rater answered in."""
    from sqlalchemy import select

    from kinerja.audit.models import AuditEntry

    campaign(client, team)
    assert rate_all(client, team["peer"], 3) > 0
    with db.unit_of_work(tenants.a) as session:
        rated = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "assessment.rate")
        ).all()
    assert rated and {e.object_type for e in rated} == {"assessment_campaign"}
