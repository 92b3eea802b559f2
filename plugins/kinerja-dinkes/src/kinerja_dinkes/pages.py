"""The plugin's own page: a month's immunisation coverage per antigen and per puskesmas,
against the agency's target, and the registered puskesmas that have not reported."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from sqlalchemy import select

from kinerja.plugins import api
from kinerja_dinkes import coverage
from kinerja_dinkes.catalogue import IMMUNISATION, NAME
from kinerja_dinkes.models import Puskesmas

bp = Blueprint("dinkes", __name__, template_folder="templates")


@bp.get("/cakupan")
def coverage_page() -> Any:
    month = api.month(request.args.get("month"))
    rows = api.submissions(IMMUNISATION.code, month)
    target = int(api.settings(NAME)["target_coverage"])
    with api.unit_of_work() as session:
        registry = session.scalars(select(Puskesmas).order_by(Puskesmas.name)).all()
    reported = {str(row.values.get("puskesmas")) for row in rows}
    return render_template(
        "dinkes/coverage.html",
        antigens=coverage.by(rows, "antigen", target),
        puskesmas=coverage.by(rows, "puskesmas", target),
        target=target,
        month=month,
        silent=[p for p in registry if p.name not in reported],
    )
