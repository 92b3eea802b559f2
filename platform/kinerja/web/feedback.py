"""Feedback pages: the threads a person takes part in (or oversees), one thread with its
messages and read receipts, and starting one about the SKP, a result, an indicator, an entry or
an evaluation: each of those pages lists the threads about it and offers "Give feedback"
(`feedback_here`, a template global, so the pages' views need not know about feedback)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, request, url_for

from kinerja.db import db
from kinerja.exceptions import ServiceError
from kinerja.i18n import _
from kinerja.identity.principal import current
from kinerja.people import employees
from kinerja.performance import feedback
from kinerja.presentation import labels
from kinerja.web.forms import form_page, whole_number
from kinerja.web.paging import paged, paged_list

bp = Blueprint("feedback", __name__, url_prefix="/t/<tenant>/feedback")
SUBJECT_WORDS = {
    "skp": _("the SKP"),
    "rhk": _("a result (RHK)"),
    "iki": _("an indicator (IKI)"),
    "entry": _("a daily entry"),
    "evaluation": _("an evaluation"),
}
labels.register("feedback.subject", SUBJECT_WORDS)


@bp.app_template_global()
def feedback_here(subject: str, subject_id: int, owner_id: int) -> dict[str, Any]:
    """For a page about `owner_id`'s work: the threads the reader may see about this record,
    and whether they may start one (the employee and their rater). The employee's threads and
    rater are read once per request, however many results and indicators the page lists."""
    principal = current()
    # Kept with the request itself (a test's app context, and so `g`, outlives one request).
    known: dict[int, Any] = request.environ.setdefault("kinerja.feedback_here", {})
    if owner_id not in known:
        threads: dict[tuple[str, int], list[Any]] = {}
        for thread in reversed(feedback.visible(db.session, principal, employee_id=owner_id)):
            threads.setdefault((thread.subject, thread.subject_id), []).append(thread)
        rater = feedback.rater_id(db.session, owner_id)
        known[owner_id] = (threads, feedback.may_start(principal, owner_id, rater))
    threads, may_start = known[owner_id]
    return {"threads": threads.get((subject, subject_id), []), "may_start": may_start}


SUBJECT_PAGES = {  # the page of each kind of subject, and the name of its id
    "entry": ("log.show", "entry_id"),
    "skp": ("skp.show", "skp_id"),
    "evaluation": ("evaluation.show", "evaluation_id"),
}


def _subjects(threads: list[Any]) -> dict[int, tuple[str, str | None]]:
    """(what the thread is about, the link to it or None) by thread id."""
    shown: dict[int, tuple[str, str | None]] = {}
    for thread_id, subject in feedback.subjects(db.session, current(), threads).items():
        link = None
        if subject.record_id is not None and subject.kind in SUBJECT_PAGES:
            endpoint, name = SUBJECT_PAGES[subject.kind]
            values: dict[str, Any] = {name: subject.record_id}
            link = url_for(endpoint, **values)
        shown[thread_id] = (subject.label, link)
    return shown


@bp.get("/new")
def new() -> Any:
    """The "Give feedback" link's page: what the thread will be about, and its first message."""
    subject = request.args.get("subject", "")
    subject_id = whole_number(request.args.get("subject_id")) or 0
    owner = feedback.subject_owner(db.session, current(), subject, subject_id)
    return form_page(
        "feedback_new.html",
        None,
        subject=subject,
        subject_id=subject_id,
        owner_id=owner,
        owner=employees.names(db.session, {owner}).get(owner, ""),
        about=SUBJECT_WORDS[subject],
    )


def _listing(problem: Any) -> Any:
    """The threads, a page at a time with their total."""
    query = feedback.visible_query(db.session, current())
    found = paged(query, keep={}) if query is not None else paged_list([], keep={})
    threads = found.rows
    names = employees.names(
        db.session, {t.employee_id for t in threads} | {t.superior_id for t in threads}
    )
    return form_page(
        "feedback.html",
        problem,
        threads=threads,
        names=names,
        paged=found,
        subjects=_subjects(threads),
    )


@bp.get("")
def index() -> Any:
    return _listing(None)


@bp.post("")
def start() -> Any:
    try:
        thread = feedback.start(
            db.session,
            current(),
            request.form.get("subject", ""),
            whole_number(request.form.get("subject_id")) or 0,
            request.form.get("body", ""),
        )
    except ServiceError as problem:
        db.session.rollback()
        return _listing(problem)
    db.session.commit()
    return redirect(url_for("feedback.thread", thread_id=thread.id), code=303)


@bp.route("/<int:thread_id>", methods=["GET", "POST"])
def thread(thread_id: int) -> Any:
    principal = current()
    found = feedback.get(db.session, principal, thread_id)
    problem = None
    if request.method == "POST":
        try:
            feedback.post(db.session, principal, found, request.form.get("body", ""))
        except ServiceError as error:
            db.session.rollback()
            problem = error
            found = feedback.get(db.session, principal, thread_id)
        else:
            db.session.commit()
            return redirect(url_for("feedback.thread", thread_id=thread_id), code=303)
    feedback.mark_read(db.session, principal, found)
    db.session.commit()
    return form_page(
        "feedback_thread.html",
        problem,
        thread=found,
        messages=feedback.messages(db.session, found),
        receipts=feedback.receipts(db.session, found),
        names=employees.names(db.session, {found.employee_id, found.superior_id}),
        subject=_subjects([found])[found.id],
        may_write=feedback.may_write(principal, found),
    )
