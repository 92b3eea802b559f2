"""Rencana Aksi pages: the SKP page's section (steps per result and period, added and changed
on a phone), one step's page, the evaluation's steps with status and evidence, and the steps a
daily entry may name. Every change goes through `performance.aksi.service`; the section and
the lists are read through template globals so the SKP, evaluation and entry pages stay as
they are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, g, redirect, request, url_for
from sqlalchemy import select

from kinerja import clock
from kinerja import permissions as perm
from kinerja.db import db
from kinerja.exceptions import ServiceError
from kinerja.identity.principal import current, require
from kinerja.performance import skp as skps
from kinerja.performance import workflow, years
from kinerja.performance.aksi import service
from kinerja.performance.aksi.inputs import StepInput, StepPatch
from kinerja.performance.aksi.labels import STATUSES
from kinerja.performance.aksi.models import RencanaAksi
from kinerja.performance.evaluation.models import Evaluation
from kinerja.performance.log import service as log_service
from kinerja.performance.models import Rhk, Skp
from kinerja.performance.periods import Period
from kinerja.web.forms import Problem, form_page

bp = Blueprint("aksi", __name__, url_prefix="/t/<tenant>/skp/<int:skp_id>/rencana-aksi")


@dataclass(frozen=True)
class Section:
    """What the SKP page shows of the plan's Rencana Aksi, and what the reader may do."""

    may_edit: bool  # add, change, remove steps: the owner, while the plan can change
    may_mark: bool  # mark done: the owner, once the plan is in force
    periods: list[Period]
    rows: list[tuple[Rhk, list[tuple[Period, list[service.StepView]]]]]


def _skp(skp_id: int, action: str = perm.VIEW) -> Skp:
    skp = skps.get(db.session, skp_id)
    require(action, skps.resource(skp, None, g.tenant.id))
    return skp


def _rights(skp: Skp) -> tuple[bool, bool]:
    owner = perm.can(current(), perm.EDIT, skps.resource(skp, None, g.tenant.id))
    open_ = not years.info(db.session, skp.year).closed
    return (
        owner and open_ and skp.status in workflow.EDITABLE,
        owner and open_ and bool(skp.in_force),
    )


def section(skp: Skp) -> Section:
    """The SKP page's Rencana Aksi: each accepted result's steps, grouped by period."""
    periods = years.periods_of(db.session, skp.year)
    numbered = {p.number: p for p in periods}
    steps = service.by_rhk(db.session, skp)
    rows = []
    for rhk in skps.rhk_rows(db.session, skp):
        if rhk.proposed:
            continue
        grouped: dict[int, list[service.StepView]] = {}
        for view in steps.get(rhk.id, []):
            grouped.setdefault(view.step.period, []).append(view)
        rows.append(
            (
                rhk,
                [
                    (numbered.get(n) or Period(n, views[0].step.due, views[0].step.due), views)
                    for n, views in sorted(grouped.items())
                ],
            )
        )
    may_edit, may_mark = _rights(skp)
    return Section(may_edit, may_mark, periods, rows)


def for_evaluation(evaluation: Evaluation) -> list[tuple[Rhk, list[service.StepView]]]:
    """The steps due within an evaluation's period (or year), per result, with their status."""
    found = list(
        db.session.scalars(service.in_span(evaluation.skp_id, evaluation.starts, evaluation.ends))
    )
    ids = {s.rhk_id for s in found} or {-1}
    rhks = {r.id: r for r in db.session.scalars(select(Rhk).where(Rhk.id.in_(ids)))}
    grouped: dict[int, list[service.StepView]] = {}
    for view in service.views(db.session, found):
        grouped.setdefault(view.step.rhk_id, []).append(view)
    return [(rhks[rhk_id], views) for rhk_id, views in grouped.items() if rhk_id in rhks]


