"""SKP pages: my plan for the year, my team's, what waits for my decision, one plan with its
results, indicators, behaviour and attachment, its versions, the cascade (Matriks Peran Hasil)
and the admin OPD's targets and frequency. Every change goes through the services."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, redirect, request, url_for
from sqlalchemy import select

from kinerja import clock, numbers, plugins
from kinerja import permissions as perm
from kinerja.db import db
from kinerja.exceptions import ServiceError
from kinerja.httpkit import pdf_response
from kinerja.i18n import _
from kinerja.identity.principal import current, require
from kinerja.organisation import service as organisation
from kinerja.people import employees
from kinerja.people.models import Employee
from kinerja.performance import (
    behaviour,
    cascade,
    flow,
    inputs,
    labels,
    matrix,
    measure,
    plan,
    printed,
    targets,
    versions,
    workflow,
    years,
)
from kinerja.performance import skp as skps
from kinerja.performance.inputs import ExpectationsBody
from kinerja.performance.models import Skp
from kinerja.performance.permissions import PLAN
from kinerja.presentation import labels as words
from kinerja.web.forms import Problem, form_page, submit, whole_number, year_param
from kinerja.web.paging import Paged, paged, paged_list

bp = Blueprint("skp", __name__, url_prefix="/t/<tenant>/skp")


def _skp(skp_id: int, action: str = perm.VIEW) -> Skp:
    skp = skps.get(db.session, skp_id)
    require(action, skps.resource(skp, None, g.tenant.id))
    return skp


def _form(*names: str) -> dict[str, Any]:
    return {n: request.form.get(n, "") for n in names if n in request.form}


@bp.get("")
def index() -> Any:
    return _index_page(None)


def _index_page(problem: Problem) -> Any:
    principal = current()
    year = year_param()
    mine = (
        skps.of_employee(db.session, principal.employee_id, year)
        if principal.employee_id and perm.is_member(principal)
        else None
    )
    team = []
    if principal.employee_id and perm.is_member(principal):
        direct = db.session.scalars(
            select(Employee)
            .where(
                Employee.id.in_(skps.rated_by(db.session, principal.employee_id) or {-1}),
                Employee.active,
            )
            .order_by(Employee.name)
        ).all()
        plans = {
            s.employee_id: s
            for s in db.session.scalars(
                select(Skp).where(Skp.year == year, Skp.employee_id.in_([e.id for e in direct]))
            )
        }
        team = [(e, plans.get(e.id)) for e in direct]
    everyone: Paged | None = None
    counts: dict[str, int] = {}
    status = request.args.get("status")
    if perm.is_agency_admin(principal) or perm.is_visiting_city_admin(principal):
        counts = flow.counts(db.session, year)
        query = (
            select(Skp, Employee.name)
            .join(Employee, Employee.id == Skp.employee_id)
            .where(Skp.year == year)
        )
        if status in workflow.STATES:
            query = query.where(Skp.status == status)
        everyone = paged(
            query.order_by(Employee.name, Skp.id),
            keep={"year": year, "status": status},
            scalars=False,
        )
    return form_page(
        "skp_index.html",
        problem,
        year=year,
        year_info=years.info(db.session, year),
        mine=mine,
        team=paged_list(team, keep={"year": year}, param="team_page"),
        # Every year's: the home page's count is of all of them (next year's plans are made now).
        waiting=paged_list(
            flow.waiting(db.session, principal), keep={"year": year}, param="waiting_page"
        ),
        everyone=everyone,
        counts=counts,
        status=status,
        names=lambda ids: employees.names(db.session, ids),
        labels=labels,
        states=workflow.STATES,
    )


@bp.post("/new")
def new() -> Any:
    principal = current()
    require(perm.EDIT, skps.resource(None, principal.employee_id, g.tenant.id))
    employee = employees.get_employee(db.session, principal.employee_id or 0)
    created: list[Skp] = []

    def start() -> None:
        created.append(
            skps.create(
                db.session,
                employee,
                year_param(),
                request.form.get("approach", "kuantitatif"),
                request.form.get("start", "empty"),
            )
        )

    done, problem = submit(start, "skp.index")
    if done:
        return redirect(url_for("skp.show", skp_id=created[0].id), code=303)
    return _index_page(problem)


# --- one plan ----------------------------------------------------------------------------------
@bp.get("/<int:skp_id>")
def show(skp_id: int) -> Any:
    return _show_page(_skp(skp_id), None)


def _show_page(skp: Skp, problem: Problem) -> Any:
    principal = current()
    employee = employees.get_employee(db.session, skp.employee_id)
    of = skps.chain(db.session, employee)
    roles = skps.roles(principal, skp, of)
    content = skps.content(db.session, skp, of)
    rows = skps.rhk_rows(db.session, skp)
    resource = skps.resource(skp, None, g.tenant.id)
    closed = years.info(db.session, skp.year).closed
    may_edit = (
        perm.can(principal, perm.EDIT, resource) and skp.status in workflow.EDITABLE and not closed
    )
    # Expectations: whoever rates (the admin OPD for the head), as the API's MANAGE.
    may_expect = perm.can(principal, perm.MANAGE, resource) and skp.status != workflow.APPROVED
    field_errors = getattr(problem, "errors", None) or {}
    return form_page(
        "skp.html",
        problem,
        named_errors=[(field_label(k), msgs[0]) for k, msgs in field_errors.items() if msgs],
        skp=skp,
        employee=employee,
        content=content,
        sources=skps.parent_texts(db.session, rows),
        actions=workflow.available(skp.status, roles),
        may_edit=may_edit,
        may_expect=may_expect,
        parents=inputs.parent_choices(db.session, skp) if may_edit else [],
        org_targets=inputs.target_choices(db.session, skp) if may_edit else [],
        subordinates=plan.hand_down_choices(db.session, skp) if workflow.OWNER in roles else [],
        values=behaviour.values(),
        versions=flow.version_list(db.session, skp),
        pending=flow.changes_in(db.session, skp, None),
        field_errors=field_errors,
        labels=labels,
        closed=closed,
        sections=sections(skp),
        progress=measure.progress(db.session, skp, clock.today()) if skp.in_force else {},
        periods=years.periods_of(db.session, skp.year),
    )


FIELD_WORDS = {
    "text": _("Indicator (IKI)"),
    "aspect": _("Aspect"),
    "target_low": _("Target"),
    "target_high": _("Upper end of a range"),
    "unit": _("Unit"),
    "narrative": _("Expected result, in words"),
    "period_targets": _("Target per period"),
    "kind": _("Kind"),
    "parent_rhk_id": _("Intervened result"),
    "org_target_id": _("Agency target"),
}


def field_label(key: str) -> str:
    """The form's words for an error's field ("iki.0.target_low", "period_targets.2.low"):
    a refusal says which box it is about ("Target: Masukkan angka.")."""
    parts = key.split(".")
    if parts[0] == "iki" and len(parts) > 2:
        parts = parts[2:]
    period = numbers.whole(parts[1]) if len(parts) > 1 else None
    if parts[0] == "period_targets" and period is not None:
        return str(_("Target of period %(n)s", n=period + 1))
    word = FIELD_WORDS.get(parts[0])
    return str(word) if word is not None else ""


def sections(skp: Skp) -> list[Any]:
    """What the agency's plugins add to this plan (read-only; a failing plugin adds nothing)."""
    found = plugins.call("kinerja_skp_sections", employee_id=skp.employee_id, year=skp.year)
    return [section for _plugin, listed in found for section in listed]


