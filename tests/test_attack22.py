"""What the attack on the presentation layer (#22) broke, kept as guards: odd stored values on
the audit page, a notification of a kind no longer registered, a newline in the guidance
editor's anchor, numbers and days beyond what Decimal and the calendar hold. A page shows what
it cannot format as it is; it never answers 500."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from kinerja.audit.models import AuditEntry
from kinerja.db import db
from kinerja.notifications.models import Notification
from kinerja.presentation import formats
from tests.support import csrf_token, sign_in

ODD = {
    "not_a_day": {"note": ["2026-13-45", "9999-99-99"]},
    "huge_int": {"grade": [10**40, -(10**40)]},
    "huge_float": {"grade": [1e300, -1e300]},
    "decimal_beyond_precision": {"target": ["123456789012345678901234567890.5", "1.5"]},
    "ids_beyond_bigint": {"rhk_id": [10**40, -5], "employee_id": [2**63, 0]},
    "subject_beyond_bigint": {"subject": ["rhk 99999999999999999999999", "rhk -1"]},
    "list_of_not_days": {"dates": [["2026-02-30", "x"], []]},
}


@pytest.mark.parametrize("case", list(ODD))
def test_the_audit_page_reads_odd_stored_values(client, people, tenants, case) -> None:
    with db.unit_of_work(tenants.a) as session:
        session.add(
            AuditEntry(
                at=datetime(2026, 12, 2, 3, tzinfo=UTC),
                action="position.update",
                object_type="position",
                changes=ODD[case],
            )
        )
    sign_in(client, "admin")
    for language in ("id", "en"):
        client.set_cookie("kinerja_lang", language)
        page = client.get("/t/dinkes/audit")
        assert page.status_code == 200, (case, language)
    if case == "not_a_day":
        assert "2026-13-45" in page.get_data(as_text=True)  # shown as it was typed


def test_a_notification_of_a_kind_no_longer_registered_still_reads(client, people, tenants):
    with db.unit_of_work(tenants.a) as session:
        session.add(Notification(employee_id=people.staff, kind="removed_plugin_kind", params={}))
    sign_in(client, "staff")
    page = client.get("/t/dinkes/notifications")
    assert page.status_code == 200
    assert "removed plugin kind" in page.get_data(as_text=True)


def test_the_guidance_editor_keeps_odd_topics_out_of_its_redirect(client, people) -> None:
    sign_in(client, "kota")
    token = csrf_token(client, "/city/guidance")
    for topic in ("a\r\nSet-Cookie: x=1", '"><script>', "rhk"):
        answer = client.post(
            "/city/guidance",
            data={"csrf_token": token, "text:help.rhk.text.id": "ok", "topic": topic},
        )
        assert answer.status_code == 303, topic
        location = answer.headers["Location"]
        assert location.endswith("#rhk") if topic == "rhk" else "#" not in location.rstrip("#"), (
            location
        )
        assert "\n" not in location and "<" not in location


@pytest.mark.parametrize(
    "value", [Decimal("1E+30"), 10**40, 1e300, "123456789012345678901234567890.5"]
)
def test_numbers_beyond_decimal_precision_are_shown_as_they_are(value) -> None:
    for shown in (formats.number(value), formats.percent(value), formats.money(value)):
        assert shown == str(value)


def test_days_that_are_no_days_are_shown_as_they_are_and_the_last_moment_has_a_day() -> None:
    assert formats.date_short("2026-13-45") == "2026-13-45"
    assert formats.day_month("9999-99-99") == "9999-99-99"
    assert formats.date_short(datetime(9999, 12, 31, 23, tzinfo=UTC), "id") == "31-12-9999"
    assert formats.date_short(date(2026, 12, 3), "id") == "03-12-2026"


def test_the_audit_log_writes_a_year_as_a_year_and_names_the_curve(client, people, tenants):
    with db.unit_of_work(tenants.a) as session:
        session.add(
            AuditEntry(
                at=datetime(2026, 12, 2, 3, tzinfo=UTC),
                action="evaluation.approve",
                object_type="evaluation",
                changes={"year": [None, 2025], "curve": [None, "x"], "score": [None, 92.5]},
            )
        )
    sign_in(client, "admin")
    page = client.get("/t/dinkes/audit").get_data(as_text=True)
    assert "2025" in page and "2.025" not in page
    assert "Kurva distribusi" in page and "Curve" not in page
    assert "92,5" in page
