"""An evaluation's input, read once for the API and the web form: the realisasi per IKI id (the
fields given; a field not sent stays as it is) and the rater's ratings with their feedback.
Which IKI belong to the evaluation, which daily entries and reports may be its evidence, and
whose Rating Hasil Kerja comes from the agency's achievement, the service checks."""

from __future__ import annotations

from marshmallow import fields, validate

from kinerja import rules
from kinerja.i18n import _
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


def _rating() -> fields.String:
    return fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.OneOf(
            rules.RATINGS, error=_("Choose above, as expected or below expectations.")
        ),
        metadata={"description": "DI_ATAS, SESUAI or DI_BAWAH"},
    )


def _feedback(limit: int) -> fields.Dict:
    return fields.Dict(keys=fields.String(), values=Text(limit, allow_none=True), load_default=dict)


class EvaluationRatingInput(InputSchema):
    """The Pejabat Penilai's ratings and feedback: overall, per BerAKHLAK value ({code: text})
    and per IKI ({IKI id: text}); blank feedback is none."""

    rating_hasil = _rating()
    rating_perilaku = _rating()
    feedback = Text(4000, allow_none=True, load_default=None)
    behaviour_feedback = _feedback(1000)
    item_feedback = _feedback(2000)
