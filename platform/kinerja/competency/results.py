"""Results of assessments: per person the assessed level against the required one per
competency (the gap), the JPM and its category, suggestions to close the gaps, the nine-box
place and its history; per agency the gap heat-map, the JPM distribution and the grid.

Results come from closed campaigns only: while a campaign is open nothing of it shows, to
anyone (a result moving at the first answer would tell who answered, read beside the tasks).
Peer and subordinate ratings only ever leave this module as a mean with a count, and only when
at least the campaign's minimum of raters of that source answered (`scoring.sources_of`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja import audit, rules
from kinerja import permissions as perm
from kinerja.competency import campaigns, scoring, standards
from kinerja.competency.models import (
    AssessmentCampaign,
    AssessmentRating,
    AssessmentSubject,
)
from kinerja.competency.models import (
    DevelopmentOption as OwnOption,
)
from kinerja.competency.permissions import TALENT
from kinerja.db.load import load_or_404
from kinerja.exceptions import NotFound
from kinerja.people.models import Employee
from kinerja.performance.evaluation.models import Evaluation
from kinerja.plugins.types import Competency, DevelopmentOption

APPROVED = "approved"


@dataclass
class Line:
    """One competency of a person's result."""

    code: str
    name: str
    group: str
    required: int | None
    assessed: Decimal | None
    gap: Decimal | None
    sources: dict[str, scoring.SourceView]
    comments: list[tuple[str, str]]  # (source, text): named sources, or anonymous ones shown
    suggestions: list[DevelopmentOption] = field(default_factory=list)


@dataclass
class Result:
    employee_id: int
    campaign: AssessmentCampaign | None
    lines: list[Line]
    jpm: Decimal | None
    category: str | None
    predikat: str | None  # the latest approved annual one
    kinerja: str | None
    potensial: str | None
    box: int | None
    minimum: int = rules.MIN_GROUP  # raters an anonymous source needs to be shown


def group_minimum() -> int:
    """The fewest people an aggregate about others may stand on (`KINERJA_MIN_GROUP`; the
    rule's default outside an application)."""
    if has_app_context():
        return int(current_app.config.get("MIN_GROUP", rules.MIN_GROUP))
    return rules.MIN_GROUP


def latest_campaigns(session: Session, employee_ids: Iterable[int]) -> dict[int, int]:
    """{employee id: id of the campaign their results come from}: the latest closed one (an
    open campaign shows nothing until it closes)."""
    rows = session.execute(
        select(AssessmentSubject.employee_id, AssessmentCampaign.id)
        .join(AssessmentCampaign, AssessmentCampaign.id == AssessmentSubject.campaign_id)
        .where(
            AssessmentSubject.employee_id.in_(list(employee_ids)),
            AssessmentCampaign.status == campaigns.CLOSED,
        )
        .order_by(AssessmentCampaign.ends, AssessmentCampaign.id)
    )
    return {employee_id: campaign_id for employee_id, campaign_id in rows}  # the last one wins


def latest_predikat(session: Session, employee_ids: Iterable[int]) -> dict[int, str]:
    """{employee id: predikat of their latest approved annual evaluation}."""
    rows = session.execute(
        select(Evaluation.employee_id, Evaluation.predikat)
        .where(
            Evaluation.employee_id.in_(list(employee_ids)),
            Evaluation.period == 0,
            Evaluation.status == APPROVED,
            Evaluation.predikat.is_not(None),
        )
        .order_by(Evaluation.year, Evaluation.version)
    )
    return {employee_id: str(p) for employee_id, p in rows}


@dataclass(frozen=True)
class Given:
    """One rating as the results read it (no rater: results never need one)."""

    source: str
    code: str
    level: int
    comment: str | None


def _ratings(
    session: Session, pairs: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], list[Given]]:
    """Ratings per (campaign id, employee id), read as plain rows (a whole agency's ratings
    are thousands: ORM objects would cost more than the arithmetic)."""
    wanted = set(pairs)
    found: dict[tuple[int, int], list[Given]] = defaultdict(list)
    if not wanted:
        return found
    rows = session.execute(
        select(
            AssessmentRating.campaign_id,
            AssessmentRating.subject_id,
            AssessmentRating.source,
            AssessmentRating.code,
            AssessmentRating.level,
            AssessmentRating.comment,
        ).where(
            AssessmentRating.campaign_id.in_({c for c, _e in wanted}),
            AssessmentRating.subject_id.in_({e for _c, e in wanted}),
        )
    )
    for campaign_id, subject_id, source, code, level, comment in rows:
        key = (campaign_id, subject_id)
        if key in wanted:
            found[key].append(Given(source, code, level, comment))
    return found


