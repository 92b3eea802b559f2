"""Assessment campaigns: the admin OPD creates one (who, what, which sources), opens it (each
rater gets a task), raters rate, the admin closes it. Results of assessment centres are imported
all or nothing. Peer and subordinate ratings are stored without their rater."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from kinerja import audit, events, numbers, workflow
from kinerja.competency import scoring, standards
from kinerja.competency.labels import CAMPAIGN_WORDS
from kinerja.competency.models import (
    AssessmentCampaign,
    AssessmentRating,
    AssessmentSubject,
    AssessmentTask,
)
from kinerja.db.load import load_or_404
from kinerja.exceptions import Conflict, Invalid, InvalidFields, NotFound, ServiceError
from kinerja.i18n import _
from kinerja.organisation.models import OrgUnit
from kinerja.people import importer, imports
from kinerja.people.models import Employee, Position
from kinerja.performance import skp as skps
from kinerja.plugins.types import Competency
from kinerja.workflow import Machine, step

DRAFT, OPEN, CLOSED = "draft", "open", "closed"
OPEN_IT, CLOSE_IT = "open", "close"
# Who may open or close is the route's permission (the admin OPD); the table says when.
MACHINE = Machine(
    {
        (DRAFT, OPEN_IT): step(OPEN, workflow.ANYONE),
        (OPEN, CLOSE_IT): step(CLOSED, workflow.ANYONE),
    }
)
MAX_PEERS = 6  # peers asked per person: enough for the minimum, few enough to be answered
IMPORT_COLUMNS = ("nip", "kode_kompetensi", "level")
MAX_ROW_ERRORS = 50  # rows named in the answer; the rest are counted by fixing and resending


class FileRefused(ServiceError):
    """A file refused as a whole (415 not CSV or XLSX, 422 unreadable or missing columns)."""

    def __init__(self, status: int, message: Any) -> None:
        super().__init__(message)
        self.status = status


def get(session: Session, campaign_id: int) -> AssessmentCampaign:
    return load_or_404(session, AssessmentCampaign, campaign_id)


def create(
    session: Session,
    data: Mapping[str, Any],
    dictionary: Mapping[str, Competency],
    user_id: int | None,
) -> AssessmentCampaign:
    """A draft campaign from its input, loaded through `inputs.CampaignInput` (the API's body
    and the web form alike): the sources and minimum not given are the agency's policy's; the
    competencies must be in force here, the subjects employees of the agency."""
    policy = standards.policy(session)
    chosen = data.get("competencies") or []
    if any(c not in dictionary for c in chosen):
        raise Invalid("competencies", _("Choose competencies in force in this agency."))
    given = data.get("sources")
    sources = policy.weights if given is None else given
    campaign = AssessmentCampaign(
        name=data["name"],
        starts=data["starts"],
        ends=data["ends"],
        status=DRAFT,
        sources={s: int(sources.get(s, 0)) for s in scoring.RATER_SOURCES},
        minimum=policy.minimum if data.get("minimum") is None else data["minimum"],
        competencies=sorted(set(chosen)),
        created_by=user_id,
    )
    session.add(campaign)
    session.flush()
    set_subjects(session, campaign, data.get("subjects"))
    audit.record(
        session,
        "assessment.create",
        "assessment_campaign",
        campaign.id,
        changes={"name": [None, campaign.name], "sources": [None, campaign.sources]},
    )
    return campaign


def set_subjects(
    session: Session, campaign: AssessmentCampaign, chosen: Sequence[int] | None
) -> int:
    """Who is assessed: employee ids of the agency (loaded through `inputs.CampaignInput`), or
    every active employee when none."""
    if workflow.locked(session, campaign).status != DRAFT:
        raise Conflict(_("Only a draft campaign can change whom it assesses."))
    active = select(Employee.id).where(Employee.active)
    if chosen:
        found = set(session.scalars(active.where(Employee.id.in_(set(chosen)))))
        if found != set(chosen):
            raise Invalid("subjects", _("Choose employees of this agency."))
    else:
        found = set(session.scalars(active))
    if not found:
        raise Invalid("subjects", _("Nobody to assess: choose employees of this agency."))
    session.execute(delete(AssessmentSubject).where(AssessmentSubject.campaign_id == campaign.id))
    session.add_all(AssessmentSubject(campaign_id=campaign.id, employee_id=i) for i in found)
    session.flush()
    return len(found)


def people_of_unit(session: Session, unit_id: int) -> list[int]:
    """Active employees of a work unit and of every unit below it."""
    children: dict[int | None, list[int]] = {}
    for unit_id_, parent_id in session.execute(select(OrgUnit.id, OrgUnit.parent_id)):
        children.setdefault(parent_id, []).append(unit_id_)
    if not any(unit_id in ids for ids in children.values()):
        raise Invalid("unit", _("Choose a work unit of this agency."))
    units, todo = set(), [unit_id]
    while todo:
        current = todo.pop()
        if current not in units:
            units.add(current)
            todo.extend(children.get(current, []))
    return list(
        session.scalars(select(Employee.id).where(Employee.active, Employee.org_unit_id.in_(units)))
    )


def subjects(session: Session, campaign: AssessmentCampaign) -> list[int]:
    return list(
        session.scalars(
            select(AssessmentSubject.employee_id).where(
                AssessmentSubject.campaign_id == campaign.id
            )
        )
    )


def raters_of(
    person: Employee,
    people: Mapping[int, Employee],
    rater: Mapping[int, int | None],
    sources: Mapping[str, int],
) -> list[tuple[int, str]]:
    """(rater id, source) for one person: themself, their superior, up to MAX_PEERS peers and
    those below them, for the sources that count. "Superior" is who rates them (`rater`, from
    `performance.skp.rater_of`: the nearest active superior, through a vacant post), peers
    share that rater, subordinates are those they rate: the same hierarchy the SKP and the
    daily entries are decided by. `people`: the active employees."""
    found: list[tuple[int, str]] = []
    if sources.get(scoring.SELF):
        found.append((person.id, scoring.SELF))
    boss = rater.get(person.id)
    if sources.get(scoring.SUPERIOR) and boss is not None and boss in people:
        found.append((boss, scoring.SUPERIOR))
    by_name = sorted(people.values(), key=lambda p: (p.name, p.id))
    if sources.get(scoring.PEER) and boss is not None:
        peers = [p for p in by_name if rater.get(p.id) == boss and p != person]
        found += [(p.id, scoring.PEER) for p in peers[:MAX_PEERS]]
    if sources.get(scoring.SUBORDINATE):
        found += [(p.id, scoring.SUBORDINATE) for p in by_name if rater.get(p.id) == person.id]
    return found


def _refused(campaign: AssessmentCampaign, why: Any) -> Any:
    """Why a step is refused, naming the state the campaign is in now (a second click)."""
    return _(
        "%(why)s This campaign is now “%(state)s”.",
        why=why,
        state=CAMPAIGN_WORDS.get(campaign.status, campaign.status),
    )


def open_campaign(session: Session, campaign: AssessmentCampaign) -> int:
    """Open a draft: every rater gets their tasks. Returns how many tasks were made."""
    workflow.locked(session, campaign)  # two clicks on "open" make the tasks once
    if not MACHINE.decide(campaign.status, OPEN_IT, ()).allowed:
        raise Conflict(_refused(campaign, _("Only a draft campaign can be opened.")))
    # Every employee, the inactive too: loaded once, the walks through vacant posts cost no query.
    everyone = list(session.scalars(select(Employee)))
    people = {e.id: e for e in everyone if e.active}
    rater = {i: skps.rater_of(session, i) for i in people}
    made = 0
    raters: dict[int, int] = {}  # rater -> how many people they rate
    for subject_id in subjects(session, campaign):
        person = people.get(subject_id)
        if person is None:
            continue
        for rater_id, source in raters_of(person, people, rater, campaign.sources):
            session.add(
                AssessmentTask(
                    campaign_id=campaign.id, subject_id=subject_id, rater_id=rater_id, source=source
                )
            )
            made += 1
            raters[rater_id] = raters.get(rater_id, 0) + 1
    campaign.status = OPEN
    session.flush()
    events.assessment_opened.send(session, campaign=campaign, raters=raters)
    audit.record(
        session,
        "assessment.open",
        "assessment_campaign",
        campaign.id,
        changes={"tasks": [None, made]},
    )
    return made


def close_campaign(session: Session, campaign: AssessmentCampaign) -> None:
    workflow.locked(session, campaign)
    if not MACHINE.decide(campaign.status, CLOSE_IT, ()).allowed:
        raise Conflict(_refused(campaign, _("Only an open campaign can be closed.")))
    campaign.status = CLOSED
    campaign.closed_at = datetime.now(UTC)
    session.flush()
    audit.record(
        session,
        "assessment.close",
        "assessment_campaign",
        campaign.id,
        changes={"status": [OPEN, CLOSED]},
    )


def progress(session: Session, campaign: AssessmentCampaign) -> tuple[int, int]:
    """(tasks done, tasks) of the campaign."""
    done, total = session.execute(
        select(func.count().filter(AssessmentTask.done_at.is_not(None)), func.count()).where(
            AssessmentTask.campaign_id == campaign.id
        )
    ).one()
    return int(done), int(total)


# --- a rater's tasks ------------------------------------------------------------------------------
def tasks_of(session: Session, employee_id: int | None, pending: bool = True) -> list[Any]:
    """(task, campaign, subject name) of a rater in open campaigns."""
    query = (
        select(AssessmentTask, AssessmentCampaign, Employee.name)
        .join(AssessmentCampaign, AssessmentCampaign.id == AssessmentTask.campaign_id)
        .join(Employee, Employee.id == AssessmentTask.subject_id)
        .where(AssessmentTask.rater_id == (employee_id or -1), AssessmentCampaign.status == OPEN)
        .order_by(AssessmentCampaign.ends, Employee.name, AssessmentTask.id)
    )
    if pending:
        query = query.where(AssessmentTask.done_at.is_(None))
    return list(session.execute(query))


def task_of(session: Session, task_id: int, employee_id: int | None) -> AssessmentTask:
    """A task of this rater; anyone else's is not found (who rates whom is not to be learnt)."""
    task = session.scalar(
        select(AssessmentTask).where(
            AssessmentTask.id == task_id, AssessmentTask.rater_id == (employee_id or -1)
        )
    )
    if task is None:
        raise NotFound()
    return task


