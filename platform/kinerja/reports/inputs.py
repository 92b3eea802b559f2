"""A report-form submission as input, read once for the API and the web form.

The form's own fields are the plugin's (`GET …/forms` lists them, with their types and limits):
they pass through to the service, which checks them against the form (`rules.read`) and the
plugin's cross-field rule. This schema reads what every submission has beside them.
"""

from __future__ import annotations

from marshmallow import INCLUDE, fields

from kinerja.schema import InputSchema, Range


class SubmissionBody(InputSchema):
    """The form's fields by name, and these."""

    class Meta:
        unknown = INCLUDE  # the form's own fields: checked by the service against the form

    report_date = fields.Date(
        allow_none=True,
        load_default=None,
        metadata={"description": "the day reported (not in the future); today when not given"},
    )
    draft = fields.Boolean(
        load_default=False, metadata={"description": "true: keep it unsent (a draft)"}
    )
    log_rhk = fields.Integer(
        allow_none=True,
        load_default=None,
        validate=Range(0, 2**62),
        metadata={
            "description": "also as the day's work: a daily entry whose output is this report, "
            "for this result (RHK) of your approved SKP, or 0 for an additional task; not "
            "given: no entry. Only for a submission that is sent (not a draft)."
        },
    )
