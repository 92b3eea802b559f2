"""The city's TPP data: the base per kelas, the tables (deductions, percent per predikat,
weights, required compliance) and the exception per position. An absent table is the default
of `kinerja.rules.tpp` (marked [U] there: examples until the Perwal's values are entered)."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import delete, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from kinerja import audit
from kinerja.exceptions import Conflict, Invalid
from kinerja.i18n import _
from kinerja.people.models import Position
from kinerja.rules.tpp import (
    DISIPLIN_DEDUCTIONS,
    HUNDRED,
    KINERJA_PERCENT,
    REQUIRED_COMPLIANCE,
    TPP_WEIGHTS,
)
from kinerja.tpp.models import TppBase, TppPositionBase, TppSetting

DEDUCTIONS, PERCENTS, WEIGHTS, REQUIRED = (
    "deductions",
    "kinerja_percent",
    "weights",
    "required_compliance",
)
KEYS = (DEDUCTIONS, PERCENTS, WEIGHTS, REQUIRED)
CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")
KELAS = range(1, 18)
# The city's tables are global: the audit log is an agency's, so their changes are kept by
# `updated_by` on the row and a line in the application log (who, what changed).
log = logging.getLogger(__name__)
MAX_AMOUNT = 10**12  # whole rupiah; far above any allowance, below BIGINT


@dataclass(frozen=True)
class Tables:
    deductions: Mapping[str, Decimal]
    percents: Mapping[str, Decimal]
    weights: tuple[int, int]
    required: Decimal

    def as_json(self) -> dict[str, Any]:
        """The tables as the API and the store carry them (decimals as text: exact)."""
        return {
            DEDUCTIONS: {k: str(v) for k, v in sorted(self.deductions.items())},
            PERCENTS: {k: str(v) for k, v in self.percents.items()},
            WEIGHTS: list(self.weights),
            REQUIRED: str(self.required),
        }


DEFAULTS = Tables(
    deductions=dict(DISIPLIN_DEDUCTIONS),
    percents=dict(KINERJA_PERCENT),
    weights=TPP_WEIGHTS,
    required=REQUIRED_COMPLIANCE,
)


def version_of(value: Any) -> str:
    """A short fingerprint of what a form showed (an ETag of its values): a save naming the
    version it started from is refused when another save changed the values since."""
    data = json.dumps(value, sort_keys=True, default=str).encode()
    return hashlib.sha256(data).hexdigest()[:16]


def _unchanged(session: Session, topic: str, seen: str | None, now: Any) -> None:
    """Serialise the saves of one thing (a transaction-scoped advisory lock: the tables and the
    bases may have no row yet to lock) and, when the caller names the version it started
    from, refuse with a 409 if `now()` reads otherwise: another admin saved in between."""
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": topic})
    if seen is not None and version_of(now()) != seen:
        raise Conflict(
            _(
                "Another admin saved these values after you opened the page. The page now "
                "shows the values in force: check them and save again."
            )
        )


def points(value: Any, field: str, most: Decimal) -> Decimal:
    """`value` as points from 0 to `most`, else `Invalid` naming `field`."""
    return _points(value, field, most)


def _points(value: Any, field: str, most: Decimal) -> Decimal:
    if isinstance(value, bool | float) or value is None:
        raise Invalid(field, _("Give a number as text or a whole number."))
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise Invalid(field, _("Give a number as text or a whole number.")) from None
    if not number.is_finite() or not Decimal(0) <= number <= most:
        raise Invalid(field, _("Must be between 0 and %(most)s.", most=most))
    return number


def _checked(key: str, value: Any) -> Any:
    """The table `key` in its stored form, or `Invalid` naming the field."""
    if key == DEDUCTIONS:
        if not isinstance(value, dict) or not value:
            raise Invalid(key, _("Give each attendance code with its deduction."))
        out = {}
        for code, points in value.items():
            if not isinstance(code, str) or not CODE.fullmatch(code):
                raise Invalid(f"{key}.{code}", _("Not a valid attendance code."))
            out[code] = str(_points(points, f"{key}.{code}", HUNDRED))
        return out
    if key == PERCENTS:
        if not isinstance(value, dict) or set(value) != set(KINERJA_PERCENT):
            raise Invalid(key, _("Give a percentage for each predikat, and only those."))
        return {p: str(_points(value[p], f"{key}.{p}", HUNDRED)) for p in value}
    if key == WEIGHTS:
        if (
            not isinstance(value, list | tuple)
            or len(value) != 2
            or any(isinstance(w, bool) or not isinstance(w, int) or w < 0 for w in value)
            or sum(value) != 100
        ):
            raise Invalid(key, _("Give two whole numbers that add up to 100."))
        return list(value)
    if key == REQUIRED:
        share = _points(value, key, Decimal(1))
        if share == 0:
            raise Invalid(key, _("Must be above 0 and at most 1."))
        return str(share)
    raise Invalid(key, _("Unknown setting."))


def tables(session: Session) -> Tables:
    stored = {
        key: value for key, value in session.execute(select(TppSetting.key, TppSetting.value))
    }
    return Tables(
        deductions={k: Decimal(v) for k, v in stored[DEDUCTIONS].items()}
        if DEDUCTIONS in stored
        else DEFAULTS.deductions,
        percents={k: Decimal(v) for k, v in stored[PERCENTS].items()}
        if PERCENTS in stored
        else DEFAULTS.percents,
        weights=tuple(stored[WEIGHTS]) if WEIGHTS in stored else DEFAULTS.weights,
        required=Decimal(stored[REQUIRED]) if REQUIRED in stored else DEFAULTS.required,
    )


def tables_version(session: Session) -> str:
    return version_of(tables(session).as_json())


def put_tables(
    session: Session, changes: Mapping[str, Any], user_id: int | None, seen: str | None = None
) -> Tables:
    """Replace the tables given (the others stay); every one is checked before any is kept.
    `seen`: the `tables_version` the change started from (a 409 if the tables moved since)."""
    checked = {key: _checked(key, value) for key, value in changes.items()}
    _unchanged(session, "tpp.tables", seen, lambda: tables(session).as_json())
    before = tables(session).as_json()
    for key, value in checked.items():
        session.execute(
            pg_insert(TppSetting)
            .values(key=key, value=value, updated_by=user_id)
            .on_conflict_do_update(
                index_elements=[TppSetting.key], set_={"value": value, "updated_by": user_id}
            )
        )
    after = tables(session)
    log.info("tpp tables changed by user %s: %s", user_id, audit.diff(before, after.as_json()))
    return after


def bases(session: Session) -> dict[int, int]:
    """kelas -> amount, for the kelas the city has set."""
    return dict(
        session.execute(select(TppBase.kelas, TppBase.amount).order_by(TppBase.kelas)).all()
    )


def bases_version(session: Session) -> str:
    return version_of(bases(session))


def put_bases(
    session: Session, amounts: Mapping[Any, Any], user_id: int | None, seen: str | None = None
) -> dict[int, int]:
    """Set the amount of each kelas given (None removes it: that kelas has no base).
    `seen`: the `bases_version` the change started from (a 409 if the bases moved since)."""
    checked: dict[int, int | None] = {}
    for key, amount in amounts.items():
        try:
            kelas = int(key)
        except (TypeError, ValueError):
            kelas = 0
        if kelas not in KELAS:
            raise Invalid(f"bases.{key}", _("A kelas jabatan is from 1 to 17."))
        if amount is not None and (
            isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= MAX_AMOUNT
        ):
            raise Invalid(f"bases.{key}", _("Give a whole number of rupiah of at least 0."))
        checked[kelas] = amount
    _unchanged(session, "tpp.bases", seen, lambda: bases(session))
    before = bases(session)
    for kelas, amount in sorted(checked.items()):
        if amount is None:
            session.execute(delete(TppBase).where(TppBase.kelas == kelas))
            continue
        session.execute(
            pg_insert(TppBase)
            .values(kelas=kelas, amount=amount, updated_by=user_id)
            .on_conflict_do_update(
                index_elements=[TppBase.kelas], set_={"amount": amount, "updated_by": user_id}
            )
        )
    after = bases(session)
    changed = audit.diff(
        {str(k): v for k, v in before.items()}, {str(k): v for k, v in after.items()}
    )
    log.info("tpp bases changed by user %s: %s", user_id, changed)
    return after


def position_bases(session: Session) -> dict[int, int]:
    """position id -> amount: the city's exceptions in the session's agency."""
    return dict(session.execute(select(TppPositionBase.position_id, TppPositionBase.amount)).all())


def position_version(session: Session, position_id: int) -> str:
    return version_of(position_bases(session).get(position_id))


def put_position_base(
    session: Session,
    position_id: int,
    amount: int | None,
    user_id: int | None,
    seen: str | None = None,
) -> None:
    """Set (or with None remove) the exception of one of the agency's positions. `seen`: the
    `position_version` the change started from (a 409 if the exception moved since)."""
    if session.get(Position, (session.info["tenant_id"], position_id)) is None:
        raise Invalid("position_id", _("No such position in this agency."))
    if amount is not None and (
        isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= MAX_AMOUNT
    ):
        raise Invalid("amount", _("Give a whole number of rupiah of at least 0."))
    topic = f"tpp.position:{session.info['tenant_id']}:{position_id}"
    _unchanged(session, topic, seen, lambda: position_bases(session).get(position_id))
    before = position_bases(session).get(position_id)
    if amount is None:
        session.execute(delete(TppPositionBase).where(TppPositionBase.position_id == position_id))
    else:
        session.execute(
            pg_insert(TppPositionBase)
            .values(
                tenant_id=session.info["tenant_id"],
                position_id=position_id,
                amount=amount,
                updated_by=user_id,
            )
            .on_conflict_do_update(
                index_elements=[TppPositionBase.tenant_id, TppPositionBase.position_id],
                set_={"amount": amount, "updated_by": user_id},
            )
        )
    audit.record(
        session,
        "tpp.position_base",
        "position",
        position_id,
        changes={"amount": [before, amount]},
    )
