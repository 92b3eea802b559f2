"""Database access: one engine per app, one session per request or unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine
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


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the options every Kinerja connection wants."""
    connect_args = {"connect_timeout": 5, "application_name": "kinerja"}
    connect_args.update(kwargs.pop("connect_args", {}))
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


@dataclass
class _State:
    engine: Engine
    sessionmaker: sessionmaker[Session]


class Database:
    """Flask extension: `db.session` is the request's session, removed at teardown."""

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"], pool_size=5, max_overflow=10)
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
