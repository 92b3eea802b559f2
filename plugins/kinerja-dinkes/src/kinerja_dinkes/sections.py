"""The plugin's section on an SKP page: the owner's immunisation reports of the year."""

from __future__ import annotations

from kinerja.plugins import api
from kinerja_dinkes import coverage
from kinerja_dinkes.catalogue import IMMUNISATION, NAME


def immunisation_year(employee_id: int, year: int) -> list[api.SkpSection]:
    rows = api.submissions(IMMUNISATION.code, year=year, employee_id=employee_id)
    if not rows:
        return []
    target = int(api.settings(NAME)["target_coverage"])
    return [
        api.SkpSection(
            title=f"Laporan Harian Imunisasi {year}",
            title_en=f"Daily immunisation reports {year}",
            lines=coverage.year_lines(rows, target),
            lines_en=coverage.year_lines_en(rows, target),
        )
    ]
