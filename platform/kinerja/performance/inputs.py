"""An SKP's input, read once for the API (`@blp.arguments`) and the web forms (their strings
loaded through the same schema): results (RHK) with their indicators (IKI), the approach and
the lampiran, the superior's expectations. What needs the database (the links a plan may
choose, a JPT's perspectives, the approach the plan has) is checked by `check_rhk` and
`approach_problems`, which the service runs; no writes here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from marshmallow import ValidationError, fields, validate, validates_schema
from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja.exceptions import InvalidFields
from kinerja.i18n import _
from kinerja.people.models import Employee, Position
from kinerja.performance import behaviour, labels
from kinerja.performance import skp as skps
from kinerja.performance.models import OrgTarget, Rhk, Skp
from kinerja.presentation import formats
from kinerja.rules import iki as iki_rules
from kinerja.schema import REQUIRED, Amount, Identifier, InputSchema, Length, Text

QUANTITATIVE = ("aspect", "target_low", "unit")
MAX_PERIODS = 12  # monthly evaluation: the most periods a year has


def _one_of(codes: Mapping[str, Any], message: Any) -> validate.OneOf:
    """One of the codes, refused with our own words (the codes are documented as an enum)."""
    return validate.OneOf(tuple(codes), error=message)


def _given(raw: Any) -> bool:
    return raw is not None and not (isinstance(raw, str) and not raw.strip())


def _range_problems(low: Any, high: Any, low_sent: bool) -> dict[str, list[Any]]:
    """A range needs its lower end, and its upper end is not below it."""
    if high is not None and low is None and not low_sent:
        return {"target_low": [_("A range needs its lower end.")]}
    if low is not None and high is not None and high < low:
        return {"target_high": [_("The upper end cannot be below the lower end.")]}
    return {}


class PeriodTargetInput(InputSchema):
    """An IKI's target for one evaluation period: a number, or a range."""

    low = Amount(required=True, metadata={"description": "the target (the lower end of a range)"})
    high = Amount(allow_none=True, load_default=None, metadata={"description": "a range's top"})

    @validates_schema
    def _range(self, data: dict[str, Any], **kwargs: Any) -> None:
        low, high = data.get("low"), data.get("high")
        if low is not None and high is not None and high < low:
            raise ValidationError({"high": [_("The upper end cannot be below the lower end.")]})


class IkiInput(InputSchema):
    """An indicator: its text and either a quantitative target (aspect, a number or a range,
    a unit) or, in a qualitative plan, the expected result in words. Which of the two the plan
    needs is its approach's (`approach_problems`); an indicator with neither is refused here."""

    text = Text(1000, required=True)
    aspect = fields.String(
        allow_none=True,
        load_default=None,
        validate=_one_of(labels.ASPECTS, _("Choose quantity, quality, time or cost.")),
        metadata={"description": "kuantitas, kualitas, waktu or biaya (PermenPANRB 6/2022)"},
    )
    target_low = Amount(
        allow_none=True, load_default=None, metadata={"description": "the target, or a range's low"}
    )
    target_high = Amount(
        allow_none=True, load_default=None, metadata={"description": "a range's high end"}
    )
    unit = Text(40, allow_none=True, load_default=None)
    narrative = Text(2000, allow_none=True, load_default=None)
    period_targets = fields.List(
        fields.Nested(PeriodTargetInput),
        allow_none=True,
        load_default=None,
        validate=Length(max=MAX_PERIODS),
        metadata={
            "description": "one target per evaluation period of the agency's frequency, in "
            "order; null or left out: the year's target split evenly (a level such as a "
            "percentage: the same target every period)"
        },
    )

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _whole(self, data: dict[str, Any], original_data: Any, **kwargs: Any) -> None:
        if not isinstance(original_data, Mapping):
            return  # not an object: said once, by the schema
        original = original_data
        errors = _range_problems(
            data.get("target_low"), data.get("target_high"), _given(original.get("target_low"))
        )
        if not data.get("narrative") and not _given(original.get("narrative")):
            # Not a narrative target: a quantitative one, whole (a field refused for its own
            # reason is not also "missing").
            for name in QUANTITATIVE:
                if data.get(name) is None and not _given(original.get(name)):
                    errors.setdefault(name, [REQUIRED])
        if errors:
            raise ValidationError(errors)


class RhkInput(InputSchema):
    """A result (RHK) with its indicators; the links are checked against what the plan may
    intervene (`check_rhk`)."""

    kind = fields.String(
        load_default="utama", validate=_one_of(labels.KINDS, _("Choose main or additional."))
    )
    text = Text(2000, required=True)
    parent_rhk_id = Identifier(
        load_default=None, metadata={"description": "the superior's RHK it intervenes"}
    )
    org_target_id = Identifier(
        load_default=None, metadata={"description": "the agency's target (the head's plan)"}
    )
    cascading = fields.String(
        allow_none=True,
        load_default=None,
        validate=_one_of(labels.CASCADING, _("Choose direct or indirect.")),
    )
    perspektif = fields.String(
        allow_none=True,
        load_default=None,
        validate=_one_of(labels.PERSPECTIVES, _("Choose one of the listed perspectives.")),
        metadata={"description": "JPT plans only"},
    )
    iki = fields.List(fields.Nested(IkiInput), load_default=list, validate=Length(max=skps.MAX_IKI))


