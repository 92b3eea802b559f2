"""The demo as the README tells it: every employee of the demo agency signs in with the demo
password, and each persona of the README's sign-in table finds waiting for them (the home page's
"Menunggu Anda" and the menu's badges) exactly the numbers the table claims."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kinerja import clock, demo
from kinerja.db import db
from tests.support import csrf_token

README = Path(__file__).resolve().parent.parent / "README.md"
# The README's words for what waits -> the page the home page's count links to.
WORDS = {
    "SKP": "/t/dinkes/skp",
    "laporan harian": "/t/dinkes/log/team",
    "evaluasi": "/t/dinkes/evaluations",
    "penilaian rekan": "/t/dinkes/talent",
}


def _rows() -> list[dict[str, Any]]:
    """The table under "## Signing in to the demo": who, the login, {page: (count, mark)}."""
    text = README.read_text("utf-8").split("## Signing in to the demo", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in text.splitlines() if line.startswith("|")][2:]  # past the header
    rows = []
    for line in lines:
        who, login, waiting, _sees = (cell.strip() for cell in line.strip("|").split("|", 3))
        claims: dict[str, tuple[int, str]] = {}
        for item in waiting.removeprefix("Menunggu Anda:").split(","):
            found = re.fullmatch(r"\s*(\d+) (.+?)([¹²]?)\s*", item)
            if found:
                claims[WORDS[found.group(2)]] = (int(found.group(1)), found.group(3))
            else:
                assert item.strip() == "-", f"not a claim: {item!r}"
        rows.append({"who": who, "login": login.strip("`"), "claims": claims})
    return rows


def test_the_readme_table_names_one_of_each_role_among_the_demo_accounts() -> None:
    rows = _rows()
    who = " ".join(r["who"] for r in rows)
    for role in ("pegawai", "kepala seksi", "Kepala Bidang", "Kepala Dinas", "admin OPD"):
        assert role in who, role
    assert "named viewer" in who and "city admin" in who
    logins = {r["login"] for r in rows}
    assert logins <= {p[0] for p in demo.PEOPLE} | {demo.CITY_ADMIN[0]}
    assert demo.SEKRETARIS in logins and demo.CITY_ADMIN[0] in logins


# --- the demo itself ---------------------------------------------------------------------------
@pytest.fixture
def demo_agency(database: Any, redis_url: str, app: Any) -> Iterator[Any]:
    """Dinas Kesehatan as the catalogue makes it (with its plugin on), and the demo loaded, as
    `make run` does (the other agencies left out: nothing of theirs waits for anyone here)."""
    from kinerja import plugins
    from kinerja.app import create_app
    from kinerja.cli import default_catalogue
    from kinerja.plugins import catalogue as plugin_catalogue
    from kinerja.tenancy import catalogue, service
    from tests.support import app_config

    plugged = create_app(app_config(database, redis_url, PLUGINS="kinerja-dinkes"))
    with plugged.app_context():
        entries = [e for e in catalogue.load(default_catalogue()) if e.slug == "dinkes"]
        session = db.new_session()
        try:
            service.sync(session, entries)
            session.commit()
        finally:
            session.close()
        list(plugin_catalogue.apply(entries, plugins.get()))
        demo.load()
        yield plugged


def _sign_in(app: Any, login: str, n: int) -> Any:
    client = app.test_client()
    answer = client.post(
        "/auth/local",
        data={
            "login": login,
            "password": demo.DEMO_PASSWORD,
            "csrf_token": csrf_token(client, "/auth/login"),
        },
        environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},  # each from its own address: no throttle
    )
    assert answer.status_code == 303, (login, answer.get_data(as_text=True)[:300])
    assert "/auth/" not in answer.headers["Location"], login
    return client


def _waiting(home: str) -> dict[str, int]:
    """The home page's "Menunggu Anda": {linked page: count}, the bell's unread left out."""
    section = home.split('<h2 class="h5">Menunggu Anda</h2>', 1)
    if len(section) == 1:
        return {}
    items = re.findall(r'<a href="([^"]+)"><strong>(\d+)</strong>', section[1].split("</ul>")[0])
    return {href: int(n) for href, n in items if not href.endswith("/notifications")}


def _badge(home: str, href: str) -> int | None:
    found = re.search(
        rf'href="{re.escape(href)}"[^>]*>[^<]*<span class="badge[^"]*"[^>]*>(\d+)</span>', home
    )
    return int(found.group(1)) if found else None


def _conditions(tenant_id: int) -> dict[str, Callable[[], bool]]:
    """What the README's marks say: ¹ once this year's first period has ended; ² from this
    year's fifth working day on."""
    from kinerja.performance import years
    from kinerja.performance.log import rules

    today = clock.today()
    with db.unit_of_work(tenant_id) as session:
        ended = any(p.ends < today for p in years.periods_of(session, today.year))
    off = rules.holidays()
    days = (
        date(today.year, 1, 1) + timedelta(days=n) for n in range(today.timetuple().tm_yday - 1)
    )
    working = sum(1 for d in days if not rules.is_day_off(d, off))
    return {"": lambda: True, "¹": lambda: ended, "²": lambda: working >= 5}


def test_every_demo_employee_signs_in_and_finds_what_the_readme_says(demo_agency) -> None:
    from kinerja.people.models import Employee
    from kinerja.tenancy.models import Tenant

    with db.unit_of_work() as session:
        tenant_id = session.scalar(select(Tenant.id).where(Tenant.slug == "dinkes"))
    with db.unit_of_work(tenant_id) as session:
        everyone = session.execute(select(Employee.nip, Employee.name)).all()
    assert len(everyone) >= len(demo.PEOPLE)
    # Every employee of the demo agency, by NIP, with the demo password.
    for n, (nip, name) in enumerate(everyone, start=1):
        client = _sign_in(demo_agency, nip, n)
        assert name in client.get("/me").get_data(as_text=True), nip
    # Each persona of the README: what waits for them, as the table says.
    holds = _conditions(tenant_id)
    for n, row in enumerate(_rows(), start=100):
        client = _sign_in(demo_agency, row["login"], n)
        if row["login"] == demo.CITY_ADMIN[0]:
            assert row["claims"] == {}  # nothing of an agency's waits for the city
            continue
        home = client.get("/t/dinkes/").get_data(as_text=True)
        shown = _waiting(home)
        expected = {href: count for href, (count, mark) in row["claims"].items() if holds[mark]()}
        later = {href for href, (_c, mark) in row["claims"].items() if not holds[mark]()}
        assert {h: c for h, c in shown.items() if h not in later} == expected, row["who"]
        if "/t/dinkes/log/team" in expected:  # the menu's badge says the same
            assert _badge(home, "/t/dinkes/log/team") == expected["/t/dinkes/log/team"]
    # The named viewer sees every evaluation of the agency, as the head does.
    viewer = _sign_in(demo_agency, demo.SEKRETARIS, 200)
    assert 'id="agency"' in viewer.get("/t/dinkes/evaluations").get_data(as_text=True)
