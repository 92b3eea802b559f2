"""Heavy inputs bounded: the largest plan the input rules allow prints (SKP and evaluation), long
rows going on over the next pages, and is kept once made; near-limit photos and hostile PDFs as
evidence get an answer without holding a worker. Timing is in `bench/heavy.py`, not here."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kinerja import redis
from kinerja.db import db
from kinerja.performance import skp as skps
from tests.support import People, plan_head_and_boss
from tests.test_skp_api import token

API = "/api/v1/tenants/dinkes"
YEAR = date.today().year


def long_text(limit: int, tag: str) -> str:
    """Text of exactly `limit` characters, words of ordinary length, starting with `tag`."""
    words = f"{tag} pelayanan imunisasi dasar lengkap pada bayi dan balita di puskesmas "
    return (words * (limit // len(words) + 1))[:limit].strip().ljust(limit, "x")


def maximum_plan(tenants: Any, people: People) -> tuple[int, int, str]:
    """The staff's SKP at every limit of the input rules, built through the services and
    approved, with an evaluation of the year rated with every text at its limit: (SKP id,
    evaluation id, the last IKI's marker word)."""
    from kinerja.people import employees
    from kinerja.performance import behaviour, flow, plan
    from kinerja.performance.evaluation import service as evaluations
    from kinerja.permissions import Principal

    a = tenants.a
    boss_rhk = plan_head_and_boss(tenants, people, YEAR)
    with db.unit_of_work(a) as session:
        staff = employees.get_employee(session, people.staff)
        owner = Principal(9, a, frozenset({"pegawai"}), staff.id)
        boss = Principal(8, a, frozenset({"pegawai"}), people.superior)
        skp = skps.create(session, staff, YEAR)
        lampiran = {k: long_text(4000, k) for k in ("dukungan", "skema", "konsekuensi")}
        plan.update_plan(session, skp, {"approach": "kualitatif", "lampiran": lampiran})
        for r in range(skps.MAX_RHK):
            iki = [
                {"text": long_text(1000, f"IKI{r}x{i}"), "narrative": long_text(2000, f"N{r}x{i}")}
                for i in range(skps.MAX_IKI)
            ]
            plan.add_rhk(
                session,
                skp,
                {
                    "kind": "utama" if r % 4 else "tambahan",
                    "text": long_text(2000, f"RHK{r}"),
                    "parent_rhk_id": boss_rhk,
                    "iki": iki,
                },
            )
        plan.set_expectations(
            session, skp, {v.code: long_text(1000, v.code) for v in behaviour.values()}
        )
        flow.act(session, owner, skp, "submit")
        flow.act(session, boss, skp, "approve")
        evaluation = evaluations.start(session, skp, 0)
        items = evaluations.items(session, evaluation)
        evaluations.update_items(
            session,
            evaluation,
            {str(iki.id): {"realisasi_text": long_text(4000, "R")} for _item, iki, _rhk in items},
        )
        evaluations.act(session, owner, evaluation, "submit")
        evaluations.rate(
            session,
            boss,
            evaluation,
            {
                "rating_hasil": "SESUAI",
                "rating_perilaku": "SESUAI",
                "feedback": long_text(4000, "F"),
                "behaviour_feedback": {v.code: long_text(1000, "B") for v in behaviour.values()},
                "item_feedback": {str(i.id): long_text(2000, "U") for _item, i, _r in items},
            },
        )
        return skp.id, evaluation.id, f"IKI{skps.MAX_RHK - 1}x{skps.MAX_IKI - 1}"


def _pages_and_text(pdf: bytes) -> tuple[int, str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    text = " ".join(page.get_textpage().get_text_range() for page in document)
    return len(document), " ".join(text.split())


def test_the_maximum_plan_prints_both_documents_and_keeps_them(app, client, people, tenants):
    skp_id, evaluation_id, last_iki = maximum_plan(tenants, people)
    headers = token(tenants.a, people.users["staff"])
    for url, title in (
        (f"{API}/skp/{skp_id}/document", "SASARAN KINERJA PEGAWAI"),
        (f"{API}/evaluations/{evaluation_id}/document", "DOKUMEN EVALUASI KINERJA PEGAWAI"),
    ):
        answer = client.get(url, headers=headers)
        assert answer.status_code == 200 and answer.mimetype == "application/pdf"
        assert answer.data.startswith(b"%PDF-")
        pages, text = _pages_and_text(answer.data)
        assert pages > 1 and title in text
        # the last IKI's text is printed whole, its last words too (after the row's page breaks)
        assert last_iki in text and text.count(last_iki) >= 10
        assert "Medan," in text  # the signatures come after the whole table
        again = client.get(url, headers=headers)
        assert again.status_code == 200 and again.data == answer.data
    kept = redis.client(app).keys(f"kinerja:printed:{tenants.a}:*")
    assert len(kept) == 2  # one per document: the second request was served from Redis


@pytest.mark.parametrize("width", [20.0, 60.0])
def test_wrapping_keeps_every_word_and_cuts_only_words_wider_than_the_line(width) -> None:
    from fpdf import FPDF

    from kinerja.performance import pdf_table

    pdf = FPDF()
    pdf.set_font("Helvetica", size=8)
    widths = pdf.current_font.cw
    text = "kata biasa " * 50 + "x" * 300 + "\nbaris baru"
    lines = pdf_table.wrap(text, width, widths)
    assert "".join("".join(lines).split()) == "".join(text.split())  # nothing lost
    for line in lines:
        assert pdf.get_string_width(line) <= width + 0.01
    assert lines[-1] == "baris baru"
