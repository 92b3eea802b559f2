"""What waits for whom, kept as the workflows move: "Menunggu Anda" on the home page and the menu
badges read a few counter rows instead of walking the rater chain of every submitted item.

Each waiting item (a submitted SKP, a submitted daily entry, a submitted or rated evaluation)
has one mark per holder: "e:<employee id>" (its rater, or its reviewer) or "admin" (every admin
OPD of the agency: the head's plan, a review nobody above can do). `waiting_counter` counts the
marks per holder and kind. Who holds an item is the workflows' own rule (`skp.chain`, the
evaluation's `roles`), applied here once per change instead of once per view.

Kept in the transaction of the change: the session notes the items whose state changed (after
each flush) and, just before it commits, moves their marks and counters. A mark is inserted or
deleted by one conditional statement and its counter moves only when that statement did
something, so parallel approvals keep the counter exact. A change of the hierarchy (a superior
moved, a post left vacant or filled, an admin OPD appointed) can move many items at once: the
agency's marks are then recomputed whole, in the same transaction.

The nightly check (`check`, scheduled by the maintenance round) recomputes every agency's marks
from the items, logs each counter that drifted (a warning naming the agency, the holder, the
kind and both numbers) and repairs it: a change written past the ORM (raw SQL, a restore) is
caught within a day, and the counters of an agency just upgraded are filled on the first round.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any, cast

from flask import current_app, has_request_context, request
from sqlalchemy import Table, bindparam, delete, event, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session, attributes

from kinerja import permissions as perm
from kinerja.db import scoping
from kinerja.db.scoping import current_tenant_id
from kinerja.identity import users
from kinerja.identity.models import Membership
from kinerja.people import raters
from kinerja.people.models import Employee
from kinerja.performance import skp as skps
from kinerja.performance.evaluation import workflow as evaluation_flow
from kinerja.performance.evaluation.models import Evaluation
from kinerja.performance.log import rules as log_rules
from kinerja.performance.log.models import WorkEntry
from kinerja.performance.models import Skp
from kinerja.performance.waiting_models import KINDS, WaitingCounter, WaitingMark
from kinerja.performance.workflow import SUBMITTED as SKP_SUBMITTED

log = logging.getLogger(__name__)
ADMIN = "admin"
SKP, ENTRY, EVALUATION = KINDS
MODELS: dict[str, Any] = {SKP: Skp, ENTRY: WorkEntry, EVALUATION: Evaluation}
WAITING = {
    SKP: (SKP_SUBMITTED,),
    ENTRY: (log_rules.SUBMITTED,),
    EVALUATION: (evaluation_flow.SUBMITTED, evaluation_flow.RATED),
}
_TOUCHED = "kinerja.waiting.touched"  # {(tenant id, kind, item id)} changed in this transaction
_RESYNC = "kinerja.waiting.resync"  # {tenant id} whose hierarchy changed in this transaction
_FRESH = "kinerja.waiting.fresh"  # Counter{(holder, kind): marks inserted with new items}
_HIERARCHY = ("superior_id", "active", "user_id")  # what `skp.chain` and the roles read
Mark = tuple[str, int, str, int]  # kind, item id, holder, owner (employee) id
_MARKS = cast(Table, WaitingMark.__table__)
_COUNTERS = cast(Table, WaitingCounter.__table__)


def person(employee_id: int) -> str:
    return f"e:{employee_id}"


def init_app(app: Any) -> None:
    """Nothing per app: importing the module connected the session's listeners."""


