"""Daily work through the API: entries against the approved SKP, exactly once, with evidence
whose kind comes from its content, the deadline, the superior's feed and decisions, totals,
isolation of entries and of their files."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func, select

from kinerja import clock
from kinerja.db import db
from kinerja.performance.log.models import EvidenceFile, WorkEntry
from tests.support import People, plan_head_and_boss, plan_staff, put_if_match
from tests.test_skp_api import token

API = "/api/v1/tenants/dinkes/entries"
TODAY = clock.today()


def pdf() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (595, 842), "white").save(out, "PDF")  # an A4 page
    return out.getvalue()


def png(colour: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def year(people: People, tenants: Any) -> dict[str, int]:
    boss_rhk = plan_head_and_boss(tenants, people, TODAY.year)
    rhk, iki = plan_staff(tenants, people, TODAY.year, boss_rhk)
    return {"rhk": rhk, "iki": iki, "boss_rhk": boss_rhk}


@pytest.fixture
def who(people: People, tenants: Any) -> dict[str, dict[str, str]]:
    a = tenants.a
    return {
        "staff": token(a, people.users["staff"]),
        "boss": token(a, people.users["boss"]),
        "peer": token(a, people.users["peer"]),
        "admin": token(a, people.users["admin"], "admin_opd"),
        "outsider": token(tenants.b, people.users["outsider"], "admin_opd"),
    }


def entry(year: dict[str, int], **changes: Any) -> dict[str, Any]:
    return {
        "entry_date": TODAY.isoformat(),
        "rhk_id": year["rhk"],
        "iki_id": year["iki"],
        "activity": "Merekap laporan imunisasi puskesmas",
        "quantity": "3",
        "started": "08:00",
        "ended": "09:30",
    } | changes


def count(tenant_id: int, model: Any = WorkEntry) -> int:
    with db.unit_of_work(tenant_id) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_an_entry_is_made_once_however_often_it_is_sent(client, who, year, tenants) -> None:
    headers = who["staff"] | {"Idempotency-Key": "hp-murah-0001"}
    first = client.post(API, json=entry(year), headers=headers)
    assert first.status_code == 201, first.get_json()
    assert "Idempotent-Replayed" not in first.headers
    body = first.get_json()
    assert body["unit"] == "laporan" and body["minutes"] == 90 and body["status"] == "submitted"
    # The same body in another order is the same request.
    again = client.post(API, json=dict(reversed(entry(year).items())), headers=headers)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == body["id"] and count(tenants.a) == 1
    other_key = client.post(API, json=entry(year), headers=who["staff"] | {"Idempotency-Key": "2"})
    assert other_key.status_code == 201 and count(tenants.a) == 2


def test_a_key_sent_again_with_another_body_is_refused_naming_the_key(
    client, who, year, tenants
) -> None:
    headers = who["staff"] | {"Idempotency-Key": "hp-murah-0002"}
    assert client.post(API, json=entry(year), headers=headers).status_code == 201
    for changed in (entry(year, activity="ketik ulang"), entry(year, draft=True)):
        refused = client.post(API, json=changed, headers=headers)
        assert refused.status_code == 422, refused.get_json()
        (message,) = refused.get_json()["errors"]["headers"]["Idempotency-Key"]
        assert "hp-murah-0002" in message and "different request" in message
        assert "Idempotent-Replayed" not in refused.headers
    indonesian = client.post(
        API, json=entry(year, quantity="4"), headers=headers | {"Accept-Language": "id"}
    )
    (message,) = indonesian.get_json()["errors"]["headers"]["Idempotency-Key"]
    assert "hp-murah-0002" in message and "permintaan yang berbeda" in message
    assert count(tenants.a) == 1


def test_a_key_binds_the_bytes_of_the_files_too(client, who, year, tenants) -> None:
    headers = who["staff"] | {"Idempotency-Key": "foto-0001"}

    def send(colour: str) -> Any:
        form: dict[str, Any] = {k: v for k, v in entry(year).items() if v is not None}
        form["evidence"] = [(io.BytesIO(png(colour)), "bukti.png")]
        return client.post(API, data=form, headers=headers, content_type="multipart/form-data")

    assert send("red").status_code == 201
    replayed = send("red")
    assert replayed.status_code == 200 and replayed.headers["Idempotent-Replayed"] == "true"
    other_photo = send("blue")  # same name and fields, other bytes
    assert other_photo.status_code == 422
    assert "foto-0001" in other_photo.get_json()["errors"]["headers"]["Idempotency-Key"][0]
    assert count(tenants.a) == 1 and count(tenants.a, EvidenceFile) == 1


def test_concurrent_first_requests_with_one_key_create_once(app, who, year, tenants) -> None:
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    start = Barrier(12)

    def send(n: int) -> tuple[int, Any]:
        # Half send the same body, half another one: one creates, the same body replays, the
        # other body is refused; nobody meets the unique violation (500).
        body = entry(year) if n % 2 == 0 else entry(year, activity=f"lain {n}")
        client = app.test_client()
        start.wait()
        answer = client.post(API, json=body, headers=who["staff"] | {"Idempotency-Key": "k-1"})
        return answer.status_code, answer.get_json()

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(send, range(12)))
    codes = sorted(code for code, _body in answers)
    assert codes.count(201) == 1 and set(codes) <= {200, 201, 422}, answers
    assert count(tenants.a) == 1
    created = next(body for code, body in answers if code == 201)
    assert all(body["id"] == created["id"] for code, body in answers if code == 200)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rhk_id": None}, "rhk_id"),  # neither a result nor a reason for an additional task
        ({"activity": ""}, "activity"),
        ({"entry_date": (TODAY + timedelta(days=2)).isoformat()}, "entry_date"),
        ({"entry_date": (TODAY - timedelta(days=10)).isoformat()}, "entry_date"),
        ({"started": "25:00"}, "started"),
        ({"ended": "07:00"}, "ended"),
        ({"quantity": "-2"}, "quantity"),
        ({"iki_id": 2**40}, "iki_id"),
        ({"rhk_id": 2**40}, "rhk_id"),
        ({"minutes": 5000, "started": None, "ended": None}, "minutes"),
    ],
)
def test_bad_entries_are_refused_naming_the_field(client, who, year, tenants, changes, field):
    response = client.post(API, json=entry(year, **changes), headers=who["staff"])
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]["json"]
    assert count(tenants.a) == 0


def test_an_additional_task_needs_only_its_reason(client, who, year) -> None:
    body = entry(year, rhk_id=None, iki_id=None, extra_reason="Diminta kepala dinas")
    created = client.post(API, json=body, headers=who["staff"])
    assert created.status_code == 201 and created.get_json()["extra_reason"]


def test_the_deadline_holds_unless_the_agency_allows_late_entries(client, who, year) -> None:
    old = (TODAY - timedelta(days=10)).isoformat()
    refused = client.post(API, json=entry(year, entry_date=old), headers=who["staff"])
    assert "deadline" in refused.get_json()["errors"]["json"]["entry_date"][0]
    policy = put_if_match(
        client,
        "/api/v1/tenants/dinkes/log-policy",
        json={"late_allowed": True},
        headers=who["admin"],
    )
    assert policy.status_code == 200 and policy.get_json()["late_allowed"] is True
    assert (
        put_if_match(
            client,
            "/api/v1/tenants/dinkes/log-policy",
            json={"late_allowed": False},
            headers=who["staff"],
        ).status_code
        == 403
    )
    late = client.post(API, json=entry(year, entry_date=old), headers=who["staff"])
    assert late.status_code == 201 and late.get_json()["late"] is True


@pytest.mark.parametrize("bad", ["abc", 40, -1, "²", True, None])
def test_the_rules_are_read_by_the_forms_schema_in_the_readers_language(client, who, bad) -> None:
    """`PUT …/log-policy` and the rules page read one schema: the same message for the same
    mistake, in the reader's language; the operation documents its body."""
    url = "/api/v1/tenants/dinkes/log-policy"
    for language, words in (("en", "from 0 to 31"), ("id", "0 sampai 31")):
        headers = {**who["admin"], "Accept-Language": language}
        refused = put_if_match(client, url, json={"deadline_days": bad}, headers=headers)
        assert refused.status_code == 422, refused.get_json()
        assert list(refused.get_json()["errors"]["json"]) == ["deadline_days"]
        assert words in refused.get_json()["errors"]["json"]["deadline_days"][0]
    spec = client.get("/api/v1/openapi.json").get_json()
    body = spec["paths"][url.replace("dinkes", "{tenant}")]["put"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert spec["components"]["schemas"][ref]["properties"]["deadline_days"]["maximum"] == 31
    kept = put_if_match(client, url, json={"deadline_days": 7}, headers=who["admin"])
    assert kept.status_code == 200 and kept.get_json()["deadline_days"] == 7


def test_evidence_is_kept_by_its_content_and_only_its_people_see_it(
    client, who, year, tenants
) -> None:
    form = {k: v for k, v in entry(year).items() if v is not None}
    form["evidence"] = [(io.BytesIO(png()), "IMG_2041.png"), (io.BytesIO(pdf()), "spt.pdf")]
    created = client.post(API, data=form, headers=who["staff"], content_type="multipart/form-data")
    assert created.status_code == 201, created.get_json()
    files = created.get_json()["files"]
    assert [f["kind"] for f in files] == ["png", "pdf"]
    assert files[0]["thumbnail_url"] and files[1]["thumbnail_url"]  # a PDF's first page too
    page = client.get(files[1]["thumbnail_url"], headers=who["boss"])
    assert page.status_code == 200 and page.data[:3] == b"\xff\xd8\xff"
    plain = client.post(API, json=entry(year), headers=who["staff"]).get_json()
    listed = {e["id"]: e["files"] for e in client.get(API, headers=who["staff"]).get_json()}
    assert [f["id"] for f in listed[created.get_json()["id"]]] == [f["id"] for f in files]
    assert listed[plain["id"]] == []  # each entry its own files, read for the page at once
    photo = client.get(files[0]["url"], headers=who["staff"])
    assert photo.status_code == 200 and photo.data.startswith(b"\x89PNG")
    thumb = client.get(files[0]["thumbnail_url"], headers=who["boss"])
    assert thumb.status_code == 200 and thumb.data[:3] == b"\xff\xd8\xff"
    assert client.get(files[0]["url"], headers=who["peer"]).status_code == 404
    assert client.get(files[0]["url"], headers=who["outsider"]).status_code == 404
    elsewhere = files[0]["url"].replace("/dinkes/", "/disdik/")
    assert client.get(elsewhere, headers=who["outsider"]).status_code == 404
    assert client.get(files[0]["url"]).status_code == 401


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("foto.pdf", png()),
        ("foto.jpg", b"MZ\x90\x00\x03" + b"\x00" * 200),
        ("a.svg", b"<svg/>"),
        ("rusak.pdf", b"%PDF-1.4 not really"),  # a PDF that cannot be opened
    ],
)
def test_a_file_that_is_not_what_it_says_is_refused_and_nothing_is_kept(
    client, who, year, tenants, name, data
) -> None:
    form = {k: v for k, v in entry(year).items() if v is not None}
    form["evidence"] = [(io.BytesIO(data), name)]
    refused = client.post(API, data=form, headers=who["staff"], content_type="multipart/form-data")
    assert refused.status_code == 415 and name in refused.get_json()["message"]
    assert count(tenants.a) == 0 and count(tenants.a, EvidenceFile) == 0


