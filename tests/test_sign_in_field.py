"""The NIP-or-e-mail field: most people sign in with their NIP, 18 digits, so the phone must not
open its e-mail keyboard (digits hidden behind a key), nor a digits-only one (no @ for an
e-mail). A plain text field that password managers know as the user name."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from tests.support import sign_in


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("id"):
            self.by_id[str(found["id"])] = found


def _inputs(client: Any, path: str) -> dict[str, dict[str, str | None]]:
    answer = client.get(path)
    assert answer.status_code == 200, path
    parser = _Inputs()
    parser.feed(answer.get_data(as_text=True))
    return parser.by_id


def test_the_sign_in_field_takes_a_nip_and_an_e_mail_without_the_e_mail_keyboard(app) -> None:
    field = _inputs(app.test_client(), "/auth/login")["login"]
    assert field.get("type", "text") == "text"
    assert field.get("autocomplete") == "username"
    assert field.get("inputmode") in (None, "text")  # neither "email" nor "numeric" (no @)
    assert field.get("autocapitalize") == "none"  # an e-mail typed stays as typed


def test_nip_fields_open_the_digits_keyboard(app, people) -> None:
    client = app.test_client()
    sign_in(client, "admin")
    fields = _inputs(client, "/t/dinkes/employees/new")
    for name in ("nip", "superior_nip"):  # digits only: the digits keyboard
        assert fields[name].get("inputmode") == "numeric", name
        assert fields[name].get("type", "text") == "text", name
