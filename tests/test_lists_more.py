"""Every list is paged with a total, the rest of them: more rows than a page are made at once,
and the first page holds a page of them, the following pages the rest, each once, under the
total the pager announces. The API's lists likewise, with X-Pagination."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from kinerja import clock
from kinerja.db import db
from kinerja.web.paging import PAGE_SIZE
from tests.support import People, Tenants, add_employee, add_units, sign_in
from tests.test_skp_api import token

N = PAGE_SIZE + 5  # more than a page: the second page holds five
TODAY = clock.today()


def _nip(i: int, series: int = 1) -> str:
    return f"19900101201501{series}{i:03d}"


def _employees(tenant_id: int, prefix: str, superior: int | None, series: int) -> list[int]:
    return [
        add_employee(tenant_id, _nip(i, series), f"{prefix} {i:02d}", superior, None)
        for i in range(N)
    ]


def _open_campaign(session: Any, name: str, status: str = "open") -> Any:
    from kinerja.competency.models import AssessmentCampaign

    campaign = AssessmentCampaign(
        name=name,
        starts=TODAY - timedelta(days=1),
        ends=TODAY + timedelta(days=14),
        status=status,
        sources={"peer": 100},
        minimum=3,
        competencies=[],
    )
    session.add(campaign)
    session.flush()
    return campaign


# --- what each list needs, made at once: (login, url, page argument, pattern of an item, items) --
Case = tuple[str, str, str, str, list[str]]


def _talent_tasks(tenants: Tenants, people: People) -> Case:
    from kinerja.competency.models import AssessmentSubject, AssessmentTask

    subjects = _employees(tenants.a, "Dinilai", people.superior, 1)
    with db.unit_of_work(tenants.a) as session:
        campaign = _open_campaign(session, "Asesmen rekan")
        session.add_all(AssessmentSubject(campaign_id=campaign.id, employee_id=s) for s in subjects)
        session.flush()
        tasks = [
            AssessmentTask(
                campaign_id=campaign.id, subject_id=s, rater_id=people.staff, source="peer"
            )
            for s in subjects
        ]
        session.add_all(tasks)
        session.flush()
        ids = [str(t.id) for t in tasks]
    return "staff", "/t/dinkes/talent", "tasks_page", r'href="/t/dinkes/talent/tasks/(\d+)"', ids


def _talent_team(tenants: Tenants, people: People) -> Case:
    from kinerja.people.models import Employee

    _employees(tenants.a, "Pegawai", people.superior, 1)
    with db.unit_of_work(tenants.a) as session:  # the admin OPD sees everyone active
        everyone = session.scalars(select(Employee.id).where(Employee.active)).all()
    pattern = r'<tr><td><a href="/t/dinkes/talent/people/(\d+)"'
    return "admin", "/t/dinkes/talent", "team_page", pattern, [str(i) for i in everyone]


def _talent_campaigns(tenants: Tenants, people: People) -> Case:
    with db.unit_of_work(tenants.a) as session:
        made = [_open_campaign(session, f"Kampanye {i:02d}", "draft").id for i in range(N)]
    pattern = r'href="/t/dinkes/talent/campaigns/(\d+)"'
    return "admin", "/t/dinkes/talent", "campaigns_page", pattern, [str(i) for i in made]


def _imports(tenants: Tenants, people: People) -> Case:
    from kinerja.jobs.models import BackgroundJob
    from kinerja.people.models import EmployeeImport

    with db.unit_of_work(tenants.a) as session:
        made = []
        for i in range(N):
            job = BackgroundJob(id=uuid.uuid4(), name="import", status="succeeded", progress=100)
            session.add(job)
            session.flush()
            record = EmployeeImport(job_id=job.id, filename=f"pegawai-{i:02d}.csv", format="csv")
            session.add(record)
            session.flush()
            made.append(str(record.id))
    return "admin", "/t/dinkes/imports", "page", r'href="/t/dinkes/imports/(\d+)"', made


def _exports(tenants: Tenants, people: People) -> Case:
    from kinerja.exports.models import Export

    with db.unit_of_work(tenants.a) as session:
        made = [
            Export(
                kind="employees",
                format="xlsx",
                year=TODAY.year,
                requested_by=people.users["admin"],
                expires_at=clock.now() + timedelta(days=7),
            )
            for _ in range(N)
        ]
        session.add_all(made)
        session.flush()
        ids = [str(e.id) for e in made]
    return "admin", "/t/dinkes/exports", "page", r'href="/t/dinkes/exports/(\d+)"', ids


def _evaluation_members(tenants: Tenants, people: People) -> Case:
    from kinerja.performance import skp as skps

    _employees(tenants.a, "Anggota", people.superior, 1)
    with db.unit_of_work(tenants.a) as session:
        rated = skps.rated_by(session, people.superior)
        names = _names(session, rated)
    # the team table: one row per person rated, named in its first cell
    return "boss", "/t/dinkes/evaluations", "members_page", r"<tr><td>([^<]+)</td>", names


def _evaluation_missing(tenants: Tenants, people: People) -> Case:
    from kinerja.performance.models import Skp

    made = _employees(tenants.a, "Belum", people.head, 1)
    with db.unit_of_work(tenants.a) as session:
        session.add_all(Skp(employee_id=e, year=TODAY.year, status="approved") for e in made)
        names = _names(session, made)
    # the names of a page of the list, after its count
    return "admin", "/t/dinkes/evaluations", "missing_page", r"(Belum \d\d)", names


def _home_units(tenants: Tenants, people: People) -> Case:
    add_units(tenants.a, [f"U-{i:02d}" for i in range(N)])
    with db.unit_of_work(tenants.a) as session:
        from kinerja.organisation.models import OrgUnit

        codes = session.scalars(select(OrgUnit.code)).all()
    return "staff", "/t/dinkes/", "page", r'<span class="kj-code">([^<]+)</span>', list(codes)


def _viewers(tenants: Tenants, people: People) -> Case:
    from kinerja.people.models import AgencyViewer

    made = _employees(tenants.a, "Pengamat", people.head, 1)
    with db.unit_of_work(tenants.a) as session:
        session.add_all(AgencyViewer(employee_id=e) for e in made)
        names = _names(session, made)
    return (
        "admin",
        "/t/dinkes/viewers",
        "page",
        r'<div class="kj-row"><strong>([^<]+)</strong>',
        names,
    )


def _names(session: Any, ids: Any) -> list[str]:
    from kinerja.people.models import Employee

    return list(session.scalars(select(Employee.name).where(Employee.id.in_(list(ids)))))


CASES: dict[str, Callable[[Tenants, People], Case]] = {
    "talent ratings waiting": _talent_tasks,
    "talent team": _talent_team,
    "talent campaigns": _talent_campaigns,
    "imports": _imports,
    "my exports": _exports,
    "evaluation: my team this year": _evaluation_members,
    "evaluation: not evaluated": _evaluation_missing,
    "agency home: work units": _home_units,
    "named viewers": _viewers,
}


def _pager(page: str, param: str) -> tuple[int, str | None]:
    """The total and the next page's link of the pager that pages with `param`."""
    for nav in re.findall(r"<nav [^>]*data-total=.*?</nav>", page, re.S):
        links = re.findall(r'href="([^"]+)" rel="(?:next|prev)"', nav)
        if any(re.search(rf"[?&;]{param}=\d", link) for link in links):
            total = int(re.search(r'data-total="(\d+)"', nav).group(1))
            following = re.search(r'href="([^"]+)" rel="next"', nav)
            return total, following.group(1).replace("&amp;", "&") if following else None
    raise AssertionError(f"no pager paging with {param}")


