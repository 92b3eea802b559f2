"""The plugin's section on an SKP page: the owner's immunisation reports of the year."""

from __future__ import annotations

from sqlalchemy import extract, func, select

from kinerja.db import db
from kinerja.plugins.types import SkpSection
from kinerja.reports.models import ReportSubmission

FORM = "LHI"


def immunisation_year(employee_id: int, year: int) -> list[SkpSection]:
    count, target, done, kipi = db.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(ReportSubmission.data["sasaran"].as_integer()), 0),
            func.coalesce(func.sum(ReportSubmission.data["diimunisasi"].as_integer()), 0),
            func.coalesce(func.sum(ReportSubmission.data["kipi"].as_integer()), 0),
        ).where(
            ReportSubmission.form_code == FORM,
            ReportSubmission.employee_id == employee_id,
            ReportSubmission.status.in_(("submitted", "approved")),
            extract("year", ReportSubmission.report_date) == year,
        )
    ).one()
    if not count:
        return []
    coverage = f"{100 * done / target:.1f}%" if target else "-"
    return [
        SkpSection(
            title=f"Laporan Harian Imunisasi {year}",
            title_en=f"Daily immunisation reports {year}",
            lines=(
                f"{count} laporan · {done} dari {target} sasaran diimunisasi ({coverage})",
                f"KIPI dilaporkan: {kipi}",
            ),
        )
    ]
