"""Notifications and reminders: the cycle's events reach the right people (folded, not piled
up), the bell and the list through the API and the pages, e-mail choices, reminders due by the
rules, and the daily digest through a real SMTP server (aiosmtpd on loopback): one mail per
person per day, in their language, nothing marked sent when the server refuses."""

from __future__ import annotations

import socket
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from kinerja import clock
from kinerja.db import db
from kinerja.notifications import reminders, service
from kinerja.notifications.models import Notification
from kinerja.performance.log import rules as log_rules
from kinerja.performance.periods import Period
from tests.support import People, csrf_token, plan_head_and_boss, plan_staff, put_if_match, sign_in
from tests.test_skp_api import token

API = "/api/v1/tenants/dinkes"
TODAY = clock.today()


# --- the rules of reminders -----------------------------------------------------------------------
def test_the_log_window_closing_today_is_found_over_working_days() -> None:
    monday = date(2026, 11, 30)
    policy = log_rules.Policy(deadline_days=3, days_off_count=True)
    assert reminders.log_days_closing(monday, policy, frozenset()) == [date(2026, 11, 27)]
    working = log_rules.Policy(deadline_days=1, days_off_count=False)
    # Friday's window closes on Monday when days off do not count; the weekend has no window
    assert reminders.log_days_closing(monday, working, frozenset()) == [date(2026, 11, 27)]
    same_day = log_rules.Policy(deadline_days=0)
    assert reminders.log_days_closing(monday, same_day, frozenset()) == [monday]
    assert reminders.log_days_closing(date(2026, 11, 29), same_day, frozenset()) == []


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (date(2026, 1, 24), False),
        (date(2026, 1, 25), True),
        (date(2026, 1, 31), True),
        (date(2026, 2, 1), False),
    ],
)
def test_the_skp_reminder_runs_in_the_last_week_before_it_is_due(today, due) -> None:
    assert reminders.skp_reminder_due(today, date(2026, 1, 1)) is due


def test_evaluations_are_due_in_the_two_weeks_after_a_period() -> None:
    first = Period(1, date(2026, 1, 1), date(2026, 3, 31))
    second = Period(2, date(2026, 4, 1), date(2026, 6, 30))
    assert reminders.periods_due(date(2026, 3, 31), [first, second]) == []
    assert reminders.periods_due(date(2026, 4, 1), [first, second]) == [first]
    assert reminders.periods_due(date(2026, 4, 14), [first, second]) == [first]
    assert reminders.periods_due(date(2026, 4, 15), [first, second]) == []


# --- events to people -----------------------------------------------------------------------------
def mine(tenants: Any, employee_id: int) -> list[Notification]:
    with db.unit_of_work(tenants.a) as session:
        found = list(
            session.scalars(
                select(Notification)
                .where(Notification.employee_id == employee_id)
                .order_by(Notification.id)
            )
        )
        session.expunge_all()
    return found


