"""Continuous feedback: either side starts a thread about the SKP, an RHK, an IKI, a daily entry
or an evaluation; only the employee, their superior, the superior's superior (the Atasan Pejabat
Penilai) and the admin OPD see it; read receipts per participant. Whose work a subject is, and
whether the reader may see it at all, goes by the rules of that person's records
(`perm.sees_person`): a subject someone cannot see is not there for them (404)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from kinerja import audit, clock, events
from kinerja import permissions as perm
from kinerja.db.load import load_or_404
from kinerja.db.scoping import current_tenant_id
from kinerja.exceptions import Forbidden, Invalid, NotFound
from kinerja.i18n import _
from kinerja.people.models import Employee
from kinerja.performance import skp as skps
from kinerja.performance.evaluation.models import Evaluation
from kinerja.performance.feedback_models import FeedbackMessage, FeedbackRead, FeedbackThread
from kinerja.performance.log.models import WorkEntry
from kinerja.performance.models import Iki, Rhk, Skp
from kinerja.presentation import formats
from kinerja.schema import InputSchema, Text

SUBJECTS = ("skp", "rhk", "iki", "entry", "evaluation")
MAX_BODY = 4000


def _employee(session: Session, employee_id: int | None) -> Employee | None:
    if employee_id is None:
        return None
    return session.scalar(select(Employee).where(Employee.id == employee_id))


def reviewer_of(session: Session, thread: FeedbackThread) -> int | None:
    superior = _employee(session, thread.superior_id)
    if superior is None:
        return None
    above = skps.chain(session, superior).rater
    return above.id if above is not None else None


def may_see(session: Session, principal: perm.Principal, thread: FeedbackThread) -> bool:
    if not perm.may_be_inside(principal) or perm.is_visiting_city_admin(principal):
        return False  # the two of them, the Atasan Pejabat Penilai and the admin OPD only
    if perm.is_agency_admin(principal):
        return True
    me = principal.employee_id
    if me is None:
        return False
    # The participants first: the reviewer is looked up (a walk up the hierarchy) only if needed.
    return me in (thread.employee_id, thread.superior_id) or me == reviewer_of(session, thread)


def may_write(principal: perm.Principal, thread: FeedbackThread) -> bool:
    return perm.is_member(principal) and principal.employee_id in (
        thread.employee_id,
        thread.superior_id,
    )


def get(session: Session, principal: perm.Principal, thread_id: int) -> FeedbackThread:
    thread = load_or_404(session, FeedbackThread, thread_id)
    if not may_see(session, principal, thread):
        raise NotFound()
    return thread


def _subject_owner(session: Session, subject: str, subject_id: int) -> int | None:
    """Whose work the subject is (the employee id), or None when it is not in this agency."""
    if subject == "skp":
        query: Select[Any] = select(Skp.employee_id).where(Skp.id == subject_id)
    elif subject == "rhk":
        query = select(Skp.employee_id).join(Rhk, Rhk.skp_id == Skp.id).where(Rhk.id == subject_id)
    elif subject == "iki":
        query = (
            select(Skp.employee_id)
            .join(Rhk, Rhk.skp_id == Skp.id)
            .join(Iki, Iki.rhk_id == Rhk.id)
            .where(Iki.id == subject_id)
        )
    elif subject == "evaluation":
        query = select(Evaluation.employee_id).where(Evaluation.id == subject_id)
    else:
        query = select(WorkEntry.employee_id).where(WorkEntry.id == subject_id)
    owner: int | None = session.scalar(query)
    return owner


def subject_owner(
    session: Session, principal: perm.Principal, subject: str, subject_id: int
) -> int:
    """Whose work `subject` is, if `principal` may see that person's records; else 404."""
    owner = _subject_owner(session, subject, subject_id) if subject in SUBJECTS else None
    if owner is None or not _sees_subject(session, principal, subject, subject_id, owner):
        raise NotFound()
    return owner


def _sees_subject(
    session: Session, principal: perm.Principal, subject: str, subject_id: int, owner: int
) -> bool:
    """Whether the reader sees the record itself: the owner's records, and for an entry its
    own rule too (a draft is its owner's alone until sent)."""
    if not perm.sees_person(principal, owner):
        return False
    if subject != "entry":
        return True
    from kinerja.performance.log.service import resource as entry_resource

    entry = session.scalar(select(WorkEntry).where(WorkEntry.id == subject_id))
    return entry is not None and perm.can(principal, perm.VIEW, entry_resource(entry))


def rater_id(session: Session, employee_id: int) -> int | None:
    """The employee's rater: the one a thread about their work is with."""
    employee = _employee(session, employee_id)
    rater = skps.chain(session, employee).rater if employee is not None else None
    return rater.id if rater is not None else None


def may_start(principal: perm.Principal, employee_id: int, rater: int | None) -> bool:
    """The employee (with their rater) or the rater (with the employee) starts a thread."""
    return (
        perm.is_member(principal)
        and rater is not None
        and principal.employee_id in (employee_id, rater)
    )


