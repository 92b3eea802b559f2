"""The year's plan through the API: targets, cascading SKP from the head down, the workflow with
its refusals, snapshots, revisions, a vacant superior, a closed year, the matrix and isolation."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select, text

from kinerja.audit.models import AuditEntry
from kinerja.db import db
from kinerja.identity import tokens as token_service
from kinerja.identity import users
from kinerja.people import employees
from kinerja.performance import years
from tests.support import People, add_user, put_if_match

YEAR = 2026
API = "/api/v1/tenants/dinkes"


def token(tenant_id: int, user_id: int, role: str = "pegawai") -> dict[str, str]:
    with db.unit_of_work(tenant_id) as session:
        issued = token_service.issue(session, tenant_id, user_id, role, "t", 5)
    return {"Authorization": f"Bearer {issued.token}", "Accept-Language": "en"}


def head_account(people: People, tenant_id: int) -> int:
    """The head of the agency signs in too (the shared builder leaves them without an account)."""
    user_id = add_user("head", "197503122000031002")
    with db.unit_of_work(tenant_id) as session:
        employees.get_employee(session, people.head).user_id = user_id
        users.ensure_membership(session, user_id, "pegawai")
    return user_id


@pytest.fixture
def who(people: People, tenants: Any) -> dict[str, dict[str, str]]:
    a = tenants.a
    return {
        "head": token(a, head_account(people, a)),
        "boss": token(a, people.users["boss"]),
        "staff": token(a, people.users["staff"]),
        "peer": token(a, people.users["peer"]),
        "admin": token(a, people.users["admin"], "admin_opd"),
        "outsider": token(tenants.b, people.users["outsider"], "admin_opd"),
    }


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_json()
    return response.get_json()


def act(client, headers, skp_id: int, action: str, reason: str | None = None) -> Any:
    body = {"action": action} | ({"reason": reason} if reason else {})
    return client.post(f"{API}/skp/{skp_id}/transitions", json=body, headers=headers)


def patch(client, headers, url: str, body: dict) -> Any:
    etag = client.get(url, headers=headers).headers["ETag"]
    return client.patch(url, json=body, headers=headers | {"If-Match": etag})


IKI = {"text": "Persentase", "aspect": "kuantitas", "target_low": "90", "unit": "%"}


def plan_head(client, who) -> tuple[int, int]:
    """The agency's target, then the head's SKP from it, approved by the admin OPD."""
    target = ok(
        client.post(
            f"{API}/targets?year={YEAR}",
            json={"code": "SS1", "text": "Meningkatnya derajat kesehatan", "indicators": []},
            headers=who["admin"],
        ),
        201,
    )
    skp = ok(client.post(f"{API}/skp", json={"year": YEAR}, headers=who["head"]), 201)
    rhk = ok(
        client.post(
            f"{API}/skp/{skp['id']}/rhk",
            json={
                "text": "Cakupan imunisasi meningkat",
                "org_target_id": target["id"],
                "iki": [IKI],
            },
            headers=who["head"],
        ),
        201,
    )
    ok(act(client, who["head"], skp["id"], "submit"))
    assert ok(act(client, who["admin"], skp["id"], "approve"))["status"] == "approved"
    return skp["id"], rhk["id"]


def plan_boss(client, who) -> tuple[int, int]:
    """The kepala bidang starts from the head's results: proposals to accept first."""
    skp = ok(
        client.post(f"{API}/skp", json={"year": YEAR, "start": "superior"}, headers=who["boss"]),
        201,
    )
    [proposal] = skp["rhk"]
    assert proposal["proposed"] and proposal["cascading"] == "langsung"
    refused = act(client, who["boss"], skp["id"], "submit")
    assert refused.status_code == 409
    assert "handed down" in refused.get_json()["message"]
    url = f"{API}/skp/{skp['id']}/rhk/{proposal['id']}"
    ok(patch(client, who["boss"], url, {"accept": True, "iki": [IKI]}))
    ok(act(client, who["boss"], skp["id"], "submit"))
    assert ok(act(client, who["head"], skp["id"], "approve"))["status"] == "approved"
    return skp["id"], proposal["id"]


