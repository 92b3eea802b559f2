"""Who sees the agency as a whole: its head (whoever holds the top position) and the people and
positions the admin OPD names (the sekretaris …); the list, and the admin's changes to it."""

from __future__ import annotations

from typing import Any

from flask import g, request
from sqlalchemy import select

from kinerja import permissions as perm
from kinerja.db import db
from kinerja.identity.principal import require
from kinerja.people import overseers
from kinerja.people.models import Employee, Position
from kinerja.people.permissions import VIEWERS
from kinerja.web.admin import bp
from kinerja.web.forms import Problem, form_page, submit, whole_number
from kinerja.web.paging import paged_list


@bp.route("/viewers", methods=["GET", "POST"])
def viewers_page() -> Any:
    principal = require(perm.VIEW, perm.Resource(VIEWERS, g.tenant.id))
    problem: Problem = None
    if request.method == "POST":
        require(perm.MANAGE, perm.Resource(VIEWERS, g.tenant.id))
        remove = whole_number(request.form.get("remove"))
        employee = whole_number(request.form.get("employee_id"))
        position = whole_number(request.form.get("position_id"))

        def change() -> None:
            if remove is not None:
                overseers.unname(db.session, remove)
            else:
                overseers.name(db.session, employee, position)

        done, problem = submit(change, "admin.viewers_page")
        if done:
            return done
    manages = perm.can(principal, perm.MANAGE, perm.Resource(VIEWERS, g.tenant.id))
    return form_page(
        "viewers.html",
        problem,
        heads=overseers.heads(db.session),
        named=paged_list(overseers.listing(db.session), keep={}),
        manages=manages,
        # The choices only for whoever may change the list, every one of them: a choice cut
        # off would be a person or a position that cannot be named.
        employees=db.session.execute(
            select(Employee.id, Employee.name).where(Employee.active).order_by(Employee.name)
        ).all()
        if manages
        else [],
        positions=db.session.execute(
            select(Position.id, Position.name).order_by(Position.name)
        ).all()
        if manages
        else [],
    )