def suggestions(
    gap: Decimal | None, code: str, options: Sequence[DevelopmentOption]
) -> list[DevelopmentOption]:
    """The catalogue's options for a gap below zero: those of the competency first, then the
    general ones, each only from its smallest gap up."""
    if gap is None or gap >= 0:
        return []
    short = -gap
    own = [o for o in options if o.code == code and short >= o.min_gap]
    general = [o for o in options if o.code == "*" and short >= o.min_gap]
    return own + general


def _lines(
    ratings: Sequence[Given],
    required: Mapping[str, int],
    dictionary: Mapping[str, Competency],
    minimum: int,
    weights: Mapping[str, int],
    options: Sequence[DevelopmentOption],
    closed: bool,
) -> list[Line]:
    by_code: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    notes: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in ratings:
        by_code[r.code][r.source].append(r.level)
        if r.comment:
            notes[r.code].append((r.source, r.comment))
    lines = []
    for code in sorted(set(required) | set(by_code), key=lambda c: (c not in required, c)):
        views = scoring.sources_of(by_code.get(code, {}), minimum, closed)
        assessed = scoring.assessed_level(views, weights)
        needed = required.get(code)
        gap = None if needed is None else (assessed or Decimal(0)) - needed
        shown = sorted(
            (s, text) for s, text in notes.get(code, []) if not views[s].hidden
        )  # sorted: the order of answers must not tell who wrote what
        competency = dictionary.get(code)
        lines.append(
            Line(
                code=code,
                name=competency.name if competency else code,
                group=competency.group if competency else "",
                required=needed,
                assessed=assessed,
                gap=gap,
                sources=views,
                comments=shown,
                suggestions=suggestions(gap, code, options),
            )
        )
    return lines


def options_of(
    session: Session, contributed: Iterable[DevelopmentOption]
) -> list[DevelopmentOption]:
    """The catalogue: the plugins' options (the core's included) and the agency's own rows."""
    own = [
        DevelopmentOption(o.code, o.kind, o.text, o.text)
        for o in session.scalars(select(OwnOption).order_by(OwnOption.id))
    ]
    return own + list(contributed)


def of_people(
    session: Session,
    employee_ids: Sequence[int],
    dictionary: Mapping[str, Competency],
    options: Sequence[DevelopmentOption] = (),
    campaign_of: Mapping[int, int] | None = None,
) -> dict[int, Result]:
    """Results of many people at once (a handful of queries, whatever their number); each from
    their latest closed campaign unless `campaign_of` names one (a campaign not closed counts
    as none)."""
    policy = standards.policy(session)
    chosen = (
        dict(campaign_of) if campaign_of is not None else latest_campaigns(session, employee_ids)
    )
    found_campaigns = {
        c.id: c
        for c in session.scalars(
            select(AssessmentCampaign).where(
                AssessmentCampaign.id.in_(set(chosen.values())),
                AssessmentCampaign.status == campaigns.CLOSED,
            )
        )
    }
    ratings = _ratings(session, [(c, e) for e, c in chosen.items()])
    required = campaigns.required_of(session, employee_ids, dictionary)
    predikat = latest_predikat(session, employee_ids)
    floor = group_minimum()
    results = {}
    for employee_id in employee_ids:
        campaign = found_campaigns.get(chosen.get(employee_id, -1))
        needed = required.get(employee_id, {})
        # the campaign's anonymity minimum, never below the deployment's group minimum
        minimum = max(campaign.minimum, floor) if campaign is not None else floor
        lines = (
            _lines(
                ratings.get((campaign.id, employee_id), []),
                needed,
                dictionary,
                minimum,
                campaign.sources,
                options,
                campaign.status == campaigns.CLOSED,
            )
            if campaign is not None
            else []
        )
        assessed = {ln.code: ln.assessed for ln in lines if ln.assessed is not None}
        percent = rules.jpm(assessed, needed) if assessed and needed else None
        kinerja = scoring.kinerja(predikat.get(employee_id))
        potensial = scoring.potensial(percent, policy.cut_offs)
        results[employee_id] = Result(
            employee_id=employee_id,
            campaign=campaign,
            lines=lines,
            jpm=percent,
            category=rules.jpm_category(percent, policy.jpm_scale) if percent is not None else None,
            predikat=predikat.get(employee_id),
            kinerja=kinerja,
            potensial=potensial,
            box=scoring.box(kinerja, potensial),
            minimum=minimum,
        )
    return results


