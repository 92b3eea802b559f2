"""Failed sign-ins counted per account and per address in Redis, in a fixed 15-minute window."""

from __future__ import annotations

import hashlib

from redis import Redis

WINDOW_SECONDS = 15 * 60


def _keys(account: str, address: str) -> list[str]:
    # Hashed so account names never sit in Redis in clear.
    digest = hashlib.sha256(account.strip().lower().encode()).hexdigest()[:32]
    return [f"kinerja:login-fail:acct:{digest}", f"kinerja:login-fail:addr:{address}"]


def blocked_for(redis: Redis, account: str, address: str, limit: int) -> int:
    """Seconds until another attempt is allowed; 0 when allowed now."""
    wait = 0
    for key in _keys(account, address):
        count = int(redis.get(key) or 0)
        if count >= limit:
            wait = max(wait, int(redis.ttl(key)), 1)
    return wait


def record_failure(redis: Redis, account: str, address: str) -> None:
    pipe = redis.pipeline()
    for key in _keys(account, address):
        # SET NX EX starts the window only for a new key (EXPIRE NX needs Redis 7; the
        # embedded Redis is 6.2).
        pipe.set(key, 0, ex=WINDOW_SECONDS, nx=True)
        pipe.incr(key)
    pipe.execute()


def clear(redis: Redis, account: str) -> None:
    redis.delete(_keys(account, "")[0])
