"""Daily work pages: log an entry with a photo in one screen, follow your entries, and (for a
superior) the team's feed that fills itself as work arrives, with bulk approval. Every change
goes through `performance.log.service`; the pages work without JavaScript."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    abort,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from kinerja import clock, storage
from kinerja import permissions as perm
from kinerja.bodies import large_body
from kinerja.db import db, idempotency
from kinerja.exceptions import Conflict, NotFound, ServiceError
from kinerja.httpkit import limits, send_evidence
from kinerja.i18n import _
from kinerja.identity.principal import current, require
from kinerja.people import employees
from kinerja.people.models import Employee
from kinerja.performance.aksi import service as aksi
from kinerja.performance.log import rules, service, uploads
from kinerja.performance.log.inputs import EntryInput, PolicyInput
from kinerja.performance.log.labels import ACTIONS, FEED_TABS, STATUSES, STEPS
from kinerja.performance.log.models import WorkEntry
from kinerja.performance.log.permissions import ENTRY, LOG_POLICY
from kinerja.performance.models import Iki, Rhk, Skp
from kinerja.presentation import formats
from kinerja.web import menu
from kinerja.web.forms import Problem, field_errors, form_page, submit, whole_number
from kinerja.web.paging import Paged, paged

bp = Blueprint("log", __name__, url_prefix="/t/<tenant>/log")
FEED_SIZE = 25  # a page of the feed; every page is reachable, the total is shown
MINE_SIZE = 20


def _entry(entry_id: int, action: str = perm.VIEW) -> WorkEntry:
    entry = service.get(db.session, entry_id)
    require(action, service.resource(entry))
    return entry


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip()[:10])
    except ValueError:
        return None


# --- my entries --------------------------------------------------------------------------------
@bp.get("")
def index() -> Any:
    return _index(None, {})


def _index(problem: Problem, values: dict[str, Any]) -> Any:
    principal = current()
    today = clock.today()
    mine: Paged | None = None
    choices: list[Any] = []
    if principal.employee_id and perm.is_member(principal):
        mine = paged(
            service.newest_first(
                select(WorkEntry).where(WorkEntry.employee_id == principal.employee_id)
            ),
            size=MINE_SIZE,
            keep={},
        )
        choices = service.choices(db.session, principal.employee_id, today.year)
    rows = mine.rows if mine else []
    return form_page(
        "log.html",
        problem,
        mine=mine,
        served=service.served(db.session, rows),
        aksi_steps=aksi.of_entries(db.session, rows),
        choices=choices,
        values=values or {"entry_date": today.isoformat()},
        key=values.get("idempotency_key") or uuid.uuid4().hex,
        field_errors=field_errors(problem),
        policy=service.policy(db.session),
        statuses=STATUSES,
        may_log=perm.is_member(principal) and principal.employee_id is not None,
    )


@bp.post("/new")
def new() -> Any:
    principal = current()
    require(perm.EDIT, perm.Resource(ENTRY, g.tenant.id, employee_id=principal.employee_id))
    if principal.employee_id is None:
        raise NotFound()
    employee = principal.employee_id  # the create's checking statement finds them
    values = {name: request.form.get(name, "") for name in service.FIELDS}
    files = uploads.read(request.files.getlist("evidence"), limits()[1])
    key = request.form.get("idempotency_key")
    send = request.form.get("draft") != "1"
    done, problem = submit(
        lambda: service.create(
            db.session,
            principal,
            employee,
            EntryInput().read(values),  # the API's schema: one reading of an entry
            files,
            key=key,
            submit=send,
            limits=limits(),
        ),
        "log.index",
        # the notice says what happened: a draft is still the employee's alone
        saved="sent" if send else "draft",
    )
    if done:
        return done
    if isinstance(problem, idempotency.KeyReused):
        key = None  # that key stands for other work now: the form gets a new one
    return _index(problem, {**values, "idempotency_key": key})


large_body("EVIDENCE_MAX_REQUEST")(new)


@bp.get("/<int:entry_id>")
def show(entry_id: int) -> Any:
    return _show(_entry(entry_id), None)


def _show(entry: WorkEntry, problem: Problem) -> Any:
    principal = current()
    held = service.roles(db.session, principal, entry)
    steps = service.history(db.session, entry)
    return form_page(
        "log_entry.html",
        problem,
        entry=entry,
        owner=employees.names(db.session, {entry.employee_id}).get(entry.employee_id, ""),
        files=service.files_of(db.session, entry),
        actions=rules.available(entry.status, held),
        action_labels=ACTIONS,
        statuses=STATUSES,
        may_edit=rules.OWNER in held and entry.status in rules.EDITABLE,
        served=_served(entry),
        step=aksi.of_entries(db.session, [entry]).get(entry.id),
        steps=steps,
        step_labels=STEPS,
        step_names=service.actor_names(db.session, steps),
        local=clock.local,  # the steps' times in Medan's clock
    )


def _served(entry: WorkEntry) -> str | None:
    """The text of the result (and indicator) the entry serves, for its page."""
    if entry.rhk_id is None:
        return None
    rhk = db.session.scalar(select(Rhk.text).where(Rhk.id == entry.rhk_id))
    iki = (
        db.session.scalar(select(Iki.text).where(Iki.id == entry.iki_id)) if entry.iki_id else None
    )
    return " · ".join(t for t in (rhk, iki) if t)


# --- correcting a draft or a rejected entry ----------------------------------------------------
def _form_values(entry: WorkEntry) -> dict[str, Any]:
    """The entry's fields as the form shows them."""
    values: dict[str, Any] = {}
    for name in service.FIELDS:
        value = getattr(entry, name)
        if value is None:
            values[name] = ""
        elif name == "quantity":
            values[name] = formats.typed_number(value)  # 2,5 in Indonesian, as it was typed
        elif name in ("started", "ended"):
            values[name] = value.strftime("%H:%M")
        elif name == "entry_date":
            values[name] = value.isoformat()
        else:
            values[name] = value
    return values


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
def edit(entry_id: int) -> Any:
    """The whole entry in one form: its fields, its files (tick to take off, pick to add); "save"
    keeps it as it is (a draft, or rejected), "save and send" sends it in the same step."""
    entry = _entry(entry_id, perm.EDIT)
    if request.method == "GET":
        if entry.status not in rules.EDITABLE:
            return redirect(url_for("log.show", entry_id=entry.id), code=303)
        return _edit_page(entry, None, _form_values(entry), service.version(db.session, entry))
    values = {name: request.form.get(name, "") for name in service.FIELDS}
    remove = [n for n in (whole_number(v) for v in request.form.getlist("remove_file")) if n]
    files = uploads.read(request.files.getlist("evidence"), limits()[1])
    send = request.form.get("send") == "1"

    def change() -> None:
        service.check_editable(db.session, entry)  # the lock first: then the version compared
        if request.form.get("version") != service.version(db.session, entry):
            raise Conflict(_("This entry was changed meanwhile: check it and correct it again."))
        keys.extend(
            service.edit(
                db.session,
                entry,
                EntryInput().read(values),  # the API's schema: one reading of an entry
                whole=True,
                add=files,
                remove=remove,
                limits=limits(),
            )
        )
        if send:
            service.act(db.session, current(), entry, rules.SUBMIT)

    keys: list[str] = []
    # the notice says what happened: sent to the superior, or kept as it was
    done, problem = submit(change, "log.show", entry_id=entry_id, saved="sent" if send else 1)
    if done:
        for key in keys:
            storage.get().delete(key)  # after the commit; a failure is left to the orphan sweep
        return done
    entry = _entry(entry_id, perm.EDIT)
    if entry.status not in rules.EDITABLE:
        return _show(entry, problem)
    return _edit_page(entry, problem, values, service.version(db.session, entry))


