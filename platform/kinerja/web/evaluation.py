"""Evaluation pages: start one, enter realisasi, rate (the Pejabat Penilai), approve or return
(the Atasan Pejabat Penilai, against the agency's curve), and the curve itself."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, g, redirect, request, url_for
from sqlalchemy import func, select

from kinerja import clock, plugins, rules
from kinerja import permissions as perm
from kinerja.bodies import large_body
from kinerja.city.permissions import sees_figures
from kinerja.db import db
from kinerja.exceptions import ServiceError
from kinerja.httpkit import limits, pdf_response, send_stored
from kinerja.i18n import in_language
from kinerja.identity.principal import current, require
from kinerja.people import employees
from kinerja.people.models import Employee
from kinerja.performance import behaviour, feedback, labels, years
from kinerja.performance import skp as skps
from kinerja.performance.evaluation import evidence, printing, service, workflow
from kinerja.performance.evaluation.inputs import EvaluationRatingInput, ItemsBody
from kinerja.performance.evaluation.labels import (
    ACHIEVEMENT_WORDS,
    PREDIKAT_WORDS,
    RATING_WORDS,
    STATUS_WORDS,
)
from kinerja.performance.evaluation.models import Evaluation
from kinerja.performance.evaluation.permissions import EVALUATION
from kinerja.performance.log import uploads
from kinerja.performance.models import Skp
from kinerja.reports import service as report_service
from kinerja.web.forms import (
    Problem,
    field_errors,
    form_page,
    submit,
    whole_number,
    year_param,
)
from kinerja.web.paging import paged, paged_list

bp = Blueprint("evaluation", __name__, url_prefix="/t/<tenant>/evaluations")


def _evaluation(evaluation_id: int, action: str = perm.VIEW) -> Evaluation:
    evaluation = service.get(db.session, evaluation_id)
    require(action, service.resource(evaluation))
    return evaluation


@bp.get("")
def index() -> Any:
    return _index(None)


def _index(problem: Problem) -> Any:
    principal = current()
    year = year_param()
    mine = list(
        db.session.scalars(
            select(Evaluation)
            .where(Evaluation.employee_id == (principal.employee_id or -1), Evaluation.year == year)
            .order_by(Evaluation.period)
        )
    )
    skp = skps.of_employee(db.session, principal.employee_id or -1, year)
    team = paged(
        select(Evaluation, Employee.name)
        .join(Employee, Employee.id == Evaluation.employee_id)
        .where(
            Evaluation.employee_id.in_(principal.subordinate_ids or {-1}),
            Evaluation.year == year,
        )
        .order_by(Employee.name, Evaluation.period, Evaluation.id),
        keep={"year": year},
        scalars=False,
        param="team_page",
    )
    # The people this person rates: paged, the progress computed for the page shown only.
    members = paged(
        select(Employee)
        .where(
            Employee.id.in_(skps.rated_by(db.session, principal.employee_id) or {-1}),
            Employee.active,
        )
        .order_by(Employee.name, Employee.id),
        keep={"year": year},
        param="members_page",
    )
    latest = {  # ordered by period: the last one stays
        e.employee_id: e
        for e in db.session.scalars(
            select(Evaluation)
            .where(Evaluation.employee_id.in_([m.id for m in members.rows] or [-1]))
            .where(Evaluation.year == year)
            .order_by(Evaluation.period, Evaluation.id)
        )
    }
    team_table = [
        (member, service.progress(db.session, member.id, year), latest.get(member.id))
        for member in members.rows
    ]
    found = service.curve(db.session, year)
    history = list(
        db.session.execute(
            select(Evaluation.year, Evaluation.predikat)
            .where(
                Evaluation.employee_id == (principal.employee_id or -1),
                Evaluation.period == service.ANNUAL,
                Evaluation.status == workflow.APPROVED,
            )
            .order_by(Evaluation.year.desc())
        )
    )
    show_curve = sees_figures(principal)
    missing = None
    if show_curve:
        # Not evaluated: no annual evaluation sent yet. One waiting for its rater or its
        # approval is under way, not missing.
        evaluated = (
            select(Evaluation.employee_id)
            .where(
                Evaluation.year == year,
                Evaluation.period == service.ANNUAL,
                Evaluation.status != workflow.DRAFT,
            )
            .scalar_subquery()
        )
        missing = paged(
            select(Employee.name)
            .join(Skp, Skp.employee_id == Employee.id)
            .where(Skp.year == year, Skp.in_force, Employee.id.not_in(evaluated))
            .order_by(Employee.name, Employee.id),
            keep={"year": year},
            param="missing_page",
        )
    agency = _agency(principal, year)
    return form_page(
        "evaluations.html",
        problem,
        year=year,
        mine=mine,
        # Who sees every evaluation and leads everyone else (the head) gets one list, not the
        # same rows twice under "my team" and "the agency".
        team_is_agency=agency is not None and team.total == agency["total"] - len(mine),
        skp=skp if skp is not None and skp.in_force else None,
        periods=years.periods_of(db.session, year),
        team=team,
        # Every year's, as the home page counts them.
        waiting=paged_list(
            service.waiting(db.session, principal), keep={"year": year}, param="waiting_page"
        ),
        names=lambda ids: employees.names(db.session, ids),
        curve=found,
        predikat_words=PREDIKAT_WORDS,
        status_words=STATUS_WORDS,
        achievement_words=ACHIEVEMENT_WORDS,
        show_curve=show_curve,
        agency=agency,
        history=history,
        missing=missing,
        team_table=team_table,
        members=members,
    )


AGENCY_PAGE = 25


def _agency(principal: perm.Principal, year: int) -> dict[str, Any] | None:
    """Every evaluation's state of the year, for who sees every evaluation (the admin OPD, the
    agency's head and those it names, a city admin who entered): the counts per period and
    state, and the evaluations themselves, paged. Read-only: the actions are on each one."""
    seen = perm.reach(principal, EVALUATION)
    if not seen.everyone:
        return None
    where = (Evaluation.year == year, seen.where(Evaluation.employee_id))
    counts: dict[int, dict[str, int]] = {}
    for period, status, n in db.session.execute(
        select(Evaluation.period, Evaluation.status, func.count())
        .where(*where)
        .group_by(Evaluation.period, Evaluation.status)
    ):
        counts.setdefault(period, {})[status] = n
    rows = paged(
        select(Evaluation, Employee.name)
        .join(Employee, Employee.id == Evaluation.employee_id)
        .where(*where)
        .order_by(Employee.name, Evaluation.period, Evaluation.id),
        size=AGENCY_PAGE,
        scalars=False,
        param="agency_page",
    )
    return {
        "counts": dict(sorted(counts.items())),
        "states": workflow.STATES,
        "total": rows.total,
        "rows": rows,
    }


@bp.post("/start")
def start() -> Any:
    skp = skps.get(db.session, whole_number(request.form.get("skp_id")) or 0)
    require(perm.EDIT, perm.Resource("evaluation", g.tenant.id, employee_id=skp.employee_id))
    made: list[Evaluation] = []
    period = whole_number(request.form.get("period"), 12) or 0
    done, problem = submit(
        lambda: made.append(service.start(db.session, skp, period)), "evaluation.index"
    )
    if done:
        return redirect(url_for("evaluation.show", evaluation_id=made[0].id), code=303)
    return _index(problem)


@bp.get("/<int:evaluation_id>")
def show(evaluation_id: int) -> Any:
    return _show(_evaluation(evaluation_id), None)


def _show(evaluation: Evaluation, problem: Problem, typed: dict[str, str] | None = None) -> Any:
    """The page; after a refusal, `typed` ({IKI id: the realisasi as typed}) is shown again in
    its fields, and each refused one is marked with its message (`field_errors`: by IKI id)."""
    held = service.roles(db.session, current(), evaluation)
    editing = workflow.OWNER in held and evaluation.status in workflow.EDITABLE_BY_OWNER
    owner = db.session.scalar(select(Employee.name).where(Employee.id == evaluation.employee_id))
    curve = service.curve(db.session, evaluation.year, evaluation.predikat)
    return form_page(
        "evaluation.html",
        problem,
        typed=typed or {},
        problems=field_errors(problem),
        evaluation=evaluation,
        owner=owner,
        rows=service.items(db.session, evaluation),
        measured=service.measured(db.session, evaluation),
        aspect_words=labels.ASPECTS,
        held=held,
        actions=workflow.available(evaluation.status, held),
        values=behaviour.values(),
        ratings=rules.RATINGS,
        predikat_words=PREDIKAT_WORDS,
        status_words=STATUS_WORDS,
        angka_kredit=service.angka_kredit(db.session, evaluation),
        would_break=curve.violations
        if evaluation.period == service.ANNUAL and evaluation.status == workflow.RATED
        else [],
        workflow=workflow,
        candidates=evidence.candidate_entries(db.session, evaluation) if editing else {},
        counted=evidence.counted(db.session, evaluation) if editing else {},
        reports=evidence.candidate_reports(db.session, evaluation) if editing else [],
        report_titles={
            form.code: in_language(form.title, form.title_en)
            for _, form in report_service.forms_here(plugins.call("kinerja_report_forms"))
        },
        files=evidence.files(db.session, evaluation),
        matrix=rules.PREDIKAT_MATRIX,
        rating_words=RATING_WORDS,
        evidence_count=sum(
            len(item.evidence) + len(item.reports)
            for item, _iki, _rhk in service.items(db.session, evaluation)
        )
        + sum(len(found) for found in evidence.files(db.session, evaluation).values()),
        conversation=feedback.during(
            db.session, evaluation.employee_id, evaluation.starts, evaluation.ends
        ),
    )


def _change(evaluation: Evaluation, change: Any, typed: dict[str, str] | None = None) -> Any:
    try:
        change()
    except ServiceError as problem:
        db.session.rollback()
        return _show(_evaluation(evaluation.id), problem, typed)
    db.session.commit()
    return redirect(url_for("evaluation.show", evaluation_id=evaluation.id, saved=1), code=303)


@bp.get("/<int:evaluation_id>/document.pdf")
def document(evaluation_id: int) -> Any:
    """The evaluation (the annual one: the Dokumen Evaluasi Kinerja Pegawai) as PDF."""
    evaluation = _evaluation(evaluation_id)
    data = printing.evaluation_document(db.session, evaluation, clock.today())
    return pdf_response(data, printing.filename(evaluation))


@bp.post("/<int:evaluation_id>/items")
def save_items(evaluation_id: int) -> Any:
    evaluation = _evaluation(evaluation_id, perm.EDIT)
    raw: dict[str, dict[str, Any]] = {
        key.removeprefix("realisasi-"): {"realisasi": value}
        for key, value in request.form.items()
        if key.startswith("realisasi-")
    }
    for key in raw:  # the daily entries and reports ticked as bukti dukung of each IKI
        for kind in ("evidence", "reports"):
            raw[key][kind] = [
                n for n in (whole_number(v) for v in request.form.getlist(f"{kind}-{key}")) if n
            ]
    return _change(
        evaluation,
        # the API's schema: one reading of the realisasi
        lambda: service.update_items(db.session, evaluation, ItemsBody().read(raw)),
        typed={key: str(given["realisasi"]) for key, given in raw.items()},
    )


@bp.post("/<int:evaluation_id>/files")
def add_files(evaluation_id: int) -> Any:
    """Files of their own as bukti dukung of one IKI (a form per IKI on the page)."""
    evaluation = _evaluation(evaluation_id, perm.EDIT)
    iki_id = whole_number(request.form.get("iki_id"))
    found = uploads.read(request.files.getlist("evidence"), limits()[1])
    return _change(
        evaluation,
        lambda: evidence.add_files(
            db.session, evaluation, iki_id, found, limits(), current().user_id
        ),
    )


large_body("EVIDENCE_MAX_REQUEST")(add_files)


@bp.post("/<int:evaluation_id>/files/<int:file_id>/delete")
def delete_file(evaluation_id: int, file_id: int) -> Any:
    evaluation = _evaluation(evaluation_id, perm.EDIT)
    try:
        keys = evidence.delete_file(db.session, evaluation, file_id)
    except ServiceError as problem:
        db.session.rollback()
        return _show(_evaluation(evaluation.id), problem)
    db.session.commit()
    evidence.discard(keys)
    return redirect(url_for("evaluation.show", evaluation_id=evaluation.id, saved=1), code=303)


@bp.get("/<int:evaluation_id>/files/<int:file_id>/<any(file, thumbnail):which>")
def evidence_file(evaluation_id: int, file_id: int, which: str) -> Any:
    evaluation = _evaluation(evaluation_id)
    return send_stored(evidence.file_of(db.session, evaluation, file_id), which)


@bp.post("/<int:evaluation_id>/rating")
def rate(evaluation_id: int) -> Any:
    evaluation = _evaluation(evaluation_id, perm.MANAGE)
    raw = {
        "rating_hasil": request.form.get("rating_hasil"),
        "rating_perilaku": request.form.get("rating_perilaku"),
        "feedback": request.form.get("feedback"),
        "behaviour_feedback": {
            v.code: request.form.get(f"behaviour-{v.code}", "") for v in behaviour.values()
        },
        "item_feedback": {
            k.removeprefix("feedback-"): v
            for k, v in request.form.items()
            if k.startswith("feedback-")
        },
    }
    # the API's schema: one reading of the ratings
    return _change(
        evaluation,
        lambda: service.rate(db.session, current(), evaluation, EvaluationRatingInput().read(raw)),
    )


@bp.post("/<int:evaluation_id>/act/<action>")
def act(evaluation_id: int, action: str) -> Any:
    if action not in (workflow.SUBMIT, workflow.RETURN, workflow.APPROVE, workflow.REVISE):
        abort(404)
    evaluation = _evaluation(evaluation_id)
    return _change(
        evaluation,
        lambda: service.act(
            db.session,
            current(),
            evaluation,
            action,
            request.form.get("reason"),
            request.form.get("curve_reason"),
            current_app.config["CURVE_POLICY"],
        ),
    )
