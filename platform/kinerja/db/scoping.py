"""The ORM half of tenant isolation: queries filtered, writes checked, RLS set per transaction.

The tenant lives on the session (`session.info["tenant_id"]`), bound once by `bind_tenant`.
PostgreSQL row-level security is the second half (see migrations/rls.py); objects already in the
identity map skip loader criteria, so RLS is the net under this one.
"""

from __future__ import annotations

from typing import Any

from psycopg import generators
from psycopg.pq import ExecStatus, TransactionStatus
from sqlalchemy import bindparam, event, false, text
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from kinerja.db.base import TenantOwned

TENANT_KEY = "tenant_id"
# Set by a statement that already called set_config for this tenant in the open transaction.
RLS_SET = "kinerja.rls_set"
# The one opt-out, for cross-tenant maintenance code:
# `.execution_options(kinerja_cross_tenant=True)`.
# Grep for it in review. Row-level security still applies to the application role.
CROSS_TENANT = "kinerja_cross_tenant"

_SET_TENANT = text("SELECT set_config('kinerja.tenant_id', :tenant_id, true)")
_SET_TENANT_SQL = "SELECT set_config('kinerja.tenant_id', %s, true)"
_BEGIN_WITH_TENANT = b"BEGIN; SELECT set_config('kinerja.tenant_id', '%d', true)"
_SHARED_LOCK = b"; SELECT pg_advisory_xact_lock_shared(%d, %d)"
_SHARED_LOCK_SQL = "SELECT pg_advisory_xact_lock_shared(%s, %s)"
# Advisory locks to hold shared from the transaction's first statement (`share_at_begin`), and
# whether the session's transaction has begun on its connection.
_AT_BEGIN = "kinerja.at_begin"
_BEGUN = "kinerja.begun"


class TenantScopeError(RuntimeError):
    """A write without a tenant, or into another tenant than the session's."""


def current_tenant_id(session: Session) -> int | None:
    return session.info.get(TENANT_KEY)


def bind_tenant(session: Session, tenant_id: int) -> None:
    """Scope `session` to one tenant for the rest of its life."""
    bound = session.info.get(TENANT_KEY)
    if bound is not None and bound != tenant_id:
        raise TenantScopeError(f"session already bound to tenant {bound}, not {tenant_id}")
    session.info[TENANT_KEY] = tenant_id
    already = session.info.pop(RLS_SET, None) == tenant_id
    if session.in_transaction() and not already:
        # The transaction began before the tenant was known (e.g. the slug lookup): set it now.
        session.execute(_SET_TENANT, {"tenant_id": str(tenant_id)})


# The tenant filter: one option object for the whole process. The tenant is a bound parameter
# supplied per execution, not a value captured by the lambda, so SQLAlchemy analyses the lambda
# once instead of on every query (that analysis cost about 0.2 ms a query).
TENANT_PARAM = "kinerja_tenant_id"
_BY_TENANT = with_loader_criteria(
    TenantOwned,
    lambda cls: cls.tenant_id == bindparam("kinerja_tenant_id"),  # = TENANT_PARAM
    include_aliases=True,
    track_closure_variables=False,
)
_NO_TENANT = with_loader_criteria(TenantOwned, lambda cls: false(), include_aliases=True)


def _with_tenant(parameters: Any, tenant_id: int) -> Any:
    if isinstance(parameters, list):  # executemany (bulk statements): every set gets it
        return [{**p, TENANT_PARAM: tenant_id} for p in parameters]
    return {**(parameters or {}), TENANT_PARAM: tenant_id}


