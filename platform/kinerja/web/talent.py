"""Talent pages: rating tasks on a phone, a person's gap, JPM and nine-box, the team's and the
agency's grid and heat-map, and for the admin OPD the standards, campaigns and policy."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, g, redirect, request, url_for
from sqlalchemy import select

from kinerja import audit, clock, rules
from kinerja import permissions as perm
from kinerja.competency import campaigns, catalogue, results, scoring, standards, stored
from kinerja.competency.inputs import CampaignInput, RatingsBody, StandardBody
from kinerja.competency.labels import (
    AXIS_WORDS,
    CAMPAIGN_WORDS,
    CATEGORY_WORDS,
    GRID_KINERJA,
    GRID_POTENSIAL,
    KIND_WORDS,
    SOURCE_WORDS,
)
from kinerja.competency.models import AssessmentCampaign, DevelopmentOption
from kinerja.competency.permissions import CAMPAIGN, STANDARD, TALENT
from kinerja.db import db
from kinerja.exceptions import Invalid
from kinerja.i18n import _
from kinerja.identity.principal import current, require
from kinerja.organisation.models import OrgUnit
from kinerja.people.models import Employee, Position
from kinerja.performance.evaluation.labels import PREDIKAT_WORDS
from kinerja.plugins.types import DEVELOPMENT_KINDS
from kinerja.web.forms import Problem, form_page, submit, whole_number
from kinerja.web.paging import paged, paged_list

bp = Blueprint("talent", __name__, url_prefix="/t/<tenant>/talent")
WORDS = {
    "source_words": SOURCE_WORDS,
    "kind_words": KIND_WORDS,
    "category_words": CATEGORY_WORDS,
    "axis_words": AXIS_WORDS,
    "campaign_words": CAMPAIGN_WORDS,
}


def _sees_everyone() -> bool:
    principal = current()
    return perm.is_agency_admin(principal) or perm.is_visiting_city_admin(principal)


@bp.get("")
def index() -> Any:
    """Three lists, each paged with its own argument: the ratings waiting, the team's (or the
    agency's) results and the campaigns."""
    principal = current()
    admin = perm.is_agency_admin(principal)
    team = None
    if perm.leads(principal) or _sees_everyone():
        # the stored results (`competency.stored`), paged in the database
        team = paged(
            stored.team(stored.scope(principal)), keep={}, param="team_page", scalars=False
        )
    today = clock.today()
    everything = select(AssessmentCampaign).order_by(
        AssessmentCampaign.starts.desc(), AssessmentCampaign.id.desc()
    )
    return form_page(
        "talent.html",
        None,
        tasks=paged_list(
            campaigns.tasks_of(db.session, principal.employee_id), keep={}, param="tasks_page"
        ),
        me=principal.employee_id if perm.is_member(principal) else None,
        team=team,
        **_freshness(),
        campaigns=paged(everything, keep={}, param="campaigns_page")
        if admin or perm.is_visiting_city_admin(principal)
        else None,
        admin=admin,
        today=today,
        later=today + timedelta(days=14),
        units=list(db.session.scalars(select(OrgUnit).order_by(OrgUnit.name))) if admin else [],
        dictionary=catalogue.dictionary() if admin else {},
        policy=standards.policy(db.session) if admin else None,
        sources=scoring.RATER_SOURCES,
        **WORDS,
    )


# --- a rater's task -------------------------------------------------------------------------------
@bp.route("/tasks/<int:task_id>", methods=["GET", "POST"])
def task(task_id: int) -> Any:
    principal = current()
    found = campaigns.task_of(db.session, task_id, principal.employee_id)
    dictionary = catalogue.dictionary()
    problem: Problem = None
    if request.method == "POST":
        raw = {
            c.code: {
                "level": request.form.get(f"level-{c.code}"),
                "comment": request.form.get(f"comment-{c.code}"),
            }
            for c in campaigns.to_rate(db.session, found, dictionary)
        }
        done, problem = submit(
            # the API's schema: one reading of the ratings
            lambda: campaigns.submit(db.session, found, RatingsBody().read(raw), dictionary),
            "talent.index",
            sent=1,
        )
        if done:
            return done
        found = campaigns.task_of(db.session, task_id, principal.employee_id)
    subject = db.session.scalar(select(Employee.name).where(Employee.id == found.subject_id))
    return form_page(
        "talent_task.html",
        problem,
        task=found,
        subject=subject,
        asked=campaigns.to_rate(db.session, found, dictionary),
        given=request.form,
        anonymous=found.source in scoring.ANONYMOUS,
        **WORDS,
    )


