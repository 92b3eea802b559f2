"""An evaluation's realisasi as input, read once for the API and the web form: per IKI id, the
fields given (a field not sent stays as it is). Which IKI belong to the evaluation, and which
daily entries and reports may be its evidence, the service checks."""

from __future__ import annotations

from marshmallow import fields

from kinerja.performance.evaluation.evidence import MAX_LINKS
from kinerja.schema import Amount, InputSchema, KeyedInput, Length, Range, Text


def _ids() -> fields.List:
    return fields.List(
        fields.Integer(strict=True, validate=Range(1, 2**62)), validate=Length(max=MAX_LINKS)
    )


class RealisasiInput(InputSchema):
    """One IKI's realisation; send only what changes."""

    realisasi = Amount(allow_none=True, metadata={"description": "the quantity achieved"})
    realisasi_text = Text(4000, allow_none=True, metadata={"description": "what was achieved"})
    evidence = _ids()
    reports = _ids()


class ItemsBody(KeyedInput):
    """{IKI id: RealisasiInput} for the IKI of this evaluation."""

    @staticmethod
    def value() -> fields.Field:
        return fields.Nested(RealisasiInput)
