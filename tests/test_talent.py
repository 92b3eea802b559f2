"""Competencies and talent: the scoring rules (pure), and through the API a whole campaign:
standards, tasks, anonymous ratings aggregated only from the minimum up, assessment-centre
imports all or nothing, results with gap, JPM and suggestions, the grid, isolation, audit."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from kinerja.audit.models import AuditEntry
from kinerja.competency import scoring
from kinerja.competency.models import AssessmentRating
from kinerja.db import db
from tests.support import People, put_if_match
from tests.test_skp_api import head_account, token

API = "/api/v1/tenants/dinkes/talent"
D = Decimal


# --- the rules ------------------------------------------------------------------------------------
ROWS = [("fungsional", 0, 1), ("fungsional", 9, 2), ("fungsional", 13, 4), ("pengawas", 0, 2)]


@pytest.mark.parametrize(
    ("kind", "grade", "level"),
    [
        ("fungsional", None, 1),
        ("fungsional", 8, 1),
        ("fungsional", 9, 2),
        ("fungsional", 12, 2),
        ("fungsional", 17, 4),
        ("pengawas", 3, 2),
        ("pelaksana", 5, None),
    ],
)
def test_the_default_level_is_the_highest_grade_step_reached(kind, grade, level) -> None:
    assert scoring.default_level(ROWS, kind, grade) == level


def test_a_position_requires_the_core_at_its_default_changed_by_its_own_rows() -> None:
    found = scoring.required(["M1", "M2", "SK1"], 3, {"M2": 0, "M1": 4, "DK-X": 2})
    assert found == {"M1": 4, "SK1": 3, "DK-X": 2}
    assert scoring.required(["M1"], None, {}) == {}


@pytest.mark.parametrize("minimum", [0, 1, 2, 3])
def test_anonymous_sources_need_at_least_three_answers_whatever_the_minimum(minimum) -> None:
    views = scoring.sources_of(
        {"peer": [4, 2], "subordinate": [3, 3, 4], "self": [5], "superior": [2]}, minimum
    )
    assert views["peer"].hidden and views["peer"].mean is None and views["peer"].count == 2
    assert not views["subordinate"].hidden and views["subordinate"].mean == D("3.33")
    assert not views["self"].hidden and views["self"].mean == D(5)  # named: always shown


def test_anonymous_sources_stay_hidden_while_the_campaign_is_open() -> None:
    views = scoring.sources_of({"peer": [4, 4, 4, 4], "superior": [3]}, 3, closed=False)
    assert views["peer"].hidden and views["peer"].count is None and views["peer"].mean is None
    assert views["superior"].mean == D(3)


def test_the_minimum_can_be_raised() -> None:
    views = scoring.sources_of({"subordinate": [3, 3, 4]}, 4)
    assert views["subordinate"].hidden


def test_the_assessed_level_weighs_shown_sources_and_an_assessor_decides() -> None:
    weights = {"self": 10, "superior": 40, "peer": 25, "subordinate": 25}
    views = scoring.sources_of({"self": [5], "superior": [3], "peer": [1, 1]}, 3)
    # peers hidden: (5*10 + 3*40) / 50
    assert scoring.assessed_level(views, weights) == D("3.40")
    views = scoring.sources_of({"self": [5], "assessor": [2]}, 3)
    assert scoring.assessed_level(views, weights) == D(2)
    assert scoring.assessed_level(scoring.sources_of({"peer": [4]}, 3), weights) is None


@pytest.mark.parametrize(
    ("percent", "axis"),
    [(D(90), "TINGGI"), (D("89.99"), "MENENGAH"), (D(78), "MENENGAH"), (D("77.99"), "RENDAH")],
)
def test_potensial_cut_offs_include_their_lower_bound(percent, axis) -> None:
    assert scoring.potensial(percent, {"TINGGI": D(90), "MENENGAH": D(78)}) == axis


def test_kinerja_comes_from_the_predikat_and_an_unknown_one_is_named() -> None:
    assert scoring.kinerja("SANGAT_BAIK") == "DI_ATAS"
    assert scoring.kinerja("BAIK") == "SESUAI"
    assert scoring.kinerja("KURANG") == "DI_BAWAH"
    with pytest.raises(ValueError, match="HEBAT"):
        scoring.kinerja("HEBAT")
    assert scoring.box("DI_ATAS", "TINGGI") == 9 and scoring.box(None, "TINGGI") is None


# --- through the API ------------------------------------------------------------------------------
@pytest.fixture
def team(people: People, tenants: Any) -> dict[str, Any]:
    """Positions for everyone (the head JPT Pratama, the boss administrator, the others
    fungsional or pelaksana) and their tokens."""
    from kinerja.people import employees
    from kinerja.people.models import Employee, Position

    a = tenants.a
    head_user = head_account(people, a)
    with db.unit_of_work(a) as session:
        kinds = {
            people.head: ("Kepala Dinas", "jpt_pratama", 14),
            people.superior: ("Kepala Bidang", "administrator", 11),
            people.staff: ("Epidemiolog", "fungsional", 8),
            people.peer: ("Pengelola Data", "pelaksana", 6),
        }
        admin_id = session.scalar(
            select(Employee.id).where(Employee.user_id == people.users["admin"])
        )
        kinds[admin_id] = ("Pranata Komputer", "fungsional", 9)
        for employee_id, (name, kind, grade) in kinds.items():
            position = Position(name=name, type=kind, grade=grade)
            session.add(position)
            session.flush()
            employees.get_employee(session, employee_id).position_id = position.id
    return {
        "admin_id": admin_id,
        "head": token(a, head_user),
        "boss": token(a, people.users["boss"]),
        "staff": token(a, people.users["staff"]),
        "peer": token(a, people.users["peer"]),
        "admin": token(a, people.users["admin"], "admin_opd"),
        "outsider": token(tenants.b, people.users["outsider"], "admin_opd"),
    }


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_json()
    return response.get_json()


def campaign(client: Any, team: dict[str, Any], **extra: Any) -> dict[str, Any]:
    body = {"name": "Asesmen 2026", "starts": "2026-01-05", "ends": "2026-12-20", **extra}
    made = ok(client.post(f"{API}/campaigns", json=body, headers=team["admin"]), 201)
    return ok(
        client.post(
            f"{API}/campaigns/{made['id']}/transitions",
            json={"action": "open"},
            headers=team["admin"],
        )
    )


def rate_all(client: Any, headers: dict[str, str], level: int = 3, note: str | None = None) -> int:
    done = 0
    for task in ok(client.get(f"{API}/tasks", headers=headers)):
        asked = ok(client.get(f"{API}/tasks/{task['id']}", headers=headers))["competencies"]
        body = {c["code"]: {"level": level, "comment": note} for c in asked}
        ok(client.post(f"{API}/tasks/{task['id']}", json=body, headers=headers))
        done += 1
    return done


def test_a_campaign_from_tasks_to_anonymous_results(client, team, people, tenants) -> None:
    opened = campaign(client, team)
    assert opened["status"] == "open" and opened["subjects"] == 5 and opened["tasks"] > 0
    # The head has three subordinates (boss, peer, admin OPD): their mean shows.
    # The peer has two peers (boss, admin OPD): theirs stays hidden, comments too.
    for who, level in (("boss", 4), ("peer", 2), ("admin", 3)):
        assert rate_all(client, team[who], level, note=f"catatan {who}") > 0
    live = ok(client.get(f"{API}/people/{people.head}", headers=team["admin"]))
    assert live["campaign_id"] is None and live["competencies"] == []  # nothing while open
    close = f"{API}/campaigns/{opened['id']}/transitions"
    ok(client.post(close, json={"action": "close"}, headers=team["admin"]))
    head = ok(client.get(f"{API}/people/{people.head}", headers=team["admin"]))
    line = next(c for c in head["competencies"] if c["code"] == "M1")
    assert line["required"] == 4  # JPT Pratama
    assert line["sources"]["subordinate"] == {"count": 3, "mean": "3.00"}
    assert line["assessed"] == "3.00" and line["gap"] == "-1.00"
    assert {c["text"] for c in line["comments"]} == {
        "catatan boss",
        "catatan peer",
        "catatan admin",
    }
    assert (
        line["suggestions"] and head["jpm"] == "75.00" and head["jpm_category"] == "KURANG_OPTIMAL"
    )
    peer = ok(client.get(f"{API}/people/{people.peer}", headers=team["admin"]))
    peer_line = next(c for c in peer["competencies"] if c["code"] == "M1")
    assert peer_line["sources"]["peer"] == {"count": 2, "hidden": True}
    assert all(c["source"] != "peer" for c in peer_line["comments"])
    assert "catatan boss" not in str(peer) or peer_line["sources"].get("superior")
    with db.unit_of_work(tenants.a) as session:
        anonymous = session.scalars(
            select(AssessmentRating).where(AssessmentRating.source.in_(["peer", "subordinate"]))
        ).all()
        assert anonymous and all(r.rater_id is None for r in anonymous)
    assert ok(client.get(f"{API}/tasks", headers=team["staff"])) == []  # closed: no more tasks


def test_a_task_is_answered_once_only_by_its_rater_and_completely(client, team) -> None:
    campaign(client, team)
    task = ok(client.get(f"{API}/tasks", headers=team["staff"]))[0]
    assert client.get(f"{API}/tasks/{task['id']}", headers=team["boss"]).status_code == 404
    refused = client.post(
        f"{API}/tasks/{task['id']}", json={"M1": {"level": 9}}, headers=team["staff"]
    )
    assert refused.status_code == 422 and "M1" in refused.get_json()["errors"]["json"]
    unknown = client.post(f"{API}/tasks/{task['id']}", json={"ZZ": 3}, headers=team["staff"])
    assert unknown.status_code == 422 and "ZZ" in unknown.get_json()["errors"]["json"]
    assert rate_all(client, team["staff"], 5) >= 1
    again = client.post(f"{API}/tasks/{task['id']}", json={}, headers=team["staff"])
    assert again.status_code == 409


def test_who_may_open_whose_results_and_that_it_is_audited(client, team, people, tenants) -> None:
    campaign(client, team)
    assert client.get(f"{API}/people/{people.staff}", headers=team["boss"]).status_code == 200
    assert client.get(f"{API}/people/{people.staff}", headers=team["staff"]).status_code == 200
    assert client.get(f"{API}/people/{people.staff}", headers=team["peer"]).status_code == 404
    assert client.get(f"{API}/people/{people.staff}", headers=team["outsider"]).status_code == 404
    other = f"/api/v1/tenants/disdik/talent/people/{people.staff}"
    assert client.get(other, headers=team["outsider"]).status_code == 404
    assert client.get(f"{API}/campaigns", headers=team["staff"]).status_code == 404
    assert client.get(f"{API}/campaigns", headers=team["outsider"]).status_code == 404
    assert client.get(f"{API}/grid", headers=team["peer"]).status_code == 404
    empty = ok(client.get(f"{API}/grid?box=5", headers=team["boss"]))  # nobody placed yet
    assert empty["counts"] == {str(n): 0 for n in range(1, 10)} and empty["suppressed"] == {}
    with db.unit_of_work(tenants.a) as session:
        opened = session.scalars(select(AuditEntry).where(AuditEntry.action == "talent.open")).all()
        assert {e.subject_employee_id for e in opened} == {people.staff}
        assert len(opened) == 1  # the boss's look; the staff's own is not an event


def test_standards_are_set_per_position_audited_and_checked(client, team, people, tenants) -> None:
    positions = ok(client.get(f"{API}/standards", headers=team["staff"]))
    staff_position = next(p for p in positions if p["name"] == "Epidemiolog")
    assert staff_position["levels"]["M1"] == 1 and "DK-IMUN" not in staff_position["levels"]
    url = f"{API}/standards/{staff_position['position_id']}"
    assert put_if_match(client, url, json={"M1": 3}, headers=team["staff"]).status_code == 403
    changed = ok(put_if_match(client, url, json={"M1": 3, "M8": 0}, headers=team["admin"]))
    assert changed["levels"]["M1"] == 3 and "M8" not in changed["levels"]
    for wrong in ({"M1": 6}, {"XX": 2}, {"M1": "tiga"}):
        assert put_if_match(client, url, json=wrong, headers=team["admin"]).status_code == 422
    assert (
        ok(put_if_match(client, url, json={"M1": None}, headers=team["admin"]))["levels"]["M1"] == 1
    )
    assert (
        put_if_match(
            client, f"{API}/standards/999999", json={"M1": 2}, headers=team["admin"]
        ).status_code
        == 404
    )
    with db.unit_of_work(tenants.a) as session:
        changes = [
            e.changes
            for e in session.scalars(
                select(AuditEntry).where(AuditEntry.action == "competency.standard")
            )
        ]
    assert {"M1": [1, 3], "M8": [1, None]} in changes


def test_assessment_centre_results_are_imported_all_or_nothing(client, team, people) -> None:
    opened = campaign(client, team)
    url = f"{API}/campaigns/{opened['id']}/results"

    def send(text: str, name: str = "hasil.csv") -> Any:
        data = {"file": (io.BytesIO(text.encode()), name)}
        return client.post(url, data=data, headers=team["admin"])

    bad = send(
        "nip,kode_kompetensi,level\n"
        "198609262015051001,M1,4\n"
        "198609262015051001,ZZ,4\n"
        "000000000000000000,M2,7\n"
    )
    assert bad.status_code == 422, bad.get_json()
    errors = bad.get_json()["errors"]["json"]
    assert set(errors) == {"row 3", "row 4"} and len(errors["row 4"]) == 2
    assert send("nip;kode_kompetensi;level\n198609262015051001;M1;4\n").status_code == 200
    assert send("nip,level\n1,2\n").status_code == 422  # a column missing
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["NIP", "Kode Kompetensi", "Level"])
    sheet.append(["198609262015051001", "m2", 2])  # a number, a lower-case code
    out = io.BytesIO()
    book.save(out)
    sent = client.post(
        url, data={"file": (io.BytesIO(out.getvalue()), "hasil.xlsx")}, headers=team["admin"]
    )
    assert sent.status_code == 200, sent.get_json()
    assert send("x", name="hasil.exe").status_code == 415
    broken = client.post(
        url,
        data={"file": (io.BytesIO(b"PK\x03\x04 not really a workbook"), "hasil.xlsx")},
        headers=team["admin"],
    )
    assert broken.status_code in (415, 422) and broken.get_json()["message"]
    csv = {"file": (io.BytesIO(b"nip,kode_kompetensi,level\n"), "hasil.csv")}
    assert client.post(url, data=csv, headers=team["staff"]).status_code == 404
    while_open = ok(client.get(f"{API}/people/{people.staff}", headers=team["admin"]))
    assert while_open["competencies"] == []  # an open campaign's results show once it closes
    ok(
        client.post(
            f"{API}/campaigns/{opened['id']}/transitions",
            json={"action": "close"},
            headers=team["admin"],
        )
    )
    after = ok(client.get(f"{API}/people/{people.staff}", headers=team["admin"]))
    lines = {c["code"]: c for c in after["competencies"]}
    assert lines["M1"]["assessed"] == "4.00" and lines["M1"]["sources"]["assessor"]["count"] == 1
    assert lines["M2"]["assessed"] == "2.00"
    assert all("assessor" not in c["sources"] for k, c in lines.items() if k not in ("M1", "M2"))


def test_the_policy_keeps_anonymity_at_three_or_more(client, team) -> None:
    assert (
        put_if_match(
            client, f"{API}/policy", json={"minimum": 2}, headers=team["admin"]
        ).status_code
        == 422
    )
    assert (
        put_if_match(
            client,
            f"{API}/policy",
            json={"tinggi_from": "70", "menengah_from": "80"},
            headers=team["admin"],
        ).status_code
        == 422
    )
    changed = ok(
        put_if_match(
            client,
            f"{API}/policy",
            json={"minimum": 4, "jpm_scale": "seleksi"},
            headers=team["admin"],
        )
    )
    assert changed["minimum"] == 4 and changed["jpm_scale"] == "seleksi"
    assert (
        put_if_match(client, f"{API}/policy", json={"minimum": 5}, headers=team["boss"]).status_code
        == 403
    )
    made = client.post(
        f"{API}/campaigns",
        json={"name": "x", "starts": "2026-01-01", "ends": "2026-02-01", "minimum": 1},
        headers=team["admin"],
    )
    assert made.status_code == 422


def test_the_demo_campaign_shows_both_sides_of_the_anonymity_rule(app, people, tenants) -> None:
    from kinerja import demo
    from kinerja.competency import campaigns, results
    from kinerja.competency.models import AssessmentCampaign
    from kinerja.plugins import service

    demo.load()
    with db.unit_of_work(tenants.a) as session:
        finished = session.scalars(
            select(AssessmentCampaign).where(AssessmentCampaign.status == "closed")
        ).one()
        enabled = service.enabled_names(session)
        from kinerja import plugins

        with app.app_context():
            found = plugins.get(app).call("kinerja_competencies", enabled, tenants.a)
        dictionary = {c.code: c for _, cs in found for c in cs}
        subjects = campaigns.subjects(session, finished)
        shown = results.of_people(session, subjects, dictionary)
        views = [
            v
            for r in shown.values()
            for line in r.lines
            for s, v in line.sources.items()
            if s in scoring.ANONYMOUS
        ]
        assert any(v.hidden for v in views) and any(not v.hidden for v in views)
        assert all(v.mean is None for v in views if v.hidden)
        assert any(r.box is not None for r in shown.values())  # last year's predikat + JPM
    assert any("talent" in line for line in demo.load())


def test_talent_bodies_are_documented_by_code_and_read_by_one_schema(client, team) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    paths, schemas = spec["paths"], spec["components"]["schemas"]
    task = paths["/api/v1/tenants/{tenant}/talent/tasks/{task_id}"]["post"]["requestBody"]
    ratings = task["content"]["application/json"]["schema"]
    rating = schemas[ratings["additionalProperties"]["$ref"].rsplit("/", 1)[1]]
    assert ratings["type"] == "object" and rating["required"] == ["level"]
    standard = paths["/api/v1/tenants/{tenant}/talent/standards/{position_id}"]["put"]
    levels = standard["requestBody"]["content"]["application/json"]["schema"]
    assert levels["additionalProperties"]["type"] == "integer"
    results = paths["/api/v1/tenants/{tenant}/talent/campaigns/{campaign_id}/results"]["post"]
    assert "multipart/form-data" in results["requestBody"]["content"]
    positions = ok(client.get(f"{API}/standards", headers=team["staff"]))
    url = f"{API}/standards/{positions[0]['position_id']}"
    refused = put_if_match(client, url, json={"M1": 6, "M2": "x"}, headers=team["admin"])
    assert refused.get_json()["errors"]["json"] == {
        "M1": ["Enter a number from 0 to 5."],
        "M2": ["Enter a whole number."],
    }


WEB_MESSAGES = {
    "name": "Give the campaign a name.",
    "starts": "Enter a valid date.",
    "ends": "The end cannot be before the start.",
    "minimum": "The anonymity minimum is at least %(n)s raters.",
}


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"name": " "}, "name", "Give the campaign a name."),
        ({"starts": "2026-13-01"}, "starts", "Enter a valid date."),
        ({"ends": "2026-01-01"}, "ends", "The end cannot be before the start."),
        ({"minimum": 2}, "minimum", "The anonymity minimum is at least 3 raters."),
        ({"sources": {"peer": 101}}, "sources", "Each weight is a whole number from 0 to 100."),
        ({"sources": {"self": 0, "peer": 0}}, "sources", "At least one source must count."),
        ({"sources": {"boss": 10}}, "sources", "Must be one of"),
        ({"subjects": [0]}, "subjects", "Enter a number from 1 to"),
        ({"competencies": ["ZZ"]}, "competencies", "Choose competencies in force"),
    ],
)
def test_a_campaign_is_read_by_one_schema_on_both_edges(
    client, app, team, body, field, message
) -> None:
    """`POST …/campaigns` and the campaign form read `CampaignInput`: a mistake is a 422
    naming its field with the same translated message; nothing is made."""
    from tests.test_i18n import catalogue
    from tests.test_talent_web import browser_of, post

    sent = {"name": "Asesmen", "starts": "2026-01-05", "ends": "2026-12-20", **body}
    refused = client.post(f"{API}/campaigns", json=sent, headers=team["admin"])
    assert refused.status_code == 422, refused.get_json()
    errors = refused.get_json()["errors"]["json"]
    assert {key.split(".")[0] for key in errors} == {field}
    assert message in str(errors)
    if field in ("name", "starts", "ends", "minimum"):  # the form has these fields as they are
        admin = browser_of(app, "admin")
        form = post(admin, "/t/dinkes/talent/campaigns", sent, page="/t/dinkes/talent")
        assert form.status_code == 422
        msgid = WEB_MESSAGES[field]
        words = catalogue("id").get(msgid).string % {"n": scoring.LOWEST_MINIMUM}
        assert words in form.get_data(as_text=True)
    assert ok(client.get(f"{API}/campaigns", headers=team["admin"])) == []


def test_the_campaign_body_is_documented(client) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    body = spec["paths"]["/api/v1/tenants/{tenant}/talent/campaigns"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    documented = spec["components"]["schemas"][ref]
    assert set(documented["required"]) == {"name", "starts", "ends"}
    assert documented["properties"]["minimum"]["minimum"] == scoring.LOWEST_MINIMUM
    assert documented["properties"]["name"]["maxLength"] == 200
