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
from kinerja.performance.log import metadata
from kinerja.presentation import formats

THUMB = 320  # px, the long side of a thumbnail
# Pixels a photo may have, by kind: what a phone makes, and a bound on the work of one request
# (five files). A JPEG is never decoded whole (draft mode), so it may be as large as the largest
# phone photo (~50 million). The others are decoded whole for their thumbnail: PNG and WebP (a
# 5K screenshot has 15 million) stop at 16 million, ~0.25 s each; HEIC, turned into JPEG, at
# 25 million (an iPhone's 24 MP default), ~1 s. More is refused from the header (413), before
# any pixel is decoded.
MAX_PIXELS = {"jpeg": 60_000_000, "png": 16_000_000, "webp": 16_000_000, "heic": 25_000_000}
GPS_IFD = 0x8825
ORIENTATION = 0x0112


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


class TooManyPixels(Refused):
    """A photo over its kind's pixel limit (`MAX_PIXELS`): answered 413, with the limit."""


def _open(data: bytes, kind: Kind) -> Image.Image:
    """The image, its header read (size, metadata) and its pixels not yet decoded; refused when
    it has more pixels than its kind may."""
    Image.MAX_IMAGE_PIXELS = max(MAX_PIXELS.values())  # Pillow's own guard, a second line
    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as error:
        raise Refused(
            N_("The photo cannot be read; take it again or send another file.")
        ) from error
    pixels, limit = image.width * image.height, MAX_PIXELS[kind.code]
    if pixels > limit:  # refused from the header: no pixel is decoded
        raise TooManyPixels(
            N_(
                "The photo has %(found)s million pixels; at most %(max)s million are accepted. "
                "Send a smaller photo."
            ),
            found=formats.number(pixels / 1e6, digits=1),  # shown: the reader's decimal mark
            max=limit // 1_000_000,
        )
    return image


def _decoded(image: Image.Image) -> Image.Image:
    try:
        image.load()
    except (OSError, Image.DecompressionBombError, ValueError, SyntaxError) as error:
        raise Refused(
            N_("The photo cannot be read; take it again or send another file.")
        ) from error
    return image


def _thumbnail(image: Image.Image, decoded: bool = False) -> bytes:
    """A small JPEG, upright, of an image not decoded yet (`thumbnail` decodes a JPEG at an
    eighth of its size at most, draft mode) or decoded (shrunk by a whole factor first, a new
    image: the large one is never copied). Decoding every pixel here also proves the file is
    whole."""
    try:
        if decoded:
            image = image.reduce(max(1, max(image.size) // (2 * THUMB)))
        image.thumbnail((THUMB, THUMB), reducing_gap=2.0)
    except (OSError, Image.DecompressionBombError, ValueError, SyntaxError) as error:
        raise Refused(
            N_("The photo cannot be read; take it again or send another file.")
        ) from error
    small = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    small.convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


def _first_page(data: bytes) -> bytes | None:
    """A thumbnail of a PDF's first page, made in a child process with time and memory limits
    (`pdf_thumbnail`); None when the PDF takes more than those (it is kept all the same)."""
    from kinerja.performance.log import pdf_thumbnail

    try:
        return pdf_thumbnail.first_page(data, THUMB)
    except pdf_thumbnail.Unreadable as error:
        raise Refused(N_("The PDF cannot be read; send another file.")) from error


def _without_location(image: Image.Image) -> bytes | None:
    """The photo's Exif block without its GPS part (TIFF bytes with their "Exif" header), or
    None when nothing is left to keep."""
    exif = image.getexif()
    if GPS_IFD in exif:
        del exif[GPS_IFD]
    if not len(exif):
        return None
    found = exif.tobytes()
    if len(found) > 60_000:  # more than a JPEG segment holds: keep what shows the photo upright
        upright = Image.Exif()
        if ORIENTATION in exif:
            upright[ORIENTATION] = exif[ORIENTATION]
        found = upright.tobytes() if len(upright) else b""
    return found or None


def keep(kind: Kind, data: bytes, keep_location: bool) -> Kept:
    """What to store for a file of `kind`: PDFs as they are; photos without location (unless
    kept) and with a thumbnail; HEIC as JPEG. JPEG and PNG keep their compressed pixels byte for
    byte (`metadata`): only their metadata blocks are rewritten, so no full-size image is decoded
    or encoded again, the costly part of five large photos."""
    if kind.code == "pdf":
        return Kept("pdf", kind.content_type, data, _first_page(data))
    if kind.code == "heic":
        import pillow_heif

        pillow_heif.register_heif_opener()
    image = _open(data, kind)
    exif = None if keep_location else _without_location(image)
    if kind.code in ("jpeg", "png"):
        thumbnail = _thumbnail(image)  # decodes (a JPEG in draft): a broken file stops here
        if not keep_location:
            rewrite = metadata.jpeg if kind.code == "jpeg" else metadata.png
            try:
                data = rewrite(data, exif)
            except metadata.Malformed as error:
                raise Refused(
                    N_("The photo cannot be read; take it again or send another file.")
                ) from error
        return Kept(kind.code, kind.content_type, data, thumbnail)
    full = _decoded(image)  # HEIC (turned into JPEG) and WebP are encoded again
    if keep_location:
        exif = full.getexif().tobytes() if len(full.getexif()) else None
    thumbnail = _thumbnail(full, decoded=True)
    stored = "jpeg" if kind.code == "heic" else kind.code
    out = io.BytesIO()
    options: dict[str, object] = {"exif": exif} if exif else {}
    if stored == "jpeg":
        full.convert("RGB").save(out, "JPEG", quality=90, **options)
    else:
        full.save(out, "WEBP", quality=90, **options)
    return Kept(stored, BY_CODE[stored].content_type, out.getvalue(), thumbnail)


def safe_name(name: str) -> str:
    """A file name to show: no folders, no control characters, at most 120 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if c.isprintable() and c not in '<>:"|?*').strip()
    return cleaned[-120:] or "bukti"