def start(
    session: Session, principal: perm.Principal, subject: str, subject_id: int, body: str
) -> FeedbackThread:
    """A thread about `subject` between the employee whose work it is and their rater."""
    if subject not in SUBJECTS:
        raise Invalid(
            "subject",
            _("Choose the SKP, a result, an indicator, a daily entry or an evaluation."),
        )
    owner = _subject_owner(session, subject, subject_id)
    employee = _employee(session, owner)
    if employee is None or not _sees_subject(session, principal, subject, subject_id, employee.id):
        raise NotFound()  # someone else's work (or a draft): not there for this person
    rater = rater_id(session, employee.id)
    if rater is None or not may_start(principal, employee.id, rater):
        raise Forbidden(_("Only the employee and their superior start a conversation."))
    text = _body(body)
    thread = FeedbackThread(
        employee_id=employee.id,
        superior_id=rater,
        subject=subject,
        subject_id=subject_id,
        title=text[:120],
    )
    session.add(thread)
    session.flush()
    post(session, principal, thread, text)
    audit.record(
        session,
        "feedback.start",
        "feedback_thread",
        thread.id,
        changes={"subject": [None, f"{subject} {subject_id}"]},
        subject_employee_id=employee.id,
    )
    return thread


class MessageInput(InputSchema):
    """A message's text, as the service reads it from either edge."""

    body = Text(MAX_BODY, required=True, error_messages={"required": _("Write a message.")})


def _body(body: Any) -> str:
    text: str = MessageInput().read({"body": body})["body"]
    return text


def post(
    session: Session, principal: perm.Principal, thread: FeedbackThread, body: str
) -> FeedbackMessage:
    if not may_write(principal, thread):
        raise Forbidden(_("Only the employee and their superior write in this thread."))
    message = FeedbackMessage(
        thread_id=thread.id, author_id=principal.employee_id or 0, body=_body(body)
    )
    session.add(message)
    session.flush()
    mark_read(session, principal, thread)
    events.feedback_posted.send(session, thread=thread, message=message)
    return message


def messages(session: Session, thread: FeedbackThread) -> list[FeedbackMessage]:
    return list(
        session.scalars(
            select(FeedbackMessage)
            .where(FeedbackMessage.thread_id == thread.id)
            .order_by(FeedbackMessage.id)
        )
    )


def mark_read(session: Session, principal: perm.Principal, thread: FeedbackThread) -> None:
    """A participant who opens the thread has read it up to its last message."""
    me = principal.employee_id
    if me not in (thread.employee_id, thread.superior_id):
        return  # the reviewer and the admin read without leaving a receipt
    last = session.scalar(
        select(func.max(FeedbackMessage.id)).where(FeedbackMessage.thread_id == thread.id)
    )
    if last is None:
        return
    # One statement, not read-then-insert: the thread opened in several tabs at once makes
    # the receipt once (a second insert was a unique violation, a 500) and never moves it back.
    found = insert(FeedbackRead).values(
        tenant_id=current_tenant_id(session), thread_id=thread.id, employee_id=me, last_read=last
    )
    session.execute(
        found.on_conflict_do_update(
            index_elements=["tenant_id", "thread_id", "employee_id"],
            set_={"last_read": last, "read_at": datetime.now(UTC)},
            where=FeedbackRead.last_read < last,
        )
    )


def receipts(session: Session, thread: FeedbackThread) -> dict[int, int]:
    """employee id -> the last message id they read."""
    rows = session.execute(
        select(FeedbackRead.employee_id, FeedbackRead.last_read).where(
            FeedbackRead.thread_id == thread.id
        )
    )
    return {employee_id: last for employee_id, last in rows}


def visible(
    session: Session,
    principal: perm.Principal,
    subject: tuple[str, Sequence[int]] | None = None,
    employee_id: int | None = None,
) -> list[FeedbackThread]:
    """The threads `principal` may see (`may_see` as SQL: the two of them, and the Atasan
    Pejabat Penilai, the rater of the thread's superior), newest first; with `subject`, only
    those about these records of that kind; with `employee_id`, only those about that
    employee's work."""
    query = visible_query(session, principal, subject, employee_id)
    return [] if query is None else list(session.scalars(query))


def visible_query(
    session: Session,
    principal: perm.Principal,
    subject: tuple[str, Sequence[int]] | None = None,
    employee_id: int | None = None,
) -> Select[FeedbackThread] | None:
    """`visible` as a query, newest first, to page through (None: nothing to see here)."""
    if not perm.may_be_inside(principal) or perm.is_visiting_city_admin(principal):
        return None
    query = select(FeedbackThread).order_by(FeedbackThread.id.desc())
    if subject is not None:
        query = query.where(
            FeedbackThread.subject == subject[0],
            FeedbackThread.subject_id.in_(list(subject[1]) or [-1]),
        )
    if employee_id is not None:
        query = query.where(FeedbackThread.employee_id == employee_id)
    if not perm.is_agency_admin(principal):
        me = principal.employee_id or -1
        reviewed = skps.rated_by(session, principal.employee_id)
        query = query.where(
            (FeedbackThread.employee_id == me)
            | (FeedbackThread.superior_id == me)
            | FeedbackThread.superior_id.in_(reviewed or {-1})
        )
    return query


