"""`kinerja.rules.iki`: an IKI's realisation against its target, per aspect (pure)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from kinerja import rules
from kinerja.rules import iki


@pytest.mark.parametrize(
    ("realised", "low", "high", "aspect", "percent"),
    [
        # more is better: kuantitas, kualitas
        (D(3), D(3), None, "kuantitas", 100),
        (D(9), D(12), None, "kuantitas", 75),
        (D("13.44"), D(12), None, "kuantitas", 112),  # over-achievement stays a number
        (D(0), D(12), None, "kuantitas", 0),
        (D(85), D(90), D(100), "kualitas", 94),  # below a range: against its low end
        (D(95), D(90), D(100), "kualitas", 100),  # inside a range: met
        (D(90), D(90), D(100), "kualitas", 100),
        (D(105), D(90), D(100), "kualitas", 105),  # above: against its high end
        # less is better: waktu (days taken), biaya (money spent)
        (D(5), D(5), None, "waktu", 100),
        (D(4), D(5), None, "waktu", 125),  # faster than planned
        (D(10), D(5), None, "waktu", 50),
        (D(3), D(3), D(5), "waktu", 100),
        (D(6), D(3), D(5), "waktu", 83),  # slower than the range's top
        (D(2), D(3), D(5), "waktu", 150),  # faster than its low end
        (D(50), D(60), None, "biaya", 120),
        # rounded down: a target just missed never shows as met (#21)
        (D("5.02"), D(5), None, "waktu", 99),
        (D("11.95"), D(12), None, "kuantitas", 99),
        (D("89.99"), D(90), D(100), "kualitas", 99),
        (D(75), D(60), None, "biaya", 80),
        # no aspect (a qualitative plan's indicator) reads as kuantitas
        (D(1), D(2), None, None, 50),
    ],
)
def test_achievement_by_aspect(realised, low, high, aspect, percent) -> None:
    assert rules.achievement(realised, low, high, aspect) == percent


@pytest.mark.parametrize(
    ("realised", "low", "aspect"),
    [
        (None, D(12), "kuantitas"),  # nothing realised yet
        (D(3), None, "kuantitas"),  # no numeric target (a narrative one)
        (D(0), D(0), "kuantitas"),  # a target of 0 where more is better
        (D(0), D(5), "waktu"),  # no time taken: nothing to compare
        (D(0), D(60), "biaya"),
    ],
)
def test_what_cannot_be_measured_is_none(realised, low, aspect) -> None:
    assert rules.achievement(realised, low, None, aspect) is None


def test_an_unknown_aspect_raises_value_error_naming_it() -> None:
    with pytest.raises(ValueError, match="rasa"):
        rules.achievement(D(1), D(1), None, "rasa")


def test_the_bar_stops_at_100_and_never_goes_below_0() -> None:
    assert [iki.bar(p) for p in (None, -5, 0, 64, 100, 112, 400)] == [0, 0, 0, 64, 100, 100, 100]


def test_a_count_is_split_over_the_periods_and_adds_up_to_the_year() -> None:
    assert rules.split(D(12), None, 4, "kuantitas", "laporan") == [(D(3), None)] * 4
    thirds = rules.split(D(10), None, 3, "kuantitas", "dokumen")
    assert [low for low, _high in thirds] == [D("3.33"), D("3.33"), D("3.34")]
    assert sum(low for low, _high in thirds) == D(10)
    monthly = rules.split(D(60000000), None, 12, "biaya", "rupiah")
    assert monthly[0] == (D(5000000), None) and sum(low for low, _ in monthly) == D(60000000)
    ranged = rules.split(D(8), D(12), 4, "kuantitas", "sesi")
    assert ranged == [(D(2), D(3))] * 4


@pytest.mark.parametrize(
    ("aspect", "unit"),
    [("kualitas", "nilai"), ("waktu", "hari"), ("kuantitas", "%"), ("kuantitas", " Persen ")],
)
def test_a_level_is_the_same_target_every_period(aspect, unit) -> None:
    assert rules.split(D(95), D(100), 4, aspect, unit) == [(D(95), D(100))] * 4
    assert not rules.adds_up(aspect, unit)


def test_a_split_needs_a_period() -> None:
    with pytest.raises(ValueError):
        rules.split(D(12), None, 0, "kuantitas", "laporan")


def test_realisation_sums_a_count_and_averages_a_level() -> None:
    quantities = [D(1), D(2), D(3)]
    assert rules.realisation(quantities, "kuantitas", "laporan") == D(6)
    assert rules.realisation([], "kuantitas", "laporan") == D(0)  # nothing done is 0
    assert rules.realisation(quantities, "waktu", "hari") == D(2)
    assert rules.realisation([D(90), D(95)], "kuantitas", "%") == D("92.5")
    assert rules.realisation([], "kualitas", "nilai") is None  # nothing measured


def test_overall_caps_each_before_the_mean() -> None:
    assert rules.overall([200, 50]) == 75  # one exceeded target does not hide a missed one
    assert rules.overall([None, 40]) == 40
    assert rules.overall([100, 99]) == 99  # down: 100 only when every target was met
    assert rules.overall([None]) is None and rules.overall([]) is None


def test_the_aspect_table_can_be_overridden() -> None:
    table = {**iki.ASPECTS, "kualitas": iki.Aspect(iki.LOWER, False)}
    assert rules.achievement(D(50), D(100), None, "kualitas", table) == 200
