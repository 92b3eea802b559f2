"""The tables people need on paper, read inside the agency: each kind is a function of the
session and the year to (title, headers, rows). Headers are in the reader's language; values
are plain (numbers stay numbers, dates stay dates: `writers` shows them per format)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kinerja import clock
from kinerja.city.figures import share, working_days
from kinerja.exports import writers
from kinerja.i18n import _
from kinerja.organisation.models import OrgUnit
from kinerja.people.models import Employee, Position
from kinerja.performance.evaluation import service as evaluations
from kinerja.performance.evaluation.labels import PREDIKAT_WORDS
from kinerja.performance.evaluation.models import Evaluation
from kinerja.performance.log import rules as log_rules
from kinerja.performance.log.models import WorkEntry
from kinerja.performance.models import Skp
from kinerja.plugins.types import Competency
from kinerja.presentation import formats, labels


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list[Any]]
    # XLSX only (optional): each column's format and width, and the sheet's name
    columns: list[writers.Column] | None = None
    sheet: str | None = None

    def layout(self) -> dict[str, Any]:
        """The writers' optional arguments (the XLSX writer uses them, the others ignore)."""
        return {"columns": self.columns, "sheet": self.sheet}


def _people(session: Session) -> list[tuple[Employee, str, str]]:
    """Active employees with their position and unit names, by name."""
    return [
        (e, position or "", unit or "")
        for e, position, unit in session.execute(
            select(Employee, Position.name, OrgUnit.name)
            .outerjoin(Position, Position.id == Employee.position_id)
            .outerjoin(OrgUnit, OrgUnit.id == Employee.org_unit_id)
            .where(Employee.active)
            .order_by(Employee.name)
        )
    ]


def skp_list(session: Session, year: int, **extra: Any) -> Table:
    from kinerja.i18n import skp_status_label

    plans = {s.employee_id: s for s in session.scalars(select(Skp).where(Skp.year == year))}
    rows = []
    for e, position, unit in _people(session):
        plan = plans.get(e.id)
        rows.append(
            [
                e.name,
                e.nip,
                position,
                unit,
                str(skp_status_label(plan.status)) if plan else str(_("No SKP")),
                plan.version if plan else None,
                clock.day_of(plan.decided_at) if plan and plan.decided_at else None,
            ]
        )
    headers = [
        _("Name"),
        "NIP",
        _("Position"),
        _("Work unit"),
        _("SKP"),
        _("Version"),
        _("Decided"),
    ]
    return Table(str(_("SKP of %(year)s", year=year)), [str(h) for h in headers], rows)


def log_compliance(session: Session, year: int, today: date | None = None, **extra: Any) -> Table:
    today = today or clock.today()
    first, last = date(year, 1, 1), min(today, date(year, 12, 31))
    days = working_days(first, last, log_rules.holidays()) if last >= first else 0
    sent_days = dict(
        (employee_id, int(n))
        for employee_id, n in session.execute(
            select(WorkEntry.employee_id, func.count(func.distinct(WorkEntry.entry_date)))
            .where(WorkEntry.entry_date.between(first, last), WorkEntry.status != log_rules.DRAFT)
            .group_by(WorkEntry.employee_id)
        )
    )
    on_time = dict(
        (employee_id, (int(sent), int(good)))
        for employee_id, sent, good in session.execute(
            select(
                WorkEntry.employee_id,
                func.count(),
                func.count().filter(
                    WorkEntry.status == log_rules.APPROVED, WorkEntry.late.is_(False)
                ),
            )
            .where(WorkEntry.entry_date.between(first, last), WorkEntry.status != log_rules.DRAFT)
            .group_by(WorkEntry.employee_id)
        )
    )
    rows = []
    for e, _position, unit in _people(session):
        sent, good = on_time.get(e.id, (0, 0))
        with_entry = sent_days.get(e.id, 0)
        rows.append(
            [
                e.name,
                e.nip,
                unit,
                days,
                with_entry,
                share(with_entry, days),
                sent,
                share(good, sent),
            ]
        )
    headers = [
        _("Name"),
        "NIP",
        _("Work unit"),
        _("Working days"),
        _("Days with work sent"),
        _("Share in percent"),
        _("Entries sent"),
        _("Approved on time in percent"),
    ]
    return Table(
        str(_("Daily work compliance %(year)s", year=year)), [str(h) for h in headers], rows
    )


def evaluation_results(session: Session, year: int, **extra: Any) -> Table:
    annual = {
        e.employee_id: e
        for e in session.scalars(
            select(Evaluation).where(Evaluation.year == year, Evaluation.period == 0)
        )
    }
    rows = []
    for e, position, unit in _people(session):
        found = annual.get(e.id)
        credit = evaluations.angka_kredit(session, found) if found and found.predikat else None
        rows.append(
            [
                e.name,
                e.nip,
                position,
                unit,
                labels.label("rating", found.rating_hasil) if found else "",
                labels.label("rating", found.rating_perilaku) if found else "",
                labels.label("predikat", found.predikat) if found else "",
                float(credit) if credit is not None else None,
                labels.label("evaluation.status", found.status) if found else "",
            ]
        )
    headers = [
        _("Name"),
        "NIP",
        _("Position"),
        _("Work unit"),
        _("Rating Hasil Kerja"),
        _("Rating Perilaku Kerja"),
        _("Predikat Kinerja"),
        _("Angka kredit"),
        _("Status"),
    ]
    title = str(_("Evaluation results %(year)s", year=year))
    return Table(title, [str(h) for h in headers], rows)