def test_a_year_cascades_from_the_agency_down_and_each_plan_is_approved(client, who) -> None:
    head_skp, head_rhk = plan_head(client, who)
    boss_skp, boss_rhk = plan_boss(client, who)
    staff = who["staff"]
    skp = ok(client.post(f"{API}/skp", json={"year": YEAR}, headers=staff), 201)
    assert skp["header_source"] == "live" and skp["header"]["pejabat_penilai"]["name"] == "Atasan"
    assert skp["header"]["atasan_pejabat_penilai"]["name"] == "Kepala Dinas"
    # Only the superior's results of the same year may be intervened.
    wrong = client.post(
        f"{API}/skp/{skp['id']}/rhk",
        json={"text": "x", "parent_rhk_id": head_rhk, "iki": [IKI]},
        headers=staff,
    )
    assert wrong.status_code == 422 and "parent_rhk_id" in wrong.get_json()["errors"]["json"]
    bad_iki = client.post(
        f"{API}/skp/{skp['id']}/rhk",
        json={"text": "x", "parent_rhk_id": boss_rhk, "iki": [{"text": "y", "target_low": "z"}]},
        headers=staff,
    )
    assert bad_iki.status_code == 422
    assert set(bad_iki.get_json()["errors"]["json"]) == {
        "iki.0.aspect",
        "iki.0.target_low",
        "iki.0.unit",
    }
    ok(
        client.post(
            f"{API}/skp/{skp['id']}/rhk",
            json={"text": "Laporan imunisasi tepat waktu", "parent_rhk_id": boss_rhk, "iki": [IKI]},
            headers=staff,
        ),
        201,
    )
    assert ok(act(client, staff, skp["id"], "submit"))["header_source"] == "submitted"
    # The superior sees it waiting; peers and the staff themself cannot decide.
    assert [s["id"] for s in ok(client.get(f"{API}/skp/waiting", headers=who["boss"]))] == [
        skp["id"]
    ]
    assert act(client, who["peer"], skp["id"], "approve").status_code == 404
    assert act(client, staff, skp["id"], "approve").status_code == 403
    assert act(client, who["head"], skp["id"], "approve").status_code == 403  # not the rater
    no_reason = act(client, who["boss"], skp["id"], "reject")
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]["json"]
    rejected = ok(act(client, who["boss"], skp["id"], "reject", "Target terlalu rendah"))
    assert rejected["status"] == "rejected" and rejected["reason"] == "Target terlalu rendah"
    ok(act(client, staff, skp["id"], "submit"))
    approved = ok(act(client, who["boss"], skp["id"], "approve"))
    assert approved["status"] == "approved" and approved["header_source"] == "approved"
    again = act(client, who["boss"], skp["id"], "approve")
    assert again.status_code == 409 and "Approved" in again.get_json()["message"]
    # The matrix: target → head → kepala bidang → staff.
    tree = ok(client.get(f"{API}/skp/matrix?year={YEAR}", headers=who["admin"]))["tree"]
    assert tree[0]["kind"] == "target"
    head_node = tree[0]["children"][0]
    assert head_node["id"] == head_rhk
    assert head_node["children"][0]["id"] == boss_rhk
    assert head_node["children"][0]["children"][0]["employee_name"] == "Staf"
    counts = ok(client.get(f"{API}/skp/counts?year={YEAR}", headers=who["admin"]))["counts"]
    assert counts == {"draft": 0, "submitted": 0, "approved": 3, "rejected": 0}
    assert client.get(f"{API}/skp/counts", headers=staff).status_code == 403
    # An approved plan is read-only.
    rhk_url = f"{API}/skp/{skp['id']}/rhk/{approved['rhk'][0]['id']}"
    assert patch(client, staff, rhk_url, {"text": "baru"}).status_code == 409
    assert head_skp and boss_skp


