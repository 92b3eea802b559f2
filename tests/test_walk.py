"""The presentation guard: every GET page of the url_map, walked in Chromium as each demo persona,
in Indonesian and in English, at a 360 px phone and a 1366 px laptop (issue #22).

Each (persona, language) is one test, so pytest-xdist spreads the matrix. A walk starts from
every page rule that needs no id (the tenant filled in) and follows the links it finds, one URL
per rule: the ids come from what the persona can really see. Every page is loaded once per
language; the 360 px and 1366 px checks resize the viewport without a reload, and axe-core
runs once per (page, language), at 360 px.

A page fails on: horizontal overflow; a console error or CSP violation; a link to a page of the
app the reader cannot open (403/404); a raw code of the label registry printed bare; a word of
the other language in the UI chrome; a dot-decimal number (Indonesian) or an ISO date in the
text; an axe violation of serious or critical impact.

What the language check reads: only the UI chrome (headings, labels, buttons, table heads,
description terms, legends, summaries, captions, the navigation). What people typed (names,
activities, messages) lives elsewhere on a page and is Indonesian in both languages, so it is
never read; an element inside the chrome that shows user text opts out with `data-user`.

Every GET rule of the url_map is either reached by a persona named in REACHED_BY (that walk fails
when it does not get there) or listed in SKIPPED with the reason: a new rule fails
test_every_get_rule_is_walked_or_skipped until it is placed in one of them.
"""

from __future__ import annotations

import io
import json
import os
import re
import time
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from tests.support import People, Tenants, plan_head_and_boss
from tests.test_browser import _sign_in, browser, served  # noqa: F401 - fixtures
from tests.test_talent import team  # noqa: F401 - a fixture: positions for everyone
from tests.test_talent_web import opened  # noqa: F401 - a fixture: an open campaign

AXE = Path(__file__).parent / "idp" / "node_modules" / "axe-core" / "axe.min.js"
TENANT = "dinkes"
LANGUAGES = ("id", "en")
WIDTHS = (360, 1366)

# The demo's people, by login (tests/support.py builds them; `world` below adds the rest): the
# staff (pegawai), their superior (kepala bidang), the head of the agency, the peer named as the
# agency's viewer (the sekretaris), the admin OPD and the city admin; `guest` is signed out.
PERSONAS = ("guest", "staff", "boss", "head", "peer", "admin", "kota")

# Checks whose failures belong to a sibling branch of issue #22 (Babel number and date formats,
# the label registry): found and counted, reported as an expected failure until they merge. The
# integrator empties this set when they do.
DEFERRED: frozenset[str] = frozenset()

# Rules no walk opens, and why. A rule of the url_map that is neither here nor in REACHED_BY
# fails test_every_get_rule_is_walked_or_skipped.
SKIPPED: dict[str, str] = {
    "web.static": "static files",
    "bootstrap.static": "static files",
    "swagger_assets": "static files of the API docs",
    "favicon": "an icon",
    "health.healthz": "machine endpoint",
    "health.readyz": "machine endpoint",
    "metrics": "machine endpoint",
    "auth.callback": "the OIDC provider's redirect back (the SSO browser test walks it)",
    "auth.sso": "a redirect to the OIDC provider",
    "api-docs.openapi_json": "JSON",
    "api-docs.openapi_swagger_ui": "Swagger UI, a third party's page",
    "comparison.chart": "an SVG image (the figures pages show it)",
    "comparison.city_export_file": "a download",
    "comparison.city_export_json": "JSON polled by the export page",
    "exports.download": "a download",
    "city_plan.tpp_totals_file": "a download (XLSX or CSV)",
    "tpp_me.line": "one TPP line by id, for links from outside the months list, which links "
    "the month instead (tests/test_tpp_pages.py opens it)",
    "exports.status": "JSON polled by the export page",
    "admin.import_status_json": "JSON polled by the import page",
    "tpp_admin.import_status_json": "JSON polled by the attendance import page",
    "tpp_admin.lock": "the city admin's confirmation, linked once a month is closed inside an "
    "agency the walk does not enter (tests/test_tpp_admin_pages.py opens it)",
    "evaluation.document": "a PDF",
    "evaluation.evidence_file": "a download",
    "log.evidence_file": "a download",
    "skp.document": "a PDF",
    "log.team_feed": "an HTML fragment the team page fetches",
    "admin.delete_membership": "a confirmation reached by a form's button",
    "admin.revoke_token": "a confirmation reached by a form's button",
    "comparison.city_export_status": "the city's exports live in BKPSDM's agency, which the "
    "tests' catalogue lacks (tests/test_city_compare.py opens the page)",
    "people.my_record": "a redirect to the reader's own record (people.employee)",
    "reports.new": "a plugin's form: the walk's app loads no plugin (tests/test_reports.py)",
    "reports.summary": "a plugin's form: the walk's app loads no plugin (tests/test_reports.py)",
}
API_PREFIX = "/api/"  # the JSON API: every rule under it is skipped (not a page)

