"""Required competency levels: the city's defaults per position type (global), each position's
standard set by the admin OPD (audited), and the agency's talent policy (audited)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja import audit, numbers
from kinerja.competency import scoring
from kinerja.competency.models import CompetencyDefault, CompetencyStandard, TalentPolicy
from kinerja.db.load import load_or_404
from kinerja.db.scoping import current_tenant_id
from kinerja.exceptions import Invalid, InvalidFields
from kinerja.i18n import _
from kinerja.people.classification import POSITION_TYPES
from kinerja.people.models import Position
from kinerja.plugins.types import Competency

CORE_GROUPS = ("manajerial", "sosial_kultural")


def core_codes(dictionary: Mapping[str, Competency]) -> list[str]:
    """The competencies every position requires by default (manajerial, sosial kultural)."""
    return sorted(c.code for c in dictionary.values() if c.group in CORE_GROUPS)


def _level(raw: Any, field: str, lowest: int) -> int:
    value = numbers.whole(raw, lowest, 5)
    if value is None:
        raise Invalid(field, _("Choose a level from %(a)s to %(b)s.", a=lowest, b=5))
    return value


# --- the city's defaults ------------------------------------------------------------------------
def default_rows(session: Session) -> list[tuple[str, int, int]]:
    """(position type, from grade, level): the package's defaults (domain.md), each step
    overridden, or new steps added, by the city's rows."""
    steps = {(kind, grade): level for kind, grade, level in scoring.defaults()["required_defaults"]}
    for row in session.scalars(select(CompetencyDefault)):
        steps[(row.position_type, row.from_grade)] = row.level
    return sorted((kind, grade, level) for (kind, grade), level in steps.items())


def set_default(session: Session, position_type: str, from_grade: Any, level: Any) -> None:
    """The city changes (or adds) a default: a position type, from a grade up, a level."""
    if position_type not in POSITION_TYPES:
        raise Invalid("position_type", _("Choose a position type."))
    grade = numbers.whole(str(from_grade if from_grade is not None else "").strip() or "0", 0, 17)
    if grade is None:
        raise Invalid("from_grade", _("Enter a grade from 0 to 17."))
    value = _level(level, "level", 1)
    row = session.get(CompetencyDefault, (position_type, grade))
    if row is None:
        session.add(CompetencyDefault(position_type=position_type, from_grade=grade, level=value))
    else:
        row.level = value
    session.flush()