def _change(skp: Skp, change: Any) -> Any:
    try:
        change()
    except ServiceError as problem:
        db.session.rollback()
        return _show_page(_skp(skp.id), problem)
    db.session.commit()
    return redirect(url_for("skp.show", skp_id=skp.id, saved=1), code=303)


@bp.get("/<int:skp_id>/document.pdf")
def document(skp_id: int) -> Any:
    """The SKP as the PDF people sign."""
    skp = _skp(skp_id)
    data = printed.skp_document(
        db.session, skp, words.label_in("id", "skp.status", skp.status), clock.today()
    )
    return pdf_response(data, f"skp-{skp.year}-{skp.employee_id}.pdf")


@bp.post("/<int:skp_id>/act/<action>")
def act(skp_id: int, action: str) -> Any:
    if action not in workflow.ACTIONS:
        abort(404)
    skp = _skp(skp_id)
    return _change(
        skp, lambda: flow.act(db.session, current(), skp, action, request.form.get("reason"))
    )


RHK_FIELDS = ("kind", "text", "parent_rhk_id", "org_target_id", "cascading", "perspektif")
IKI_FIELDS = ("text", "aspect", "target_low", "target_high", "unit", "narrative")


def _iki_form(skp: Skp, prefix: str = "") -> dict[str, Any]:
    """An indicator's form strings as the API's body: its fields, and its targets per period
    (`{prefix}period_1` …) when any is filled in."""
    iki: dict[str, Any] = {k: request.form.get(f"{prefix}{k}", "") for k in IKI_FIELDS}
    given = [request.form.get(f"{prefix}period_{n}", "") for n in range(1, inputs.MAX_PERIODS + 1)]
    count = len(years.periods_of(db.session, skp.year))
    if any(v.strip() for v in given):
        iki["period_targets"] = [{"low": v} for v in given[:count]]
    return iki