# Who reaches which page: the walk of that persona fails when it does not get there.
REACHED_BY: dict[str, str] = {
    "web.index": "guest",
    "auth.login": "guest",
    "auth.confirm_logout": "staff",
    "web.profile": "staff",
    "tenant.home": "staff",
    "people.directory": "staff",
    "people.employee": "staff",
    "people.new_employee": "admin",
    "admin.audit_page": "admin",
    "admin.edit_position": "admin",
    "admin.edit_unit": "admin",
    "admin.import_page": "admin",
    "admin.import_status": "admin",
    "admin.memberships_page": "admin",
    "admin.positions_page": "admin",
    "admin.token_page": "admin",
    "admin.units_page": "admin",
    "tpp_admin.months_page": "admin",
    "tpp_me.index": "staff",
    "tpp_me.month": "staff",
    "city_plan.tpp_totals": "kota",
    "tpp_admin.month_page": "admin",
    "tpp_admin.close": "admin",
    "tpp_admin.correction": "admin",
    "tpp_admin.import_page": "admin",
    "tpp_admin.import_status": "admin",
    "admin.viewers_page": "head",
    "comparison.agency": "head",
    "evaluation.index": "staff",
    "evaluation.show": "staff",
    "exports.index": "admin",
    "exports.show": "admin",
    "feedback.index": "staff",
    "feedback.new": "staff",
    "feedback.thread": "boss",
    "log.index": "staff",
    "log.show": "staff",
    "log.edit": "staff",
    "log.policy": "admin",
    "log.team": "boss",
    "notifications.index": "staff",
    "plugins.competencies": "staff",
    "plugins.plugins_page": "admin",
    "reports.index": "staff",
    "skp.index": "staff",
    "skp.show": "staff",
    "skp.version": "staff",
    "skp.matrix_page": "boss",
    "skp.plan_page": "head",
    "aksi.show": "peer",
    "talent.index": "staff",
    "talent.task": "boss",
    "talent.person": "boss",
    "talent.grid": "boss",
    "talent.heatmap": "boss",
    "talent.campaign": "admin",
    "talent.settings": "admin",
    "talent.standards_page": "admin",
    "city_plan.competency_defaults": "kota",
    "city_plan.years_page": "kota",
    "city_plan.tpp_settings": "kota",
    "city_plan.tpp_positions": "kota",
    "comparison.compare": "kota",
    "guidance.edit": "kota",
    "plugin_catalogue.catalogue": "kota",
}

