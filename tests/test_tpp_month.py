"""A TPP month end to end through the API: the city's bases, an attendance push (all or
nothing), the job, the admin OPD's review and correction, close, the city's lock, a correction
after closing as a new version; who sees what; the city's totals carry no personal row."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from kinerja.db import db
from kinerja.exceptions import Conflict
from kinerja.tpp import attendance, service, settings
from tests.support import People, sign_in
from tests.test_skp_api import head_account, token
from tests.tpp_support import API, CITY, MONTH, YEAR, set_up, work

URL = f"{API}/months/{YEAR}/{MONTH}"


def _expected(base: int, compliance: Decimal, disiplin: Decimal) -> int:
    kinerja = Decimal(100) * min(Decimal(1), compliance / Decimal("0.8"))
    kinerja = kinerja.quantize(Decimal("0.0001"), ROUND_HALF_UP)
    total = base * (60 * kinerja + 40 * disiplin) / Decimal(10000)
    return int(total.quantize(Decimal(1), ROUND_HALF_UP))


def test_a_month_end_to_end(app, client, people: People, tenants) -> None:
    a = tenants.a
    setting = set_up(tenants, people, entries_missing=2)
    days = setting.days
    admin = token(a, people.users["admin"], "admin_opd")
    staff = token(a, people.users["staff"])
    city = app.test_client()
    sign_in(city, "kota")
    # the city's exception for the boss's position beats the kelas' amount
    with db.unit_of_work(a) as session:
        settings.put_position_base(session, setting.boss_position, 3_500_000, people.users["kota"])
    listed = city.get(f"{CITY}/agencies/dinkes/positions").get_json()
    assert {r["name"]: r["amount"] for r in listed} == {"Analis": None, "Kepala Bidang": 3_500_000}

    nips = {"staff": "198609262015051001", "boss": "198001152005012003"}
    events = [
        {"nip": nips["staff"], "date": days[2].isoformat(), "code": "terlambat_1", "minutes": 12},
        {"nip": nips["staff"], "date": days[3].isoformat(), "code": "terlambat_1", "minutes": 5},
        {"nip": nips["staff"], "date": days[4].isoformat(), "code": "tanpa_keterangan"},
    ]
    bad = client.post(
        f"{API}/attendance",
        json={"events": [events[0], {**events[1], "nip": "199901012020011001"}]},
        headers=admin,
    )
    assert bad.status_code == 422
    assert "events.1.nip" in bad.get_json()["errors"]["json"]
    with db.unit_of_work(a) as session:  # all or nothing: the good row was not kept either
        assert attendance.month_events(session, people.staff, YEAR, MONTH) == []
    assert (
        client.post(f"{API}/attendance", json={"events": events}, headers=staff).status_code == 404
    )
    pushed = client.post(f"{API}/attendance", json={"events": events}, headers=admin)
    assert pushed.status_code == 201 and pushed.get_json() == {"written": 3}

    assert (
        client.post(
            f"{API}/computations", json={"year": YEAR, "month": MONTH}, headers=admin
        ).status_code
        == 202
    )
    work()
    lines = client.get(f"{URL}/lines", headers=admin)
    assert lines.status_code == 200 and "X-Pagination" in lines.headers
    by_id = {line["employee_id"]: line for line in lines.get_json()}
    mine = by_id[people.staff]
    compliance = Decimal(len(days) - 2) / Decimal(len(days))
    assert mine["days_with_entry"] == len(days) - 2 and mine["working_days"] == len(days)
    assert mine["events"] == {"tanpa_keterangan": 1, "terlambat_1": 2}
    assert Decimal(str(mine["disiplin_pct"])) == Decimal(96)  # 100 - 3 - 2 x 0.5
    assert mine["predikat"] == "BAIK" and mine["base"] == 2_000_000
    assert mine["total"] == _expected(
        2_000_000, compliance.quantize(Decimal("0.000001"), ROUND_HALF_UP), Decimal(96)
    )
    boss = by_id[people.superior]
    assert boss["base"] == 3_500_000 and boss["base_source"] == "position"
    assert boss["predikat"] is None and boss["kinerja_pct"] == 0  # no approved evaluation
    assert by_id[people.head]["base_source"] == "none" and by_id[people.head]["total"] == 0
    assert people.other not in by_id  # another agency's people are never here

    explained = client.get(f"{API}/me/{YEAR}/{MONTH}", headers=staff).get_json()
    assert explained["base_source"] == "kelas" and explained["kelas"] == 7
    assert explained["predikat_source"] == "covering" and explained["evaluation"]["period"] == 0
    assert {e["code"]: e["deducted"] for e in explained["events"]} == {
        "tanpa_keterangan": 3.0,
        "terlambat_1": 1.0,
    }
    assert [v["version"] for v in explained["versions"]] == [1]
    my_list = client.get(f"{API}/me", headers=staff)
    assert [(r["year"], r["month"]) for r in my_list.get_json()] == [(YEAR, MONTH)]
    # the head oversees the agency: reads every line, changes nothing
    head = token(a, head_account(people, a))
    assert client.get(f"{URL}/lines/{people.staff}", headers=head).status_code == 200
    assert client.get(f"{URL}/lines", headers=head).status_code == 200
    refused = client.post(
        f"{URL}/lines/{people.staff}/correction", json={"events": [], "reason": "x"}, headers=head
    )
    assert refused.status_code == 403
    # a superior does not see a subordinate's allowance
    boss_token = token(a, people.users["boss"])
    assert client.get(f"{URL}/lines/{people.staff}", headers=boss_token).status_code == 404
    # the staff sees no one else's line and not the month
    assert client.get(f"{URL}/lines/{people.superior}", headers=staff).status_code == 404
    assert client.get(f"{URL}/lines", headers=staff).status_code == 404

    # a correction while open: the line recomputed in place (still version 1), audited
    corrected = client.post(
        f"{URL}/lines/{people.staff}/correction",
        json={
            "events": [{"date": days[2].isoformat(), "code": "terlambat_1", "minutes": 12}],
            "reason": "Izin sakit tanggal itu, surat menyusul",
        },
        headers=admin,
    )
    assert corrected.status_code == 200, corrected.get_json()
    line = corrected.get_json()["line"]
    assert line["version"] == 1 and line["disiplin_pct"] == 99.5

    closed = client.post(f"{URL}/transitions", json={"action": "close"}, headers=admin)
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    # a closed month never changes: compute, close and new events refuse
    assert (
        client.post(
            f"{API}/computations", json={"year": YEAR, "month": MONTH}, headers=admin
        ).status_code
        == 409
    )
    assert (
        client.post(f"{URL}/transitions", json={"action": "close"}, headers=admin).status_code
        == 409
    )
    again = client.post(f"{API}/attendance", json={"events": events[1:2]}, headers=admin)
    assert again.status_code == 409
    before = client.get(f"{URL}/lines", headers=admin).get_json()

    # a correction after closing: a new version with its reason; the first stays
    late = client.post(
        f"{URL}/lines/{people.staff}/correction",
        json={"events": [], "reason": "Terlambat karena dinas luar"},
        headers=admin,
    )
    assert late.status_code == 200
    line = late.get_json()["line"]
    assert line["version"] == 2 and line["disiplin_pct"] == 100.0
    assert [v["version"] for v in line["versions"]] == [1, 2]
    assert line["versions"][1]["reason"] == "Terlambat karena dinas luar"
    assert line["total"] > before[[r["employee_id"] for r in before].index(people.staff)]["total"]
    assert client.get(URL, headers=admin).get_json()["version"] == 2

    # the city locks it; then nothing changes, not even by correction
    with db.unit_of_work(a) as session:
        assert service.lock(session, YEAR, MONTH, people.users["kota"]).status == "locked"
    with pytest.raises(Conflict), db.unit_of_work(a) as session:
        service.lock(session, YEAR, MONTH, people.users["kota"])
    refused = client.post(
        f"{URL}/lines/{people.staff}/correction",
        json={"events": [], "reason": "lagi"},
        headers=admin,
    )
    assert refused.status_code == 409
    assert client.get(URL, headers=admin).get_json()["status"] == "locked"

    # the city's totals: aggregates only
    answer = city.get(f"{CITY}/totals/{YEAR}/{MONTH}")
    assert answer.status_code == 200 and "X-Pagination" in answer.headers
    rows = {r["slug"]: r for r in answer.get_json()}
    assert rows["dinkes"]["status"] == "locked" and rows["dinkes"]["employees"] == 5
    assert rows["disdik"]["status"] is None and rows["disdik"]["employees"] == 0
    text = answer.get_data(as_text=True)
    for personal in ("198609262015051001", "Staf", "employee_id", "nip"):
        assert personal not in text
    with db.unit_of_work(a) as session:
        found = service.get_month(session, YEAR, MONTH)
        assert found.status == "locked" and found.version == 2


def test_another_agency_sees_nothing(app, client, people: People, tenants) -> None:
    a = tenants.a
    set_up(tenants, people)
    with db.unit_of_work(a) as session:
        service.compute(session, YEAR, MONTH)
    outsider = token(tenants.b, people.users["outsider"], "admin_opd")
    for path in ("/months", f"/months/{YEAR}/{MONTH}", f"/months/{YEAR}/{MONTH}/lines"):
        assert client.get(f"{API}{path}", headers=outsider).status_code == 404, path
    line = f"{API}/months/{YEAR}/{MONTH}/lines/{people.staff}"
    assert client.get(line, headers=outsider).status_code == 404
    assert (
        client.post(
            f"{line}/correction", json={"events": [], "reason": "x"}, headers=outsider
        ).status_code
        == 404
    )
    # in their own agency the month does not exist, and dinkes' employee is not theirs
    own = "/api/v1/tenants/disdik/tpp"
    assert client.get(f"{own}/months/{YEAR}/{MONTH}", headers=outsider).status_code == 404
    assert client.get(f"{own}/months", headers=outsider).get_json() == []
    assert (
        client.post(
            f"{own}/months/{YEAR}/{MONTH}/lines/{people.staff}/correction",
            json={"events": [], "reason": "x"},
            headers=outsider,
        ).status_code
        == 404
    )
    pushed = client.post(
        f"{own}/attendance",
        json={
            "events": [
                {
                    "nip": "198609262015051001",
                    "date": f"{YEAR}-{MONTH:02d}-01",
                    "code": "terlambat_1",
                }
            ]
        },
        headers=outsider,
    )
    assert pushed.status_code == 422 and "events.0.nip" in pushed.get_json()["errors"]["json"]
    # not the city's routes either: an agency's token is no key there, a member is a stranger
    assert client.get(f"{CITY}/totals/{YEAR}/{MONTH}", headers=outsider).status_code == 401
    member = app.test_client()
    sign_in(member, "outsider")
    assert member.get(f"{CITY}/totals/{YEAR}/{MONTH}").status_code == 404
    assert member.get(f"{CITY}/agencies/dinkes/positions").status_code == 404


def test_a_correction_keeps_where_the_events_it_leaves_alone_came_from(
    app, people: People, tenants
) -> None:
    """Correcting one event of the month rewrites the month's events; the ones left as they
    were must still read as imported or pushed (with their author), only the new and the
    changed ones as the correction's, with its reason."""
    setting = set_up(tenants, people)
    days = [d.isoformat() for d in setting.days]
    nip = "198609262015051001"
    pushed = [
        {"nip": nip, "date": days[2], "code": "terlambat_1", "minutes": 12},
        {"nip": nip, "date": days[3], "code": "terlambat_1", "minutes": 5},
        {"nip": nip, "date": days[4], "code": "tanpa_keterangan"},
    ]
    with db.unit_of_work(tenants.a) as session:
        attendance.record(session, pushed, "api", people.users["admin"])
    rows = [
        {"date": days[2], "code": "terlambat_1", "minutes": 12},  # as it was
        {"date": days[3], "code": "terlambat_1", "minutes": 7},  # minutes changed
        {"date": days[5], "code": "tanpa_keterangan"},  # new; days[4]'s is gone
    ]
    with db.unit_of_work(tenants.a) as session:
        attendance.correct(
            session, people.staff, YEAR, MONTH, rows, "Salah hari", people.users["boss"]
        )
    with db.unit_of_work(tenants.a) as session:
        found = {
            (e.day.isoformat(), e.code, e.minutes): (e.source, e.created_by, e.reason)
            for e in attendance.month_events(session, people.staff, YEAR, MONTH)
        }
    admin, boss = people.users["admin"], people.users["boss"]
    assert found == {
        (days[2], "terlambat_1", 12): ("api", admin, None),
        (days[3], "terlambat_1", 7): ("correction", boss, "Salah hari"),
        (days[5], "tanpa_keterangan", None): ("correction", boss, "Salah hari"),
    }
