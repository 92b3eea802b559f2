"""Talent pages: the admin OPD opens a campaign, a superior rates on the form, the results, the
grid and the heat-map read in Indonesian; standards, settings and the city's defaults change
through their forms; strangers get 404."""

from __future__ import annotations

from typing import Any

import pytest

from kinerja.db import db
from tests.support import People, csrf_token, sign_in
from tests.test_talent import team as team

BASE = "/t/dinkes/talent"


def browser_of(app: Any, login: str) -> Any:
    client = app.test_client()
    sign_in(client, login)
    return client


def post(client: Any, path: str, data: dict[str, Any], page: str | None = None) -> Any:
    token = csrf_token(client, page or path)
    return client.post(path, data={"csrf_token": token, **data})


@pytest.fixture
def opened(app: Any, team: dict[str, Any]) -> tuple[Any, int]:
    admin = browser_of(app, "admin")
    made = post(
        admin,
        f"{BASE}/campaigns",
        {"name": "Asesmen Uji", "starts": "2026-01-05", "ends": "2026-12-20"},
        page=BASE,
    )
    assert made.status_code == 303, made.get_data(as_text=True)
    campaign_url = made.headers["Location"]
    opened = post(admin, campaign_url, {"action": "open"})
    assert opened.status_code == 303
    page = admin.get(campaign_url).get_data(as_text=True)
    assert "Berjalan" in page and "Penilaian terkirim" in page
    return admin, int(campaign_url.rstrip("/").rsplit("/", 1)[1])


def test_a_superior_rates_on_the_form_and_the_results_read_in_indonesian(
    app, opened, people: People
) -> None:
    admin, campaign_id = opened
    boss = browser_of(app, "boss")
    index = boss.get(BASE).get_data(as_text=True)
    assert "Penilaian yang menunggu Anda" in index and "sebagai Atasan" in index
    import re

    task_url = re.search(r'href="(/t/dinkes/talent/tasks/\d+)"', index)
    assert task_url is not None
    form = boss.get(task_url.group(1)).get_data(as_text=True)
    codes = sorted(set(re.findall(r'name="level-([A-Z0-9-]+)"', form)))
    assert "M1" in codes and "Integritas" in form
    missing = post(boss, task_url.group(1), {f"level-{c}": "3" for c in codes[1:]})
    assert missing.status_code == 422 and "Pilih level 1 sampai 5" in missing.get_data(as_text=True)
    sent = post(boss, task_url.group(1), {f"level-{c}": "4" for c in codes})
    assert sent.status_code == 303 and "sent=1" in sent.headers["Location"]
    again = post(boss, task_url.group(1), {f"level-{c}": "4" for c in codes})
    assert "Penilaian ini sudah dikirim" in again.get_data(as_text=True)
    while_open = admin.get(f"{BASE}/people/{people.staff}").get_data(as_text=True)
    assert "Belum ada asesmen" in while_open  # an open campaign shows nothing yet
    closed = post(admin, f"{BASE}/campaigns/{campaign_id}", {"action": "close"})
    assert closed.status_code == 303
    staff_page = admin.get(f"{BASE}/people/{people.staff}").get_data(as_text=True)
    assert "Level standar dan hasil asesmen per kompetensi" in staff_page
    assert "<svg" in staff_page and "Kesenjangan" in staff_page
    for path in ("grid", "heatmap", "grid?box=5"):
        answer = admin.get(f"{BASE}/{path}")
        assert answer.status_code == 200, path
    assert "Kotak talenta" in admin.get(f"{BASE}/grid").get_data(as_text=True)


def test_strangers_get_404_and_colleagues_see_only_their_own(app, opened, people) -> None:
    _admin, campaign_id = opened
    peer = browser_of(app, "peer")
    assert peer.get(f"{BASE}/people/{people.staff}").status_code == 404
    assert peer.get(f"{BASE}/grid").status_code == 404
    assert peer.get(f"{BASE}/campaigns/{campaign_id}").status_code == 404
    assert peer.get(f"{BASE}/people/{people.peer}").status_code == 200
    outsider = browser_of(app, "outsider")
    assert outsider.get(f"/t/disdik/talent/people/{people.staff}").status_code == 404
    assert outsider.get(f"/t/dinkes/talent/people/{people.staff}").status_code in (403, 404)