# Words of the UI that must not be seen in the other language's chrome (whole words, case
# kept). Short and curated: words that are never Indonesian (or never English) and that a missing
# translation or a hard-coded string would show.
ENGLISH_WORDS = (
    "Approved",
    "Approve",
    "Submitted",
    "Submit",
    "Save",
    "Cancel",
    "Waiting",
    "Rejected",
    "Reject",
    "Delete",
    "Search",
    "Settings",
    "Employees",
    "Evidence",
    "Previous",
    "Next",
    "Sign out",
    "Sign in",
    "Notifications",
    "Download",
    "Year",
    "Total",
)
INDONESIAN_WORDS = (
    "Lampiran",
    "Simpan",
    "Batal",
    "Disetujui",
    "Setujui",
    "Menunggu",
    "Ditolak",
    "Tolak",
    "Kirim",
    "Terkirim",
    "Hapus",
    "Cari",
    "Pengaturan",
    "Unduh",
    "Tahun",
    "Bukti",
    "Sebelumnya",
    "Berikutnya",
    "Keluar",
    "Masuk",
    "Pemberitahuan",
    "Belum ada",
    "Dan",
    "dan",
    "atau",
    "yang",
    "untuk",
)
# "Total" reads the same in both languages: it stays out of the Indonesian check's word list.
LEAKS = {
    "id": tuple(w for w in ENGLISH_WORDS if w != "Total"),
    "en": INDONESIAN_WORDS,
}

# Indonesian groups thousands with dots (12.500) and writes decimals with a comma (3,75): a dot
# followed by one or two digits is an English decimal. An address (1.2.3.4) is not a number.
DOT_DECIMAL = re.compile(r"(?<![\d.])\d+\.\d{1,2}(?![\d.])")
COMMA_DECIMAL = re.compile(r"(?<![\d,])\d+,\d{1,2}(?![\d,])")  # the reverse, in English
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# Indonesian writes a time of day with a dot (CLDR `id`: 13.05): after a short date ("03-12-2026
# 13.05") or as a range of times ("08.00-10.00") it is a time, not a decimal.
ID_TIME = re.compile(
    r"(?<=\d{2}-\d{2}-\d{4} )(?:[01]\d|2[0-3])\.[0-5]\d\b"
    r"|\b(?:[01]\d|2[0-3])\.[0-5]\d\s*[\u2013-]\s*(?:[01]\d|2[0-3])\.[0-5]\d\b"
)
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


@cache
def registry_codes() -> frozenset[str]:
    """The codes of the label registry; until it exists, the keys of i18n's label tables."""
    try:
        from kinerja.presentation.labels import known_codes  # type: ignore[import-not-found]

        return frozenset(known_codes())
    except ImportError:
        from kinerja import i18n

        codes: set[str] = set()
        for name in dir(i18n):
            table = getattr(i18n, name)
            if name.endswith("_LABELS") and isinstance(table, dict):
                codes.update(str(key) for key in table)
        return frozenset(codes)


