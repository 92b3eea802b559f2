"""Schemas of the performance-year API (`kinerja.api.skp`): what goes in and comes out."""

from __future__ import annotations

from marshmallow import fields, validate

from kinerja.api.schemas import YEAR, YearQuerySchema  # noqa: F401 - the shared year
from kinerja.i18n import skp_status_label
from kinerja.performance import skp as skps
from kinerja.performance import workflow
from kinerja.schema import Schema


class PeriodSchema(Schema):
    number = fields.Integer()
    starts = fields.Date()
    ends = fields.Date()


class YearSchema(Schema):
    year = fields.Integer(dump_only=True)
    starts = fields.Date(dump_only=True)
    ends = fields.Date(dump_only=True)
    closed = fields.Boolean(dump_only=True)
    frequency = fields.String(
        required=True, validate=validate.OneOf(["monthly", "quarterly", "semester"])
    )
    periods = fields.List(fields.Nested(PeriodSchema), dump_only=True)


class IndicatorSchema(Schema):
    text = fields.String(required=True)
    target = fields.String(load_default="")
    unit = fields.String(load_default="")


class TargetSchema(Schema):
    id = fields.Integer(dump_only=True)
    year = fields.Integer(dump_only=True)
    code = fields.String(required=True)
    text = fields.String(required=True)
    indicators = fields.List(fields.Nested(IndicatorSchema), load_default=list)


class TargetPatchSchema(Schema):
    code = fields.String()
    text = fields.String()
    indicators = fields.List(fields.Nested(IndicatorSchema))


class SkpQuerySchema(Schema):
    year = YEAR
    status = fields.String(validate=validate.OneOf(workflow.STATES))
    employee_id = fields.Integer(validate=validate.Range(1, 2**63 - 1))


class MatrixQuerySchema(Schema):
    year = YEAR
    unit_id = fields.Integer(validate=validate.Range(1, 2**63 - 1))


class PeriodTargetSchema(Schema):
    low = fields.String(metadata={"description": "a decimal string"})
    high = fields.String(allow_none=True)


class PeriodTargetsSchema(Schema):
    frequency = fields.String(metadata={"description": "the agency's frequency when set"})
    targets = fields.List(fields.Nested(PeriodTargetSchema))


class IkiSchema(Schema):
    id = fields.Integer(dump_only=True)
    text = fields.String(dump_only=True)
    aspect = fields.String(allow_none=True, dump_only=True)
    target_low = fields.String(allow_none=True, dump_only=True)
    target_high = fields.String(allow_none=True, dump_only=True)
    unit = fields.String(allow_none=True, dump_only=True)
    narrative = fields.String(allow_none=True, dump_only=True)
    period_targets = fields.Nested(
        PeriodTargetsSchema,
        allow_none=True,
        dump_only=True,
        metadata={"description": "set per period (null: the year's target split)"},
    )


class RhkSchema(Schema):
    """A result as the API answers it (what it takes: `RhkInput`, `RhkPatch`)."""

    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True)
    text = fields.String(dump_only=True)
    parent_rhk_id = fields.Integer(allow_none=True, dump_only=True)
    org_target_id = fields.Integer(allow_none=True, dump_only=True)
    cascading = fields.String(allow_none=True, dump_only=True)
    perspektif = fields.String(allow_none=True, dump_only=True)
    proposed = fields.Boolean(dump_only=True)
    iki = fields.List(fields.Nested(IkiSchema), dump_only=True)


class SkpSchema(Schema):
    id = fields.Integer(dump_only=True)
    employee_id = fields.Integer(dump_only=True)
    year = fields.Integer(dump_only=True)
    approach = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    status_label = fields.Function(
        lambda s: str(skp_status_label(s["status"] if isinstance(s, dict) else s.status)),
        dump_only=True,
    )
    version = fields.Integer(dump_only=True)
    reason = fields.String(dump_only=True, allow_none=True)
    revision_reason = fields.String(dump_only=True, allow_none=True)
    acting = fields.Boolean(dump_only=True)
    submitted_at = fields.DateTime(dump_only=True, allow_none=True)
    decided_at = fields.DateTime(dump_only=True, allow_none=True)
    updated_at = fields.DateTime(dump_only=True)


class SkpDetailSchema(SkpSchema):
    header = fields.Dict(dump_only=True)
    header_source = fields.String(dump_only=True)
    rhk = fields.List(fields.Dict(), dump_only=True)
    aksi = fields.List(
        fields.Dict(),
        dump_only=True,
        metadata={
            "description": "the Rencana Aksi steps as planned (id, rhk_id, period, text, due, "
            "output); their status: `/skp/{id}/rencana-aksi`"
        },
    )
    expectations = fields.Dict(dump_only=True)
    lampiran = fields.Dict(dump_only=True)
    actions = fields.List(fields.String(), dump_only=True)
    sections = fields.List(fields.Dict(), dump_only=True)
    progress = fields.List(
        fields.Dict(),
        dump_only=True,
        metadata={
            "description": "per IKI: the year and each period (0: the year), its target, the "
            "realisation of approved work, what waits for approval, and the achievement as a "
            "whole percentage (over 100 when exceeded; null when it cannot be measured)"
        },
    )


class SkpCreateSchema(Schema):
    year = YEAR
    approach = fields.String(
        validate=validate.OneOf(["kuantitatif", "kualitatif"]), load_default="kuantitatif"
    )
    start = fields.String(validate=validate.OneOf(skps.STARTS), load_default="empty")


class TransitionSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(workflow.ACTIONS))
    reason = fields.String(load_default=None, allow_none=True)


class HandDownSchema(Schema):
    employee_ids = fields.List(
        fields.Integer(validate=validate.Range(1, 2**63 - 1)),
        required=True,
        validate=validate.Length(1, 200),
    )


class SkpVersionBriefSchema(Schema):
    version = fields.Integer()
    reason = fields.String(allow_none=True)
    approved_at = fields.DateTime()


class SkpVersionSchema(SkpVersionBriefSchema):
    approved_by = fields.Integer(allow_none=True)
    content = fields.Dict(
        metadata={"description": "the plan as approved, its Rencana Aksi steps (`aksi`) included"}
    )
    changes = fields.List(
        fields.Dict(),
        metadata={
            "description": "against the version before: section, item, field, before, after, "
            "period (a target per period) and `text`, the change in the reader's language"
        },
    )
