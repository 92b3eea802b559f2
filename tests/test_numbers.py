"""Typed whole numbers are read by one rule (`kinerja.numbers.whole`): ASCII digits only, in
range, bounded, never a 500 however odd the text. `str.isdigit()` + `int()` at the call sites
turned "²" into a ValueError (a 500) and read "٣" (Arabic-Indic three) as 3."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kinerja import numbers
from kinerja.competency import scoring, standards
from kinerja.exceptions import Invalid
from kinerja.performance import years


@pytest.mark.parametrize(
    ("raw", "lowest", "largest", "expected"),
    [
        ("7", 0, 10, 7),
        (" 7 ", 0, 10, 7),
        ("007", 1, 10, 7),
        ("0", 0, 10, 0),
        ("0", 1, 10, None),
        ("11", 0, 10, None),
        (12, 0, 20, 12),
        ("9223372036854775807", 1, numbers.BIGINT_MAX, numbers.BIGINT_MAX),
        ("9223372036854775808", 1, numbers.BIGINT_MAX, None),
        ("0" * 50 + "5", 0, 10, 5),
        ("9" * 5000, 0, numbers.BIGINT_MAX, None),  # int() would raise past 4,300 digits
        ("²", 0, 10, None),
        ("1²", 0, 100, None),
        ("٣", 0, 10, None),
        ("३", 0, 10, None),
        ("\uff13", 0, 10, None),  # a full-width three
        ("-1", -5, 10, None),
        ("+1", 0, 10, None),
        ("1.0", 0, 10, None),
        ("1e3", 0, 10_000, None),
        ("", 0, 10, None),
        ("  ", 0, 10, None),
        (None, 0, 10, None),
        (True, 0, 10, None),
        ("1 2", 0, 100, None),
    ],
)
def test_a_whole_number_is_ascii_digits_in_range(raw, lowest, largest, expected) -> None:
    assert numbers.whole(raw, lowest, largest) == expected


@pytest.mark.parametrize("odd", ["²", "٣", "9" * 5000, "-1", "1.5", ""])
def test_the_talent_settings_refuse_odd_digits_naming_the_field(odd) -> None:
    with pytest.raises(Invalid) as refused:
        standards.minimum(odd)
    assert refused.value.field == "minimum"
    sources = {source: odd for source in scoring.RATER_SOURCES}
    with pytest.raises(Invalid) as refused:
        standards.weights(sources)
    assert refused.value.field == "weights"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12", date(2026, 12, 1)),
        ("2000-01", date(2000, 1, 1)),
        ("2100-12", date(2100, 12, 1)),
        ("1999-12", None),  # before the years we keep
        ("2101-01", None),
        ("2026-13", None),
        ("2026-00", None),
        ("2026-1", None),
        ("2026-1 ", None),
        (" 2026-01", None),
        ("2026/01", None),
        ("²026-01", None),
        ("2026-0²", None),
        ("٢٠٢٦-01", None),
        ("", None),
        (None, None),
        (202612, None),
    ],
)
def test_a_month_is_yyyy_mm_of_a_year_we_keep(text, expected) -> None:
    assert years.month_of(text) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1500", "1500"),
        ("2,5", "2.5"),  # Indonesian decimal comma
        ("2.5", "2.5"),  # a phone keyboard's point
        ("2,50", "2.50"),
        (",5", "0.5"),
        ("0,500", "0.500"),  # a leading zero is never a thousands group
        ("1234.567", "1234.567"),  # four digits before: not a group either
        ("1.234,5", "1234.5"),  # Indonesian grouping and decimal
        ("1,234.5", "1234.5"),  # English
        ("1.234.567", "1234567"),
        ("1,234,567", "1234567"),
        ("1.234.567,89", "1234567.89"),
        (" 7 ", "7"),
        ("-2,5", "-2.5"),  # the sign is kept for the caller's range check
        ("+3", "3"),
    ],
)
def test_a_typed_decimal_reads_as_people_write_it(typed, expected) -> None:
    assert numbers.typed_decimal(typed) == Decimal(expected)


@pytest.mark.parametrize("typed", ["1,500", "1.500", "100.000", "10,000", "999,999", "-1,500"])
def test_a_decimal_with_one_separator_before_three_digits_is_ambiguous(typed) -> None:
    with pytest.raises(numbers.Ambiguous):
        numbers.typed_decimal(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        " ",
        "abc",
        "1e3",
        "NaN",
        "Infinity",
        "1.234.5",
        "1,2,3",
        "1 500",
        "٣",
        "1..5",
        "5.",
        "--1",
    ],
)
def test_anything_else_is_not_a_typed_decimal(typed) -> None:
    with pytest.raises(ValueError) as refused:
        numbers.typed_decimal(typed)
    assert not isinstance(refused.value, numbers.Ambiguous)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-03", date(2026, 3, 1)),
        (None, date(2026, 12, 1)),  # this month
        ("2026-3", date(2026, 12, 1)),  # not YYYY-MM: this month, as any other odd text
        ("\u0662\u0660\u0662\u0666-\u0660\u0663", date(2026, 12, 1)),  # was read as March 2026
        ("9" * 5000 + "-01", date(2026, 12, 1)),
    ],
)
def test_a_report_summarys_month_is_read_by_the_one_rule(raw, expected) -> None:
    from kinerja.reports.service import parse_month

    assert parse_month(raw, date(2026, 12, 4)) == expected


def test_a_programs_point_is_always_a_decimal_point() -> None:
    """A JSON body is a program's text: "1.005" and "1.500" are decimals there, while a person's
    "1.500" in a form is refused as ambiguous; "1,500" is ambiguous from either."""
    assert numbers.typed_decimal("1.005", machine=True) == Decimal("1.005")
    assert numbers.typed_decimal("1.500", machine=True) == Decimal("1.5")
    assert numbers.typed_decimal("-0.25", machine=True) == Decimal("-0.25")
    assert numbers.typed_decimal("2,5", machine=True) == Decimal("2.5")
    assert numbers.typed_decimal("1e3", machine=True) == Decimal(1000)
    with pytest.raises(numbers.Ambiguous):
        numbers.typed_decimal("1,500", machine=True)
    with pytest.raises(numbers.Ambiguous):
        numbers.typed_decimal("1.500")
