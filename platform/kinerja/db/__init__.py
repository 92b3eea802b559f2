"""Database access: one engine per app, one session per request or unit of work."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.orm import Session, sessionmaker

from kinerja.db import scoping as _scoping  # noqa: F401 - registers the tenant listeners
from kinerja.db.base import Base, TenantOwned, Timestamps
from kinerja.db.scoping import CROSS_TENANT, TenantScopeError, bind_tenant, current_tenant_id

__all__ = [
    "CROSS_TENANT",
    "Base",
    "Database",
    "TenantOwned",
    "TenantScopeError",
    "Timestamps",
    "bind_tenant",
    "current_tenant_id",
    "db",
    "make_engine",
]


# A pooled connection idle longer than this is pinged before use (a database restart or a
# network blip in between would otherwise fail the next request); busy connections are not,
# which saves a round trip on every request under load.
PING_AFTER_IDLE_SECONDS = 10.0


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the options every Kinerja connection wants."""
    connect_args = {"connect_timeout": 5, "application_name": "kinerja"}
    connect_args.update(kwargs.pop("connect_args", {}))
    engine = create_engine(url, connect_args=connect_args, **kwargs)
    event.listen(engine, "checkout", _ping_if_idle)
    event.listen(engine, "checkin", _note_checkin)
    return engine


def _note_checkin(dbapi_connection: Any, record: Any) -> None:
    record.info["kinerja.checked_in"] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    """SQLAlchemy's pessimistic disconnect recipe, only for connections that sat idle."""
    idle_since = record.info.get("kinerja.checked_in")
    if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
        return
    try:
        dbapi_connection.execute("SELECT 1")
        dbapi_connection.rollback()
    except Exception as error:  # the pool retries with a fresh connection
        raise exc.DisconnectionError() from error


@dataclass
class _State:
    engine: Engine
    sessionmaker: sessionmaker[Session]


class Database:
    """Flask extension: `db.session` is the request's session, removed at teardown."""

    def init_app(self, app: Flask) -> None:
        # The sessions speak the city's time (KINERJA_TIMEZONE): timestamps read back carry
        # Medan's offset, so pages and documents show Medan's hour and day, and a date taken from
        # a timestamp in SQL is Medan's date, whatever zone the database server runs in.
        zone = str(app.config.get("TIMEZONE") or "Asia/Jakarta")
        # A third of the connections kept open, the rest opened under load and closed again.
        most = max(2, int(app.config.get("DATABASE_POOL", 15)))
        engine = make_engine(
            app.config["DATABASE_URL"],
            pool_size=most // 3,
            max_overflow=most - most // 3,
            connect_args={"options": f"-c TimeZone={zone}"},
        )
        app.extensions["kinerja.db"] = _State(engine, sessionmaker(engine, expire_on_commit=False))
        # Per request as well as per app context: a test client reuses one app context for
        # many requests, and a session must never outlive its request (nor its tenant).
        app.teardown_request(self._remove_session)
        app.teardown_appcontext(self._remove_session)

    @staticmethod
    def _state() -> _State:
        return current_app.extensions["kinerja.db"]

    @property
    def engine(self) -> Engine:
        return self._state().engine

    @property
    def session(self) -> Session:
        if "db_session" not in g:
            g.db_session = self._state().sessionmaker()
        return g.db_session

    def new_session(self, tenant_id: int | None = None) -> Session:
        session = self._state().sessionmaker()
        if tenant_id is not None:
            bind_tenant(session, tenant_id)
        return session

    @contextmanager
    def unit_of_work(self, tenant_id: int | None = None) -> Iterator[Session]:
        """A session for jobs and commands: committed on success, rolled back on error."""
        session = self.new_session(tenant_id)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @staticmethod
    def _remove_session(exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            if exc is not None:
                session.rollback()
            session.close()


db = Database()
