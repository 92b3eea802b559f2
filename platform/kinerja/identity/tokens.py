"""API tokens: `knj_<tenant id>_<secret>`, shown once, stored as a SHA-256 hash.

The tenant id in the token lets a request to another tenant's URL answer 404 without a lookup;
a forged tenant id fails the hash lookup in that tenant (401).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja import workflow
from kinerja.i18n import _, role_label
from kinerja.identity.models import ApiToken

PREFIX = "knj"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# knj_<tenant id>_<secret>, the secret in token_urlsafe's alphabet (43 characters when issued).
_SHAPE = re.compile(rf"^{PREFIX}_([1-9][0-9]{{0,18}})_[A-Za-z0-9_-]{{1,200}}$")


def token_tenant(token: str) -> int | None:
    """The tenant id a well-formed token names; None when it is not shaped like one of ours."""
    found = _SHAPE.match(token)
    return int(found.group(1)) if found else None


@dataclass
class Issued:
    token: str  # the only time it exists in clear
    record: ApiToken


def issue(
    session: Session, tenant_id: int, user_id: int, role: str, name: str, expires_days: int
) -> Issued:
    token = f"{PREFIX}_{tenant_id}_{secrets.token_urlsafe(32)}"
    record = ApiToken(
        user_id=user_id,
        role=role,
        name=name,
        token_hash=hash_token(token),
        prefix=token[: len(f"{PREFIX}_{tenant_id}_") + 4],
        expires_at=datetime.now(UTC) + timedelta(days=expires_days),
    )
    session.add(record)
    session.flush()
    return Issued(token, record)


def touch(session: Session, token_id: int, now: datetime) -> None:
    """Record a use of the token, committed at once in the request's own session: nothing of
    the request is written yet (the principal is loaded first), and the next statement opens a
    fresh transaction with the agency set again. A second session for it held two pooled
    connections per request, and a burst of new tokens emptied the pool until it timed out.
    (A last use changes nobody's rights: it bumps no version of the principal cache.)"""
    from sqlalchemy import update

    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
    session.commit()


def lookup(session: Session, token: str) -> ApiToken | None:
    """The live token in the session's tenant, or None (unknown, revoked or expired)."""
    record = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if record is None or record.revoked_at is not None:
        return None
    if record.expires_at is not None and record.expires_at <= datetime.now(UTC):
        return None
    return record


def create_for(
    session: Session,
    tenant_id: int,
    user_id: int,
    held_roles: frozenset[str],
    role: str,
    name: str,
    expires_days: int | None,
    *,
    max_days: int,
    actor_role: str | None = None,
) -> Issued:
    """A token for a user in their own name, never with a role they do not hold; audited.

    Every token expires: no lifetime given means the longest allowed (`max_days`).
    """
    from kinerja import audit
    from kinerja.exceptions import Invalid

    if role not in held_roles:
        raise Invalid("role", _("You do not hold the role %(role)s here.", role=role_label(role)))
    days = max_days if expires_days is None else expires_days
    if not 1 <= days <= max_days:
        raise Invalid("expires_days", _("Choose from 1 to %(max)s days.", max=max_days))
    issued = issue(session, tenant_id, user_id, role, name, days)
    audit.record(
        session,
        "token.create",
        "api_token",
        issued.record.id,
        changes={"name": [None, name], "role": [None, role]},
        actor_role=actor_role,
    )
    return issued


def revoke(session: Session, record: ApiToken) -> None:
    """Revoke (idempotently) and audit."""
    from kinerja import audit

    # Decided under the token's row lock: of several clicks at once the first revokes it and
    # the others find it revoked (each had read it live, and each recorded the revocation).
    workflow.locked(session, record)
    if record.revoked_at is None:
        record.revoked_at = datetime.now(UTC)
        audit.record(
            session,
            "token.revoke",
            "api_token",
            record.id,
            changes={"revoked_at": [None, record.revoked_at.isoformat()]},
        )
