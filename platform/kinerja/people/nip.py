"""NIP (Nomor Induk Pegawai, 18 digits) and NI PPPK validation: one pure function, rules as data.

PNS NIP:  YYYYMMDD birth date · YYYYMM TMT CPNS · G gender (1 male, 2 female) · NNN serial.
NI PPPK:  YYYYMMDD birth date · YYYY TMT year · `2` · one digit 1-9 · G gender · NNN serial.

The two cannot be confused: in a PNS NIP the 13th digit starts the TMT month (0 or 1), in an
NI PPPK it is always `2`. Every failure names its rule, so the person fixing a spreadsheet knows
which part of the number is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kinerja.i18n import N_

PNS = "PNS"
PPPK = "PPPK"

# rule code -> what it means (English msgids; shown translated through gettext)
RULES: dict[str, str] = {
    "length": N_("NIP must be exactly 18 digits"),
    "digits": N_("NIP must contain digits only"),
    "birth_date": N_("NIP digits 1-8 must be a real birth date (YYYYMMDD)"),
    "tmt_date": N_("NIP digits 9-14 must be a real TMT CPNS month (YYYYMM)"),
    "tmt_year": N_("NIP digits 9-12 must be a real TMT year (YYYY)"),
    "pppk_kind": N_("Digit 14 of an NI PPPK must be 1-9"),
    "gender": N_("NIP digit 15 must be 1 (laki-laki) or 2 (perempuan)"),
    "tmt_before_birth": N_("The TMT in the NIP cannot be before the birth date"),
}

_EARLIEST_YEAR = 1900


class NipError(ValueError):
    def __init__(self, rule: str) -> None:
        super().__init__(RULES[rule])
        self.rule = rule


@dataclass(frozen=True)
class Nip:
    value: str
    kind: str  # PNS or PPPK
    birth_date: date
    tmt_year: int
    tmt_month: int | None  # None for PPPK (only the year is encoded)
    gender: int  # 1 laki-laki, 2 perempuan
    serial: int


def _real_date(year: int, month: int, day: int) -> date | None:
    if year < _EARLIEST_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse(raw: str) -> Nip:
    """Validate and decompose a NIP or NI PPPK; raise `NipError` naming the failed rule."""
    value = raw.strip().replace(" ", "")
    if not (value.isascii() and value.isdigit()):
        raise NipError("digits" if value else "length")
    if len(value) != 18:
        raise NipError("length")
    birth = _real_date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    if birth is None:
        raise NipError("birth_date")
    tmt_year = int(value[8:12])
    gender = int(value[14])
    if value[12] == "2":
        kind, tmt_month = PPPK, None
        if tmt_year < _EARLIEST_YEAR:
            raise NipError("tmt_year")
        if value[13] == "0":
            raise NipError("pppk_kind")
        if tmt_year < birth.year:
            raise NipError("tmt_before_birth")
    else:
        kind, tmt_month = PNS, int(value[12:14])
        tmt_start = _real_date(tmt_year, tmt_month, 1)
        if tmt_start is None:
            raise NipError("tmt_date")
        if tmt_start <= birth:
            raise NipError("tmt_before_birth")
    if gender not in (1, 2):
        raise NipError("gender")
    return Nip(value, kind, birth, tmt_year, tmt_month, gender, int(value[15:18]))


def check(raw: str) -> str | None:
    """The failed rule's code, or None when `raw` is a valid NIP or NI PPPK."""
    try:
        parse(raw)
    except NipError as error:
        return error.rule
    return None


def describe(rule: str) -> str:
    """The failed rule in the reader's language: a sentence saying what is wrong (the rule's
    code stays in the import report's `params` for whoever fixes the data by program)."""
    from flask_babel import gettext

    return gettext(RULES[rule])