def to_rate(
    session: Session, task: AssessmentTask, dictionary: Mapping[str, Competency]
) -> list[Competency]:
    """The competencies the task asks for: the campaign's, or the person's required ones."""
    campaign = get(session, task.campaign_id)
    if campaign.competencies:
        codes: Sequence[str] = campaign.competencies
    else:
        codes = sorted(required_of(session, [task.subject_id], dictionary).get(task.subject_id, {}))
    return [dictionary[c] for c in codes if c in dictionary]


def required_of(
    session: Session, employee_ids: Sequence[int], dictionary: Mapping[str, Competency]
) -> dict[int, dict[str, int]]:
    """{employee id: {code: required level}} from each one's position."""
    rows = list(
        session.execute(
            select(Employee.id, Position)
            .join(Position, Position.id == Employee.position_id)
            .where(Employee.id.in_(employee_ids))
        )
    )
    by_position = standards.required_by_position(session, [p for _i, p in rows], dictionary)
    return {employee_id: by_position[p.id] for employee_id, p in rows}


def submit(
    session: Session,
    task: AssessmentTask,
    raw: Mapping[str, Any],
    dictionary: Mapping[str, Competency],
    at: datetime | None = None,
) -> None:
    """The rater's levels {code: {level 1 to 5, comment}} for every competency asked (loaded
    through `inputs.RatingsBody`); once sent a task cannot be changed (an anonymous rating
    could not be found again to change it).

    The task is claimed in the transaction that stores its ratings, by a conditional update:
    of copies sent at once, one claims it and the others wait on its row, find it answered and
    get a 409 (copies of one peer's answer would otherwise lift the count past the minimum and
    give the other peers' levels away). The campaign's row is read FOR SHARE, so a close waits
    for ratings being stored and a rating after the close finds it closed."""
    campaign = session.scalar(
        select(AssessmentCampaign)
        .where(AssessmentCampaign.id == task.campaign_id)
        .with_for_update(read=True)
        .execution_options(populate_existing=True)
    )
    if campaign is None or campaign.status != OPEN:
        raise Conflict(_("The campaign is not open for ratings."))
    if task.done_at is not None:
        raise Conflict(_("This rating was already sent."))
    asked = to_rate(session, task, dictionary)
    errors: dict[str, list[Any]] = {}
    ratings = []
    for competency in asked:
        given = raw.get(competency.code)
        if not given:  # every competency asked needs its level
            errors[competency.code] = [_("Choose a level from %(a)s to %(b)s.", a=1, b=5)]
            continue
        ratings.append(
            AssessmentRating(
                campaign_id=task.campaign_id,
                subject_id=task.subject_id,
                source=task.source,
                rater_id=None if task.source in scoring.ANONYMOUS else task.rater_id,
                code=competency.code,
                level=given["level"],
                comment=given.get("comment"),
            )
        )
    unknown = [str(k) for k in raw if k not in {c.code for c in asked}]
    for code in unknown:
        errors[code] = [_("Not a competency of this rating.")]
    if errors:
        raise InvalidFields(errors)
    claim(session, task, at or datetime.now(UTC))
    session.add_all(ratings)
    session.flush()
    # The audit names the campaign, never the task nor the levels: a task names whom its rater
    # rated (tasks are made subject by subject), and the log must not undo the anonymity.
    audit.record(session, "assessment.rate", "assessment_campaign", task.campaign_id)