def curve_report(session: Session, year: int, **extra: Any) -> Table:
    found = evaluations.curve(session, year)
    total = sum(found.counts.values())
    rows: list[list[Any]] = [
        [str(word), found.counts.get(code, 0), share(found.counts.get(code, 0), total)]
        for code, word in PREDIKAT_WORDS.items()
    ]
    rows.append(
        [
            str(_("Organisational achievement")),
            labels.label("achievement", found.level) or "-",
            None,
        ]
    )
    rows += [[str(_("Breaks the curve")), v, None] for v in found.violations]
    headers = [_("Predikat Kinerja"), _("Employees"), _("Share in percent")]
    return Table(
        str(_("Distribution against the curve %(year)s", year=year)),
        [str(h) for h in headers],
        rows,
    )


def talent(
    session: Session, year: int, dictionary: dict[str, Competency] | None = None, **extra: Any
) -> Table:
    from kinerja.competency import results

    people = _people(session)
    found = results.of_people(session, [e.id for e, _p, _u in people], dictionary or {})
    rows = []
    for e, position, unit in people:
        result = found[e.id]
        gaps = "; ".join(  # text: in the requester's format
            f"{_competency(line.code, line.name)} {formats.number(line.gap)}"
            for line in result.lines
            if line.gap is not None and line.gap < 0
        )
        rows.append(
            [
                e.name,
                e.nip,
                position,
                unit,
                float(result.jpm) if result.jpm is not None else None,
                labels.label("talent.category", result.category),
                result.box,
                gaps,
            ]
        )
    headers = [
        _("Name"),
        "NIP",
        _("Position"),
        _("Work unit"),
        "JPM (%)",
        _("Category"),
        _("Box"),
        _("Gaps"),
    ]
    return Table(str(_("Competency gaps and nine-box")), [str(h) for h in headers], rows)


def _competency(code: str, name: str) -> str:
    """A competency by its name in the export's language (the plugins' registry), not its code."""
    return labels.label("competency", code) if labels.has("competency", code) else name


def adoption(session: Session, year: int, today: date | None = None, **extra: Any) -> Table:
    """Who uses Kinerja: signed in ever (and when last), has an SKP, logged work this week;
    those who never signed in first, for the follow-up socialisation and training."""
    from kinerja.identity.models import User

    today = today or clock.today()
    week = today - timedelta(days=today.weekday())
    last_login = {
        e_id: when
        for e_id, when in session.execute(
            select(Employee.id, User.last_login_at).join(User, User.id == Employee.user_id)
        )
    }
    planned = set(session.scalars(select(Skp.employee_id).where(Skp.year == year)))
    logged = set(session.scalars(select(WorkEntry.employee_id).where(WorkEntry.entry_date >= week)))
    yes, no = str(_("yes")), str(_("no"))
    people = sorted(
        _people(session), key=lambda p: (last_login.get(p[0].id) is not None, p[0].name)
    )
    never = str(_("never"))

    def seen(employee_id: int) -> date | str:  # a date cell (each writer shows it its way)
        when = last_login.get(employee_id)
        return clock.day_of(when) if when is not None else never

    rows = [
        [
            e.name,
            e.nip,
            unit,
            seen(e.id),
            yes if e.id in planned else no,
            yes if e.id in logged else no,
        ]
        for e, _position, unit in people
    ]
    headers = [
        _("Name"),
        "NIP",
        _("Work unit"),
        _("Last signed in"),
        _("SKP %(year)s", year=year),
        _("Logged work this week"),
    ]
    return Table(str(_("Who uses Kinerja")), [str(h) for h in headers], rows)


KINDS: dict[str, Callable[..., Table]] = {
    "skp_list": skp_list,
    "log_compliance": log_compliance,
    "evaluation_results": evaluation_results,
    "curve_report": curve_report,
    "talent": talent,
    "adoption": adoption,
}
KIND_WORDS = {
    "skp_list": _("SKP list and status"),
    "log_compliance": _("Daily work compliance"),
    "evaluation_results": _("Evaluation results with predikat"),
    "curve_report": _("Distribution against the curve"),
    "talent": _("Competency gaps and nine-box"),
    "adoption": _("Who uses Kinerja (never signed in first)"),
}
labels.register("export.kind", KIND_WORDS)


def city_comparison(session: Session, year: int, **extra: Any) -> Table:
    """Every agency's figures (aggregates only), for BKPSDM: run in BKPSDM's own agency."""
    from kinerja.city import service
    from kinerja.city.labels import ADOPTION, COLUMNS, FIGURE_WORDS

    rows = service.sort(service.table(session, year), "name", False)
    names = ["employees", *COLUMNS, *ADOPTION]
    body = [
        [
            r.name,
            labels.label("agency.kind", r.kind),
            *[r.figures.get(n) for n in names],
            r.ranks.get("skp_completion"),
        ]
        for r in rows
    ]
    totals = service.totals(rows)
    body.append([str(_("Kota Medan")), "", *[totals.get(n) for n in names], None])
    # Beside the averages, how many agencies each is over (those that report the figure).
    reported = [totals["reporting"].get(n) for n in names]
    body.append([str(_("Agencies reporting")), "", *reported, None])
    headers = [_("Agency"), _("Kind"), *[FIGURE_WORDS[n] for n in names], _("Rank")]
    return Table(str(_("Agencies compared %(year)s", year=year)), [str(h) for h in headers], body)


# Exports only the city admin asks for (never offered to an agency's admin).
CITY_KINDS: dict[str, Callable[..., Table]] = {"city_comparison": city_comparison}
