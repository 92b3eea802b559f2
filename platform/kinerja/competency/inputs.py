"""Talent input read once, for the API and the web forms: a rater's levels and a position's
required levels, keyed by competency code. Which codes are in force (and asked) the services
check: the dictionary is the agency's."""

from __future__ import annotations

from marshmallow import fields

from kinerja.i18n import _
from kinerja.schema import InputSchema, KeyedInput, Range, Text

CHOOSE_LEVEL = _("Choose a level from %(a)s to %(b)s.", a=1, b=5)


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