def claim(session: Session, task: AssessmentTask, at: datetime) -> None:
    """Mark the task answered if nobody did first (409 otherwise). Concurrent claims queue on
    the task's row; the first to commit wins and the others' condition no longer holds."""
    claimed = session.execute(
        update(AssessmentTask)
        .where(AssessmentTask.id == task.id, AssessmentTask.done_at.is_(None))
        .values(done_at=at)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(_("This rating was already sent."))
    set_committed_value(task, "done_at", at)


# --- assessment centres ---------------------------------------------------------------------
def import_results(
    session: Session,
    campaign: AssessmentCampaign,
    filename: str,
    content: bytes,
    dictionary: Mapping[str, Competency],
) -> int:
    """Levels from an external assessment centre (CSV or XLSX: nip, kode_kompetensi, level),
    all or nothing: every row is checked first, errors are named by row and column. Imported
    levels replace the campaign's earlier imported ones for the same person and competency."""
    if campaign.status == CLOSED:
        raise Conflict(_("A closed campaign takes no more results."))
    try:
        fmt = importer.detect_format(filename, content)
        people = {nip: i for nip, i in session.execute(select(Employee.nip, Employee.id))}
        errors: dict[str, list[Any]] = {}
        found: dict[tuple[int, str], int] = {}
        for number, values, _numeric in importer.read_rows(
            fmt, content, required=IMPORT_COLUMNS, optional=()
        ):
            nip = values["nip"].replace(" ", "")
            code = values["kode_kompetensi"].strip().upper()
            level = values["level"].strip().removesuffix(".0")
            wrong = []
            if nip not in people:
                wrong.append(_("nip: no employee of this agency has this NIP."))
            if code not in dictionary:
                wrong.append(_("kode_kompetensi: not a competency in force in this agency."))
            level_value = numbers.whole(level, 1, 5)
            if level_value is None:
                wrong.append(_("level: choose a level from 1 to 5."))
            if wrong or level_value is None:
                if len(errors) < MAX_ROW_ERRORS:
                    errors[str(_("row %(n)s", n=number))] = wrong
                continue
            found[(people[nip], code)] = level_value
    except importer.FileRejected as rejected:
        raise FileRefused(rejected.status, imports.describe(vars(rejected))) from None
    except importer.UNREADABLE as error:  # a broken file found half-way through its rows
        raise FileRefused(
            422, _("The file cannot be read: %(problem)s", problem=type(error).__name__)
        ) from None
    if errors:  # all or nothing: one wrong row and nothing is kept
        raise InvalidFields(errors)
    if not found:
        raise Invalid("file", _("The file has no rows."))
    assessed = {employee_id for employee_id, _code in found}
    known = set(subjects(session, campaign))
    session.add_all(
        AssessmentSubject(campaign_id=campaign.id, employee_id=i) for i in assessed - known
    )
    session.flush()
    session.execute(
        delete(AssessmentRating).where(
            AssessmentRating.campaign_id == campaign.id,
            AssessmentRating.source == scoring.ASSESSOR,
            # the same person and competency only: a file of one competency keeps the others
            tuple_(AssessmentRating.subject_id, AssessmentRating.code).in_(list(found)),
        )
    )
    session.add_all(
        AssessmentRating(
            campaign_id=campaign.id,
            subject_id=employee_id,
            source=scoring.ASSESSOR,
            code=code,
            level=level,
        )
        for (employee_id, code), level in found.items()
    )
    session.flush()
    audit.record(
        session,
        "assessment.import",
        "assessment_campaign",
        campaign.id,
        changes={"rows": [None, len(found)], "people": [None, len(assessed)]},
    )
    return len(found)