def test_too_many_and_too_large_files_are_refused(app, client, who, year, tenants) -> None:
    form = {k: v for k, v in entry(year).items() if v is not None}
    form["evidence"] = [(io.BytesIO(png()), f"{n}.png") for n in range(6)]
    too_many = client.post(API, data=form, headers=who["staff"], content_type="multipart/form-data")
    assert too_many.status_code == 422
    app.config["EVIDENCE_MAX_BYTES"] = 100
    try:
        form["evidence"] = [(io.BytesIO(png()), "besar.png")]
        large = client.post(
            API, data=form, headers=who["staff"], content_type="multipart/form-data"
        )
        assert large.status_code == 413
    finally:
        app.config["EVIDENCE_MAX_BYTES"] = 10 * 1024 * 1024
    assert count(tenants.a) == 0


def test_the_superior_sees_new_work_decides_and_approves_in_bulk(client, who, year) -> None:
    ids = [
        client.post(
            API, json=entry(year, activity=f"Kegiatan {n}"), headers=who["staff"]
        ).get_json()["id"]
        for n in range(3)
    ]
    feed = client.get(f"{API}?scope=team&after={ids[0]}", headers=who["boss"]).get_json()
    assert sorted(e["id"] for e in feed) == ids[1:]
    assert client.get(f"{API}?scope=team", headers=who["peer"]).get_json() == []
    reject = f"{API}/{ids[0]}/transitions"
    assert client.post(reject, json={"action": "reject"}, headers=who["boss"]).status_code == 422
    assert client.post(reject, json={"action": "approve"}, headers=who["staff"]).status_code == 403
    rejected = client.post(
        reject, json={"action": "reject", "reason": "Lampirkan foto"}, headers=who["boss"]
    )
    assert rejected.get_json()["status"] == "rejected"
    url = f"{API}/{ids[0]}"
    etag = client.get(url, headers=who["staff"]).headers["ETag"]
    corrected = client.patch(
        url, json={"activity": "Merekap, dengan foto"}, headers=who["staff"] | {"If-Match": etag}
    )
    assert corrected.status_code == 200, corrected.get_json()
    assert client.post(reject, json={"action": "submit"}, headers=who["staff"]).status_code == 200
    bulk = client.post(f"{API}/approve", json={"ids": [*ids, 2**40]}, headers=who["boss"])
    assert sorted(bulk.get_json()["approved"]) == sorted(ids)
    assert [s["id"] for s in bulk.get_json()["skipped"]] == [2**40]
    mine = client.get(API, headers=who["staff"]).get_json()
    assert {e["status"] for e in mine} == {"approved"}
    totals = client.get("/api/v1/tenants/dinkes/entries/totals", headers=who["staff"]).get_json()
    assert totals["totals"] == [{"iki_id": year["iki"], "unit": "laporan", "quantity": "9"}]
    assert (
        client.get(
            f"/api/v1/tenants/dinkes/entries/totals?employee_id={mine[0]['employee_id']}",
            headers=who["peer"],
        ).status_code
        == 404
    )


