"""Correcting a daily entry: a draft (or a rejected entry) is edited in full until it is sent:
its text, the result it serves, the quantity, files added and removed (their stored objects
go); the history of decisions stays on the entry; an edit racing a send or a decision has one
outcome. Through the API (PUT/PATCH with If-Match) and the pages."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kinerja.db import db
from kinerja.performance.log.models import EvidenceFile, WorkEntry
from tests.support import (
    People,
    at_once,
    csrf_token,
    plan_head_and_boss,
    plan_staff,
    sign_in,
)
from tests.test_log_api import API, TODAY, count, entry, png
from tests.test_skp_api import token

MULTIPART = "multipart/form-data"


@pytest.fixture
def year(people: People, tenants: Any) -> dict[str, int]:
    boss_rhk = plan_head_and_boss(tenants, people, TODAY.year)
    rhk, iki = plan_staff(tenants, people, TODAY.year, boss_rhk)
    return {"rhk": rhk, "iki": iki}


@pytest.fixture
def who(people: People, tenants: Any) -> dict[str, dict[str, str]]:
    users = people.users
    return {
        "staff": token(tenants.a, users["staff"]),
        "boss": token(tenants.a, users["boss"]),
        "peer": token(tenants.a, users["peer"]),
        "outsider": token(tenants.b, users["outsider"], "admin_opd"),
    }


def draft_with_files(client: Any, who: dict, year: dict, *names: str, **changes: Any) -> dict:
    form: dict[str, Any] = {
        k: v for k, v in entry(year, draft="true", **changes).items() if v is not None
    }
    colours = ("red", "green", "blue", "yellow", "purple", "orange")
    form["evidence"] = [(io.BytesIO(png(colours[n])), name) for n, name in enumerate(names)]
    made = client.post(API, data=form, headers=who["staff"], content_type=MULTIPART)
    assert made.status_code == 201, made.get_json()
    return made.get_json()


def etag(client: Any, entry_id: int, headers: dict[str, str]) -> str:
    return client.get(f"{API}/{entry_id}", headers=headers).headers["ETag"]


def stored(app: Any, tenant_id: int, entry_id: int) -> set[str]:
    folder = Path(app.config["STORAGE_DIR"]) / f"t{tenant_id}" / "entries" / str(entry_id)
    return {p.name for p in folder.rglob("*") if p.is_file()}


def keys_of(tenant_id: int, file_id: int) -> set[str]:
    with db.unit_of_work(tenant_id) as session:
        row = session.scalar(select(EvidenceFile).where(EvidenceFile.id == file_id))
        assert row is not None
        return {Path(k).name for k in (row.storage_key, row.thumb_key) if k}


# --- the API ----------------------------------------------------------------------------------
def test_a_draft_is_edited_in_full_in_one_step_then_sent(app, client, who, year, tenants) -> None:
    made = draft_with_files(client, who, year, "lama.png", "tetap.png")
    url = f"{API}/{made['id']}"
    old, kept = made["files"]
    old_keys = keys_of(tenants.a, old["id"])
    assert old_keys <= stored(app, tenants.a, made["id"])
    # Every change names the version it read.
    assert client.patch(url, json={"quantity": "4"}, headers=who["staff"]).status_code == 428
    stale = client.patch(
        url, json={"quantity": "4"}, headers=who["staff"] | {"If-Match": '"stale"'}
    )
    assert stale.status_code == 412
    # Text, result (an additional task now), quantity, a file added and one removed: one step.
    changed = client.patch(
        url,
        data={
            "activity": "Merekap dan memverifikasi laporan",
            "quantity": "7",
            "rhk_id": "0",
            "iki_id": "0",
            "extra_reason": "Diminta kepala bidang",
            "location": "Puskesmas Teladan",
            "remove_files": str(old["id"]),
            "evidence": [(io.BytesIO(png("white")), "baru.png")],
        },
        headers=who["staff"] | {"If-Match": etag(client, made["id"], who["staff"])},
        content_type=MULTIPART,
    )
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert body["activity"] == "Merekap dan memverifikasi laporan" and body["quantity"] == "7.00"
    assert body["rhk_id"] is None and body["extra_reason"] == "Diminta kepala bidang"
    assert [f["name"] for f in body["files"]] == ["tetap.png", "baru.png"]
    assert body["status"] == "draft" and body["location"] == "Puskesmas Teladan"
    # The removed file's stored objects (the photo and its thumbnail) went with its row.
    assert not old_keys & stored(app, tenants.a, made["id"])
    assert keys_of(tenants.a, kept["id"]) <= stored(app, tenants.a, made["id"])
    assert client.get(old["url"], headers=who["staff"]).status_code == 404
    assert changed.headers["ETag"] == etag(client, made["id"], who["staff"])
    # The result again, by PUT: the whole entry; a field not given is emptied.
    whole = client.put(
        url,
        json=entry(year, quantity="2"),
        headers=who["staff"] | {"If-Match": changed.headers["ETag"]},
    )
    assert whole.status_code == 200, whole.get_json()
    assert whole.get_json()["rhk_id"] == year["rhk"] and whole.get_json()["extra_reason"] is None
    assert whole.get_json()["quantity"] == "2.00" and whole.get_json()["location"] is None
    assert len(whole.get_json()["files"]) == 2
    sent = client.post(f"{url}/transitions", json={"action": "submit"}, headers=who["staff"])
    assert sent.get_json()["status"] == "submitted"
    # Sent work is not edited any more: the current version gets a 409 naming the state.
    refused = client.patch(
        url,
        json={"quantity": "9"},
        headers=who["staff"] | {"If-Match": etag(client, made["id"], who["staff"])},
    )
    assert (
        refused.status_code == 409 and "Waiting for verification" in refused.get_json()["message"]
    )
    gone = client.delete(
        f"{url}/files/{kept['id']}",
        headers=who["staff"] | {"If-Match": etag(client, made["id"], who["staff"])},
    )
    assert gone.status_code == 409
    assert keys_of(tenants.a, kept["id"]) <= stored(app, tenants.a, made["id"])


def test_only_the_owner_edits_and_other_agencies_find_nothing(client, who, year) -> None:
    made = draft_with_files(client, who, year)
    url = f"{API}/{made['id']}"
    # a draft is private until sent: the superior does not find it either (#21)
    for name, code in (("boss", 404), ("peer", 404), ("outsider", 404)):
        tag = client.get(url, headers=who["staff"]).headers["ETag"]
        answer = client.patch(url, json={"quantity": "1"}, headers=who[name] | {"If-Match": tag})
        assert answer.status_code == code, name
    elsewhere = url.replace("/dinkes/", "/disdik/")
    tag = client.get(url, headers=who["staff"]).headers["ETag"]
    assert (
        client.put(elsewhere, json=entry(year), headers=who["outsider"] | {"If-Match": tag})
    ).status_code == 404


def test_a_file_is_taken_off_alone_and_the_count_holds_after_removals(
    app, client, who, year, tenants
) -> None:
    names = [f"{n}.png" for n in range(5)]
    made = draft_with_files(client, who, year, *names)
    url = f"{API}/{made['id']}"
    first = made["files"][0]
    assert client.delete(f"{url}/files/{first['id']}", headers=who["staff"]).status_code == 428
    gone = client.delete(
        f"{url}/files/{first['id']}",
        headers=who["staff"] | {"If-Match": etag(client, made["id"], who["staff"])},
    )
    assert gone.status_code == 204
    assert not file_row_exists(tenants.a, first["id"])
    assert len(stored(app, tenants.a, made["id"])) == 8  # four photos, four thumbnails
    again = client.delete(
        f"{url}/files/{first['id']}",
        headers=who["staff"] | {"If-Match": etag(client, made["id"], who["staff"])},
    )
    assert again.status_code == 404

    # Four files: one more fits; two more only if one goes in the same step.
    def send(*, remove: list[int], add: int) -> Any:
        return client.patch(
            url,
            data={
                "remove_files": [str(i) for i in remove],
                "evidence": [(io.BytesIO(png("white")), f"n{n}.png") for n in range(add)],
            },
            headers=who["staff"] | {"If-Match": etag(client, made["id"], who["staff"])},
            content_type=MULTIPART,
        )

    files = client.get(url, headers=who["staff"]).get_json()["files"]
    assert send(remove=[], add=2).status_code == 422
    assert send(remove=[files[0]["id"]], add=2).status_code == 200
    assert len(client.get(url, headers=who["staff"]).get_json()["files"]) == 5
    # A file of another entry is not this entry's to remove.
    other = draft_with_files(client, who, year, "lain.png")
    refused = send(remove=[other["files"][0]["id"]], add=0)
    assert refused.status_code == 422 and "remove_files" in refused.get_json()["errors"]["json"]
    assert count(tenants.a, EvidenceFile) == 6


def file_row_exists(tenant_id: int, file_id: int) -> bool:
    with db.unit_of_work(tenant_id) as session:
        return session.get(EvidenceFile, (tenant_id, file_id)) is not None


def test_a_rejected_entry_is_corrected_sent_again_and_the_history_stays(client, who, year) -> None:
    made = client.post(API, json=entry(year), headers=who["staff"]).get_json()
    url = f"{API}/{made['id']}"
    act = f"{url}/transitions"
    reason = "Foto kegiatan belum dilampirkan"
    client.post(act, json={"action": "reject", "reason": reason}, headers=who["boss"])
    corrected = client.patch(
        url,
        data={"quantity": "4", "evidence": [(io.BytesIO(png()), "foto.png")]},
        headers=who["staff"] | {"If-Match": etag(client, made["id"], who["staff"])},
        content_type=MULTIPART,
    )
    assert corrected.status_code == 200, corrected.get_json()
    assert client.post(act, json={"action": "submit"}, headers=who["staff"]).status_code == 200
    again = client.post(
        act, json={"action": "reject", "reason": "Jumlah salah"}, headers=who["boss"]
    )
    assert again.get_json()["reason"] == "Jumlah salah"
    client.patch(
        url,
        json={"quantity": "3"},
        headers=who["staff"] | {"If-Match": etag(client, made["id"], who["staff"])},
    )
    client.post(act, json={"action": "submit"}, headers=who["staff"])
    client.post(act, json={"action": "approve"}, headers=who["boss"])
    shown = client.get(url, headers=who["boss"]).get_json()
    steps = [(s["action"], s["reason"]) for s in shown["history"]]
    assert steps == [
        ("submit", None),
        ("reject", reason),
        ("update", None),
        ("submit", None),
        ("reject", "Jumlah salah"),
        ("update", None),
        ("submit", None),
        ("approve", None),
    ]
    by = {s["action"]: s["by"] for s in shown["history"]}
    assert by["reject"] and by["reject"] == by["approve"] != by["submit"]
    assert shown["status"] == "approved" and shown["reason"] is None  # the history keeps them
    assert [s["label"] for s in shown["history"]][:3] == ["Sent", "Rejected", "Corrected"]
    assert shown["history"][2]["files_added"] == ["foto.png"]
    stamps = [s["at"] for s in shown["history"]]
    assert stamps == sorted(stamps)
    # Who may not see the entry learns nothing of its history either.
    assert client.get(url, headers=who["peer"]).status_code == 404


def test_an_edit_racing_a_send_or_a_decision_has_one_outcome(app, client, who, year, tenants):
    """A draft: the owner's edit and their send (another phone) at once. Either the edit lands
    first and is what was sent, or the send does and the edit is refused: never a sent entry
    changed afterwards, never a file removed from sent work."""
    outcomes = set()
    for round_ in range(4):
        made = draft_with_files(client, who, year, "a.png", activity=f"Asli {round_}")
        url = f"{API}/{made['id']}"
        tag = etag(client, made["id"], who["staff"])
        file_keys = keys_of(tenants.a, made["files"][0]["id"])
        change = {"activity": f"Diubah {round_}", "remove_files": [made["files"][0]["id"]]}
        edit, send = at_once(
            app,
            [
                lambda c, url=url, change=change, tag=tag: c.patch(
                    url, json=change, headers=who["staff"] | {"If-Match": tag}
                ),
                lambda c, url=url: c.post(
                    f"{url}/transitions", json={"action": "submit"}, headers=who["staff"]
                ),
            ],
        )
        assert send.status_code == 200, send.get_json()
        shown = client.get(url, headers=who["staff"]).get_json()
        assert shown["status"] == "submitted"
        actions = [s["action"] for s in shown["history"]]
        if edit.status_code == 200:
            outcomes.add("edit first")
            assert shown["activity"] == f"Diubah {round_}" and shown["files"] == []
            assert actions == ["draft", "edit", "submit"]  # a draft is edited, not corrected
            assert not file_keys & stored(app, tenants.a, made["id"])
        else:
            outcomes.add("send first")
            assert edit.status_code in (409, 412), edit.get_json()
            assert shown["activity"] == f"Asli {round_}" and len(shown["files"]) == 1
            assert actions == ["draft", "submit"]
            assert file_keys <= stored(app, tenants.a, made["id"])
    assert outcomes  # each round had exactly one of the two
    # Sent work: the superior's approval and an edit (from a version read before the send).
    made = draft_with_files(client, who, year, "b.png")
    url = f"{API}/{made['id']}"
    tag = etag(client, made["id"], who["staff"])
    client.post(f"{url}/transitions", json={"action": "submit"}, headers=who["staff"])
    edit, approve = at_once(
        app,
        [
            lambda c: c.patch(
                url,
                json={"quantity": "99", "remove_files": [made["files"][0]["id"]]},
                headers=who["staff"] | {"If-Match": tag},
            ),
            lambda c: c.post(f"{url}/transitions", json={"action": "approve"}, headers=who["boss"]),
        ],
    )
    assert approve.status_code == 200 and edit.status_code == 412
    shown = client.get(url, headers=who["boss"]).get_json()
    assert shown["status"] == "approved" and shown["quantity"] == "3.00"
    assert len(shown["files"]) == 1


def test_the_api_documents_the_edit_bodies_as_json_or_multipart(client) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    path = spec["paths"]["/api/v1/tenants/{tenant}/entries/{entry_id}"]
    for method in ("put", "patch"):
        body = path[method]["requestBody"]
        assert set(body["content"]) == {"application/json", "multipart/form-data"}, method
        ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        fields = spec["components"]["schemas"][ref]["properties"]
        assert {"activity", "quantity", "rhk_id", "remove_files"} <= set(fields), method
        assert {"412", "428"} <= set(path[method]["responses"]), method
    assert "history" in spec["components"]["schemas"]["EntryDetail"]["properties"]
    assert "delete" in spec["paths"]["/api/v1/tenants/{tenant}/entries/{entry_id}/files/{file_id}"]


# --- the pages --------------------------------------------------------------------------------
def test_a_draft_is_edited_on_its_page_and_sent_with_a_new_photo(
    app, client, who, year, tenants
) -> None:
    made = draft_with_files(client, who, year, "lama.png", "tetap.png")
    old_keys = keys_of(tenants.a, made["files"][0]["id"])
    staff = app.test_client()
    sign_in(staff, "staff")
    page = staff.get(f"/t/dinkes/log/{made['id']}").get_data(as_text=True)
    edit_url = f"/t/dinkes/log/{made['id']}/edit"
    assert f'href="{edit_url}"' in page and "Ubah laporan" in page
    form = staff.get(edit_url).get_data(as_text=True)
    assert "Merekap laporan imunisasi puskesmas" in form and 'value="3"' in form
    assert 'name="remove_file"' in form and "Simpan dan kirim" in form
    version = re.search(r'name="version" value="([0-9a-f]+)"', form).group(1)
    data = {
        "csrf_token": csrf_token(staff, edit_url),
        "version": version,
        "entry_date": made["entry_date"],
        "rhk_id": str(year["rhk"]),
        "iki_id": str(year["iki"]),
        "activity": "Merekap laporan, foto kegiatan dilampirkan",
        "quantity": "5",
        "started": "08:00",
        "ended": "10:00",
        "remove_file": str(made["files"][0]["id"]),
        "evidence": (io.BytesIO(png("white")), "kegiatan.png"),
        "send": "1",
    }
    done = staff.post(edit_url, data=data, content_type=MULTIPART)
    assert done.status_code == 303, done.get_data(as_text=True)
    shown = staff.get(done.headers["Location"]).get_data(as_text=True)
    assert "Merekap laporan, foto kegiatan dilampirkan" in shown and "Menunggu verifikasi" in shown
    # a draft is edited ("Diubah"; corrected only after a rejection), with the files it changed
    assert "Riwayat" in shown and "Dikirim" in shown and "Diubah" in shown
    assert "Diperbaiki" not in shown and "Berkas ditambahkan: kegiatan.png" in shown
    assert f"Berkas dihapus: {made['files'][0]['name']}" in shown
    assert "Laporan imunisasi" in shown  # the result it serves
    with db.unit_of_work(tenants.a) as session:
        row = session.scalar(select(WorkEntry).where(WorkEntry.id == made["id"]))
        assert row.quantity == 5 and row.minutes == 120 and row.status == "submitted"
        names = session.scalars(
            select(EvidenceFile.name).where(EvidenceFile.entry_id == made["id"])
        ).all()
    assert sorted(names) == ["kegiatan.png", "tetap.png"]
    assert not old_keys & stored(app, tenants.a, made["id"])
    # Sent: no edit page any more, and the old form (its version) is refused.
    assert staff.get(edit_url).status_code == 303
    data["evidence"] = (io.BytesIO(png("white")), "kegiatan.png")
    late = staff.post(edit_url, data=data, content_type=MULTIPART)
    assert late.status_code == 409 and "Menunggu verifikasi" in late.get_data(as_text=True)


def test_the_edit_form_refuses_a_stale_version_and_shows_field_problems(
    app, client, who, year
) -> None:
    made = draft_with_files(client, who, year)
    staff = app.test_client()
    sign_in(staff, "staff")
    edit_url = f"/t/dinkes/log/{made['id']}/edit"
    form = staff.get(edit_url).get_data(as_text=True)
    version = re.search(r'name="version" value="([0-9a-f]+)"', form).group(1)
    base = {
        "csrf_token": csrf_token(staff, edit_url),
        "entry_date": made["entry_date"],
        "rhk_id": str(year["rhk"]),
        "activity": "Diubah",
    }
    bad = staff.post(edit_url, data=base | {"version": version, "quantity": "-1"})
    assert bad.status_code == 422 and "Masukkan angka paling kecil 0" in bad.get_data(as_text=True)
    # Another phone changes it meanwhile: this form's version is stale.
    client.patch(
        f"{API}/{made['id']}",
        json={"quantity": "8"},
        headers=who["staff"] | {"If-Match": etag(client, made["id"], who["staff"])},
    )
    stale = staff.post(edit_url, data=base | {"version": version})
    assert stale.status_code == 409 and "diubah sementara itu" in stale.get_data(as_text=True)
    boss = app.test_client()
    sign_in(boss, "boss")
    # a draft is private until sent (#21): the superior finds neither the form nor the entry
    assert boss.get(edit_url).status_code == 404
    assert boss.get(f"/t/dinkes/log/{made['id']}").status_code == 404


def test_a_correction_that_changes_nothing_still_makes_a_new_version(
    app, client, who, year
) -> None:
    """Two phones read the same version; the first sends the values already stored. The second,
    sent with the version both read, must be refused (412 through the API, 409 on the page), or
    its change would land on top of an edit its author never saw."""
    made = draft_with_files(client, who, year)
    url = f"{API}/{made['id']}"
    read = client.get(url, headers=who["staff"])
    tag, before = read.headers["ETag"], read.get_json()
    same = client.patch(
        url, json={"quantity": before["quantity"]}, headers=who["staff"] | {"If-Match": tag}
    )
    assert same.status_code == 200, same.get_json()
    assert same.get_json()["quantity"] == before["quantity"]
    assert same.get_json()["revision"] == before["revision"] + 1
    assert same.headers["ETag"] != tag
    late = client.patch(url, json={"quantity": "99"}, headers=who["staff"] | {"If-Match": tag})
    assert late.status_code == 412, late.get_json()
    assert client.get(url, headers=who["staff"]).get_json()["quantity"] == before["quantity"]
    # The page's form the same way: its version is stale after a correction that changed nothing.
    staff = app.test_client()
    sign_in(staff, "staff")
    edit_url = f"/t/dinkes/log/{made['id']}/edit"
    form = staff.get(edit_url).get_data(as_text=True)
    version = re.search(r'name="version" value="([0-9a-f]+)"', form).group(1)
    now = client.get(url, headers=who["staff"])
    again = client.patch(
        url,
        json={"quantity": before["quantity"]},
        headers=who["staff"] | {"If-Match": now.headers["ETag"]},
    )
    assert again.status_code == 200
    stale = staff.post(
        edit_url,
        data={
            "csrf_token": csrf_token(staff, edit_url),
            "version": version,
            "entry_date": made["entry_date"],
            "rhk_id": str(year["rhk"]),
            "activity": "Diubah",
        },
    )
    assert stale.status_code == 409 and "diubah sementara itu" in stale.get_data(as_text=True)


def test_the_edit_form_gives_the_quantity_back_in_the_readers_numbers(
    app, client, who, year
) -> None:
    """Typed "2,5" on an Indonesian phone, the correction form showed "2.5" (a machine's number,
    beside "2,5" on the entry's page); a grouped "1.500,5" would read back as another number."""
    made = draft_with_files(client, who, year, quantity="1500.5")
    staff = app.test_client()
    sign_in(staff, "staff")
    edit_url = f"/t/dinkes/log/{made['id']}/edit"
    form = staff.get(edit_url).get_data(as_text=True)
    assert 'name="quantity"' in form and 'value="1500,5"' in form
    token = csrf_token(staff, edit_url)
    assert staff.post("/lang", data={"lang": "en", "csrf_token": token}).status_code == 303
    assert 'value="1500.5"' in staff.get(edit_url).get_data(as_text=True)


def test_a_refused_entry_names_the_field_and_marks_it(app, client, who, year) -> None:
    """One field's message alone ("Masukkan angka.") did not say which field was wrong."""
    staff = app.test_client()
    sign_in(staff, "staff")
    form = {
        "csrf_token": csrf_token(staff, "/t/dinkes/log"),
        "entry_date": TODAY.isoformat(),
        "rhk_id": str(year["rhk"]),
        "activity": "Rapat koordinasi",
        "quantity": "dua",
        "draft": "1",
    }
    refused = staff.post("/t/dinkes/log/new", data=form)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Beberapa isian tidak valid." in page and "<li>Output: Masukkan angka.</li>" in page
    assert re.search(r'id="quantity"[^>]*is-invalid[^>]*>\s*<div class="invalid-feedback', page)
    made = draft_with_files(client, who, year)
    edit_url = f"/t/dinkes/log/{made['id']}/edit"
    version = re.search(
        r'name="version" value="([0-9a-f]+)"', staff.get(edit_url).get_data(as_text=True)
    ).group(1)
    refused = staff.post(edit_url, data=form | {"version": version})
    assert "<li>Output: Masukkan angka.</li>" in refused.get_data(as_text=True)
    late = {"version": version, "quantity": "2", "started": "10:00", "ended": "09:00"}
    refused = staff.post(edit_url, data=form | late)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "<li>Sampai: Jam selesai harus setelah jam mulai.</li>" in page
    assert re.search(r'id="ended"[^>]*is-invalid', page)


def test_a_sent_correction_says_it_was_sent(app, client, who, year) -> None:
    made = draft_with_files(client, who, year)
    staff = app.test_client()
    sign_in(staff, "staff")
    edit_url = f"/t/dinkes/log/{made['id']}/edit"
    form = staff.get(edit_url).get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(staff, edit_url),
        "version": re.search(r'name="version" value="([0-9a-f]+)"', form).group(1),
        "entry_date": made["entry_date"],
        "rhk_id": str(year["rhk"]),
        "activity": "Merekap laporan",
    }
    kept = staff.post(edit_url, data=data)
    shown = staff.get(kept.headers["Location"]).get_data(as_text=True)
    assert "Tersimpan." in shown and "Terkirim" not in shown
    form = staff.get(edit_url).get_data(as_text=True)
    data["version"] = re.search(r'name="version" value="([0-9a-f]+)"', form).group(1)
    sent = staff.post(edit_url, data=data | {"send": "1"})
    shown = staff.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Terkirim. Atasan Anda sudah dapat melihatnya." in shown