# --- who holds an item ----------------------------------------------------------------------
class _Chains:
    """The chain of each employee, computed once per recomputation."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.found: dict[int, skps.Chain | None] = {}
        self.others: dict[int | None, bool] = {}

    def of(self, employee_id: int) -> skps.Chain | None:
        if employee_id not in self.found:
            employee = raters.employee(self.session, employee_id)
            self.found[employee_id] = (
                None if employee is None else skps.chain(self.session, employee)
            )
        return self.found[employee_id]

    def rater(self, employee_id: int) -> int | None:
        """Only the rater (no reviewer above): all a daily entry needs."""
        if employee_id in self.found:
            found = self.found[employee_id]
            return found.rater.id if found is not None and found.rater is not None else None
        return raters.rater_of(self.session, employee_id)

    def other_admin(self, employee_id: int) -> bool:
        employee = raters.employee(self.session, employee_id)
        user_id = employee.user_id if employee is not None else None
        if user_id not in self.others:
            self.others[user_id] = users.other_admin(self.session, user_id)
        return self.others[user_id]


def holders(chains: _Chains, kind: str, employee_id: int, status: str) -> set[str]:
    """Who decides next on an item in `status`, by the workflows' rules (`skp.roles`,
    `evaluation.service.roles`): nobody when it waits for no one."""
    if status not in WAITING[kind]:
        return set()
    if kind == ENTRY:
        return entry_holders(chains.rater(employee_id))
    of = chains.of(employee_id)
    if of is None:
        return set()
    rater = person(of.rater.id) if of.rater is not None else None
    if kind == SKP or status == evaluation_flow.SUBMITTED:
        return {rater or ADMIN}
    if of.reviewer is not None:  # a rated evaluation waits for its reviewer
        return {person(of.reviewer.id)}
    found = {ADMIN}  # nobody above the rater: the admin OPD reviews; if no other admin OPD
    if rater and not chains.other_admin(employee_id):  # could, the rater approves too
        found.add(rater)
    return found


def entry_holders(rater_id: int | None) -> set[str]:
    """Who a submitted daily entry waits for: its owner's rater; the head's entries wait for
    nobody (`log.service.team`)."""
    return {person(rater_id)} if rater_id is not None else set()


# --- keeping marks and counters ---------------------------------------------------------------
def _bump(session: Session, tenant_id: int, moves: Counter[tuple[str, str]]) -> None:
    """Move the counters by `moves` ({(holder, kind): delta}), in one order (two transactions
    moving the same counters never wait on each other in a circle)."""
    connection = session.connection()
    for (holder, kind), delta in sorted(moves.items()):
        if delta:
            connection.execute(
                _BUMP, {"tenant_id": tenant_id, "holder": holder, "kind": kind, "count": delta}
            )


def _bump_statement() -> Any:
    names = ("tenant_id", "holder", "kind", "count")
    statement = pg_insert(_COUNTERS).values(
        {name: bindparam(name, type_=_COUNTERS.c[name].type) for name in names}
    )
    return statement.on_conflict_do_update(
        index_elements=["tenant_id", "holder", "kind"],
        set_={"count": _COUNTERS.c.count + statement.excluded.count},
    )


_BUMP = _bump_statement()  # built once: every submitted entry's commit sends it


def _move(
    session: Session, tenant_id: int, add: Iterable[Mark], remove: Iterable[Mark]
) -> Counter[tuple[str, str]]:
    """Insert and delete marks; the counters' moves for what each statement really did (a mark
    a parallel transaction already added or removed moves nothing)."""
    moves: Counter[tuple[str, str]] = Counter()
    table = _MARKS
    for kind, item_id, holder, _owner in sorted(remove):
        gone = session.execute(
            delete(table)
            .where(
                table.c.tenant_id == tenant_id,
                table.c.kind == kind,
                table.c.item_id == item_id,
                table.c.holder == holder,
            )
            .returning(table.c.holder)
        ).first()
        if gone is not None:
            moves[(holder, kind)] -= 1
    for kind, item_id, holder, owner in sorted(add):
        added = session.execute(
            pg_insert(table)
            .values(tenant_id=tenant_id, kind=kind, item_id=item_id, holder=holder, owner_id=owner)
            .on_conflict_do_nothing()
            .returning(table.c.holder)
        ).first()
        if added is not None:
            moves[(holder, kind)] += 1
    return moves


def _items(session: Session, tenant_id: int, kind: str, ids: Iterable[int] | None) -> list[Any]:
    """(id, employee id, status) of the kind's items: those named, or every waiting one."""
    model = MODELS[kind]
    query = select(model.id, model.employee_id, model.status).where(model.tenant_id == tenant_id)
    if ids is None:
        query = query.where(model.status.in_(WAITING[kind]))
    else:
        query = query.where(model.id.in_(list(ids)))
    return list(session.execute(query))


def _marks(session: Session, tenant_id: int, kind: str | None = None, ids: Any = None) -> set[Mark]:
    table = _MARKS
    query = select(table.c.kind, table.c.item_id, table.c.holder, table.c.owner_id).where(
        table.c.tenant_id == tenant_id
    )
    if kind is not None:
        query = query.where(table.c.kind == kind, table.c.item_id.in_(list(ids)))
    return {(k, i, h, o) for k, i, h, o in session.execute(query)}