def _section(page: str, param: str) -> str:
    """The page from the end of the pager before the list's own (or the top) to its own."""
    navs = list(re.finditer(r"<nav [^>]*data-total=.*?</nav>", page, re.S))
    start = 0
    for nav in navs:
        if re.search(rf'[?&;]{param}=\d[^"]*" rel="(?:next|prev)"', nav.group(0)):
            return page[start : nav.start()]
        start = nav.end()
    raise AssertionError(f"no pager paging with {param}")


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_a_list_holds_every_row_across_its_pages(app, people, tenants, case) -> None:
    login, url, param, pattern, expected = CASES[case](tenants, people)
    assert len(expected) > PAGE_SIZE
    client = app.test_client()
    sign_in(client, login)
    seen: list[list[str]] = []
    following: str | None = url
    total = -1
    while following and len(seen) < 10:
        answer = client.get(following)
        assert answer.status_code == 200, following
        page = answer.get_data(as_text=True)
        total, following = _pager(page, param)
        seen.append(re.findall(pattern, _section(page, param)))
    everything = [item for items in seen for item in items]
    assert total == len(expected)
    assert len(seen[0]) == PAGE_SIZE and len(seen) == -(-len(expected) // PAGE_SIZE)
    assert sorted(everything) == sorted(expected)  # each once, nothing left out


def test_the_home_page_counts_every_rating_waiting(app, people, tenants) -> None:
    _login, url, param, _pattern, expected = _talent_tasks(tenants, people)
    client = app.test_client()
    sign_in(client, "staff")
    home = client.get("/t/dinkes/").get_data(as_text=True)
    found = re.search(r'<a href="/t/dinkes/talent"><strong>(\d+)</strong>', home)
    assert (
        found
        and int(found.group(1))
        == len(expected)
        == _pager(client.get(url).get_data(as_text=True), param)[0]
    )


# --- the API ----------------------------------------------------------------------------------------
def _api_pages(client: Any, url: str, headers: dict[str, str], size: int) -> tuple[int, list[Any]]:
    """Every page of an API list: its total and its items, in order."""
    items: list[Any] = []
    total = -1
    for page in range(1, 10):
        answer = client.get(f"{url}?page={page}&page_size={size}", headers=headers)
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        rows = body["items"] if isinstance(body, dict) else body
        meta = json.loads(answer.headers["X-Pagination"])
        total = meta["total"]
        items += rows
        if "next_page" not in meta:
            assert page == meta["total_pages"]
            break
    return total, items


def test_the_notifications_api_pages_every_notification(client, people, tenants) -> None:
    from kinerja.notifications.models import Notification
    from kinerja.notifications.service import PAGE

    with db.unit_of_work(tenants.a) as session:
        made = [
            Notification(employee_id=people.staff, kind="skp_approved", params={})
            for _ in range(PAGE + 7)
        ]
        session.add_all(made)
        session.flush()
        ids = sorted(n.id for n in made)
    staff = token(tenants.a, people.users["staff"])
    first = client.get("/api/v1/tenants/dinkes/notifications", headers=staff)
    assert len(first.get_json()["items"]) == PAGE and first.get_json()["unread"] == len(ids)
    total, items = _api_pages(client, "/api/v1/tenants/dinkes/notifications", staff, PAGE)
    assert total == len(ids) and sorted(i["id"] for i in items) == ids


@pytest.mark.parametrize("what", ["campaigns", "tasks", "standards"])
def test_the_talent_api_lists_are_paged(client, people, tenants, what) -> None:
    from kinerja.people.models import Position

    size = 10
    if what == "tasks":
        _l, _u, _p, _pattern, expected = _talent_tasks(tenants, people)
        headers = token(tenants.a, people.users["staff"])
        key = "id"
    elif what == "campaigns":
        _l, _u, _p, _pattern, expected = _talent_campaigns(tenants, people)
        headers = token(tenants.a, people.users["admin"], "admin_opd")
        key = "id"
    else:
        with db.unit_of_work(tenants.a) as session:
            made = [Position(name=f"Jabatan {i:02d}", type="pelaksana", grade=6) for i in range(N)]
            session.add_all(made)
            session.flush()
            expected = [str(i) for i in session.scalars(select(Position.id))]
        headers = token(tenants.a, people.users["admin"], "admin_opd")
        key = "position_id"
    total, items = _api_pages(client, f"/api/v1/tenants/dinkes/talent/{what}", headers, size)
    assert total == len(expected) > size
    assert sorted(str(i[key]) for i in items) == sorted(expected)
