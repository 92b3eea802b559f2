"""The city's comparison: each agency's figures computed inside the agency and kept as
aggregates, marked stale by the cycle's events and scheduled once, read by the city through the
allow-listed function with ranks and totals; pages and charts that show no personal row; an
agency admin sees their own figures, the city's average and their rank, not the others' names."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from kinerja import clock
from kinerja.city import figures, service
from kinerja.db import db
from tests.support import People, insert_tenant, plan_head_and_boss, plan_staff, sign_in
from tests.test_skp_api import token

YEAR = clock.this_year()


@pytest.mark.parametrize(
    ("part", "whole", "percent"),
    [(1, 3, 33.3), (2, 3, 66.7), (0, 5, 0.0), (5, 5, 100.0), (1, 0, None), (1, 8, 12.5)],
)
def test_shares_are_percentages_with_one_decimal_half_up(part, whole, percent) -> None:
    assert figures.share(part, whole) == percent


def test_working_days_skip_weekends_and_holidays() -> None:
    week = figures.working_days(date(2026, 11, 23), date(2026, 11, 29), frozenset())
    assert week == 5
    assert (
        figures.working_days(
            date(2026, 11, 23), date(2026, 11, 29), frozenset({date(2026, 11, 24)})
        )
        == 4
    )


def test_ranks_share_places_and_point_the_right_way() -> None:
    assert service.ranks({1: 90.0, 2: 75.0, 3: 90.0, 4: None}, True) == {1: 1, 2: 3, 3: 1}
    assert service.ranks({1: 0, 2: 3, 3: 1}, False) == {1: 1, 2: 3, 3: 2}
    assert service.average([10.0, None, 20.0]) == 15.0 and service.average([None]) is None


def _figures(tenant_id: int, year: int = YEAR) -> dict[str, Any]:
    with db.unit_of_work(tenant_id) as session:
        found = figures.compute(session, year, clock.today(), None)
        figures.store(session, year, found)
        return found


def test_an_agencys_figures_come_from_its_own_rows(people: People, tenants) -> None:
    plan_staff(tenants, people, YEAR, plan_head_and_boss(tenants, people, YEAR))
    found = _figures(tenants.a)
    assert found["employees"] == 5
    assert found["skp"] == {"approved": 3}
    assert found["skp_completion"] == 60.0  # 3 of 5
    assert found["with_skp"] == 60.0
    assert found["evaluation_completion"] == 0.0
    other = _figures(tenants.b)  # one employee: every figure about people is that person's
    assert other["employees"] == 1 and other["skp_completion"] is None
    assert {"skp_completion", "with_skp", "signed_in"} <= set(other["suppressed"])
    with db.unit_of_work() as session:
        read = service.read(session, YEAR)
    assert read[tenants.a][0]["skp_completion"] == 60.0 and read[tenants.a][1] is not None
    assert set(read) == {tenants.a, tenants.b}


def test_events_mark_figures_stale_and_the_round_schedules_them_once(
    app, client, people, tenants
) -> None:
    from kinerja.city import jobs as city_jobs
    from kinerja.jobs.models import BackgroundJob

    _figures(tenants.a)
    with db.unit_of_work(tenants.a) as session:
        assert figures.due(session, clock.today()) == []  # computed today, nothing stale
    plan_head_and_boss(tenants, people, YEAR)  # approvals: the cycle's events
    with app.app_context():
        from kinerja import redis

        key = figures.STALE.format(tenant=tenants.a)
        assert redis.client(app).smembers(key) == {str(YEAR).encode()}
        for _ in range(3):
            with db.unit_of_work(tenants.a) as session:
                city_jobs.schedule(session, tenants.a, clock.today())
        assert redis.client(app).smembers(key) == set()  # taken by the first round
    with db.unit_of_work(tenants.a) as session:
        queued = session.scalars(
            select(BackgroundJob).where(BackgroundJob.name == "kinerja.city.jobs.refresh")
        ).all()
    assert len(queued) == 1  # three rounds, one job


def test_the_city_compares_aggregates_and_no_personal_row(
    app, people, tenants, monkeypatch
) -> None:
    monkeypatch.setitem(app.config, "MIN_GROUP", 1)  # ranks and order here, not small groups
    plan_staff(tenants, people, YEAR, plan_head_and_boss(tenants, people, YEAR))
    _figures(tenants.a)
    _figures(tenants.b)
    city = app.test_client()
    sign_in(city, "kota")
    page = city.get(f"/city/compare?year={YEAR}&sort=skp_completion")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Dinas Kesehatan" in text and "Dinas Pendidikan" in text and ">60%" in text
    for personal in ("Staf", "Atasan", "198609262015051001", "Kepala Dinas"):
        assert personal not in text
    assert text.index("Dinas Kesehatan") < text.index("Dinas Pendidikan")  # 60 % before 0 %
    ascending = city.get(f"/city/compare?year={YEAR}&sort=skp_completion&dir=asc").get_data(
        as_text=True
    )
    assert ascending.index("Dinas Pendidikan") < ascending.index("Dinas Kesehatan")
    only = city.get(f"/city/compare?year={YEAR}&kind=kecamatan").get_data(as_text=True)
    assert "Dinas Kesehatan" not in only
    chart = city.get(f"/city/compare/skp_completion.svg?year={YEAR}")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    assert chart.headers["Content-Security-Policy"].startswith("default-src 'none'")
    svg = chart.get_data(as_text=True)
    assert "Dinas Kesehatan" in svg and "<script" not in svg and "Staf" not in svg
    staff = app.test_client()
    sign_in(staff, "staff")
    assert staff.get("/city/compare").status_code == 404
    assert staff.get("/city/compare/distribution.svg").status_code == 404


def test_an_agency_sees_its_rank_and_the_average_not_the_others(
    app, client, people, tenants, monkeypatch
) -> None:
    monkeypatch.setitem(app.config, "MIN_GROUP", 1)  # the average of two agencies, one small
    plan_staff(tenants, people, YEAR, plan_head_and_boss(tenants, people, YEAR))
    _figures(tenants.a)
    _figures(tenants.b)
    admin = app.test_client()
    sign_in(admin, "admin")
    page = admin.get(f"/t/dinkes/figures?year={YEAR}").get_data(as_text=True)
    assert ">60%" in page and ">30%" in page  # ours, and the average of 60 and 0
    assert "Dinas Pendidikan" not in page
    headers = token(tenants.a, people.users["admin"], "admin_opd")
    answer = client.get(f"/api/v1/tenants/dinkes/figures?year={YEAR}", headers=headers).get_json()
    assert answer["ranks"] == {} and answer["agencies"] == 2  # two report: no rank yet
    assert answer["reporting"]["skp_completion"] == 2 and answer["city_average"]["skp_completion"]
    assert "others" not in answer
    staff = token(tenants.a, people.users["staff"])
    assert client.get("/api/v1/tenants/dinkes/figures", headers=staff).status_code == 404
    outsider = token(tenants.b, people.users["outsider"], "admin_opd")
    assert client.get("/api/v1/tenants/dinkes/figures", headers=outsider).status_code == 404
    app.config["CITY_PUBLISHES_NAMES"] = True
    try:
        published = client.get("/api/v1/tenants/dinkes/figures", headers=headers).get_json()
        assert [o["name"] for o in published["others"]] == ["Dinas Pendidikan"]
    finally:
        app.config["CITY_PUBLISHES_NAMES"] = False


def test_decimal_jpm_average_is_kept_as_a_number(people, tenants) -> None:
    with db.unit_of_work(tenants.a) as session:
        found = figures._talent(session, {})
    assert found["jpm_average"] is None and set(found["nine_box"]) == {str(n) for n in range(1, 10)}
    assert isinstance(figures.share(Decimal(1), Decimal(3)), float)


def test_the_history_keeps_one_point_a_day() -> None:
    day = date(2026, 3, 2)
    first = figures.with_history(None, {"skp_completion": 10.0}, day)
    again = figures.with_history(first, {"skp_completion": 20.0}, day)
    later = figures.with_history(again, {"skp_completion": 30.0}, date(2026, 3, 3))
    assert [p["skp_completion"] for p in later["history"]] == [20.0, 30.0]
    many = {"history": [{"day": f"2025-{m:02d}-01"} for m in range(1, 13)] * 20}
    assert len(figures.with_history(many, {}, day)["history"]) <= figures.HISTORY_DAYS


def test_the_city_reads_the_comparison_through_the_api_and_as_a_file(app, people, tenants) -> None:
    from openpyxl import load_workbook
    from rq import SimpleWorker

    from kinerja import jobs

    plan_staff(tenants, people, YEAR, plan_head_and_boss(tenants, people, YEAR))
    _figures(tenants.a)
    _figures(tenants.b)
    anonymous = app.test_client()
    assert anonymous.get("/api/v1/city/figures").status_code == 401
    staff = app.test_client()
    sign_in(staff, "staff")
    assert staff.get("/api/v1/city/figures").status_code == 404
    city = app.test_client()
    sign_in(city, "kota")
    answer = city.get(f"/api/v1/city/figures?year={YEAR}").get_json()
    by_slug = {a["slug"]: a for a in answer["agencies"]}
    assert by_slug["dinkes"]["figures"]["skp_completion"] == 60.0
    assert by_slug["dinkes"]["ranks"] == {} and answer["city"]["employees"] == 6  # 1 reports
    assert answer["city"]["reporting"]["skp_completion"] == 1 and answer["city"]["agencies"] == 2
    assert "history" not in by_slug["dinkes"]["figures"]
    app.config["CITY_TENANT"] = "disdik"  # the tests' agencies; Medan's is bkpsdm
    try:
        from tests.support import csrf_token

        made = city.post(
            "/city/exports",
            data={"csrf_token": csrf_token(city, "/city/compare"), "format": "xlsx", "year": YEAR},
        )
        assert made.status_code == 303, made.get_data(as_text=True)
        status = made.headers["Location"]
        SimpleWorker([jobs.queue()], connection=jobs.queue().connection).work(burst=True)
        assert city.get(f"{status}/status.json").get_json()["done"] is True
        file = city.get(f"{status}/file")
        rows = list(
            load_workbook(__import__("io").BytesIO(file.data)).active.iter_rows(values_only=True)
        )
        names = [r[0] for r in rows[2:]]
        assert "Dinas Kesehatan" in names and "Dinas Pendidikan" in names and "Kota Medan" in names
        other_admin = app.test_client()
        sign_in(other_admin, "admin")
        assert other_admin.get(f"{status}/file").status_code == 404
        outsider = app.test_client()
        sign_in(outsider, "outsider")
        assert outsider.get(status).status_code == 404
    finally:
        app.config["CITY_TENANT"] = "bkpsdm"


def test_no_page_or_api_of_the_city_shows_a_personal_row(app, people, tenants) -> None:
    """Every route outside the agencies that the city admin can GET, with the agencies full of
    people, plans and figures: none answers with a name or NIP of anyone in them."""
    from tests.support import add_employee

    plan_staff(tenants, people, YEAR, plan_head_and_boss(tenants, people, YEAR))
    add_employee(tenants.a, "199912312022031001", "Zulkarnain Pratamaputra", people.head, None)
    add_employee(tenants.b, "199811302021022002", "Wulandari Sitompulsari", None, None)
    _figures(tenants.a)
    _figures(tenants.b)
    personal = ("Zulkarnain Pratamaputra", "Wulandari Sitompulsari", "199912312022031001")
    nips = ("198609262015051001", "198001152005012003", "197001011990121001")
    city = app.test_client()
    sign_in(city, "kota")
    walked = 0
    for rule in app.url_map.iter_rules():
        if (
            "GET" not in (rule.methods or ())
            or "<tenant>" in rule.rule
            or rule.rule.startswith(
                ("/static", "/bootstrap", "/api/v1/docs", "/api/v1/openapi", "/auth/")
            )
        ):
            continue
        values = {}
        for name in rule.arguments:
            converter = rule._converters.get(name)
            items = getattr(converter, "items", None) or getattr(converter, "choices", None)
            values[name] = sorted(items)[0] if items else 1
        path = rule.build(values, append_unknown=False)[1]
        answer = city.get(f"{path}?year={YEAR}")
        body = answer.get_data(as_text=True)
        for word in (*personal, *nips):
            assert word not in body, f"{path} shows {word}"
        walked += 1
    assert walked >= 10


# --- averages and ranks over the agencies that report -----------------------------------------
def _stored(owner_engine, slug: str, name: str, found: dict[str, Any]) -> int:
    """Another agency, with figures as its job would have kept them."""
    tenant = insert_tenant(owner_engine, slug, name)
    with db.unit_of_work(tenant) as session:
        figures.store(session, YEAR, {"employees": 12, "suppressed": {}, **found})
    return tenant


def test_ranks_need_three_reporting_agencies() -> None:
    assert service.ranks({1: 50.0, 2: 0.0, 3: None, 4: None}, True) == {}
    assert service.ranks({1: 50.0, 2: 0.0, 3: 10.0}, True) == {1: 1, 2: 3, 3: 2}
    assert service.RANK_MINIMUM == 3


def test_averages_and_ranks_count_only_the_agencies_that_report(
    app, people, tenants, owner_engine
) -> None:
    """Dinkes computes (60 % of its five employees approved), disdik's one employee is withheld
    (fewer than the group minimum: it does not report), two more agencies never computed: the
    city's average is dinkes' own, "1 of 4 reporting", and nobody ranks; with two agencies more
    reporting, the average is over the three and each of them ranks."""
    plan_staff(tenants, people, YEAR, plan_head_and_boss(tenants, people, YEAR))
    _figures(tenants.a)
    _figures(tenants.b)
    insert_tenant(owner_engine, "satpolpp", "Satpol PP")
    insert_tenant(owner_engine, "bappeda", "Bappeda")
    city = app.test_client()
    sign_in(city, "kota")
    answer = city.get(f"/api/v1/city/figures?year={YEAR}").get_json()
    assert answer["city"]["agencies"] == 4 and answer["rank_minimum"] == 3
    assert answer["city"]["reporting"]["skp_completion"] == 1
    assert answer["city"]["skp_completion"] == 60.0  # dinkes' own, not diluted by the silent
    assert all(a["ranks"] == {} for a in answer["agencies"])
    page = city.get(f"/city/compare?year={YEAR}").get_data(as_text=True)
    assert "1 dari 4 melapor" in page and "kj-rank" not in page
    admin = app.test_client()
    sign_in(admin, "admin")
    ours = admin.get(f"/t/dinkes/figures?year={YEAR}").get_data(as_text=True)
    assert "1 dari 4 melapor" in ours and "terlalu sedikit yang melapor" in ours

    _stored(owner_engine, "dinsos", "Dinas Sosial", {"skp_completion": 90.0})
    _stored(owner_engine, "dlh", "Dinas Lingkungan Hidup", {"skp_completion": 0.0})
    answer = city.get(f"/api/v1/city/figures?year={YEAR}").get_json()
    by_slug = {a["slug"]: a for a in answer["agencies"]}
    assert answer["city"]["reporting"]["skp_completion"] == 3 and answer["city"]["agencies"] == 6
    assert answer["city"]["skp_completion"] == 50.0  # (60 + 90 + 0) / 3
    assert [by_slug[s]["ranks"].get("skp_completion") for s in ("dinsos", "dinkes", "dlh")] == [
        1,
        2,
        3,
    ]
    assert "skp_completion" not in by_slug["disdik"]["ranks"]  # withheld: no rank, no share
    assert by_slug["dinkes"]["ranks"].get("log_compliance") is None  # one reports that one
    page = city.get(f"/city/compare?year={YEAR}").get_data(as_text=True)
    assert "3 dari 6 melapor" in page and 'kj-rank">#1<' in page
    mine = admin.get(f"/api/v1/tenants/dinkes/figures?year={YEAR}", headers=_admin(tenants, people))
    mine = mine.get_json()
    assert mine["ranks"] == {"skp_completion": 2} and mine["reporting"]["skp_completion"] == 3
    assert mine["city_average"]["skp_completion"] == 50.0
    city.set_cookie("kinerja_lang", "en")
    english = city.get(f"/city/compare?year={YEAR}").get_data(as_text=True)
    assert "3 of 6 reporting" in english


def _admin(tenants, people) -> dict[str, str]:
    return token(tenants.a, people.users["admin"], "admin_opd")


@pytest.mark.parametrize("name", ["skp_completion", "distribution", "over_time"])
def test_every_chart_says_it_is_empty_in_the_readers_language(app, people, name: str) -> None:
    city = app.test_client()
    sign_in(city, "kota")
    svg = city.get(f"/city/compare/{name}.svg?year={YEAR}").get_data(as_text=True)
    assert "Belum ada perangkat daerah yang melapor." in svg and "No data" not in svg
    city.set_cookie("kinerja_lang", "en")
    svg = city.get(f"/city/compare/{name}.svg?year={YEAR}").get_data(as_text=True)
    assert "No agency reports this yet." in svg
    if name == "skp_completion":
        assert "0 of 2 reporting" in svg  # the title says how many of how many


def test_the_comparison_file_says_how_many_report(app, people, tenants) -> None:
    from kinerja.exports import tables

    _figures(tenants.a)
    with db.unit_of_work(tenants.a) as session:
        table = tables.city_comparison(session, YEAR)
    reporting = table.rows[-1]
    assert reporting[0] == "Perangkat daerah melapor"
    assert reporting[table.headers.index("SKP disetujui")] == 1
