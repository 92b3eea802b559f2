"""The principal cache: a request whose agency and principal did not change costs one Redis
round trip and no SQL before its view runs.

What is cached (JSON, in the app's Redis):
- `kinerja:authz:tenant:<slug>`: the active agency's row (suspended or unknown ones are not);
- `kinerja:authz:p:<tenant id>:u:<user id>`: what a signed-in user is in an agency (roles,
  employee record, whom they decide on, whether they oversee it, name, city admin);
- `kinerja:authz:p:<tenant id>:t:<token hash>`: the same for an API token, with the token's
  id, role, expiry and last use. Expiry is checked on every request, in memory.

Each value carries the versions (`identity/versions.py`) it was read under, and the request
reads those versions in the same MGET as the values: a value whose versions moved on is read
again from the database. Only the versions read before the database was asked are stamped on a
value stored after, so a commit in between can never be hidden. The subordinates tree is not
cached: the principal asks for it only when a rule does (`Principal.subordinate_ids`).

Redis unavailable: everything is read from the database as before (one warning, then a short
rest before trying again); bumps that could not be sent are sent with the next read that
reaches Redis, and every value expires after `TTL_SECONDS` whatever happens.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app, g, request, session
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.orm import make_transient_to_detached

from kinerja import redis as kinerja_redis
from kinerja.identity import tokens, versions
from kinerja.tenancy.models import Tenant

log = logging.getLogger(__name__)

TTL_SECONDS = 600  # the bound on staleness when a bump is lost (a write outside the ORM)
REST_SECONDS = 5.0  # after a Redis failure, the database alone for this long
TENANT_KEY = f"{versions.PREFIX}tenant:"
PREFETCH = "principal_cache"  # on g: what the tenant step read for the principal step
SESSION_USER = "user_id"  # = principal.SESSION_USER (principal imports this module)

Who = tuple[str, str]  # ("u", user id) or ("t", token hash)


def principal_key(tenant_id: int, who: Who) -> str:
    return f"{versions.PREFIX}p:{tenant_id}:{who[0]}:{who[1]}"


class State:
    """One app's cache: its Redis client, what it learnt and what it still owes Redis."""

    def __init__(self, client: Redis) -> None:
        self.redis = client
        self.ids: dict[str, int] = {}  # slug -> tenant id: never changes for an agency
        self.owed: set[str] = set()  # version bumps that could not be sent yet
        self.rest_until = 0.0
        self.warned = False
        self.lock = threading.Lock()

    # --- talking to Redis, never failing the request ----------------------------------------
    def _failed(self, error: Exception) -> None:
        self.rest_until = time.monotonic() + REST_SECONDS
        if not self.warned:
            self.warned = True
            log.warning("principal cache: Redis unavailable, reading from the database: %s", error)

    def _ok(self) -> None:
        if self.warned:
            self.warned = False
            log.info("principal cache: Redis reachable again")

    def resting(self) -> bool:
        return time.monotonic() < self.rest_until

    def _owed_into(self, pipe: Any) -> set[str]:
        with self.lock:
            owed, self.owed = self.owed, set()
        for key in owed:
            pipe.set(key, versions.new_value())
        return owed

    def read(self, keys: list[str]) -> list[Any] | None:
        """The values of `keys` in one round trip (owed bumps go first in it); None on failure."""
        if self.resting():
            return None
        pipe = self.redis.pipeline(transaction=False)
        owed = self._owed_into(pipe)
        pipe.mget(keys)
        try:
            values = pipe.execute()[-1]
        except (RedisError, OSError) as error:
            with self.lock:
                self.owed |= owed
            self._failed(error)
            return None
        self._ok()
        return [v.decode() if isinstance(v, bytes) else v for v in values]

    def store(self, key: str, payload: dict[str, Any]) -> None:
        try:
            self.redis.set(key, json.dumps(payload, separators=(",", ":")), ex=TTL_SECONDS)
        except (RedisError, OSError) as error:
            self._failed(error)

    def start_versions(self, keys: list[str]) -> list[str | None]:
        """Give versions lost or never set a value (never one used before) and return them all:
        called before the database is read, so a value stored after is stamped with them."""
        try:
            pipe = self.redis.pipeline(transaction=False)
            for key in keys:
                pipe.set(key, versions.new_value(), nx=True)
            pipe.mget(keys)
            values = pipe.execute()[-1]
        except (RedisError, OSError) as error:
            self._failed(error)
            return [None] * len(keys)
        return [v.decode() if isinstance(v, bytes) else v for v in values]

    def bump(self, keys: set[str]) -> None:
        """New values for `keys` (after a commit); kept and sent later when Redis is away."""
        if self.resting():
            with self.lock:
                self.owed |= keys
            return
        pipe = self.redis.pipeline(transaction=False)
        owed = self._owed_into(pipe) | keys
        for key in keys:
            pipe.set(key, versions.new_value())
        try:
            pipe.execute()
        except (RedisError, OSError) as error:
            with self.lock:
                self.owed |= owed
            log.error("principal cache: could not bump %s, will retry: %s", sorted(owed), error)
            self._failed(error)


def init_app(app: Flask) -> None:
    app.extensions[versions.TARGET] = State(kinerja_redis.client(app))


def _state() -> State | None:
    return current_app.extensions.get(versions.TARGET)


