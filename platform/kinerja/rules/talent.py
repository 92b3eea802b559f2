"""Job Person Match and the nine-box talent grid (PermenPANRB 38/2017 and 3/2020; domain.md,
"Competencies and talent")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from kinerja.rules.performance import DI_ATAS, DI_BAWAH, RATINGS, SESUAI, check

TINGGI, MENENGAH, RENDAH = "TINGGI", "MENENGAH", "RENDAH"
POTENSIAL = (TINGGI, MENENGAH, RENDAH)

# (kinerja, potensial) -> box [S]
NINE_BOX: Mapping[tuple[str, str], int] = {
    (DI_ATAS, RENDAH): 4,
    (DI_ATAS, MENENGAH): 7,
    (DI_ATAS, TINGGI): 9,
    (SESUAI, RENDAH): 2,
    (SESUAI, MENENGAH): 5,
    (SESUAI, TINGGI): 8,
    (DI_BAWAH, RENDAH): 1,
    (DI_BAWAH, MENENGAH): 3,
    (DI_BAWAH, TINGGI): 6,
}

# scale -> (lowest percent, category), highest first; a lower bound is included [C]/[S]
JPM_SCALES: Mapping[str, Sequence[tuple[Decimal, str]]] = {
    "kemenpan": (
        (Decimal(90), "OPTIMAL"),
        (Decimal(78), "CUKUP_OPTIMAL"),
        (Decimal("-Infinity"), "KURANG_OPTIMAL"),
    ),
    "seleksi": (
        (Decimal(80), "MS"),
        (Decimal(68), "MMS"),
        (Decimal("-Infinity"), "KMS"),
    ),
}
CENT = Decimal("0.01")


def _level(code: str, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError(f"level of {code!r} must be a number: {value!r}")
    level = Decimal(str(value))
    if not level.is_finite() or level < 0:
        raise ValueError(f"level of {code!r} must be a number of at least 0: {value!r}")
    return level


def jpm(assessed: Mapping[str, object], required: Mapping[str, object]) -> Decimal:
    """Job Person Match in percent: Σ assessed / Σ required x 100 over the required
    competencies (a required one not assessed counts 0; others are ignored), two decimals half
    up."""
    total_required = sum((_level(c, v) for c, v in required.items()), Decimal(0))
    if total_required == 0:
        raise ValueError("no required competency level to match against")
    total = sum((_level(c, assessed[c]) for c in required if c in assessed), Decimal(0))
    return (total * 100 / total_required).quantize(CENT, rounding=ROUND_HALF_UP)


def jpm_category(
    percent: object,
    scale: str = "kemenpan",
    scales: Mapping[str, Sequence[tuple[Decimal, str]]] | None = None,
) -> str:
    """The category of a JPM percentage on `scale` ("kemenpan": OPTIMAL ≥ 90, CUKUP_OPTIMAL
    ≥ 78, KURANG_OPTIMAL; "seleksi": MS ≥ 80, MMS ≥ 68, KMS)."""
    table = JPM_SCALES if scales is None else scales
    check(scale, table, "JPM scale")
    value = _level("percent", percent)
    for lowest, category in table[scale]:
        if value >= lowest:
            return category
    raise ValueError(f"percent {percent!r} is below every category of {scale!r}")


def nine_box(
    kinerja: str, potensial: str, table: Mapping[tuple[str, str], int] | None = None
) -> int:
    """The nine-box number of a kinerja rating and a potensial level."""
    boxes = NINE_BOX if table is None else table
    check(kinerja, RATINGS, "kinerja")
    check(potensial, POTENSIAL, "potensial")
    return boxes[(kinerja, potensial)]
