"""360° anonymity under pressure: one rating per task whatever arrives at once (the database
holds it too), and nothing of an open campaign's results moves for anyone while it is open."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError

from kinerja.competency.models import AssessmentRating, AssessmentTask
from kinerja.db import db
from tests.test_talent import API, campaign, ok, rate_all, team  # noqa: F401 - the fixture

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
    with pytest.raises(IntegrityError, match="already answered"):  # code that forgot the check
        with db.unit_of_work(tenants.a) as session:
            session.execute(
                update(AssessmentTask)
                .where(AssessmentTask.id == task["id"])
                .values(done_at=func.now() + text("interval '1 second'"))
            )
    with pytest.raises(IntegrityError, match="without an answered task"):  # code that forgot all
        with db.unit_of_work(tenants.a) as session:
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
    with pytest.raises(IntegrityError, match="uq_assessment_task_rater"):  # asked twice
        with db.unit_of_work(tenants.a) as session:
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
