"""Report form pages (laporan): fill one in on a phone, follow and decide submissions, and the
monthly summary per unit or per person (CSV too). Forms come from the agency's plugins."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Response, abort, g, request

from kinerja import clock, plugins
from kinerja import permissions as perm
from kinerja.db import db, idempotency
from kinerja.exports import writers
from kinerja.i18n import _, in_language
from kinerja.identity.principal import current, require
from kinerja.performance.log import service as log_service
from kinerja.presentation import formats
from kinerja.reports import choices, rules, service
from kinerja.reports.inputs import SubmissionBody
from kinerja.reports.models import ReportSubmission
from kinerja.reports.permissions import REPORT
from kinerja.web.forms import Problem, form_page, submit
from kinerja.web.paging import paged

bp = Blueprint("reports", __name__, url_prefix="/t/<tenant>/reports")
FORM_ONLY = ("csrf_token", "idempotency_key")  # the page's own fields, not the report's


def _forms() -> service.Forms:
    return plugins.call("kinerja_report_forms")


def _resource(employee_id: int | None) -> perm.Resource:
    return perm.Resource(REPORT, g.tenant.id, employee_id=employee_id)


@bp.get("")
def index() -> Any:
    principal = current()
    forms = service.forms_here(_forms())
    newest = service.visible(principal).order_by(ReportSubmission.id.desc())
    recent = paged(newest, keep={})
    # Every report waiting for this superior, not only those among the latest (is_superior_of
    # is membership in the subordinates, as a query).
    waiting = paged(
        newest.where(
            ReportSubmission.status == rules.SUBMITTED,
            ReportSubmission.employee_id.in_(principal.subordinate_ids or {-1}),
        ),
        keep={},
        param="waiting_page",
    )
    titles = {form.code: in_language(form.title, form.title_en) for _, form in forms}
    mine = service.position_type_of(db.session, principal.employee_id)
    fillable = {form.code for _, form in forms if service.may_fill(form, mine)}
    return form_page(
        "reports.html",
        None,
        forms=forms,
        recent=recent,
        waiting=waiting,
        titles=titles,
        fillable=fillable if perm.is_member(principal) else set(),
    )


@bp.route("/<code>/new", methods=["GET", "POST"])
def new(code: str) -> Any:
    plugin, form = service.find(_forms(), code)
    principal = current()
    require(perm.EDIT, _resource(principal.employee_id))
    service.check_may_fill(db.session, form, principal.employee_id)
    # The agency's own choices (e.g. its puskesmas): the select shows them, the check uses them.
    form = choices.resolved(form, plugin, plugins.agency_here())
    error: Problem = None
    field_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        raw = {k: v for k, v in request.form.items() if k not in FORM_ONLY}
        # The page's key: a second click, or the same form sent again, is the first submission
        # (as in the API), never a second report counted twice in the month's coverage.
        key = request.form.get("idempotency_key") or None

        def save() -> None:
            service.submit_for(
                db.session,
                plugin,
                form,
                principal,
                SubmissionBody().read(raw),  # the API's schema: one reading of a submission
                today=clock.today(),
                title=in_language(form.title, form.title_en),
                key=key,
            )

        done, error = submit(save, "reports.index", saved=1)
        if done:
            return done
        field_errors = getattr(error, "errors", {}) or {}
        if isinstance(error, idempotency.KeyReused):
            key = None  # that key stands for other work now: the form gets a new one
    else:
        key = None
    return form_page(
        "report_form.html",
        error,
        form=form,
        key=key or uuid.uuid4().hex,
        values=request.form,
        field_errors=field_errors,
        today=clock.today().isoformat(),
        results=log_service.choices(db.session, principal.employee_id or 0, clock.this_year()),
    )


@bp.post("/submissions/<int:submission_id>/<action>")
def decide(submission_id: int, action: str) -> Any:
    if action not in rules.ACTIONS:
        abort(404)
    submission = service.get(db.session, submission_id)
    needed = perm.EDIT if action == "submit" else perm.MANAGE
    require(needed, _resource(submission.employee_id))
    done, error = submit(
        lambda: service.decide(
            db.session, submission, action, current().user_id, request.form.get("reason")
        ),
        "reports.index",
    )
    if done:
        return done
    return form_page("report_refused.html", error)


@bp.get("/<code>/summary")
def summary(code: str) -> Any:
    plugin, form = service.find(_forms(), code)
    principal = current()
    month = service.parse_month(request.args.get("month"), clock.today())
    by = "person" if request.args.get("by") == "person" else "unit"
    visible = service.visible_in_month(principal, code, month)
    lines = service.summary(db.session, form, by, visible)
    columns = [
        *form.group_by,
        *(f.name for f in form.fields if f.aggregate),
        *(r.name for r in form.ratios),
    ]
    fmt = request.args.get("format")
    if fmt in writers.WRITERS:
        # Through the one writer and its formula guard: the text is what people typed.
        title = f"{in_language(form.title, form.title_en)} {formats.month(month)}"
        rows = ([ln["key"], ln["submissions"], *(ln.get(c) for c in columns)] for ln in lines)
        # The columns as on the page: the fields' labels in the reader's language, not codes.
        by_word = str(_("Work unit") if by == "unit" else _("Employee"))
        words = {f.name: in_language(f.label, f.label_en) for f in form.fields}
        words |= {r.name: in_language(r.label, r.label_en) for r in form.ratios}
        headers = [by_word, str(_("Reports")), *(words.get(c, c) for c in columns)]
        name = f"{code}-{month:%Y-%m}-{by}.{fmt}"
        return Response(
            writers.write(fmt, title, headers, rows),
            mimetype=writers.CONTENT_TYPES[fmt],
            headers={"Content-Disposition": f"attachment; filename={name}"},
        )
    labels = {f.name: in_language(f.label, f.label_en) for f in form.fields}
    labels |= {r.name: in_language(r.label, r.label_en) for r in form.ratios}
    targets = rules.targets(form, plugins.agency_here().settings.get(plugin, {}))
    return form_page(
        "report_summary.html",
        None,
        form=form,
        lines=[{**line, "below_target": rules.below_target(line, targets)} for line in lines],
        targets=targets,
        columns=columns,
        labels=labels,
        month=month,
        by=by,
    )
