"""A Rencana Aksi step as input, read once: the API's JSON and the web form's strings load
through `StepInput`; the service then checks what needs the database (the result belongs to
the plan, the date lies inside the period)."""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from kinerja.schema import Identifier, InputSchema, Range, Text

MAX_PERIODS = 12  # monthly evaluation: twelve periods a year


class StepInput(InputSchema):
    """What, by when and which output, for one result (RHK) in one period."""

    rhk_id = Identifier(
        required=True,
        allow_none=False,
        metadata={"description": "the SKP's result (RHK) the step serves"},
    )
    period = fields.Integer(
        required=True,
        validate=Range(1, MAX_PERIODS),
        metadata={"description": "the evaluation period (1…n of the agency's frequency)"},
    )
    text = Text(1000, required=True, metadata={"description": "what is done"})
    due = fields.Date(required=True, metadata={"description": "by when, inside the period"})
    output = Text(300, required=True, metadata={"description": "what it produces"})


class StepPatch(StepInput):
    """A change: any of the step's fields."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(partial=True, **kwargs)


class MarkInput(InputSchema):
    """The owner's own "done" mark (true) or taking it back (false)."""

    done = fields.Boolean(required=True)
