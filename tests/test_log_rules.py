"""Pure rules of daily entries: the status table, the deadline around midnight in Medan
(Asia/Jakarta), days off, and evidence kinds decided from the content."""

from __future__ import annotations

import io
import itertools
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from kinerja.performance.log import evidence, rules
from kinerja.performance.log.rules import Policy

WIB = ZoneInfo("Asia/Jakarta")  # the default KINERJA_TIMEZONE, which these cases assume

EXPECTED = {
    ("draft", "submit"): ("submitted", "owner"),
    ("rejected", "submit"): ("submitted", "owner"),
    ("submitted", "withdraw"): ("draft", "owner"),
    ("submitted", "approve"): ("approved", "verifier"),
    ("submitted", "reject"): ("rejected", "verifier"),
}


@pytest.mark.parametrize(("state", "action"), list(itertools.product(rules.STATES, rules.ACTIONS)))
def test_every_state_and_action(state: str, action: str) -> None:
    for roles in (frozenset({"owner"}), frozenset({"verifier"}), frozenset()):
        outcome = rules.decide(state, action, roles, "alasan")
        if not outcome.allowed:
            if (state, action) not in EXPECTED:
                assert outcome.refusal == "state"
            else:
                assert outcome.refusal == "who" and EXPECTED[(state, action)][1] not in roles
            continue
        assert (outcome.to, next(iter(roles))) == EXPECTED[(state, action)]


def test_available_actions_follow_the_table() -> None:
    assert rules.available("submitted", frozenset({"verifier"})) == ["approve", "reject"]
    assert rules.available("submitted", frozenset({"owner"})) == ["withdraw"]
    assert rules.available("approved", frozenset({"owner", "verifier"})) == []


def test_a_rejection_needs_a_reason() -> None:
    outcome = rules.decide("submitted", "reject", frozenset({"verifier"}), "  ")
    assert outcome.refusal == "reason"


NO_HOLIDAYS: frozenset[date] = frozenset()


def wib(*args: int) -> datetime:
    return datetime(*args, tzinfo=WIB)


@pytest.mark.parametrize(
    ("now", "allowed", "late"),
    [
        (wib(2026, 11, 2, 23, 59, 59), True, False),  # Monday 2 Nov, D+3 = Thursday 5 Nov
        (wib(2026, 11, 5, 23, 59, 59), True, False),  # the last second of D+3 in Medan
        (wib(2026, 11, 6, 0, 0, 0), False, True),  # midnight WIB: closed
        (datetime(2026, 11, 5, 16, 59, 59, tzinfo=UTC), True, False),  # 23:59:59 WIB
        (datetime(2026, 11, 5, 17, 0, 0, tzinfo=UTC), False, True),  # 00:00 WIB on the 6th
    ],
)
def test_the_deadline_is_the_end_of_d_plus_3_in_medan(now, allowed, late) -> None:
    timing = rules.timing(date(2026, 11, 2), now, Policy(), NO_HOLIDAYS)
    assert (timing.allowed, timing.late) == (allowed, late)
    assert timing.closes == wib(2026, 11, 6)


def test_late_entries_are_flagged_where_the_agency_allows_them() -> None:
    timing = rules.timing(date(2026, 11, 2), wib(2026, 11, 20), Policy(late_allowed=True))
    assert timing.allowed and timing.late


def test_a_day_still_to_come_is_refused_by_the_clock_in_medan() -> None:
    # 23:30 UTC on the 1st is already the 2nd in Medan: an entry for the 2nd is fine, the 3rd not.
    now = datetime(2026, 11, 1, 23, 30, tzinfo=UTC)
    assert rules.timing(date(2026, 11, 2), now, Policy()).allowed
    assert not rules.timing(date(2026, 11, 3), now, Policy()).allowed


