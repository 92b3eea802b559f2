"""One workflow engine for every record that moves through states: the SKP, the evaluation, the
daily entry, report submissions and assessment campaigns.

A workflow is data: a table of `(state, action) -> Step(to, by, needs)`. `Machine.decide` is a
pure function of the state, the roles the actor holds relative to the record and the facts the
service gathered; it answers the next state or why not, and never touches the database.

`locked` is where a decision becomes atomic. The service re-reads the record under a row lock
(`SELECT … FOR UPDATE`) before deciding: of concurrent conflicting decisions on one record the
first holds the lock until it commits, the others wait, then read the state it left and are
refused ("state", a 409 naming that state). Only the winner writes, audits and notifies, and no
unique violation or lost update is left for a 500.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select, text
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import Session

from kinerja.db.scoping import current_tenant_id
from kinerja.exceptions import NotFound

STATE, WHO = "state", "who"  # the refusals every workflow shares; others name an unmet need
ANYONE = "*"  # a step whose actor the caller has already checked (a permission on the route)


@dataclass(frozen=True)
class Step:
    to: str
    by: frozenset[str]
    needs: tuple[str, ...] = ()


def step(to: str, by: str | Iterable[str], *needs: str) -> Step:
    """A step to `to`, taken by the role(s) `by`, once every one of `needs` holds."""
    return Step(to, frozenset({by} if isinstance(by, str) else by), tuple(needs))


@dataclass(frozen=True)
class Outcome:
    """The next state, or why the step is refused: `refusal` is "state", "who" or the name of
    the first unmet requirement."""

    to: str | None = None
    refusal: str | None = None

    @property
    def allowed(self) -> bool:
        return self.refusal is None


class Machine:
    """A transition table and the pure functions that read it."""

    def __init__(self, transitions: Mapping[tuple[str, str], Step]) -> None:
        self.transitions = dict(transitions)
        self.actions = tuple(dict.fromkeys(a for _s, a in self.transitions))

    def decide(
        self,
        state: str,
        action: str,
        roles: Iterable[str],
        facts: Mapping[str, bool] | None = None,
    ) -> Outcome:
        """Take `action` on a record in `state` by someone holding `roles`, given `facts`
        (a requirement missing from `facts` is unmet: fail closed)."""
        found = self.transitions.get((state, action))
        if found is None:
            return Outcome(refusal=STATE)
        held = frozenset(roles)
        if ANYONE not in found.by and not found.by & held and ANYONE not in held:
            return Outcome(refusal=WHO)
        for need in found.needs:
            if not (facts or {}).get(need, False):
                return Outcome(refusal=need)
        return Outcome(to=found.to)

    def available(self, state: str, roles: Iterable[str]) -> list[str]:
        """The actions someone holding `roles` may try from `state` (for buttons; facts aside)."""
        held = frozenset(roles)
        return [
            a
            for (s, a), found in self.transitions.items()
            if s == state and (found.by & held or ANYONE in found.by)
        ]


# --- atomic decisions --------------------------------------------------------------------------
Record = TypeVar("Record")


def locked(session: Session, record: Record, *, referenced: bool = False) -> Record:
    """`record` re-read under a row lock held until the transaction ends: decide on what it
    says now, not on what the request loaded before another decision committed. `referenced`:
    a row other rows keep being inserted against (an employee: every daily entry's foreign key
    takes a KEY SHARE lock on it), locked `FOR NO KEY UPDATE`, which serialises the changes of
    the row as well but lets those inserts through; `FOR UPDATE` would make them wait, and a
    change that then waits for the agency's waiting lock (a hierarchy change) deadlocks with
    an entry holding that lock shared while it waits for the row."""
    session.flush()
    try:
        session.refresh(record, with_for_update={"key_share": True} if referenced else True)
    except InvalidRequestError:
        # Deleted by a request that held the lock first (a draft deleted while it was edited).
        raise NotFound() from None
    return record


def locked_all(session: Session, model: Any, ids: Sequence[int]) -> dict[int, Any]:
    """The rows of `model` with these ids, locked in id order (two bulk decisions over
    overlapping rows then wait for each other instead of deadlocking), by id."""
    if not ids:
        return {}
    rows = session.scalars(
        select(model)
        .where(model.id.in_(sorted(set(ids))))
        .order_by(model.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {row.id: row for row in rows}


def year_lock(session: Session, year: int, topic: str = "curve") -> None:
    """Serialise decisions that are checked against the whole agency's year (the distribution
    curve): a transaction-scoped advisory lock on (agency, topic, year), released at commit."""
    agency_lock(session, f"{topic}:{year}")


def agency_lock(session: Session, topic: str) -> None:
    """Serialise the changes of one thing of the agency that has no row to lock (a setting
    saved for the first time) or is many rows (the unit tree): a transaction-scoped advisory
    lock on (agency, topic), released at commit. Taken before the thing is read, an update's
    If-Match is then compared with what the change before it left (412), never with what it
    overwrote."""
    session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
        {"key": f"{current_tenant_id(session)}:{topic}"},
    )
