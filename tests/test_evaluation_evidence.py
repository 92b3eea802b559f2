"""Bukti dukung beyond daily entries: report-form submissions of the period and files of the
employee's own, each checked to belong to the person and the period; files are kept like a
daily entry's evidence and seen only by those who may see the evaluation. And the one
evaluated who is the agency's only admin OPD: their rater approves, rather than it waiting."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from kinerja.db import db
from kinerja.identity.models import Membership
from kinerja.performance.evaluation.models import EvaluationFile
from kinerja.reports.models import ReportSubmission
from tests.support import People, plan_head_and_boss, put_if_match
from tests.test_evaluation_api import API, TODAY, act, ok, prepared
from tests.test_log_api import pdf, png
from tests.test_skp_api import head_account, token


@pytest.fixture
def setup(people: People, tenants: Any) -> dict[str, Any]:
    return prepared(people, tenants)


def report(tenants: Any, employee_id: int, when: date, status: str = "submitted") -> int:
    with db.unit_of_work(tenants.a) as session:
        found = ReportSubmission(
            form_code="LHI",
            plugin="dinkes",
            employee_id=employee_id,
            report_date=when,
            data={},
            status=status,
        )
        session.add(found)
        session.flush()
        return found.id


def started(client: Any, setup: dict[str, Any], period: int = 0) -> dict[str, Any]:
    body = {"skp_id": setup["skp"], "period": period}
    return ok(client.post(f"{API}/evaluations", json=body, headers=setup["who"]["staff"]), 201)


def test_reports_of_the_period_back_a_realisasi_and_others_are_refused(
    client, setup, people, tenants
) -> None:
    who, iki = setup["who"], str(setup["iki"])
    evaluation = started(client, setup)
    url = f"{API}/evaluations/{evaluation['id']}/items"
    read = f"{API}/evaluations/{evaluation['id']}"
    good = report(tenants, people.staff, TODAY)
    draft = report(tenants, people.staff, TODAY, "draft")
    someone_else = report(tenants, people.peer, TODAY)
    last_year = report(tenants, people.staff, date(TODAY.year - 1, 12, 31))
    saved = ok(
        put_if_match(client, url, read=read, json={iki: {"reports": [good]}}, headers=who["staff"])
    )
    assert saved["items"][0]["reports"] == [good]
    for wrong in (draft, someone_else, last_year):
        refused = put_if_match(
            client, url, read=read, json={iki: {"reports": [wrong]}}, headers=who["staff"]
        )
        assert refused.status_code == 422
        assert "reports" in refused.get_json()["errors"]["json"][iki][0]
    detail = ok(client.get(f"{API}/evaluations/{evaluation['id']}", headers=who["boss"]))
    assert detail["items"][0]["reports"] == [good]  # nothing refused replaced what was kept


def test_only_sent_or_approved_daily_entries_back_a_realisasi(client, setup, tenants) -> None:
    """A draft or a rejected entry proves nothing yet: the page offered only sent and approved
    ones, and the API now refuses the others the same way (it took any)."""
    who, iki = setup["who"], str(setup["iki"])
    evaluation = started(client, setup)
    url = f"{API}/evaluations/{evaluation['id']}/items"
    read = f"{API}/evaluations/{evaluation['id']}"
    made = {}
    for name in ("sent", "draft"):
        body = {
            "entry_date": TODAY.isoformat(),
            "rhk_id": setup["rhk"],
            "iki_id": setup["iki"],
            "activity": f"Rekap {name}",
            "quantity": "1",
            "draft": name == "draft",
        }
        made[name] = ok(client.post(f"{API}/entries", json=body, headers=who["staff"]), 201)["id"]
    saved = put_if_match(
        client, url, read=read, json={iki: {"evidence": [made["sent"]]}}, headers=who["staff"]
    )
    assert saved.status_code == 200, saved.get_json()
    refused = put_if_match(
        client, url, read=read, json={iki: {"evidence": [made["draft"]]}}, headers=who["staff"]
    )
    assert refused.status_code == 422


def test_files_are_attached_to_one_indicator_seen_by_those_who_may_and_removed(
    client, setup, tenants
) -> None:
    who, iki = setup["who"], setup["iki"]
    evaluation = started(client, setup)
    url = f"{API}/evaluations/{evaluation['id']}/files"
    detail = ok(
        client.post(url, data=upload(iki, png(), "sertifikat.png"), headers=who["staff"]), 201
    )
    [kept] = detail["items"][0]["files"]
    assert kept["kind"] == "png" and kept["name"] == "sertifikat.png" and kept["thumbnail_url"]
    detail = ok(client.post(url, data=upload(iki, pdf(), "surat.pdf"), headers=who["staff"]), 201)
    assert [f["kind"] for f in detail["items"][0]["files"]] == ["png", "pdf"]
    shown = client.get(kept["url"], headers=who["boss"])
    assert shown.status_code == 200 and shown.mimetype == "image/png"
    assert shown.data.startswith(b"\x89PNG")
    for stranger in ("peer", "outsider"):
        assert client.get(kept["url"], headers=who[stranger]).status_code == 404
    not_theirs = client.post(url, data=upload(iki, png(), "x.png"), headers=who["boss"])
    assert not_theirs.status_code == 403  # the rater sees it but may not add to it
    pretend = upload(iki, b"MZ\x90\x00 not a photo", "a.jpg")
    assert client.post(url, data=pretend, headers=who["staff"]).status_code == 415
    assert client.post(url, data={"evidence": []}, headers=who["staff"]).status_code == 422
    other_iki = upload(99999999, png(), "x.png")
    assert client.post(url, data=other_iki, headers=who["staff"]).status_code == 404
    removed = client.delete(f"{url}/{kept['id']}", headers=who["staff"])
    assert removed.status_code == 204
    assert client.get(kept["url"], headers=who["staff"]).status_code == 404
    with db.unit_of_work(tenants.a) as session:
        assert session.scalar(select(func.count()).select_from(EvaluationFile)) == 1
    ok(act(client, who["staff"], evaluation["id"], "submit"))
    late = client.post(url, data=upload(iki, png(), "x.png"), headers=who["staff"])
    assert late.status_code == 409
    [left] = ok(client.get(f"{API}/evaluations/{evaluation['id']}", headers=who["staff"]))["items"][
        0
    ]["files"]
    assert client.delete(f"{url}/{left['id']}", headers=who["staff"]).status_code == 409


def upload(iki: int, data: bytes, name: str) -> dict[str, Any]:
    return {"iki_id": str(iki), "evidence": [(io.BytesIO(data), name)]}


def plan_admin(tenants: Any, people: People) -> int:
    """The admin OPD's SKP (they report to the head), approved by the head: its id."""
    from kinerja.people.models import Employee
    from kinerja.performance import flow, plan
    from kinerja.performance import skp as skps
    from kinerja.performance.inputs import RhkInput
    from kinerja.performance.models import Rhk
    from kinerja.permissions import Principal

    plan_head_and_boss(tenants, people, TODAY.year)
    with db.unit_of_work(tenants.a) as session:
        head_plan = skps.of_employee(session, people.head, TODAY.year)
        head_rhk = session.scalar(select(Rhk.id).where(Rhk.skp_id == head_plan.id))
        admin = session.scalar(select(Employee).where(Employee.user_id == people.users["admin"]))
        assert admin is not None
        skp = skps.create(session, admin, TODAY.year)
        iki = {"text": "Dokumen", "aspect": "kuantitas", "target_low": "4", "unit": "dokumen"}
        raw = {"text": "Administrasi", "parent_rhk_id": head_rhk, "iki": [iki]}
        plan.add_rhk(session, skp, RhkInput().read(raw))
        as_admin = Principal(
            user_id=people.users["admin"],
            tenant_id=tenants.a,
            roles=frozenset({"pegawai"}),
            employee_id=admin.id,
        )
        as_head = Principal(
            user_id=1, tenant_id=tenants.a, roles=frozenset({"pegawai"}), employee_id=people.head
        )
        flow.act(session, as_admin, skp, "submit")
        flow.act(session, as_head, skp, "approve")
        return skp.id