def test_the_cycle_tells_the_people_concerned(client, people: People, tenants) -> None:
    a = tenants.a
    staff = token(a, people.users["staff"])
    boss = token(a, people.users["boss"])
    year = TODAY.year
    boss_rhk = plan_head_and_boss(tenants, people, year)
    from kinerja.performance.inputs import RhkInput

    with db.unit_of_work(a) as session:
        from kinerja.people import employees
        from kinerja.performance import plan
        from kinerja.performance import skp as skps

        plan_ = skps.create(session, employees.get_employee(session, people.staff), year)
        iki = {"text": "Laporan", "aspect": "kuantitas", "target_low": "12", "unit": "laporan"}
        raw = {"text": "Rekap", "parent_rhk_id": boss_rhk, "iki": [iki]}
        plan.add_rhk(session, plan_, RhkInput().read(raw))
        skp_id = plan_.id
    url = f"{API}/skp/{skp_id}/transitions"
    assert client.post(url, json={"action": "submit"}, headers=staff).status_code == 200
    [waiting] = [n for n in mine(tenants, people.superior) if n.kind == "skp_waiting"]
    assert waiting.kind == "skp_waiting" and waiting.link == f"skp/{skp_id}"
    assert waiting.params["name"] == "Staf"
    # withdrawn and sent again while unread: the same notification counts up
    assert client.post(url, json={"action": "withdraw"}, headers=staff).status_code == 200
    assert client.post(url, json={"action": "submit"}, headers=staff).status_code == 200
    [again] = [n for n in mine(tenants, people.superior) if n.kind == "skp_waiting"]
    assert again.id == waiting.id and again.repeats == 2
    answer = client.post(url, json={"action": "reject", "reason": "Target kurang"}, headers=boss)
    assert answer.status_code == 200
    [rejected] = mine(tenants, people.staff)
    assert rejected.kind == "skp_rejected" and rejected.params["reason"] == "Target kurang"
    listed = client.get(f"{API}/notifications", headers=staff).get_json()
    assert listed["unread"] == 1
    assert listed["items"][0]["text"] == f"Your SKP {year} was returned: Target kurang"
    # feedback goes to the other side of the thread
    started = client.post(
        f"{API}/feedback",
        json={"subject": "skp", "subject_id": skp_id, "body": "Mohon dilihat lagi"},
        headers=staff,
    )
    assert started.status_code == 201, started.get_json()
    assert [n.kind for n in mine(tenants, people.superior)][-1] == "feedback"


def test_evaluations_and_campaigns_reach_rater_reviewer_and_raters(people, tenants) -> None:
    from kinerja.competency import campaigns
    from kinerja.performance import skp as skps
    from kinerja.performance.evaluation import service as evaluations
    from kinerja.permissions import Principal

    a = tenants.a
    year = TODAY.year
    plan_staff(tenants, people, year, plan_head_and_boss(tenants, people, year))
    with db.unit_of_work(a) as session:
        found = evaluations.start(session, skps.of_employee(session, people.staff, year), 0)
        owner = Principal(9, a, frozenset({"pegawai"}), people.staff)
        evaluations.act(session, owner, found, "submit")
        boss = Principal(8, a, frozenset({"pegawai"}), people.superior)
        evaluations.rate(
            session, boss, found, {"rating_hasil": "SESUAI", "rating_perilaku": "SESUAI"}
        )
    assert [n.kind for n in mine(tenants, people.superior)][-1] == "evaluation_to_rate"
    assert [n.kind for n in mine(tenants, people.head)][-1] == "evaluation_to_review"
    assert "evaluation_to_review" not in [n.kind for n in mine(tenants, people.superior)]
    with db.unit_of_work(a) as session:
        made = campaigns.create(
            session,
            {"name": "Uji", "starts": TODAY.isoformat(), "ends": TODAY.isoformat()},
            {},
            None,
        )
        campaigns.open_campaign(session, made)
    tasks = [n for n in mine(tenants, people.superior) if n.kind == "assessment_task"]
    assert len(tasks) == 1 and tasks[0].params["count"] >= 1 and tasks[0].link == "talent"


def test_the_bell_the_page_and_the_choices(app, client, people, tenants) -> None:
    with db.unit_of_work(tenants.a) as session:
        service.notify(session, people.staff, "skp_approved", {"year": 2026}, "skp")
        service.notify(session, people.staff, "remind_skp", {"year": 2026, "due": "31-01-2026"})
    browser = app.test_client()
    sign_in(browser, "staff")
    home = browser.get("/t/dinkes/").get_data(as_text=True)
    assert "🔔" in home and 'aria-label="Pemberitahuan: 2"' in home
    page = browser.get("/t/dinkes/notifications").get_data(as_text=True)
    assert "SKP 2026 Anda telah disetujui." in page
    [approved] = [n for n in mine(tenants, people.staff) if n.kind == "skp_approved"]
    followed = browser.post(
        "/t/dinkes/notifications/read",
        data={
            "csrf_token": csrf_token(browser, "/t/dinkes/notifications"),
            "id": approved.id,
            "link": "skp",
        },
    )
    assert followed.status_code == 303 and followed.headers["Location"].endswith("/t/dinkes/skp")
    tricked = browser.post(
        "/t/dinkes/notifications/read",
        data={
            "csrf_token": csrf_token(browser, "/t/dinkes/notifications"),
            "id": approved.id,
            "link": "//evil.example/x",
        },
    )
    assert tricked.headers["Location"].endswith("/t/dinkes/notifications")
    staff = token(tenants.a, people.users["staff"])
    assert client.get(f"{API}/notifications", headers=staff).get_json()["unread"] == 1
    put = put_if_match(
        client,
        f"{API}/notifications/choices",
        json={"choices": {"remind_skp": False}},
        headers=staff,
    )
    assert put.status_code == 200 and put.get_json()["choices"]["remind_skp"] is False
    wrong = put_if_match(
        client, f"{API}/notifications/choices", json={"choices": {"x": True}}, headers=staff
    )
    assert wrong.status_code == 422
    done = client.post(f"{API}/notifications/read", json={}, headers=staff).get_json()
    assert done == {"marked": 1, "unread": 0}
    outsider = token(tenants.b, people.users["outsider"], "admin_opd")
    assert client.get("/api/v1/tenants/dinkes/notifications", headers=outsider).status_code == 404


