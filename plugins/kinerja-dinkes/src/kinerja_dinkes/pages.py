"""The plugin's own pages: a month's immunisation coverage per antigen and per puskesmas,
against the agency's target, over the reports its reader may see (and saying whose those are),
and the registered puskesmas that have not reported; and the agency's registry of puskesmas,
which its admin fills in (the report's puskesmas is chosen from it)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for

from kinerja.plugins import api
from kinerja_dinkes import coverage, registry
from kinerja_dinkes.catalogue import IMMUNISATION, NAME

bp = Blueprint("dinkes", __name__, template_folder="templates")


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
        months=api.formats.month_names(),
        years=coverage.years_offered(month.year, api.clock.this_year()),
    )


@bp.route("/puskesmas", methods=["GET", "POST"])
def registry_page() -> Any:
    """Every member reads the registry; the agency's admin adds to it. A puskesmas is not
    renamed or removed here: reports name it, and would be counted apart."""
    admin = api.is_agency_admin(api.principal())
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not admin:
            abort(403)
        values = {f: request.form.get(f, "").strip() for f in registry.LIMITS}
        errors = registry.add(values)
        if not errors:
            return redirect(url_for("dinkes.registry_page"), code=303)
    page = render_template(
        "dinkes/registry.html",
        places=registry.places(),
        admin=admin,
        values=values,
        errors=errors,
        limits=registry.LIMITS,
    )
    return page, 422 if errors else 200
