"""A photo's metadata rewritten without touching its pixels: the compressed image data of a
JPEG or PNG is copied byte for byte, and every metadata block that can carry a location is
dropped (XMP, IPTC, comments, text chunks) or replaced by the Exif given (the caller removed its
GPS part). Decoding and encoding a 50-megapixel photo again only to drop its location cost
seconds; this costs a copy. Pure: bytes in, bytes out."""

from __future__ import annotations

import zlib

JPEG_DROPPED = frozenset({0xE1, 0xED, 0xFE})  # APP1 (Exif, XMP), APP13 (IPTC), COM
JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})  # TEM, RST0-7: no length follows
SOS, EOI, APP0 = 0xDA, 0xD9, 0xE0
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The PNG chunks kept: the image, its colours, its size on paper, its animation. Anything
# else (tEXt, zTXt, iTXt with XMP, tIME, private chunks) may carry who and where: dropped.
PNG_KEPT = frozenset(
    {
        b"IHDR",
        b"PLTE",
        b"IDAT",
        b"IEND",
        b"tRNS",
        b"gAMA",
        b"cHRM",
        b"sRGB",
        b"iCCP",
        b"cICP",
        b"sBIT",
        b"pHYs",
        b"bKGD",
        b"acTL",
        b"fcTL",
        b"fdAT",
    }
)
EXIF_HEADER = b"Exif\x00\x00"


class Malformed(ValueError):
    """The file's structure is broken where it was read."""


def jpeg(data: bytes, exif: bytes | None) -> bytes:
    """The JPEG with `exif` (bytes starting with "Exif\\0\\0", or None) as its only APP1 and
    without IPTC and comments; everything from the first scan on is copied as it is."""
    if data[:2] != b"\xff\xd8":
        raise Malformed("no SOI")
    kept: list[bytes] = []
    position = 2
    while True:
        if position + 2 > len(data) or data[position] != 0xFF:
            raise Malformed("a marker was expected")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        if marker in (SOS, EOI):
            break
        if marker in JPEG_STANDALONE:
            kept.append(data[position : position + 2])
            position += 2
            continue
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        end = position + 2 + length
        if length < 2 or end > len(data):
            raise Malformed("a segment runs past the end")
        if marker not in JPEG_DROPPED:
            kept.append(data[position:end])
        position = end
    app1 = b""
    if exif:
        if len(exif) + 2 > 0xFFFF:
            raise Malformed("Exif too long for one segment")
        app1 = b"\xff\xe1" + (len(exif) + 2).to_bytes(2, "big") + exif
    # Exif goes first, after a JFIF APP0 when there is one (both standards want the first place)
    lead = [kept.pop(0)] if kept and kept[0][1] == APP0 else []
    return b"".join([b"\xff\xd8", *lead, app1, *kept, data[position:]])


def png(data: bytes, exif: bytes | None) -> bytes:
    """The PNG with only the chunks of `PNG_KEPT`, `exif` (with or without its "Exif\\0\\0"
    header, or None) as its eXIf chunk before the image data, nothing after IEND."""
    if data[:8] != PNG_SIGNATURE:
        raise Malformed("no PNG signature")
    out = [PNG_SIGNATURE]
    position, written_exif = 8, not exif
    payload = (exif or b"").removeprefix(EXIF_HEADER)
    while True:
        if position + 12 > len(data):
            raise Malformed("a chunk runs past the end")
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(data):
            raise Malformed("a chunk runs past the end")
        if kind in (b"IDAT", b"IEND") and not written_exif:
            out.append(_chunk(b"eXIf", payload))
            written_exif = True
        if kind in PNG_KEPT:
            out.append(data[position:end])
        position = end
        if kind == b"IEND":
            return b"".join(out)


def _chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload)
    return len(payload).to_bytes(4, "big") + kind + payload + crc.to_bytes(4, "big")