def sync(
    session: Session,
    tenant_id: int,
    touched: dict[str, set[int]],
    fresh: Counter[tuple[str, str]] | None = None,
) -> None:
    """Bring the marks of the named items ({kind: item ids}) to who holds them now, and move
    the counters by those moves and `fresh` (marks inserted with their items)."""
    if any(touched.values()):
        _lock(session, tenant_id, whole=False)  # after any recomputation under way
    chains = _Chains(session)
    moves: Counter[tuple[str, str]] = Counter(fresh or {})
    for kind, ids in sorted(touched.items()):
        if not ids:
            continue
        wanted = {
            (kind, item_id, holder, employee_id)
            for item_id, employee_id, status in _items(session, tenant_id, kind, ids)
            for holder in holders(chains, kind, employee_id, status)
        }
        # Items that wait for nobody now (decided, taken back, gone): their marks go in one
        # statement that says which it removed, with no read of them first.
        idle = set(ids) - {item_id for _kind, item_id, _holder, _owner in wanted}
        if idle:
            moves.update(_drop(session, tenant_id, kind, idle))
        busy = set(ids) - idle
        if busy:
            there = _marks(session, tenant_id, kind, busy)
            moves.update(_move(session, tenant_id, wanted - there, there - wanted))
    _bump(session, tenant_id, moves)


def _drop(session: Session, tenant_id: int, kind: str, ids: set[int]) -> Counter[tuple[str, str]]:
    """Delete every mark of the items; the counters' moves for the marks really deleted (one a
    parallel transaction removed first moves nothing)."""
    gone = session.execute(
        delete(_MARKS)
        .where(
            _MARKS.c.tenant_id == tenant_id,
            _MARKS.c.kind == kind,
            _MARKS.c.item_id.in_(sorted(ids)),
        )
        .returning(_MARKS.c.holder)
    ).scalars()
    moves: Counter[tuple[str, str]] = Counter()
    for holder in gone:
        moves[(holder, kind)] -= 1
    return moves


def expected(session: Session, tenant_id: int) -> set[Mark]:
    """Every mark the agency should have: each waiting item's holders, from the items."""
    session.scalars(select(Employee).where(Employee.tenant_id == tenant_id)).all()  # one query
    chains = _Chains(session)
    return {
        (kind, item_id, holder, employee_id)
        for kind in KINDS
        for item_id, employee_id, status in _items(session, tenant_id, kind, None)
        for holder in holders(chains, kind, employee_id, status)
    }


# One agency's marks are recomputed whole by one transaction at a time, and never while another
# moves some of them (transaction-level advisory locks, keyed by the agency): two hierarchy
# changes at once would each write the marks they saw before the other committed, and a
# decision's DELETE would miss the marks a running recomputation is inserting. Recomputations
# take it exclusively, `sync` shared.
_LOCK_CLASS = 0x4B57  # "KW": the first key of the pair, the agency's id the second


def hold_for_new(session: Session, tenant_id: int) -> None:
    """Before a new item's first statement, when its mark goes in with it (`rater_mark_of_new`):
    the agency's lock shared, taken with the BEGIN (no round trip of its own). A recomputation
    (a hierarchy change) then either ends before the item's insert reads the hierarchy, or
    starts after the item committed and counts it: without it, one committing in between did
    not see the uncommitted item, and the item's mark kept the superior of before."""
    scoping.share_at_begin(session, (_LOCK_CLASS, tenant_id))


def _lock(session: Session, tenant_id: int, *, whole: bool) -> None:
    if whole:
        session.execute(select(func.pg_advisory_xact_lock(_LOCK_CLASS, tenant_id)))
    else:
        session.execute(select(func.pg_advisory_xact_lock_shared(_LOCK_CLASS, tenant_id)))