def test_deleting_a_draft_deletes_its_files_and_nothing_else_deletes(
    app, client, who, year, tenants
):
    form = {k: v for k, v in entry(year, draft="true").items() if v is not None}
    form["evidence"] = [(io.BytesIO(png()), "a.png")]
    draft = client.post(API, data=form, headers=who["staff"], content_type="multipart/form-data")
    assert draft.get_json()["status"] == "draft"
    folder = (
        Path(app.config["STORAGE_DIR"]) / f"t{tenants.a}" / "entries" / str(draft.get_json()["id"])
    )
    stored = [p for p in folder.rglob("*") if p.is_file()]
    assert len(stored) == 2  # the photo and its thumbnail
    url = f"{API}/{draft.get_json()['id']}"
    sent = client.post(API, json=entry(year), headers=who["staff"]).get_json()
    etag = client.get(f"{API}/{sent['id']}", headers=who["staff"]).headers["ETag"]
    kept = client.delete(f"{API}/{sent['id']}", headers=who["staff"] | {"If-Match": etag})
    assert kept.status_code == 409
    etag = client.get(url, headers=who["staff"]).headers["ETag"]
    assert client.delete(url, headers=who["staff"] | {"If-Match": etag}).status_code == 204
    assert all(not p.exists() for p in stored)


