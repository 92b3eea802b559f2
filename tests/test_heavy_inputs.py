"""Heavy inputs bounded: the largest plan the input rules allow prints (SKP and evaluation), long
rows going on over the next pages, and is kept once made; near-limit photos and hostile PDFs as
evidence get an answer without holding a worker. Timing is in `bench/heavy.py`, not here."""

from __future__ import annotations

import functools
import io
import zlib
from typing import Any

import pytest
from PIL import Image

from kinerja import clock, redis
from kinerja.db import db
from kinerja.performance import skp as skps
from kinerja.performance.log.evidence import GPS_IFD as GPS
from kinerja.performance.log.models import EvidenceFile
from tests.support import People, plan_head_and_boss, plan_staff
from tests.test_log_api import count, entry, png
from tests.test_skp_api import token

API = "/api/v1/tenants/dinkes/entries"
V1 = "/api/v1/tenants/dinkes"
YEAR = clock.this_year()


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
    from kinerja.performance.inputs import PlanInput, RhkInput
    from kinerja.permissions import Principal

    a = tenants.a
    boss_rhk = plan_head_and_boss(tenants, people, YEAR)
    with db.unit_of_work(a) as session:
        staff = employees.get_employee(session, people.staff)
        owner = Principal(9, a, frozenset({"pegawai"}), staff.id)
        boss = Principal(8, a, frozenset({"pegawai"}), people.superior)
        skp = skps.create(session, staff, YEAR)
        lampiran = {k: long_text(4000, k) for k in ("dukungan", "skema", "konsekuensi")}
        plan.update_plan(
            session, skp, PlanInput().read({"approach": "kualitatif", "lampiran": lampiran})
        )
        for r in range(skps.MAX_RHK):
            iki = [
                {"text": long_text(1000, f"IKI{r}x{i}"), "narrative": long_text(2000, f"N{r}x{i}")}
                for i in range(skps.MAX_IKI)
            ]
            raw = {
                "kind": "utama" if r % 4 else "tambahan",
                "text": long_text(2000, f"RHK{r}"),
                "parent_rhk_id": boss_rhk,
                "iki": iki,
            }
            plan.add_rhk(session, skp, RhkInput().read(raw))
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
        (f"{V1}/skp/{skp_id}/document", "SASARAN KINERJA PEGAWAI"),
        (f"{V1}/evaluations/{evaluation_id}/document", "DOKUMEN EVALUASI KINERJA PEGAWAI"),
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


# --- evidence: near-limit photos and hostile PDFs -------------------------------------------
@functools.cache
def near_limit_png() -> bytes:
    """A PNG at the PNG pixel limit (4000 x 4000), ~60 kB, with a location in its Exif
    and in an XMP text chunk, and the camera's make."""
    from PIL import ImageDraw
    from PIL.PngImagePlugin import PngInfo

    from kinerja.performance.log import evidence

    image = Image.new("RGB", (4000, 4000), (200, 30, 30))
    draw = ImageDraw.Draw(image)
    for y in range(0, image.height, 40):
        draw.line([(0, y), (image.width, y)], fill=(y % 255, 90, 40), width=3)
    exif = image.getexif()
    exif[0x010F] = "HP Murah"
    exif.get_ifd(evidence.GPS_IFD)[2] = (3.0, 35.0, 0.0)  # latitude: Medan
    info = PngInfo()
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta><exif:GPSLatitude>3,35N</exif:GPSLatitude>")
    out = io.BytesIO()
    image.save(out, "PNG", exif=exif.tobytes(), pnginfo=info)
    return out.getvalue()