@bp.post("/<int:skp_id>/rhk")
def add_rhk(skp_id: int) -> Any:
    skp = _skp(skp_id, perm.EDIT)
    raw: dict[str, Any] = _form(*RHK_FIELDS)
    iki = _iki_form(skp, "iki_")
    if any(isinstance(v, list) or v.strip() for v in iki.values()):
        raw["iki"] = [iki]
    # the API's schema: one reading of a result
    return _change(skp, lambda: plan.add_rhk(db.session, skp, inputs.RhkInput().read(raw)))


@bp.post("/<int:skp_id>/rhk/<int:rhk_id>")
def update_rhk(skp_id: int, rhk_id: int) -> Any:
    skp = _skp(skp_id, perm.EDIT)
    rhk = plan.get_rhk(db.session, skp, rhk_id)
    raw: dict[str, Any] = _form(*RHK_FIELDS, "accept")
    return _change(skp, lambda: plan.update_rhk(db.session, skp, rhk, inputs.RhkPatch().read(raw)))


@bp.post("/<int:skp_id>/rhk/<int:rhk_id>/delete")
def delete_rhk(skp_id: int, rhk_id: int) -> Any:
    skp = _skp(skp_id, perm.EDIT)
    rhk = plan.get_rhk(db.session, skp, rhk_id)
    return _change(skp, lambda: plan.delete_rhk(db.session, skp, rhk))


@bp.post("/<int:skp_id>/rhk/<int:rhk_id>/iki")
def add_iki(skp_id: int, rhk_id: int) -> Any:
    skp = _skp(skp_id, perm.EDIT)
    rhk = plan.get_rhk(db.session, skp, rhk_id)
    raw = _iki_form(skp)
    return _change(skp, lambda: plan.add_iki(db.session, skp, rhk, inputs.IkiInput().read(raw)))


@bp.post("/<int:skp_id>/rhk/<int:rhk_id>/iki/<int:iki_id>")
def update_iki(skp_id: int, rhk_id: int, iki_id: int) -> Any:
    skp = _skp(skp_id, perm.EDIT)
    rhk = plan.get_rhk(db.session, skp, rhk_id)
    raw = _iki_form(skp)
    return _change(
        skp, lambda: plan.update_iki(db.session, skp, rhk, iki_id, inputs.IkiInput().read(raw))
    )


@bp.post("/<int:skp_id>/rhk/<int:rhk_id>/iki/<int:iki_id>/delete")
def delete_iki(skp_id: int, rhk_id: int, iki_id: int) -> Any:
    skp = _skp(skp_id, perm.EDIT)
    rhk = plan.get_rhk(db.session, skp, rhk_id)
    return _change(skp, lambda: plan.delete_iki(db.session, skp, rhk, iki_id))


@bp.post("/<int:skp_id>/rhk/<int:rhk_id>/hand-down")
def hand_down(skp_id: int, rhk_id: int) -> Any:
    skp = _skp(skp_id, perm.EDIT)
    rhk = plan.get_rhk(db.session, skp, rhk_id)
    chosen = [
        n for n in (whole_number(v) for v in request.form.getlist("employee_id")) if n is not None
    ]
    return _change(skp, lambda: plan.hand_down(db.session, skp, rhk, chosen))


