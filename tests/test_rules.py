"""`kinerja.rules` table-driven from domain.md, and docs/rules.md checked against the code."""

from __future__ import annotations

import inspect
import re
from decimal import Decimal
from pathlib import Path

import pytest

import kinerja.rules as rules
from kinerja.rules import (
    angka_kredit,
    curve_violations,
    jpm,
    jpm_category,
    nine_box,
    predikat,
)

DOC = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text()

# domain.md, "Performance management": the matrix, row by row (hasil: bawah, sesuai, atas)
MATRIX = {
    "DI_ATAS": ("KURANG", "BAIK", "SANGAT_BAIK"),
    "SESUAI": ("KURANG", "BAIK", "BAIK"),
    "DI_BAWAH": ("SANGAT_KURANG", "BUTUH_PERBAIKAN", "BUTUH_PERBAIKAN"),
}


@pytest.mark.parametrize("hasil", list(MATRIX))
@pytest.mark.parametrize("column", [0, 1, 2])
def test_predikat_follows_the_matrix(hasil: str, column: int) -> None:
    perilaku = ("DI_BAWAH", "SESUAI", "DI_ATAS")[column]
    assert predikat(hasil, perilaku) == MATRIX[hasil][column]


@pytest.mark.parametrize(
    "call",
    [
        lambda: predikat("BAGUS", "SESUAI"),
        lambda: predikat("SESUAI", "sesuai"),
        lambda: angka_kredit("ISTIMEWA", 12.5),
        lambda: curve_violations("LUAR_BIASA", {}),
        lambda: curve_violations("BAIK", {"HEBAT": 1}),
        lambda: jpm_category(90, scale="bkn"),
        lambda: nine_box("SESUAI", "SEDANG"),
        lambda: nine_box("TINGGI", "TINGGI"),
    ],
)
def test_an_unknown_code_raises_value_error_naming_it(call) -> None:
    with pytest.raises(ValueError, match=r"'[A-Za-z_]+'"):
        call()


@pytest.mark.parametrize(
    ("code", "coefficient", "expected"),
    [
        ("SANGAT_BAIK", 12.5, "18.75"),  # domain.md's example: Ahli Pertama
        ("BAIK", 12.5, "12.50"),
        ("BUTUH_PERBAIKAN", 12.5, "9.38"),  # 9.375 half up
        ("KURANG", "25", "12.50"),
        ("SANGAT_KURANG", Decimal("37.5"), "9.38"),  # 9.375 half up
        ("BUTUH_PERBAIKAN", 0, "0.00"),
    ],
)
def test_angka_kredit(code, coefficient, expected) -> None:
    assert angka_kredit(code, coefficient) == Decimal(expected)
    assert angka_kredit(predikat=code, coefficient=coefficient) == Decimal(expected)


@pytest.mark.parametrize("bad", [-1, "dua belas", float("nan"), None])
def test_angka_kredit_refuses_what_is_not_a_coefficient(bad) -> None:
    with pytest.raises(ValueError):
        angka_kredit("BAIK", bad)


def counts(**n: int) -> dict[str, int]:
    return {code.upper(): value for code, value in n.items()}


@pytest.mark.parametrize(
    ("organisation", "distribution", "broken"),
    [
        ("ISTIMEWA", counts(sangat_baik=6, baik=3, butuh_perbaikan=1), 0),
        ("ISTIMEWA", counts(sangat_baik=8, baik=2), 1),  # 80% > 70%
        ("ISTIMEWA", counts(sangat_baik=3, baik=5, kurang=2), 1),  # not the largest
        ("ISTIMEWA", counts(sangat_baik=4, baik=4, kurang=2), 1),  # a tie is not the largest
        ("BAIK", counts(baik=6, sangat_baik=2, butuh_perbaikan=2), 0),
        ("BAIK", counts(baik=6, sangat_baik=2, kurang=1, sangat_kurang=1), 0),
        ("BAIK", counts(baik=6, sangat_baik=4), 1),  # no Butuh Perbaikan nor Kurang
        ("BAIK", counts(baik=8, butuh_perbaikan=1, sangat_baik=1), 1),  # 80% > 70%
        ("BAIK", counts(baik=9, sangat_baik=1), 2),  # both
        ("BUTUH_PERBAIKAN", counts(butuh_perbaikan=6, baik=3, sangat_baik=1), 0),
        ("BUTUH_PERBAIKAN", counts(butuh_perbaikan=5, baik=3, sangat_baik=2), 2),
        ("KURANG", counts(kurang=6, butuh_perbaikan=2, baik=1, sangat_baik=1), 0),
        ("KURANG", counts(kurang=6, baik=3, sangat_baik=1), 1),  # no 10% Butuh Perbaikan
        ("SANGAT_KURANG", counts(sangat_kurang=6, kurang=1, butuh_perbaikan=1, baik=2), 0),
        ("SANGAT_KURANG", counts(sangat_kurang=6, baik=3, sangat_baik=1), 2),
        ("SANGAT_KURANG", counts(sangat_kurang=5, kurang=5), 1),  # 50% < 60%
        ("BAIK", {}, 0),  # nobody to count
    ],
)
def test_curve_violations(organisation, distribution, broken) -> None:
    found = curve_violations(organisation, distribution)
    assert len(found) == broken, found
    assert all(isinstance(message, str) and message for message in found)


def test_curve_messages_say_what_breaks() -> None:
    [message] = curve_violations("ISTIMEWA", counts(sangat_baik=8, baik=2))
    assert "Sangat Baik" in message and "80.0%" in message and "70" in message


