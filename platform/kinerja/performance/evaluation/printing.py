"""The evaluation's document: its data gathered for `performance.documents`."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kinerja.performance import documents, printed
from kinerja.performance import skp as skps
from kinerja.performance.evaluation import service
from kinerja.performance.evaluation.labels import PREDIKAT_WORDS, RATING_WORDS
from kinerja.performance.evaluation.models import Evaluation


def evaluation_document(session: Session, evaluation: Evaluation, day: date) -> bytes:
    """The evaluation as PDF (the annual one: the Dokumen Evaluasi Kinerja Pegawai)."""
    skp = skps.get(session, evaluation.skp_id)
    header, _source = skps.header(session, skp)
    rows = [
        {
            "rhk_id": rhk.id,
            "rhk": rhk.text,
            "iki": iki.text,
            "target": f"{skps.iki_dict(iki)['target_low'] or '-'} {iki.unit or ''}".strip(),
            "realisasi": format(item.realisasi.normalize(), "f")
            if item.realisasi is not None
            else (item.realisasi_text or "-"),
            "feedback": item.feedback or "-",
        }
        for item, iki, rhk in service.items(session, evaluation)
    ]
    facts = {
        "year": evaluation.year,
        "period": evaluation.period,
        "starts": evaluation.starts.isoformat(),
        "ends": evaluation.ends.isoformat(),
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
