"""The city admin's view of the performance year: the city's years (dates, open or closed) and
how many SKP each agency has in each state: counts only, never an agency's plans."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, redirect, request, url_for
from sqlalchemy import select

from kinerja import audit, rules
from kinerja import permissions as perm
from kinerja.competency import standards
from kinerja.db import db
from kinerja.exceptions import Invalid, ServiceError
from kinerja.i18n import _
from kinerja.identity.principal import current
from kinerja.people.classification import POSITION_TYPES
from kinerja.performance import flow, workflow, years
from kinerja.performance.evaluation import service as evaluation
from kinerja.tenancy.models import Tenant
from kinerja.web.forms import Problem, form_page, year_param

bp = Blueprint("city_plan", __name__, url_prefix="/city")
log = logging.getLogger("kinerja.city")


def city_admin_only() -> Any:
    """For the city admin's own pages (outside the agencies): a redirect to sign in, 404 for
    anyone else, None for the city admin."""
    principal = current()
    if not principal.authenticated:
        return redirect(url_for("auth.login", next=request.path))
    if not perm.is_city_admin(principal):
        abort(404)
    return None


def _date(field: str) -> date:
    try:
        return date.fromisoformat(request.form.get(field, "").strip())
    except ValueError:
        raise Invalid(field, _("Enter a valid date.")) from None


@bp.route("/years", methods=["GET", "POST"])
def years_page() -> Any:
    """Open or close a performance year and move its dates; SKP counts per agency."""
    refused = city_admin_only()
    if refused is not None:
        return refused
    year = year_param()
    problem: Problem = None
    if request.method == "POST":
        try:
            with db.unit_of_work() as session:
                info = years.set_year(
                    session,
                    year,
                    _date("starts"),
                    _date("ends"),
                    closed=request.form.get("closed") == "1",
                )
            # The years are the city's (no agency's audit log holds them): the log keeps who.
            log.info(
                "performance year %s set: %s to %s, closed=%s, by user %s",
                year,
                info.starts,
                info.ends,
                info.closed,
                current().user_id,
            )
            return redirect(url_for("city_plan.years_page", year=year, saved=1), code=303)
        except ServiceError as error:
            problem = error
    return _years_page(year, problem)


def _years_page(year: int, problem: Problem) -> Any:
    tenants = db.session.scalars(select(Tenant).order_by(Tenant.name)).all()
    counts = flow.city_counts(db.session, year)
    return form_page(
        "city_years.html",
        problem,
        year=year,
        info=years.info(db.session, year),
        known=years.known(db.session),
        tenants=tenants,
        counts=counts,
        states=workflow.STATES,
        totals={s: sum(c.get(s, 0) for c in counts.values()) for s in workflow.STATES},
        achievements=evaluation.city_achievements(db.session, year),
        levels=rules.ORGANISATION_LEVELS,
        city_sets=current_app.config["ACHIEVEMENT_SET_BY"] == "city",
    )


@bp.post("/achievement")
def set_achievement() -> Any:
    """The city sets an agency's achievement of a year (recorded in that agency's audit log)."""
    refused = city_admin_only()
    if refused is not None:
        return refused
    if current_app.config["ACHIEVEMENT_SET_BY"] != "city":
        abort(404)
    year = year_param()
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == request.form.get("tenant", "")))
    if tenant is None:
        abort(404)
    actor = audit.Actor(user_id=current().user_id, role="admin_kota")
    try:
        with db.unit_of_work(tenant.id) as session, audit.acting(actor):
            evaluation.set_achievement(
                session, year, request.form.get("level", ""), current().user_id
            )
    except ServiceError as problem:  # the unit of work rolled back: say why on the page
        return _years_page(year, problem)
    return redirect(url_for("city_plan.years_page", year=year, saved=1), code=303)


@bp.route("/competencies", methods=["GET", "POST"])
def competency_defaults() -> Any:
    """The city's default required competency levels per position type (and kelas jabatan)."""
    refused = city_admin_only()
    if refused is not None:
        return refused
    problem: Problem = None
    if request.method == "POST":
        try:
            with db.unit_of_work() as session:
                standards.set_default(
                    session,
                    request.form.get("position_type", ""),
                    request.form.get("from_grade"),
                    request.form.get("level"),
                )
            # Global rows (no agency's audit log holds them): the log keeps who.
            log.info(
                "competency default set: %s from grade %s to level %s, by user %s",
                request.form.get("position_type"),
                request.form.get("from_grade"),
                request.form.get("level"),
                current().user_id,
            )
            return redirect(url_for("city_plan.competency_defaults", saved=1), code=303)
        except ServiceError as error:
            problem = error
    return form_page(
        "city_competencies.html",
        problem,
        rows=standards.default_rows(db.session),
        types=POSITION_TYPES,
    )