def about(
    session: Session, principal: perm.Principal, subject: str, subject_ids: Sequence[int]
) -> dict[int, list[FeedbackThread]]:
    """The threads `principal` may see about each of `subject_ids` (one query for a page that
    lists many results or indicators), oldest first."""
    found: dict[int, list[FeedbackThread]] = {i: [] for i in subject_ids}
    if not subject_ids:
        return found
    for thread in visible(session, principal, (subject, subject_ids)):
        found[thread.subject_id].append(thread)
    for threads in found.values():
        threads.reverse()
    return found


@dataclass(frozen=True)
class Subject:
    """What a thread is about, in the reader's words, and where it is: `kind` and `record_id`
    name the page (an SKP's page for its results and indicators); `record_id` is None when the
    reader may not open it (a draft entry, for the superior) or it is gone."""

    label: str
    kind: str
    record_id: int | None


def _clip(text: str, size: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def subjects(
    session: Session, principal: perm.Principal, threads: Sequence[FeedbackThread]
) -> dict[int, Subject]:
    """What each thread is about (by thread id), one query per kind of subject however many
    threads a page lists; the link only where the reader may open the record."""
    from kinerja.performance.log.service import resource as entry_resource

    wanted: dict[str, set[int]] = {}
    for thread in threads:
        wanted.setdefault(thread.subject, set()).add(thread.subject_id)
    found: dict[tuple[str, int], Subject] = {}
    for entry in session.scalars(
        select(WorkEntry).where(WorkEntry.id.in_(wanted.get("entry", set()) or {-1}))
    ):
        label = _(
            "Daily entry %(day)s: %(what)s",
            day=formats.date_short(entry.entry_date),
            what=_clip(entry.activity),
        )
        seen = perm.can(principal, perm.VIEW, entry_resource(entry))
        found[("entry", entry.id)] = Subject(str(label), "entry", entry.id if seen else None)
    for skp in session.scalars(select(Skp).where(Skp.id.in_(wanted.get("skp", set()) or {-1}))):
        seen = perm.sees_person(principal, skp.employee_id)
        found[("skp", skp.id)] = Subject(
            str(_("SKP %(year)s", year=skp.year)), "skp", skp.id if seen else None
        )
    rows = session.execute(
        select(Rhk.id, Rhk.text, Skp.id, Skp.employee_id)
        .join(Skp, Skp.id == Rhk.skp_id)
        .where(Rhk.id.in_(wanted.get("rhk", set()) or {-1}))
    )
    for rhk_id, text, skp_id, owner in rows:
        seen = perm.sees_person(principal, owner)
        found[("rhk", rhk_id)] = Subject(
            str(_("RHK: %(text)s", text=_clip(text))), "skp", skp_id if seen else None
        )
    rows = session.execute(
        select(Iki.id, Iki.text, Skp.id, Skp.employee_id)
        .join(Rhk, Rhk.id == Iki.rhk_id)
        .join(Skp, Skp.id == Rhk.skp_id)
        .where(Iki.id.in_(wanted.get("iki", set()) or {-1}))
    )
    for iki_id, text, skp_id, owner in rows:
        seen = perm.sees_person(principal, owner)
        found[("iki", iki_id)] = Subject(
            str(_("IKI: %(text)s", text=_clip(text))), "skp", skp_id if seen else None
        )
    for evaluation in session.scalars(
        select(Evaluation).where(Evaluation.id.in_(wanted.get("evaluation", set()) or {-1}))
    ):
        if evaluation.period:
            label = _("Evaluation period %(n)s %(year)s", n=evaluation.period, year=evaluation.year)
        else:
            label = _("Evaluation of the year %(year)s", year=evaluation.year)
        seen = perm.sees_person(principal, evaluation.employee_id)
        found[("evaluation", evaluation.id)] = Subject(
            str(label), "evaluation", evaluation.id if seen else None
        )
    gone = Subject(str(_("A record no longer there")), "", None)
    return {t.id: found.get((t.subject, t.subject_id), gone) for t in threads}


def during(session: Session, employee_id: int, starts: date, ends: date) -> list[FeedbackMessage]:
    """Feedback given about an employee's work in a period: shown when rating."""
    return list(
        session.scalars(
            select(FeedbackMessage)
            .join(FeedbackThread, FeedbackThread.id == FeedbackMessage.thread_id)
            .where(
                FeedbackThread.employee_id == employee_id,
                # Medan's days, not the database server's (and the index on the column serves)
                FeedbackMessage.created_at >= clock.day_start(starts),
                FeedbackMessage.created_at < clock.day_end(ends),
            )
            .order_by(FeedbackMessage.id)
            .limit(100)
        )
    )
