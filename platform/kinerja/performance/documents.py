"""The documents people sign, as PDF (fpdf2, pure Python): the SKP and the evaluation (periodic,
or the annual Dokumen Evaluasi Kinerja Pegawai). The layout people know: a title, the header
block with the three parties, tables, signature blocks with place and date. Text stays text
(extractable). The built-in PDF fonts know Latin-1 only: other characters are replaced."""

from __future__ import annotations

from datetime import date
from typing import Any

from kinerja.performance import behaviour
from kinerja.presentation import formats

ID = "id"  # official documents are Indonesian whatever the reader's language

# Column widths (mm) of the results table: a narrative target (kualitatif, up to 2,000
# characters) needs as much room as the texts beside it; a number and its unit do not.
NUMERIC = (8, 80, 70, 32)
NARRATIVE = (8, 62, 60, 60)
# The evaluation's results table: No, RHK, IKI, Target (the period's), Realisasi (a number or up
# to 4,000 characters of text), Capaian (realisasi against target, "112%"), Umpan balik.
EVALUATED = (8, 34, 34, 22, 38, 16, 38)


def skp_pdf(content: dict[str, Any], year: int, status_word: str, day: date) -> bytes:
    """The SKP: header, Hasil Kerja (utama, tambahan) with IKI and targets, Perilaku Kerja with
    the superior's expectations, Lampiran, signatures of the employee and the rater."""
    from kinerja.performance.pdf import Document, latin

    header = content["header"]
    doc = Document(f"SASARAN KINERJA PEGAWAI (SKP) TAHUN {year}")
    doc.set_font("Helvetica", size=8)
    doc.cell(
        0,
        5,
        latin(
            f"Periode: {_period(header.get('starts'), header.get('ends'))} - Pendekatan: "
            f"{content['approach']} - Status: {status_word}"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.parties(header)
    for kind, title in (("utama", "HASIL KERJA UTAMA"), ("tambahan", "HASIL KERJA TAMBAHAN")):
        doc.heading(title)
        rows: list[list[Any]] = [
            ["No", "Rencana Hasil Kerja", "Indikator Kinerja Individu", "Target"]
        ]
        for n, rhk in enumerate((r for r in content["rhk"] if r["kind"] == kind), start=1):
            ikis = rhk["iki"] or [{"text": "-", "target_low": None, "unit": None}]
            for i, iki in enumerate(ikis):
                target = _target(iki)
                rows.append(
                    [str(n) if i == 0 else "", rhk["text"] if i == 0 else "", iki["text"], target]
                )
        if len(rows) == 1:
            rows.append(["", "-", "", ""])
        doc.table_of(rows, NARRATIVE if content["approach"] == "kualitatif" else NUMERIC)
    doc.heading("PERILAKU KERJA (BerAKHLAK)")
    rows = [["No", "Perilaku", "Ekspektasi khusus pimpinan"]]
    for n, value in enumerate(behaviour.values(), start=1):
        rows.append([str(n), value.name, content["expectations"].get(value.code, "") or "-"])
    doc.table_of(rows, (8, 60, 122))
    doc.heading("LAMPIRAN")
    lampiran = content.get("lampiran") or {}
    doc.table_of(
        [
            ["Dukungan sumber daya", lampiran.get("dukungan") or "-"],
            ["Skema pertanggungjawaban", lampiran.get("skema") or "-"],
            ["Konsekuensi", lampiran.get("konsekuensi") or "-"],
        ],
        (50, 140),
        head=False,
    )
    doc.signatures(
        day,
        ("Pegawai yang dinilai,", header.get("employee") or {}),
        ("Pejabat Penilai Kinerja,", header.get("pejabat_penilai") or {"name": "Admin OPD"}),
    )
    return bytes(doc.output())


def _target(iki: dict[str, Any]) -> str:
    low, high = iki.get("target_low"), iki.get("target_high")
    if low is None:
        return iki.get("narrative") or "-"
    span = formats.number(low, locale=ID)
    if high is not None:
        span = f"{span}-{formats.number(high, locale=ID)}"
    return f"{span} {iki.get('unit') or ''}".strip()


def _period(starts: Any, ends: Any) -> str:
    """The period in the header: 02-01-2026 s.d. 31-12-2026 (the dates come as ISO text, the
    form in which the document's inputs are kept)."""
    return " s.d. ".join(
        formats.date_short(date.fromisoformat(v) if isinstance(v, str) else v, locale=ID)
        for v in (starts, ends)
    )


def evaluation_pdf(
    header: dict[str, Any],
    evaluation: dict[str, Any],
    rows: list[dict[str, Any]],
    words: dict[str, str],
    day: date,
) -> bytes:
    """The periodic evaluation, or (period 0) the Dokumen Evaluasi Kinerja Pegawai: the
    organisation's capaian when set, realisasi per IKI against the period's target with its
    capaian and feedback, the feedback per BerAKHLAK value, the two ratings, the predikat (and
    angka kredit), signatures of the rater and of the employee."""
    from kinerja.performance.pdf import Document, latin

    annual = evaluation["period"] == 0
    title = (
        f"DOKUMEN EVALUASI KINERJA PEGAWAI TAHUN {evaluation['year']}"
        if annual
        else f"EVALUASI KINERJA PEGAWAI PERIODE {evaluation['period']} TAHUN {evaluation['year']}"
    )
    doc = Document(title)
    doc.set_font("Helvetica", size=8)
    doc.cell(
        0,
        5,
        latin(f"Periode: {_period(evaluation['starts'], evaluation['ends'])}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.parties(header)
    if evaluation.get("organisation"):
        doc.heading("CAPAIAN KINERJA ORGANISASI")
        doc.table_of(
            [["Capaian kinerja organisasi", evaluation["organisation"]]], (60, 130), head=False
        )
    doc.heading("HASIL KERJA")
    table: list[list[Any]] = [
        ["No", "Rencana Hasil Kerja", "IKI", "Target", "Realisasi", "Capaian", "Umpan balik"]
    ]
    n, previous = 0, None
    for row in rows:  # the RHK's number and text once, on its first IKI (as in the SKP)
        first = row.get("rhk_id", row["rhk"]) != previous
        previous = row.get("rhk_id", row["rhk"])
        n += first
        table.append(
            [
                str(n) if first else "",
                row["rhk"] if first else "",
                row["iki"],
                row["target"],
                row["realisasi"],
                row.get("capaian") or "-",
                row["feedback"],
            ]
        )
    doc.table_of(table, EVALUATED)
    doc.heading("PERILAKU KERJA (BerAKHLAK)")
    given = evaluation.get("behaviour_feedback") or {}
    doc.table_of(
        [["No", "Perilaku", "Umpan balik"]]
        + [[str(n), v.name, given.get(v.code) or "-"] for n, v in enumerate(behaviour.values(), 1)],
        (8, 60, 122),
    )
    doc.heading("PENILAIAN")
    result = [
        ["Rating Hasil Kerja", words.get(evaluation.get("rating_hasil") or "", "-")],
        ["Rating Perilaku Kerja", words.get(evaluation.get("rating_perilaku") or "", "-")],
        ["Predikat Kinerja Pegawai", words.get(evaluation.get("predikat") or "", "-")],
    ]
    if annual and evaluation.get("angka_kredit") is not None:
        result.append(["Angka kredit", formats.number(evaluation["angka_kredit"], locale=ID)])
    if evaluation.get("feedback"):
        result.append(["Umpan balik", evaluation["feedback"]])
    doc.table_of(result, (60, 130), head=False)
    doc.signatures(
        day,
        ("Pegawai yang dinilai,", header.get("employee") or {}),
        ("Pejabat Penilai Kinerja,", header.get("pejabat_penilai") or {"name": "Admin OPD"}),
    )
    return bytes(doc.output())