def repair(session: Session, tenant_id: int) -> dict[tuple[str, str], tuple[int, int]]:
    """Recompute the agency's marks from its items and set every counter to its marks' count;
    {(holder, kind): (counted, real)} of the counters that were wrong."""
    _lock(session, tenant_id, whole=True)
    wanted = expected(session, tenant_id)
    there = _marks(session, tenant_id)
    _move(session, tenant_id, wanted - there, there - wanted)
    table = _COUNTERS
    kept = {
        (holder, kind): count
        for holder, kind, count in session.execute(
            select(table.c.holder, table.c.kind, table.c.count)
            .where(table.c.tenant_id == tenant_id)
            .with_for_update()
        )
    }
    # Counted from the marks once the counters are locked, not from `wanted`: a decision
    # committed meanwhile moved its mark and its counter together, and one still running
    # moves its counter after this transaction, on top of the count set here.
    real = Counter(
        {
            (holder, kind): int(n)
            for holder, kind, n in session.execute(
                select(_MARKS.c.holder, _MARKS.c.kind, func.count())
                .where(_MARKS.c.tenant_id == tenant_id)
                .group_by(_MARKS.c.holder, _MARKS.c.kind)
            )
        }
    )
    drift = {
        key: (kept.get(key, 0), real.get(key, 0))
        for key in set(kept) | set(real)
        if kept.get(key, 0) != real.get(key, 0)
    }
    for (holder, kind), (_counted, right) in sorted(drift.items()):
        statement = pg_insert(table).values(
            tenant_id=tenant_id, holder=holder, kind=kind, count=right
        )
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["tenant_id", "holder", "kind"], set_={"count": right}
            )
        )
    return drift


# --- the session's part: noticing changes, applying them before commit -----------------------
_KIND_OF = {model: kind for kind, model in MODELS.items()}


@event.listens_for(Session, "after_flush")
def _noticed(session: Session, _context: Any) -> None:
    """Note the items whose state (or owner) changed, and agencies whose hierarchy changed."""
    for obj in (*session.new, *session.dirty, *session.deleted):
        kind = _KIND_OF.get(type(obj))
        if kind is not None:
            if obj in session.dirty and not _changed(obj, ("status", "employee_id")):
                continue
            session.info.setdefault(_TOUCHED, set()).add((obj.tenant_id, kind, obj.id))
        elif isinstance(obj, Employee):
            # a new employee is nobody's superior yet: no chain changes until one points at them
            if obj in session.new or (obj in session.dirty and not _changed(obj, _HIERARCHY)):
                continue
            session.info.setdefault(_RESYNC, set()).add(obj.tenant_id)
        elif isinstance(obj, Membership) and obj.role == perm.ROLE_ADMIN_OPD:
            # who else is an admin OPD decides who reviews a rated evaluation nobody is above
            session.info.setdefault(_RESYNC, set()).add(obj.tenant_id)


def rater_mark_of_new(tenant_id: int, kind: str, owner_id: int, rater_id: int) -> Any:
    """The mark of an item a `kinerja.db.idempotency.claim` inserts, for the owner's rater as a
    cached principal knew them, as an INSERT … SELECT reading its id, sent with it: no round
    trip of its own. Written only if that rater is still the owner's active direct superior
    when the statement runs (`raters.directly_rated`): a superior moved since the cache was read
    (or a vacant post in between) writes nothing, and the caller hands the item to the general
    rule (`touch`). It returns its row, so the caller knows which (`Claimed.counts`)."""
    from kinerja.db.idempotency import Also

    table = _MARKS

    def build(created: Any) -> Any:
        tenant = bindparam("mark_tenant_id", type_=table.c.tenant_id.type)
        owner = bindparam("mark_owner_id", type_=table.c.owner_id.type)
        rater = bindparam("mark_rater_id", type_=table.c.owner_id.type)
        row = (
            select(
                tenant,
                bindparam("mark_kind", type_=table.c.kind.type),
                created.c.id,
                bindparam("mark_holder", type_=table.c.holder.type),
                owner,
            )
            .select_from(created)
            .where(raters.directly_rated(tenant, owner, rater))
        )
        return (
            insert(table)
            .from_select(["tenant_id", "kind", "item_id", "holder", "owner_id"], row)
            .returning(table.c.holder)
        )

    params = {
        "mark_tenant_id": tenant_id,
        "mark_kind": kind,
        "mark_owner_id": owner_id,
        "mark_rater_id": rater_id,
        "mark_holder": person(rater_id),
    }
    return Also(("waiting_rater_mark",), build, params, counted=True)


def marked(session: Session, kind: str, holders: Iterable[str]) -> None:
    """A new item's marks went in with it (`rater_mark_of_new`): its holders' counters move by one
    each when the session commits (as late as possible: the counter row is the one lock that
    every entry of a superior's team shares)."""
    fresh: Counter[tuple[str, str]] = session.info.setdefault(_FRESH, Counter())
    fresh.update((holder, kind) for holder in holders)


