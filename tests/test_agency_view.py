"""Who sees the agency as a whole: its head (the person in the top position) and the people and
positions the admin OPD names (the sekretaris) see the agency's figures, the predikat curve and
every evaluation's state, read-only unless the hierarchy makes them rater or reviewer; the
menu, the pages and the API follow the one rule (city/permissions.py, docs/evaluation.md)."""

from __future__ import annotations

from typing import Any

import pytest

from kinerja.db import db
from kinerja.identity import users
from kinerja.people import employees, overseers, positions
from tests.support import People, add_user, csrf_token, put_if_match, sign_in
from tests.test_evaluation_api import API, TODAY, act, ok, prepared


@pytest.fixture
def setup(people: People, tenants: Any, client: Any) -> dict[str, Any]:
    """The staff's annual evaluation, submitted (waiting for the boss's rating)."""
    found = prepared(people, tenants)
    who = found["who"]
    started = ok(
        client.post(
            f"{API}/evaluations", json={"skp_id": found["skp"], "period": 0}, headers=who["staff"]
        ),
        201,
    )
    ok(act(client, who["staff"], started["id"], "submit"))
    return {**found, "evaluation": started["id"]}


def _sees_the_agency(client: Any, headers: dict[str, str]) -> list[int]:
    """The status of the figures, the curve and the list of every evaluation, as one reads."""
    return [
        client.get(f"{API}/figures?year={TODAY.year}", headers=headers).status_code,
        client.get(f"{API}/curve?year={TODAY.year}", headers=headers).status_code,
    ]


def test_the_head_sees_the_figures_the_curve_and_every_evaluation(
    app, client, setup, people, tenants
) -> None:
    who = setup["who"]
    assert _sees_the_agency(client, who["head"]) == [200, 200]  # the figures page was 404
    assert _sees_the_agency(client, who["admin"]) == [200, 200]
    for other in ("staff", "boss", "peer"):  # a team is not the agency
        assert _sees_the_agency(client, who[other]) == [404, 404], other
    assert _sees_the_agency(client, who["outsider"]) == [404, 404]
    listed = ok(client.get(f"{API}/evaluations?scope=all", headers=who["head"]))
    assert setup["evaluation"] in [e["id"] for e in listed]

    head = app.test_client()
    sign_in(head, "head")
    assert head.get("/t/dinkes/figures").status_code == 200
    home = head.get("/t/dinkes/").get_data(as_text=True)
    assert "/t/dinkes/figures" in home  # the menu offers it
    page = head.get(f"/t/dinkes/evaluations?year={TODAY.year}").get_data(as_text=True)
    assert "Semua evaluasi di instansi" in page and "Staf" in page
    assert "Distribusi instansi terhadap kurvanya" in page  # the curve
    staff = app.test_client()
    sign_in(staff, "staff")
    assert staff.get("/t/dinkes/figures").status_code == 404
    assert "/t/dinkes/figures" not in staff.get("/t/dinkes/").get_data(as_text=True)
    mine = staff.get(f"/t/dinkes/evaluations?year={TODAY.year}").get_data(as_text=True)
    assert "Semua evaluasi di instansi" not in mine


def test_the_sekretaris_named_by_the_admin_reads_but_does_not_decide(client, setup, people) -> None:
    """Named by name, the peer (the sekretaris) sees the agency and opens the staff's evaluation;
    rating it stays with the boss (403: may see, not change); taken off the list, 404 again."""
    who = setup["who"]
    assert _sees_the_agency(client, who["peer"]) == [404, 404]
    url = f"{API}/evaluations/{setup['evaluation']}"
    assert client.get(url, headers=who["peer"]).status_code == 404
    named = ok(
        client.post(f"{API}/viewers", json={"employee_id": people.peer}, headers=who["admin"]),
        201,
    )
    assert named["name"] == "Rekan" and named["employee_id"] == people.peer
    assert _sees_the_agency(client, who["peer"]) == [200, 200]
    shown = ok(client.get(url, headers=who["peer"]))
    assert shown["status"] == "submitted" and shown["actions"] == []
    rating = {"rating_hasil": "SESUAI", "rating_perilaku": "SESUAI"}
    refused = put_if_match(client, f"{url}/rating", read=url, json=rating, headers=who["peer"])
    assert refused.status_code == 403
    listed = client.get(f"{API}/viewers", headers=who["peer"])  # the overseers read the list
    assert listed.status_code == 200 and listed.headers["X-Pagination"]
    assert client.get(f"{API}/viewers", headers=who["staff"]).status_code == 404
    assert (
        client.post(
            f"{API}/viewers", json={"employee_id": people.staff}, headers=who["peer"]
        ).status_code
        == 403
    )  # reading the list is not keeping it
    assert client.delete(f"{API}/viewers/{named['id']}", headers=who["admin"]).status_code == 204
    assert _sees_the_agency(client, who["peer"]) == [404, 404]
    assert client.get(url, headers=who["peer"]).status_code == 404