def test_another_agency_finds_no_entry(client, who, year) -> None:
    created = client.post(API, json=entry(year), headers=who["staff"]).get_json()
    outsider = who["outsider"]
    assert client.get(f"{API}/{created['id']}", headers=outsider).status_code == 404
    other = API.replace("/dinkes/", "/disdik/")
    assert client.get(f"{other}/{created['id']}", headers=outsider).status_code == 404
    assert client.get(f"{other}?scope=all", headers=outsider).get_json() == []
    assert (
        client.post(f"{other}/approve", json={"ids": [created["id"]]}, headers=outsider).get_json()[
            "approved"
        ]
        == []
    )


def test_a_vacant_superiors_entries_wait_for_the_next_one_up(client, who, year, people, tenants):
    """The kepala bidang's post is vacant: the head is the staff's Pejabat Penilai now, so the
    head's feed, count and digest hold the staff's entries, and the head decides them; the
    inactive kepala bidang is asked nothing."""
    from kinerja import permissions as perm
    from kinerja.notifications import rounds
    from kinerja.notifications.models import Notification
    from kinerja.people import employees
    from kinerja.performance.log import service
    from tests.test_skp_api import head_account

    a = tenants.a
    head = token(a, head_account(people, a))
    first, second = (
        client.post(
            API, json=entry(year, activity=f"Kegiatan {n}"), headers=who["staff"]
        ).get_json()
        for n in range(2)
    )
    with db.unit_of_work(a) as session:
        employees.update_employee(
            session, employees.get_employee(session, people.superior), {"active": False}
        )
    feed = client.get(f"{API}?scope=team", headers=head).get_json()
    assert sorted(e["id"] for e in feed) == sorted([first["id"], second["id"]])
    as_head = perm.Principal(
        user_id=1,
        tenant_id=a,
        roles=frozenset({perm.ROLE_PEGAWAI}),
        employee_id=people.head,
        subordinate_ids=frozenset({people.superior, people.staff, people.peer}),
    )
    with db.unit_of_work(a) as session:
        assert service.waiting_count(session, as_head) == 2
    decided = client.post(
        f"{API}/{first['id']}/transitions", json={"action": "approve"}, headers=head
    )
    assert decided.status_code == 200, decided.get_json()
    assert client.post(
        f"{API}/{second['id']}/transitions", json={"action": "approve"}, headers=who["boss"]
    ).status_code in (401, 403, 404)  # their account went with the post
    with db.unit_of_work(a) as session:
        assert rounds._team_digests(session, TODAY) == 1
        told = session.scalars(
            select(Notification.employee_id).where(Notification.kind == "entries_waiting")
        ).all()
    assert told == [people.head]