@event.listens_for(Session, "do_orm_execute")
def _filter_by_tenant(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.execution_options.get(CROSS_TENANT, False):
        return
    tenant_id = current_tenant_id(state.session)
    if tenant_id is not None:
        # Loads that follow a query (columns, relationships) carry its criteria: they need the
        # parameter too.
        state.parameters = _with_tenant(state.parameters, tenant_id)
    if state.is_column_load or state.is_relationship_load:
        return  # the criteria travel with the originating query's loader options
    # Fail closed: no tenant means no rows.
    state.statement = state.statement.options(_BY_TENANT if tenant_id is not None else _NO_TENANT)


@event.listens_for(Session, "before_flush")
def _check_tenant_on_write(session: Session, flush_context: Any, instances: Any) -> None:
    tenant_id = current_tenant_id(session)
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if not isinstance(obj, TenantOwned):
            continue
        if tenant_id is None:
            raise TenantScopeError(f"no tenant bound: refusing to write {type(obj).__name__}")
        if obj.tenant_id is None:
            obj.tenant_id = tenant_id
        elif obj.tenant_id != tenant_id:
            raise TenantScopeError(
                f"{type(obj).__name__} belongs to tenant {obj.tenant_id}, session to {tenant_id}"
            )


def share_at_begin(session: Session, key: tuple[int, int]) -> None:
    """Hold the transaction-scoped advisory lock `key` shared from the transaction's start: sent
    in the same round trip as the BEGIN and the agency's setting when the transaction has not
    begun yet (no statement of its own), else now. Taken before the first statement, the lock
    orders the whole transaction, its first snapshot included, against one holding it
    exclusively (`performance.waiting`: a recomputation and the entries made meanwhile)."""
    if session.info.get(_BEGUN):
        session.connection().exec_driver_sql(_SHARED_LOCK_SQL, key)
    else:
        session.info.setdefault(_AT_BEGIN, []).append(key)


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_BEGUN, None)
        session.info.pop(_AT_BEGIN, None)


@event.listens_for(Session, "after_begin")
def _set_rls_tenant(session: Session, transaction: Any, connection: Any) -> None:
    session.info[_BEGUN] = True
    locks: list[tuple[int, int]] = session.info.pop(_AT_BEGIN, [])
    tenant_id = current_tenant_id(session)
    if tenant_id is None:
        for key in locks:
            connection.exec_driver_sql(_SHARED_LOCK_SQL, key)
        return
    # Transaction-local (`true`): a pooled connection never carries it into the next request.
    # Sent on the driver's cursor: this runs once per transaction and needs none of
    # SQLAlchemy's statement machinery (compiling, result processing, events).
    # When it is the request's first statement (the principal cache spared the others), a
    # dropped connection shows here first: the driver's error is not SQLAlchemy's, so it is sent
    # again through SQLAlchemy, which invalidates the connection and raises what the error
    # handlers answer with a 503.
    try:
        dbapi = connection.connection.dbapi_connection
        if not _begin_with_tenant(dbapi, int(tenant_id), locks):
            with dbapi.cursor() as cursor:
                cursor.execute(_SET_TENANT_SQL, (str(tenant_id),))
                for key in locks:
                    cursor.execute(_SHARED_LOCK_SQL, key)
    except Exception:
        connection.exec_driver_sql(_SET_TENANT_SQL, (str(tenant_id),))
        for key in locks:
            connection.exec_driver_sql(_SHARED_LOCK_SQL, key)


def _begin_with_tenant(dbapi: Any, tenant_id: int, locks: list[tuple[int, int]]) -> bool:
    """BEGIN and the tenant's setting in one round trip (the driver would send BEGIN on its
    own first, then the setting: two), as one simple query; False when it does not apply (not
    psycopg, a transaction already open, a BEGIN with options), and the caller sends them apart.
    psycopg then finds the transaction open and sends no BEGIN; COMMIT and ROLLBACK go as ever."""
    pgconn = getattr(dbapi, "pgconn", None)
    if (
        pgconn is None
        or dbapi.autocommit
        or pgconn.transaction_status != TransactionStatus.IDLE
        or (dbapi.isolation_level, dbapi.read_only, dbapi.deferrable) != (None, None, None)
    ):
        return False
    # An int, written by us: nothing of the request's text reaches this statement.
    query = _BEGIN_WITH_TENANT % tenant_id + b"".join(_SHARED_LOCK % key for key in locks)
    pgconn.send_query(query)
    results = dbapi.wait(generators.execute(pgconn))
    if results[-1].status != ExecStatus.TUPLES_OK:
        raise RuntimeError(results[-1].get_error_message())
    return True