def test_days_off_do_not_count_where_the_agency_says_so() -> None:
    friday = date(2026, 11, 6)
    counted = Policy(days_off_count=True)
    working = Policy(days_off_count=False)
    assert rules.last_day(friday, counted, NO_HOLIDAYS) == date(2026, 11, 9)
    assert rules.last_day(friday, working, NO_HOLIDAYS) == date(2026, 11, 11)  # Mon, Tue, Wed
    holiday = frozenset({date(2026, 11, 10)})
    assert rules.last_day(friday, working, holiday) == date(2026, 11, 12)
    assert date(2026, 8, 17) in rules.holidays()  # the national holidays are data


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "PNG")
    return out.getvalue()


def _jpeg_with_location() -> bytes:
    image = Image.new("RGB", (800, 600), "blue")
    exif = image.getexif()
    exif[0x010F] = "HP Murah"  # the camera's make stays
    gps = exif.get_ifd(evidence.GPS_IFD)
    gps[2] = (3.0, 35.0, 0.0)  # latitude: Medan
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "refused"),
    [
        ("foto.png", _png(), False),
        ("tanpa-nama", _png(), False),  # no extension: the content decides
        ("foto.pdf", _png(), True),  # a PNG renamed .pdf
        ("foto.jpg", b"MZ\x90\x00" + b"\x00" * 60, True),  # a Windows program renamed .jpg
        ("laporan.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n", False),
        ("skrip.sh", b"#!/bin/sh\nrm -rf /\n", True),
        ("foto.gif", b"GIF89a" + b"\x00" * 20, True),
        ("foto.exe", _png(), True),  # an image named as a program is not sent on
    ],
)
def test_the_kind_comes_from_the_content_and_the_name_may_not_lie(name, data, refused) -> None:
    if refused:
        with pytest.raises(evidence.Refused):
            evidence.identify(name, data)
    else:
        assert evidence.identify(name, data).code in ("png", "pdf")


def test_photos_lose_their_location_unless_the_agency_keeps_it() -> None:
    data = _jpeg_with_location()
    kind = evidence.identify("a.jpg", data)
    stripped = evidence.keep(kind, data, keep_location=False)
    kept = evidence.keep(kind, data, keep_location=True)
    gps = evidence.GPS_IFD
    assert gps not in Image.open(io.BytesIO(stripped.data)).getexif()
    assert Image.open(io.BytesIO(stripped.data)).getexif()[0x010F] == "HP Murah"
    assert gps in Image.open(io.BytesIO(kept.data)).getexif()
    thumb = Image.open(io.BytesIO(stripped.thumbnail or b""))
    assert max(thumb.size) == evidence.THUMB and thumb.format == "JPEG"


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_broken_photo_and_a_pixel_bomb_are_refused() -> None:
    kind = evidence.KINDS[1]  # png
    with pytest.raises(evidence.Refused):
        evidence.keep(kind, _png()[:40], keep_location=False)
    bomb = io.BytesIO()
    Image.new("1", (9000, 9000)).save(bomb, "PNG")  # 81 million pixels, a few kB
    with pytest.raises(evidence.Refused):
        evidence.keep(kind, bomb.getvalue(), keep_location=False)


def test_heic_from_phones_is_kept_as_jpeg() -> None:
    import pillow_heif

    out = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (64, 48), "green")).save(out, quality=50)
    data = out.getvalue()
    kind = evidence.identify("IMG_0001.HEIC", data)
    assert kind.code == "heic"
    kept = evidence.keep(kind, data, keep_location=False)
    assert kept.kind == "jpeg" and Image.open(io.BytesIO(kept.data)).size == (64, 48)


def test_names_shown_are_cleaned() -> None:
    assert evidence.safe_name("../../etc/passwd") == "passwd"
    assert evidence.safe_name("C:\\foto\\a<b>.jpg") == "ab.jpg"
    assert evidence.safe_name("") == "bukti"
    assert len(evidence.safe_name("x" * 500 + ".jpg")) == 120