def slow_pdf(operations: int = 3_000_000) -> bytes:
    """A one-page PDF of ~140 kB whose page draws `operations` rectangles: PDFium needs minutes
    for it (0.2 million take 10 s)."""
    content = zlib.compress(b"0 0 1 rg " + b"10 10 500 700 re f " * operations, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
        + content
        + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


@pytest.fixture
def planned(people: People, tenants: Any) -> dict[str, int]:
    """The staff's approved plan of this year: the RHK and IKI a daily entry is made against."""
    rhk, iki = plan_staff(tenants, people, YEAR, plan_head_and_boss(tenants, people, YEAR))
    return {"rhk": rhk, "iki": iki}


@pytest.fixture
def staff(people: People, tenants: Any) -> dict[str, str]:
    return token(tenants.a, people.users["staff"])


def _entry_form(year: dict[str, int], files: list[tuple[bytes, str]]) -> dict[str, Any]:
    form = {k: v for k, v in entry(year).items() if v is not None}
    form["evidence"] = [(io.BytesIO(data), name) for data, name in files]
    return form


def test_five_near_limit_pngs_are_kept_without_their_location(client, staff, planned, tenants):
    from kinerja.performance.log import evidence

    data = near_limit_png()
    assert evidence.MAX_PIXELS["png"] == 4000 * 4000  # at the limit exactly
    form = _entry_form(planned, [(data, f"layar-{n}.png") for n in range(5)])
    created = client.post(API, data=form, headers=staff, content_type="multipart/form-data")
    assert created.status_code == 201, created.get_json()
    files = created.get_json()["files"]
    assert len(files) == 5 and count(tenants.a, EvidenceFile) == 5
    for stored_file in files:
        assert stored_file["kind"] == "png" and stored_file["thumbnail_url"]
    stored = client.get(files[4]["url"], headers=staff).data
    photo = Image.open(io.BytesIO(stored))
    assert photo.size == (4000, 4000)
    assert GPS not in photo.getexif() and photo.getexif()[0x010F] == "HP Murah"
    assert b"GPSLatitude" not in stored and b"iTXt" not in stored  # the XMP went too
    assert _idat(stored) == _idat(data)  # the pixels as sent, byte for byte
    thumb = Image.open(io.BytesIO(client.get(files[0]["thumbnail_url"], headers=staff).data))
    assert thumb.format == "JPEG" and max(thumb.size) == 320


def _idat(png: bytes) -> bytes:
    """The compressed image data of a PNG."""
    found, position = [], 8
    while position < len(png):
        length = int.from_bytes(png[position : position + 4], "big")
        if png[position + 4 : position + 8] == b"IDAT":
            found.append(png[position + 8 : position + 8 + length])
        position += 12 + length
    return b"".join(found)


def test_a_photo_over_the_pixel_limit_is_refused_from_its_header(client, staff, planned, tenants):
    bomb = io.BytesIO()
    Image.new("1", (4000, 4001)).save(bomb, "PNG")  # 16,004,000 pixels in 2 kB
    form = _entry_form(planned, [(bomb.getvalue(), "bom.png")])
    refused = client.post(API, data=form, headers=staff, content_type="multipart/form-data")
    assert refused.status_code == 413
    assert "bom.png" in refused.get_json()["message"]
    assert "16" in refused.get_json()["message"]  # the limit, in millions of pixels
    assert count(tenants.a) == 0 and count(tenants.a, EvidenceFile) == 0


def test_a_pdf_too_slow_to_draw_is_kept_without_a_thumbnail(client, staff, planned, tenants):
    form = _entry_form(planned, [(slow_pdf(), "spt.pdf"), (png(), "foto.png")])
    created = client.post(API, data=form, headers=staff, content_type="multipart/form-data")
    assert created.status_code == 201, created.get_json()
    slow, photo = created.get_json()["files"]
    assert slow["kind"] == "pdf" and slow["thumbnail_url"] is None  # the child was stopped
    assert photo["thumbnail_url"]
    kept = client.get(slow["url"], headers=staff)
    assert kept.status_code == 200 and kept.data == slow_pdf()


def test_a_jpeg_loses_exif_gps_xmp_and_comments_but_not_a_byte_of_its_image() -> None:
    from kinerja.performance.log import evidence

    image = Image.new("RGB", (800, 600), "blue")
    exif = image.getexif()
    exif[0x010F] = "HP Murah"
    exif[0x0112] = 6  # taken sideways: the thumbnail is turned upright
    exif.get_ifd(GPS)[2] = (3.0, 35.0, 0.0)
    out = io.BytesIO()
    xmp = b"<x:xmpmeta><exif:GPSLatitude>3,35N</exif:GPSLatitude></x:xmpmeta>"
    image.save(out, "JPEG", exif=exif.tobytes(), xmp=xmp, comment=b"Jl. Kapten Maulana Lubis")
    data = out.getvalue()
    kept = evidence.keep(evidence.BY_CODE["jpeg"], data, keep_location=False)
    stored = Image.open(io.BytesIO(kept.data))
    assert GPS not in stored.getexif() and stored.getexif()[0x010F] == "HP Murah"
    assert b"GPSLatitude" not in kept.data and b"Maulana" not in kept.data
    scan = data.index(b"\xff\xda")  # the first scan and everything after it
    assert kept.data.endswith(data[scan:])
    assert Image.open(io.BytesIO(kept.thumbnail or b"")).size == (240, 320)  # upright
    same = evidence.keep(evidence.BY_CODE["jpeg"], data, keep_location=True)
    assert same.data == data
