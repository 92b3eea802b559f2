""" "TPP saya": an employee's allowance of this month and the past ones, each line explained in
words (the base, the predikat and compliance behind kinerja, each attendance event and its
deduction, the weights, the formula with the figures, the versions after closing), and who to
ask when something is wrong. One's own lines only; a line by id for whoever the TPP's rule lets
see it (`tpp/permissions.py`: the admin OPD, the overseers, a city admin who entered), 404 for
anyone else - a superior included: pay is not part of following someone's work."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, g, render_template, url_for
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import distinct_on

from kinerja import permissions as perm
from kinerja.db import db
from kinerja.db.load import load_or_404
from kinerja.identity.models import Membership, User
from kinerja.identity.principal import current
from kinerja.people.models import Employee
from kinerja.performance import feedback
from kinerja.tpp import explain as explaining
from kinerja.tpp.models import TppLine, TppMonth
from kinerja.tpp.permissions import TPP_LINE
from kinerja.web.paging import paged

bp = Blueprint("tpp_me", __name__, url_prefix="/t/<tenant>/tpp/me")
MONTHS_PAGE = 12  # a year of months a page


def lines_of(employee_id: int) -> Any:
    """The employee's line in force of each month (the highest version), newest month first."""
    current = (
        select(TppLine.id)
        .where(TppLine.employee_id == employee_id)
        .ext(distinct_on(TppLine.month_id))
        .order_by(TppLine.month_id, TppLine.version.desc())
    )
    return (
        select(TppLine, TppMonth.year, TppMonth.month, TppMonth.status)
        .join(TppMonth, TppMonth.id == TppLine.month_id)
        .where(TppLine.id.in_(current))
        .order_by(TppMonth.year.desc(), TppMonth.month.desc())
    )


def _employee() -> int:
    principal = current()
    if not perm.is_member(principal) or principal.employee_id is None:
        abort(404)  # a visiting city admin or an account without a record has no TPP of its own
    return principal.employee_id


def agency_admins() -> list[str]:
    """The names of the agency's admin OPD (who corrects attendance): their employee record's
    name, else their account's (the session's agency only: memberships are the tenant's)."""
    rows = db.session.execute(
        select(Employee.name, User.display_name)
        .select_from(Membership)
        .join(User, User.id == Membership.user_id)
        .outerjoin(Employee, (Employee.user_id == User.id) & Employee.active)
        .where(Membership.role == "admin_opd")
        .order_by(User.display_name)
    )
    return list(dict.fromkeys(n for n in (e or a for e, a in rows) if n))


def _help(x: explaining.Explanation) -> dict[str, Any]:
    """Who to ask when something is wrong: the admin OPD (attendance, the base, the month) and
    the superior who rates (the predikat, the daily work), with the conversation to open: about
    the evaluation the predikat came from when the reader may start one, else the threads."""
    principal = current()
    rater = feedback.rater_id(db.session, x.employee_id)
    superior = db.session.get(Employee, (g.tenant.id, rater)) if rater is not None else None
    talk = url_for("feedback.index")
    if x.evaluation is not None and feedback.may_start(principal, x.employee_id, rater):
        talk = url_for("feedback.new", subject="evaluation", subject_id=x.evaluation["id"])
    return {
        "admins": agency_admins(),
        "superior": superior.name if superior is not None else None,
        "talk": talk,
        "own": principal.employee_id == x.employee_id,
    }


def _page(line: TppLine | None, months: Any = None, back: bool = True) -> Any:
    x = explaining.explain(db.session, line) if line is not None else None
    month = db.session.get(TppMonth, (g.tenant.id, line.month_id)) if line is not None else None
    return render_template(
        "tpp_me.html",
        x=x,
        month=month,
        day=date(x.year, x.month, 1) if x is not None else None,
        help=_help(x) if x is not None else None,
        sees_evaluation=x is not None and perm.sees_person(current(), x.employee_id),
        months=months,
        days={(y, m): date(y, m, 1) for _line, y, m, _s in (months.rows if months else [])},
        back=back,
    )


@bp.get("")
def index() -> Any:
    """The newest month explained, and every month to page through."""
    employee_id = _employee()
    months = paged(
        lines_of(employee_id),
        size=MONTHS_PAGE,
        scalars=False,
        keep={},
    )
    newest = months.rows[0][0] if months.rows and months.page == 1 else None
    return _page(newest, months, back=False)


@bp.get("/<int(fixed_digits=4):year>-<int(fixed_digits=2):month>")
def month(year: int, month: int) -> Any:
    employee_id = _employee()
    found = db.session.execute(
        lines_of(employee_id).where(TppMonth.year == year, TppMonth.month == month)
    ).first()
    if found is None:
        abort(404)
    return _page(found[0])


@bp.get("/lines/<int:line_id>")
def line(line_id: int) -> Any:
    """A line by id (the admin's review links here): 404 unless the TPP's rule lets the reader
    see that person's line."""
    found = load_or_404(db.session, TppLine, line_id)
    principal = current()
    whose = perm.Resource(TPP_LINE, g.tenant.id, employee_id=found.employee_id)
    if not perm.can(principal, perm.VIEW, whose):
        abort(404)
    return _page(found, back=principal.employee_id == found.employee_id)
