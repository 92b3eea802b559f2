"""Sign-in throttling in Redis that holds under concurrency and cannot lock an office out.

Every attempt is counted atomically *before* the password is checked (one Lua script), so forty
parallel guesses get no further than the limit allows. Two budgets:

- per account: `account_limit` attempts, then a lock that grows with each lockout of the day
  (1, 2, 4 … minutes, at most an hour); a successful sign-in clears it;
- per address: a much higher budget (dozens of staff share one NAT address), to stop one host
  spraying many accounts; successful sign-ins give their attempt back.

The account is the account, however it is named: once the NIP or e-mail typed resolves to a
user, the counter is that user's (`account_key`), so failures with the NIP and tries with the
e-mail share one budget and one lock. A name that is nobody's is counted by its normalised
form. Account names are hashed so they never sit in Redis in clear.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from redis import Redis

WINDOW_SECONDS = 15 * 60
FIRST_LOCK_SECONDS = 60
LONGEST_LOCK_SECONDS = 60 * 60
STRIKES_KEPT_SECONDS = 24 * 60 * 60
PREFIX = "kinerja:signin"

# KEYS: account attempts, account lock, account strikes, address attempts
# ARGV: account limit, address limit, window, first lock, longest lock, strikes kept
_ATTEMPT = """
local locked = redis.call('TTL', KEYS[2])
if locked > 0 then return {0, locked, 'account'} end
local by_address = redis.call('INCR', KEYS[4])
if by_address == 1 then redis.call('EXPIRE', KEYS[4], ARGV[3]) end
if by_address > tonumber(ARGV[2]) then
  return {0, math.max(redis.call('TTL', KEYS[4]), 1), 'address'}
end
local by_account = redis.call('INCR', KEYS[1])
if by_account == 1 then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
if by_account > tonumber(ARGV[1]) then
  local strikes = redis.call('INCR', KEYS[3])
  redis.call('EXPIRE', KEYS[3], ARGV[6])
  local seconds = math.min(tonumber(ARGV[4]) * 2 ^ (strikes - 1), tonumber(ARGV[5]))
  redis.call('SET', KEYS[2], strikes, 'EX', math.floor(seconds))
  redis.call('DEL', KEYS[1])
  return {0, math.floor(seconds), 'locked'}
end
return {1, 0, ''}
"""


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0  # seconds
    reason: str = ""  # account (already locked), locked (locked by this attempt), address


def account_key(user_id: int | None, login: str) -> str:
    """What the account budget counts: the user once resolved, else the name as normalised
    (case and spaces do not make a new name: `1986 0926…` is `19860926…`)."""
    if user_id is not None:
        return f"user:{user_id}"
    return "login:" + "".join(login.split()).lower()


def _digest(account: str) -> str:
    return hashlib.sha256(account.strip().lower().encode()).hexdigest()[:32]


def _keys(account: str, address: str) -> list[str]:
    digest = _digest(account)
    return [
        f"{PREFIX}:acct:{digest}",
        f"{PREFIX}:lock:{digest}",
        f"{PREFIX}:strikes:{digest}",
        f"{PREFIX}:addr:{address}",
    ]


def attempt(
    redis: Redis, account: str, address: str, account_limit: int, address_limit: int
) -> Decision:
    """Count this attempt; say whether the password may be checked at all."""
    allowed, wait, reason = redis.eval(
        _ATTEMPT,
        4,
        *_keys(account, address),
        account_limit,
        address_limit,
        WINDOW_SECONDS,
        FIRST_LOCK_SECONDS,
        LONGEST_LOCK_SECONDS,
        STRIKES_KEPT_SECONDS,
    )
    reason = reason.decode() if isinstance(reason, bytes) else str(reason)
    return Decision(bool(allowed), int(wait), reason)


def succeeded(redis: Redis, account: str, address: str) -> None:
    """A correct password: the account starts afresh and the address gets its attempt back."""
    attempts, lock, strikes, by_address = _keys(account, address)
    pipe = redis.pipeline()
    pipe.delete(attempts, lock, strikes)
    pipe.decr(by_address)
    pipe.execute()