@pytest.mark.parametrize(
    ("assessed", "required", "expected"),
    [
        ({"M1": 3, "M2": 3}, {"M1": 3, "M2": 3}, "100.00"),
        ({"M1": 2, "M2": 3}, {"M1": 3, "M2": 3}, "83.33"),
        ({"M1": 3}, {"M1": 3, "M2": 3}, "50.00"),  # required, not assessed: 0
        ({"M1": 3, "X9": 5}, {"M1": 3}, "100.00"),  # not required: ignored
        ({"M1": 4, "M2": 4}, {"M1": 3, "M2": 3}, "133.33"),
        ({"M1": 1, "M2": 1, "M3": 1}, {"M1": 3, "M2": 3, "M3": 3}, "33.33"),
        ({"M1": 2}, {"M1": 3}, "66.67"),  # 66.666… half up
    ],
)
def test_jpm(assessed, required, expected) -> None:
    assert jpm(assessed, required) == Decimal(expected)


def test_jpm_needs_required_levels() -> None:
    with pytest.raises(ValueError):
        jpm({"M1": 3}, {})
    with pytest.raises(ValueError):
        jpm({"M1": "tiga"}, {"M1": 3})


@pytest.mark.parametrize(
    ("percent", "scale", "expected"),
    [
        (90, "kemenpan", "OPTIMAL"),
        (Decimal("89.99"), "kemenpan", "CUKUP_OPTIMAL"),
        (78, "kemenpan", "CUKUP_OPTIMAL"),
        (Decimal("77.99"), "kemenpan", "KURANG_OPTIMAL"),
        (0, "kemenpan", "KURANG_OPTIMAL"),
        (120, "kemenpan", "OPTIMAL"),
        (80, "seleksi", "MS"),
        (Decimal("79.99"), "seleksi", "MMS"),
        (68, "seleksi", "MMS"),
        (Decimal("67.99"), "seleksi", "KMS"),
    ],
)
def test_jpm_category_includes_lower_bounds(percent, scale, expected) -> None:
    assert jpm_category(percent, scale) == expected


BOXES = {"DI_ATAS": (4, 7, 9), "SESUAI": (2, 5, 8), "DI_BAWAH": (1, 3, 6)}


@pytest.mark.parametrize("kinerja", list(BOXES))
@pytest.mark.parametrize("column", [0, 1, 2])
def test_nine_box(kinerja: str, column: int) -> None:
    assert nine_box(kinerja, ("RENDAH", "MENENGAH", "TINGGI")[column]) == BOXES[kinerja][column]


def test_tables_can_be_overridden() -> None:
    strict = {**rules.PREDIKAT_MATRIX, ("SESUAI", "DI_ATAS"): "SANGAT_BAIK"}
    assert predikat("SESUAI", "DI_ATAS", strict) == "SANGAT_BAIK"
    assert predikat("SESUAI", "DI_ATAS") == "BAIK"
    assert angka_kredit("BAIK", 10, {**rules.ANGKA_KREDIT_PERCENT, "BAIK": Decimal(110)}) == 11


# --- docs/rules.md against the code ------------------------------------------------------------
def _table(after: str) -> list[list[str]]:
    """The rows of the first Markdown table after the heading that contains `after`."""
    text = DOC[DOC.index(after) :]
    rows = []
    for line in text.splitlines()[1:]:
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
        elif rows:
            break
    return rows[2:]  # without the header and the separator


@pytest.mark.parametrize(
    "name",
    ["predikat", "curve_violations", "angka_kredit", "jpm", "jpm_category", "nine_box", "suppress"],
)
def test_every_function_is_documented_with_its_signature(name: str) -> None:
    signature = f"{name}{inspect.signature(getattr(rules, name))}".replace("'", "")
    assert re.search(rf"^### `{re.escape(signature)}`$", DOC, re.M), signature


def test_the_documented_tables_are_the_code() -> None:
    for hasil, *cells in _table("### `predikat("):
        for perilaku, expected in zip(("DI_BAWAH", "SESUAI", "DI_ATAS"), cells, strict=True):
            assert rules.PREDIKAT_MATRIX[(hasil, perilaku)] == expected
    assert {c: Decimal(p) for c, p in _table("### `angka_kredit(")} == dict(
        rules.ANGKA_KREDIT_PERCENT
    )
    for kinerja, *cells in _table("### `nine_box("):
        for potensial, box in zip(("RENDAH", "MENENGAH", "TINGGI"), cells, strict=True):
            assert rules.NINE_BOX[(kinerja, potensial)] == int(box)
    documented = {}
    for scale, category, lowest in _table("### `jpm_category("):
        documented.setdefault(scale, []).append((lowest, category))
    for scale, bands in rules.JPM_SCALES.items():
        assert [c for _, c in bands] == [c for _, c in documented[scale]]
        assert [str(low) for low, _ in bands][:-1] == [low for low, _ in documented[scale]][:-1]
    conditions = {}
    for organisation, text in _table("### `curve_violations("):
        conditions.setdefault(organisation, []).append(text)
    for organisation, listed in rules.CURVES.items():
        assert [_describe(c) for c in listed] == conditions[organisation]


def _describe(condition) -> str:
    group = " + ".join(condition.group)
    if condition.kind == "largest":
        return f"{group} is the largest group"
    if condition.kind == "present":
        return f"{group} present"
    word = "at most" if condition.kind == "at_most" else "at least"
    return f"{group} {word} {condition.percent}%"
