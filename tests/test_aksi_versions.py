"""The Rencana Aksi belongs to the approved plan: a version freezes its steps, the version page
shows them, the next version's change list names the steps added, removed and changed and an
IKI's targets per period in the reader's words; a daily entry shows the step it serves on its
page, in the superior's feed, in the employee's own list and in the API."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from kinerja import clock
from kinerja.db import db
from kinerja.people import employees
from kinerja.performance import change_words, plan, versions, years
from kinerja.performance import skp as skps
from kinerja.performance.aksi import service as aksi
from kinerja.performance.periods import Period
from tests.support import People, plan_head_and_boss, sign_in
from tests.test_aksi import approve, ok
from tests.test_skp_api import token

TODAY = clock.today()
API = "/api/v1/tenants/dinkes"
IKI_TEXT = "Dokumen rekap cakupan"


def _periods(tenant_id: int) -> list[Period]:
    with db.unit_of_work(tenant_id) as session:
        return list(years.periods_of(session, TODAY.year))


def _iki(targets: list[str], number: Any = str) -> dict[str, Any]:
    """The IKI as the API takes it (numbers as strings), or as the service does (`Decimal`)."""
    return {
        "text": IKI_TEXT,
        "aspect": "kuantitas",
        "target_low": "12",
        "unit": "dokumen",
        "period_targets": [{"low": number(t)} for t in targets],
    }


@pytest.fixture
def plan_(people: People, tenants: Any) -> dict[str, Any]:
    """The staff's draft SKP of this year: one result with an IKI set per period and three
    steps in the current period."""
    boss_rhk = plan_head_and_boss(tenants, people, TODAY.year)
    periods = _periods(tenants.a)
    span = next(p for p in periods if p.starts <= TODAY <= p.ends)
    targets = ["3"] * len(periods)
    with db.unit_of_work(tenants.a) as session:
        skp = skps.create(session, employees.get_employee(session, people.staff), TODAY.year)
        rhk = plan.add_rhk(
            session,
            skp,
            {"text": "Rekap imunisasi", "parent_rhk_id": boss_rhk, "iki": [_iki(targets, Decimal)]},
        )
        steps = {
            name: aksi.create(
                session,
                skp,
                {
                    "rhk_id": rhk.id,
                    "period": span.number,
                    "text": f"Langkah {name}",
                    "due": span.ends,
                    "output": f"Keluaran {name}",
                },
            ).id
            for name in ("tetap", "diubah", "dihapus")
        }
        iki_id = skps.iki_by_rhk(session, [rhk.id])[rhk.id][0].id
        return {
            "skp": skp.id,
            "rhk": rhk.id,
            "iki": iki_id,
            "steps": steps,
            "span": span,
            "targets": targets,
        }


@pytest.fixture
def who(people: People, tenants: Any) -> dict[str, dict[str, str]]:
    a = tenants.a
    return {
        "staff": token(a, people.users["staff"]),
        "boss": token(a, people.users["boss"]),
        "outsider": token(tenants.b, people.users["outsider"], "admin_opd"),
    }


# --- the diff, pure -----------------------------------------------------------------------------
def _content(aksi_steps: Any = None, **iki: Any) -> dict[str, Any]:
    found = {
        "header": {},
        "approach": "kuantitatif",
        "rhk": [
            {"id": 1, "kind": "utama", "text": "R1", "iki": [{"id": 10, "text": "I"} | iki]},
            {"id": 2, "kind": "utama", "text": "R2", "iki": []},
        ],
        "expectations": {},
        "lampiran": {},
    }
    if aksi_steps is not None:
        found["aksi"] = aksi_steps
    return found


STEP = {"id": 5, "rhk_id": 1, "period": 1, "text": "A", "due": "2026-03-01", "output": "O"}


def test_the_diff_names_steps_added_removed_and_changed() -> None:
    other = STEP | {"id": 6, "text": "B"}
    before = _content([STEP, other])
    after = _content(
        [STEP | {"text": "A2", "due": "2026-03-20", "rhk_id": 2, "period": 1}, STEP | {"id": 7}]
    )
    found = {(c.section, c.item, c.field, c.before, c.after) for c in versions.diff(before, after)}
    assert found == {
        ("aksi", "A2", "text", "A", "A2"),
        ("aksi", "A2", "rhk_id", "R1", "R2"),  # the results by their text, not their id
        ("aksi", "A2", "due", "2026-03-01", "2026-03-20"),
        ("aksi", "B", None, "B", None),
        ("aksi", "A", None, None, "A"),
    }
    # A version frozen before steps were frozen knows none: nothing is said about them.
    assert versions.diff(_content(), after) == []
    assert versions.diff(before, before) == []


def test_the_diff_reads_targets_as_people_do() -> None:
    per = {"frequency": "quarterly", "targets": [{"low": "3"}, {"low": "3"}]}
    before = _content(target_low="6", unit="dokumen", period_targets=per)
    moved = {"frequency": "quarterly", "targets": [{"low": "3"}, {"low": "5", "high": "6"}]}
    after = _content(target_low="8", unit="dokumen", period_targets=moved)
    found = [(c.field, c.before, c.after, c.period) for c in versions.diff(before, after)]
    assert found == [
        ("target", "6", "8 dokumen", None),
        ("period_target", "3", "5\N{EN DASH}6 dokumen", 2),
    ]
    # No targets per period any more: that period now has the year's target split.
    split = versions.diff(before, _content(target_low="6", unit="dokumen"))
    assert [(c.period, c.before, c.after) for c in split] == [
        (1, "3 dokumen", None),
        (2, "3 dokumen", None),
    ]
    # A new unit is said once, with both amounts.
    unit = versions.diff(before, _content(target_low="6", unit="laporan", period_targets=per))
    assert [(c.field, c.before, c.after) for c in unit] == [("target", "6 dokumen", "6 laporan")]
    # Indicators replaced (new ids) keep their text: the same indicator, new targets.
    replaced = _content(target_low="8", unit="dokumen", period_targets=moved)
    replaced["rhk"][0]["iki"][0]["id"] = 11
    assert versions.diff(before, replaced) == versions.diff(before, after)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("id", "Indikator Kinerja Individu (IKI) «I» · Target periode 2: 3 → 5 dokumen"),
        ("en", "Indicator (IKI) «I» · Target period 2: 3 → 5 dokumen"),
    ],
)
def test_a_period_target_change_reads_in_the_readers_language(app, locale, expected) -> None:
    from flask_babel import force_locale

    change = versions.Change("iki", "I", "period_target", "3", "5 dokumen", period=2)
    with app.test_request_context(), force_locale(locale):
        assert change_words.line(change) == expected
        split = versions.Change("iki", "I", "period_target", "3", None, period=1)
        assert change_words.words(split).kind == change_words.CHANGED  # not "removed"
        assert str(change_words.words(split).after) != "-"


# --- the API and the pages ---------------------------------------------------------------------
def _act(client: Any, headers: dict[str, str], skp_id: int, action: str, **more: Any) -> Any:
    return ok(
        client.post(
            f"{API}/skp/{skp_id}/transitions", json={"action": action, **more}, headers=headers
        )
    )


def test_a_version_freezes_its_steps_and_the_next_names_what_changed(
    app, client, who, plan_, tenants, people
) -> None:
    staff, steps, span = who["staff"], plan_["steps"], plan_["span"]
    approve(tenants, people, plan_["skp"])
    url = f"{API}/skp/{plan_['skp']}"
    v1 = ok(client.get(f"{url}/versions/1", headers=staff))
    frozen = {s["id"]: s for s in v1["content"]["aksi"]}
    assert set(frozen) == set(steps.values())
    assert frozen[steps["diubah"]] | {"id": 0} == {
        "id": 0,
        "rhk_id": plan_["rhk"],
        "period": span.number,
        "text": "Langkah diubah",
        "due": span.ends.isoformat(),
        "output": "Keluaran diubah",
    }
    assert {s["id"] for s in ok(client.get(url, headers=staff))["aksi"]} == set(steps.values())

    # A revision: one step changed, one removed, one added, a period's target raised.
    _act(client, staff, plan_["skp"], "revise", reason="Target triwulan berubah")
    base = f"{url}/rencana-aksi"
    changed = f"{base}/{steps['diubah']}"
    earlier = span.ends - timedelta(days=1)
    etag = client.get(changed, headers=staff).headers["ETag"]
    body = {"text": "Langkah diubah lagi", "due": earlier.isoformat()}
    ok(client.patch(changed, json=body, headers=staff | {"If-Match": etag}))
    gone = f"{base}/{steps['dihapus']}"
    etag = client.get(gone, headers=staff).headers["ETag"]
    assert client.delete(gone, headers=staff | {"If-Match": etag}).status_code == 204
    new = {
        "rhk_id": plan_["rhk"],
        "period": span.number,
        "text": "Langkah baru",
        "due": span.ends.isoformat(),
        "output": "Keluaran baru",
    }
    ok(client.post(base, json=new, headers=staff), 201)
    raised = list(plan_["targets"])
    raised[1], raised[-1] = "5", "1"  # the periods still add up to the year's 12
    rhk_url = f"{url}/rhk/{plan_['rhk']}"
    etag = client.get(rhk_url, headers=staff).headers["ETag"]
    ok(client.patch(rhk_url, json={"iki": [_iki(raised)]}, headers=staff | {"If-Match": etag}))
    approve(tenants, people, plan_["skp"])

    v2 = client.get(f"{url}/versions/2", headers=staff | {"Accept-Language": "id"})
    changes = ok(v2)["changes"]
    said = {(c["section"], c["item"], c["field"], c["before"], c["after"]) for c in changes}
    assert said == {
        ("aksi", "Langkah diubah lagi", "text", "Langkah diubah", "Langkah diubah lagi"),
        ("aksi", "Langkah diubah lagi", "due", span.ends.isoformat(), earlier.isoformat()),
        ("aksi", "Langkah dihapus", None, "Langkah dihapus", None),
        ("aksi", "Langkah baru", None, None, "Langkah baru"),
        ("iki", IKI_TEXT, "period_target", "3", "5 dokumen"),
        ("iki", IKI_TEXT, "period_target", "3", "1 dokumen"),
    }
    texts = [c["text"] for c in changes]
    assert (
        f"Indikator Kinerja Individu (IKI) «{IKI_TEXT}» · Target periode 2: 3 → 5 dokumen" in texts
    )
    assert (
        f"Langkah Rencana Aksi «Langkah diubah lagi» · Paling lambat: "
        f"{span.ends.strftime('%d-%m-%Y')} → {earlier.strftime('%d-%m-%Y')}"
    ) in texts, texts
    english = ok(client.get(f"{url}/versions/2", headers=staff | {"Accept-Language": "en"}))
    assert f"Indicator (IKI) «{IKI_TEXT}» · Target period 2: 3 → 5 dokumen" in [
        c["text"] for c in english["changes"]
    ]
    # The first version stays as it was approved.
    assert (
        ok(client.get(f"{url}/versions/1", headers=staff))["content"]["aksi"]
        == v1["content"]["aksi"]
    )
    assert client.get(f"{url}/versions/2", headers=who["outsider"]).status_code == 404

    # The version page shows the frozen steps and the change list in words.
    page = app.test_client()
    sign_in(page, "staff")
    html = page.get(f"/t/dinkes/skp/{plan_['skp']}/versions/2").get_data(as_text=True)
    html = re.sub(r"\s+", " ", html)  # the list's words, as read
    assert 'id="rencana-aksi"' in html and "Langkah baru" in html and "Keluaran baru" in html
    assert earlier.strftime("%d-%m-%Y") in html
    assert "Target periode 2: 3 → 5 dokumen" in html
    assert '«Langkah dihapus»: <span class="text-danger">dihapus</span>' in html
    assert '«Langkah baru»: <span class="text-success">ditambahkan</span>' in html
    old = page.get(f"/t/dinkes/skp/{plan_['skp']}/versions/1").get_data(as_text=True)
    assert "Langkah dihapus" in old and "Langkah baru" not in old


def _entry(client: Any, who: Any, plan_: dict[str, Any], step_id: int | None, text: str) -> Any:
    body = {
        "entry_date": TODAY.isoformat(),
        "rhk_id": plan_["rhk"],
        "iki_id": plan_["iki"],
        "activity": text,
        "quantity": "1",
        "rencana_aksi_id": step_id,
    }
    return ok(client.post(f"{API}/entries", json=body, headers=who["staff"]), 201)


def test_an_entry_shows_the_step_it_serves_everywhere(app, client, who, plan_, tenants, people):
    approve(tenants, people, plan_["skp"])
    step_id = plan_["steps"]["tetap"]
    due = plan_["span"].ends.strftime("%d-%m-%Y")
    served = _entry(client, who, plan_, step_id, "Merekap dokumen cakupan")
    plain = _entry(client, who, plan_, None, "Rapat koordinasi")
    assert served["rencana_aksi"] == {
        "id": step_id,
        "text": "Langkah tetap",
        "due": plan_["span"].ends.isoformat(),
    }
    assert plain["rencana_aksi"] is None
    listed = ok(client.get(f"{API}/entries?scope=team", headers=who["boss"]))
    by_id = {e["id"]: e for e in listed}
    assert by_id[served["id"]]["rencana_aksi"]["text"] == "Langkah tetap"
    assert by_id[plain["id"]]["rencana_aksi"] is None
    shown = ok(client.get(f"{API}/entries/{served['id']}", headers=who["boss"]))
    assert shown["rencana_aksi"]["id"] == step_id

    step_line = f"Langkah Rencana Aksi: Langkah tetap · paling lambat {due}"
    boss = app.test_client()
    sign_in(boss, "boss")
    feed = boss.get("/t/dinkes/log/team").get_data(as_text=True)
    item = re.search(rf'data-entry="{served["id"]}".*?</li>', feed, re.S)
    assert item and step_line in item.group(0), feed
    other = re.search(rf'data-entry="{plain["id"]}".*?</li>', feed, re.S)
    assert other and "Langkah Rencana Aksi" not in other.group(0)
    page = boss.get(f"/t/dinkes/log/{served['id']}").get_data(as_text=True)
    assert "Langkah Rencana Aksi" in page and "Langkah tetap" in page and due in page
    assert "Langkah Rencana Aksi" not in boss.get(f"/t/dinkes/log/{plain['id']}").get_data(
        as_text=True
    )
    staff = app.test_client()
    sign_in(staff, "staff")
    mine = staff.get("/t/dinkes/log").get_data(as_text=True)
    assert step_line in mine and "Rekap imunisasi" in mine

    # The evaluation of the period shows the step done, with the approved entry as evidence.
    ok(
        client.post(
            f"{API}/entries/{served['id']}/transitions",
            json={"action": "approve"},
            headers=who["boss"],
        )
    )
    with db.unit_of_work(tenants.a) as session:
        from kinerja.performance.evaluation import service as evaluations

        evaluation = evaluations.start(
            session, skps.get(session, plan_["skp"]), plan_["span"].number
        )
        evaluation_id = evaluation.id
    html = boss.get(f"/t/dinkes/evaluations/{evaluation_id}").get_data(as_text=True)
    section = html[html.index('id="rencana-aksi"') :]
    assert "Langkah tetap" in section and "Selesai" in section
    assert "Merekap dokumen cakupan" in section
    assert f"/t/dinkes/log/{served['id']}" in section