large_body("EVIDENCE_MAX_REQUEST")(edit)


def _edit_page(entry: WorkEntry, problem: Problem, values: dict[str, Any], version: str) -> Any:
    return form_page(
        "log_edit.html",
        problem,
        entry=entry,
        values=values,
        version=version,
        files=service.files_of(db.session, entry),
        choices=service.choices(db.session, entry.employee_id, entry.entry_date.year),
        field_errors=field_errors(problem),
        statuses=STATUSES,
        max_files=limits()[0],
    )


@bp.post("/<int:entry_id>/act/<action>")
def act(entry_id: int, action: str) -> Any:
    if action not in rules.ACTIONS:
        abort(404)
    entry = _entry(entry_id)
    try:
        service.act(db.session, current(), entry, action, request.form.get("reason"))
    except ServiceError as problem:
        db.session.rollback()
        return _show(_entry(entry_id), problem)
    db.session.commit()
    back = request.form.get("back")
    if back == "team":
        return redirect(url_for("log.team", decided=1), code=303)
    return redirect(url_for("log.show", entry_id=entry.id, saved=1), code=303)


@bp.post("/<int:entry_id>/delete")
def delete(entry_id: int) -> Any:
    entry = _entry(entry_id, perm.EDIT)
    try:
        keys = service.delete_draft(db.session, entry)
    except ServiceError as problem:
        db.session.rollback()
        return _show(_entry(entry_id), problem)
    db.session.commit()
    for key in keys:
        storage.get().delete(key)
    return redirect(url_for("log.index", deleted=1), code=303)


