"""Evidence files: what a file is, decided from its first bytes (never its name or the header
the browser sent), and photos made safe to keep: location removed unless the agency keeps it,
HEIC turned into JPEG (browsers cannot show HEIC), a small thumbnail. Pure: bytes in, bytes out.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from kinerja.i18n import N_

THUMB = 320  # px, the long side of a thumbnail
MAX_PIXELS = 60_000_000  # a phone photo has ~50 million at most; more is a decompression bomb
GPS_IFD = 0x8825


@dataclass(frozen=True)
class Kind:
    code: str  # stored kind
    content_type: str
    extensions: tuple[str, ...]
    label: str
    matches: Callable[[bytes], bool]


def _heic(head: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in (
        b"heic",
        b"heix",
        b"hevc",
        b"hevx",
        b"heim",
        b"heis",
        b"mif1",
        b"msf1",
    )


# The accepted kinds and their signatures (magic bytes); anything else is refused (415).
KINDS: tuple[Kind, ...] = (
    Kind(
        "jpeg", "image/jpeg", (".jpg", ".jpeg", ".jfif"), "JPEG", lambda h: h[:3] == b"\xff\xd8\xff"
    ),
    Kind("png", "image/png", (".png",), "PNG", lambda h: h[:8] == b"\x89PNG\r\n\x1a\n"),
    Kind(
        "webp", "image/webp", (".webp",), "WebP", lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP"
    ),
    Kind("heic", "image/heic", (".heic", ".heif"), "HEIC", _heic),
    Kind("pdf", "application/pdf", (".pdf",), "PDF", lambda h: h[:5] == b"%PDF-"),
)
BY_CODE = {k.code: k for k in KINDS}
EVERY_EXTENSION = {ext: k for k in KINDS for ext in k.extensions}


class Refused(Exception):
    """Not a file we keep: `msgid` (English, with `params`) says why; answered with 415."""

    def __init__(self, msgid: str, **params: object) -> None:
        super().__init__(msgid)
        self.msgid, self.params = msgid, params


def sniff(head: bytes) -> Kind | None:
    return next((k for k in KINDS if k.matches(head)), None)


def identify(name: str, data: bytes) -> Kind:
    """The file's kind from its content; a name whose extension claims another kind is refused
    too (a PNG called .pdf, a program called .jpg): people must see what they send."""
    kind = sniff(data[:32])
    if kind is None:
        raise Refused(N_("Only photos (JPEG, PNG, WebP, HEIC) and PDF files are accepted."))
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    claimed = EVERY_EXTENSION.get(extension)
    if claimed is not None and claimed.code != kind.code:
        raise Refused(
            N_("This file is a %(kind)s file but its name ends in %(ext)s."),
            kind=kind.label,
            ext=extension,
        )
    if extension and claimed is None:
        raise Refused(N_("Only photos (JPEG, PNG, WebP, HEIC) and PDF files are accepted."))
    return kind


@dataclass(frozen=True)
class Kept:
    kind: str  # what is stored (HEIC is stored as JPEG)
    content_type: str
    data: bytes
    thumbnail: bytes | None


def _open(data: bytes) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:  # Pillow only warns below twice its limit
            raise Image.DecompressionBombError("too many pixels")
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as error:
        raise Refused(
            N_("The photo cannot be read; take it again or send another file.")
        ) from error
    return image


def _thumbnail(image: Image.Image) -> bytes:
    small = ImageOps.exif_transpose(image.copy())
    small.thumbnail((THUMB, THUMB))
    out = io.BytesIO()
    small.convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


def _first_page(data: bytes) -> bytes:
    """A thumbnail of a PDF's first page (PDFium, Chromium's PDF engine, from its wheel); a PDF
    it cannot open is refused like an unreadable photo."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
        try:
            if len(document) == 0:
                raise Refused(N_("The PDF cannot be read; send another file."))
            page = document[0]
            width, height = page.get_size()
            scale = min(2.0, THUMB / max(width, height, 1))  # points to pixels, at most THUMB
            image = page.render(scale=scale).to_pil()
        finally:
            document.close()
    except pdfium.PdfiumError as error:
        raise Refused(N_("The PDF cannot be read; send another file.")) from error
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


def keep(kind: Kind, data: bytes, keep_location: bool) -> Kept:
    """What to store for a file of `kind`: PDFs as they are; photos re-encoded without location
    (unless kept) and with a thumbnail; HEIC as JPEG."""
    if kind.code == "pdf":
        return Kept("pdf", kind.content_type, data, _first_page(data))
    if kind.code == "heic":
        import pillow_heif

        pillow_heif.register_heif_opener()
    image = _open(data)
    exif = image.getexif()
    if not keep_location and GPS_IFD in exif:
        del exif[GPS_IFD]
    thumbnail = _thumbnail(image)
    stored = "jpeg" if kind.code == "heic" else kind.code
    out = io.BytesIO()
    options: dict[str, object] = {"exif": exif.tobytes()} if len(exif) else {}
    if stored == "jpeg":
        image.convert("RGB").save(out, "JPEG", quality=90, **options)
    elif stored == "png":
        image.save(out, "PNG", **options)
    else:
        image.save(out, "WEBP", quality=90, **options)
    return Kept(stored, BY_CODE[stored].content_type, out.getvalue(), thumbnail)


def safe_name(name: str) -> str:
    """A file name to show: no folders, no control characters, at most 120 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if c.isprintable() and c not in '<>:"|?*').strip()
    return cleaned[-120:] or "bukti"
