"""Talent input read once, for the API and the web forms: a campaign, a rater's levels and a
position's required levels, keyed by competency code. Which codes are in force (and asked), and
which employees are the agency's, the services check: the dictionary and the staff are the
agency's."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validates_schema

from kinerja.competency import scoring
from kinerja.i18n import _
from kinerja.schema import InputSchema, KeyedInput, OneOf, Range, Text

CHOOSE_LEVEL = _("Choose a level from %(a)s to %(b)s.", a=1, b=5)
HIGHEST_MINIMUM = 50  # an anonymity minimum above this would hide every source


def weights_field(**kwargs: Any) -> fields.Dict:
    """Weights per rater source, each a whole number 0 to 100 (0: the source is off); a source
    not sent weighs 0."""
    return fields.Dict(
        keys=fields.String(validate=OneOf(scoring.RATER_SOURCES)),
        values=fields.Integer(
            validate=Range(0, 100, error=_("Each weight is a whole number from 0 to 100."))
        ),
        metadata={"description": "weight per source (self, superior, peer, subordinate); 0: off"},
        **kwargs,
    )


def minimum_field(**kwargs: Any) -> fields.Integer:
    """The anonymity minimum: peers and subordinates are shown from this many answers."""
    wrong = _("The anonymity minimum is at least %(n)s raters.", n=scoring.LOWEST_MINIMUM)
    return fields.Integer(
        validate=Range(scoring.LOWEST_MINIMUM, HIGHEST_MINIMUM, error=wrong),
        metadata={"description": f"anonymity minimum, at least {scoring.LOWEST_MINIMUM}"},
        **kwargs,
    )


def one_counts(weights: dict[str, int] | None) -> None:
    """At least one source must count (all weights 0 would assess nobody)."""
    if weights is not None and not any(weights.values()):
        raise ValidationError([_("At least one source must count.")], "sources")


class CampaignInput(InputSchema):
    """A draft campaign: its name and dates; the sources' weights and the anonymity minimum
    (not given: the agency's policy); the competencies (none: each person's required ones)
    and who is assessed (employee ids; none: every active employee)."""

    name = Text(
        200,
        required=True,
        error_messages={"required": _("Give the campaign a name.")},
    )
    starts = fields.Date(required=True)
    ends = fields.Date(required=True)
    sources = weights_field(allow_none=True, load_default=None)
    minimum = minimum_field(allow_none=True, load_default=None)
    competencies = fields.List(
        Text(40), load_default=list, metadata={"description": "none: the required ones"}
    )
    subjects = fields.List(
        fields.Integer(strict=True, validate=Range(1, 2**62)),
        allow_none=True,
        load_default=None,
        metadata={"description": "employee ids; none: everyone active"},
    )

    @validates_schema
    def _whole(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("starts") and data.get("ends") and data["ends"] < data["starts"]:
            raise ValidationError([_("The end cannot be before the start.")], "ends")
        one_counts(data.get("sources"))


class RatingInput(InputSchema):
    """A rater's level of one competency, with an optional comment."""

    level = fields.Integer(
        required=True,
        validate=Range(1, 5, error=CHOOSE_LEVEL),
        error_messages={"required": CHOOSE_LEVEL, "null": CHOOSE_LEVEL},
    )
    comment = Text(2000, allow_none=True, load_default=None)


class RatingsBody(KeyedInput):
    """{competency code: Rating} for every competency the task asks."""

    @staticmethod
    def value() -> fields.Field:
        return fields.Nested(RatingInput)


class StandardBody(KeyedInput):
    """{competency code: level 0 to 5 (0: not required), or null (blank): the default}."""

    @staticmethod
    def value() -> fields.Field:
        return fields.Integer(allow_none=True, validate=Range(0, 5))