def test_the_header_snapshot_survives_a_transfer_and_a_revision_keeps_history(
    client, who, people, tenants
) -> None:
    plan_head(client, who)
    boss_skp, boss_rhk = plan_boss(client, who)
    url = f"{API}/skp/{boss_skp}"
    before = ok(client.get(url, headers=who["boss"]))["header"]
    with db.unit_of_work(tenants.a) as session:
        boss = employees.get_employee(session, people.superior)
        employees.update_employee(
            session, boss, {"golongan": "IV/b", "org_unit_id": tenants.units["A-SUB"]}
        )
    after = ok(client.get(url, headers=who["boss"]))["header"]
    assert after == before and after["employee"]["golongan"] == "III/a"
    # A revision needs a reason, opens version 2 as a draft, and keeps version 1 readable.
    assert act(client, who["boss"], boss_skp, "revise").status_code == 422
    revised = ok(act(client, who["boss"], boss_skp, "revise", "Tugas baru dari kepala dinas"))
    assert revised["status"] == "draft" and revised["version"] == 2
    assert (
        revised["header_source"] == "live" and revised["header"]["employee"]["golongan"] == "IV/b"
    )
    ok(patch(client, who["boss"], f"{url}/rhk/{boss_rhk}", {"text": "Cakupan imunisasi 95%"}))
    ok(act(client, who["boss"], boss_skp, "submit"))
    ok(act(client, who["head"], boss_skp, "approve"))
    listed = ok(client.get(f"{url}/versions", headers=who["boss"]))
    assert [v["version"] for v in listed] == [1, 2]
    assert listed[1]["reason"] == "Tugas baru dari kepala dinas"
    v1 = ok(client.get(f"{url}/versions/1", headers=who["head"]))
    assert v1["content"]["rhk"][0]["text"] == "Cakupan imunisasi meningkat"
    assert v1["content"]["header"]["employee"]["golongan"] == "III/a"
    v2 = ok(client.get(f"{url}/versions/2", headers=who["head"]))
    changed = [(c["section"], c["field"], c["before"], c["after"]) for c in v2["changes"]]
    assert ("rhk", "text", "Cakupan imunisasi meningkat", "Cakupan imunisasi 95%") in changed
    assert (
        "header",
        "employee",
        before["employee"],
        v2["content"]["header"]["employee"],
    ) in changed
    assert client.get(f"{url}/versions/3", headers=who["boss"]).status_code == 404
    with db.unit_of_work(tenants.a) as session:
        actions = set(
            session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "skp"))
        )
    assert {"skp.create", "skp.submit", "skp.approve", "skp.revise"} <= actions


def test_a_vacant_superior_is_replaced_by_the_next_one_up(client, who, people, tenants) -> None:
    plan_head(client, who)
    _boss_skp, boss_rhk = plan_boss(client, who)
    skp = ok(client.post(f"{API}/skp", json={"year": YEAR}, headers=who["staff"]), 201)
    ok(
        client.post(
            f"{API}/skp/{skp['id']}/rhk",
            json={"text": "Data imunisasi", "parent_rhk_id": boss_rhk, "iki": [IKI]},
            headers=who["staff"],
        ),
        201,
    )
    ok(act(client, who["staff"], skp["id"], "submit"))
    with db.unit_of_work(tenants.a) as session:  # the kepala bidang leaves the post
        employees.update_employee(
            session, employees.get_employee(session, people.superior), {"active": False}
        )
    assert [s["id"] for s in ok(client.get(f"{API}/skp/waiting", headers=who["head"]))] == [
        skp["id"]
    ]
    approved = ok(act(client, who["head"], skp["id"], "approve"))
    assert approved["acting"] is True
    with db.unit_of_work(tenants.a) as session:
        entry = session.scalar(
            select(AuditEntry)
            .where(AuditEntry.action == "skp.approve")
            .order_by(AuditEntry.id.desc())
        )
    assert entry is not None and entry.changes["acting"] == [None, True]