def entry_choices(
    employee_id: int | None, year: int | None = None
) -> list[tuple[Rhk, list[RencanaAksi]]]:
    """Per result a daily entry of `year` (this year) may serve, the steps it may name."""
    if not employee_id:
        return []
    year = year or clock.this_year()
    results = [rhk for rhk, _ikis in log_service.choices(db.session, employee_id, year)]
    steps = service.entry_choices(db.session, [r.id for r in results])
    found = [(r, [s for s in steps if s.rhk_id == r.id]) for r in results]
    return [(r, listed) for r, listed in found if listed]


# --- changing ----------------------------------------------------------------------------------
def _form() -> dict[str, str]:
    return {name: request.form.get(name, "") for name in service.FIELDS if name in request.form}


def _back(skp: Skp, rhk_id: int | None) -> Any:
    anchor = f"aksi-{rhk_id}" if rhk_id else "rencana-aksi"
    return redirect(url_for("skp.show", skp_id=skp.id, saved=1, _anchor=anchor), code=303)


def _page(skp: Skp, step: RencanaAksi | None, problem: Problem, values: dict[str, Any]) -> Any:
    may_edit, may_mark = _rights(skp)
    view = service.views(db.session, [step])[0] if step is not None else None
    rhk_id = values.get("rhk_id") or (step.rhk_id if step else None)
    return form_page(
        "skp_aksi.html",
        problem,
        skp=skp,
        step=step,
        view=view,
        values=values,
        rhks=[r for r in skps.rhk_rows(db.session, skp) if not r.proposed],
        rhk_id=str(rhk_id or ""),
        periods=years.periods_of(db.session, skp.year),
        may_edit=may_edit,
        may_mark=may_mark,
        statuses=STATUSES,
        field_errors=getattr(problem, "errors", None) or {},
    )


def _change(skp: Skp, step: RencanaAksi | None, change: Any, values: dict[str, Any]) -> Any:
    """Run `change`; on success commit and go back to the result on the SKP page, else roll
    back and show the step's form again with why."""
    step_id = step.id if step is not None else None
    rhk_id = step.rhk_id if step is not None else None
    try:
        done = change()
    except ServiceError as problem:
        db.session.rollback()
        skp = _skp(skp.id)
        again = service.get(db.session, skp, step_id) if step_id is not None else None
        return _page(skp, again, problem, values)
    db.session.commit()
    return _back(skp, done.rhk_id if isinstance(done, RencanaAksi) else rhk_id)


@bp.post("")
def create(skp_id: int) -> Any:
    skp = _skp(skp_id, perm.EDIT)
    values = _form()
    # the API's schema: one reading of a step
    return _change(
        skp, None, lambda: service.create(db.session, skp, StepInput().read(values)), values
    )


@bp.get("/<int:step_id>")
def show(skp_id: int, step_id: int) -> Any:
    skp = _skp(skp_id)
    step = service.get(db.session, skp, step_id)
    return _page(skp, step, None, {})


@bp.post("/<int:step_id>")
def update(skp_id: int, step_id: int) -> Any:
    skp = _skp(skp_id, perm.EDIT)
    step = service.get(db.session, skp, step_id)
    values = _form()
    return _change(
        skp,
        step,
        lambda: service.update(db.session, skp, step, StepPatch().read(values, partial=True)),
        values,
    )


@bp.post("/<int:step_id>/delete")
def delete(skp_id: int, step_id: int) -> Any:
    skp = _skp(skp_id, perm.EDIT)
    step = service.get(db.session, skp, step_id)
    return _change(skp, step, lambda: service.delete(db.session, skp, step), {})


@bp.post("/<int:step_id>/done")
def mark(skp_id: int, step_id: int) -> Any:
    skp = _skp(skp_id, perm.EDIT)
    step = service.get(db.session, skp, step_id)
    done = request.form.get("done") == "1"
    return _change(skp, step, lambda: service.mark(db.session, current(), skp, step, done), {})
