"""The evaluation's document: its data gathered for `performance.documents`."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kinerja.performance import documents, printed
from kinerja.performance import skp as skps
from kinerja.performance.evaluation import service
from kinerja.performance.evaluation.labels import ACHIEVEMENT_WORDS, PREDIKAT_WORDS, RATING_WORDS
from kinerja.performance.evaluation.models import Evaluation
from kinerja.presentation import formats

ID = "id"  # official documents are Indonesian whatever the reader's language


def evaluation_document(session: Session, evaluation: Evaluation, day: date) -> bytes:
    """The evaluation as PDF (the annual one: the Dokumen Evaluasi Kinerja Pegawai)."""
    skp = skps.get(session, evaluation.skp_id)
    header, _source = skps.header(session, skp)
    measured = service.measured(session, evaluation)
    rows = []
    for item, iki, rhk in service.items(session, evaluation):
        shown = measured[iki.id]
        target = formats.number(shown.target_low, locale=ID)
        if shown.target_high is not None:
            target = f"{target}-{formats.number(shown.target_high, locale=ID)}"
        rows.append(
            {
                "rhk_id": rhk.id,
                "rhk": rhk.text,
                "iki": iki.text,
                "target": f"{target} {iki.unit or ''}".strip()
                if shown.target_low is not None
                else (iki.narrative or "-"),
                "realisasi": f"{formats.number(shown.realisation or 0, locale=ID)} "
                f"{iki.unit or ''}".strip()
                if item.realisasi is not None
                else (item.realisasi_text or "-"),
                "capaian": formats.percent(shown.percent, locale=ID),
                "feedback": item.feedback or "-",
            }
        )
    organisation = service.achievement(session, evaluation.year)
    facts = {
        "year": evaluation.year,
        "period": evaluation.period,
        "starts": evaluation.starts.isoformat(),
        "ends": evaluation.ends.isoformat(),
        "organisation": ACHIEVEMENT_WORDS[organisation.level] if organisation else None,
        "rating_hasil": evaluation.rating_hasil,
        "rating_perilaku": evaluation.rating_perilaku,
        "predikat": evaluation.predikat,
        "feedback": evaluation.feedback,
        "behaviour_feedback": evaluation.behaviour_feedback,
        "angka_kredit": service.angka_kredit(session, evaluation),
    }
    words = {**PREDIKAT_WORDS, **RATING_WORDS}
    return printed.kept(
        session,
        "evaluation",
        [evaluation.id, header, facts, rows, words, day],
        lambda: documents.evaluation_pdf(header, facts, rows, words, day),
    )


def filename(evaluation: Evaluation) -> str:
    return f"evaluasi-{evaluation.year}-{evaluation.period}.pdf"