# --- what one page shows, read in the browser -------------------------------------------------
READ_PAGE = """() => {
  const hidden = "script,style,code,pre,textarea,noscript,template,[data-user]";
  const chrome = "h1,h2,h3,h4,h5,h6,label,button,th,dt,legend,summary,caption,nav";
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(hidden)) continue;
    const text = node.textContent.trim();
    if (text) texts.push(text);
  }
  const wholes = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (el.children.length || el.closest(hidden)) continue;
    const text = el.textContent.trim();
    if (text) wholes.push(text);
  }
  // Text in a language of its own (lang="id" on the competency dictionary, the law's words)
  // or typed by people (data-user) is not the UI's: the language check skips it.
  const foreign = hidden + ",[lang]";
  const chromeTexts = [];
  for (const el of document.body.querySelectorAll(chrome)) {
    if (el.closest("body [lang], [data-user]")) continue;
    const clone = el.cloneNode(true);
    for (const user of clone.querySelectorAll(foreign)) user.remove();
    const text = clone.textContent.replace(/\\s+/g, " ").trim();
    if (text) chromeTexts.push(text);
  }
  for (const el of document.body.querySelectorAll("input[type=submit],input[type=button]")) {
    if (el.value) chromeTexts.push(el.value);
  }
  const links = [];
  for (const a of document.querySelectorAll("a[href]")) links.push(a.href);
  return {texts, wholes, chrome: chromeTexts, links};
}"""
# The door a city admin passes to read an agency (enter_first.html): a 403 that opens.
ENTER_FORM = re.compile(r'action="/t/[^/"]+/enter"')
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# What sticks out: the innermost elements whose right edge passes the screen's, for the message.
WIDEST = """() => {
  const edge = document.documentElement.clientWidth;
  const clipped = el => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const out = [...document.body.querySelectorAll("*")].filter(el =>
    el.getBoundingClientRect().right > edge + 1 && !clipped(el) &&
    ![...el.children].some(c => c.getBoundingClientRect().right > edge + 1));
  return out.slice(0, 3).map(el => el.tagName.toLowerCase() +
    (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "") +
    " «" + (el.textContent || "").trim().slice(0, 40) + "»").join(", ");
}"""
# Every violation of the WCAG 2.1 A/AA rules and axe's best practices (landmarks among them).
AXE_RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, nodes: v.nodes.length,
    target: v.nodes.slice(0, 2).map(n => n.target.join(" ")).join(" | "),
  }));
}"""
CSP_LISTENER = """window.addEventListener("securitypolicyviolation", e => console.error(
  "CSP violation: " + e.violatedDirective + " " + e.blockedURI));"""


def _get_rules(app: Any) -> dict[str, Any]:
    """{endpoint: rule} of every GET rule of the url_map."""
    return {
        rule.endpoint: rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())
    }


def _page_rules(app: Any) -> dict[str, Any]:
    return {
        endpoint: rule
        for endpoint, rule in _get_rules(app).items()
        if endpoint not in SKIPPED and not rule.rule.startswith(API_PREFIX)
    }


def test_every_get_rule_is_walked_or_skipped(app) -> None:
    rules = _get_rules(app)
    pages = {e for e, r in rules.items() if e not in SKIPPED and not r.rule.startswith(API_PREFIX)}
    assert not set(SKIPPED) - set(rules), "SKIPPED names a rule the url_map lost"
    assert not set(REACHED_BY) - pages, "REACHED_BY names a rule the url_map lost or skips"
    unplaced = sorted(pages - set(REACHED_BY))
    assert unplaced == [], f"GET rules no walk reaches and SKIPPED does not list: {unplaced}"
    assert set(REACHED_BY.values()) <= set(PERSONAS)


# --- the demo's world ---------------------------------------------------------------------------
@pytest.fixture
def world(app, team, opened, people: People, tenants: Tenants) -> dict[str, Any]:  # noqa: F811
    """Something on every page: approved plans, a logged entry, a submitted evaluation, a
    feedback thread, an open talent campaign, an export, and the peer named agency viewer."""
    from kinerja import clock
    from kinerja.db import db
    from kinerja.people import employees
    from kinerja.performance import flow, plan
    from kinerja.performance import skp as skps
    from kinerja.performance.models import Rhk
    from kinerja.permissions import Principal
    from tests.test_aksi import current_period, step_body
    from tests.test_import import GOOD, to_csv, upload

    year = clock.today().year
    who = team  # positions for everyone, and the head's account
    api = f"/api/v1/tenants/{TENANT}"
    client = app.test_client()
    staff, boss, admin = who["staff"], who["boss"], who["admin"]

    def ok(response: Any, status: int = 200) -> Any:
        assert response.status_code == status, response.get_data(as_text=True)
        return response.get_json()

    # The staff's plan, drafted, given a Rencana Aksi step, then submitted and approved.
    boss_rhk = plan_head_and_boss(tenants, people, year)
    with db.unit_of_work(tenants.a) as session:
        draft = skps.create(session, employees.get_employee(session, people.staff), year)
        iki_in = {"text": "Laporan", "aspect": "kuantitas", "target_low": "12", "unit": "laporan"}
        rhk = plan.add_rhk(
            session,
            draft,
            {"text": "Laporan imunisasi", "parent_rhk_id": boss_rhk, "iki": [iki_in]},
        ).id
        skp_id = draft.id
        iki = skps.iki_by_rhk(session, [rhk])[rhk][0].id
    step = step_body(rhk, current_period(tenants.a))
    ok(client.post(f"{api}/skp/{skp_id}/rencana-aksi", json=step, headers=staff), 201)
    # The peer's plan stays a draft with a step of its own: a step's page is linked while the
    # plan can change.
    with db.unit_of_work(tenants.a) as session:
        head_skp = skps.of_employee(session, people.head, year)
        head_rhk = session.scalars(select(Rhk.id).where(Rhk.skp_id == head_skp.id)).first()
        peer_skp = skps.create(session, employees.get_employee(session, people.peer), year)
        peer_rhk = plan.add_rhk(
            session,
            peer_skp,
            {"text": "Data imunisasi", "parent_rhk_id": head_rhk, "iki": [iki_in]},
        ).id
        peer_skp_id = peer_skp.id
    peer_step = step_body(peer_rhk, current_period(tenants.a))
    ok(
        client.post(f"{api}/skp/{peer_skp_id}/rencana-aksi", json=peer_step, headers=who["peer"]),
        201,
    )
    with db.unit_of_work(tenants.a) as session:
        planned = skps.get(session, skp_id)
        flow.act(
            session,
            Principal(9, tenants.a, frozenset({"pegawai"}), people.staff),
            planned,
            "submit",
        )
        flow.act(
            session,
            Principal(8, tenants.a, frozenset({"pegawai"}), people.superior),
            planned,
            "approve",
        )

    entry = {
        "entry_date": clock.today().isoformat(),
        "rhk_id": rhk,
        "iki_id": iki,
        "activity": "Rekap laporan imunisasi",
        "quantity": "4",
    }
    first = ok(client.post(f"{api}/entries", json=entry, headers=staff), 201)
    ok(
        client.post(
            f"{api}/entries/{first['id']}/transitions", json={"action": "approve"}, headers=boss
        )
    )
    ok(client.post(f"{api}/entries", json={**entry, "quantity": "2"}, headers=staff), 201)
    # A draft of the staff's own: its edit page is linked (drafts are the owner's alone).
    ok(client.post(f"{api}/entries", json={**entry, "draft": True}, headers=staff), 201)
    evaluation = ok(
        client.post(f"{api}/evaluations", json={"skp_id": skp_id, "period": 0}, headers=staff), 201
    )
    ok(
        client.post(
            f"{api}/evaluations/{evaluation['id']}/transitions",
            json={"action": "submit"},
            headers=staff,
        )
    )
    ok(
        client.post(
            f"{api}/feedback",
            json={"subject": "iki", "subject_id": iki, "body": "Target realistis?"},
            headers=staff,
        ),
        201,
    )
    ok(client.post(f"{api}/viewers", json={"employee_id": people.peer}, headers=admin), 201)
    export = {"kind": "skp_list", "format": "xlsx", "year": year}
    ok(client.post(f"{api}/exports", json=export, headers=admin), 202)
    ok(client.post(f"{api}/entries", json={**entry, "draft": True}, headers=staff), 201)
    checked = upload(client, admin, to_csv(GOOD), "pegawai.csv", dry_run=True)  # an import's page
    assert checked.status_code == 202, checked.get_data(as_text=True)
    # The TPP month computed (its lines, the close, a correction page) and an attendance file
    # checked (an import's page).
    from kinerja.tpp import service as tpp

    with db.unit_of_work(tenants.a) as session:
        tpp.compute(session, clock.today().year, clock.today().month)
    attendance = client.post(
        f"{api}/tpp/attendance-imports",
        headers=admin,
        data={"file": (io.BytesIO(b"nip,tanggal,kode\n"), "absensi.csv"), "dry_run": "true"},
        content_type="multipart/form-data",
    )
    assert attendance.status_code == 202, attendance.get_data(as_text=True)
    return {"year": year, "skp": skp_id, "evaluation": evaluation["id"], "who": who}


# --- the walk -------------------------------------------------------------------------------------
class Walk:
    """One persona's walk in one language: the pages seen, the problems found per check."""

    def __init__(self, app: Any, page: Any, base: str, language: str) -> None:
        self.adapter = app.url_map.bind("127.0.0.1")
        self.pages = _page_rules(app)
        self.page = page
        self.served = base
        self.language = language
        self.status: dict[str, int] = {}  # URL -> status, of every link checked
        self.moved: dict[str, str] = {}  # URL -> where it redirects
        self.doors: set[str] = set()  # URLs answering with the city admin's door
        self.visited: dict[str, str] = {}  # endpoint -> path
        self.problems: dict[str, list[str]] = {}
        self.axe: Counter[str] = Counter()  # impact -> violations (rule x page)
        self.console: list[str] = []
        self.seconds: Counter[str] = Counter()  # where the walk's time goes, for the figures
        self.checked = 0
        page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.console.append(f"uncaught: {e}"))

    def fail(self, check: str, where: str, what: str) -> None:
        self.problems.setdefault(check, []).append(f"{where}: {what}")

    def endpoint(self, url: str) -> str | None:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.served:
            return None
        try:
            endpoint, _ = self.adapter.match(parts.path, method="GET")
        except (HTTPException, RequestRedirect):
            return None
        return str(endpoint)

    def opens(self, url: str) -> int:
        if url not in self.status:
            self.checked += 1
            answer = self.page.context.request.get(url, max_redirects=0)
            if answer.status == 503:  # the database busy (a loaded CI machine): once more
                time.sleep(1)
                answer = self.page.context.request.get(url, max_redirects=0)
            self.status[url] = answer.status
            if answer.status == 403 and ENTER_FORM.search(answer.text()):
                self.doors.add(url)  # the city admin's door to an agency: it opens from there
            if answer.status in (301, 302, 303, 307, 308):
                self.moved[url] = answer.headers.get("location", "")
        return self.status[url]

    def run(self, seeds: list[str]) -> None:
        queue = [f"{self.served}{path}" for path in seeds]
        while queue:
            url = queue.pop(0)
            endpoint = self.endpoint(url)
            if endpoint is None or endpoint not in self.pages or endpoint in self.visited:
                continue
            status = self.opens(url)
            if url in self.moved:
                queue.append(urljoin(url, self.moved[url]))
            if status != 200:
                continue  # not the persona's page
            links = self.check(url)
            self.visited[endpoint] = urlsplit(url).path
            for link in links:
                target = self.endpoint(link)
                if target and target in self.pages and target not in self.visited:
                    queue.append(link.split("#")[0])

    def check(self, url: str) -> list[str]:
        page, where = self.page, urlsplit(url).path
        page.set_viewport_size({"width": WIDTHS[0], "height": 740})
        self.console.clear()
        response = page.goto(url)
        if response is not None and response.status == 503:  # as in opens(): once more
            time.sleep(1)
            self.console.clear()
            response = page.goto(url)
        assert response is not None and response.status == 200, where
        read = page.evaluate(READ_PAGE)
        for width in WIDTHS:
            if width != WIDTHS[0]:
                page.set_viewport_size({"width": width, "height": 800})
            overflow = page.evaluate(OVERFLOW)
            if overflow > 0:
                widest = page.evaluate(WIDEST)
                self.fail("overflow", where, f"{overflow}px wider than {width}px: {widest}")
        axe_started = time.perf_counter()
        page.evaluate(axe_source())
        violations = page.evaluate(AXE_RUN)
        self.seconds["axe"] += time.perf_counter() - axe_started
        for violation in violations:
            self.axe[violation["impact"]] += 1
            if violation["impact"] in ("serious", "critical"):
                self.fail(
                    "axe",
                    where,
                    f"{violation['id']} ({violation['impact']}, {violation['nodes']} nodes: "
                    f"{violation['target']})",
                )
        for message in self.console:
            self.fail("csp" if "CSP" in message else "console", where, message)
        self.read_text(where, read)
        for link in read["links"]:
            target = self.endpoint(link)
            if target is None:
                continue
            status = self.opens(link.split("#")[0])
            if status in (403, 404) and link.split("#")[0] not in self.doors:
                self.fail("dead_link", where, f"{urlsplit(link).path} answers {status}")
        return list(read["links"])

    def read_text(self, where: str, read: dict[str, list[str]]) -> None:
        codes = registry_codes()
        for text in read["texts"]:
            for token in SNAKE.findall(text):
                self.fail("raw_code", where, token)
            for date in ISO_DATE.findall(text):
                self.fail("iso_date", where, date)
            decimal = DOT_DECIMAL if self.language == "id" else COMMA_DECIMAL
            shown = ID_TIME.sub(" ", text) if self.language == "id" else text
            for number in decimal.findall(shown):
                self.fail(
                    "dot_decimal" if self.language == "id" else "comma_decimal", where, number
                )
        for whole in read["wholes"]:
            if whole in codes and not SNAKE.fullmatch(whole):
                self.fail("raw_code", where, whole)
        for text in read["chrome"]:
            for word in LEAKS[self.language]:
                if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text):
                    self.fail("language", where, f"{word!r} in {text[:80]!r}")


