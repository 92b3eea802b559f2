"""Each person's talent result, computed by a job and kept in `talent_result`: the grid, the
heat-map and the team's list read these rows (paged, with totals) instead of computing a whole
agency's results while someone waits (9-11 queries over every rating, seconds for thousands).

What makes a result old marks it stale (`mark_stale`, after the change commits): a rating
sent, a campaign closed, an annual evaluation approved or revised, a person's position or a
position's standard changed, the talent policy changed (`competency.receivers`). The stale
marks are a Redis set per agency (people, or "*" for everyone); each maintenance round takes
them and enqueues one refresh (`schedule`), and every agency is refreshed whole once a day
(what no event names: the city's default levels, a plugin switched on; after Redis lost its
marks, the next day's at the latest). The pages say when the
results were computed and that a refresh is pending.

The rows are the agency's own (tenant-owned, RLS): a page reads them through the talent rule's
filter (`perm.reach`), like the computation it replaces."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import ColumnElement, Numeric, Select, and_, event, func, select, true
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from kinerja import jobs, redis, rules
from kinerja import permissions as perm
from kinerja.competency import results, scoring
from kinerja.competency.models import TalentResult
from kinerja.competency.permissions import TALENT
from kinerja.db.scoping import current_tenant_id
from kinerja.exceptions import NotFound
from kinerja.people.models import Employee

log = logging.getLogger(__name__)
STALE = "kinerja:talent:stale:{tenant}"  # a Redis set: employee ids, or "*" for everyone
LOCK = "kinerja:talent:refresh:{tenant}"  # held from the enqueue to the job's end
WHOLE = "kinerja:talent:whole:{tenant}"  # the day everyone was last scheduled
EVERYONE = "*"
_MARKED = "kinerja.talent.stale"  # {tenant id: employee ids or {EVERYONE}} until commit
BATCH = 1000  # people computed at once (a handful of queries each batch)


# --- marking stale ------------------------------------------------------------------------------
def mark_stale(session: Session, employee_ids: Iterable[int] | None = None) -> None:
    """These people's results (None: everyone's) need computing again, once the session
    commits: marked earlier, a round could recompute from rows not yet committed and take the
    mark away."""
    tenant_id = current_tenant_id(session)
    if tenant_id is None:
        return
    wanted = {EVERYONE} if employee_ids is None else {str(i) for i in employee_ids}
    if wanted:
        session.info.setdefault(_MARKED, {}).setdefault(tenant_id, set()).update(wanted)


@event.listens_for(Session, "after_commit")
def _push_marks(session: Session) -> None:
    marked = session.info.pop(_MARKED, None)
    if not marked:
        return
    try:
        client = redis.client(current_app)
        for tenant_id, ids in marked.items():
            client.sadd(STALE.format(tenant=tenant_id), *sorted(ids))
    except (RedisError, RuntimeError) as error:  # Redis down, or no application: nightly
        log.warning("talent results not marked stale: %s", error)


@event.listens_for(Session, "after_rollback")
def _drop_marks(session: Session) -> None:
    session.info.pop(_MARKED, None)


def pending(tenant_id: int) -> bool:
    """Whether a refresh is marked or running (the pages say so)."""
    try:
        client = redis.client(current_app)
        return bool(
            client.scard(STALE.format(tenant=tenant_id))
            or client.exists(LOCK.format(tenant=tenant_id))
        )
    except RedisError:
        return False


# --- computing and keeping -----------------------------------------------------------------------
def compute(session: Session, employee_ids: Iterable[int] | None, dictionary: Any) -> int:
    """Compute and keep the results of these people (None: every active one); how many."""
    if employee_ids is None:
        ids = list(
            session.scalars(select(Employee.id).where(Employee.active).order_by(Employee.id))
        )
    else:
        wanted = sorted(set(employee_ids))
        ids = list(session.scalars(select(Employee.id).where(Employee.id.in_(wanted))))
    tenant_id = current_tenant_id(session)
    now = datetime.now(UTC)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        found = results.of_people(session, chunk, dictionary)
        rows = [_row(tenant_id, found[i], now) for i in chunk]
        if rows:
            statement = pg_insert(TalentResult).values(rows)
            session.execute(
                statement.on_conflict_do_update(
                    index_elements=["tenant_id", "employee_id"],
                    set_={
                        name: statement.excluded[name]
                        for name in rows[0]
                        if name not in ("tenant_id", "employee_id")
                    },
                )
            )
    return len(ids)


def _row(tenant_id: int | None, result: results.Result, now: datetime) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "employee_id": result.employee_id,
        "campaign_id": result.campaign.id if result.campaign is not None else None,
        "jpm": result.jpm,
        "category": result.category,
        "predikat": result.predikat,
        "kinerja": result.kinerja,
        "potensial": result.potensial,
        "box": result.box,
        # what the heat-map averages: lines both required and assessed
        "gaps": {
            line.code: str(line.gap)
            for line in result.lines
            if line.gap is not None and line.assessed is not None
        },
        "computed_at": now,
    }


def refresh(ctx: Any, employee_ids: list[int] | None = None) -> dict[str, Any]:
    """The job: compute the named people's results (None: everyone's) and keep them."""
    from kinerja.competency import catalogue
    from kinerja.db import db

    try:
        with db.unit_of_work(ctx.tenant_id) as session:
            done = compute(session, employee_ids, catalogue.dictionary_of(session, ctx.tenant_id))
    finally:
        redis.client(current_app).delete(LOCK.format(tenant=ctx.tenant_id))
    return {"people": done}


def schedule(session: Session, tenant_id: int, today: date) -> int:
    """One round: enqueue a refresh of the stale people (everyone once a day, or when marked),
    unless one is queued or running for the agency. How many jobs it made (0 or 1)."""
    client = redis.client(current_app)
    key = STALE.format(tenant=tenant_id)
    last = client.get(WHOLE.format(tenant=tenant_id))
    daily = (last.decode() if isinstance(last, bytes) else last) != today.isoformat()
    if not daily and not client.scard(key):
        return 0
    if not client.set(LOCK.format(tenant=tenant_id), "1", nx=True, ex=600):
        return 0
    marked = {m.decode() if isinstance(m, bytes) else str(m) for m in client.smembers(key)}
    if marked:
        client.srem(key, *marked)
    everyone = daily or EVERYONE in marked
    if daily:
        client.set(WHOLE.format(tenant=tenant_id), today.isoformat(), ex=3 * 86400)
    jobs.enqueue(session, refresh, None if everyone else sorted(int(m) for m in marked))
    return 1


# --- reading ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scope:
    """The people a principal sees as a group, as a condition on `Employee`."""

    where: ColumnElement[bool]


def scope(principal: perm.Principal) -> Scope:
    """By the talent rule's own filter (`results.visible`): everyone for the admin OPD and the
    city admin inside; for a superior those below them; 404 for others."""
    seen = perm.reach(principal, TALENT)
    others = seen.employee_ids - {principal.employee_id}
    if not seen.everyone and not others:
        raise NotFound()
    if seen.everyone:
        return Scope(Employee.active.is_(True))
    return Scope(and_(Employee.active, perm.Reach(employee_ids=others).where(Employee.id)))


def _joined(columns: Iterable[Any], found: Scope) -> Select[*tuple[Any, ...]]:
    return (
        select(*columns)
        .select_from(Employee)
        .outerjoin(TalentResult, TalentResult.employee_id == Employee.id)
        .where(found.where)
    )


@dataclass(frozen=True)
class Summary:
    everyone: int  # people in scope
    placed: int  # with a box
    boxes: rules.Shown[dict[int, int]]  # people per box
    distribution: rules.Shown[dict[str, int]]  # people per JPM category
    computed_at: datetime | None  # the latest computation among them
    missing: int  # people in scope without a stored result yet


def summary(session: Session, found: Scope, scale: str, minimum: int) -> Summary:
    """The grid's counts and the JPM distribution, counted in the database."""
    boxes = {n: 0 for n in range(1, 10)}
    categories = dict.fromkeys((c for _lowest, c in rules.JPM_SCALES[scale]), 0)
    everyone = missing = 0
    latest = None
    rows = session.execute(
        _joined(
            (
                TalentResult.box,
                TalentResult.category,
                func.count(),
                func.count(TalentResult.employee_id),
                func.max(TalentResult.computed_at),
            ),
            found,
        ).group_by(TalentResult.box, TalentResult.category)
    )
    for box, category, n, stored, at in rows:
        everyone += n
        missing += n - stored
        if box is not None:
            boxes[box] += n
        if category in categories:
            categories[category] += n
        if at is not None and (latest is None or at > latest):
            latest = at
    placed = sum(boxes.values())
    return Summary(
        everyone=everyone,
        placed=placed,
        boxes=rules.suppress(boxes, placed, minimum),
        distribution=rules.suppress(categories, sum(categories.values()), minimum),
        computed_at=latest,
        missing=missing,
    )


