"""Notification pages: the list (mark one or all read, follow the link), each kind's e-mail
choice, and the bell's count in the header."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, redirect, request, url_for

from kinerja import permissions as perm
from kinerja.db import db
from kinerja.i18n import _
from kinerja.identity.principal import current
from kinerja.notifications import folding, service
from kinerja.notifications.kinds import KINDS
from kinerja.presentation import labels
from kinerja.web.forms import form_page
from kinerja.web.paging import paged

bp = Blueprint("notifications", __name__, url_prefix="/t/<tenant>/notifications")


def _me() -> int:
    principal = current()
    if not perm.is_member(principal) or principal.employee_id is None:
        abort(404)  # notifications are an employee's: the visiting city admin has none here
    return principal.employee_id


def bell() -> int:
    """Unread notifications of the signed-in employee in this agency (0 elsewhere)."""
    principal = g.get("principal")
    if g.get("tenant") is None or principal is None or principal.employee_id is None:
        return 0
    if not perm.is_member(principal):
        return 0
    environ = request.environ  # once per request (`g` can outlive one)
    if "kinerja.bell" not in environ:
        environ["kinerja.bell"] = service.unread(db.session, principal.employee_id)
    return int(environ["kinerja.bell"])


@bp.get("")
def index() -> Any:
    me = _me()
    found = paged(service.listing(me), keep={})
    return form_page(
        "notifications.html",
        None,
        paged=found,
        unread=service.unread(db.session, me),
        # The same subject told several times on this page is one line (with how many times).
        notices=folding.fold(found.rows, service.text),
        choices=service.choices(db.session, me),
        kinds=KINDS,
        labels=CHOICE_LABELS,
    )


@bp.post("/read")
def read() -> Any:
    """Mark one read (and follow its link) or all read."""
    me = _me()
    chosen = folding.ids_of(request.form.getlist("id"))  # a folded line sends each of its ids
    one = chosen[0] if chosen else None
    service.mark_read(db.session, me, chosen or None)
    db.session.commit()
    link = request.form.get("link", "")
    if one and link and not link.startswith(("/", "\\")) and "//" not in link and ":" not in link:
        return redirect(f"/t/{g.tenant.slug}/{link}", code=303)
    return redirect(url_for("notifications.index"), code=303)


@bp.post("/choices")
def save_choices() -> Any:
    me = _me()
    service.set_choices(db.session, me, {k: request.form.get(f"email-{k}") == "1" for k in KINDS})
    db.session.commit()
    return redirect(url_for("notifications.index", saved=1), code=303)


CHOICE_LABELS = {
    "skp_waiting": _("An SKP waits for my approval"),
    "skp_approved": _("My SKP was approved"),
    "skp_rejected": _("My SKP was returned"),
    "entries_waiting": _("My team's daily work waits for verification (once a day)"),
    "entry_rejected": _("My daily work was rejected"),
    "feedback": _("A feedback message"),
    "evaluation_to_rate": _("An evaluation waits for my rating"),
    "evaluation_to_review": _("A rating waits for my review"),
    "evaluation_returned": _("A rating I gave was returned"),
    "evaluation_approved": _("My evaluation was approved"),
    "assessment_task": _("Colleagues wait for my competency rating"),
    "mail_refused": _("My e-mail address was refused"),
    "remind_log": _("Reminder: daily work about to close"),
    "remind_skp": _("Reminder: my SKP is not submitted"),
    "remind_evaluation": _("Reminder: an evaluation is due"),
}
labels.register("notification.choice", CHOICE_LABELS)
