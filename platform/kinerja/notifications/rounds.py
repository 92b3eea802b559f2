"""One round of notifications in one agency, run by the workers' maintenance loop: from the
day's digest hour (the city's time, `kinerja.clock`) the team digests and reminders due today
are created, then each person's e-mail digest goes out. Everything is claimed once
(`service.once`), so however many workers and restarts, nothing is sent twice and nothing is
forgotten."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kinerja import clock
from kinerja.db.scoping import current_tenant_id
from kinerja.identity.models import User
from kinerja.notifications import mail, reminders
from kinerja.notifications.kinds import KINDS
from kinerja.notifications.models import Notification, SentOnce
from kinerja.notifications.service import choices, notify, once, text
from kinerja.people.models import Employee
from kinerja.performance import skp as skps
from kinerja.performance import years
from kinerja.performance.evaluation.models import Evaluation
from kinerja.performance.log import rules as log_rules
from kinerja.performance.log import service as log_service
from kinerja.performance.log.models import WorkEntry
from kinerja.performance.models import Skp
from kinerja.tenancy.models import Tenant

log = logging.getLogger(__name__)
DRAFTS = ("draft", "rejected")
REFUSED = "mail_refused"  # a person's address the server refused for good (key: its hash)


def local_today(now: datetime) -> date:
    return clock.day_of(now)


def due(now: datetime, hour: int) -> bool:
    return clock.local(now).hour >= hour


DONE = "kinerja:notifications:done:{tenant}:{day}"  # the agency's round of the day is over


def daily(app: Any, tenant_id: int, now: datetime | None = None) -> dict[str, int]:
    """The round for one agency at most once a day: the workers' loop comes every minute, and
    the reminders and digests of the day need looking for only once (each is claimed once in
    `sent_once` anyway). The day is marked done only after the round committed, so a refusing
    SMTP server or a failure means the next minute tries again."""
    from kinerja import redis
    from kinerja.db import db

    now = now or datetime.now(UTC)
    if not due(now, app.config["DIGEST_HOUR"]):
        return {"notified": 0, "mailed": 0}
    key = DONE.format(tenant=tenant_id, day=local_today(now).isoformat())
    client = redis.client(app)
    if client.exists(key):
        return {"notified": 0, "mailed": 0}
    with db.unit_of_work(tenant_id) as session:
        done = run(session, app.config, now)
    client.set(key, "1", ex=2 * 24 * 3600)
    return done


def run(session: Session, config: Any, now: datetime | None = None) -> dict[str, int]:
    """The round for the session's agency; counts of what it did."""
    now = now or datetime.now(UTC)
    done = {"notified": 0, "mailed": 0}
    if not due(now, config["DIGEST_HOUR"]):
        return done
    today = local_today(now)
    people = list(
        session.scalars(select(Employee).where(Employee.active, Employee.user_id.is_not(None)))
    )
    done["notified"] += _team_digests(session, today)
    done["notified"] += _log_reminders(session, today, people)
    done["notified"] += _skp_reminders(session, today, people)
    done["notified"] += _evaluation_reminders(session, today, people)
    if mail.configured(config):
        done["mailed"] += _digests(session, config, now, today)
    return done


def _team_digests(session: Session, today: date) -> int:
    """Once a day, each Pejabat Penilai hears how many entries of their team wait for them
    (the nearest active superior: a vacant post's entries go to the next one up)."""
    by_employee = session.execute(
        select(WorkEntry.employee_id, func.count())
        .where(WorkEntry.status == log_rules.SUBMITTED)
        .group_by(WorkEntry.employee_id)
    )
    waiting: dict[int, int] = {}
    rows = by_employee.all()
    if rows:  # the agency's people in the session once: each chain below costs no query
        session.scalars(select(Employee)).all()
    for employee_id, count in rows:
        rater = skps.rater_of(session, employee_id)
        if rater is not None:
            waiting[rater] = waiting.get(rater, 0) + count
    made = 0
    for superior, count in waiting.items():
        if once(session, superior, "entries_waiting", today.isoformat()):
            # Keyed: yesterday's line, still unread, says today's count instead of a second
            # line about the same team beside it.
            notify(session, superior, "entries_waiting", {"count": count}, "log/team", key="team")
            made += 1
    return made


def _log_reminders(session: Session, today: date, people: list[Employee]) -> int:
    closing = reminders.log_days_closing(today, log_service.policy(session), log_rules.holidays())
    if not closing or not people:
        return 0
    sent = {
        (employee_id, day)
        for employee_id, day in session.execute(
            select(WorkEntry.employee_id, WorkEntry.entry_date).where(
                WorkEntry.entry_date.in_(closing), WorkEntry.status != log_rules.DRAFT
            )
        )
    }
    made = 0
    for person in people:
        for day in closing:
            if (person.id, day) in sent or not once(
                session, person.id, "remind_log", day.isoformat()
            ):
                continue
            params = {"date": day, "deadline": today}
            notify(session, person.id, "remind_log", params, "log")
            made += 1
    return made


