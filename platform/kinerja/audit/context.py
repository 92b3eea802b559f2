"""Who acts, and from where: set by the edge (web request, job, command), read by `record`.

Services never read Flask's request globals; the web pipeline sets the actor for each request,
a job sets it from its record, and the CLI from its arguments.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    role: str | None = None  # e.g. admin_opd, pegawai, admin_kota, operator, system
    request_id: str | None = None
    address: str | None = None


NOBODY = Actor()
_actor: ContextVar[Actor] = ContextVar("kinerja_audit_actor", default=NOBODY)


def current_actor() -> Actor:
    return _actor.get()


def set_actor(actor: Actor) -> Token[Actor]:
    return _actor.set(actor)


def update_actor(**changes: object) -> None:
    """Refine the current actor (the pipeline learns who it is after it knows the request)."""
    _actor.set(replace(_actor.get(), **changes))  # type: ignore[arg-type]


def reset_actor() -> None:
    _actor.set(NOBODY)


@contextmanager
def acting(actor: Actor) -> Iterator[Actor]:
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)