def test_a_named_position_lets_whoever_holds_it_see(client, setup, people, tenants) -> None:
    who = setup["who"]
    with db.unit_of_work(tenants.a) as session:
        sekretaris = positions.create_position(session, "Sekretaris", "administrator", 11)
        employees.get_employee(session, people.peer).position_id = sekretaris.id
        position_id = sekretaris.id
    ok(client.post(f"{API}/viewers", json={"position_id": position_id}, headers=who["admin"]), 201)
    assert _sees_the_agency(client, who["peer"]) == [200, 200]
    with db.unit_of_work(tenants.a) as session:  # moved to another post: no longer
        employees.get_employee(session, people.peer).position_id = None
    assert _sees_the_agency(client, who["peer"]) == [404, 404]


def test_the_list_refuses_what_it_cannot_keep(client, setup, people) -> None:
    admin = setup["who"]["admin"]
    for body, field in (
        ({}, "employee_id"),
        ({"employee_id": people.peer, "position_id": 1}, "employee_id"),
        ({"employee_id": people.other}, "employee_id"),  # another agency's employee
        ({"position_id": 999999}, "position_id"),
        ({"employee_id": "x"}, "employee_id"),
    ):
        answer = client.post(f"{API}/viewers", json=body, headers=admin)
        assert answer.status_code == 422, (body, answer.get_json())
        assert field in str(answer.get_json()["errors"]), body
    ok(client.post(f"{API}/viewers", json={"employee_id": people.peer}, headers=admin), 201)
    again = client.post(f"{API}/viewers", json={"employee_id": people.peer}, headers=admin)
    assert again.status_code == 409
    assert client.delete(f"{API}/viewers/999999", headers=admin).status_code == 404


def test_the_admin_keeps_the_list_on_its_page(app, setup, people, tenants) -> None:
    admin = app.test_client()
    sign_in(admin, "admin")
    page = admin.get("/t/dinkes/viewers").get_data(as_text=True)
    assert "Kepala Dinas" in page  # the head, found from the hierarchy
    token = csrf_token(admin, "/t/dinkes/viewers")
    added = admin.post("/t/dinkes/viewers", data={"csrf_token": token, "employee_id": people.peer})
    assert added.status_code == 303
    assert "Rekan" in admin.get("/t/dinkes/viewers").get_data(as_text=True)
    peer = app.test_client()
    sign_in(peer, "peer")
    assert peer.get("/t/dinkes/figures").status_code == 200
    assert "/t/dinkes/viewers" in peer.get("/t/dinkes/").get_data(as_text=True)
    refused = peer.post(
        "/t/dinkes/viewers",
        data={"csrf_token": csrf_token(peer, "/t/dinkes/viewers"), "remove": "1"},
    )
    assert refused.status_code == 403
    staff = app.test_client()
    sign_in(staff, "staff")
    assert staff.get("/t/dinkes/viewers").status_code == 404
    with db.unit_of_work(tenants.a) as session:
        [line] = overseers.listing(session)
    removed = admin.post(
        "/t/dinkes/viewers",
        data={"csrf_token": csrf_token(admin, "/t/dinkes/viewers"), "remove": line.id},
    )
    assert removed.status_code == 303
    assert peer.get("/t/dinkes/figures").status_code == 404


def test_a_record_without_a_superior_nor_a_team_is_not_a_head(people, tenants) -> None:
    """Only the top of the hierarchy (someone active under them) is the head: a stray record
    lacking its superior is not, nor is a head whose team has all left."""
    user = add_user("stray", "199105052018011001")
    stray = employees.create_employee  # through the service, as an import would
    with db.unit_of_work(tenants.a) as session:
        record = stray(session, {"nip": "199105052018011001", "name": "Lepas", "asn_type": "PNS"})
        record.user_id = user
        users.ensure_membership(session, user, "pegawai")
        session.flush()
        assert not overseers.oversees(session, record.id)
        assert overseers.oversees(session, people.head)
        assert overseers.heads(session) == ["Kepala Dinas"]
    with db.unit_of_work(tenants.b) as session:  # the outsider heads nobody
        assert not overseers.oversees(session, people.other)
