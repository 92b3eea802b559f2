"""Lists and counts: the superior's feed opens on everything waiting for them, across pages,
newest first, with the decided ones a tab away; every count in the menu and on the home page is
the number of rows its linked page shows (a vacant post's people counted by the next one up);
the pages' lists are paged with a total; every API list is paged with a total."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from kinerja import clock
from kinerja.db import db
from kinerja.people import employees
from kinerja.performance.log.models import WorkEntry
from kinerja.web.log import FEED_SIZE
from tests.support import add_employee, csrf_token, plan_head_and_boss, plan_staff, sign_in
from tests.test_skp_api import head_account, token

TODAY = clock.today()
WAITING_OF_STAFF = FEED_SIZE + 3  # more than a page


def _entries(tenant_id: int, employee_id: int, status: str, n: int, **given: Any) -> list[int]:
    """Entries in a given state, made at once: the feed is read here, not the making of them."""
    with db.unit_of_work(tenant_id) as session:
        made = [
            WorkEntry(
                employee_id=employee_id,
                entry_date=TODAY,
                activity=f"Kegiatan {status} {i}",
                quantity=Decimal(i + 1),
                unit="laporan",
                status=status,
                submitted_at=clock.now(),
                **({"extra_reason": "Rapat koordinasi"} | given),
            )
            for i in range(n)
        ]
        session.add_all(made)
        session.flush()
        return [e.id for e in made]


def _team(app: Any, people: Any, tenants: Any) -> dict[str, Any]:
    """The boss rates the staff and a second staff; the staff's entries waiting are older than
    the second's decided ones (the order that used to push them out of a 50-item feed)."""
    rhk, iki = plan_staff(
        tenants, people, TODAY.year, plan_head_and_boss(tenants, people, TODAY.year)
    )
    second = add_employee(tenants.a, "199001012015011001", "Staf Dua", people.superior, None)
    waiting = _entries(
        tenants.a, people.staff, "submitted", WAITING_OF_STAFF, rhk_id=rhk, iki_id=iki
    )
    approved = _entries(tenants.a, second, "approved", FEED_SIZE + 2)
    rejected = _entries(tenants.a, second, "rejected", 2)
    _entries(tenants.a, second, "draft", 2)  # never the superior's to see
    return {"waiting": waiting, "approved": approved, "rejected": rejected, "second": second}


def _badge(page: str, endpoint_path: str) -> int:
    found = re.search(
        rf'href="{re.escape(endpoint_path)}"[^>]*>[^<]*<span class="badge[^"]*"[^>]*>(\d+)</span>',
        page,
    )
    return int(found.group(1)) if found else 0


def _home_count(page: str, href: str) -> int:
    found = re.search(rf'<a href="{re.escape(href)}"><strong>(\d+)</strong>', page)
    return int(found.group(1)) if found else 0


def _walk(client: Any, url: str) -> tuple[int, list[int]]:
    """Follow a list's "next" links from `url`: its announced total and every entry on it."""
    page = client.get(url).get_data(as_text=True)
    total = int(re.search(r'data-total="(\d+)"', page).group(1))
    seen: list[int] = []
    for _ in range(100):
        seen += [int(n) for n in re.findall(r'<li data-entry="(\d+)"', page)]
        following = re.search(r'href="([^"]+)" rel="next"', page)
        if not following:
            break
        page = client.get(following.group(1).replace("&amp;", "&")).get_data(as_text=True)
    return total, seen