@bp.post("/<int:skp_id>/plan")
def update_plan(skp_id: int) -> Any:
    skp = _skp(skp_id, perm.EDIT)
    raw: dict[str, Any] = _form("approach")
    raw["lampiran"] = _form(*plan.LAMPIRAN_KEYS)
    # the API's schema (`PATCH …/skp/{id}`): one reading of the plan's fields
    return _change(skp, lambda: plan.update_plan(db.session, skp, inputs.PlanInput().read(raw)))


@bp.post("/<int:skp_id>/expectations")
def expectations(skp_id: int) -> Any:
    skp = _skp(skp_id, perm.MANAGE)
    raw = _form(*behaviour.codes())
    # the API's schema: one reading of the expectations
    return _change(
        skp, lambda: plan.set_expectations(db.session, skp, ExpectationsBody().read(raw))
    )


@bp.get("/<int:skp_id>/versions/<int:number>")
def version(skp_id: int, number: int) -> Any:
    skp = _skp(skp_id)
    found = flow.version(db.session, skp, number)
    return form_page(
        "skp_version.html",
        None,
        skp=skp,
        found=found,
        changes=flow.changes_in(db.session, skp, number),
        steps=versions.steps_by_result(found.content),
        labels=labels,
    )


# --- the cascade -------------------------------------------------------------------------------
@bp.get("/matrix")
def matrix_page() -> Any:
    year = year_param()
    unit_id = whole_number(request.args.get("unit"))
    roots, unlinked = cascade.build(db.session, current(), year, unit_id)
    units = organisation.as_tree(list(db.session.scalars(organisation.query_units())))
    return form_page(
        "skp_matrix.html",
        None,
        year=year,
        unit_id=unit_id,
        units=units,
        roots=roots,
        unlinked=unlinked,
        rows=matrix.flatten(roots),
        flags={"not": matrix.NOT_INTERVENED, "nothing": matrix.INTERVENES_NOTHING},
    )


# --- the agency's plan (admin OPD) -------------------------------------------------------------
def _plan_page(problem: Problem, year: int) -> Any:
    require(perm.VIEW, perm.Resource(PLAN, g.tenant.id))
    return form_page(
        "skp_plan.html",
        problem,
        year=year,
        year_info=years.info(db.session, year),
        frequency=years.frequency(db.session, year),
        periods=years.periods_of(db.session, year),
        targets=db.session.scalars(targets.query(year)).all(),
        may_manage=perm.can(current(), perm.MANAGE, perm.Resource(PLAN, g.tenant.id)),
        labels=labels,
        field_errors=getattr(problem, "errors", None) or {},
    )


@bp.get("/plan")
def plan_page() -> Any:
    return _plan_page(None, year_param())


def _indicators() -> list[dict[str, str]]:
    texts = request.form.getlist("indicator_text")
    goals = request.form.getlist("indicator_target")
    units = request.form.getlist("indicator_unit")
    return [
        {
            "text": t,
            "target": goals[i] if i < len(goals) else "",
            "unit": units[i] if i < len(units) else "",
        }
        for i, t in enumerate(texts[: targets.MAX_INDICATORS])
    ]


def _plan_change(change: Any) -> Any:
    require(perm.MANAGE, perm.Resource(PLAN, g.tenant.id))
    year = year_param()
    done, problem = submit(change, "skp.plan_page", year=year, saved=1)
    return done or _plan_page(problem, year)


@bp.post("/plan/frequency")
def set_frequency() -> Any:
    return _plan_change(
        lambda: years.set_frequency(db.session, year_param(), request.form.get("frequency", ""))
    )


@bp.post("/plan/targets")
def add_target() -> Any:
    data = {**_form("code", "text"), "indicators": _indicators()}
    return _plan_change(lambda: targets.create(db.session, year_param(), data))


@bp.post("/plan/targets/<int:target_id>")
def update_target(target_id: int) -> Any:
    target = targets.get(db.session, target_id)
    data = {**_form("code", "text"), "indicators": _indicators()}
    return _plan_change(lambda: targets.update(db.session, target, data))


@bp.post("/plan/targets/<int:target_id>/delete")
def delete_target(target_id: int) -> Any:
    target = targets.get(db.session, target_id)
    return _plan_change(lambda: targets.delete(db.session, target))
