"""Tambahan Penghasilan Pegawai (TPP): the month's allowance from productivity and discipline.

Frame: Kepmendagri 061-5449/2019 and 900-4700/2020; the amounts and tables are Medan's Perwal on
TPP, so every table here is a default [U] the city replaces with its own (each function takes
the table as an argument). Percentages are percent points (100 = the whole component).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from kinerja.rules.performance import (
    BAIK,
    BUTUH_PERBAIKAN,
    KURANG,
    SANGAT_BAIK,
    SANGAT_KURANG,
    check,
)

# Attendance event -> percent points deducted per occurrence (per day for tanpa_keterangan) [U].
# The four tiers of lateness and of leaving early: 1-30, 31-60, 61-90, over 90 minutes (or no
# check-in / check-out at all).
_TIERS = (Decimal("0.5"), Decimal(1), Decimal("1.25"), Decimal("1.5"))
DISIPLIN_DEDUCTIONS: Mapping[str, Decimal] = {
    "tanpa_keterangan": Decimal(3),
    **{f"terlambat_{n}": d for n, d in enumerate(_TIERS, start=1)},
    **{f"pulang_cepat_{n}": d for n, d in enumerate(_TIERS, start=1)},
}

# Predikat -> percent of the productivity component [U]
KINERJA_PERCENT: Mapping[str, Decimal] = {
    SANGAT_BAIK: Decimal(100),
    BAIK: Decimal(100),
    BUTUH_PERBAIKAN: Decimal(75),
    KURANG: Decimal(50),
    SANGAT_KURANG: Decimal(25),
}

# (kinerja, disiplin) weights in percent [U]
TPP_WEIGHTS = (60, 40)
REQUIRED_COMPLIANCE = Decimal("0.8")
HUNDRED = Decimal(100)


def _decimal(value: object, what: str) -> Decimal:
    """`value` as a finite Decimal (floats through their shortest text), else `ValueError`."""
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number, not {value!r}")
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)  # type: ignore[arg-type]
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"{what} must be a number, not {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"{what} must be a finite number, not {value!r}")
    return number


def disiplin_percent(
    events: dict[str, int], deductions: Mapping[str, Decimal] | None = None
) -> Decimal:
    """100 minus the deductions of the month's attendance events (code -> how many), never
    below 0. An unknown code, or a count that is not a whole number of at least 0, raises
    `ValueError` naming it."""
    table = DISIPLIN_DEDUCTIONS if deductions is None else deductions
    deducted = Decimal(0)
    for code, count in events.items():
        check(code, table, "attendance event")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"count of {code!r} must be a whole number of at least 0: {count!r}")
        deducted += table[code] * count
    return max(Decimal(0), HUNDRED - deducted)


def kinerja_percent(
    predikat: str,
    compliance: Decimal,
    required: Decimal = REQUIRED_COMPLIANCE,
    percents: Mapping[str, Decimal] | None = None,
) -> Decimal:
    """The predikat's percentage times `min(1, compliance / required)`: `compliance` is the
    share (0..1) of the month's working days with at least one sent, not rejected daily entry;
    `required` the share that earns the whole component."""
    table = KINERJA_PERCENT if percents is None else percents
    check(predikat, table, "predikat")
    share = _decimal(compliance, "compliance")
    needed = _decimal(required, "required")
    if not Decimal(0) <= share <= 1:
        raise ValueError(f"compliance must be between 0 and 1, not {compliance!r}")
    if not Decimal(0) < needed <= 1:
        raise ValueError(f"required must be above 0 and at most 1, not {required!r}")
    return table[predikat] * min(Decimal(1), share / needed)


def tpp(
    base: int, kinerja: Decimal, disiplin: Decimal, weights: tuple[int, int] = TPP_WEIGHTS
) -> int:
    """`base * (weights[0] * kinerja + weights[1] * disiplin) / 10000`, rounded half up to a
    whole rupiah; the weights must add up to 100."""
    if isinstance(base, bool) or not isinstance(base, int) or base < 0:
        raise ValueError(f"base must be a whole number of rupiah of at least 0, not {base!r}")
    if (
        len(weights) != 2
        or any(isinstance(w, bool) or not isinstance(w, int) or w < 0 for w in weights)
        or sum(weights) != 100
    ):
        raise ValueError(f"weights must be two whole numbers adding up to 100, not {weights!r}")
    parts = []
    for value, what in ((kinerja, "kinerja"), (disiplin, "disiplin")):
        number = _decimal(value, what)
        if not Decimal(0) <= number <= HUNDRED:
            raise ValueError(f"{what} must be a percentage between 0 and 100, not {value!r}")
        parts.append(number)
    total = base * (weights[0] * parts[0] + weights[1] * parts[1]) / Decimal(10000)
    return int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def tpp_parts(base: int, weight_kinerja: int, kinerja: Decimal, total: int) -> tuple[int, int]:
    """(kinerja part, disiplin part) of a `tpp(...)` total in whole rupiah: the kinerja part
    `base * weight_kinerja * kinerja / 10000` rounded half up, the disiplin part the rest, so the
    two always add up to the total the employee is paid (the page and the finance file agree)."""
    exact = Decimal(base) * weight_kinerja * _decimal(kinerja, "kinerja") / Decimal(10000)
    part = min(int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)), total)
    return part, total - part