def test_the_feed_opens_on_everything_waiting_newest_first(app, people, tenants) -> None:
    made = _team(app, people, tenants)
    boss = app.test_client()
    sign_in(boss, "boss")
    total, seen = _walk(boss, "/t/dinkes/log/team")
    # Every waiting entry, each once, newest first; nothing decided in the way.
    assert total == len(made["waiting"]) == len(seen)
    assert seen == sorted(made["waiting"], reverse=True)
    home = boss.get("/t/dinkes/").get_data(as_text=True)
    assert _badge(home, "/t/dinkes/log/team") == total
    assert _home_count(home, "/t/dinkes/log/team") == total
    api = app.test_client().get(
        "/api/v1/tenants/dinkes/entries?scope=team&status=submitted",
        headers=token(tenants.a, people.users["boss"]),
    )
    assert f'"total": {total}' in api.headers["X-Pagination"]
    # The decided ones are a tab away, each tab counting what it holds.
    first = boss.get("/t/dinkes/log/team").get_data(as_text=True)
    for tab, ids in (("approved", made["approved"]), ("rejected", made["rejected"])):
        assert re.search(rf'data-tab="{tab}"[^>]*>[^<]*<span[^>]*data-count="{len(ids)}"', first)
        assert _walk(boss, f"/t/dinkes/log/team?status={tab}") == (
            len(ids),
            sorted(ids, reverse=True),
        )
    everything = len(made["waiting"]) + len(made["approved"]) + len(made["rejected"])
    assert _walk(boss, "/t/dinkes/log/team?status=all")[0] == everything
    # A filter keeps the tab and the paging: one person's waiting entries only.
    person = _walk(boss, f"/t/dinkes/log/team?employee={made['second']}")
    assert person == (0, [])
    # Each item: the person, the date, the result it serves, the quantity, a link to it.
    item = first.split(f'<li data-entry="{max(made["waiting"])}">')[1].split("</li>")[0]
    assert "Staf" in item and TODAY.strftime("%d-%m-%Y") in item
    assert "Laporan imunisasi" in item and "IKI" in item and "laporan" in item
    assert f'href="/t/dinkes/log/{max(made["waiting"])}"' in item


def test_the_own_list_is_paged_with_a_total(app, people, tenants) -> None:
    made = _entries(tenants.a, people.staff, "approved", 45)
    staff = app.test_client()
    sign_in(staff, "staff")
    page = staff.get("/t/dinkes/log").get_data(as_text=True)
    assert 'data-total="45"' in page and 'rel="next"' in page
    last = staff.get("/t/dinkes/log?page=3").get_data(as_text=True)
    assert f'href="/t/dinkes/log/{min(made)}"' in last  # the oldest, on the last page
    assert 'rel="prev"' in last and 'rel="next"' not in last


def test_a_vacant_post_counts_for_the_next_one_up(app, people, tenants) -> None:
    """The kepala bidang leaves: the head is the Pejabat Penilai of both staff now; the head's
    badge, home count and feed hold the same entries, and the kepala bidang is asked nothing."""
    made = _team(app, people, tenants)
    more = _entries(tenants.a, made["second"], "submitted", 2)
    head_account(people, tenants.a)
    with db.unit_of_work(tenants.a) as session:
        employees.update_employee(
            session, employees.get_employee(session, people.superior), {"active": False}
        )
    head = app.test_client()
    sign_in(head, "head")
    total, seen = _walk(head, "/t/dinkes/log/team")
    assert sorted(seen) == sorted(made["waiting"] + more) and total == len(seen)
    home = head.get("/t/dinkes/").get_data(as_text=True)
    assert _badge(home, "/t/dinkes/log/team") == total
    assert _home_count(home, "/t/dinkes/log/team") == total


def test_approving_from_the_feed_lowers_the_badge_by_one(app, people, tenants) -> None:
    made = _team(app, people, tenants)
    boss = app.test_client()
    sign_in(boss, "boss")
    before = _badge(boss.get("/t/dinkes/").get_data(as_text=True), "/t/dinkes/log/team")
    token_ = csrf_token(boss, "/t/dinkes/log/team")
    done = boss.post(
        f"/t/dinkes/log/{made['waiting'][0]}/act/approve",
        data={"csrf_token": token_, "back": "team"},
    )
    assert done.status_code == 303, done.get_data(as_text=True)
    assert "decided=1" in done.headers["Location"], done.headers["Location"]
    with db.unit_of_work(tenants.a) as session:
        assert session.get(WorkEntry, (tenants.a, made["waiting"][0])).status == "approved"
    after = boss.get("/t/dinkes/log/team").get_data(as_text=True)
    assert _badge(after, "/t/dinkes/log/team") == before - 1
    assert f'data-total="{before - 1}"' in after


