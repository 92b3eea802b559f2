"""The plugin's own page: this month's immunisation coverage per antigen, for the agency."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import Blueprint, render_template, request
from sqlalchemy import select

from kinerja import clock
from kinerja.db import db
from kinerja.identity.principal import current
from kinerja.reports import service
from kinerja_dinkes.models import Puskesmas

bp = Blueprint("dinkes", __name__, template_folder="templates")


def coverage(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per antigen: Σ immunised ÷ Σ targeted over every puskesmas, in percent."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for line in lines:
        totals[line["antigen"]][0] += line.get("diimunisasi") or 0
        totals[line["antigen"]][1] += line.get("sasaran") or 0
    return [
        {
            "antigen": antigen,
            "diimunisasi": done,
            "sasaran": target,
            "cakupan": round(100 * done / target, 1) if target else None,
        }
        for antigen, (done, target) in sorted(totals.items())
    ]


@bp.get("/cakupan")
def coverage_page() -> Any:
    from kinerja_dinkes import IMMUNISATION

    month = service.parse_month(request.args.get("month"), clock.today())
    visible = service.visible_in_month(current(), IMMUNISATION.code, month)
    lines = service.summary(db.session, IMMUNISATION, "unit", visible)
    reported = {line["puskesmas"] for line in lines}
    registry = db.session.scalars(select(Puskesmas).order_by(Puskesmas.name)).all()
    silent = [p for p in registry if p.name not in reported]
    return render_template("dinkes/coverage.html", rows=coverage(lines), month=month, silent=silent)