# --- a person's result ----------------------------------------------------------------------------
@bp.get("/people/<int:employee_id>")
def person(employee_id: int) -> Any:
    require(perm.VIEW, perm.Resource(TALENT, g.tenant.id, employee_id=employee_id))
    dictionary = catalogue.dictionary()
    employee, found = results.opened(
        db.session,
        current().employee_id,
        employee_id,
        dictionary,
        results.options_of(db.session, catalogue.development()),
    )
    db.session.commit()  # the audit of who opened whose result
    return form_page(
        "talent_person.html",
        None,
        name=employee.name,
        result=found,
        history=results.history(db.session, employee_id, dictionary),
        predikat_words=PREDIKAT_WORDS,
        **WORDS,
    )


# --- the grid and the heat-map --------------------------------------------------------------------
# Both read the stored results (`competency.stored`): counted in the database, the lists paged.
GRID_PAGE = 50


def _freshness() -> dict[str, Any]:
    return {"pending": stored.pending(g.tenant.id)}


@bp.get("/grid")
def grid() -> Any:
    found = stored.scope(current())
    minimum = results.group_minimum()
    summary = stored.summary(db.session, found, standards.policy(db.session).jpm_scale, minimum)
    boxes = summary.boxes.value  # None: too few placed to show
    chosen = whole_number(request.args.get("box"), 9)
    chosen = chosen if boxes is not None and chosen in boxes else None
    rows = [(k, [(rules.NINE_BOX[(k, p)], p) for p in GRID_POTENSIAL]) for k in GRID_KINERJA]
    return form_page(
        "talent_grid.html",
        None,
        rows=rows,
        columns=GRID_POTENSIAL,
        boxes=boxes,
        chosen=chosen,
        people=paged(
            stored.in_box(found, chosen), size=GRID_PAGE, keep={"box": chosen}, scalars=False
        )
        if chosen
        else None,
        distribution=summary.distribution.value,
        placed=summary.placed,
        everyone=summary.everyone,
        computed_at=summary.computed_at,
        missing=summary.missing,
        minimum=minimum,
        **_freshness(),
        **WORDS,
    )


@bp.get("/heatmap")
def heatmap() -> Any:
    minimum = results.group_minimum()
    codes, table, computed_at = stored.heatmap(db.session, stored.scope(current()), minimum)
    unit_names = {i: name for i, name in db.session.execute(select(OrgUnit.id, OrgUnit.name))}
    dictionary = catalogue.dictionary()
    units = sorted(table.items(), key=lambda item: unit_names.get(item[0], "") or "")
    return form_page(
        "talent_heatmap.html",
        None,
        codes=codes,
        table=paged_list(units, size=GRID_PAGE),
        unit_names=unit_names,
        names={c: dictionary[c].name if c in dictionary else c for c in codes},
        shade=_shade,
        minimum=minimum,
        computed_at=computed_at,
        **_freshness(),
    )


def _shade(gap: Any) -> str:
    """A CSS class per gap band (no inline styles: the content policy forbids them)."""
    if gap is None:
        return "kj-gap-none"
    if gap >= 0:
        return "kj-gap-0"
    if gap > -1:
        return "kj-gap-1"
    if gap > -2:
        return "kj-gap-2"
    return "kj-gap-3"


# --- the admin OPD: standards, policy, development options ----------------------------------------
@bp.route("/standards", methods=["GET", "POST"])
def standards_page() -> Any:
    require(perm.VIEW, perm.Resource(STANDARD, g.tenant.id))
    dictionary = catalogue.dictionary()
    problem: Problem = None
    chosen = whole_number(request.args.get("position"))
    if request.method == "POST":
        require(perm.MANAGE, perm.Resource(STANDARD, g.tenant.id))
        position_id = whole_number(request.form.get("position_id")) or 0
        raw = {c: request.form.get(f"level-{c}", "") for c in dictionary}
        done, problem = submit(
            lambda: standards.set_standard(
                db.session, position_id, StandardBody().read(raw), dictionary
            ),
            "talent.standards_page",
            position=position_id,
            saved=1,
        )
        if done:
            return done
        chosen = position_id
    positions = list(db.session.scalars(select(Position).order_by(Position.name)))
    levels = standards.required_by_position(db.session, positions, dictionary)
    own = standards.overrides(db.session, [chosen]) if chosen else {}
    return form_page(
        "talent_standards.html",
        problem,
        positions=positions,
        levels=levels,
        dictionary=dictionary,
        chosen=next((p for p in positions if p.id == chosen), None),
        own=own.get(chosen or 0, {}),
        admin=perm.is_agency_admin(current()),
    )