def test_standards_settings_and_the_citys_defaults_change_through_forms(
    app,
    team,
    people,
    tenants,
) -> None:
    from sqlalchemy import select

    from kinerja.people.models import Position

    admin = browser_of(app, "admin")
    with db.unit_of_work(tenants.a) as session:
        epidemiolog = session.scalar(select(Position.id).where(Position.name == "Epidemiolog"))
    page = f"{BASE}/standards?position={epidemiolog}"
    saved = post(admin, f"{BASE}/standards", {"position_id": epidemiolog, "level-M1": "3"}, page)
    assert saved.status_code == 303
    assert "M1 3" in admin.get(f"{BASE}/standards").get_data(as_text=True)
    bad = post(admin, f"{BASE}/settings", {"what": "policy", "minimum": "2"})
    assert bad.status_code == 422 and "minimal 3 penilai" in bad.get_data(as_text=True)
    added = post(
        admin,
        f"{BASE}/settings",
        {"what": "option", "code": "M1", "kind": "coaching", "text": "Mentoring oleh inspektorat"},
    )
    assert added.status_code == 303
    assert "Mentoring oleh inspektorat" in admin.get(f"{BASE}/settings").get_data(as_text=True)
    staff = browser_of(app, "staff")
    assert (
        post(staff, f"{BASE}/settings", {"what": "policy"}, f"{BASE}/settings").status_code == 403
    )
    city = browser_of(app, "kota")
    changed = post(
        city, "/city/competencies", {"position_type": "pelaksana", "from_grade": "0", "level": "2"}
    )
    assert changed.status_code == 303
    rows = city.get("/city/competencies").get_data(as_text=True)
    assert "Pelaksana" in rows
    levels = admin.get(f"{BASE}/standards").get_data(as_text=True)
    assert "Pengelola Data" in levels and "M2 2" in levels  # the pelaksana's default follows
    assert admin.get("/city/competencies").status_code == 404


def test_a_campaign_for_one_work_unit_and_chosen_competencies(app, team, people, tenants) -> None:
    from sqlalchemy import select

    from kinerja.competency.models import AssessmentCampaign, AssessmentSubject
    from kinerja.organisation.models import OrgUnit
    from kinerja.people import employees

    with db.unit_of_work(tenants.a) as session:
        parent = OrgUnit(code="BID", name="Bidang")
        session.add(parent)
        session.flush()
        child = OrgUnit(code="SEK", name="Seksi", parent_id=parent.id)
        session.add(child)
        session.flush()
        employees.get_employee(session, people.staff).org_unit_id = child.id
        parent_id = parent.id
    admin = browser_of(app, "admin")
    made = post(
        admin,
        f"{BASE}/campaigns",
        {
            "name": "Bidang saja",
            "starts": "2026-02-01",
            "ends": "2026-03-01",
            "unit_id": str(parent_id),
            "competency": ["M1", "M3"],
            "weight-peer": "0",
        },
        page=BASE,
    )
    assert made.status_code == 303
    with db.unit_of_work(tenants.a) as session:
        found = session.scalars(select(AssessmentCampaign)).one()
        assessed = session.scalars(select(AssessmentSubject.employee_id)).all()
    assert assessed == [people.staff]  # the unit's sub-unit counts, nobody else
    assert found.competencies == ["M1", "M3"] and found.sources["peer"] == 0
    empty = post(
        admin,
        f"{BASE}/campaigns",
        {"name": "Kosong", "starts": "2026-02-01", "ends": "2026-03-01", "unit_id": "99999"},
        page=BASE,
    )
    assert empty.status_code == 422 and "unit kerja" in empty.get_data(as_text=True)