def _skp_reminders(session: Session, today: date, people: list[Employee]) -> int:
    year = today.year
    starts = years.info(session, year).starts
    if not reminders.skp_reminder_due(today, starts):
        return 0
    status = {
        employee_id: state
        for employee_id, state in session.execute(
            select(Skp.employee_id, Skp.status).where(Skp.year == year)
        )
    }
    due_day = reminders.skp_due(starts)
    made = 0
    for person in people:
        if status.get(person.id, "draft") in DRAFTS and once(
            session, person.id, "remind_skp", str(year)
        ):
            notify(session, person.id, "remind_skp", {"year": year, "due": due_day}, "skp")
            made += 1
    return made


def _evaluation_reminders(session: Session, today: date, people: list[Employee]) -> int:
    made = 0
    for period in reminders.periods_due(today, years.periods_of(session, today.year)):
        planned = set(
            session.scalars(select(Skp.employee_id).where(Skp.year == today.year, Skp.in_force))
        )
        started = set(
            session.scalars(
                select(Evaluation.employee_id).where(
                    Evaluation.year == today.year,
                    Evaluation.period == period.number,
                    Evaluation.status != "draft",
                )
            )
        )
        label = f"{today.year}/{period.number}"
        for person in people:
            waiting = person.id in planned and person.id not in started
            if waiting and once(session, person.id, "remind_evaluation", label):
                notify(session, person.id, "remind_evaluation", {"period": label}, "evaluations")
                made += 1
    return made


def _digests(session: Session, config: Any, now: datetime, today: date) -> int:
    """One e-mail per person per day at most: what is unread, not yet mailed, of the kinds they
    want by e-mail, in their language.

    Each person's mail is its own step, committed when the server accepted it: one refused
    address neither stops the round nor makes the people before it get the same digest again.
    A refusal is told to the person (in-app, with the server's reason); a permanent one (5xx, or
    an address that cannot be one) is not tried again until the address changes. Only the
    server failing as a whole raises: that person's claim is rolled back, those already sent
    stay sent, and the next round carries on from there."""
    pending = session.scalars(
        select(Notification)
        .where(Notification.read_at.is_(None), Notification.emailed_at.is_(None))
        .order_by(Notification.employee_id, Notification.created_at)
    )
    by_person: dict[int, list[int]] = defaultdict(list)
    for item in pending:
        by_person[item.employee_id].append(item.id)
    session.commit()  # the round's reminders are kept whatever the mail server says
    if not by_person:
        return 0
    mailed = 0
    with mail.Outbox(config) as outbox:
        for employee_id, ids in by_person.items():
            try:
                mailed += _digest(session, config, outbox, employee_id, ids, now, today)
            except BaseException:
                session.rollback()  # the claim goes with it: this person is tried again
                raise
            session.commit()
    return mailed


def _digest(
    session: Session,
    config: Any,
    outbox: mail.Outbox,
    employee_id: int,
    ids: list[int],
    now: datetime,
    today: date,
) -> int:
    """The digest of one person, if due: 1 when the server accepted it."""
    wanted = choices(session, employee_id)
    items = [
        i
        for i in session.scalars(
            select(Notification).where(Notification.id.in_(ids)).order_by(Notification.created_at)
        )
        if wanted.get(i.kind, KINDS[i.kind].email)
    ]
    user = session.scalar(
        select(User).join(Employee, Employee.user_id == User.id).where(Employee.id == employee_id)
    )
    address = (user.email if user else None) or session.scalar(
        select(Employee.email).where(Employee.id == employee_id)
    )
    if not items or not address or refused_before(session, employee_id, address):
        return 0
    if not once(session, employee_id, "digest", today.isoformat()):
        return 0  # held until the commit: another worker waits here, then skips
    tenant = session.get(Tenant, current_tenant_id(session))
    base = (config.get("BASE_URL") or "").rstrip("/")
    with force_locale(user.language if user and user.language else config["BABEL_DEFAULT_LOCALE"]):
        subject = ngettext(
            "Kinerja: %(num)s notification", "Kinerja: %(num)s notifications", len(items)
        )
        lines = [gettext("Hello %(name)s,", name=user.display_name if user else "")]
        for item in items:
            where = f"{base}/t/{tenant.slug}/{item.link}" if tenant and item.link else ""
            lines.append(f"- {text(item)}" + (f"\n  {where}" if where else ""))
        lines.append(gettext("Choose what reaches you by e-mail on the notifications page."))
    refusal = outbox.send(address, subject, "\n".join(lines))
    if refusal is not None:
        _record_refusal(session, employee_id, address, refusal)
        return 0
    for item in items:
        item.emailed_at = now
    return 1


def _refusal_key(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()[:64]


def refused_before(session: Session, employee_id: int, address: str) -> bool:
    """Whether this very address of the person was refused for good (5xx or impossible)."""
    return (
        session.scalar(
            select(SentOnce.key).where(
                SentOnce.employee_id == employee_id,
                SentOnce.what == REFUSED,
                SentOnce.key == _refusal_key(address),
            )
        )
        is not None
    )


def _record_refusal(
    session: Session, employee_id: int, address: str, refusal: mail.Refusal
) -> None:
    """The person hears of it in-app (where to fix it, and the server's reason); the digest's
    notifications stay unmailed, so tomorrow's digest carries them to a corrected address."""
    log.warning("mail to employee %s refused: %s", employee_id, refusal.reason)
    params = {"address": address, "reason": refusal.reason}
    notify(session, employee_id, "mail_refused", params, f"employees/{employee_id}", key=REFUSED)
    if refusal.permanent:
        once(session, employee_id, REFUSED, _refusal_key(address))
