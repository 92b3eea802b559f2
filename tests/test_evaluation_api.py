"""Evaluation through the API: realisasi proposed from daily work, ratings to predikat, the
reviewer's approval against the curve (confirmed with a reason), revisions, isolation."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from kinerja import clock
from kinerja.audit.models import AuditEntry
from kinerja.db import db
from tests.support import People, plan_head_and_boss, plan_staff, put_if_match
from tests.test_skp_api import head_account, token

API = "/api/v1/tenants/dinkes"
TODAY = clock.today()


@pytest.fixture
def setup(people: People, tenants: Any) -> dict[str, Any]:
    return prepared(people, tenants)


def prepared(people: People, tenants: Any) -> dict[str, Any]:
    """The staff's approved SKP of this year (its RHK, IKI and id) and everyone's tokens."""
    a = tenants.a
    rhk, iki = plan_staff(
        tenants, people, TODAY.year, plan_head_and_boss(tenants, people, TODAY.year)
    )
    who = {
        "staff": token(a, people.users["staff"]),
        "boss": token(a, people.users["boss"]),
        "head": token(a, head_account(people, a)),
        "peer": token(a, people.users["peer"]),
        "admin": token(a, people.users["admin"], "admin_opd"),
        "outsider": token(tenants.b, people.users["outsider"], "admin_opd"),
    }
    with db.unit_of_work(a) as session:
        from kinerja.performance import skp as skps

        skp_id = skps.of_employee(session, people.staff, TODAY.year).id
    return {"rhk": rhk, "iki": iki, "skp": skp_id, "who": who}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_json()
    return response.get_json()


def act(client, headers, evaluation_id, action, **extra) -> Any:
    return client.post(
        f"{API}/evaluations/{evaluation_id}/transitions",
        json={"action": action} | extra,
        headers=headers,
    )


def test_a_year_is_evaluated_from_daily_work_to_an_approved_predikat(app, client, setup, tenants):
    who = setup["who"]
    for quantity in ("4", "5"):
        entry = {
            "entry_date": TODAY.isoformat(),
            "rhk_id": setup["rhk"],
            "iki_id": setup["iki"],
            "activity": "Rekap",
            "quantity": quantity,
        }
        created = ok(client.post(f"{API}/entries", json=entry, headers=who["staff"]), 201)
        ok(
            client.post(
                f"{API}/entries/{created['id']}/transitions",
                json={"action": "approve"},
                headers=who["boss"],
            )
        )
    started = ok(
        client.post(
            f"{API}/evaluations", json={"skp_id": setup["skp"], "period": 0}, headers=who["staff"]
        ),
        201,
    )
    [item] = started["items"]
    assert item["realisasi"] == "9" and item["unit"] == "laporan"  # proposed from the log
    assert (
        client.post(
            f"{API}/evaluations", json={"skp_id": setup["skp"], "period": 0}, headers=who["staff"]
        ).status_code
        == 409
    )
    url = f"{API}/evaluations/{started['id']}"
    ok(
        put_if_match(
            client,
            f"{url}/items",
            read=url,
            json={str(setup["iki"]): {"realisasi": "10"}},
            headers=who["staff"],
        )
    )
    assert (
        put_if_match(
            client,
            f"{url}/rating",
            read=url,
            json={"rating_hasil": "SESUAI", "rating_perilaku": "SESUAI"},
            headers=who["boss"],
        ).status_code
        == 409
    )  # not submitted yet
    ok(act(client, who["staff"], started["id"], "submit"))
    assert (
        put_if_match(
            client,
            f"{url}/items",
            read=url,
            json={str(setup["iki"]): {"realisasi": "1"}},
            headers=who["staff"],
        ).status_code
        == 409
    )
    assert (
        put_if_match(
            client,
            f"{url}/rating",
            read=url,
            json={"rating_hasil": "DI_ATAS", "rating_perilaku": "DI_ATAS"},
            headers=who["peer"],
        ).status_code
        == 404
    )
    assert (
        put_if_match(
            client,
            f"{url}/rating",
            read=url,
            json={"rating_hasil": "DI_ATAS", "rating_perilaku": "DI_ATAS"},
            headers=who["head"],
        ).status_code
        == 403
    )  # the reviewer, not the rater
    rated = ok(
        put_if_match(
            client,
            f"{url}/rating",
            read=url,
            json={
                "rating_hasil": "DI_ATAS",
                "rating_perilaku": "SESUAI",
                "feedback": "Konsisten",
                "behaviour_feedback": {"akuntabel": "Tepat waktu"},
                "item_feedback": {str(setup["iki"]): "Melebihi target"},
            },
            headers=who["boss"],
        )
    )
    assert rated["status"] == "rated" and rated["predikat"] == "BAIK"
    assert rated["items"][0]["feedback"] == "Melebihi target"
    returned = act(client, who["head"], started["id"], "return")
    assert returned.status_code == 422  # a reason is needed
    ok(act(client, who["head"], started["id"], "return", reason="Periksa lagi bukti dukung"))
    ok(
        put_if_match(
            client,
            f"{url}/rating",
            read=url,
            json={"rating_hasil": "DI_ATAS", "rating_perilaku": "DI_ATAS"},
            headers=who["boss"],
        )
    )
    # The agency's curve: BAIK needs some Butuh Perbaikan or Kurang; one Sangat Baik breaks it.
    app.config["ACHIEVEMENT_SET_BY"] = "agency"
    try:
        ok(
            put_if_match(
                client,
                f"{API}/achievement/{TODAY.year}",
                json={"level": "BAIK"},
                headers=who["admin"],
            )
        )
    finally:
        app.config["ACHIEVEMENT_SET_BY"] = "city"
    assert (
        put_if_match(
            client,
            f"{API}/achievement/{TODAY.year}",
            json={"level": "ISTIMEWA"},
            headers=who["admin"],
        ).status_code
        == 403
    )  # the city's, by default
    refused = act(client, who["head"], started["id"], "approve")
    assert refused.status_code == 422 and "curve_reason" in refused.get_json()["errors"]["json"]
    approved = ok(
        act(
            client,
            who["head"],
            started["id"],
            "approve",
            curve_reason="Satu pegawai dinilai lebih dulu",
        )
    )
    assert approved["status"] == "approved" and approved["predikat"] == "SANGAT_BAIK"
    curve = ok(client.get(f"{API}/curve?year={TODAY.year}", headers=who["admin"]))
    assert curve["counts"] == {"SANGAT_BAIK": 1} and curve["violations"]
    with db.unit_of_work(tenants.a) as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "evaluation.approve"))
    assert entry.changes["curve_reason"][1] == "Satu pegawai dinilai lebih dulu"
    # A correction is a revision with a reason, by the rater.
    assert act(client, who["boss"], started["id"], "revise").status_code == 422
    revised = ok(act(client, who["boss"], started["id"], "revise", reason="Salah input"))
    assert revised["version"] == 2 and revised["revisions"][0]["predikat"] == "SANGAT_BAIK"
    assert revised["status"] == "submitted"


def test_evaluations_of_another_agency_are_not_found(client, setup) -> None:
    who = setup["who"]
    started = ok(
        client.post(
            f"{API}/evaluations", json={"skp_id": setup["skp"], "period": 1}, headers=who["staff"]
        ),
        201,
    )
    assert started["starts"].endswith("-01-01")
    url = f"{API}/evaluations/{started['id']}"
    assert client.get(url, headers=who["outsider"]).status_code == 404
    other = f"/api/v1/tenants/disdik/evaluations/{started['id']}"
    assert client.get(other, headers=who["outsider"]).status_code == 404
    assert client.get(url, headers=who["peer"]).status_code == 404
    assert (
        client.post(
            f"{API}/evaluations", json={"skp_id": setup["skp"], "period": 0}, headers=who["peer"]
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"{API}/evaluations", json={"skp_id": setup["skp"], "period": 9}, headers=who["staff"]
        ).status_code
        == 422
    )


def test_the_documents_come_through_the_api_too(client, setup) -> None:
    import pypdfium2 as pdfium

    who = setup["who"]
    started = ok(
        client.post(
            f"{API}/evaluations", json={"skp_id": setup["skp"], "period": 0}, headers=who["staff"]
        ),
        201,
    )
    for url in (
        f"{API}/skp/{setup['skp']}/document",
        f"{API}/evaluations/{started['id']}/document",
    ):
        answer = client.get(url, headers=who["staff"])
        assert answer.status_code == 200 and answer.mimetype == "application/pdf"
        text = pdfium.PdfDocument(answer.data)[0].get_textpage().get_text_range()
        assert "Staf" in text and str(TODAY.year) in text
        assert client.get(url, headers=who["peer"]).status_code == 404
        assert client.get(url, headers=who["outsider"]).status_code == 404


@pytest.mark.parametrize(
    "given",
    [
        {"evidence": [2**63]},  # beyond bigint: refused, not a database error
        {"evidence": ["1"]},
        {"evidence": "1"},
        {"evidence": [True]},
        {"realisasi": "banyak"},
        {"realisasi": "1e999"},
        {"realisasi_text": ["x"]},
    ],
)
def test_bad_realisasi_is_refused_naming_the_indicator(client, setup, given) -> None:
    who = setup["who"]
    started = ok(
        client.post(
            f"{API}/evaluations", json={"skp_id": setup["skp"], "period": 0}, headers=who["staff"]
        ),
        201,
    )
    url = f"{API}/evaluations/{started['id']}/items"
    read = f"{API}/evaluations/{started['id']}"
    refused = put_if_match(
        client, url, read=read, json={str(setup["iki"]): given}, headers=who["staff"]
    )
    assert refused.status_code == 422, refused.get_json()
    assert str(setup["iki"]) in refused.get_json()["errors"]["json"]
    # Keys that are not an indicator's id: beyond bigint, a superscript (int() refuses it), another
    # script's digit (int() reads it as 3), longer than int() converts: 422 naming the key.
    for key in ("99999999999999999999999", "²", "٣", "9" * 5000):
        odd = put_if_match(
            client, url, read=read, json={key: {"realisasi": "1"}}, headers=who["staff"]
        )
        assert odd.status_code == 422, odd.get_data(as_text=True)
        assert key in odd.get_json()["errors"]["json"]


def test_the_realisasi_body_is_documented_and_read_by_one_schema(client, setup) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    put = spec["paths"]["/api/v1/tenants/{tenant}/evaluations/{evaluation_id}/items"]["put"]
    keyed = put["requestBody"]["content"]["application/json"]["schema"]
    ref = keyed["additionalProperties"]["$ref"]  # every IKI id's value is a Realisasi
    assert keyed["type"] == "object" and "IKI id" in keyed["description"]
    assert {"realisasi", "realisasi_text", "evidence", "reports"} <= set(
        spec["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]
    )
    files = spec["paths"]["/api/v1/tenants/{tenant}/evaluations/{evaluation_id}/files"]["post"]
    parts = files["requestBody"]["content"]["multipart/form-data"]["schema"]["allOf"]
    assert len(parts) == 2  # the form's iki_id and the evidence files, one body
    who = setup["who"]
    started = ok(
        client.post(
            f"{API}/evaluations", json={"skp_id": setup["skp"], "period": 0}, headers=who["staff"]
        ),
        201,
    )
    url = f"{API}/evaluations/{started['id']}/items"
    read = f"{API}/evaluations/{started['id']}"
    iki = str(setup["iki"])
    refused = put_if_match(
        client, url, read=read, json={iki: {"realisasi": "-1"}}, headers=who["staff"]
    )
    assert refused.get_json()["errors"]["json"] == {iki: ["Enter a number of at least 0."]}
    saved = put_if_match(
        client, url, read=read, json={iki: {"realisasi": "2,5"}}, headers=who["staff"]
    )
    assert saved.status_code == 200 and saved.get_json()["items"][0]["realisasi"] == "2.5"
