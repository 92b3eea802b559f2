"""The version stamps behind the principal cache (`identity/cache.py`), and what bumps them.

A cached tenant or principal is trusted only while the versions it was read under are still
the ones in Redis; the reader gets them in the same round trip as the cached value. Any commit
that changed what a principal is made of gives the versions concerned a new value, so the
next request, in whichever worker, reads the database again:

- `kinerja:authz:v:<tenant id>`: the agency's memberships, API tokens (not their last use),
  employees (active, user link, superior, position), positions and the list of who oversees it;
- `kinerja:authz:v:tenants`: any agency (suspended, renamed …);
- `kinerja:authz:v:global`: a user (active, display name, city admin), and any write to those
  tables whose agency cannot be told (raw SQL, cross-tenant statements): every cached value.

The bumps are SQLAlchemy session events over the models, not calls in the services: a new
service function that changes a role cannot forget them. They are noted at flush (and for
bulk UPDATE/DELETE statements when executed) and sent after the commit, never before: a
request that read the old rows before the commit stored them under the old versions, which no
longer match. A write that bypasses the ORM session (a bare engine connection) is not seen:
cached values also expire after `cache.TTL_SECONDS`.

A version is a random value, not a counter: a version key lost (Redis evicted or restarted)
can never come back equal to the one an old cached value was stamped with.
"""

from __future__ import annotations

import logging
import re
import secrets
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import TextClause, event, inspect
from sqlalchemy.orm import ORMExecuteState, Session

from kinerja.db.scoping import CROSS_TENANT, current_tenant_id
from kinerja.identity.models import ApiToken, Membership, User
from kinerja.people.models import AgencyViewer, Employee, Position
from kinerja.tenancy.models import Tenant

log = logging.getLogger(__name__)
PREFIX = "kinerja:authz:"
GLOBAL = f"{PREFIX}v:global"
TENANTS = f"{PREFIX}v:tenants"
PENDING = "kinerja.authz_bumps"  # session.info: the version keys this transaction changes
TARGET = "kinerja.authz_cache"  # session.info: the app's cache state that sends them


def forget_all(client: Any) -> None:
    """Make every cached agency and principal stale at once (`client`: a Redis client): after
    the database was replaced under a running Redis (a restore, a fresh database of a bench
    or a test), whose rows no session event saw change. Every agency's principals carry the
    global version, and every agency's row the agencies' version."""
    client.mset({GLOBAL: new_value(), TENANTS: new_value()})


def tenant_version(tenant_id: int) -> str:
    return f"{PREFIX}v:{tenant_id}"


def new_value() -> str:
    return secrets.token_hex(8)


# Per model: which version it feeds, and which columns matter (None: every change). A token's
# last use is written once a minute and changes nobody's rights; a login time, an e-mail or a
# language neither.
_AGENCY, _USERS, _TENANTS = "agency", "users", "tenants"
WATCHED: dict[type, tuple[str, frozenset[str] | None]] = {
    Tenant: (_TENANTS, None),
    User: (_USERS, frozenset({"active", "display_name", "is_city_admin", "sso_city_admin"})),
    Membership: (_AGENCY, None),
    ApiToken: (
        _AGENCY,
        frozenset({"user_id", "role", "token_hash", "expires_at", "revoked_at", "tenant_id"}),
    ),
    Employee: (
        _AGENCY,
        frozenset({"active", "user_id", "superior_id", "position_id", "tenant_id"}),
    ),
    Position: (_AGENCY, None),
    AgencyViewer: (_AGENCY, None),
}
_TABLES = {model.__table__.name: model for model in WATCHED}  # type: ignore[attr-defined]
# Raw SQL writing one of those tables (the table named right after the verb).
_RAW_WRITE = re.compile(
    r"^\s*(?:UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+\"?(" + "|".join(_TABLES) + r")\b",
    re.IGNORECASE,
)


def _keys(kind: str, tenant_id: int | None) -> set[str]:
    if kind == _TENANTS:
        return {TENANTS}
    if kind == _AGENCY and tenant_id is not None:
        return {tenant_version(tenant_id)}
    return {GLOBAL}  # a user, or an agency's row whose agency is unknown


def _note(session: Session, keys: set[str]) -> None:
    if not keys:
        return
    session.info.setdefault(PENDING, set()).update(keys)
    if TARGET not in session.info and has_app_context():
        session.info[TARGET] = current_app.extensions.get(TARGET)


def _changed(obj: Any, columns: frozenset[str] | None) -> bool:
    state = inspect(obj)
    names = columns if columns is not None else [a.key for a in state.mapper.column_attrs]
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, flush_context: Any) -> None:
    # After the flush, `new`, `dirty` and `deleted` and the attributes' history still describe
    # what the flush wrote.
    keys: set[str] = set()
    for obj in (*session.new, *session.deleted, *session.dirty):
        watched = WATCHED.get(type(obj))
        if watched is None:
            continue
        kind, columns = watched
        if obj in session.dirty and not _changed(obj, columns):
            continue
        keys |= _keys(kind, getattr(obj, "tenant_id", None) or current_tenant_id(session))
    _note(session, keys)


def _set_columns(state: ORMExecuteState) -> set[str] | None:
    """The columns a bulk UPDATE sets (None: cannot tell, so all)."""
    try:
        params = state.statement.compile().params  # type: ignore[attr-defined]
    except Exception:  # an unusual statement: count it as touching everything
        return None
    table = state.statement.table  # type: ignore[attr-defined]
    names = {column.key for column in table.columns}
    return {key for key in params if key in names}


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    """Bulk UPDATE/DELETE/INSERT statements and raw SQL skip the flush: note them here."""
    statement = state.statement
    if isinstance(statement, TextClause):
        found = _RAW_WRITE.match(statement.text)
        if found:
            kind = WATCHED[_TABLES[found.group(1).lower()]][0]
            _note(state.session, {GLOBAL, TENANTS} if kind == _TENANTS else {GLOBAL})
        return
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    mapper = state.bind_mapper
    if mapper is not None:
        model: type | None = mapper.class_
    else:  # a Core statement on the Table itself
        model = _TABLES.get(getattr(getattr(statement, "table", None), "name", ""))
    watched = WATCHED.get(model) if model is not None else None
    if watched is None:
        return
    kind, columns = watched
    if state.is_update and columns is not None:
        set_columns = _set_columns(state)
        if set_columns is not None and not set_columns & columns:
            return
    # A cross-tenant statement may write any agency's rows: its agency cannot be told.
    cross = state.execution_options.get(CROSS_TENANT, False)
    tenant_id = None if cross else current_tenant_id(state.session)
    _note(state.session, _keys(kind, tenant_id))


@event.listens_for(Session, "after_commit")
def _send(session: Session) -> None:
    keys = session.info.pop(PENDING, None)
    target = session.info.pop(TARGET, None)
    if keys and target is not None:
        target.bump(keys)
    elif keys:
        log.warning("committed changes to access outside an app: cached principals not told")


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: Any) -> None:
    # A rolled-back transaction changed nothing (a committed one has sent its bumps already).
    if transaction.parent is None:
        session.info.pop(PENDING, None)
        session.info.pop(TARGET, None)
