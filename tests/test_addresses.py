"""E-mail addresses: one rule (`kinerja.people.addresses`) on every edge that takes one: the
web employee form, the API, the employee import and the SSO claims. An address that would
break a mail header (a line break, a space, a comma, brackets) is refused with a translated
field message, and nothing is stored."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kinerja.db import db
from kinerja.identity import tokens as token_service
from kinerja.identity import users
from kinerja.identity.models import User
from kinerja.people import addresses, importer
from kinerja.people.models import Employee
from tests.support import csrf_token, sign_in

BAD = [
    "budi@example.go.id\nBcc: all@example.go.id",
    "budi@example.go.id\r\nSubject: x",
    "budi @example.go.id",
    "budi@example.go.id, sri@example.go.id",
    "Budi <budi@example.go.id>",
    '"budi"@example.go.id',
    "budi@example",
    "budi@@example.go.id",
    "budi..x@example.go.id",
    "budi@example.go.id\x00",
    "x" * 65 + "@example.go.id",
]
GOOD = ["budi@example.go.id", "budi.santoso+kinerja@dinkes.pemkomedan.go.id", "a_b-c@x.co"]


@pytest.mark.parametrize("value", BAD)
def test_the_rule_refuses_what_would_break_a_header(value: str) -> None:
    assert addresses.problem(value) == addresses.MESSAGE
    with pytest.raises(ValueError):
        addresses.clean(value)


@pytest.mark.parametrize("value", GOOD)
def test_the_rule_takes_plain_addresses(value: str) -> None:
    assert addresses.problem(value) is None
    assert addresses.clean(f"  {value} ") == value
    assert addresses.clean("  ") is None


def stored_email(tenant_id: int, employee_id: int) -> str | None:
    with db.unit_of_work(tenant_id) as session:
        return session.scalar(select(Employee.email).where(Employee.id == employee_id))


@pytest.mark.parametrize("value", BAD[:5])
def test_the_api_refuses_it_with_a_translated_field_message(
    client, tenants, people, value: str
) -> None:
    with db.unit_of_work(tenants.a) as session:
        token = token_service.issue(session, tenants.a, people.users["staff"], "pegawai", "t", 1)
    path = f"/api/v1/tenants/dinkes/employees/{people.staff}"
    headers = {"Authorization": f"Bearer {token.token}", "Accept-Language": "id"}
    etag = client.get(path, headers=headers).headers["ETag"]
    refused = client.patch(path, headers={**headers, "If-Match": etag}, json={"email": value})
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["json"]["email"] == ["Masukkan alamat e-mail yang valid."]
    assert stored_email(tenants.a, people.staff) != value


def test_the_web_form_refuses_it_too(client, tenants, people) -> None:
    sign_in(client, "staff")
    page = f"/t/dinkes/employees/{people.staff}"
    token = csrf_token(client, page)
    refused = client.post(
        page, data={"csrf_token": token, "email": "budi@example.go.id\nBcc: all@example.go.id"}
    )
    assert refused.status_code == 422
    assert "Masukkan alamat e-mail yang valid." in refused.get_data(as_text=True)
    assert stored_email(tenants.a, people.staff) is None or "\n" not in stored_email(
        tenants.a, people.staff
    )
    kept = client.post(page, data={"csrf_token": token, "email": " budi@example.go.id "})
    assert kept.status_code == 303
    assert stored_email(tenants.a, people.staff) == "budi@example.go.id"


def test_the_import_names_the_row() -> None:
    cells = {
        "nip": "198609262015051001",
        "nama": "Staf",
        "email": "budi@example.go.id\nBcc: all@example.go.id",
        "jenis_asn": "PNS",
        "golongan": "III/a",
        "jabatan": "Analis",
        "jenis_jabatan": "Fungsional",
        "unit_kerja": "Bidang",
    }
    _records, problems = importer.check(iter([(2, cells, set())]), set())
    assert [(e.row, e.column) for e in problems.items] == [(2, "email")]


def test_a_bad_sso_claim_keeps_the_address_we_had(app, tenants, people) -> None:
    claims = {"sub": "s-1", "name": "Budi", "email": "budi@example.go.id"}
    with db.unit_of_work() as session:
        user = users.upsert_oidc_user(session, "https://idp", claims, "nip", False)
        user_id = user.id
    bad = {**claims, "email": "evil@example.go.id\nBcc: all@example.go.id"}
    with db.unit_of_work() as session:
        users.upsert_oidc_user(session, "https://idp", bad, "nip", False)
    with db.unit_of_work() as session:
        assert session.get(User, user_id).email == "budi@example.go.id"