def in_box(found: Scope, box: int) -> Select[*tuple[Any, ...]]:
    """The people of one box, by name (to be paged)."""
    return (
        select(Employee.id, Employee.name)
        .join(TalentResult, TalentResult.employee_id == Employee.id)
        .where(found.where, TalentResult.box == box)
        .order_by(Employee.name, Employee.id)
    )


def team(found: Scope) -> Select[*tuple[Any, ...]]:
    """The people in scope with their stored result (None where not computed yet), by name."""
    return _joined((Employee, TalentResult), found).order_by(Employee.name, Employee.id)


def heatmap(
    session: Session, found: Scope, minimum: int
) -> tuple[list[str], dict[Any, dict[str, rules.Shown[Decimal]]], datetime | None]:
    """(codes, {unit id: {code: mean gap}}, latest computation): summed and counted in the
    database over the stored gaps, the mean taken as `results.heatmap` takes it."""
    gap = func.jsonb_each_text(TalentResult.gaps).table_valued("key", "value").lateral("gap")
    rows = session.execute(
        select(
            Employee.org_unit_id,
            gap.c.key,
            func.sum(gap.c.value.cast(Numeric)),
            func.count(),
        )
        .select_from(Employee)
        .join(TalentResult, TalentResult.employee_id == Employee.id)
        .join(gap, true())
        .where(found.where)
        .group_by(Employee.org_unit_id, gap.c.key)
    )
    table: dict[Any, dict[str, rules.Shown[Decimal]]] = {}
    codes: set[str] = set()
    for unit, code, total, n in rows:
        codes.add(code)
        mean = (Decimal(total) / n).quantize(scoring.CENT)
        table.setdefault(unit, {})[code] = rules.suppress(mean, n, minimum)
    latest = session.scalar(_joined((func.max(TalentResult.computed_at),), found))
    return sorted(codes), table, latest