@bp.get("/<int:entry_id>/files/<int:file_id>/<any(file, thumbnail):which>")
def evidence_file(entry_id: int, file_id: int, which: str) -> Any:
    return send_evidence(_entry(entry_id), file_id, which)


# --- the team's feed ---------------------------------------------------------------------------
def _team_args() -> dict[str, Any]:
    tab = request.args.get("status") or rules.SUBMITTED  # it opens on what waits
    return {
        "employee_id": whole_number(request.args.get("employee")),
        "rhk_id": whole_number(request.args.get("rhk")),
        "tab": tab if tab in FEED_TABS else rules.SUBMITTED,
        "date_from": _day(request.args.get("from")),
        "date_to": _day(request.args.get("to")),
        "after": whole_number(request.args.get("after")),
    }


def _team_query(args: dict[str, Any]) -> Any:
    """The feed's entries under the filters but whatever their state (the tabs count them)."""
    query = service.team(db.session, current(), whole_subtree=request.args.get("subtree") == "1")
    return service.filtered(query, {**args, "status": None})


def _feed(args: dict[str, Any]) -> Any:
    """The chosen tab, newest first by the day of work across people (`service.newest_first`);
    the live feed asks for what arrived after the newest id it has and puts it on top."""
    query = _team_query(args)
    if args["tab"] in rules.STATES:
        query = query.where(WorkEntry.status == args["tab"])
    return service.newest_first(query)


def _feed_context(entries: list[WorkEntry]) -> dict[str, Any]:
    files = service.files_by_entry(db.session, [e.id for e in entries])
    return {
        "entries": entries,
        "files": files,
        "names": employees.names(db.session, {e.employee_id for e in entries}),
        "served": service.served(db.session, entries),
        "aksi_steps": aksi.of_entries(db.session, entries),
        "statuses": STATUSES,
    }


def _filters(args: dict[str, Any]) -> dict[str, Any]:
    """The query arguments of the filters in force (kept by the tabs and the page links)."""
    return {
        "employee": args["employee_id"],
        "rhk": args["rhk_id"],
        "from": args["date_from"].isoformat() if args["date_from"] else None,
        "to": args["date_to"].isoformat() if args["date_to"] else None,
        "subtree": "1" if request.args.get("subtree") == "1" else None,
    }