# --- the daily round, with a real SMTP server -----------------------------------------------------
@pytest.fixture
def smtp() -> Any:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    class Inbox(Message):
        def __init__(self) -> None:
            super().__init__()
            self.messages: list[Any] = []

        def handle_message(self, message: Any) -> None:
            self.messages.append(message)

    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


def config(app: Any, port: int, **extra: Any) -> dict[str, Any]:
    return {
        **app.config,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "DIGEST_HOUR": 0,
        "BASE_URL": "https://kinerja.example",
        **extra,
    }


def set_email(people: People, login: str, email: str, language: str | None = None) -> None:
    from kinerja.identity.models import User

    with db.unit_of_work() as session:
        user = session.get(User, people.users[login])
        user.email, user.language = email, language


def test_one_digest_a_day_in_the_readers_language(app, smtp, people, tenants) -> None:
    from kinerja.notifications import rounds

    port, inbox = smtp
    set_email(people, "staff", "budi@example.go.id", "en")
    set_email(people, "boss", "sri@example.go.id")
    with db.unit_of_work(tenants.a) as session:
        service.notify(session, people.staff, "skp_approved", {"year": 2026}, "skp")
        service.notify(
            session, people.staff, "entry_rejected", {"date": "01-11-2026", "reason": "foto"}
        )
        service.notify(session, people.staff, "feedback", {"name": "Sri", "title": "SKP"})  # off
        service.notify(session, people.superior, "skp_waiting", {"name": "Budi", "year": 2026})
    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # 16:00 in Medan
    with app.app_context():
        for _ in range(2):  # a second round the same day sends nothing more
            with db.unit_of_work(tenants.a) as session:
                rounds.run(session, config(app, port), now)
    by_address = {m["To"]: m for m in inbox.messages}
    assert set(by_address) == {"budi@example.go.id", "sri@example.go.id"}
    english = by_address["budi@example.go.id"]
    assert english["Subject"] == "Kinerja: 2 notifications"
    body = english.get_payload()
    assert "Your SKP 2026 was approved." in body and "https://kinerja.example/t/dinkes/skp" in body
    assert "wrote about" not in body  # feedback is not mailed unless chosen
    indonesian = by_address["sri@example.go.id"]
    assert indonesian["Subject"] == "Kinerja: 1 pemberitahuan"
    assert "Budi mengirim SKP 2026" in indonesian.get_payload()
    with db.unit_of_work(tenants.a) as session:
        service.notify(session, people.staff, "skp_approved", {"year": 2027})
    with app.app_context(), db.unit_of_work(tenants.a) as session:
        rounds.run(session, config(app, port), now + timedelta(hours=2))
    assert len(inbox.messages) == 2  # still the same day: tomorrow's digest will carry it
    with app.app_context(), db.unit_of_work(tenants.a) as session:
        rounds.run(session, config(app, port), now + timedelta(days=1))
    assert len(inbox.messages) == 3 and "2027" in inbox.messages[-1].get_payload()