def test_a_closed_year_is_read_only(client, who, tenants) -> None:
    skp = ok(client.post(f"{API}/skp", json={"year": YEAR}, headers=who["staff"]), 201)
    with db.unit_of_work() as session:
        years.set_year(session, YEAR, date(YEAR, 1, 1), date(YEAR, 12, 31), closed=True)
    refused = client.post(
        f"{API}/skp/{skp['id']}/rhk", json={"text": "x", "iki": [IKI]}, headers=who["staff"]
    )
    assert refused.status_code == 409 and "closed" in refused.get_json()["message"]
    assert act(client, who["staff"], skp["id"], "submit").status_code == 409
    assert client.post(f"{API}/skp", json={"year": YEAR}, headers=who["peer"]).status_code == 409
    assert ok(client.get(f"{API}/years/{YEAR}", headers=who["staff"]))["closed"] is True


def test_frequency_and_periods_are_the_agencys_per_year(client, who) -> None:
    year = ok(client.get(f"{API}/years/2027", headers=who["staff"]))
    assert year["frequency"] == "quarterly" and len(year["periods"]) == 4
    assert (
        put_if_match(
            client, f"{API}/years/2027", json={"frequency": "monthly"}, headers=who["staff"]
        ).status_code
        == 403
    )
    changed = ok(
        put_if_match(
            client, f"{API}/years/2027", json={"frequency": "monthly"}, headers=who["admin"]
        )
    )
    assert changed["frequency"] == "monthly" and len(changed["periods"]) == 12
    bad = put_if_match(
        client, f"{API}/years/2027", json={"frequency": "weekly"}, headers=who["admin"]
    )
    assert bad.status_code == 422 and "frequency" in bad.get_json()["errors"]["json"]
    assert ok(client.get(f"{API}/years/2026", headers=who["staff"]))["frequency"] == "quarterly"


def test_hand_down_proposes_results_in_subordinates_drafts(client, who, people) -> None:
    plan_head(client, who)
    boss_skp, boss_rhk = plan_boss(client, who)
    url = f"{API}/skp/{boss_skp}/rhk/{boss_rhk}/hand-down"
    body = {"employee_ids": [people.staff, people.peer]}  # the peer is not the boss's to rate
    result = ok(client.post(url, json=body, headers=who["boss"]))
    assert result["handed_to"] == ["Staf"]
    assert [s["name"] for s in result["skipped"]] == ["Rekan"]
    mine = ok(client.get(f"{API}/skp?year={YEAR}", headers=who["staff"]))
    detail = ok(client.get(f"{API}/skp/{mine[0]['id']}", headers=who["staff"]))
    assert detail["rhk"][0]["proposed"] and detail["rhk"][0]["parent_rhk_id"] == boss_rhk
    assert detail["rhk"][0]["iki"][0]["unit"] == "%"
    again = ok(client.post(url, json={"employee_ids": [people.staff]}, headers=who["boss"]))
    assert again["handed_to"] == [] and again["skipped"][0]["name"] == "Staf"
    assert client.post(url, json=body, headers=who["staff"]).status_code == 404  # not theirs


