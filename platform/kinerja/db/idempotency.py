"""Creating a row exactly once under an `Idempotency-Key`, as draft-ietf-httpapi-idempotency-key-
header has it: the key is bound to a fingerprint of the request that first used it. The same key
with the same request replays the first result; with another request it is refused (422), so a
client never believes a different entry was recorded.

A table that takes keys has `idempotency_key` and `idempotency_fingerprint` columns and a unique
constraint on (tenant_id, <owner>, idempotency_key): concurrent first requests with one key meet
at that constraint, one inserts and the others wait for it, then replay (or are refused).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CTE, Executable, Table, bindparam, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session, make_transient_to_detached

from kinerja.db.scoping import current_tenant_id
from kinerja.exceptions import Invalid
from kinerja.i18n import _

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
MAX_LENGTH = 100


def openapi_parameter(what: str) -> dict[str, Any]:
    """The header as an OpenAPI parameter of an operation that creates `what`."""
    return {
        "in": "header",
        "name": HEADER,
        "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": MAX_LENGTH},
        "description": (
            f"Makes the request safe to retry: the key is bound to a fingerprint of the body "
            f"(its fields and the bytes of its files). The same key with the same body returns "
            f"the {what} created first (200, `{REPLAYED}: true`); the same key with a different "
            f"body is refused with 422. Use a new key (a UUID) for every new {what}."
        ),
    }


class BadKey(Invalid):
    """A problem with the key itself (422, named under the request's headers)."""

    location = "headers"


class KeyReused(BadKey):
    """The key was used before for a different request (422, naming the key)."""

    def __init__(self, key: str) -> None:
        super().__init__(
            HEADER,
            _(
                'The Idempotency-Key "%(key)s" was already used for a different request; '
                "send a new key for new work.",
                key=key,
            ),
        )
        self.key = key


def check_key(key: str | None) -> str | None:
    """The key as sent (None when there is none); refused when it is not 1 to 100 plain
    characters."""
    key = (key or "").strip()
    if not key:
        return None
    if len(key) > MAX_LENGTH or not key.isascii() or not key.isprintable():
        raise BadKey(HEADER, _("An Idempotency-Key is 1 to 100 plain characters."))
    return key


def fingerprint(fields: Mapping[str, Any], files: Sequence[tuple[str, bytes]] = ()) -> str:
    """A hash of the request's canonical body: its fields (keys sorted, whatever their order on
    the wire) and each file's name with the SHA-256 of its bytes, in the order sent."""
    canonical = json.dumps(
        {
            "fields": dict(fields),
            "files": [[name, hashlib.sha256(data).hexdigest()] for name, data in files],
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def earlier(
    session: Session, model: Any, owner: str, owner_id: int, key: str | None, print_: str
) -> Any | None:
    """The row created first under `key` by `owner_id`, if any; KeyReused when that request
    was a different one. Rows from before fingerprints were kept (NULL) replay as before."""
    if not key:
        return None
    found = session.scalar(
        select(model).where(getattr(model, owner) == owner_id, model.idempotency_key == key)
    )
    if found is not None and found.idempotency_fingerprint not in (None, print_):
        raise KeyReused(key)
    return found


def insert_once(
    session: Session,
    model: Any,
    values: Mapping[str, Any],
    *,
    owner: str,
    key: str | None,
    print_: str,
) -> tuple[Any, bool]:
    """(the row, whether it was created earlier under `key`): one INSERT … ON CONFLICT DO
    NOTHING, so a racing request with the same key waits for the first one's transaction and
    then replays it (or is refused), never a unique violation (500). A NULL key never
    conflicts."""
    row = session.scalars(
        pg_insert(model)
        .values(
            tenant_id=current_tenant_id(session),
            idempotency_key=key,
            idempotency_fingerprint=print_ if key else None,
            **values,
        )
        .on_conflict_do_nothing(index_elements=["tenant_id", owner, "idempotency_key"])
        .returning(model),
        execution_options={"populate_existing": True},
    ).first()
    if row is not None:
        return row, False
    found = earlier(session, model, owner, values[owner], key, print_)
    assert found is not None  # the conflict was on this very key
    return found, True


@dataclass(frozen=True)
class Also:
    """A statement sent with `claim`'s insert, reading the new row (`created`: the insert's CTE,
    with the row's `id`): the audit row (`kinerja.audit.insert_for`), a waiting mark. `build`
    writes it with bind parameters only, once per `shape` (what decides its form: the columns,
    how many rows); `params` are its values for this request, named apart from the others."""

    shape: tuple[Any, ...]
    build: Callable[[CTE], Executable]
    params: Mapping[str, Any]
    counted: bool = False  # the statement returns rows, and `claim` says how many


@dataclass(frozen=True)
class Claimed:
    """What `claim` did: the new row's id (None: the key was taken) and, for each `Also` that
    is `counted`, how many rows it returned."""

    id: int | None
    counts: tuple[int, ...] = ()


# The hot writes' statements, built once per shape: a request then neither builds a statement
# nor works out its cache key (both cost more CPU than the INSERT), it only binds values.
_STATEMENTS: dict[tuple[Any, ...], Executable] = {}
_MOST_SHAPES = 256  # a bound, not a limit anyone reaches: a handful of shapes per table


def claim(
    session: Session,
    table: Table,
    values: Mapping[str, Any],
    *,
    owner: str,
    key: str | None,
    print_: str,
    also: Sequence[Also] = (),
) -> Claimed:
    """`insert_once` in one round trip, for the hot writes: the id of the row inserted now, or
    None when `key` was taken (the caller replays with `earlier`), in a `Claimed`. Each of
    `also` is sent in the same statement, reading the new row's id: PostgreSQL runs a
    data-modifying CTE whether or not the result reads it, and on a taken key `created` is
    empty, so they write nothing either. Nothing is read back: the caller has every value it
    sent. The same ON CONFLICT as `insert_once`, so racing first requests wait for each other
    the same way."""
    columns = tuple(sorted(values))
    shape = (table.name, columns, owner, tuple(part.shape for part in also))
    statement = _STATEMENTS.get(shape)
    if statement is None:
        if len(_STATEMENTS) >= _MOST_SHAPES:
            _STATEMENTS.clear()
        statement = _STATEMENTS[shape] = _claim_statement(table, columns, owner, also)
    params: dict[str, Any] = {
        "claim_tenant_id": current_tenant_id(session),
        "claim_idempotency_key": key,
        "claim_idempotency_fingerprint": print_ if key else None,
    }
    params.update((f"claim_{name}", value) for name, value in values.items())
    for part in also:
        params.update(part.params)
    # The session's connection (its transaction, the tenant's RLS setting), without the ORM's
    # statement machinery: there is no entity to load.
    row = session.connection().execute(statement, params).first()
    if row is None:
        return Claimed(None, tuple(0 for part in also if part.counted))
    return Claimed(row[0], tuple(int(n) for n in row[1:]))


def claimed_row(
    session: Session,
    model: Any,
    row_id: int,
    key: str | None,
    print_: str,
    values: Mapping[str, Any],
) -> Any:
    """The row `claim` just inserted, as a persistent object of the session built from what was
    sent (no SELECT): a later change to it is an UPDATE like any other; columns the database
    filled (the timestamps) load when first read."""
    found = model(
        id=row_id,
        tenant_id=current_tenant_id(session),
        idempotency_key=key,
        idempotency_fingerprint=print_ if key else None,
        **values,
    )
    make_transient_to_detached(found)
    session.add(found)
    return found


def replayed(
    session: Session, model: Any, owner: str, owner_id: int, key: str | None, print_: str
) -> Any:
    """The first request's row when `claim` found the key taken (or `KeyReused`)."""
    found = earlier(session, model, owner, owner_id, key, print_)
    assert found is not None  # the conflict was on this very key
    return found


def _claim_statement(
    table: Table, columns: tuple[str, ...], owner: str, also: Sequence[Also]
) -> Executable:
    names = ("tenant_id", "idempotency_key", "idempotency_fingerprint", *columns)
    insert = (
        pg_insert(table)
        .values({name: bindparam(f"claim_{name}", type_=table.c[name].type) for name in names})
        .on_conflict_do_nothing(index_elements=["tenant_id", owner, "idempotency_key"])
        .returning(table.c.id)
    )
    if not also:
        return insert
    created = insert.cte("created")
    parts = [part.build(created).cte(f"also_{n}") for n, part in enumerate(also)]  # type: ignore[attr-defined]
    counts = [
        select(func.count()).select_from(cte).scalar_subquery()
        for cte, part in zip(parts, also, strict=True)
        if part.counted
    ]
    return select(created.c.id, *counts).add_cte(*parts)
