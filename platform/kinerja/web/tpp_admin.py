"""The agency's TPP months as its admin OPD reviews them: the list of months, a month's lines
(searchable), computing it (a job), an employee's correction with its reason, closing it, and
the city admin's lock. The rules and every state change are `kinerja.tpp`'s; these views read
the form, call the service and show what it answered (a refused change is its message, 409 or
422, never a 500)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select

from kinerja import clock, jobs, numbers
from kinerja import permissions as perm
from kinerja.db import db
from kinerja.exceptions import InvalidFields, ServiceError
from kinerja.identity.principal import current, require
from kinerja.jobs.models import FAILED, SUCCEEDED, BackgroundJob
from kinerja.people.models import Employee
from kinerja.presentation import formats
from kinerja.presentation.labels import labels
from kinerja.tpp import attendance, service
from kinerja.tpp import compute as computing
from kinerja.tpp import jobs as tpp_jobs
from kinerja.tpp.models import CLOSED, LOCKED, OPEN
from kinerja.tpp.permissions import TPP_LINE, TPP_MONTH
from kinerja.web.admin import confirmed
from kinerja.web.paging import paged

bp = Blueprint("tpp_admin", __name__, url_prefix="/t/<tenant>/tpp/agency")
MAX_SEARCH = 100
NEW_EVENTS = 3  # empty rows of the correction form


def require_view() -> perm.Principal:
    return require(perm.VIEW, perm.Resource(TPP_MONTH, g.tenant.id))


def require_manage() -> perm.Principal:
    return require(perm.MANAGE, perm.Resource(TPP_MONTH, g.tenant.id))


def _month_or_404(year: int, month: int) -> tuple[int, int]:
    """A month that has begun, else 404 (a hand-typed address, not a form's mistake)."""
    try:
        return service.check_month(year, month)
    except ServiceError:
        abort(404)


@bp.get("/months")
def months_page() -> Any:
    principal = require_view()
    found = paged(service.months(db.session))
    return render_template(
        "tpp_months.html",
        paged=found,
        this_month=clock.this_month(),
        month_start=lambda m: date(m.year, m.month, 1),
        manages=perm.can(principal, perm.MANAGE, perm.Resource(TPP_MONTH, g.tenant.id)),
    )


def _pending_compute(year: int, month: int) -> BackgroundJob | None:
    """The month's compute job still waiting or running, if any (the page says so)."""
    return db.session.scalar(
        select(BackgroundJob)
        .where(
            BackgroundJob.name == jobs.dotted_name(tpp_jobs.compute),
            BackgroundJob.args == [year, month],
            BackgroundJob.status.not_in((SUCCEEDED, FAILED)),
        )
        .limit(1)
    )


def _render_month(year: int, month: int, error: Any = None, status: int = 200) -> tuple[str, int]:
    principal = current()
    found = service.month_of(db.session, year, month)
    search = request.args.get("q", "").strip()[:MAX_SEARCH]
    lines = None
    if found is not None:
        query = service.current_lines(db.session, found.id)
        if search:
            query = query.where(
                or_(
                    Employee.name.icontains(search, autoescape=True),
                    Employee.nip.startswith(search.replace(" ", ""), autoescape=True),
                )
            )
        lines = paged(query, scalars=False)
    manages = perm.can(principal, perm.MANAGE, perm.Resource(TPP_MONTH, g.tenant.id))
    state = found.status if found is not None else OPEN
    page = render_template(
        "tpp_month.html",
        year=year,
        month=month,
        first_day=date(year, month, 1),
        found=found,
        state=state,
        lines=lines,
        search=search,
        error=error,
        pending=_pending_compute(year, month) is not None,
        manages=manages,
        may_lock=perm.is_city_admin(principal) and state == CLOSED,
        # TPP_LINE lets whoever sees the agency's month read each line explained (TPP saya's page)
        explains=perm.can(principal, perm.VIEW, perm.Resource(TPP_LINE, g.tenant.id)),
        OPEN=OPEN,
        LOCKED=LOCKED,
    )
    return page, status


@bp.get("/months/<int:year>/<int:month>")
def month_page(year: int, month: int) -> Any:
    require_view()
    return _render_month(*_month_or_404(year, month))


def _done(year: int, month: int, **notice: Any) -> Any:
    return redirect(url_for(".month_page", year=year, month=month, **notice), code=303)


def _change(year: int, month: int, change: Any, **notice: Any) -> Any:
    """Run a state change; commit and go back to the month, or show its refusal there."""
    try:
        change()
    except ServiceError as refused:
        db.session.rollback()
        return _render_month(year, month, str(refused), refused.status)
    db.session.commit()
    return _done(year, month, **notice)


@bp.post("/months/<int:year>/<int:month>/compute")
def compute(year: int, month: int) -> Any:
    require_manage()
    year, month = _month_or_404(year, month)
    if _pending_compute(year, month) is not None:
        return _done(year, month)  # a second click while it waits: one job is enough
    return _change(year, month, lambda: tpp_jobs.enqueue_compute(db.session, year, month))


def _confirm(
    title: str, question: str, action: str, year: int, month: int, warning: str | None = None
) -> str:
    return render_template(
        "confirm.html",
        title=title,
        question=question,
        action=action,
        warning=warning,
        back=url_for(".month_page", year=year, month=month),
        back_label=formats.month(date(year, month, 1)),
    )


def _named(year: int, month: int) -> dict[str, str]:
    """The month and the agency a confirmation names, so the click is on the right one."""
    return {"month": formats.month(date(year, month, 1)), "agency": g.tenant.name}


def _not_over(year: int, month: int) -> str | None:
    """Closing a month before its end counts the working days so far only (compute stops at
    today): say how many, of how many, before the admin OPD confirms."""
    today = clock.today()
    _first, last = computing.month_bounds(year, month)
    if today >= last:
        return None
    return _(
        "%(month)s has not ended yet: closing now counts only its %(days)s working days so far "
        "(up to %(day)s), of %(total)s in the whole month.",
        month=formats.month(date(year, month, 1)),
        days=formats.number(len(computing.working_days(year, month, today)), 0),
        day=formats.date_short(today),
        total=formats.number(len(computing.working_days(year, month, last)), 0),
    )


@bp.route("/months/<int:year>/<int:month>/close", methods=["GET", "POST"])
def close(year: int, month: int) -> Any:
    principal = require_manage()
    year, month = _month_or_404(year, month)
    if not confirmed():
        return _confirm(
            _("Close TPP %(month)s %(agency)s?", **_named(year, month)),
            _(
                "It is computed once more and then never changes: a correction afterwards "
                "becomes a new version with its reason."
            ),
            _("Close"),
            year,
            month,
            _not_over(year, month),
        )
    return _change(
        year,
        month,
        lambda: service.close(db.session, year, month, principal.user_id),
        saved=1,
    )


@bp.route("/months/<int:year>/<int:month>/lock", methods=["GET", "POST"])
def lock(year: int, month: int) -> Any:
    principal = require_view()
    if not perm.is_city_admin(principal):
        abort(404)
    year, month = _month_or_404(year, month)
    if not confirmed():
        return _confirm(
            _("Lock TPP %(month)s %(agency)s?", **_named(year, month)),
            _("Nothing in it can change afterwards, not even by a correction."),
            _("Lock"),
            year,
            month,
        )
    return _change(
        year,
        month,
        lambda: service.lock(db.session, year, month, principal.user_id),
        saved=1,
    )


# --- an employee's correction ------------------------------------------------------------------
def _employee_or_404(employee_id: int) -> Employee:
    found = db.session.get(Employee, (g.tenant.id, employee_id)) if employee_id < 2**63 else None
    if found is None:
        abort(404)
    return found


def _kept_and_added(events: list[Any]) -> tuple[list[dict[str, Any]], dict[int, int]]:
    """The events the form keeps (not ticked for removal) and the ones it adds, and which form
    row each added event came from (its field messages show under that row)."""
    removed = set(request.form.getlist("remove"))
    rows: list[dict[str, Any]] = [
        {"date": e.day.isoformat(), "code": e.code, "minutes": e.minutes}
        for e in events
        if str(e.id) not in removed
    ]
    form_rows: dict[int, int] = {}
    for n in range(NEW_EVENTS):
        day = request.form.get(f"day_{n}", "").strip()
        code = request.form.get(f"code_{n}", "").strip()
        minutes = request.form.get(f"minutes_{n}", "").strip()
        if not (day or code or minutes):
            continue
        form_rows[len(rows)] = n
        # a number by the one rule (`int()` raised on 5,000 digits); other text goes on as typed
        # for the service to refuse under the row's field
        number = numbers.whole(minutes)
        rows.append({"date": day, "code": code, "minutes": minutes if number is None else number})
    return rows, form_rows


def _problems(refused: ServiceError) -> list[str]:
    if isinstance(refused, InvalidFields):
        return [str(message) for messages in refused.errors.values() for message in messages]
    return [str(refused)]


def _field_errors(refused: ServiceError, form_rows: dict[int, int]) -> dict[str, list[str]]:
    """The service's `events.3.minutes` as the form's `minutes_1`: the added row it came from."""
    found: dict[str, list[str]] = {}
    for where, messages in getattr(refused, "errors", {}).items():
        parts = where.split(".")
        at = numbers.whole(parts[1]) if len(parts) == 3 else None
        if at is not None and at in form_rows:
            field = {"date": "day"}.get(parts[2], parts[2])
            found[f"{field}_{form_rows[at]}"] = [str(m) for m in messages]
    return found


@bp.route("/months/<int:year>/<int:month>/employees/<int:employee_id>", methods=["GET", "POST"])
def correction(year: int, month: int, employee_id: int) -> Any:
    principal = require_view()
    year, month = _month_or_404(year, month)
    employee = _employee_or_404(employee_id)
    found = service.month_of(db.session, year, month)
    problems: list[str] = []
    field_errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        require_manage()
        events = attendance.month_events(db.session, employee_id, year, month)
        rows, form_rows = _kept_and_added(events)
        try:
            attendance.correct(
                db.session,
                employee_id,
                year,
                month,
                rows,
                request.form.get("reason", ""),
                principal.user_id,
            )
        except ServiceError as refused:
            db.session.rollback()
            problems, status = _problems(refused), refused.status
            field_errors = _field_errors(refused, form_rows)
        else:
            db.session.commit()
            return redirect(request.path + "?saved=1", code=303)
    line = service.line_of(db.session, found.id, employee_id) if found is not None else None
    page = render_template(
        "tpp_correction.html",
        year=year,
        month=month,
        first_day=date(year, month, 1),
        found=found,
        employee=employee,
        line=line,
        history=service.history(db.session, found.id, employee_id) if found is not None else [],
        events=attendance.month_events(db.session, employee_id, year, month),
        codes=labels("tpp.code"),
        new_rows=range(NEW_EVENTS),
        problems=problems,
        field_errors=field_errors,
        manages=perm.can(principal, perm.MANAGE, perm.Resource(TPP_MONTH, g.tenant.id))
        and (found is None or found.status != LOCKED),
        form=request.form if problems else {},
    )
    return page, status