def history(
    session: Session, employee_id: int, dictionary: Mapping[str, Competency]
) -> list[tuple[int, str, str | None, int | None]]:
    """(year, predikat, potensial, box) for each year with an approved annual evaluation: the
    potensial from the latest campaign that ended within or before that year."""
    policy = standards.policy(session)
    years = list(
        session.execute(
            select(Evaluation.year, Evaluation.predikat)
            .where(
                Evaluation.employee_id == employee_id,
                Evaluation.period == 0,
                Evaluation.status == APPROVED,
            )
            .order_by(Evaluation.year, Evaluation.version)
        )
    )
    assessed_in = list(
        session.execute(
            select(AssessmentCampaign.id, AssessmentCampaign.ends)
            .join(AssessmentSubject, AssessmentSubject.campaign_id == AssessmentCampaign.id)
            .where(
                AssessmentSubject.employee_id == employee_id,
                AssessmentCampaign.status == campaigns.CLOSED,
            )
            .order_by(AssessmentCampaign.ends, AssessmentCampaign.id)
        )
    )
    found: dict[int, tuple[int, str, str | None, int | None]] = {}
    for year, predikat in years:
        usable = [cid for cid, ends in assessed_in if ends <= date(year, 12, 31)]
        potensial = None
        if usable:
            result = of_people(session, [employee_id], dictionary, (), {employee_id: usable[-1]})
            potensial = scoring.potensial(result[employee_id].jpm, policy.cut_offs)
        kinerja = scoring.kinerja(predikat)
        found[year] = (year, str(predikat), potensial, scoring.box(kinerja, potensial))
    return [found[y] for y in sorted(found, reverse=True)]


# --- the agency -----------------------------------------------------------------------------------
def grid(results: Iterable[Result], minimum: int) -> rules.Shown[dict[int, list[int]]]:
    """{box 1-9: employee ids placed in it}, withheld when fewer than `minimum` are placed
    (the counts of a handful would place each of them)."""
    boxes: dict[int, list[int]] = {n: [] for n in range(1, 10)}
    for result in results:
        if result.box is not None:
            boxes[result.box].append(result.employee_id)
    return rules.suppress(boxes, sum(len(ids) for ids in boxes.values()), minimum)


def jpm_distribution(
    results: Iterable[Result], scale: str, minimum: int
) -> rules.Shown[dict[str, int]]:
    """People per JPM category, withheld when fewer than `minimum` have one."""
    categories = [category for _lowest, category in rules.JPM_SCALES[scale]]
    counts = dict.fromkeys(categories, 0)
    for result in results:
        if result.category in counts:
            counts[result.category] += 1
    return rules.suppress(counts, sum(counts.values()), minimum)


def heatmap(
    results: Mapping[int, Result], units: Mapping[int, Any], minimum: int
) -> tuple[list[str], dict[Any, dict[str, rules.Shown[Decimal]]]]:
    """(competency codes, {unit: {code: mean gap}}) over people with results, `units` giving
    each person's unit (any label); a cell of fewer than `minimum` people is withheld."""
    sums: dict[Any, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    codes: set[str] = set()
    for employee_id, result in results.items():
        for line in result.lines:
            if line.gap is not None and line.assessed is not None:
                sums[units.get(employee_id)][line.code].append(line.gap)
                codes.add(line.code)
    table = {
        unit: {
            code: rules.suppress(
                (sum(gaps, Decimal(0)) / len(gaps)).quantize(scoring.CENT), len(gaps), minimum
            )
            for code, gaps in by_code.items()
        }
        for unit, by_code in sums.items()
    }
    return sorted(codes), table


def opened(
    session: Session,
    viewer_id: int | None,
    employee_id: int,
    dictionary: Mapping[str, Competency],
    options: Sequence[DevelopmentOption],
) -> tuple[Employee, Result]:
    """A person of this agency (404 otherwise) and their result, for a viewer the caller has
    let see it; opening someone else's result is audited."""
    employee = load_or_404(session, Employee, employee_id)
    found = of_people(session, [employee_id], dictionary, options)[employee_id]
    if viewer_id != employee_id:  # who opened whose results stays on record
        audit.record(
            session, "talent.open", "employee", employee_id, subject_employee_id=employee_id
        )
    return employee, found


def visible(
    session: Session, principal: perm.Principal, dictionary: Mapping[str, Competency]
) -> tuple[list[Employee], dict[int, Result]]:
    """The people whose results the principal sees as a group, by the talent rule's own filter
    (`perm.reach`): everyone for the admin OPD and the city admin inside; for a superior, those
    below them (their own result is theirs to open, not part of a group); 404 for others."""
    seen = perm.reach(principal, TALENT)
    others = seen.employee_ids - {principal.employee_id}
    if not seen.everyone and not others:
        raise NotFound()
    query = select(Employee).where(Employee.active).order_by(Employee.name)
    if not seen.everyone:
        query = query.where(perm.Reach(employee_ids=others).where(Employee.id))
    people = list(session.scalars(query))
    return people, of_people(session, [p.id for p in people], dictionary)
