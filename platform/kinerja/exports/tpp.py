"""The TPP as files: the agency's month for the finance office (a background export, one kind
per month: the export record keeps a year, its kind names the month), and the city's totals per
agency (aggregates only, small: written at once).

Numbers stay numbers (rupiah as whole numbers, percentages as decimals): the finance office sums
and checks them in its spreadsheet. The two components in rupiah add up to the total: the
disiplin part is the total less the rounded kinerja part, so no rupiah appears or vanishes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from kinerja import numbers
from kinerja.exports.tables import Table
from kinerja.exports.writers import XLSX_MONEY, XLSX_PERCENT, Column
from kinerja.i18n import _
from kinerja.presentation import formats, labels
from kinerja.rules.tpp import tpp_parts

PREFIX = "tpp_"  # + the month, two digits: tpp_03
# XLSX columns: rupiah with thousands separators, percentages with two decimals (never "100."),
# wide enough for a NIP (18 digits), a name, the money.
TEXT, NAME, SMALL = Column(width=21), Column(width=32), Column("0", 10)
MONEY, PERCENT = Column(XLSX_MONEY, 16), Column(XLSX_PERCENT, 13)


def sheet_of(year: int, month: int) -> str:
    """The sheet's name: short, in Excel's 31 characters, the same in every language."""
    return f"TPP {year}-{month:02d}"


def kind_of(month: int) -> str:
    return f"{PREFIX}{month:02d}"


def month_of_kind(kind: str) -> int | None:
    return numbers.whole(kind.removeprefix(PREFIX), 1, 12) if kind.startswith(PREFIX) else None


def kind_words() -> dict[str, str]:
    """Each month's kind in the reader's words ("TPP November"; the list adds the year)."""
    return {kind_of(n): f"TPP {name}" for n, name in enumerate(formats.month_names(), start=1)}


def agency_month(session: Session, year: int, month: int, **extra: Any) -> Table:
    """The agency's month: each employee's current line, by name."""
    from kinerja.tpp import service

    found = service.month_of(session, year, month)
    rows: list[list[Any]] = []
    if found is not None:
        for line in session.execute(service.current_lines(session, found.id)):
            kinerja, disiplin = tpp_parts(
                line.base, line.weight_kinerja, line.kinerja_pct, line.total
            )
            rows.append(
                [
                    line.nip,
                    line.name,
                    line.kelas,
                    line.base,
                    Decimal(line.kinerja_pct),
                    Decimal(line.disiplin_pct),
                    kinerja,
                    disiplin,
                    line.total,
                    line.version,
                ]
            )
    headers = [
        "NIP",
        _("Name"),
        _("Kelas jabatan"),
        _("Base (Rp)"),
        _("Kinerja (%)"),
        _("Disiplin (%)"),
        _("Kinerja part (Rp)"),
        _("Disiplin part (Rp)"),
        _("TPP (Rp)"),
        _("Version"),
    ]
    state = labels.label("tpp.status", found.status) if found else _("not computed")
    title = f"TPP {formats.month(date(year, month, 1))} ({state})"
    columns = [TEXT, NAME, SMALL, MONEY, PERCENT, PERCENT, MONEY, MONEY, MONEY, SMALL]
    return Table(title, [str(h) for h in headers], rows, columns, sheet_of(year, month))


# The kinds the export job knows: one per month, the record's year completing it.
def _of_month(month: int, session: Session, year: int, **extra: Any) -> Table:
    return agency_month(session, year, month)


KINDS: dict[str, Callable[..., Table]] = {kind_of(n): partial(_of_month, n) for n in range(1, 13)}


def city_totals(session: Session, year: int, month: int) -> Table:
    """The city's month per agency: aggregates only (no NIP, no name, no line)."""
    from kinerja.tpp import totals

    rows = totals.city_totals(session, year, month)
    body: list[list[Any]] = [
        [
            r.name,
            str(labels.label("tpp.status", r.status)) if r.status else str(_("not computed")),
            r.employees,
            r.total,
            r.kinerja_avg,
            r.disiplin_avg,
            round(r.total / r.employees) if r.employees else None,
        ]
        for r in rows
    ]
    summed = totals.city_sum(rows)
    body.append(
        [
            str(_("Kota Medan")),
            "",
            summed["employees"],
            summed["total"],
            None,
            None,
            round(summed["total"] / summed["employees"]) if summed["employees"] else None,
        ]
    )
    headers = [
        _("Agency"),
        _("Month's state"),
        _("Employees"),
        _("TPP (Rp)"),
        _("Average kinerja (%)"),
        _("Average disiplin (%)"),
        _("Average TPP (Rp)"),
    ]
    title = f"TPP {formats.month(date(year, month, 1))}"
    columns = [NAME, Column(width=14), SMALL, MONEY, PERCENT, PERCENT, MONEY]
    return Table(title, [str(h) for h in headers], body, columns, sheet_of(year, month))
