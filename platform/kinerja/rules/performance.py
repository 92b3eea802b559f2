"""Predikat Kinerja and angka kredit (PermenPANRB 6/2022; domain.md, "Performance management")."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DI_ATAS, SESUAI, DI_BAWAH = "DI_ATAS", "SESUAI", "DI_BAWAH"
RATINGS = (DI_ATAS, SESUAI, DI_BAWAH)

SANGAT_BAIK, BAIK, BUTUH_PERBAIKAN = "SANGAT_BAIK", "BAIK", "BUTUH_PERBAIKAN"
KURANG, SANGAT_KURANG = "KURANG", "SANGAT_KURANG"  # KURANG is "Kurang/Misconduct"
PREDIKAT = (SANGAT_BAIK, BAIK, BUTUH_PERBAIKAN, KURANG, SANGAT_KURANG)

# (Rating Hasil Kerja, Rating Perilaku Kerja) -> Predikat Kinerja [C]
PREDIKAT_MATRIX: Mapping[tuple[str, str], str] = {
    (DI_ATAS, DI_BAWAH): KURANG,
    (DI_ATAS, SESUAI): BAIK,
    (DI_ATAS, DI_ATAS): SANGAT_BAIK,
    (SESUAI, DI_BAWAH): KURANG,
    (SESUAI, SESUAI): BAIK,
    (SESUAI, DI_ATAS): BAIK,
    (DI_BAWAH, DI_BAWAH): SANGAT_KURANG,
    (DI_BAWAH, SESUAI): BUTUH_PERBAIKAN,
    (DI_BAWAH, DI_ATAS): BUTUH_PERBAIKAN,
}

# Predikat -> percentage of the position's annual coefficient [S]
ANGKA_KREDIT_PERCENT: Mapping[str, Decimal] = {
    SANGAT_BAIK: Decimal(150),
    BAIK: Decimal(100),
    BUTUH_PERBAIKAN: Decimal(75),
    KURANG: Decimal(50),
    SANGAT_KURANG: Decimal(25),
}
CENT = Decimal("0.01")


def check(code: object, allowed: tuple[str, ...] | Mapping[str, object], what: str) -> str:
    """`code` if it is one of `allowed`, else `ValueError` naming it and what was expected."""
    if not isinstance(code, str) or code not in allowed:
        raise ValueError(f"unknown {what} {code!r}; expected one of {', '.join(allowed)}")
    return code


def predikat(hasil: str, perilaku: str, matrix: Mapping[tuple[str, str], str] | None = None) -> str:
    """The Predikat Kinerja of a Rating Hasil Kerja and a Rating Perilaku Kerja."""
    table = PREDIKAT_MATRIX if matrix is None else matrix
    check(hasil, RATINGS, "Rating Hasil Kerja")
    check(perilaku, RATINGS, "Rating Perilaku Kerja")
    return table[(hasil, perilaku)]


def angka_kredit(
    predikat: str,  # the public name of the parameter, as documented
    coefficient: object,
    percent: Mapping[str, Decimal] | None = None,
) -> Decimal:
    """Credit points: the predikat's percentage of the annual `coefficient`, two decimals, half
    up (Ahli Pertama, 12.5, Sangat Baik: 18.75)."""
    table = ANGKA_KREDIT_PERCENT if percent is None else percent
    check(predikat, table, "predikat")
    try:
        value = Decimal(str(coefficient))
    except InvalidOperation:
        raise ValueError(f"coefficient {coefficient!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"coefficient {coefficient!r} must be a number of at least 0")
    return (Decimal(table[predikat]) * value / 100).quantize(CENT, rounding=ROUND_HALF_UP)