@pytest.mark.parametrize("another_admin", [False, True])
def test_the_only_admin_is_approved_by_their_rater_otherwise_another_admin_reviews(
    client, people, tenants, another_admin: bool
) -> None:
    """The admin OPD reports to the head, who has no superior: there is no Atasan Pejabat
    Penilai, and the admin OPD may not review their own evaluation."""
    a = tenants.a
    skp_id = plan_admin(tenants, people)
    head = token(a, head_account(people, a))
    admin = token(a, people.users["admin"], "admin_opd")
    if another_admin:
        with db.unit_of_work(a) as session:
            session.add(Membership(user_id=people.users["boss"], role="admin_opd"))
    evaluation = ok(
        client.post(f"{API}/evaluations", json={"skp_id": skp_id, "period": 0}, headers=admin),
        201,
    )
    ok(act(client, admin, evaluation["id"], "submit"))
    rated = ok(
        put_if_match(
            client,
            f"{API}/evaluations/{evaluation['id']}/rating",
            read=f"{API}/evaluations/{evaluation['id']}",
            json={"rating_hasil": "SESUAI", "rating_perilaku": "SESUAI"},
            headers=head,
        )
    )
    assert (
        "approve"
        not in ok(client.get(f"{API}/evaluations/{evaluation['id']}", headers=admin))["actions"]
    )
    assert act(client, admin, evaluation["id"], "approve").status_code in (403, 404, 409)
    if another_admin:
        assert "approve" not in rated["actions"]
        reviewer = token(a, people.users["boss"], "admin_opd")
        done = ok(act(client, reviewer, evaluation["id"], "approve", curve_reason="uji"))
    else:
        assert "approve" in rated["actions"]
        done = ok(act(client, head, evaluation["id"], "approve", curve_reason="uji"))
    assert done["status"] == "approved" and done["predikat"] == "BAIK"