@bp.get("/team")
def team() -> Any:
    principal = current()
    if not perm.has_team(principal):
        abort(404)  # nobody's work to follow: the menu does not offer the page either
    args = {**_team_args(), "after": None}
    found = paged(_feed(args), size=FEED_SIZE, keep={**_filters(args), "status": args["tab"]})
    counts = service.by_status(db.session, _team_query(args))
    counts["all"] = sum(counts.get(s, 0) for s in rules.STATES)
    kept = {k: v for k, v in _filters(args).items() if v}
    tabs = [
        (code, label, counts.get(code, 0), url_for("log.team", **kept, status=code))
        for code, label in FEED_TABS.items()
    ]
    people = db.session.scalars(
        select(Employee)
        .where(Employee.id.in_(principal.subordinate_ids or {-1}))
        .order_by(Employee.name)
    ).all()
    # The filter's choices, every one (not a list to read: a choice cut off could not be chosen).
    results = db.session.execute(
        select(Rhk.id, Rhk.text)
        .join(Skp, Skp.id == Rhk.skp_id)
        .where(
            Skp.employee_id.in_(principal.subordinate_ids or {-1}),
            Skp.year == clock.this_year(),
            Rhk.proposed.is_(False),
        )
        .order_by(Rhk.text, Rhk.id)
    ).all()
    return form_page(
        "log_team.html",
        None,
        people=people,
        results=results,
        args=args,
        tabs=tabs,
        paged=found,
        # the bulk approval only where something on the tab waits for a decision
        decidable=args["tab"] in (rules.SUBMITTED, "all") and counts.get(rules.SUBMITTED, 0) > 0,
        subtree=request.args.get("subtree") == "1",
        newest=max((e.id for e in found.rows), default=0),
        # New arrivals are put on top of the first page only: further pages stay as read.
        live=found.page == 1 and args["tab"] in (rules.SUBMITTED, "all"),
        **_feed_context(found.rows),
    )


@bp.get("/team/feed")
def team_feed() -> Any:
    """What arrived after `after`, as rendered list items: the page's script puts them on top."""
    principal = current()
    if not perm.is_member(principal):
        abort(404)
    entries = list(db.session.scalars(_feed(_team_args()).limit(FEED_SIZE)))
    html = render_template("_log_items.html", **_feed_context(entries))
    return jsonify(
        {"newest": max((e.id for e in entries), default=0), "count": len(entries), "html": html}
    )


@bp.post("/team/approve")
def bulk_approve() -> Any:
    chosen = [n for n in (whole_number(v) for v in request.form.getlist("entry")) if n]
    done, skipped = service.bulk_approve(db.session, current(), chosen)
    db.session.commit()
    return redirect(url_for("log.team", approved=len(done), skipped=len(skipped)), code=303)


# --- the agency's rules ------------------------------------------------------------------------
@bp.route("/policy", methods=["GET", "POST"])
def policy() -> Any:
    resource = perm.Resource(LOG_POLICY, g.tenant.id)
    require(perm.VIEW, resource)
    problem: Problem = None
    if request.method == "POST":
        require(perm.MANAGE, resource)
        # The form's strings through the API's schema; a box not ticked is not sent: false.
        flags = ("late_allowed", "days_off_count", "keep_location")
        form = {**request.form, **{f: request.form.get(f, "0") for f in flags}}
        done, problem = submit(
            lambda: service.set_policy(db.session, PolicyInput().read(form)),
            "log.policy",
            saved=1,
        )
        if done:
            return done
    return form_page(
        "log_policy.html",
        problem,
        policy=service.policy(db.session),
        may_manage=perm.can(current(), perm.MANAGE, resource),
    )


def _waiting(principal: perm.Principal) -> int:
    from kinerja.performance import waiting

    if not principal.decides_for:
        return 0  # decides on nobody (cached with the principal): no query at all
    return waiting.counts(db.session, principal).get(waiting.ENTRY, 0)


menu.count("log.team", _waiting)
