"""Who decides is one rule (`people.raters`): the nearest active superior, through a vacant
post, or the admin OPD for those nobody rates. The permission (MANAGE on a plan or an entry),
the workflow, the 360° campaign's superior and the talent group view all follow it; the person
whose post is vacant (inactive) gets nothing."""

from __future__ import annotations

from typing import Any

from kinerja.competency import scoring
from kinerja.db import db
from kinerja.people import employees, raters
from kinerja.performance import skp as skps
from tests.support import People, put_if_match
from tests.test_talent import API as TALENT
from tests.test_talent import campaign, ok
from tests.test_talent import team as team

API = "/api/v1/tenants/dinkes"
YEAR = 2026


def leave(tenant_id: int, employee_id: int) -> None:
    with db.unit_of_work(tenant_id) as session:
        employees.update_employee(
            session, employees.get_employee(session, employee_id), {"active": False}
        )


def expect(client: Any, skp_id: int, headers: dict[str, str]) -> int:
    """Set an expectation on the SKP (MANAGE): the status code."""
    url = f"{API}/skp/{skp_id}/expectations"
    sent = put_if_match(
        client, url, read=f"{API}/skp/{skp_id}", json={"akuntabel": "x"}, headers=headers
    )
    return int(sent.status_code)


def test_the_rule_walked_up_and_down_agrees(people: People, tenants: Any) -> None:
    """`rated_by` and `unrated` (sets, for permissions and feeds) are `rater_of` (one person,
    for the workflow) walked the other way, with and without a vacant post."""
    everyone = {people.head, people.superior, people.staff, people.peer}
    for gone in (set(), {people.superior}):
        for employee_id in gone:
            leave(tenants.a, employee_id)
        active = everyone - gone
        with db.unit_of_work(tenants.a) as session:
            up = {e: skps.rater_of(session, e) for e in active}
            for rater in active:
                down = raters.rated_by(session, rater) & active
                assert down == {e for e, r in up.items() if r == rater}
            assert {e for e, r in up.items() if r is None} == raters.unrated(session) & active
            assert people.head in raters.decides_for(session, people.peer, admin=True)
            assert people.head not in raters.decides_for(session, people.head, admin=True)
            assert raters.decides_for(session, people.head, admin=False) == raters.rated_by(
                session, people.head
            )
        assert up[people.staff] == (people.head if gone else people.superior)


def test_a_vacant_post_passes_every_decision_to_the_next_one_up(
    client: Any, team: dict[str, Any], people: People, tenants: Any
) -> None:
    skp = ok(client.post(f"{API}/skp", json={"year": YEAR}, headers=team["staff"]), 201)
    # Before: the kepala bidang decides on the staff's plan; the head, higher up, sees it only.
    assert ok(client.get(f"{API}/skp/{skp['id']}", headers=team["head"]))["id"] == skp["id"]
    assert expect(client, skp["id"], team["head"]) == 403
    assert expect(client, skp["id"], team["boss"]) == 200

    leave(tenants.a, people.superior)  # the kepala bidang's post is vacant

    assert expect(client, skp["id"], team["head"]) == 200  # acting: decides now
    assert ok(client.get(f"{API}/skp/{skp['id']}", headers=team["head"]))["id"] == skp["id"]
    # The 360° campaign asks the head as the staff's superior; the staff rates the head as
    # one of those the head rates.
    campaign(client, team, sources={"self": 0, "superior": 100, "peer": 0, "subordinate": 50})
    head_tasks = ok(client.get(f"{TALENT}/tasks", headers=team["head"]))
    assert {(t["subject_id"], t["source"]) for t in head_tasks} >= {
        (people.staff, scoring.SUPERIOR),
        (people.peer, scoring.SUPERIOR),
    }
    staff_tasks = ok(client.get(f"{TALENT}/tasks", headers=team["staff"]))
    assert {(t["subject_id"], t["source"]) for t in staff_tasks} == {
        (people.head, scoring.SUBORDINATE)
    }
    # The talent group view is the talent rule's filter: the staff is in the head's group.
    assert client.get(f"{TALENT}/grid", headers=team["head"]).status_code == 200
    assert client.get(f"{TALENT}/grid", headers=team["staff"]).status_code == 404  # no group
    with db.unit_of_work(tenants.a) as session:
        from kinerja.competency import catalogue, results
        from kinerja.permissions import Principal

        head = employees.get_employee(session, people.head)
        seen, _found = results.visible(
            session,
            Principal(
                user_id=head.user_id,
                tenant_id=tenants.a,
                roles=frozenset({"pegawai"}),
                employee_id=people.head,
                subordinate_ids=employees.subordinate_ids(session, people.head),
            ),
            catalogue.dictionary_of(session, tenants.a),
        )
        assert people.staff in {p.id for p in seen} and people.head not in {p.id for p in seen}
    # The inactive kepala bidang: no task, no plan, no decision, nothing at all.
    assert client.get(f"{TALENT}/tasks", headers=team["boss"]).status_code in (401, 404)
    assert client.get(f"{API}/skp/{skp['id']}", headers=team["boss"]).status_code in (401, 404)
    assert expect(client, skp["id"], team["boss"]) in (401, 404)


def test_results_are_handed_down_to_those_the_owner_rates(people: People, tenants: Any) -> None:
    """The hand-down choices are `rated_by`, the rule `hand_down` checks: below a vacant post
    the head hands down to the staff directly."""
    from kinerja.performance import plan

    with db.unit_of_work(tenants.a) as session:
        head_skp = skps.create(session, employees.get_employee(session, people.head), YEAR)
        before = {e.id for e in plan.hand_down_choices(session, head_skp)}
        assert people.superior in before and people.staff not in before
        head_skp_id = head_skp.id
    leave(tenants.a, people.superior)
    with db.unit_of_work(tenants.a) as session:
        head_skp = skps.get(session, head_skp_id)
        after = {e.id for e in plan.hand_down_choices(session, head_skp)}
        assert people.staff in after and people.superior not in after
        assert after == raters.rated_by(session, people.head) - {people.superior}