def test_the_api_description_documents_the_key_on_both_creating_operations(client) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/tenants/{tenant}/entries",
        "/api/v1/tenants/{tenant}/forms/{code}/submissions",
    ):
        post = paths[path]["post"]
        (header,) = [p for p in post["parameters"] if p["name"] == "Idempotency-Key"]
        assert header["in"] == "header" and "422" in header["description"]
        assert {"200", "201"} <= set(post["responses"])


def test_the_entry_body_is_one_schema_as_json_or_as_a_form_with_files(client, who, year) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    body = spec["paths"]["/api/v1/tenants/{tenant}/entries"]["post"]["requestBody"]
    assert set(body["content"]) == {"application/json", "multipart/form-data"}
    entry_ref = body["content"]["application/json"]["schema"]["$ref"]
    parts = [p["$ref"] for p in body["content"]["multipart/form-data"]["schema"]["allOf"]]
    assert parts[0] == entry_ref
    schemas = spec["components"]["schemas"]
    fields = schemas[entry_ref.rsplit("/", 1)[1]]["properties"]
    assert {"entry_date", "activity", "quantity", "draft"} <= set(fields)
    assert schemas[parts[1].rsplit("/", 1)[1]]["properties"]["evidence"]["items"]["format"] == (
        "binary"
    )
    files = spec["paths"]["/api/v1/tenants/{tenant}/entries/{entry_id}/files"]["post"]
    assert "multipart/form-data" in files["requestBody"]["content"]
    # A form's bad fields are named where JSON's are, in the reader's language.
    form = {k: v for k, v in entry(year, quantity="-1", started="25:00").items() if v is not None}
    refused = client.post(
        API,
        data=form | {"activity": " "},
        headers=who["staff"] | {"Accept-Language": "id"},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["json"] == {
        "activity": ["Isian ini wajib diisi."],
        "quantity": ["Masukkan angka paling kecil 0."],
        "started": ["Masukkan jam seperti 08:30."],
    }
    # A decimal comma, as people type it, is the same quantity.
    made = client.post(
        API,
        data=form | {"quantity": "2,5", "started": "08:00"},
        headers=who["staff"],
        content_type="multipart/form-data",
    )
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["quantity"] == "2.50"
    # Grouping where it cannot be a decimal mark is read; "1,500" (one and a half in
    # Indonesian, fifteen hundred in English) is refused in the reader's words, never guessed.
    grouped = client.post(
        API,
        data=form | {"quantity": "1.234,5", "started": "08:00", "activity": "Rekap 2"},
        headers=who["staff"],
        content_type="multipart/form-data",
    )
    assert grouped.status_code == 201 and grouped.get_json()["quantity"] == "1234.50"
    for language, words in (("id", "tanpa pemisah ribuan"), ("en", "without a thousands")):
        ambiguous = client.post(
            API,
            data=form | {"quantity": "1,500", "started": "08:00", "activity": "Rekap 3"},
            headers=who["staff"] | {"Accept-Language": language},
            content_type="multipart/form-data",
        )
        assert ambiguous.status_code == 422, ambiguous.get_json()
        [message] = ambiguous.get_json()["errors"]["json"]["quantity"]
        assert words in message and "1,500" in message