def test_a_refusing_server_marks_nothing_sent(app, smtp, people, tenants) -> None:
    from kinerja.notifications import rounds

    port, inbox = smtp
    set_email(people, "staff", "budi@example.go.id")
    with db.unit_of_work(tenants.a) as session:
        service.notify(session, people.staff, "skp_approved", {"year": 2026})
    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    with app.app_context(), pytest.raises(OSError), db.unit_of_work(tenants.a) as session:
        rounds.run(session, config(app, closed), now)
    with app.app_context(), db.unit_of_work(tenants.a) as session:
        rounds.run(session, config(app, port), now)
    assert len(inbox.messages) == 1


def test_reminders_go_once_to_those_who_have_not_done_it(app, people, tenants) -> None:
    from kinerja.notifications import rounds

    year = TODAY.year
    plan_staff(tenants, people, year, plan_head_and_boss(tenants, people, year))
    day = date(year, 1, 26)  # a Monday-ish day in the SKP week; the log window too
    now = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
    with app.app_context():
        for _ in range(2):
            with db.unit_of_work(tenants.a) as session:
                rounds.run(session, {**app.config, "SMTP_HOST": "", "DIGEST_HOUR": 0}, now)
    staff = [n.kind for n in mine(tenants, people.staff)]
    peer = [n.kind for n in mine(tenants, people.peer)]
    assert "remind_skp" not in staff  # approved
    assert peer.count("remind_skp") == 1  # no SKP, once however many rounds
    if reminders.log_days_closing(day, log_rules.Policy(), log_rules.holidays()):
        assert peer.count("remind_log") >= 1
    before = datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC)  # 08:00 in Medan
    with app.app_context(), db.unit_of_work(tenants.a) as session:
        assert rounds.run(session, {**app.config, "DIGEST_HOUR": 15}, before) == {
            "notified": 0,
            "mailed": 0,
        }


def test_the_workers_loop_looks_once_a_day_and_again_after_a_failure(
    app, smtp, people, tenants
) -> None:
    from kinerja.notifications import rounds

    port, inbox = smtp
    set_email(people, "staff", "budi@example.go.id")
    with db.unit_of_work(tenants.a) as session:
        service.notify(session, people.staff, "skp_approved", {"year": 2026})
    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=closed, DIGEST_HOUR=0)
    try:
        with app.app_context():
            with pytest.raises(OSError):
                rounds.daily(app, tenants.a, now)  # the server refuses: the day is not done
            app.config["SMTP_PORT"] = port
            assert rounds.daily(app, tenants.a, now)["mailed"] == 1
            with db.unit_of_work(tenants.a) as session:
                service.notify(session, people.staff, "skp_approved", {"year": 2027})
            assert rounds.daily(app, tenants.a, now) == {"notified": 0, "mailed": 0}
            assert rounds.daily(app, tenants.a, now + timedelta(days=1))["mailed"] == 1
    finally:
        app.config.update(SMTP_HOST="", SMTP_PORT=25, DIGEST_HOUR=15)
    assert len(inbox.messages) == 2


@pytest.fixture
def picky_smtp() -> Any:
    """A real SMTP server on loopback that refuses one mailbox (550) and counts every try."""
    from aiosmtpd.controller import Controller

    class Picky:
        refused = {"sri@example.go.id"}

        def __init__(self) -> None:
            self.tried: list[str] = []
            self.delivered: list[tuple[list[str], str]] = []

        async def handle_RCPT(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]
            self.tried.append(address)
            if address in self.refused:
                return "550 5.1.1 Mailbox unavailable"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
            self.delivered.append((list(envelope.rcpt_tos), envelope.content.decode()))
            return "250 OK"

    handler = Picky()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, handler
    controller.stop()


