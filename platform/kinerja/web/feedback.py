"""Feedback pages: the threads a person takes part in (or oversees), one thread with its
messages and read receipts, and starting one about the SKP, a result, an indicator or an entry."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, request, url_for

from kinerja.db import db
from kinerja.exceptions import ServiceError
from kinerja.identity.principal import current
from kinerja.people import employees
from kinerja.performance import feedback
from kinerja.web.forms import form_page, whole_number
from kinerja.web.paging import paged, paged_list

bp = Blueprint("feedback", __name__, url_prefix="/t/<tenant>/feedback")


def _listing(problem: Any) -> Any:
    """The threads, a page at a time with their total."""
    query = feedback.visible_query(db.session, current())
    found = paged(query, keep={}) if query is not None else paged_list([], keep={})
    threads = found.rows
    names = employees.names(
        db.session, {t.employee_id for t in threads} | {t.superior_id for t in threads}
    )
    return form_page("feedback.html", problem, threads=threads, names=names, paged=found)


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
        may_write=feedback.may_write(principal, found),
    )
