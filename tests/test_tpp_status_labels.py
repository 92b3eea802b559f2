"""A TPP month's state reads as its own words wherever it shows: Indonesian "Terbuka",
"Ditutup", "Dikunci" (English "Open", "Closed", "Locked"), never the "Berjalan" of the shared
msgid "Open" (a period's state)."""

from __future__ import annotations

from typing import Any

import pytest
from flask_babel import force_locale

from kinerja.db import db
from kinerja.i18n import _
from kinerja.presentation import labels
from kinerja.tpp import service
from tests.support import sign_in
from tests.tpp_support import MONTH, YEAR, set_up

WORDS = {
    "id": {"open": "Terbuka", "closed": "Ditutup", "locked": "Dikunci"},
    "en": {"open": "Open", "closed": "Closed", "locked": "Locked"},
}


@pytest.mark.parametrize("language", ["id", "en"])
def test_each_state_has_its_own_words(app, language) -> None:
    with app.test_request_context(), force_locale(language):
        assert labels.labels("tpp.status") == WORDS[language]
        if language == "id":  # the shared msgid keeps its own word elsewhere
            assert str(_("Open")) == "Berjalan"


def _page(app: Any, login: str, path: str, language: str) -> str:
    client = app.test_client()
    sign_in(client, login)
    client.set_cookie("kinerja_lang", language)
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.status_code)
    return answer.get_data(as_text=True)


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_pages_show_the_months_state_in_its_words(app, tenants, people, language) -> None:
    set_up(tenants, people)
    with db.unit_of_work(tenants.a) as session:
        service.compute(session, YEAR, MONTH)
    opened = WORDS[language]["open"]
    pages = [
        ("staff", "/t/dinkes/tpp/me"),  # TPP saya
        ("admin", "/t/dinkes/tpp/agency/months"),  # the admin OPD's months
        ("kota", f"/city/tpp/totals?month={YEAR}-{MONTH:02d}"),  # the city's totals
    ]
    for login, path in pages:
        page = _page(app, login, path, language)
        assert opened in page, path
        assert "Berjalan" not in page, path
    with db.unit_of_work(tenants.a) as session:
        service.close(session, YEAR, MONTH, None)
    totals = _page(app, "kota", f"/city/tpp/totals?month={YEAR}-{MONTH:02d}", language)
    assert WORDS[language]["closed"] in totals
    with db.unit_of_work(tenants.a) as session:
        service.lock(session, YEAR, MONTH, None)
    mine = _page(app, "staff", f"/t/dinkes/tpp/me/{YEAR}-{MONTH:02d}", language)
    assert WORDS[language]["locked"] in mine