def test_a_refused_address_holds_up_and_repeats_nobody_elses_mail(
    app, picky_smtp, people, tenants
) -> None:
    from kinerja.notifications import rounds
    from kinerja.notifications.models import SentOnce
    from kinerja.people.models import Employee

    port, server = picky_smtp
    set_email(people, "staff", "budi@example.go.id")
    set_email(people, "boss", "sri@example.go.id")  # the server refuses this mailbox
    set_email(people, "peer", "")  # falls back to the employee record's address, below
    set_email(people, "admin", "admin@example.go.id")
    with db.unit_of_work(tenants.a) as session:
        # stored before the address rule: a header injection that must never reach a header
        session.get(
            Employee, (tenants.a, people.peer)
        ).email = "rekan@example.go.id\nBcc: all@example.go.id"
        admin = session.scalar(select(Employee.id).where(Employee.user_id == people.users["admin"]))
        for who in (admin, people.superior, people.staff, people.peer):
            service.notify(session, who, "skp_approved", {"year": 2026}, "skp")
    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    with app.app_context():
        for minute in range(3):  # the workers' loop, minute after minute
            with db.unit_of_work(tenants.a) as session:
                rounds.run(session, config(app, port), now + timedelta(minutes=minute))
    delivered = sorted(to for rcpts, _body in server.delivered for to in rcpts)
    assert delivered == ["admin@example.go.id", "budi@example.go.id"]  # each once
    assert server.tried.count("sri@example.go.id") == 1  # refused once, not every minute
    assert not any("rekan" in address for address in server.tried)  # never offered at all
    told = [n for n in mine(tenants, people.superior) if n.kind == "mail_refused"]
    assert len(told) == 1 and "550 5.1.1 Mailbox unavailable" in told[0].params["reason"]
    assert told[0].params["address"] == "sri@example.go.id"
    assert any(n.kind == "mail_refused" for n in mine(tenants, people.peer))
    # the refused ones' notifications stay unmailed (visible in their state, carried later)
    waiting = [n for n in mine(tenants, people.superior) if n.kind == "skp_approved"]
    assert waiting[0].emailed_at is None
    with app.app_context():
        with db.unit_of_work(tenants.a) as session:  # the next day: not the same bad address
            rounds.run(session, config(app, port), now + timedelta(days=1))
        assert server.tried.count("sri@example.go.id") == 1
        set_email(people, "boss", "sri.baru@example.go.id")  # corrected: tried, and delivered
        with db.unit_of_work(tenants.a) as session:
            rounds.run(session, config(app, port), now + timedelta(days=2))
    assert any(rcpts == ["sri.baru@example.go.id"] for rcpts, _ in server.delivered)
    with db.unit_of_work(tenants.a) as session:
        marks = session.scalars(select(SentOnce.employee_id).where(SentOnce.what == "mail_refused"))
        assert set(marks) == {people.superior, people.peer}


def test_a_plan_in_revision_is_still_in_force_for_the_evaluation_reminder(
    app, people, tenants
) -> None:
    """The reminder to start an evaluation asks `Skp.in_force` (approved, or revised after an
    approval), as starting the evaluation does: a plan in revision is still the year's plan."""
    from kinerja.notifications import rounds
    from kinerja.people import employees
    from kinerja.performance import flow, years
    from kinerja.performance import skp as skps
    from kinerja.permissions import Principal

    year = TODAY.year
    plan_staff(tenants, people, year, plan_head_and_boss(tenants, people, year))
    with db.unit_of_work(tenants.a) as session:
        staff = employees.get_employee(session, people.staff)
        owner = Principal(
            user_id=staff.user_id,
            tenant_id=tenants.a,
            roles=frozenset({"pegawai"}),
            employee_id=staff.id,
        )
        found = skps.of_employee(session, staff.id, year)
        assert found is not None
        flow.act(session, owner, found, "revise", "Target berubah")
        assert found.status == "draft" and found.in_force
        due = years.periods_of(session, year)[0].ends + timedelta(days=1)
    now = datetime(due.year, due.month, due.day, 9, 0, tzinfo=UTC)
    with app.app_context(), db.unit_of_work(tenants.a) as session:
        rounds.run(session, {**app.config, "SMTP_HOST": "", "DIGEST_HOUR": 0}, now)
    assert "remind_evaluation" in [n.kind for n in mine(tenants, people.staff)]
    assert "remind_evaluation" not in [n.kind for n in mine(tenants, people.peer)]  # no plan
