"""The plugin's own page: a month's immunisation coverage per antigen and per puskesmas,
against the agency's target, over the reports its reader may see (and saying whose those are),
and the registered puskesmas that have not reported."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from kinerja.plugins import api
from kinerja_dinkes import coverage, registry
from kinerja_dinkes.catalogue import IMMUNISATION, NAME

bp = Blueprint("dinkes", __name__, template_folder="templates")

MONTHS = (
    ("Januari", "January"),
    ("Februari", "February"),
    ("Maret", "March"),
    ("April", "April"),
    ("Mei", "May"),
    ("Juni", "June"),
    ("Juli", "July"),
    ("Agustus", "August"),
    ("September", "September"),
    ("Oktober", "October"),
    ("November", "November"),
    ("Desember", "December"),
)


@bp.get("/cakupan")
def coverage_page() -> Any:
    """`?month=11&year=2026` (the selectors) or `?month=2026-11` (a link); this month else."""
    month = api.month(request.args.get("month"), request.args.get("year"))
    # The same rows as the core's monthly summary of the form for this reader and month
    # (`api.submissions` filters with the summary's rule), so the two pages agree.
    rows = api.submissions(IMMUNISATION.code, month)
    scope = api.scope()
    target = int(api.settings(NAME)["target_coverage"])
    places = registry.places()
    return render_template(
        "dinkes/coverage.html",
        scope=scope,
        whole=coverage.total("", rows, target),
        reports=len(rows),
        antigens=coverage.by(rows, "antigen", target),
        puskesmas=coverage.by(rows, "puskesmas", target),
        reporting=coverage.reporting((p.name for p in places), rows),
        places={p.name: p for p in places},
        target=target,
        month=month,
        month_name=api.in_language(*MONTHS[month.month - 1]),
        months=[api.in_language(*names) for names in MONTHS],
        years=coverage.years_offered(month.year, api.clock.this_year()),
    )