# --- what is cached --------------------------------------------------------------------------
@dataclass(frozen=True)
class Facts:
    """What a user is in an agency (for a token: within the token's role)."""

    user_id: int
    roles: frozenset[str]
    employee_id: int | None
    decides_for: frozenset[int]
    city_admin: bool
    oversees: bool
    name: str | None
    # Their rater (`skp.rater_of`), when it was worked out: values cached before it existed
    # and principals built without the cache leave it to be walked when asked.
    rater_id: int | None = None
    rater_known: bool = False

    def dump(self) -> dict[str, Any]:
        rater = {"rater_id": self.rater_id} if self.rater_known else {}
        return rater | {
            "user_id": self.user_id,
            "roles": sorted(self.roles),
            "employee_id": self.employee_id,
            "decides_for": sorted(self.decides_for),
            "city_admin": self.city_admin,
            "oversees": self.oversees,
            "name": self.name,
        }

    @classmethod
    def load(cls, raw: dict[str, Any]) -> Facts:
        return cls(
            user_id=int(raw["user_id"]),
            roles=frozenset(raw["roles"]),
            employee_id=raw["employee_id"],
            decides_for=frozenset(raw["decides_for"]),
            city_admin=bool(raw["city_admin"]),
            oversees=bool(raw["oversees"]),
            name=raw["name"],
            rater_id=raw.get("rater_id"),
            rater_known="rater_id" in raw,
        )


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class TokenFacts:
    id: int
    user_id: int
    role: str
    expires_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def of(cls, record: Any) -> TokenFacts:
        return cls(record.id, record.user_id, record.role, record.expires_at, record.last_used_at)

    def dump(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "user_id": self.user_id,
            "role": self.role,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "last_used_at": self.last_used_at.isoformat() if self.last_used_at else None,
        }

    @classmethod
    def load(cls, raw: dict[str, Any]) -> TokenFacts:
        return cls(
            int(raw["id"]),
            int(raw["user_id"]),
            str(raw["role"]),
            _when(raw["expires_at"]),
            _when(raw["last_used_at"]),
        )

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


_TENANT_COLUMNS = ("id", "slug", "name", "kind", "status", "settings")
_TENANT_TIMES = ("created_at", "updated_at")


def _dump_tenant(tenant: Tenant) -> dict[str, Any]:
    raw = {name: getattr(tenant, name) for name in _TENANT_COLUMNS}
    for name in _TENANT_TIMES:
        value = getattr(tenant, name)
        raw[name] = value.isoformat() if value else None
    return raw


def _load_tenant(raw: dict[str, Any]) -> Tenant:
    """The row as a detached Tenant: what views read of `g.tenant` without a session."""
    values = {name: raw[name] for name in _TENANT_COLUMNS}
    values.update({name: _when(raw[name]) for name in _TENANT_TIMES})
    tenant = Tenant(**values)
    make_transient_to_detached(tenant)
    return tenant


# --- one request -----------------------------------------------------------------------------
def _fresh(raw: str | None, stamp: list[str | None]) -> dict[str, Any] | None:
    """The cached value, if it was stored under exactly these versions."""
    if raw is None or None in stamp:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) and value.get("s") == stamp else None


@dataclass
class Prefetch:
    """What the tenant step read for the principal: one cached value and its versions."""

    state: State
    tenant_id: int
    who: Who
    stamp: list[str | None]
    value: dict[str, Any] | None

    def hit(self, who: Who) -> dict[str, Any] | None:
        return self.value if who == self.who else None

    def store(self, who: Who, payload: dict[str, Any]) -> None:
        if who == self.who and None not in self.stamp:
            self.state.store(principal_key(self.tenant_id, who), {**payload, "s": self.stamp})


def _who(tenant_id: int) -> Who | None:
    """Whom the principal step will look for (mirrors `principal.load`): the agency's bearer
    token, else the signed-in user of the browser session."""
    scheme, _space, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        token = value.strip()
        if tokens.token_tenant(token) == tenant_id:
            return ("t", tokens.hash_token(token))
    if request.path.startswith("/api/") and "Authorization" in request.headers:
        return None
    user_id = session.get(SESSION_USER)
    return ("u", str(int(user_id))) if isinstance(user_id, int) else None


def tenant(slug: str, from_database: Callable[[str], Tenant]) -> Tenant:
    """The active agency named by `slug`, from the cache or `from_database` (which answers 404
    for unknown and suspended ones); reads the principal's cached value in the same trip."""
    state = _state()
    if state is None:
        return from_database(slug)
    key = TENANT_KEY + slug[:64]
    known = state.ids.get(slug)
    who = _who(known) if known is not None else None
    keys = [key, versions.TENANTS, versions.GLOBAL]
    if known is not None and who is not None:
        keys += [versions.tenant_version(known), principal_key(known, who)]
    values = state.read(keys)
    if values is None:
        return from_database(slug)
    if values[1] is None or values[2] is None:
        values[1:3] = state.start_versions(keys[1:3])
    stamp = [values[1], values[2]]
    cached = _fresh(values[0], stamp)
    if cached is not None:
        found = _load_tenant(cached["t"])
    else:
        found = from_database(slug)
        if None not in stamp:
            state.store(key, {"t": _dump_tenant(found), "s": stamp})
    state.ids[slug] = found.id
    if known != found.id:
        who = _who(found.id)
        if who is None:
            return found
        more = state.read([versions.tenant_version(found.id), principal_key(found.id, who)])
        if more is None:
            return found
        values = [*values[:3], *more]
    if who is None:
        return found
    if values[3] is None:
        values[3] = state.start_versions([versions.tenant_version(found.id)])[0]
    principal_stamp = [values[3], values[2]]
    value = _fresh(values[4], principal_stamp)
    g.principal_cache = Prefetch(state, found.id, who, principal_stamp, value)  # = PREFETCH
    return found


def prefetched() -> Prefetch | None:
    return g.get(PREFETCH)
