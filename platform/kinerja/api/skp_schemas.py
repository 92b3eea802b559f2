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


class IkiSchema(Schema):
    id = fields.Integer(dump_only=True)
    text = fields.String(required=True)
    aspect = fields.String(allow_none=True)
    target_low = fields.Raw(
        allow_none=True, metadata={"description": "a number (a string keeps its decimals)"}
    )
    target_high = fields.Raw(allow_none=True)
    unit = fields.String(allow_none=True)
    narrative = fields.String(allow_none=True)


class RhkSchema(Schema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(validate=validate.OneOf(["utama", "tambahan"]), load_default="utama")
    text = fields.String(required=True)
    parent_rhk_id = fields.Integer(allow_none=True)
    org_target_id = fields.Integer(allow_none=True)
    cascading = fields.String(allow_none=True)
    perspektif = fields.String(allow_none=True)
    proposed = fields.Boolean(dump_only=True)
    iki = fields.List(fields.Dict(), load_default=list)


class RhkPatchSchema(Schema):
    kind = fields.String(validate=validate.OneOf(["utama", "tambahan"]))
    text = fields.String()
    parent_rhk_id = fields.Integer(allow_none=True)
    org_target_id = fields.Integer(allow_none=True)
    cascading = fields.String(allow_none=True)
    perspektif = fields.String(allow_none=True)
    iki = fields.List(fields.Dict(), metadata={"description": "replaces the indicators"})
    accept = fields.Boolean(metadata={"description": "accept a handed-down proposal"})


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
    expectations = fields.Dict(dump_only=True)
    lampiran = fields.Dict(dump_only=True)
    actions = fields.List(fields.String(), dump_only=True)
    sections = fields.List(fields.Dict(), dump_only=True)


class SkpCreateSchema(Schema):
    year = YEAR
    approach = fields.String(
        validate=validate.OneOf(["kuantitatif", "kualitatif"]), load_default="kuantitatif"
    )
    start = fields.String(validate=validate.OneOf(skps.STARTS), load_default="empty")


class LampiranSchema(Schema):
    dukungan = fields.String()
    skema = fields.String()
    konsekuensi = fields.String()


class SkpPatchSchema(Schema):
    approach = fields.String(validate=validate.OneOf(["kuantitatif", "kualitatif"]))
    lampiran = fields.Nested(LampiranSchema)


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
    content = fields.Dict()
    changes = fields.List(fields.Dict())