def test_other_agencies_see_nothing_and_the_city_sees_counts_only(client, who, tenants) -> None:
    skp = ok(client.post(f"{API}/skp", json={"year": YEAR}, headers=who["staff"]), 201)
    outsider = who["outsider"]
    assert client.get(f"{API}/skp/{skp['id']}", headers=outsider).status_code == 404
    other = "/api/v1/tenants/disdik"
    assert client.get(f"{other}/skp/{skp['id']}", headers=outsider).status_code == 404
    assert ok(client.get(f"{other}/skp?year={YEAR}", headers=outsider)) == []
    assert act(client, outsider, skp["id"], "submit").status_code == 404
    assert client.get(f"{API}/skp/{skp['id']}", headers=who["peer"]).status_code == 404
    with db.unit_of_work() as session:
        counts = session.execute(text("SELECT * FROM kinerja_skp_counts(:y)"), {"y": YEAR}).all()
    assert [(t, s, n) for t, s, n in counts] == [(tenants.a, "draft", 1)]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ["a"], "iki": [IKI]}, "text"),
        ({"text": "x", "iki": [{**IKI, "target_low": "1e999"}]}, "iki.0.target_low"),
        ({"text": "x", "iki": [{**IKI, "target_low": "-1"}]}, "iki.0.target_low"),
        ({"text": "x", "iki": [{**IKI, "target_high": "5"}]}, "iki.0.target_high"),
        ({"text": "x", "iki": [{**IKI, "aspect": "rasa"}]}, "iki.0.aspect"),
        ({"text": "x", "iki": ["teks"]}, "iki.0"),  # not an object: the item as a whole
        ({"text": "x", "iki": [IKI] * 11}, "iki"),
        ({"text": "x", "kind": "lain", "iki": [IKI]}, "kind"),
        ({"text": "x", "perspektif": "anggaran", "iki": [IKI]}, "perspektif"),  # not a JPT
        ({"text": "x", "parent_rhk_id": 2**62, "iki": [IKI]}, "parent_rhk_id"),
        ({"text": "x" * 2001, "iki": [IKI]}, "text"),
    ],
)
def test_bad_results_are_refused_naming_the_field(client, who, body, field) -> None:
    skp = ok(client.post(f"{API}/skp", json={"year": YEAR}, headers=who["staff"]), 201)
    refused = client.post(f"{API}/skp/{skp['id']}/rhk", json=body, headers=who["staff"])
    assert refused.status_code == 422, refused.get_json()
    assert field in refused.get_json()["errors"]["json"]
    assert ok(client.get(f"{API}/skp/{skp['id']}", headers=who["staff"]))["rhk"] == []


def test_expectations_are_the_superiors_and_text_only(client, who) -> None:
    skp = ok(client.post(f"{API}/skp", json={"year": YEAR}, headers=who["staff"]), 201)
    url = f"{API}/skp/{skp['id']}/expectations"
    read = f"{API}/skp/{skp['id']}"
    assert (
        put_if_match(
            client, url, read=read, json={"akuntabel": "x"}, headers=who["staff"]
        ).status_code
        == 403
    )
    assert (
        put_if_match(
            client, url, read=read, json={"akuntabel": ["x"]}, headers=who["boss"]
        ).status_code
        == 422
    )
    done = ok(
        put_if_match(
            client,
            url,
            read=read,
            json={"akuntabel": "Tepat waktu", "bogus": "x"},
            headers=who["boss"],
        )
    )
    assert done["expectations"] == {"akuntabel": "Tepat waktu"}


def test_the_expectations_body_names_every_berakhlak_value(client, who) -> None:
    from kinerja.performance import behaviour

    spec = client.get("/api/v1/openapi.json").get_json()
    put = spec["paths"]["/api/v1/tenants/{tenant}/skp/{skp_id}/expectations"]["put"]
    ref = put["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    documented = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]
    assert set(documented) == behaviour.codes()
    assert documented["akuntabel"]["maxLength"] == 1000
    skp = ok(client.post(f"{API}/skp", json={"year": YEAR}, headers=who["staff"]), 201)
    url, read = f"{API}/skp/{skp['id']}/expectations", f"{API}/skp/{skp['id']}"
    long = put_if_match(client, url, read=read, json={"akuntabel": "x" * 1001}, headers=who["boss"])
    assert long.get_json()["errors"]["json"] == {"akuntabel": ["Enter at most 1000 characters."]}
    both = {"akuntabel": "Tepat waktu", "loyal": "Menjaga rahasia"}
    assert ok(put_if_match(client, url, read=read, json=both, headers=who["boss"]))
    cleared = put_if_match(client, url, read=read, json={"loyal": " "}, headers=who["boss"])
    assert ok(cleared)["expectations"] == {"akuntabel": "Tepat waktu"}