def touch(session: Session, kind: str, item: Any) -> None:
    """An item whose state was written past the ORM's unit of work (a Core INSERT): its
    marks are brought up to date before the session commits, like those the flush noticed."""
    session.info.setdefault(_TOUCHED, set()).add((item.tenant_id, kind, item.id))


def _changed(obj: Any, names: Iterable[str]) -> bool:
    state = attributes.instance_state(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "before_commit")
def _apply(session: Session) -> None:
    session.flush()  # what is still pending is noticed first (commit would flush it next)
    if not any(session.info.get(key) for key in (_TOUCHED, _RESYNC, _FRESH)):
        return
    touched = session.info.pop(_TOUCHED, set())
    resync = session.info.pop(_RESYNC, set())
    fresh = session.info.pop(_FRESH, Counter())
    tenant_id = current_tenant_id(session)
    if tenant_id is None:  # no agency's rules to apply here: the nightly check repairs
        log.warning("waiting counters not kept outside an agency's session: %s", resync or touched)
        return
    if tenant_id in resync:
        repair(session, tenant_id)  # counts every mark, the fresh ones included
        return
    by_kind: dict[str, set[int]] = {}
    for item_tenant, kind, item_id in touched:
        if item_tenant == tenant_id:
            by_kind.setdefault(kind, set()).add(item_id)
    sync(session, tenant_id, by_kind, fresh)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    for key in (_TOUCHED, _RESYNC, _FRESH):
        session.info.pop(key, None)


# --- reading ----------------------------------------------------------------------------------
def counts(session: Session, principal: perm.Principal) -> dict[str, int]:
    """{kind: how many wait for the principal}: their own counter and, for the admin OPD, the
    admin's, less the admin's own items (nobody decides on their own). Read once per request
    (the home page and the menu's badges ask the same)."""
    if not has_request_context():
        return _counts(session, principal)
    cache = request.environ.setdefault("kinerja.waiting_counts", {})
    key = (principal.tenant_id, principal.user_id, principal.employee_id)
    if key not in cache:
        cache[key] = _counts(session, principal)
    return dict(cache[key])


def _counts(session: Session, principal: perm.Principal) -> dict[str, int]:
    mine = None
    if perm.is_member(principal) and principal.employee_id is not None:
        mine = person(principal.employee_id)
    admin = perm.is_agency_admin(principal)
    wanted = [h for h in (mine, ADMIN if admin else None) if h is not None]
    if not wanted:
        return {}
    found = Counter(
        {
            kind: int(n or 0)
            for kind, n in session.execute(
                select(WaitingCounter.kind, func.sum(WaitingCounter.count))
                .where(WaitingCounter.holder.in_(wanted))
                .group_by(WaitingCounter.kind)
            )
        }
    )
    if admin and principal.employee_id is not None:
        found.subtract(
            {
                kind: int(n)
                for kind, n in session.execute(
                    select(WaitingMark.kind, func.count())
                    .where(
                        WaitingMark.holder == ADMIN, WaitingMark.owner_id == principal.employee_id
                    )
                    .group_by(WaitingMark.kind)
                )
            }
        )
    return {kind: max(0, found.get(kind, 0)) for kind in KINDS}


# --- the nightly check --------------------------------------------------------------------------
CHECKED = "kinerja:waiting:checked:{tenant}:{day}"


def check(ctx: Any) -> dict[str, Any]:
    """The job: recompute the agency's counters, log and repair any drift."""
    from kinerja.db import db

    with db.unit_of_work(ctx.tenant_id) as session:
        drift = repair(session, ctx.tenant_id)
    for (holder, kind), (counted, real) in sorted(drift.items()):
        log.warning(
            "waiting counter drifted: tenant %s, %s of %s: counted %s, real %s",
            ctx.tenant_id,
            kind,
            holder,
            counted,
            real,
            extra={
                "tenant_id": ctx.tenant_id,
                "counter": f"{holder}/{kind}",
                "drift": real - counted,
            },
        )
    return {"drifted": len(drift)}


def schedule(session: Session, tenant_id: int, today: date) -> int:
    """Enqueue the agency's check once a day (the first round of the day, whichever worker)."""
    from kinerja import jobs, redis

    key = CHECKED.format(tenant=tenant_id, day=today.isoformat())
    if not redis.client(current_app).set(key, "1", nx=True, ex=2 * 86400):
        return 0
    jobs.enqueue(session, check)
    return 1
