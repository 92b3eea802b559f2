"""Immunisation coverage as pure functions of the submissions (typed rows from the core)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kinerja.plugins.api import Submission, formats

ID = "id"


@dataclass(frozen=True)
class Coverage:
    """Σ immunised ÷ Σ targeted of one antigen or one puskesmas, against the agency's target."""

    name: str
    immunised: int
    targeted: int
    target: int  # percent: the agency's setting `target_coverage`

    @property
    def percent(self) -> float | None:
        """None when nobody was targeted (no percentage, not a division by zero)."""
        return round(100 * self.immunised / self.targeted, 1) if self.targeted else None

    @property
    def below(self) -> bool:
        return self.percent is not None and self.percent < self.target


def total(name: str, rows: Iterable[Submission], target: int) -> Coverage:
    """The coverage of `rows` taken together."""
    immunised = targeted = 0
    for row in rows:
        immunised += row.values.get("diimunisasi") or 0
        targeted += row.values.get("sasaran") or 0
    return Coverage(name, immunised, targeted, target)


def by(rows: Iterable[Submission], field: str, target: int) -> list[Coverage]:
    """Coverage per value of `field` ("antigen" or "puskesmas"), sorted by that value."""
    groups: dict[str, list[Submission]] = {}
    for row in rows:
        groups.setdefault(str(row.values.get(field, "")), []).append(row)
    return [total(name, found, target) for name, found in sorted(groups.items())]


def year_lines(rows: list[Submission], target: int) -> tuple[str, ...]:
    """The lines of the SKP section: how many reports, how many immunised, against the target."""
    whole = total("", rows, target)
    kipi = sum(row.values.get("kipi") or 0 for row in rows)
    verdict = "di bawah target" if whole.below else "target tercapai"
    number, percent = formats.number, formats.percent
    return (  # Indonesian text, so Indonesian numbers whatever the reader's language
        f"{len(rows)} laporan · {number(whole.immunised, locale=ID)} dari "
        f"{number(whole.targeted, locale=ID)} sasaran diimunisasi "
        f"({percent(whole.percent, locale=ID)})",
        f"KIPI dilaporkan: {number(kipi, locale=ID)}",
        f"Target cakupan {percent(target, locale=ID)}: {verdict}",
    )


def year_lines_en(rows: list[Submission], target: int) -> tuple[str, ...]:
    """`year_lines` in English, for the SKP section's English readers."""
    whole = total("", rows, target)
    kipi = sum(row.values.get("kipi") or 0 for row in rows)
    shown = "-" if whole.percent is None else f"{whole.percent:.1f}%"
    verdict = "below the target" if whole.below else "target reached"
    return (
        f"{len(rows)} reports · {whole.immunised} of {whole.targeted} target children "
        f"immunised ({shown})",
        f"Adverse events reported: {kipi}",
        f"Coverage target {target}%: {verdict}",
    )


@dataclass(frozen=True)
class Reporting:
    """How many of the registered puskesmas reported: never more than are registered (a name
    outside the registry, from before the field was a choice, is listed apart, not counted)."""

    reported: tuple[str, ...]  # registered names with a report, by name
    silent: tuple[str, ...]  # registered names without one
    unregistered: tuple[str, ...]  # names reported that the registry does not hold


def reporting(registered: Iterable[str], rows: Iterable[Submission]) -> Reporting:
    names = set(registered)
    seen = {str(row.values.get("puskesmas", "")) for row in rows}
    return Reporting(
        tuple(sorted(names & seen)), tuple(sorted(names - seen)), tuple(sorted(seen - names))
    )


def years_offered(chosen: int, this_year: int, back: int = 5) -> list[int]:
    """The year selector's years: this one and `back` before it, newest first, and the chosen
    one wherever it lies (a link may point further back)."""
    return sorted({*range(this_year - back, this_year + 1), chosen}, reverse=True)