class RhkPatch(RhkInput):
    """A change to a result: the fields given; `iki` given replaces the indicators (each read
    whole); `accept` takes a handed-down proposal."""

    accept = fields.Boolean(metadata={"description": "accept a handed-down proposal"})

    def __init__(self, **kwargs: Any) -> None:
        # Partial by name, not `partial=True`: that would reach into the indicators too.
        kwargs.setdefault("partial", (*RhkInput._declared_fields, "accept"))
        super().__init__(**kwargs)


class LampiranInput(InputSchema):
    """The lampiran's three texts; blank clears one."""

    dukungan = Text(4000, allow_none=True)
    skema = Text(4000, allow_none=True)
    konsekuensi = Text(4000, allow_none=True)


class PlanInput(InputSchema):
    """The plan's approach and its lampiran (the fields given change)."""

    approach = fields.String(
        validate=_one_of(labels.APPROACHES, _("Choose quantitative or qualitative."))
    )
    lampiran = fields.Nested(LampiranInput)


def approach_problems(ikis: list[dict[str, Any]], approach: str) -> dict[str, list[Any]]:
    """What the plan's approach asks of its indicators (loaded through `IkiInput`): a
    quantitative plan a target with aspect and unit, a qualitative one the expected result in
    words. Keyed `iki.n.field`, as the schema's own messages."""
    errors: dict[str, list[Any]] = {}
    for n, values in enumerate(ikis):
        if approach == "kuantitatif":
            for name in QUANTITATIVE:
                if values.get(name) is None:
                    errors[f"iki.{n}.{name}"] = [REQUIRED]
        elif not values.get("narrative"):
            errors[f"iki.{n}.narrative"] = [REQUIRED]
    return errors


def period_problems(ikis: list[dict[str, Any]], count: int) -> dict[str, list[Any]]:
    """Targets per period, when given, are one per period of the agency's frequency."""
    errors: dict[str, list[Any]] = {}
    for n, values in enumerate(ikis):
        given = values.get("period_targets")
        if given is not None and len(given) != count:
            errors[f"iki.{n}.period_targets"] = [
                _("Give one target for each of the %(n)s periods.", n=count)
            ]
            continue
        # An aspect that adds up (kuantitas, biaya) splits its year over the periods: targets
        # set per period must make the year's, or the plan says two things (2+4+3+4 ≠ 12).
        wrong = iki_rules.period_sum_problems(
            values.get("target_low"),
            values.get("target_high"),
            [(t["low"], t.get("high")) for t in given or []],
            values.get("aspect"),
            values.get("unit"),
        )
        said = [
            _(
                "The targets per period add up to %(sum)s; the year's target is %(year)s.",
                sum=formats.number(total),
                year=formats.number(year),
            )
            if end == "low"
            else _(
                "The upper ends per period add up to %(sum)s; the year's is %(year)s.",
                sum=formats.number(total),
                year=formats.number(year),
            )
            for end, total, year in wrong
        ]
        if said:
            errors[f"iki.{n}.period_targets"] = said
    return errors


def is_jpt(session: Session, employee_id: int) -> bool:
    kind = session.scalar(
        select(Position.type)
        .join(Employee, Employee.position_id == Position.id)
        .where(Employee.id == employee_id)
    )
    return bool(kind and kind.startswith("jpt"))


def parent_choices(session: Session, skp: Skp) -> list[Rhk]:
    """The superior's results this plan may intervene (the rater's SKP of the same year)."""
    employee = session.scalar(select(Employee).where(Employee.id == skp.employee_id))
    assert employee is not None
    rater = skps.chain(session, employee).rater
    source = skps.of_employee(session, rater.id, skp.year) if rater is not None else None
    if source is None:
        return []
    return [r for r in skps.rhk_rows(session, source) if not r.proposed]


def target_choices(session: Session, skp: Skp) -> list[OrgTarget]:
    """The agency's targets, for the plan of an employee without a superior (the head)."""
    employee = session.scalar(select(Employee).where(Employee.id == skp.employee_id))
    if employee is None or skps.chain(session, employee).rater is not None:
        return []
    return list(
        session.scalars(
            select(OrgTarget).where(OrgTarget.year == skp.year).order_by(OrgTarget.code)
        )
    )


def check_rhk(session: Session, skp: Skp, values: dict[str, Any]) -> dict[str, Any]:
    """An RHK's fields loaded through `RhkInput` (or `RhkPatch`), its links checked against
    what this plan may intervene and its perspective against the owner's position."""
    errors: dict[str, list[Any]] = {}
    parent = values.get("parent_rhk_id")
    if parent is not None and parent not in {r.id for r in parent_choices(session, skp)}:
        errors["parent_rhk_id"] = [_("Choose one of your superior's results of this year.")]
    target = values.get("org_target_id")
    if target is not None and target not in {t.id for t in target_choices(session, skp)}:
        errors["org_target_id"] = [_("Choose one of the agency's targets of this year.")]
    if values.get("perspektif") is not None and not is_jpt(session, skp.employee_id):
        errors["perspektif"] = [_("Only the SKP of a JPT has perspectives.")]
    if errors:
        raise InvalidFields(errors)
    values = dict(values)
    if values.get("parent_rhk_id") is not None and not values.get("cascading"):
        values["cascading"] = "langsung"
    if "parent_rhk_id" in values and values["parent_rhk_id"] is None:
        values["cascading"] = None
    return values


# The superior's ekspektasi khusus: one optional text per BerAKHLAK value (blank clears it).
ExpectationsBody = cast(
    type[InputSchema],
    InputSchema.from_dict(
        {
            v.code: Text(1000, allow_none=True, metadata={"description": f"{v.name} ({v.name_en})"})
            for v in behaviour.values()
        },
        name="ExpectationsBody",
    ),
)