def test_the_skp_and_evaluations_waiting_are_what_their_pages_list(app, people, tenants) -> None:
    """The home page's "SKP to approve" and "Evaluations to rate or review" against the rows
    of the pages they link to, next year's plan included, with and without a vacant post."""
    from kinerja.performance import flow, plan
    from kinerja.performance import skp as skps
    from kinerja.permissions import Principal

    plan_staff(tenants, people, TODAY.year, plan_head_and_boss(tenants, people, TODAY.year))
    next_rhk = plan_head_and_boss(tenants, people, TODAY.year + 1)
    with db.unit_of_work(tenants.a) as session:
        skp_id = skps.of_employee(session, people.staff, TODAY.year).id
        # Next year's plan, made and sent now: it waits as much as this year's.
        staff = employees.get_employee(session, people.staff)
        upcoming = skps.create(session, staff, TODAY.year + 1)
        owner = Principal(
            user_id=9, tenant_id=tenants.a, roles=frozenset({"pegawai"}), employee_id=staff.id
        )
        iki = {"text": "Rekap", "aspect": "kuantitas", "target_low": "4", "unit": "dokumen"}
        plan.add_rhk(session, upcoming, {"text": "Rekap", "parent_rhk_id": next_rhk, "iki": [iki]})
        flow.act(session, owner, upcoming, "submit")
    staff_client = app.test_client()
    sign_in(staff_client, "staff")
    form = csrf_token(staff_client, "/t/dinkes/evaluations")
    started = staff_client.post(
        "/t/dinkes/evaluations/start", data={"skp_id": skp_id, "period": "0", "csrf_token": form}
    )
    url = started.headers["Location"]
    assert staff_client.post(f"{url}/act/submit", data={"csrf_token": form}).status_code == 303

    def check(login: str, skp_n: int, evaluation_n: int) -> None:
        client = app.test_client()
        sign_in(client, login)
        home = client.get("/t/dinkes/").get_data(as_text=True)
        for path, expected in (("/t/dinkes/skp", skp_n), ("/t/dinkes/evaluations", evaluation_n)):
            page = client.get(path).get_data(as_text=True)
            waiting = re.search(r'id="waiting".*?data-total="(\d+)"', page, re.S)
            assert (int(waiting.group(1)) if waiting else 0) == expected, path
            assert _home_count(home, path) == expected, path

    check("boss", 1, 1)
    head_account(people, tenants.a)
    check("head", 0, 0)
    with db.unit_of_work(tenants.a) as session:
        employees.update_employee(
            session, employees.get_employee(session, people.superior), {"active": False}
        )
    check("head", 1, 1)  # the post is vacant: the next one up decides, and is told so


def test_unread_notifications_are_what_the_notification_page_counts(app, people, tenants) -> None:
    from kinerja.notifications import service as notifications
    from kinerja.notifications.models import Notification

    with db.unit_of_work(tenants.a) as session:
        for _ in range(30):
            session.add(
                Notification(employee_id=people.staff, kind="skp_approved", params={}, link=None)
            )
        session.flush()
        session.execute(
            Notification.__table__.update()
            .where(Notification.id.in_(select(Notification.id).limit(4).scalar_subquery()))
            .values(read_at=clock.now())
        )
        unread = notifications.unread(session, people.staff)
    staff = app.test_client()
    sign_in(staff, "staff")
    home = staff.get("/t/dinkes/").get_data(as_text=True)
    assert _home_count(home, "/t/dinkes/notifications") == unread == 26
    page = staff.get("/t/dinkes/notifications").get_data(as_text=True)
    assert f'data-unread="{unread}"' in page and 'data-total="30"' in page
    assert 'rel="next"' in page


def test_every_api_list_is_paged_with_a_total(client) -> None:
    """A walk over the API description: every GET answering a list takes page and page_size and
    answers the total in X-Pagination."""
    spec = client.get("/api/v1/openapi.json").get_json()
    unpaged = []
    for path, operations in spec["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        answer = get["responses"].get("200", {})
        body = answer.get("content", {}).get("application/json", {}).get("schema", {})
        if body.get("type") != "array":
            continue
        names = {
            p.get("name") for p in get.get("parameters", []) + operations.get("parameters", [])
        }
        if not {"page", "page_size"} <= names or "X-Pagination" not in answer.get("headers", {}):
            unpaged.append(path)
    assert unpaged == []
