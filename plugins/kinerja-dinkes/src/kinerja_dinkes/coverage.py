"""Immunisation coverage as pure functions of the submissions (typed rows from the core)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kinerja.plugins.api import Submission


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
    shown = "-" if whole.percent is None else f"{whole.percent:.1f}%"
    verdict = "di bawah target" if whole.below else "target tercapai"
    return (
        f"{len(rows)} laporan · {whole.immunised} dari {whole.targeted} sasaran diimunisasi "
        f"({shown})",
        f"KIPI dilaporkan: {kipi}",
        f"Target cakupan {target}%: {verdict}",
    )