@cache
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"axe-core is needed at {AXE}: `make test` installs it (npm ci in tests/idp)")
    return AXE.read_text()


def _seeds(app: Any) -> list[str]:
    """The page rules that need no id: the tenant is the demo's agency."""
    found = []
    for rule in _page_rules(app).values():
        if set(rule.arguments) <= {"tenant"}:
            found.append(rule.rule.replace("<tenant>", TENANT))
    return sorted(found)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_reads_well(
    sso_app,
    served,  # noqa: F811
    browser,  # noqa: F811
    world,
    persona: str,
    language: str,
) -> None:
    started = time.perf_counter()
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 740})
    context.add_cookies([{"name": "kinerja_lang", "value": language, "url": served}])
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    if persona != "guest":
        _sign_in(page, served, persona)
    walk = Walk(sso_app, page, served, language)
    walk.run(["/", "/me", *_seeds(sso_app)] if persona != "guest" else ["/", "/auth/login"])
    context.close()
    elapsed = time.perf_counter() - started
    summary = {
        "persona": persona,
        "language": language,
        "pages": len(walk.visited),
        "links": len(walk.status),
        "seconds": round(elapsed, 1),
        "axe_seconds": round(walk.seconds["axe"], 1),
        "axe": dict(walk.axe),
        "problems": {check: len(found) for check, found in walk.problems.items()},
        "visited": sorted(walk.visited),
    }
    if os.environ.get("KINERJA_WALK_REPORT"):
        with open(os.environ["KINERJA_WALK_REPORT"], "a") as report:
            report.write(json.dumps({**summary, "details": walk.problems}) + "\n")
    missing = sorted(e for e, p in REACHED_BY.items() if p == persona and e not in walk.visited)
    assert missing == [], f"{persona} no longer reaches {missing}"
    failing = {c: found for c, found in walk.problems.items() if c not in DEFERRED}
    assert failing == {}, "\n".join(
        f"{check}: {line}" for check, found in failing.items() for line in found[:40]
    )
    deferred = {c: len(found) for c, found in walk.problems.items() if c in DEFERRED}
    if deferred:
        pytest.xfail(f"deferred to the sibling branches of #22: {deferred}")
