"""The city's TPP of a month per agency, for the city admin: aggregates only (employees, the
total, the averages; never a NIP, a name or a line), paged, one card per agency on a phone, and
as XLSX or CSV (small: written at once, in the reader's language and CSV conventions)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Response, request

from kinerja import clock, numbers
from kinerja.db import db
from kinerja.exports import tpp as files
from kinerja.exports import writers
from kinerja.presentation.formats import iso_month
from kinerja.tpp import totals
from kinerja.web.city import bp, city_admin_only
from kinerja.web.forms import form_page
from kinerja.web.paging import paged_list

PAGE = 20  # agencies a page (the city has 58)


def _month() -> tuple[int, int]:
    """`?month=YYYY-MM` as asked (within the performance years), else last month: the one the
    finance office pays."""
    from kinerja.performance.years import FIRST_YEAR, LAST_YEAR

    asked = numbers.year_month(request.args.get("month", ""), FIRST_YEAR, LAST_YEAR)
    if asked is not None:
        return asked
    last = clock.this_month() - timedelta(days=1)
    return last.year, last.month


@bp.get("/tpp/totals")
def tpp_totals() -> Any:
    refused = city_admin_only()
    if refused is not None:
        return refused
    year, month = _month()
    rows = totals.city_totals(db.session, year, month)
    chosen = date(year, month, 1)
    return form_page(
        "city_tpp.html",
        None,
        day=chosen,
        rows=paged_list(rows, size=PAGE, keep={"month": iso_month(chosen)}),
        city=totals.city_sum(rows),
    )


@bp.get("/tpp/totals.<any(xlsx, csv):fmt>")
def tpp_totals_file(fmt: str) -> Any:
    refused = city_admin_only()
    if refused is not None:
        return refused
    year, month = _month()
    table = files.city_totals(db.session, year, month)
    name = f"kinerja-tpp-{year}-{month:02d}.{fmt}"
    data = writers.WRITERS[fmt](table.title, table.headers, table.rows, **table.layout())
    return Response(
        data,
        mimetype=writers.CONTENT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