@bp.route("/settings", methods=["GET", "POST"])
def settings() -> Any:
    """The talent policy and the agency's own development options."""
    require(perm.VIEW, perm.Resource(STANDARD, g.tenant.id))
    problem: Problem = None
    if request.method == "POST":
        require(perm.MANAGE, perm.Resource(STANDARD, g.tenant.id))
        if request.form.get("what") == "option":
            done, problem = submit(_add_option, "talent.settings", saved=1)
        else:
            raw = {
                "jpm_scale": request.form.get("jpm_scale"),
                "tinggi_from": request.form.get("tinggi_from"),
                "menengah_from": request.form.get("menengah_from"),
                "minimum": request.form.get("minimum"),
                "weights": {s: request.form.get(f"weight-{s}") for s in scoring.RATER_SOURCES},
            }
            done, problem = submit(
                lambda: standards.set_policy(db.session, raw), "talent.settings", saved=1
            )
        if done:
            return done
    return form_page(
        "talent_settings.html",
        problem,
        policy=standards.policy(db.session),
        sources=scoring.RATER_SOURCES,
        own=list(db.session.scalars(select(DevelopmentOption).order_by(DevelopmentOption.id))),
        contributed=catalogue.development(),
        dictionary=catalogue.dictionary(),
        kinds=DEVELOPMENT_KINDS,
        admin=perm.is_agency_admin(current()),
        **WORDS,
    )


def _add_option() -> None:
    code = request.form.get("code", "*")
    kind = request.form.get("kind", "")
    text = (request.form.get("text") or "").strip()[:300]
    if code != "*" and code not in catalogue.dictionary():
        raise Invalid("code", _("Not a competency in force in this agency."))
    if kind not in DEVELOPMENT_KINDS:
        raise Invalid("kind", _("Choose a kind of development."))
    if not text:
        raise Invalid("text", _("Describe the development option."))
    option = DevelopmentOption(code=code, kind=kind, text=text)
    db.session.add(option)
    db.session.flush()
    audit.record(
        db.session,
        "talent.development",
        "development_option",
        option.id,
        changes={"text": [None, text]},
    )


# --- campaigns ------------------------------------------------------------------------------------
@bp.post("/campaigns")
def new_campaign() -> Any:
    """A draft campaign from the form: everyone or one work unit (and the units below it), all
    required competencies or those ticked, each source's weight."""
    require(perm.MANAGE, perm.Resource(CAMPAIGN, g.tenant.id))
    made: list[AssessmentCampaign] = []
    policy = standards.policy(db.session)
    unit_id = whole_number(request.form.get("unit_id"))

    def create() -> None:
        # The form's strings through the API's schema; a weight left blank is the policy's.
        sources = {
            s: request.form.get(f"weight-{s}", "").strip() or policy.weights.get(s, 0)
            for s in scoring.RATER_SOURCES
        }
        given = {
            f: request.form[f] for f in ("name", "starts", "ends", "minimum") if f in request.form
        }
        data = CampaignInput().read(
            {
                **given,
                "sources": sources,
                "competencies": request.form.getlist("competency"),
                "subjects": campaigns.people_of_unit(db.session, unit_id) if unit_id else None,
            }
        )
        made.append(campaigns.create(db.session, data, catalogue.dictionary(), current().user_id))

    done, problem = submit(create, "talent.index")
    if done:
        return redirect(url_for("talent.campaign", campaign_id=made[0].id), code=303)
    return form_page("talent_problem.html", problem)


@bp.route("/campaigns/<int:campaign_id>", methods=["GET", "POST"])
def campaign(campaign_id: int) -> Any:
    require(perm.VIEW, perm.Resource(CAMPAIGN, g.tenant.id))
    found = campaigns.get(db.session, campaign_id)
    problem: Problem = None
    if request.method == "POST":
        require(perm.MANAGE, perm.Resource(CAMPAIGN, g.tenant.id))
        action = request.form.get("action")
        done, problem = submit(
            lambda: _campaign_action(found, action),
            "talent.campaign",
            campaign_id=campaign_id,
            saved=1,
        )
        if done:
            return done
        found = campaigns.get(db.session, campaign_id)
    done_count, total = campaigns.progress(db.session, found)
    return form_page(
        "talent_campaign.html",
        problem,
        campaign=found,
        subjects=len(campaigns.subjects(db.session, found)),
        done=done_count,
        total=total,
        admin=perm.is_agency_admin(current()),
        **WORDS,
    )


def _campaign_action(found: AssessmentCampaign, action: str | None) -> None:
    if action == "open":
        campaigns.open_campaign(db.session, found)
    elif action == "close":
        campaigns.close_campaign(db.session, found)
    elif action == "import":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise Invalid("file", _("Choose a CSV or XLSX file."))
        campaigns.import_results(
            db.session, found, upload.filename, upload.read(), catalogue.dictionary()
        )
    else:
        abort(404)