# --- positions ------------------------------------------------------------------------------------
def overrides(session: Session, position_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = {}
    for row in session.scalars(
        select(CompetencyStandard).where(CompetencyStandard.position_id.in_(position_ids))
    ):
        found.setdefault(row.position_id, {})[row.code] = row.level
    return found


def required_by_position(
    session: Session, positions: Sequence[Position], dictionary: Mapping[str, Competency]
) -> dict[int, dict[str, int]]:
    """{position id: {competency code: required level}} for the competencies in force."""
    rows = default_rows(session)
    core = core_codes(dictionary)
    own = overrides(session, [p.id for p in positions])
    return {
        p.id: {
            code: level
            for code, level in scoring.required(
                core, scoring.default_level(rows, p.type, p.grade), own.get(p.id, {})
            ).items()
            if code in dictionary
        }
        for p in positions
    }


def set_standard(
    session: Session,
    position_id: int,
    raw: Mapping[str, Any],
    dictionary: Mapping[str, Competency],
) -> dict[str, int]:
    """The admin OPD's levels for one position, loaded through `inputs.StandardBody`: {code:
    level 0 to 5, or None to go back to the default}. Codes not in force are refused; the
    change is audited as before → after."""
    position = load_or_404(session, Position, position_id)
    errors: dict[str, list[Any]] = {}
    wanted: dict[str, int | None] = {}
    for code, given in raw.items():
        if code not in dictionary:
            errors[str(code)] = [_("Not a competency in force in this agency.")]
            continue
        wanted[code] = given
    if errors:
        raise InvalidFields(errors)
    before = required_by_position(session, [position], dictionary)[position.id]
    existing = {
        r.code: r
        for r in session.scalars(
            select(CompetencyStandard).where(CompetencyStandard.position_id == position.id)
        )
    }
    for code, level in wanted.items():
        row = existing.get(code)
        if level is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(CompetencyStandard(position_id=position.id, code=code, level=level))
        else:
            row.level = level
    session.flush()
    after = required_by_position(session, [position], dictionary)[position.id]
    changes = {
        code: [before.get(code), after.get(code)]
        for code in sorted(set(before) | set(after))
        if before.get(code) != after.get(code)
    }
    if changes:
        audit.record(session, "competency.standard", "position", position.id, changes=changes)
    return after


# --- the agency's talent policy -------------------------------------------------------------------
@dataclass(frozen=True)
class Policy:
    jpm_scale: str
    cut_offs: dict[str, Decimal]  # TINGGI, MENENGAH: lowest JPM % of each
    minimum: int
    weights: dict[str, int]


def policy(session: Session) -> Policy:
    found = scoring.defaults()
    row = session.get(TalentPolicy, current_tenant_id(session))
    if row is None:
        return Policy(
            found["jpm_scale"],
            {k: Decimal(v) for k, v in found["potensial_from"].items()},
            int(found["minimum"]),
            dict(found["weights"]),
        )
    return Policy(
        row.jpm_scale,
        {"TINGGI": row.tinggi_from, "MENENGAH": row.menengah_from},
        row.minimum,
        {**found["weights"], **row.weights},
    )


def _percent(raw: Any, field: str) -> Decimal:
    try:  # as people type it ("12,5"); a JSON number as a program writes it
        value = numbers.typed_decimal(str(raw), machine=not isinstance(raw, str))
    except ValueError:
        raise Invalid(field, _("Enter a percentage from 0 to 100.")) from None
    if not value.is_finite() or not 0 <= value <= 100:
        raise Invalid(field, _("Enter a percentage from 0 to 100."))
    return value.quantize(scoring.CENT)


def weights(raw: Any, field: str = "weights") -> dict[str, int]:
    """Weights per rater source, each a whole number 0 to 100 (0: the source is off)."""
    if not isinstance(raw, Mapping):
        raise Invalid(field, _("Give a weight for each source."))
    found = {}
    for source in scoring.RATER_SOURCES:
        weight = numbers.whole(str(raw.get(source, 0)).strip() or "0", 0, 100)
        if weight is None:
            raise Invalid(field, _("Each weight is a whole number from 0 to 100."))
        found[source] = weight
    if not any(found.values()):
        raise Invalid(field, _("At least one source must count."))
    return found


def minimum(raw: Any) -> int:
    value = numbers.whole(raw, scoring.LOWEST_MINIMUM, 50)
    if value is None:
        raise Invalid(
            "minimum",
            _("The anonymity minimum is at least %(n)s raters.", n=scoring.LOWEST_MINIMUM),
        )
    return value


def set_policy(session: Session, raw: Mapping[str, Any]) -> Policy:
    """Change the parts given (a missing or empty one keeps its value); audited."""
    before = policy(session)

    def given(name: str, current: Any) -> Any:
        value = raw.get(name)
        return current if value is None or value == "" else value

    scale = str(given("jpm_scale", before.jpm_scale))
    if scale not in ("kemenpan", "seleksi"):
        raise Invalid("jpm_scale", _("Choose a JPM scale."))
    tinggi = _percent(given("tinggi_from", before.cut_offs["TINGGI"]), "tinggi_from")
    menengah = _percent(given("menengah_from", before.cut_offs["MENENGAH"]), "menengah_from")
    if menengah > tinggi:
        raise Invalid("menengah_from", _("The cut-off of MENENGAH cannot be above TINGGI's."))
    chosen_minimum = minimum(given("minimum", before.minimum))
    chosen_weights = weights(given("weights", before.weights))
    row = session.get(TalentPolicy, current_tenant_id(session))
    if row is None:
        row = TalentPolicy()
        session.add(row)
    row.jpm_scale = scale
    row.tinggi_from, row.menengah_from = tinggi, menengah
    row.minimum, row.weights = chosen_minimum, chosen_weights
    session.flush()
    after = policy(session)
    changes = audit.diff(
        {**vars(before), "cut_offs": {k: str(v) for k, v in before.cut_offs.items()}},
        {**vars(after), "cut_offs": {k: str(v) for k, v in after.cut_offs.items()}},
    )
    if changes:
        audit.record(session, "talent.policy", "talent_policy", None, changes=changes)
    return after
